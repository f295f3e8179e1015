// SPDX-License-Identifier: GPL-2.0-only
/*
 * BATCH operations against the real io-pgtable code: the only agent file
 * built over the shim and the kernel's include/linux/io-pgtable.h.
 *
 * The agent adds nothing to what the IOMMU core would do: one call per
 * operation, with a gather for unmap, GFP_KERNEL, and a flush-ops table
 * that only counts.  Everything the driver reports (return value, bytes,
 * cfg) goes back to the bench untouched.
 *
 * The kernel-module agent (src/kmod) compiles this same file against a
 * running kernel's own headers, with LOCKSTEP_KMOD defined.
 */
#include <string.h>

#include <linux/gfp.h>
#include <linux/io-pgtable.h>
#include <linux/kernel.h>

#include "arena.h"
#include "events.h"
#include "pgtable_ops.h"
#include "shim/shim.h"

_Static_assert(PT_NHANDLES == SHIM_MAX_OWNER + 1, "handles are shim owners");

enum fmt_family { FAM_LPAE_S1, FAM_LPAE_S2, FAM_MALI, FAM_DART };

/* The wire's format numbers, mapped by name to the kernel's enum. */
struct fmt_entry {
	uint32_t wire;
	const char *name;
	bool present;		/* built into this agent */
	enum io_pgtable_fmt fmt;
	enum fmt_family family;
};

static const struct fmt_entry formats[] = {
	{ 1, "ARM_64_LPAE_S1", true, ARM_64_LPAE_S1, FAM_LPAE_S1 },
	{ 2, "ARM_64_LPAE_S2", true, ARM_64_LPAE_S2, FAM_LPAE_S2 },
	{ 3, "ARM_32_LPAE_S1", true, ARM_32_LPAE_S1, FAM_LPAE_S1 },
	{ 4, "ARM_32_LPAE_S2", true, ARM_32_LPAE_S2, FAM_LPAE_S2 },
	{ 5, "ARM_MALI_LPAE", true, ARM_MALI_LPAE, FAM_MALI },
#ifdef CONFIG_IOMMU_IO_PGTABLE_DART
	{ 6, "APPLE_DART", true, APPLE_DART, FAM_DART },
	{ 7, "APPLE_DART2", true, APPLE_DART2, FAM_DART },
#else
	/* A tree from before the DART driver: known formats, not available. */
	{ 6, "APPLE_DART", false, 0, FAM_DART },
	{ 7, "APPLE_DART2", false, 0, FAM_DART },
#endif
};

enum kv_key {
	KEY_TTBR = 1, KEY_TCR_IPS, KEY_TCR_TG, KEY_TCR_SH, KEY_TCR_ORGN,
	KEY_TCR_IRGN, KEY_TCR_TSZ, KEY_MAIR,
	KEY_VTTBR = 9, KEY_VTCR_PS, KEY_VTCR_TG, KEY_VTCR_SH, KEY_VTCR_ORGN,
	KEY_VTCR_IRGN, KEY_VTCR_SL, KEY_VTCR_TSZ,
	KEY_MALI_TRANSTAB = 17, KEY_MALI_MEMATTR = 18,
	KEY_DART_TTBR0 = 20, KEY_DART_N_TTBRS = 24,
	KEY_PGSIZE_BITMAP = 30, KEY_IAS = 31, KEY_OAS = 32,
};

struct pt_handle {
	struct io_pgtable_ops *ops;
	const struct fmt_entry *fmt;
};

static struct pt_handle handles[PT_NHANDLES];

#ifdef LOCKSTEP_KMOD
/*
 * Inside a real kernel (src/kmod) the module's own platform device: a NUMA
 * node for the table allocations and a DMA mask for non-coherent walks.
 */
extern struct device *lockstep_iommu_dev;
#define IOMMU_DEV	lockstep_iommu_dev
#else
static struct device iommu_dev = {
	.name = "lockstep-iommu",
	.numa_node = NUMA_NO_NODE,
};
#define IOMMU_DEV	(&iommu_dev)
#endif

/* Counted per operation; the texts of the calls are not kept. */
static void tlb_flush_all(void *cookie)
{
	lockstep_ctx.tlb_flush_all++;
}

static void tlb_flush_walk(unsigned long iova, size_t size, size_t granule,
			   void *cookie)
{
	lockstep_ctx.tlb_flush_walk++;
}

static void tlb_add_page(struct iommu_iotlb_gather *gather, unsigned long iova,
			 size_t granule, void *cookie)
{
	lockstep_ctx.tlb_add_page++;
}

