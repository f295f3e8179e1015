// SPDX-License-Identifier: GPL-2.0-only
/*
 * The requests both io-pgtable agents serve (see serve.h).  Plain C over
 * wire.h, events.h, arena.h and pgtable_ops.h: the kernel module builds
 * this file unchanged over its compat/ headers, so a request means the
 * same thing, byte for byte, whichever agent answers it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "bare.h"
#include "events.h"
#include "serve.h"

/* STEP flags (docs/protocol.md, "STEP"). */
#define STEP_RESET		(1u << 0)
#define STEP_DELTA		(1u << 1)
#define STEP_COVERAGE		(1u << 2)
#define STEP_DELTA_AT		(1u << 3)
#define STEP_STRIDES		(1u << 4)
#define STEP_EXPECT		(1u << 5)
#define STEP_COMPACT		(1u << 6)
#define STEP_FLAGS		(STEP_RESET | STEP_DELTA | STEP_COVERAGE | STEP_DELTA_AT | \
				 STEP_STRIDES | STEP_EXPECT | STEP_COMPACT)
/* One expectation of a STEP: u8 check, i32 status, u64 value. */
#define EXPECT_SIZE		13
/* The result of an operation a halted STEP did not run: this one byte. */
#define RESULT_NOT_RUN		0xff
/* No table delta inside a batch. */
#define NO_DELTA		0xffffffffu
/* A STEP's table delta gets half a frame; the batch and the coverage the rest. */
#define DELTA_ROOM		(WIRE_MAX_PAYLOAD / 2)

/* Table delta records. */
#define DELTA_FREED		1
#define DELTA_FRESH		2
#define DELTA_WRITE		3
#define DELTA_STRIDE		5
/*
 * A STRIDE record (29 bytes) stands for words that step evenly: the pages
 * of one map, the empty entries of a fresh table.  A WRITE of three words
 * already costs 37 bytes.
 */
#define STRIDE_MIN		3
/* Room kept for a coverage reply behind the delta: every site, and the image path. */
#define COVERAGE_RESERVE	(16 + 8 * 65536 + 4096)

/* Room kept in a BATCH_REPLY for the events, whatever the driver says. */
#define EVENTS_RESERVE	(4 + (EVENT_MAX + 1) * (4 + 1 + 2 + 2 + EVENT_TEXT_MAX))

static const struct serve_ops *ops;
static struct wbuf payload;
static struct wbuf reply;
static struct wbuf delta_buf;

/*
 * The replies to the last REPLY_WINDOW requests, for retransmitted ones
 * (same seq, type and CRC): the bench may have that many in flight, and a
 * lost reply must be sent again, never the request run twice.
 */
#define REPLY_WINDOW	16

struct kept_reply {
	struct wbuf bytes;
	bool valid;
	uint32_t seq;
	uint8_t type;
	uint32_t crc;
};

static struct kept_reply kept[REPLY_WINDOW];
/* After a HELLO, requests run in sequence order: next_seq is the next to run. */
static bool ordered;
static uint32_t next_seq;

void serve_init(const struct serve_ops *o)
{
	ops = o;
}

static int send_frame(uint8_t type, uint32_t seq, const struct wbuf *pl)
{
	if (pl->oom) {
		fprintf(stderr, "lockstep-agent: out of memory building a reply\n");
		return -1;
	}
	wire_frame(&reply, type, seq, pl->data, pl->len);
	if (reply.oom)
		return -1;
	return ops->queue(reply.data, reply.len);
}

static void remember(uint32_t seq, uint8_t type, uint32_t crc)
{
	struct kept_reply *k = &kept[seq % REPLY_WINDOW];

	wb_reset(&k->bytes);
	wb_bytes(&k->bytes, reply.data, reply.len);
	k->valid = !k->bytes.oom;
	k->seq = seq;
	k->type = type;
	k->crc = crc;
}

/* Whether sequence number a comes after b (numbers wrap). */
static bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/*
 * A dropped frame is answered with seq 0 so the bench retransmits; a NAK
 * for a frame that arrived intact carries its seq, so the bench learns that
 * this request (not the line) was at fault.
 */
