// SPDX-License-Identifier: GPL-2.0-only
/*
 * RTKIT operations against the real drivers/soc/apple/rtkit.c: the only
 * agent file that sees the kernel's include/linux/soc/apple/rtkit.h.
 *
 * The bench plays the firmware.  It raises mailbox interrupts (INJECT),
 * reads what the AP sent (DRAIN), steps the driver's work queue (STEP),
 * moves the virtual clock (ADVANCE), writes shared buffers (WRITE_MEM) and
 * makes the AP's calls (CALL), which run on call slots and may block on the
 * driver's completions until a later operation lets them finish (COLLECT).
 * Everything the driver does comes back as records (messages, callbacks,
 * buffers) and events (printk, WARN), in the order it happened.
 */
#include <stdio.h>
#include <string.h>

#include <linux/completion.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/soc/apple/rtkit.h>
#include <linux/workqueue.h>
#include <lockstep/dma.h>
#include <lockstep/mbox.h>
#include <lockstep/sched.h>

#include "arena.h"
#include "crash.h"
#include "events.h"
#include "pgtable_ops.h"
#include "rtkit_ops.h"
#include "shim/shim.h"

/* Allocations of RTKit operations are charged to this arena owner. */
#define RTK_OWNER	(SHIM_MAX_OWNER + 1)
#define RTK_PENDING	1
#define RTK_MAX_OPS	4096
#define RTK_MAX_RECORDS	8192
#define RTK_MAX_WRITE	(1u << 20)
#define RTK_NAME_MAX	63

enum rtk_opcode {
	RTK_INIT = 1, RTK_FREE, RTK_INJECT, RTK_STEP, RTK_DRAIN, RTK_ADVANCE,
	RTK_CALL, RTK_COLLECT, RTK_STATE, RTK_WRITE_MEM,
};

enum rtk_fn {
	FN_BOOT = 1, FN_WAKE, FN_QUIESCE, FN_SHUTDOWN, FN_REINIT, FN_START_EP,
	FN_SEND_MESSAGE, FN_SEND_MESSAGE_WAIT, FN_IS_RUNNING, FN_IS_CRASHED,
	FN_POLL,
};

enum rtk_init_flag {
	INIT_SHMEM = 1 << 0,		/* ops->shmem_setup / shmem_destroy */
	INIT_EARLY = 1 << 1,		/* ops->recv_message_early, returns false */
	INIT_EARLY_CONSUMES = 1 << 2,	/* ... returns true */
	INIT_NO_RECV = 1 << 3,		/* no ops->recv_message */
	INIT_NO_CRASHED = 1 << 4,	/* no ops->crashed */
	INIT_NULL_OPS = 1 << 5,		/* ops == NULL */
	INIT_ALL = (1 << 6) - 1,
};

enum rtk_record_kind {
	REC_TX = 1, REC_TX_ABORTED, REC_CRASHED, REC_RECV_MESSAGE,
	REC_RECV_EARLY, REC_SHMEM_SETUP, REC_SHMEM_DESTROY, REC_CALL_DONE,
	REC_DMA_ALLOC, REC_DMA_FREE,
};

struct rtk_op {
	uint8_t opcode;
	uint8_t flags, slot, fn, ep, atomic;
	char name[RTK_NAME_MAX + 1];
	char dt_name[RTK_NAME_MAX + 1];
	bool has_name, has_dt_name;
	int32_t idx;
	uint64_t msg0, msg1, ms, iova;
	uint32_t max, timeout, len;
	const uint8_t *bytes;
};

struct rtk_record {
	uint32_t op_index;
	uint8_t kind;
	uint8_t ep;
	uint64_t a, b;
};

static struct rtk_record records[RTK_MAX_RECORDS];
static unsigned int nrecords, records_dropped;

static struct device rtk_dev = {
	.name = "lockstep-rtkit",
	.numa_node = NUMA_NO_NODE,
};