static const struct iommu_flush_ops flush_ops = {
	.tlb_flush_all	= tlb_flush_all,
	.tlb_flush_walk	= tlb_flush_walk,
	.tlb_add_page	= tlb_add_page,
};

enum pt_decode_status pt_decode(struct rbuf *r, struct pt_op *op)
{
	memset(op, 0, sizeof(*op));
	op->opcode = rb_u8(r);
	if (r->bad)
		return PT_TRUNCATED;

	switch (op->opcode) {
	case OP_ALLOC:
		op->handle = rb_u32(r);
		op->format = rb_u32(r);
		op->quirks = rb_u64(r);
		op->pgsize_bitmap = rb_u64(r);
		op->ias = rb_u32(r);
		op->oas = rb_u32(r);
		op->coherent_walk = rb_u8(r);
		break;
	case OP_FREE:
		op->handle = rb_u32(r);
		break;
	case OP_MAP:
		op->handle = rb_u32(r);
		op->iova = rb_u64(r);
		op->paddr = rb_u64(r);
		op->pgsize = rb_u64(r);
		op->pgcount = rb_u32(r);
		op->prot = rb_u32(r);
		break;
	case OP_UNMAP:
		op->handle = rb_u32(r);
		op->iova = rb_u64(r);
		op->pgsize = rb_u64(r);
		op->pgcount = rb_u32(r);
		break;
	case OP_IOVA_TO_PHYS:
		op->handle = rb_u32(r);
		op->iova = rb_u64(r);
		break;
	default:
		return PT_UNKNOWN_OPCODE;
	}
	return r->bad ? PT_TRUNCATED : PT_DECODED;
}

size_t pt_result_max_size(uint8_t opcode)
{
	return PT_RESULT_FIXED + (opcode == OP_ALLOC ? PT_MAX_KV * 9 : 0);
}

static uint16_t sat16(uint32_t v)
{
	return v > 0xffff ? 0xffff : v;
}

static void kv(struct pt_result *res, uint8_t key, uint64_t value)
{
	if (res->nkv < PT_MAX_KV) {
		res->kv[res->nkv].key = key;
		res->kv[res->nkv].value = value;
		res->nkv++;
	}
}

static const struct fmt_entry *find_format(uint32_t wire)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (formats[i].wire == wire)
			return &formats[i];
	return NULL;
}

/*
 * Whatever the handle still owns once its table is gone (or failed to
 * come up) is a leak: reported, then disowned so it is reported once.
 */
static unsigned int check_leaks(uint32_t handle, const char *when)
{
	unsigned int blocks = arena_count_owned(handle);
	unsigned int objs = shim_kmalloc_owned(handle);
	char list[EVENT_TEXT_MAX];

	if (blocks) {
		arena_describe_owned(handle, list, sizeof(list));
		event_addf(EVENT_LEAK, "handle %u: %u page block(s) still allocated after %s: %s",
			   handle, blocks, when, list);
		arena_disown(handle);
	}
	if (objs) {
		event_addf(EVENT_LEAK, "handle %u: %u kmalloc object(s) not freed after %s",
			   handle, objs, when);
		shim_kmalloc_disown(handle);
	}
	return blocks;
}

static void fill_dart_kv(struct pt_result *res,
			 const struct io_pgtable_cfg *cfg)
{
#ifdef CONFIG_IOMMU_IO_PGTABLE_DART
	unsigned int i, n;

	/* The driver's count, but never past the array it fills. */
	n = min_t(unsigned int, cfg->apple_dart_cfg.n_ttbrs,
		  ARRAY_SIZE(cfg->apple_dart_cfg.ttbr));
	for (i = 0; i < n; i++)
		kv(res, KEY_DART_TTBR0 + i, cfg->apple_dart_cfg.ttbr[i]);
	kv(res, KEY_DART_N_TTBRS, cfg->apple_dart_cfg.n_ttbrs);
#endif
}