static int send_nak(uint32_t seq, uint32_t code, const char *msg)
{
	wb_reset(&payload);
	wb_u32(&payload, code);
	wb_str(&payload, msg);
	if (lockstep_verbose)
		fprintf(stderr, "lockstep-agent: NAK %u seq %u: %s\n",
			code, seq, msg);
	return send_frame(WIRE_NAK, seq, &payload);
}

int serve_nak_line(const char *msg)
{
	return send_nak(0, NAK_BAD_FRAME, msg);
}

static int do_hello(const struct wire_frame_in *f)
{
	struct rbuf r;
	uint32_t theirs;

	rb_init(&r, f->payload, f->len);
	theirs = rb_u32(&r);
	if (r.bad || rb_left(&r))
		return send_nak(f->seq, NAK_MALFORMED, "HELLO: payload is not one u32");
	if (theirs < PROTOCOL_VERSION)
		return send_nak(f->seq, NAK_BAD_VERSION, "HELLO: agent speaks protocol version 1 only");

	wb_reset(&payload);
	wb_u32(&payload, PROTOCOL_VERSION);
	ops->hello(&payload);
	return send_frame(WIRE_HELLO_REPLY, f->seq, &payload);
}

static uint64_t elapsed_ns(const struct timespec *t0, const struct timespec *t1)
{
	return (uint64_t)(t1->tv_sec - t0->tv_sec) * 1000000000u +
	       (uint64_t)t1->tv_nsec - (uint64_t)t0->tv_nsec;
}

/* One driver call, timed alone: the agent's bookkeeping around it is not the driver's. */
static uint64_t run_op(const struct pt_op *op, uint32_t index, struct pt_result *res)
{
	struct timespec t0, t1;

	if (ops->op_begin)
		ops->op_begin();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pt_execute(op, index, res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ops->op_end)
		ops->op_end(index, res);
	return elapsed_ns(&t0, &t1);
}

static void take_delta(uint32_t owners);

/*
 * The operations of a BATCH (or STEP) payload, run, their results and
 * events appended to @payload.  A first pass decodes without running
 * anything, so that a truncated or oversized batch is refused whole (with
 * *err set, nothing run); the second pass runs.  Past an unknown opcode
 * nothing can be decoded: that operation and all after it get the
 * bench-error status.
 */
/*
 * Whether the result differs from what the bench expects of operation i:
 * then the bench will end the case there, so the rest of the STEP is not
 * worth running.
 */
static bool unexpected(const uint8_t *expect, uint32_t i, const struct pt_result *res)
{
	struct rbuf e;
	int32_t status;
	uint64_t value;

	if (!expect)
		return false;
	rb_init(&e, expect + (size_t)i * EXPECT_SIZE, EXPECT_SIZE);
	if (!rb_u8(&e))
		return false;
	status = (int32_t)rb_u32(&e);
	value = rb_u64(&e);
	return res->status != status || (status == 0 && res->v0 != value);
}

/*
 * COMPACT (STEP flag 64, capability bit 7): results and events in their
 * short form (pt_result_encode_compact, events_encode_compact): a pty
 * hands bytes over 4 KiB at a time, each with a wake-up on the other side.
 */
static bool compact;