static struct apple_rtkit *rtk;
static struct apple_rtkit_ops rtk_ops;
static char mbox_name[RTK_NAME_MAX + 1], dt_mbox_name[RTK_NAME_MAX + 1];
static uint8_t init_flags;

struct call {
	uint8_t fn, ep, atomic;
	uint64_t msg;
	uint32_t timeout;
};

static struct call calls[SCHED_NSLOTS];
static bool call_pending[SCHED_NSLOTS];

static void record(uint8_t kind, uint8_t ep, uint64_t a, uint64_t b)
{
	struct rtk_record *r;

	if (nrecords == RTK_MAX_RECORDS) {
		records_dropped++;
		return;
	}
	r = &records[nrecords++];
	r->op_index = lockstep_ctx.op_index;
	r->kind = kind;
	r->ep = ep;
	r->a = a;
	r->b = b;
}

/* The client driver's callbacks: each one only reports. */
static void cb_crashed(void *cookie)
{
	record(REC_CRASHED, 0, 0, 0);
}

static void cb_recv_message(void *cookie, u8 ep, u64 msg)
{
	record(REC_RECV_MESSAGE, ep, msg, 0);
}

static bool cb_recv_message_early(void *cookie, u8 ep, u64 msg)
{
	record(REC_RECV_EARLY, ep, msg, 0);
	return init_flags & INIT_EARLY_CONSUMES;
}

/*
 * Buffers: allocated from the arena like dma_alloc_coherent().  One the
 * firmware placed itself (iova != 0) is "mapped" at its bus address and
 * marked is_mapped, so RTKit does not answer the request, as the SMC and
 * DCP drivers do.
 */
static int cb_shmem_setup(void *cookie, struct apple_rtkit_shmem *bfr)
{
	dma_addr_t pa;

	record(REC_SHMEM_SETUP, 0, bfr->size, bfr->iova);
	if (bfr->iova) {
		bfr->buffer = dma_alloc_coherent(&rtk_dev, bfr->size, &pa,
						 GFP_KERNEL);
		if (!bfr->buffer)
			return -ENOMEM;
		if (lockstep_dma_register(bfr->buffer, bfr->iova, bfr->size)) {
			dma_free_coherent(&rtk_dev, bfr->size, bfr->buffer, pa);
			bfr->buffer = NULL;
			return -ENOMEM;
		}
		bfr->is_mapped = true;
		return 0;
	}
	bfr->buffer = dma_alloc_coherent(&rtk_dev, bfr->size, &bfr->iova,
					 GFP_KERNEL);
	return bfr->buffer ? 0 : -ENOMEM;
}

static void cb_shmem_destroy(void *cookie, struct apple_rtkit_shmem *bfr)
{
	record(REC_SHMEM_DESTROY, 0, bfr->size, bfr->iova);
	if (!bfr->buffer)
		return;
	if (bfr->is_mapped) {
		lockstep_dma_unregister(bfr->iova);
		dma_free_coherent(&rtk_dev, bfr->size, bfr->buffer,
				  __pa(bfr->buffer));
	} else {
		dma_free_coherent(&rtk_dev, bfr->size, bfr->buffer, bfr->iova);
	}
}

static void log_mbox(int kind, uint64_t msg0, uint32_t msg1)
{
	record(kind == MBOX_LOG_TX ? REC_TX : REC_TX_ABORTED, msg1 & 0xff,
	       msg0, msg1);
}

static void log_dma(int alloc, uint64_t size, uint64_t iova)
{
	record(alloc ? REC_DMA_ALLOC : REC_DMA_FREE, 0, size, iova);
}

static void call_done(int slot, long ret)
{
	if (call_pending[slot])
		record(REC_CALL_DONE, slot, (uint64_t)ret, 0);
}

