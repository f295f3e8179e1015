// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which memory the driver took, inside a real kernel: the module's answer
 * to the host agent's arena (src/agent/arena.h, whose leak and MEM_SYNC
 * functions it implements for pgtable_ops.c and main.c).
 *
 * The host agent owns the driver's page allocator; here the kernel does.
 * So the module listens to the allocator's own tracepoints (mm_page_alloc,
 * mm_page_free, kmalloc, kfree), and keeps what the arming task allocates
 * while it is inside a driver call: that is the driver's memory, charged
 * to the handle of the running operation.  Page tables are the zeroed,
 * non-compound page blocks among it (io-pgtable allocates them with
 * __GFP_ZERO); a slab's own pages never carry __GFP_ZERO, and any page
 * that turns out to be a slab page is dropped before it is counted.
 *
 * Blocks the driver leaked are reported and then forgotten, never freed:
 * freeing memory the module did not allocate would be a worse bug than
 * the leak.
 *
 * What the bench holds of each block it was sent is kept in a shadow copy,
 * as the host arena keeps it, so that STEP's table delta says only which
 * words changed (shadow.c does the comparing for both agents).
 */
#include <linux/bug.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/vmalloc.h>

#include "agent/arena.h"
#include "agent/events.h"
#include "agent/shim/shim.h"
#include "kmod.h"

/* As many blocks as the host agent's whole arena has pages. */
#define MAX_BLOCKS	16384
#define MAX_OBJECTS	16384

struct block {
	struct page *page;
	unsigned int order;
	int owner;
	bool sent;
	/*
	 * The bench's copy, once sent; NULL when there was no memory for
	 * one, and then every sync sends the whole block again.
	 */
	void *shadow;
};

struct object {
	const void *ptr;
	int owner;
};

struct freed_block {
	u64 pa;
	u32 len;
	/* Its block's shadow: freed at the next sync, never inside a tracepoint. */
	void *shadow;
};

static struct block *blocks;
static unsigned int nblocks;
static struct freed_block *freed;
static unsigned int nfreed;
static struct object *objects;
static unsigned int nobjects;
static unsigned int overflow;

/* The task whose allocations are the driver's, or NULL. */
static struct task_struct *armed;

static struct tracepoint *tp_page_alloc, *tp_page_free, *tp_kmalloc, *tp_kfree;

static bool mine(void)
{
	return READ_ONCE(armed) == current && in_task();
}

static void probe_page_alloc(void *data, struct page *page,
			     unsigned int order, gfp_t gfp, int migratetype)
{
	if (!page || !mine())
		return;
	if (!(gfp & __GFP_ZERO) || (gfp & __GFP_COMP))
		return;
	if (nblocks == MAX_BLOCKS) {
		overflow++;
		return;
	}
	blocks[nblocks++] = (struct block) {
		.page = page,
		.order = order,
		.owner = lockstep_ctx.owner,
	};
}

static void forget_block(unsigned int i)
{
	nblocks--;
	memmove(&blocks[i], &blocks[i + 1], (nblocks - i) * sizeof(*blocks));
}

/*
 * Only the bench's copy needs telling; it never saw an unsent block.  A
 * block is sent at most once between two syncs, and every sync empties
 * the list, so it has room for every block.
 */
static void probe_page_free(void *data, struct page *page, unsigned int order)
{
	unsigned int i;

	if (!mine())
		return;
	for (i = 0; i < nblocks; i++) {
		if (blocks[i].page != page)
			continue;
		if (blocks[i].sent && !WARN_ON_ONCE(nfreed == MAX_BLOCKS))
			freed[nfreed++] = (struct freed_block) {
				.pa = page_to_phys(page),
				.len = PAGE_SIZE << blocks[i].order,
				.shadow = blocks[i].shadow,
			};
		forget_block(i);
		return;
	}
}

static void probe_kmalloc(void *data, unsigned long call_site, const void *ptr,
			  size_t bytes_req, size_t bytes_alloc, gfp_t gfp,
			  int node)
{
	if (!ptr || !mine())
		return;
	if (nobjects == MAX_OBJECTS) {
		overflow++;
		return;
	}
	objects[nobjects++] = (struct object) {
		.ptr = ptr,
		.owner = lockstep_ctx.owner,
	};
}