static int run_batch(const uint8_t *p, size_t len, size_t room, uint32_t delta_at,
		     const uint8_t *expect, const char **err)
{
	bool halted = false;
	static struct pt_result res;
	struct pt_op op;
	struct rbuf r;
	uint32_t n, i, stop;
	uint8_t bad_opcode = 0;
	uint64_t driver_ns = 0;
	uint32_t owners = 0;	/* handles the operations name: their tables may change */
	size_t need;
	int st;

	rb_init(&r, p, len);
	n = rb_u32(&r);
	if (r.bad) {
		*err = "BATCH: no operation count";
		return -1;
	}
	if (n > rb_left(&r)) {
		*err = "BATCH: more operations than bytes";
		return -1;
	}

	need = 4 + EVENTS_RESERVE + 8;
	stop = n;
	for (i = 0; i < n; i++) {
		st = pt_decode(&r, &op);
		if (st == PT_TRUNCATED) {
			*err = "BATCH: payload ends inside an operation";
			return -1;
		}
		if (st == PT_UNKNOWN_OPCODE) {
			stop = i;
			bad_opcode = op.opcode;
			need += (size_t)(n - i) * PT_RESULT_FIXED;
			break;
		}
		if (op.handle < 32)
			owners |= 1u << op.handle;
		need += pt_result_max_size(op.opcode);
	}
	if (stop == n && rb_left(&r)) {
		*err = "BATCH: bytes after the last operation";
		return -1;
	}
	if (need > room) {
		*err = "BATCH: too many operations for one reply";
		return -1;
	}

	events_clear();
	wb_u32(&payload, n);
	rb_init(&r, p, len);
	rb_u32(&r);
	for (i = 0; i < n; i++) {
		if (i == delta_at)
			take_delta(owners);
		if (i < stop) {
			pt_decode(&r, &op);
			/*
			 * Past an unexpected answer only FREEs run: the handle
			 * must end as the bench, which sent them, believes.
			 */
			if (halted && op.opcode != OP_FREE) {
				wb_u8(&payload, RESULT_NOT_RUN);
				continue;
			}
			driver_ns += run_op(&op, i, &res);
			halted = halted || unexpected(expect, i, &res);
		} else {
			pt_result_invalid(i == stop ? bad_opcode : 0, &res);
			if (i == stop) {
				lockstep_ctx.op_index = i;
				event_addf(EVENT_PRINTK, "lockstep: bench error: unknown opcode %u; the %u operation(s) from here on were not run",
					   bad_opcode, n - stop);
				lockstep_ctx.op_index = OP_INDEX_NONE;
			}
		}
		if (compact)
			pt_result_encode_compact(&payload, &res);
		else
			pt_result_encode(&payload, &res);
	}
	if (delta_at == n)
		take_delta(owners);

	if (compact)
		events_encode_compact(&payload);
	else
		events_encode(&payload);
	/* Time inside the driver calls alone: the bench's upper limit for this link. */
	wb_u64(&payload, driver_ns);
	return 0;
}

static int do_batch(const struct wire_frame_in *f)
{
	const char *err = NULL;

	wb_reset(&payload);
	if (run_batch(f->payload, f->len, WIRE_MAX_PAYLOAD, NO_DELTA, NULL, &err))
		return send_nak(f->seq, NAK_MALFORMED, err);
	return send_frame(WIRE_BATCH_REPLY, f->seq, &payload);
}

struct sync_state {
	struct wbuf *w;
	size_t limit;
	uint32_t count;
};

static int sync_block(void *arg, uint64_t pa, const void *va, uint32_t len)
{
	struct sync_state *s = arg;

	if (va && s->w->len + 12 + len > s->limit)
		return 1;
	wb_u64(s->w, pa);
	wb_u32(s->w, len);
	if (va)
		wb_bytes(s->w, va, len);
	s->count++;
	return 0;
}

/*
 * MEM_SYNC.  Blocks that do not fit into one reply stay pending and come
 * with the next MEM_SYNC; the freed list always fits.
 */
static int do_mem_sync(const struct wire_frame_in *f)
{
	struct sync_state s = { .w = &payload };
	size_t count_at;

	if (f->len)
		return send_nak(f->seq, NAK_MALFORMED, "MEM_SYNC: payload is not empty");

	wb_reset(&payload);
	s.limit = WIRE_MAX_PAYLOAD - 4 - 12 * (size_t)arena_freed_pending();
	wb_u32(&payload, 0);
	arena_sync_changed(sync_block, &s);
	wb_put_u32_at(&payload, 0, s.count);

	s.count = 0;
	s.limit = WIRE_MAX_PAYLOAD;
	count_at = payload.len;
	wb_u32(&payload, 0);
	arena_sync_freed(sync_block, &s);
	wb_put_u32_at(&payload, count_at, s.count);
	return send_frame(WIRE_MEM_SYNC_REPLY, f->seq, &payload);
}

/* STEP's table delta: records in the order the bench applies them. */
struct delta_state {
	size_t limit;
	uint32_t count;
	int strides;	/* the bench takes STRIDE records */
};

static int delta_fits(struct delta_state *d, size_t bytes)
{
	return delta_buf.len + bytes <= d->limit;
}

