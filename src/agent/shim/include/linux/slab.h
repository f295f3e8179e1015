/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmalloc and friends: the C heap, with each object charged to the handle
 * whose operation allocated it, so that FREE can report what the driver
 * left behind outside the page arena too.
 */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/types.h>
#include <lockstep/hooks.h>

static inline void *kmalloc(size_t size, gfp_t gfp)
{
	return lockstep_kmalloc(size, gfp);
}

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return lockstep_kmalloc(size, gfp | __GFP_ZERO);
}

static inline void kfree(const void *p)
{
	lockstep_kfree(p);
}

#endif /* _LINUX_SLAB_H */
