/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The functions behind the shim's macros, implemented in shim/shim.c on top
 * of the agent's arena and event log.  Plain C types only.
 */
#ifndef LOCKSTEP_HOOKS_H
#define LOCKSTEP_HOOKS_H

#include <stddef.h>
#include <stdint.h>

/* The gfp bits the hooks look at; linux/gfp.h uses the same values. */
#define LOCKSTEP_GFP_ZERO	0x100u
#define LOCKSTEP_GFP_NOWARN	0x200u

void lockstep_warn(const char *file, int line, const char *func,
		   const char *cond);
void lockstep_warn_fmt(const char *file, int line, const char *func,
		       const char *cond, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void lockstep_bug(const char *file, int line, const char *func,
		  const char *cond) __attribute__((noreturn));

int lockstep_printk(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

void *lockstep_kmalloc(size_t size, unsigned int gfp);
void lockstep_kfree(const void *p);

void *lockstep_alloc_pages(unsigned int gfp, unsigned int order);
void lockstep_free_pages(void *va, unsigned int order);

uint64_t lockstep_dma_map(const void *va, size_t size);
void lockstep_dma_unmap(uint64_t addr, size_t size);
void lockstep_dma_sync(uint64_t addr, size_t size);

void *lockstep_dma_alloc_coherent(size_t size, unsigned long long *iova,
				  unsigned int gfp);
void lockstep_dma_free_coherent(size_t size, void *va, uint64_t iova);

#endif /* LOCKSTEP_HOOKS_H */
