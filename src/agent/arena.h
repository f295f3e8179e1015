/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent's fake physical memory: a buddy allocator of naturally aligned
 * power-of-two blocks over one mapping, with per-block owner (for leak
 * counting), DMA-mapping state (for DMA-API checks) and the state needed to
 * tell the bench which blocks changed since its last MEM_SYNC.
 */
#ifndef LOCKSTEP_ARENA_H
#define LOCKSTEP_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shim/include/lockstep/memory.h"

#define ARENA_PAGE_SIZE		(1ULL << LOCKSTEP_PAGE_SHIFT)
#define ARENA_PAGE_POISON	0xaa	/* as the kernel's PAGE_POISON */

enum arena_err {
	ARENA_OK = 0,
	ARENA_ERR_OUTSIDE,	/* not an address inside the arena */
	ARENA_ERR_NOT_BLOCK,	/* not the start of an allocated block */
	ARENA_ERR_ORDER,	/* freed with another order than allocated */
	ARENA_ERR_NOT_MAPPED,	/* DMA unmap/sync of memory not DMA-mapped */
	ARENA_ERR_SPAN,		/* DMA range crosses a block boundary */
};

int arena_init(void);
void arena_reclaim_all(void);

void *arena_alloc(unsigned int order, int owner);
int arena_free(void *va, unsigned int order);
const char *arena_strerror(int err);

uint64_t arena_pa(const void *va);
bool arena_has_pa(uint64_t pa, uint64_t len);

int arena_dma_map(uint64_t pa, uint64_t len);
int arena_dma_unmap(uint64_t pa, uint64_t len);
int arena_dma_check(uint64_t pa, uint64_t len);

unsigned int arena_count_owned(int owner);
unsigned int arena_count_allocated(void);
void arena_describe_owned(int owner, char *buf, size_t len);
void arena_disown(int owner);

/*
 * MEM_SYNC.  @fn gets each block that is new or changed since it was last
 * handed out; a nonzero return stops the walk and leaves that block (and
 * the rest) pending for the next sync.
 */
typedef int (*arena_block_fn)(void *arg, uint64_t pa, const void *va,
			      uint32_t len);
void arena_sync_changed(arena_block_fn fn, void *arg);
/*
 * STEP's table delta: blocks the bench has no copy of (@fresh: it starts
 * them as zeros) and the runs of words that differ from its copy (@write),
 * in address order.  A nonzero return from either stops the walk; what was
 * not handed out stays pending, and the call returns 1.
 */
struct arena_delta_ops {
	int (*fresh)(void *arg, uint64_t pa, uint32_t len);
	int (*write)(void *arg, uint64_t pa, const void *va, uint32_t len);
};
/*
 * Only blocks of the handles in @owners (bit n for handle n) and blocks no
 * handle owns are compared: a step's operations write only the tables of
 * their own handles, and a write into another handle's table shows at that
 * handle's next step, in the delta its case is judged by.
 */
int arena_sync_delta(const struct arena_delta_ops *ops, void *arg,
		     uint32_t owners);
/*
 * The runs of words of the block at @pa (@len bytes at @va) that differ
 * from @shadow, the bench's copy: each handed to ops->write, then copied
 * into @shadow.  Returns 1 when ops->write refused one (shadow.c).
 */
int arena_delta_words(uint64_t pa, const void *va, void *shadow, uint32_t len,
		      const struct arena_delta_ops *ops, void *arg);
/* Blocks the bench had a copy of and that were freed since; then forgotten. */
void arena_sync_freed(arena_block_fn fn, void *arg);
unsigned int arena_freed_pending(void);

#endif /* LOCKSTEP_ARENA_H */