static void probe_kfree(void *data, unsigned long call_site, const void *ptr)
{
	unsigned int i;

	if (!ptr || !mine())
		return;
	for (i = 0; i < nobjects; i++) {
		if (objects[i].ptr == ptr) {
			objects[i] = objects[--nobjects];
			return;
		}
	}
}

/* A slab's page that slipped through the gfp test is no page table. */
static void prune(void)
{
	unsigned int i = 0;

	while (i < nblocks) {
		if (PageSlab(blocks[i].page)) {
			kvfree(blocks[i].shadow);
			forget_block(i);
		} else {
			i++;
		}
	}
}

void pages_arm(void)
{
	WRITE_ONCE(armed, current);
}

void pages_disarm(void)
{
	WRITE_ONCE(armed, NULL);
}

unsigned int pages_take_overflow(void)
{
	unsigned int n = overflow;

	overflow = 0;
	return n;
}

unsigned int arena_count_owned(int owner)
{
	unsigned int i, n = 0;

	prune();
	for (i = 0; i < nblocks; i++)
		n += blocks[i].owner == owner;
	return n;
}

unsigned int arena_count_allocated(void)
{
	prune();
	return nblocks;
}

void arena_describe_owned(int owner, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;
	int n;

	if (len)
		buf[0] = 0;
	for (i = 0; i < nblocks; i++) {
		if (blocks[i].owner != owner)
			continue;
		n = snprintf(buf + used, len - used, "%s%pap+0x%lx",
			     used ? " " : "",
			     &(phys_addr_t){ page_to_phys(blocks[i].page) },
			     PAGE_SIZE << blocks[i].order);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += n;
	}
}

void arena_disown(int owner)
{
	unsigned int i;

	for (i = 0; i < nblocks; i++)
		if (blocks[i].owner == owner)
			blocks[i].owner = OWNER_NONE;
}

/* RESET: leaked blocks were reported; forget them (see the top of the file). */
void arena_reclaim_all(void)
{
	unsigned int i;

	for (i = 0; i < nblocks; i++)
		kvfree(blocks[i].shadow);
	for (i = 0; i < nfreed; i++)
		kvfree(freed[i].shadow);
	nblocks = 0;
	nfreed = 0;
}

unsigned int shim_kmalloc_owned(int owner)
{
	unsigned int i, n = 0;

	for (i = 0; i < nobjects; i++)
		n += objects[i].owner == owner;
	return n;
}

void shim_kmalloc_disown(int owner)
{
	unsigned int i = 0;

	/* A disowned object can never be reported again: drop it. */
	while (i < nobjects) {
		if (objects[i].owner == owner)
			objects[i] = objects[--nobjects];
		else
			i++;
	}
}

static u64 block_pa(const struct block *b)
{
	return page_to_phys(b->page);
}

static u32 block_len(const struct block *b)
{
	return PAGE_SIZE << b->order;
}

/* Whether the bench's copy is known to equal the block as it is now. */
static bool unchanged(const struct block *b)
{
	return b->sent && b->shadow &&
	       !memcmp(page_address(b->page), b->shadow, block_len(b));
}

/* The bench was just sent the whole block: its copy is the block now. */
static void took_whole(struct block *b)
{
	b->sent = true;
	if (!b->shadow)
		b->shadow = kvmalloc(block_len(b), GFP_KERNEL);
	if (b->shadow)
		memcpy(b->shadow, page_address(b->page), block_len(b));
}

/* MEM_SYNC: whole blocks, those the bench has no copy of or whose words differ from it. */
void arena_sync_changed(arena_block_fn fn, void *arg)
{
	struct block *b;
	unsigned int i;

	prune();
	for (i = 0; i < nblocks; i++) {
		b = &blocks[i];
		if (unchanged(b))
			continue;
		if (fn(arg, block_pa(b), page_address(b->page), block_len(b)))
			return;
		took_whole(b);
	}
}