static int delta_fresh(void *arg, uint64_t pa, uint32_t len)
{
	struct delta_state *d = arg;

	if (!delta_fits(d, 13))
		return 1;
	wb_u8(&delta_buf, DELTA_FRESH);
	wb_u64(&delta_buf, pa);
	wb_u32(&delta_buf, len);
	d->count++;
	return 0;
}

/* How many words from i on step evenly (at least one). */
static size_t stride_len(const uint64_t *w, size_t i, size_t n)
{
	size_t k;
	uint64_t step;

	if (i + 1 >= n)
		return n - i;
	step = w[i + 1] - w[i];
	for (k = i + 2; k < n && w[k] - w[k - 1] == step; k++)
		;
	return k - i;
}

static void emit_write(struct delta_state *d, uint64_t pa, const uint64_t *w,
		       size_t words)
{
	wb_u8(&delta_buf, DELTA_WRITE);
	wb_u64(&delta_buf, pa);
	wb_u32(&delta_buf, (uint32_t)(words * sizeof(*w)));
	wb_bytes(&delta_buf, w, words * sizeof(*w));
	d->count++;
}

/*
 * One run of changed words as WRITE and STRIDE records: the bytes they
 * need when emit is 0 (nothing is written), else the records themselves.
 */
static size_t split_run(struct delta_state *d, uint64_t pa, const uint64_t *w,
			size_t n, int emit)
{
	size_t i = 0, plain = 0, bytes = 0, r;

	while (i < n) {
		r = stride_len(w, i, n);
		if (r < STRIDE_MIN) {
			i++;
			continue;
		}
		if (i > plain) {
			bytes += 13 + (i - plain) * sizeof(*w);
			if (emit)
				emit_write(d, pa + plain * sizeof(*w), w + plain,
					   i - plain);
		}
		bytes += 29;
		if (emit) {
			wb_u8(&delta_buf, DELTA_STRIDE);
			wb_u64(&delta_buf, pa + i * sizeof(*w));
			wb_u32(&delta_buf, (uint32_t)(r * sizeof(*w)));
			wb_u64(&delta_buf, w[i]);
			wb_u64(&delta_buf, w[i + 1] - w[i]);
			d->count++;
		}
		i += r;
		plain = i;
	}
	if (n > plain) {
		bytes += 13 + (n - plain) * sizeof(*w);
		if (emit)
			emit_write(d, pa + plain * sizeof(*w), w + plain, n - plain);
	}
	return bytes;
}

static int delta_write(void *arg, uint64_t pa, const void *va, uint32_t len)
{
	struct delta_state *d = arg;
	const uint64_t *w = va;
	size_t n = len / sizeof(*w);

	if (!d->strides) {
		if (!delta_fits(d, 13 + (size_t)len))
			return 1;
		emit_write(d, pa, w, n);
		return 0;
	}
	/* All of the run or none of it: the shadow takes the run whole. */
	if (!delta_fits(d, split_run(d, pa, w, n, 0)))
		return 1;
	split_run(d, pa, w, n, 1);
	return 0;
}

static int delta_freed(void *arg, uint64_t pa, const void *va, uint32_t len)
{
	struct delta_state *d = arg;

	(void)va;
	wb_u8(&delta_buf, DELTA_FREED);
	wb_u64(&delta_buf, pa);
	wb_u32(&delta_buf, len);
	d->count++;
	return 0;
}

/*
 * The table delta as it stands now, into delta_buf: u32 records, the
 * records, then u8 1 when some did not fit (the bench asks again with a
 * STEP of no operations) or 0.  The freed list always fits.
 */
static int delta_strides;

static void take_delta(uint32_t owners)
{
	/* Handles whose blocks a delta that did not fit still owes the bench. */
	static uint32_t owed;
	static const struct arena_delta_ops delta_ops = {
		.fresh = delta_fresh,
		.write = delta_write,
	};
	struct delta_state d = { .limit = DELTA_ROOM - 1, .strides = delta_strides };
	int more;

	wb_reset(&delta_buf);
	wb_u32(&delta_buf, 0);
	arena_sync_freed(delta_freed, &d);
	owners |= owed;
	more = arena_sync_delta(&delta_ops, &d, owners);
	owed = more ? owners : 0;
	wb_put_u32_at(&delta_buf, 0, d.count);
	wb_u8(&delta_buf, more ? 1 : 0);
}

