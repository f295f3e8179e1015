// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_alloc_coherent() from the arena, between guard pages: the block holds
 * one guard page, the buffer (rounded up to pages), and at least one guard
 * page after it.  The guards are filled with GUARD_BYTE and checked when
 * the buffer is freed, so that a driver writing past its buffer is caught
 * the way KASAN would.  The bus address is the physical address.  A table
 * of live buffers lets the bench write into them by bus address, as the
 * firmware would.
 *
 * Built as agent code (C library headers only).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../arena.h"
#include "../events.h"
#include "include/lockstep/dma.h"
#include "include/lockstep/hooks.h"

#define GUARD_BYTE	0x5a
#define MAX_BUFS	64

struct dma_buf {
	uint8_t *block;		/* NULL: a registered mapping, not ours */
	unsigned int order;
	uint8_t *va;
	uint64_t iova;
	size_t size;		/* as asked */
};

static struct dma_buf bufs[MAX_BUFS];

void (*lockstep_dma_log)(int alloc, uint64_t size, uint64_t iova);

static struct dma_buf *free_slot(void)
{
	int i;

	for (i = 0; i < MAX_BUFS; i++)
		if (!bufs[i].va)
			return &bufs[i];
	return NULL;
}

static void dma_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void dma_warn(const char *fmt, ...)
{
	char text[EVENT_TEXT_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	lockstep_ctx.warns++;
	event_add(EVENT_WARN, text);
}

static size_t pages_of(size_t size)
{
	return (size + ARENA_PAGE_SIZE - 1) & ~(size_t)(ARENA_PAGE_SIZE - 1);
}

void *lockstep_dma_alloc_coherent(size_t size, unsigned long long *iova, unsigned int gfp)
{
	struct dma_buf *b = free_slot();
	size_t need, span;
	unsigned int order = 0;

	if (!size || size > (ARENA_PAGE_SIZE << (LOCKSTEP_MAX_ORDER - 1))) {
		event_addf(EVENT_PRINTK, "lockstep: dma_alloc_coherent(%zu bytes) refused", size);
		return NULL;
	}
	if (!b) {
		event_addf(EVENT_PRINTK, "lockstep: dma_alloc_coherent: more than %d buffers live",
			   MAX_BUFS);
		return NULL;
	}
	need = pages_of(size) + 2 * ARENA_PAGE_SIZE;
	while ((span = ARENA_PAGE_SIZE << order) < need)
		order++;
	if (order >= LOCKSTEP_MAX_ORDER) {
		event_addf(EVENT_PRINTK, "lockstep: dma_alloc_coherent(%zu bytes): too large with guards", size);
		return NULL;
	}
	b->block = arena_alloc(order, lockstep_ctx.owner);
	if (!b->block) {
		event_addf(EVENT_PRINTK, "lockstep: dma_alloc_coherent(%zu bytes): arena exhausted", size);
		return NULL;
	}
	b->order = order;
	b->va = b->block + ARENA_PAGE_SIZE;
	b->size = size;
	b->iova = arena_pa(b->va);
	memset(b->block, GUARD_BYTE, span);
	memset(b->va, 0, size);		/* dma_alloc_coherent always zeroes */
	*iova = b->iova;
	if (lockstep_dma_log)
		lockstep_dma_log(1, size, b->iova);
	return b->va;
}

/* Checks the guard bytes around @b; returns 0 when intact. */
static int check_guards(const struct dma_buf *b)
{
	size_t span = ARENA_PAGE_SIZE << b->order, i;
	const uint8_t *end = b->va + b->size;

	for (i = 0; i < ARENA_PAGE_SIZE; i++)
		if (b->block[i] != GUARD_BYTE)
			goto bad;
	for (; end < b->block + span; end++)
		if (*end != GUARD_BYTE)
			goto bad;
	return 0;
bad:
	dma_warn("lockstep: dma-coherent buffer [bus address=0x%llx] [size=%zu bytes]: guard zone overwritten",
		 (unsigned long long)b->iova, b->size);
	return 1;
}

void lockstep_dma_free_coherent(size_t size, void *va, uint64_t iova)
{
	struct dma_buf *b = NULL;
	int i, err;

	for (i = 0; i < MAX_BUFS; i++)
		if (bufs[i].va && bufs[i].block && bufs[i].va == va)
			b = &bufs[i];
	if (!b) {
		dma_warn("dma-debug: device driver tries to free DMA memory it has not allocated [device address=0x%llx] [size=%zu bytes]",
			 (unsigned long long)iova, size);
		return;
	}
	if (b->iova != iova || b->size != size)
		dma_warn("dma-debug: device driver frees DMA memory with different size or address [device address=0x%llx] [map size=%zu bytes] [unmap size=%zu bytes]",
			 (unsigned long long)b->iova, b->size, size);
	check_guards(b);
	err = arena_free(b->block, b->order);
	if (err)
		event_addf(EVENT_BUG, "BUG: dma_free_coherent: %s", arena_strerror(err));
	if (lockstep_dma_log)
		lockstep_dma_log(0, b->size, b->iova);
	memset(b, 0, sizeof(*b));
}

int lockstep_dma_register(void *va, uint64_t iova, size_t size)
{
	struct dma_buf *b = free_slot();

	if (!b)
		return -ENOMEM;
	b->block = NULL;
	b->va = va;
	b->iova = iova;
	b->size = size;
	return 0;
}

void lockstep_dma_unregister(uint64_t iova)
{
	int i;

	for (i = 0; i < MAX_BUFS; i++)
		if (bufs[i].va && !bufs[i].block && bufs[i].iova == iova)
			memset(&bufs[i], 0, sizeof(bufs[i]));
}

int lockstep_dma_write(uint64_t iova, const void *src, size_t len)
{
	int i;

	for (i = 0; i < MAX_BUFS; i++) {
		struct dma_buf *b = &bufs[i];

		if (b->va && iova >= b->iova && len <= b->size &&
		    iova - b->iova <= b->size - len) {
			memcpy(b->va + (iova - b->iova), src, len);
			return 0;
		}
	}
	return -EFAULT;
}

unsigned int lockstep_dma_check_all(void)
{
	unsigned int n = 0;
	int i;

	for (i = 0; i < MAX_BUFS; i++) {
		if (!bufs[i].va)
			continue;
		n++;
		if (bufs[i].block)
			check_guards(&bufs[i]);
	}
	return n;
}

void lockstep_dma_forget_all(void)
{
	memset(bufs, 0, sizeof(bufs));
}