static void fill_cfg_kv(struct pt_result *res, const struct fmt_entry *fe,
			const struct io_pgtable_cfg *cfg)
{
	switch (fe->family) {
	case FAM_LPAE_S1:
		kv(res, KEY_TTBR, cfg->arm_lpae_s1_cfg.ttbr);
		kv(res, KEY_TCR_IPS, cfg->arm_lpae_s1_cfg.tcr.ips);
		kv(res, KEY_TCR_TG, cfg->arm_lpae_s1_cfg.tcr.tg);
		kv(res, KEY_TCR_SH, cfg->arm_lpae_s1_cfg.tcr.sh);
		kv(res, KEY_TCR_ORGN, cfg->arm_lpae_s1_cfg.tcr.orgn);
		kv(res, KEY_TCR_IRGN, cfg->arm_lpae_s1_cfg.tcr.irgn);
		kv(res, KEY_TCR_TSZ, cfg->arm_lpae_s1_cfg.tcr.tsz);
		kv(res, KEY_MAIR, cfg->arm_lpae_s1_cfg.mair);
		break;
	case FAM_LPAE_S2:
		kv(res, KEY_VTTBR, cfg->arm_lpae_s2_cfg.vttbr);
		kv(res, KEY_VTCR_PS, cfg->arm_lpae_s2_cfg.vtcr.ps);
		kv(res, KEY_VTCR_TG, cfg->arm_lpae_s2_cfg.vtcr.tg);
		kv(res, KEY_VTCR_SH, cfg->arm_lpae_s2_cfg.vtcr.sh);
		kv(res, KEY_VTCR_ORGN, cfg->arm_lpae_s2_cfg.vtcr.orgn);
		kv(res, KEY_VTCR_IRGN, cfg->arm_lpae_s2_cfg.vtcr.irgn);
		kv(res, KEY_VTCR_SL, cfg->arm_lpae_s2_cfg.vtcr.sl);
		kv(res, KEY_VTCR_TSZ, cfg->arm_lpae_s2_cfg.vtcr.tsz);
		break;
	case FAM_MALI:
		kv(res, KEY_MALI_TRANSTAB, cfg->arm_mali_lpae_cfg.transtab);
		kv(res, KEY_MALI_MEMATTR, cfg->arm_mali_lpae_cfg.memattr);
		break;
	case FAM_DART:
		fill_dart_kv(res, cfg);
		break;
	}
	kv(res, KEY_PGSIZE_BITMAP, cfg->pgsize_bitmap);
	kv(res, KEY_IAS, cfg->ias);
	kv(res, KEY_OAS, cfg->oas);
}

static bool bench_error(struct pt_result *res, const char *why, uint32_t handle)
{
	res->status = PT_BENCH_ERROR;
	event_addf(EVENT_PRINTK, "lockstep: bench error: %s (handle %u)",
		   why, handle);
	return false;
}

static void do_alloc(const struct pt_op *op, struct pt_result *res)
{
	struct pt_handle *h = &handles[op->handle];
	const struct fmt_entry *fe = find_format(op->format);
	struct io_pgtable_cfg cfg;
	struct io_pgtable_ops *ops;

	if (h->ops) {
		bench_error(res, "ALLOC on a live handle", op->handle);
		return;
	}
	if (!fe) {
		bench_error(res, "unknown format", op->handle);
		return;
	}
	if (op->coherent_walk > 1) {
		bench_error(res, "coherent_walk is neither 0 nor 1", op->handle);
		return;
	}
	if (!fe->present) {
		res->status = -EOPNOTSUPP;
		event_addf(EVENT_PRINTK, "lockstep: %s is not in this driver",
			   fe->name);
		return;
	}

	memset(&cfg, 0, sizeof(cfg));
	cfg.quirks = op->quirks;
	cfg.pgsize_bitmap = op->pgsize_bitmap;
	cfg.ias = op->ias;
	cfg.oas = op->oas;
	cfg.coherent_walk = op->coherent_walk;
	cfg.tlb = &flush_ops;
	cfg.iommu_dev = IOMMU_DEV;

	ops = alloc_io_pgtable_ops(fe->fmt, &cfg, h);
	if (!ops) {
		res->status = -ENOMEM;
		check_leaks(op->handle, "failed ALLOC");
		return;
	}
	h->ops = ops;
	h->fmt = fe;
	fill_cfg_kv(res, fe, &cfg);
}

static void do_free(const struct pt_op *op, struct pt_result *res)
{
	struct pt_handle *h = &handles[op->handle];

	free_io_pgtable_ops(h->ops);
	h->ops = NULL;
	h->fmt = NULL;
	res->v0 = check_leaks(op->handle, "FREE");
}

static void do_map(const struct pt_op *op, struct pt_result *res)
{
	struct io_pgtable_ops *ops = handles[op->handle].ops;
	size_t mapped = 0;

	if (!ops->map_pages) {
		res->status = -EOPNOTSUPP;
		return;
	}
	res->status = ops->map_pages(ops, op->iova, op->paddr, op->pgsize,
				     op->pgcount, op->prot, GFP_KERNEL,
				     &mapped);
	res->v0 = mapped;
}

