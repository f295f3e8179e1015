/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fake physical memory as the shim sees it: one mapping of the agent's
 * arena stands for RAM at LOCKSTEP_PHYS_BASE, so __pa()/__va() are plain
 * offsets.  The base sits at 32 GiB: above the 32-bit range, so that a
 * driver truncating addresses is caught, yet inside DART1's 36-bit output.
 *
 * Plain C: shared by the shim headers and the agent's arena.
 */
#ifndef LOCKSTEP_MEMORY_H
#define LOCKSTEP_MEMORY_H

#include <stdint.h>

#define LOCKSTEP_PHYS_BASE	0x800000000ULL
#define LOCKSTEP_ARENA_SIZE	(64ULL << 20)

#ifndef LOCKSTEP_PAGE_SHIFT
#define LOCKSTEP_PAGE_SHIFT	12
#endif

/* The kernel's MAX_ORDER of 6.1: blocks of 1 << 10 pages at most. */
#define LOCKSTEP_MAX_ORDER	11

extern uintptr_t lockstep_arena_va;

#endif /* LOCKSTEP_MEMORY_H */
