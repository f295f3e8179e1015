// SPDX-License-Identifier: GPL-2.0-only
/*
 * The agent's fake physical memory (see arena.h).
 *
 * A binary buddy allocator with its metadata kept outside the arena, so
 * that nothing the driver scribbles over free or allocated memory can
 * corrupt the allocator, and so that free memory can stay poisoned (and,
 * in sanitizer builds, unreadable) until it is handed out again.
 * Allocation is deterministic: the same sequence of requests from a fresh
 * arena always yields the same addresses, and so does the same sequence
 * after a reclaim.
 *
 * What the bench holds of each block is kept in a shadow mapping at the
 * block's offset, so that a sync can say exactly which words changed.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <sanitizer/asan_interface.h>

#include "arena.h"

#define NPAGES		((int32_t)(LOCKSTEP_ARENA_SIZE >> LOCKSTEP_PAGE_SHIFT))
#define TOP_ORDER	(LOCKSTEP_MAX_ORDER - 1)

enum {
	PG_HEAD	= 1,	/* first page of a block, free or allocated */
	PG_ALLOC = 2,	/* the block is allocated */
	PG_FREE	= 4,	/* the block is on a free list */
	PG_SENT	= 8,	/* the bench holds a copy: the shadow */
};

struct arena_page {
	int32_t head;		/* head page of the allocated block, or -1 */
	int32_t next;		/* free list links, free heads only */
	int32_t prev;
	uint8_t order;
	uint8_t flags;
	int8_t owner;
	uint8_t dma_maps;
};

struct freed_block {
	uint64_t pa;
	uint32_t len;
};

uintptr_t lockstep_arena_va;
static uint8_t *shadow;

static struct arena_page pages[NPAGES];
/*
 * Pages at or above this, in whole top-order blocks, are as a reclaim left
 * them: a reclaim only has to reset the metadata below it.
 */
static int32_t used_top;
static int32_t free_list[LOCKSTEP_MAX_ORDER];
/* Only blocks the bench holds go here, at most one entry per page. */
static struct freed_block freed[NPAGES];
static unsigned int nfreed;

static void *pfn_va(int32_t pfn)
{
	return (void *)(lockstep_arena_va +
			((uintptr_t)pfn << LOCKSTEP_PAGE_SHIFT));
}

static uint64_t pfn_pa(int32_t pfn)
{
	return LOCKSTEP_PHYS_BASE + ((uint64_t)pfn << LOCKSTEP_PAGE_SHIFT);
}

static uint32_t order_bytes(unsigned int order)
{
	return (uint32_t)ARENA_PAGE_SIZE << order;
}

static void poison(int32_t pfn, unsigned int order)
{
	memset(pfn_va(pfn), ARENA_PAGE_POISON, order_bytes(order));
	ASAN_POISON_MEMORY_REGION(pfn_va(pfn), order_bytes(order));
}

static void free_push(int32_t pfn, unsigned int order)
{
	struct arena_page *pg = &pages[pfn];

	pg->flags = PG_HEAD | PG_FREE;
	pg->order = order;
	pg->head = -1;
	pg->owner = -1;
	pg->dma_maps = 0;
	pg->prev = -1;
	pg->next = free_list[order];
	if (pg->next >= 0)
		pages[pg->next].prev = pfn;
	free_list[order] = pfn;
}

static void free_del(int32_t pfn, unsigned int order)
{
	struct arena_page *pg = &pages[pfn];

	if (pg->prev >= 0)
		pages[pg->prev].next = pg->next;
	else
		free_list[order] = pg->next;
	if (pg->next >= 0)
		pages[pg->next].prev = pg->prev;
	pg->flags = 0;
}

static void *shadow_of(int32_t pfn)
{
	return shadow + ((uintptr_t)pfn << LOCKSTEP_PAGE_SHIFT);
}

/*
 * Every page below @limit back to its pristine state, then every top-order
 * block on the free list, pushed from the top down so the lowest is handed
 * out first: the state of a fresh arena, whatever was used before.
 */