/* The module compares every block it tracks, whichever handle it serves. */
int arena_sync_delta(const struct arena_delta_ops *ops, void *arg,
		     uint32_t owners)
{
	struct block *b;
	unsigned int i;

	prune();
	for (i = 0; i < nblocks; i++) {
		b = &blocks[i];
		if (!b->sent) {
			if (ops->fresh(arg, block_pa(b), block_len(b)))
				return 1;
			/* The bench starts the block as zeros; so does its shadow. */
			b->sent = true;
			b->shadow = kvzalloc(block_len(b), GFP_KERNEL);
		} else if (unchanged(b)) {
			continue;
		}
		if (b->shadow) {
			if (arena_delta_words(block_pa(b), page_address(b->page),
					      b->shadow, block_len(b), ops, arg))
				return 1;
			continue;
		}
		/* No shadow to compare with: every word, then a shadow if there is memory now. */
		if (ops->write(arg, block_pa(b), page_address(b->page), block_len(b)))
			return 1;
		took_whole(b);
	}
	return 0;
}

void arena_sync_freed(arena_block_fn fn, void *arg)
{
	unsigned int i;

	for (i = 0; i < nfreed; i++) {
		fn(arg, freed[i].pa, NULL, freed[i].len);
		kvfree(freed[i].shadow);
	}
	nfreed = 0;
}

unsigned int arena_freed_pending(void)
{
	return nfreed;
}

struct tp_want {
	const char *name;
	struct tracepoint **tp;
};

static void find_tracepoint(struct tracepoint *tp, void *priv)
{
	struct tp_want *w;

	for (w = priv; w->name; w++)
		if (!strcmp(tp->name, w->name))
			*w->tp = tp;
}

int pages_init(void)
{
	struct tp_want want[] = {
		{ "mm_page_alloc", &tp_page_alloc },
		{ "mm_page_free", &tp_page_free },
		{ "kmalloc", &tp_kmalloc },
		{ "kfree", &tp_kfree },
		{ }
	};
	struct tp_want *w;
	int ret;

	for_each_kernel_tracepoint(find_tracepoint, want);
	for (w = want; w->name; w++) {
		if (!*w->tp) {
			pr_err("lockstep: this kernel has no %s tracepoint; the agent cannot see the driver's memory\n",
			       w->name);
			return -ENOENT;
		}
	}

	blocks = vcalloc(MAX_BLOCKS, sizeof(*blocks));
	freed = vcalloc(MAX_BLOCKS, sizeof(*freed));
	objects = vcalloc(MAX_OBJECTS, sizeof(*objects));
	if (!blocks || !freed || !objects) {
		ret = -ENOMEM;
		goto err_free;
	}

	ret = tracepoint_probe_register(tp_page_alloc, probe_page_alloc, NULL);
	if (ret)
		goto err_free;
	ret = tracepoint_probe_register(tp_page_free, probe_page_free, NULL);
	if (ret)
		goto err_alloc;
	ret = tracepoint_probe_register(tp_kmalloc, probe_kmalloc, NULL);
	if (ret)
		goto err_page_free;
	ret = tracepoint_probe_register(tp_kfree, probe_kfree, NULL);
	if (ret)
		goto err_kmalloc;
	return 0;

err_kmalloc:
	tracepoint_probe_unregister(tp_kmalloc, probe_kmalloc, NULL);
err_page_free:
	tracepoint_probe_unregister(tp_page_free, probe_page_free, NULL);
err_alloc:
	tracepoint_probe_unregister(tp_page_alloc, probe_page_alloc, NULL);
	tracepoint_synchronize_unregister();
err_free:
	vfree(objects);
	vfree(freed);
	vfree(blocks);
	return ret;
}

void pages_exit(void)
{
	tracepoint_probe_unregister(tp_kfree, probe_kfree, NULL);
	tracepoint_probe_unregister(tp_kmalloc, probe_kmalloc, NULL);
	tracepoint_probe_unregister(tp_page_free, probe_page_free, NULL);
	tracepoint_probe_unregister(tp_page_alloc, probe_page_alloc, NULL);
	/* No probe may still be running when the arrays go. */
	tracepoint_synchronize_unregister();
	vfree(objects);
	vfree(freed);
	vfree(blocks);
}
