/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pages and the linear map.  Kernel virtual addresses are pointers into the
 * agent's arena and physical addresses are offsets from LOCKSTEP_PHYS_BASE:
 * like the kernel's, these conversions do no checking, so a wild physical
 * address read out of a corrupt table becomes a wild pointer.
 */
#ifndef _ASM_PAGE_H
#define _ASM_PAGE_H

#include <linux/types.h>
#include <lockstep/memory.h>

#define PAGE_SHIFT	LOCKSTEP_PAGE_SHIFT
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

static inline phys_addr_t virt_to_phys(const volatile void *va)
{
	return (uintptr_t)va - lockstep_arena_va + LOCKSTEP_PHYS_BASE;
}

static inline void *phys_to_virt(phys_addr_t pa)
{
	return (void *)(uintptr_t)(pa - LOCKSTEP_PHYS_BASE + lockstep_arena_va);
}

#define __pa(x)		virt_to_phys((const void *)(x))
#define __va(x)		phys_to_virt((phys_addr_t)(x))

#endif /* _ASM_PAGE_H */
