/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmpxchg and xchg on the gcc __atomic builtins.  All return the value
 * found in memory, as the kernel's do.  The agent is single-threaded, but
 * the driver's ordering is kept so that sanitizers see what it meant.
 */
#ifndef _LINUX_ATOMIC_H
#define _LINUX_ATOMIC_H

#include <linux/types.h>

#define __lockstep_cmpxchg(ptr, old, new, order) ({			\
	__typeof__(*(ptr)) __old = (old);				\
	__atomic_compare_exchange_n((ptr), &__old, (new), false,	\
				    (order), __ATOMIC_RELAXED);		\
	__old;								\
})

#define cmpxchg(ptr, old, new)						\
	__lockstep_cmpxchg(ptr, old, new, __ATOMIC_SEQ_CST)
#define cmpxchg_relaxed(ptr, old, new)					\
	__lockstep_cmpxchg(ptr, old, new, __ATOMIC_RELAXED)
#define cmpxchg64(ptr, old, new)	cmpxchg(ptr, old, new)
#define cmpxchg64_relaxed(ptr, old, new) cmpxchg_relaxed(ptr, old, new)

#define xchg(ptr, val)	__atomic_exchange_n((ptr), (val), __ATOMIC_SEQ_CST)

#endif /* _LINUX_ATOMIC_H */
