/* SPDX-License-Identifier: GPL-2.0-only */
/* Compiler attributes and the once-accessors, for gcc in userspace. */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define barrier()		__asm__ __volatile__("" : : : "memory")

#ifndef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#define noinline		__attribute__((__noinline__))
#define __noreturn		__attribute__((__noreturn__))
#define __cold			__attribute__((__cold__))
#define __maybe_unused		__attribute__((__unused__))
#define __always_unused		__attribute__((__unused__))
#define __must_check		__attribute__((__warn_unused_result__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __compiletime_error(msg) __attribute__((__error__(msg)))
#define fallthrough		__attribute__((__fallthrough__))

/* Sparse annotations mean nothing to gcc. */
#define __iomem
#define __user
#define __force
#define __bitwise
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)						\
	do {								\
		*(volatile __typeof__(x) *)&(x) = (val);		\
	} while (0)

#endif /* _LINUX_COMPILER_H */