/* Runs on a call slot. */
static long run_call(void *arg)
{
	const struct call *c = arg;

	switch (c->fn) {
	case FN_BOOT:
		return apple_rtkit_boot(rtk);
	case FN_WAKE:
		return apple_rtkit_wake(rtk);
	case FN_QUIESCE:
		return apple_rtkit_quiesce(rtk);
	case FN_SHUTDOWN:
		return apple_rtkit_shutdown(rtk);
	case FN_REINIT:
		return apple_rtkit_reinit(rtk);
	case FN_START_EP:
		return apple_rtkit_start_ep(rtk, c->ep);
	case FN_SEND_MESSAGE:
		return apple_rtkit_send_message(rtk, c->ep, c->msg, NULL,
						c->atomic);
	case FN_SEND_MESSAGE_WAIT:
		return apple_rtkit_send_message_wait(rtk, c->ep, c->msg,
						     c->timeout, c->atomic);
	case FN_IS_RUNNING:
		return apple_rtkit_is_running(rtk);
	case FN_IS_CRASHED:
		return apple_rtkit_is_crashed(rtk);
	case FN_POLL:
	default:
		return -EINVAL;
	}
}

static bool rd_str(struct rbuf *r, char *dst, bool *present)
{
	uint16_t n = rb_u16(r);
	uint16_t i;

	if (r->bad || n > RTK_NAME_MAX || n > rb_left(r))
		return false;
	for (i = 0; i < n; i++) {
		dst[i] = rb_u8(r);
		if (!dst[i])
			return false;
	}
	dst[n] = 0;
	*present = n != 0;
	return true;
}

/* Returns NULL when decoded, else why not. */
static const char *decode(struct rbuf *r, struct rtk_op *op)
{
	memset(op, 0, sizeof(*op));
	op->opcode = rb_u8(r);
	switch (op->opcode) {
	case RTK_INIT:
		op->flags = rb_u8(r);
		if (!rd_str(r, op->name, &op->has_name))
			return "RTKIT INIT: bad mbox name (at most 63 bytes, no NUL)";
		op->idx = (int32_t)rb_u32(r);
		if (!rd_str(r, op->dt_name, &op->has_dt_name))
			return "RTKIT INIT: bad mbox-names entry (at most 63 bytes, no NUL)";
		break;
	case RTK_FREE:
	case RTK_STATE:
		break;
	case RTK_INJECT:
		op->msg0 = rb_u64(r);
		op->msg1 = rb_u64(r);
		break;
	case RTK_STEP:
	case RTK_DRAIN:
		op->max = rb_u32(r);
		break;
	case RTK_ADVANCE:
		op->ms = rb_u64(r);
		break;
	case RTK_CALL:
		op->slot = rb_u8(r);
		op->fn = rb_u8(r);
		op->ep = rb_u8(r);
		op->msg0 = rb_u64(r);
		op->timeout = rb_u32(r);
		op->atomic = rb_u8(r);
		break;
	case RTK_COLLECT:
		op->slot = rb_u8(r);
		break;
	case RTK_WRITE_MEM:
		op->iova = rb_u64(r);
		op->len = rb_u32(r);
		if (r->bad || op->len > RTK_MAX_WRITE || op->len > rb_left(r))
			return "RTKIT WRITE_MEM: length beyond the payload or above 1 MiB";
		op->bytes = r->p + r->pos;
		r->pos += op->len;
		break;
	default:
		return "RTKIT: unknown opcode";
	}
	return r->bad ? "RTKIT: payload ends inside an operation" : NULL;
}

struct rtk_result {
	int32_t status;
	uint64_t v0, v1;
};