/*
 * STEP: RESET, BATCH, the table delta and the coverage news in one round
 * trip, each as the flags ask (docs/protocol.md, "STEP").  The delta is
 * taken after the batch, or after its first k operations when DELTA_AT
 * says k (the bench takes the tables before a FREE that ends a case), and
 * sent after the batch's results.
 */
static int do_step(const struct wire_frame_in *f)
{
	const char *err = NULL;
	size_t room = WIRE_MAX_PAYLOAD - 4;
	uint32_t flags, delta_at = NO_DELTA, n, nexpect = 0;
	const uint8_t *expect = NULL;
	struct rbuf r;
	int ret;

	rb_init(&r, f->payload, f->len);
	flags = rb_u32(&r);
	if (r.bad)
		return send_nak(f->seq, NAK_MALFORMED, "STEP: no flags");
	if (flags & ~STEP_FLAGS)
		return send_nak(f->seq, NAK_MALFORMED, "STEP: unknown flag");
	if ((flags & STEP_DELTA_AT) && !(flags & STEP_DELTA))
		return send_nak(f->seq, NAK_MALFORMED, "STEP: DELTA_AT without DELTA");
	if (flags & STEP_DELTA_AT) {
		delta_at = rb_u32(&r);
		if (r.bad)
			return send_nak(f->seq, NAK_MALFORMED, "STEP: DELTA_AT without its operation count");
	}
	if (flags & STEP_EXPECT) {
		nexpect = rb_u32(&r);
		if (r.bad || nexpect > rb_left(&r) / EXPECT_SIZE)
			return send_nak(f->seq, NAK_MALFORMED, "STEP: expectations past the end of the frame");
		expect = f->payload + r.pos;
		r.pos += (size_t)nexpect * EXPECT_SIZE;
	}
	/* The batch's own count, read ahead only to check DELTA_AT against it. */
	n = rb_u32(&r);
	if (r.bad)
		return send_nak(f->seq, NAK_MALFORMED, "BATCH: no operation count");
	if ((flags & STEP_EXPECT) && nexpect != n)
		return send_nak(f->seq, NAK_MALFORMED, "STEP: not one expectation per operation");
	if ((flags & STEP_DELTA_AT) && delta_at > n)
		return send_nak(f->seq, NAK_MALFORMED, "STEP: DELTA_AT past the last operation");
	if ((flags & STEP_DELTA) && !(flags & STEP_DELTA_AT))
		delta_at = n;
	if (flags & STEP_COVERAGE)
		room -= COVERAGE_RESERVE;
	if (flags & STEP_DELTA)
		room -= DELTA_ROOM;
	delta_strides = !!(flags & STEP_STRIDES);
	compact = !!(flags & STEP_COMPACT);

	wb_reset(&payload);
	wb_reset(&delta_buf);
	if (flags & STEP_RESET)
		wb_u32(&payload, ops->reset());
	ret = run_batch(f->payload + (r.pos - 4), f->len - (r.pos - 4), room, delta_at, expect, &err);
	compact = false;
	if (ret)
		return send_nak(f->seq, NAK_MALFORMED, err);
	if (flags & STEP_DELTA)
		wb_bytes(&payload, delta_buf.data, delta_buf.len);
	if (flags & STEP_COVERAGE)
		ops->coverage(&payload);
	return send_frame(WIRE_STEP_REPLY, f->seq, &payload);
}

/* BARE: the driver alone over operations the bench sends back (bare.c). */
static int do_bare(const struct wire_frame_in *f)
{
	const char *err = NULL;

	if (bare_request(f->payload, f->len, &payload, &err))
		return send_nak(f->seq, NAK_MALFORMED, err);
	return send_frame(WIRE_BARE_REPLY, f->seq, &payload);
}

static int do_reset(const struct wire_frame_in *f)
{
	if (f->len)
		return send_nak(f->seq, NAK_MALFORMED, "RESET: payload is not empty");
	wb_reset(&payload);
	wb_u32(&payload, ops->reset());
	return send_frame(WIRE_RESET_REPLY, f->seq, &payload);
}

