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
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/preempt.h>
#include <linux/sched.h>
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
	u64 hash;
};

struct object {
	const void *ptr;
	int owner;
};

struct freed_block {
	u64 pa;
	u32 len;
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

static void probe_page_free(void *data, struct page *page, unsigned int order)
{
	unsigned int i;

	if (!mine())
		return;
	for (i = 0; i < nblocks; i++) {
		if (blocks[i].page != page)
			continue;
		/* Only the bench's copy needs telling; it never saw an unsent block. */
		if (blocks[i].sent && nfreed < MAX_BLOCKS)
			freed[nfreed++] = (struct freed_block) {
				.pa = page_to_phys(page),
				.len = PAGE_SIZE << blocks[i].order,
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
		if (PageSlab(blocks[i].page))
			forget_block(i);
		else
			i++;
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

static u64 block_hash(const struct block *b)
{
	const u64 *w = page_address(b->page);
	size_t i, n = (PAGE_SIZE << b->order) / sizeof(*w);
	u64 h = 0xcbf29ce484222325ULL;

	for (i = 0; i < n; i++) {
		h ^= READ_ONCE(w[i]);
		h *= 0x100000001b3ULL;
	}
	return h;
}

void arena_sync_changed(arena_block_fn fn, void *arg)
{
	struct block *b;
	unsigned int i;
	u64 h;

	prune();
	for (i = 0; i < nblocks; i++) {
		b = &blocks[i];
		h = block_hash(b);
		if (b->sent && b->hash == h)
			continue;
		if (fn(arg, page_to_phys(b->page), page_address(b->page),
		       PAGE_SIZE << b->order))
			return;
		b->sent = true;
		b->hash = h;
	}
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