static void rebuild(int32_t limit)
{
	int32_t pfn;
	int o;

	for (o = 0; o < LOCKSTEP_MAX_ORDER; o++)
		free_list[o] = -1;
	for (pfn = 0; pfn < limit; pfn++) {
		memset(&pages[pfn], 0, sizeof(pages[pfn]));
		pages[pfn].head = -1;
		pages[pfn].owner = -1;
	}
	for (pfn = NPAGES - (1 << TOP_ORDER); pfn >= 0; pfn -= 1 << TOP_ORDER)
		free_push(pfn, TOP_ORDER);
	nfreed = 0;
	used_top = 0;
}

int arena_init(void)
{
	void *va;

	va = mmap(NULL, LOCKSTEP_ARENA_SIZE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (va == MAP_FAILED)
		return -1;
	lockstep_arena_va = (uintptr_t)va;
	memset(va, ARENA_PAGE_POISON, LOCKSTEP_ARENA_SIZE);
	ASAN_POISON_MEMORY_REGION(va, LOCKSTEP_ARENA_SIZE);
	/* Only the pages of blocks the bench holds are ever touched here. */
	va = mmap(NULL, LOCKSTEP_ARENA_SIZE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (va == MAP_FAILED)
		return -1;
	shadow = va;
	rebuild(NPAGES);
	return 0;
}

/*
 * RESET: every block goes back, leaked or not, and the bench's copy is void.
 * Only what was used since the last reclaim is swept, so a reset costs what
 * the case allocated, not the size of the arena.
 */
void arena_reclaim_all(void)
{
	int32_t pfn;

	for (pfn = 0; pfn < used_top; pfn++)
		if ((pages[pfn].flags & (PG_HEAD | PG_ALLOC)) ==
		    (PG_HEAD | PG_ALLOC))
			poison(pfn, pages[pfn].order);
	rebuild(used_top);
}

void *arena_alloc(unsigned int order, int owner)
{
	unsigned int o;
	int32_t pfn, i;
	struct arena_page *pg;

	if (order > TOP_ORDER)
		return NULL;
	for (o = order; o <= TOP_ORDER && free_list[o] < 0; o++)
		;
	if (o > TOP_ORDER)
		return NULL;

	pfn = free_list[o];
	free_del(pfn, o);
	/* The whole top-order block is split from here on: a reclaim sweeps it. */
	if (pfn + (1 << o) > used_top)
		used_top = (pfn + (1 << TOP_ORDER)) & ~((1 << TOP_ORDER) - 1);
	/* Keep the lower half, return the upper half to the free lists. */
	while (o > order) {
		o--;
		free_push(pfn + (1 << o), o);
	}

	for (i = 0; i < (1 << order); i++) {
		pages[pfn + i].head = pfn;
		pages[pfn + i].flags = 0;
	}
	pg = &pages[pfn];
	pg->flags = PG_HEAD | PG_ALLOC;
	pg->order = order;
	pg->owner = owner;
	pg->dma_maps = 0;

	ASAN_UNPOISON_MEMORY_REGION(pfn_va(pfn), order_bytes(order));
	return pfn_va(pfn);
}

static int va_pfn(const void *va, int32_t *pfn)
{
	uintptr_t off = (uintptr_t)va - lockstep_arena_va;

	if ((uintptr_t)va < lockstep_arena_va || off >= LOCKSTEP_ARENA_SIZE)
		return ARENA_ERR_OUTSIDE;
	if (off & (ARENA_PAGE_SIZE - 1))
		return ARENA_ERR_NOT_BLOCK;
	*pfn = off >> LOCKSTEP_PAGE_SHIFT;
	return ARENA_OK;
}

/*
 * A bad free is refused rather than carried out: the block then shows up as
 * a leak as well, but the allocator stays consistent for the next case.
 */
int arena_free(void *va, unsigned int order)
{
	struct arena_page *pg;
	int32_t pfn, buddy, i;
	int err;

	err = va_pfn(va, &pfn);
	if (err)
		return err;
	pg = &pages[pfn];
	if ((pg->flags & (PG_HEAD | PG_ALLOC)) != (PG_HEAD | PG_ALLOC))
		return ARENA_ERR_NOT_BLOCK;
	if (pg->order != order)
		return ARENA_ERR_ORDER;

	if (pg->flags & PG_SENT) {
		freed[nfreed].pa = pfn_pa(pfn);
		freed[nfreed].len = order_bytes(order);
		nfreed++;
	}
	poison(pfn, order);
	for (i = 0; i < (1 << order); i++) {
		pages[pfn + i].head = -1;
		pages[pfn + i].flags = 0;
	}

	while (order < TOP_ORDER) {
		buddy = pfn ^ (1 << order);
		if (!(pages[buddy].flags & PG_FREE) ||
		    pages[buddy].order != order)
			break;
		free_del(buddy, order);
		if (buddy < pfn)
			pfn = buddy;
		order++;
	}
	free_push(pfn, order);
	return ARENA_OK;
}

const char *arena_strerror(int err)
{
	switch (err) {
	case ARENA_OK:
		return "ok";
	case ARENA_ERR_OUTSIDE:
		return "address outside the page arena";
	case ARENA_ERR_NOT_BLOCK:
		return "not an allocated block";
	case ARENA_ERR_ORDER:
		return "order differs from the allocation's";
	case ARENA_ERR_NOT_MAPPED:
		return "memory not DMA-mapped";
	case ARENA_ERR_SPAN:
		return "range crosses the end of its block";
	}
	return "?";
}

uint64_t arena_pa(const void *va)
{
	return (uintptr_t)va - lockstep_arena_va + LOCKSTEP_PHYS_BASE;
}

bool arena_has_pa(uint64_t pa, uint64_t len)
{
	return pa >= LOCKSTEP_PHYS_BASE &&
	       pa - LOCKSTEP_PHYS_BASE < LOCKSTEP_ARENA_SIZE &&
	       len <= LOCKSTEP_ARENA_SIZE - (pa - LOCKSTEP_PHYS_BASE);
}

static int pa_block(uint64_t pa, uint64_t len, struct arena_page **pgp)
{
	struct arena_page *pg;
	int32_t pfn, head;

	if (!len)
		len = 1;
	if (!arena_has_pa(pa, len))
		return ARENA_ERR_OUTSIDE;
	pfn = (pa - LOCKSTEP_PHYS_BASE) >> LOCKSTEP_PAGE_SHIFT;
	head = pages[pfn].head;
	if (head < 0)
		return ARENA_ERR_NOT_BLOCK;
	pg = &pages[head];
	if (pa + len > pfn_pa(head) + order_bytes(pg->order))
		return ARENA_ERR_SPAN;
	*pgp = pg;
	return ARENA_OK;
}

int arena_dma_map(uint64_t pa, uint64_t len)
{
	struct arena_page *pg;
	int err = pa_block(pa, len, &pg);

	if (err)
		return err;
	if (pg->dma_maps < 255)
		pg->dma_maps++;
	return ARENA_OK;
}

int arena_dma_unmap(uint64_t pa, uint64_t len)
{
	struct arena_page *pg;
	int err = pa_block(pa, len, &pg);

	if (err)
		return err;
	if (!pg->dma_maps)
		return ARENA_ERR_NOT_MAPPED;
	pg->dma_maps--;
	return ARENA_OK;
}

int arena_dma_check(uint64_t pa, uint64_t len)
{
	struct arena_page *pg;
	int err = pa_block(pa, len, &pg);

	if (err)
		return err;
	return pg->dma_maps ? ARENA_OK : ARENA_ERR_NOT_MAPPED;
}

/* Calls @fn on every allocated block head, in address order. */
#define for_each_block(pfn)						\
	for (pfn = 0; pfn < NPAGES;					\
	     pfn += (pages[pfn].flags & PG_HEAD) ? 1 << pages[pfn].order : 1)

static bool is_alloc_head(int32_t pfn)
{
	return (pages[pfn].flags & (PG_HEAD | PG_ALLOC)) ==
	       (PG_HEAD | PG_ALLOC);
}

unsigned int arena_count_owned(int owner)
{
	unsigned int n = 0;
	int32_t pfn;

	for_each_block(pfn)
		if (is_alloc_head(pfn) && pages[pfn].owner == owner)
			n++;
	return n;
}

unsigned int arena_count_allocated(void)
{
	unsigned int n = 0;
	int32_t pfn;

	for_each_block(pfn)
		if (is_alloc_head(pfn))
			n++;
	return n;
}

void arena_describe_owned(int owner, char *buf, size_t len)
{
	size_t used = 0;
	int32_t pfn;
	int n;

	if (len)
		buf[0] = 0;
	for_each_block(pfn) {
		if (!is_alloc_head(pfn) || pages[pfn].owner != owner)
			continue;
		n = snprintf(buf + used, len - used, "%s0x%llx+0x%x",
			     used ? " " : "",
			     (unsigned long long)pfn_pa(pfn),
			     order_bytes(pages[pfn].order));
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += n;
	}
}

void arena_disown(int owner)
{
	int32_t pfn;

	for_each_block(pfn)
		if (is_alloc_head(pfn) && pages[pfn].owner == owner)
			pages[pfn].owner = -1;
}

/*
 * MEM_SYNC: whole blocks, those the bench has no copy of or whose words
 * differ from its copy.
 */
void arena_sync_changed(arena_block_fn fn, void *arg)
{
	struct arena_page *pg;
	uint32_t len;
	int32_t pfn;

	for_each_block(pfn) {
		if (!is_alloc_head(pfn))
			continue;
		pg = &pages[pfn];
		len = order_bytes(pg->order);
		if ((pg->flags & PG_SENT) &&
		    !memcmp(pfn_va(pfn), shadow_of(pfn), len))
			continue;
		if (fn(arg, pfn_pa(pfn), pfn_va(pfn), len))
			return;
		memcpy(shadow_of(pfn), pfn_va(pfn), len);
		pg->flags |= PG_SENT;
	}
}

/*
 * Whether a block the bench holds is compared with its shadow: the blocks
 * of the handles in @owners (bit n for handle n), and every block no
 * handle owns.
 */
static bool in_scope(const struct arena_page *pg, uint32_t owners)
{
	return pg->owner < 0 || pg->owner > 31 || (owners >> pg->owner) & 1;
}

int arena_sync_delta(const struct arena_delta_ops *ops, void *arg,
		     uint32_t owners)
{
	struct arena_page *pg;
	uint32_t len;
	int32_t pfn;

	for_each_block(pfn) {
		if (!is_alloc_head(pfn))
			continue;
		pg = &pages[pfn];
		len = order_bytes(pg->order);
		if ((pg->flags & PG_SENT) && !in_scope(pg, owners))
			continue;
		if (!(pg->flags & PG_SENT)) {
			if (ops->fresh(arg, pfn_pa(pfn), len))
				return 1;
			/* The bench starts the block as zeros; so does its shadow. */
			memset(shadow_of(pfn), 0, len);
			pg->flags |= PG_SENT;
		} else if (!memcmp(pfn_va(pfn), shadow_of(pfn), len)) {
			continue;
		}
		if (arena_delta_words(pfn_pa(pfn), pfn_va(pfn), shadow_of(pfn),
				      len, ops, arg))
			return 1;
	}
	return 0;
}

void arena_sync_freed(arena_block_fn fn, void *arg)
{
	unsigned int i;

	for (i = 0; i < nfreed; i++)
		fn(arg, freed[i].pa, NULL, freed[i].len);
	nfreed = 0;
}

unsigned int arena_freed_pending(void)
{
	return nfreed;
}