/* COVERAGE: the driver sites first reached since the last request. */
static int do_coverage(const struct wire_frame_in *f)
{
	if (f->len)
		return send_nak(f->seq, NAK_MALFORMED, "COVERAGE: payload is not empty");
	wb_reset(&payload);
	ops->coverage(&payload);
	return send_frame(WIRE_COVERAGE_REPLY, f->seq, &payload);
}

/* A frame type this file does not serve: the agent's own, or unknown. */
static int do_other(const struct wire_frame_in *f)
{
	const char *err = NULL;
	int type = 0;

	wb_reset(&payload);
	if (ops->request)
		type = ops->request(f, &payload, &err);
	if (type < 0)
		return send_nak(f->seq, NAK_MALFORMED, err);
	if (!type)
		return send_nak(f->seq, NAK_UNKNOWN_TYPE, "unknown frame type");
	return send_frame(type, f->seq, &payload);
}

int serve_frame(const struct wire_frame_in *f)
{
	struct kept_reply *k = &kept[f->seq % REPLY_WINDOW];
	int ret, i;

	/* A HELLO always runs: it may open a new session whose numbers start over. */
	if (k->valid && f->type != WIRE_HELLO && f->seq == k->seq &&
	    f->type == k->type && f->crc == k->crc) {
		if (lockstep_verbose)
			fprintf(stderr, "lockstep-agent: seq %u again: replaying the reply\n",
				f->seq);
		return ops->queue(k->bytes.data, k->bytes.len);
	}
	if (ordered && f->type != WIRE_HELLO && f->seq != next_seq) {
		/*
		 * A request after one that never arrived: dropped, so that
		 * requests run in the order they were sent; the NAK makes the
		 * bench send again from the one that is missing.  An older one
		 * whose reply is no longer kept was answered long ago.
		 */
		if (lockstep_verbose)
			fprintf(stderr, "lockstep-agent: seq %u while waiting for %u: dropped\n",
				f->seq, next_seq);
		return seq_after(f->seq, next_seq) ?
		       send_nak(0, NAK_BAD_FRAME, "request out of order dropped") : 0;
	}

	if (f->type == WIRE_HELLO) {
		/* A new session: whatever was kept belongs to the last one. */
		for (i = 0; i < REPLY_WINDOW; i++)
			kept[i].valid = false;
		events_forget_texts();
		ordered = true;
	}
	next_seq = f->seq + 1;
	lockstep_ctx.seq = f->seq;
	switch (f->type) {
	case WIRE_HELLO:
		ret = do_hello(f);
		break;
	case WIRE_BATCH:
		ret = do_batch(f);
		break;
	case WIRE_MEM_SYNC:
		ret = do_mem_sync(f);
		break;
	case WIRE_RESET:
		ret = do_reset(f);
		break;
	case WIRE_COVERAGE:
		ret = do_coverage(f);
		break;
	case WIRE_STEP:
		ret = do_step(f);
		break;
	case WIRE_BARE:
		ret = do_bare(f);
		break;
	default:
		ret = do_other(f);
		break;
	}
	remember(f->seq, f->type, f->crc);
	return ret;
}

int serve_rx(struct wire_rx *rx)
{
	struct wire_frame_in f;
	int nak, st, r;

	while ((st = wire_rx_next(rx, &f, &nak)) != RX_NEED_MORE) {
		if (st == RX_DROPPED)
			r = send_nak(0, nak, nak == NAK_BAD_VERSION ?
				     "frame of an unknown protocol version dropped" :
				     "bad frame dropped");
		else
			r = serve_frame(&f);
		if (r)
			return -1;
	}
	return 0;
}

void serve_forget(void)
{
	int i;

	for (i = 0; i < REPLY_WINDOW; i++)
		kept[i].valid = false;
	ordered = false;
}

void serve_exit(void)
{
	int i;

	wb_free(&payload);
	wb_free(&reply);
	wb_free(&delta_buf);
	for (i = 0; i < REPLY_WINDOW; i++)
		wb_free(&kept[i].bytes);
}
