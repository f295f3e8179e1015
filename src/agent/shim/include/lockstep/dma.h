/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Coherent DMA buffers (shim/dma.c), for the agent: the bench writes what
 * the firmware would put into them, by bus address.  Plain C.
 */
#ifndef LOCKSTEP_DMA_H
#define LOCKSTEP_DMA_H

#include <stddef.h>
#include <stdint.h>

/* Extra mappings: a buffer the driver set up at a bus address of the firmware's. */
int lockstep_dma_register(void *va, uint64_t iova, size_t size);
void lockstep_dma_unregister(uint64_t iova);
/* Copies @len bytes to bus address @iova, inside one buffer; -EFAULT otherwise. */
int lockstep_dma_write(uint64_t iova, const void *src, size_t len);
/* Told about each coherent allocation and free; set by the agent. */
extern void (*lockstep_dma_log)(int alloc, uint64_t size, uint64_t iova);
/* Checks the guards of every live buffer (WARN on damage); returns how many live. */
unsigned int lockstep_dma_check_all(void);
/* Forgets every buffer (after the arena was reclaimed). */
void lockstep_dma_forget_all(void);

#endif /* LOCKSTEP_DMA_H */