static void release(struct rtk_result *res)
{
	unsigned int leaked_k, leaked_p;

	lockstep_devres_release_all(&rtk_dev);
	rtk = NULL;
	lockstep_dma_check_all();
	leaked_k = shim_kmalloc_owned(OWNER_NONE);
	leaked_p = arena_count_owned(RTK_OWNER);
	if (leaked_k || leaked_p) {
		char blocks[160];

		arena_describe_owned(RTK_OWNER, blocks, sizeof(blocks));
		event_addf(EVENT_LEAK, "rtkit: %u kmalloc object(s) and %u page block(s) still allocated after release%s%s",
			   leaked_k, leaked_p, leaked_p ? ": blocks " : "", blocks);
	}
	shim_kmalloc_disown(OWNER_NONE);
	arena_disown(RTK_OWNER);
	lockstep_mbox_reset();
	if (res) {
		res->v0 = leaked_k;
		res->v1 = leaked_p;
	}
}

static bool any_blocked(void)
{
	int i;

	for (i = 0; i < SCHED_NSLOTS; i++)
		if (sched_state(i) != SLOT_IDLE)
			return true;
	return false;
}

static void execute(const struct rtk_op *op, struct rtk_result *res)
{
	struct apple_rtkit *r;
	int i;

	res->status = 0;
	res->v0 = 0;
	res->v1 = 0;
	switch (op->opcode) {
	case RTK_INIT:
		if (rtk || (op->flags & ~INIT_ALL))
			goto bench_error;
		init_flags = op->flags;
		memset(&rtk_ops, 0, sizeof(rtk_ops));
		if (!(op->flags & INIT_NO_CRASHED))
			rtk_ops.crashed = cb_crashed;
		if (!(op->flags & INIT_NO_RECV))
			rtk_ops.recv_message = cb_recv_message;
		if (op->flags & (INIT_EARLY | INIT_EARLY_CONSUMES))
			rtk_ops.recv_message_early = cb_recv_message_early;
		if (op->flags & INIT_SHMEM) {
			rtk_ops.shmem_setup = cb_shmem_setup;
			rtk_ops.shmem_destroy = cb_shmem_destroy;
		}
		strcpy(mbox_name, op->name);
		strcpy(dt_mbox_name, op->dt_name);
		lockstep_mbox_configure(op->has_dt_name ? dt_mbox_name : NULL);
		r = devm_apple_rtkit_init(&rtk_dev, &rtk_dev,
					  op->has_name ? mbox_name : NULL,
					  op->idx,
					  (op->flags & INIT_NULL_OPS) ? NULL : &rtk_ops);
		if (IS_ERR(r)) {
			res->status = PTR_ERR(r);
			/* A failed probe releases what devm_ acquired. */
			release(NULL);
		} else {
			rtk = r;
		}
		break;
	case RTK_FREE:
		if (!rtk || any_blocked())
			goto bench_error;
		release(res);
		break;
	case RTK_INJECT:
		res->status = lockstep_mbox_inject(op->msg0, op->msg1);
		break;
	case RTK_STEP:
		res->v0 = lockstep_wq_step(op->max);
		res->v1 = lockstep_wq_pending();
		break;
	case RTK_DRAIN:
		res->v0 = lockstep_mbox_drain(op->max);
		res->v1 = lockstep_mbox_queued();
		break;
	case RTK_ADVANCE:
		if (op->ms > (1ULL << 40))
			goto bench_error;
		sched_advance_to(lockstep_jiffies + op->ms);
		res->v0 = lockstep_jiffies;
		break;
	case RTK_CALL:
		if (!rtk || op->slot >= SCHED_NSLOTS || !op->fn ||
		    op->fn > FN_POLL || sched_state(op->slot) != SLOT_IDLE)
			goto bench_error;
		calls[op->slot] = (struct call) {
			.fn = op->fn, .ep = op->ep, .atomic = op->atomic,
			.msg = op->msg0, .timeout = op->timeout,
		};
		call_pending[op->slot] = false;
		if (op->fn == FN_POLL) {
			res->v0 = (uint64_t)(int64_t)apple_rtkit_poll(rtk);
			break;
		}
		if (sched_start(op->slot, run_call, &calls[op->slot]))
			goto bench_error;
		if (sched_state(op->slot) == SLOT_DONE) {
			res->v0 = (uint64_t)(int64_t)sched_collect(op->slot);
		} else {
			call_pending[op->slot] = true;
			res->status = RTK_PENDING;
		}
		res->v1 = lockstep_jiffies;
		break;
	case RTK_COLLECT:
		if (op->slot >= SCHED_NSLOTS || sched_state(op->slot) == SLOT_IDLE)
			goto bench_error;
		if (sched_state(op->slot) == SLOT_DONE) {
			res->v0 = (uint64_t)(int64_t)sched_collect(op->slot);
			call_pending[op->slot] = false;
		} else {
			res->status = RTK_PENDING;
		}
		res->v1 = lockstep_jiffies;
		break;
	case RTK_STATE:
		if (!rtk)
			goto bench_error;
		res->v0 = (apple_rtkit_is_running(rtk) ? 1 : 0) |
			  (apple_rtkit_is_crashed(rtk) ? 2 : 0);
		for (i = 0; i < SCHED_NSLOTS; i++)
			res->v0 |= (uint64_t)sched_state(i) << (8 + 2 * i);
		res->v1 = lockstep_jiffies;
		break;
	case RTK_WRITE_MEM:
		if (lockstep_dma_write(op->iova, op->bytes, op->len))
			goto bench_error;
		break;
	}
	return;

bench_error:
	res->status = PT_BENCH_ERROR;
}

