/* SPDX-License-Identifier: GPL-2.0-only */
/* get_order() and page_address() over the shim's arena pages. */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <asm/page.h>
#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/types.h>

/* Smallest order whose block holds @size bytes; 0 gives 52, as upstream. */
static inline int get_order(unsigned long size)
{
	size--;
	size >>= PAGE_SHIFT;
	return size ? BITS_PER_LONG - __builtin_clzl(size) : 0;
}

static inline void *page_address(const struct page *page)
{
	return (void *)page;
}

#endif /* _LINUX_MM_H */
