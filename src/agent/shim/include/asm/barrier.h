/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Barriers.  There is no device on the other side, so the DMA barriers only
 * need to order the CPU's own accesses: atomic fences do that and also keep
 * the compiler from moving stores across them.
 */
#ifndef _ASM_BARRIER_H
#define _ASM_BARRIER_H

#include <linux/compiler.h>

#define mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define dma_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define dma_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_mb()	mb()
#define smp_rmb()	rmb()
#define smp_wmb()	wmb()

#endif /* _ASM_BARRIER_H */