int rtk_request(const uint8_t *payload, uint32_t len, struct wbuf *out,
		const char **err)
{
	struct rtk_op op;
	struct rtk_result res;
	struct rbuf r;
	uint32_t n, i;

	rb_init(&r, payload, len);
	n = rb_u32(&r);
	if (r.bad || n > RTK_MAX_OPS || n > rb_left(&r)) {
		*err = "RTKIT: bad operation count";
		return -1;
	}
	for (i = 0; i < n; i++) {
		*err = decode(&r, &op);
		if (*err)
			return -1;
	}
	if (rb_left(&r)) {
		*err = "RTKIT: bytes after the last operation";
		return -1;
	}

	lockstep_mbox_log = log_mbox;
	lockstep_dma_log = log_dma;
	sched_on_done = call_done;
	events_clear();
	nrecords = 0;
	records_dropped = 0;
	wb_reset(out);
	wb_u32(out, n);
	rb_init(&r, payload, len);
	rb_u32(&r);
	for (i = 0; i < n; i++) {
		decode(&r, &op);
		ctx_begin_op(i, CRASH_RTKIT_OPCODE | op.opcode, RTK_OWNER);
		execute(&op, &res);
		ctx_end_op();
		wb_u8(out, op.opcode);
		wb_u32(out, (uint32_t)res.status);
		wb_u64(out, res.v0);
		wb_u64(out, res.v1);
	}

	wb_u32(out, nrecords);
	for (i = 0; i < nrecords; i++) {
		wb_u32(out, records[i].op_index);
		wb_u8(out, records[i].kind);
		wb_u8(out, records[i].ep);
		wb_u64(out, records[i].a);
		wb_u64(out, records[i].b);
	}
	if (records_dropped)
		event_addf(EVENT_PRINTK, "lockstep: %u more record(s) dropped",
			   records_dropped);

	events_encode(out);
	return 0;
}

void rtk_reset(void)
{
	uint64_t d;
	int i;

	ctx_begin_op(OP_INDEX_NONE, 0, RTK_OWNER);
	/* Blocked calls can only end by timing out: let them. */
	while ((d = sched_next_deadline()) != UINT64_MAX)
		sched_advance_to(d);
	for (i = 0; i < SCHED_NSLOTS; i++) {
		if (sched_state(i) == SLOT_DONE)
			sched_collect(i);
		call_pending[i] = false;
	}
	if (rtk)
		release(NULL);
	lockstep_dma_forget_all();
	sched_reset();
	ctx_end_op();
}
