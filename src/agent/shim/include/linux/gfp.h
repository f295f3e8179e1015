/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Page allocation from the agent's arena.  A struct page is never looked
 * into by the driver files, so a page pointer is simply the block's address.
 * Orders of MAX_ORDER and above fail with a WARN, as in the kernel.
 */
#ifndef _LINUX_GFP_H
#define _LINUX_GFP_H

#include <linux/types.h>
#include <lockstep/hooks.h>
#include <lockstep/memory.h>

#define __GFP_HIGHMEM	0x02u
#define __GFP_ZERO	LOCKSTEP_GFP_ZERO
#define __GFP_NOWARN	LOCKSTEP_GFP_NOWARN
#define __GFP_ATOMIC	0x400u
#define __GFP_IO	0x40u
#define __GFP_FS	0x80u
#define __GFP_RECLAIM	0x800u

#define GFP_ATOMIC	(__GFP_ATOMIC)
#define GFP_NOWAIT	0u
#define GFP_KERNEL	(__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_DMA32	0x04u

#define MAX_ORDER	LOCKSTEP_MAX_ORDER
#define NUMA_NO_NODE	(-1)

struct page;

static inline struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return lockstep_alloc_pages(gfp, order);
}

static inline struct page *alloc_pages_node(int nid, gfp_t gfp,
					    unsigned int order)
{
	return lockstep_alloc_pages(gfp, order);
}

static inline unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	return (unsigned long)lockstep_alloc_pages(gfp, order);
}

static inline unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

static inline void __free_pages(struct page *page, unsigned int order)
{
	lockstep_free_pages(page, order);
}

static inline void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		lockstep_free_pages((void *)addr, order);
}

#define free_page(addr)		free_pages((addr), 0)

#endif /* _LINUX_GFP_H */
