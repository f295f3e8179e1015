/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compile-time assertions.  As in the kernel, a failed check is a call to a
 * function carrying gcc's error attribute, which only survives when the
 * condition is not folded away, so the checks need -O1 or more.
 */
#ifndef _LINUX_BUILD_BUG_H
#define _LINUX_BUILD_BUG_H

#include <linux/compiler.h>

#define __lockstep_assert(cond, msg, n)					\
	do {								\
		extern void __lockstep_build_bug_##n(void)		\
			__compiletime_error(msg);			\
		if (!(cond))						\
			__lockstep_build_bug_##n();			\
	} while (0)
#define _lockstep_assert(cond, msg, n)	__lockstep_assert(cond, msg, n)

#define BUILD_BUG_ON_MSG(cond, msg)					\
	_lockstep_assert(!(cond), msg, __COUNTER__)
#define BUILD_BUG_ON(cond)						\
	BUILD_BUG_ON_MSG(cond, "BUILD_BUG_ON failed: " #cond)
#define BUILD_BUG()		BUILD_BUG_ON_MSG(1, "BUILD_BUG failed")
#define BUILD_BUG_ON_ZERO(e)	((int)(sizeof(struct { int:(-!!(e)); })))

#define __BUILD_BUG_ON_NOT_POWER_OF_2(n)				\
	BUILD_BUG_ON(((n) & ((n) - 1)) != 0)

/* C11 _Static_assert with the message optional, as the kernel has it. */
#define static_assert(expr, ...)	__static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...)	_Static_assert(expr, msg)

#endif /* _LINUX_BUILD_BUG_H */