static void do_unmap(const struct pt_op *op, struct pt_result *res)
{
	struct io_pgtable_ops *ops = handles[op->handle].ops;
	struct iommu_iotlb_gather gather;

	if (!ops->unmap_pages) {
		res->status = -EOPNOTSUPP;
		return;
	}
	iommu_iotlb_gather_init(&gather);
	res->v0 = ops->unmap_pages(ops, op->iova, op->pgsize, op->pgcount,
				   &gather);
}

static void do_iova_to_phys(const struct pt_op *op, struct pt_result *res)
{
	struct io_pgtable_ops *ops = handles[op->handle].ops;

	res->v0 = ops->iova_to_phys(ops, op->iova);
}

static bool op_valid(const struct pt_op *op, struct pt_result *res)
{
	if (op->handle >= PT_NHANDLES)
		return bench_error(res, "handle out of range", op->handle);
	if (op->opcode != OP_ALLOC && !handles[op->handle].ops)
		return bench_error(res, "operation on a dead handle",
				   op->handle);
	return true;
}

void pt_execute(const struct pt_op *op, uint32_t index, struct pt_result *res)
{
	memset(res, 0, sizeof(*res));
	res->opcode = op->opcode;
	ctx_begin_op(index, op->opcode,
		     op->handle < PT_NHANDLES ? (int)op->handle : OWNER_NONE);

	if (op_valid(op, res)) {
		switch (op->opcode) {
		case OP_ALLOC:
			do_alloc(op, res);
			break;
		case OP_FREE:
			do_free(op, res);
			break;
		case OP_MAP:
			do_map(op, res);
			break;
		case OP_UNMAP:
			do_unmap(op, res);
			break;
		case OP_IOVA_TO_PHYS:
			do_iova_to_phys(op, res);
			break;
		default:
			bench_error(res, "unknown opcode", op->handle);
			break;
		}
	}

	res->tlb_flush_all = sat16(lockstep_ctx.tlb_flush_all);
	res->tlb_flush_walk = sat16(lockstep_ctx.tlb_flush_walk);
	res->tlb_add_page = sat16(lockstep_ctx.tlb_add_page);
	res->warns = sat16(lockstep_ctx.warns);
	ctx_end_op();
}

/* For operations that could not even be decoded. */
void pt_result_invalid(uint8_t opcode, struct pt_result *res)
{
	memset(res, 0, sizeof(*res));
	res->opcode = opcode;
	res->status = PT_BENCH_ERROR;
}

static void encode_kv(struct wbuf *w, const struct pt_result *res)
{
	unsigned int i;

	for (i = 0; i < res->nkv; i++) {
		wb_u8(w, res->kv[i].key);
		wb_u64(w, res->kv[i].value);
	}
}

void pt_result_encode(struct wbuf *w, const struct pt_result *res)
{
	wb_u8(w, res->opcode);
	wb_u8(w, res->nkv);
	wb_u32(w, (uint32_t)res->status);
	wb_u64(w, res->v0);
	wb_u64(w, res->v1);
	wb_u16(w, res->tlb_flush_all);
	wb_u16(w, res->tlb_flush_walk);
	wb_u16(w, res->tlb_add_page);
	wb_u16(w, res->warns);
	encode_kv(w, res);
}

/*
 * STEP's COMPACT form (docs/protocol.md): no v1 (no operation of a STEP
 * answers one), and only the counters that are not zero, as a mask says.
 */
void pt_result_encode_compact(struct wbuf *w, const struct pt_result *res)
{
	uint16_t c[4] = { res->tlb_flush_all, res->tlb_flush_walk,
			  res->tlb_add_page, res->warns };
	uint8_t mask = 0;
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (c[i])
			mask |= 1u << i;
	wb_u8(w, res->opcode);
	wb_u8(w, res->nkv);
	wb_u32(w, (uint32_t)res->status);
	wb_u64(w, res->v0);
	wb_u8(w, mask);
	for (i = 0; i < 4; i++)
		if (c[i])
			wb_u16(w, c[i]);
	encode_kv(w, res);
}

unsigned int pt_reset(void)
{
	unsigned int i, leaks;

	for (i = 0; i < PT_NHANDLES; i++) {
		if (!handles[i].ops)
			continue;
		ctx_begin_op(OP_INDEX_NONE, OP_FREE, i);
		free_io_pgtable_ops(handles[i].ops);
		handles[i].ops = NULL;
		handles[i].fmt = NULL;
		ctx_end_op();
	}
	leaks = arena_count_allocated();
	arena_reclaim_all();
	for (i = 0; i < PT_NHANDLES; i++)
		shim_kmalloc_disown(i);
	return leaks;
}
