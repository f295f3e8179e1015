// SPDX-License-Identifier: GPL-2.0-only
/*
 * lockstep-agent: serves the Lockstep wire protocol (docs/protocol.md) on a
 * pseudo-terminal, on stdin/stdout, or on a serial device, and runs each
 * request against the real Linux io-pgtable code linked into it.
 *
 *   lockstep-agent --pty          print "LOCKSTEP-AGENT pty=/dev/pts/N", serve
 *                                 on the pty until stdin closes or the
 *                                 parent dies
 *   lockstep-agent --stdio        serve on stdin/stdout until stdin closes
 *   lockstep-agent --tty PATH     serve on an existing serial device
 *
 * Single-threaded and deterministic: the same requests from a fresh agent
 * give the same replies, byte for byte.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "bare.h"
#include "coverage.h"
#include "crash.h"
#include "events.h"
#include "pgtable_ops.h"
#ifdef LOCKSTEP_RTKIT
#include "rtkit_ops.h"
#endif
#include "wire.h"

#ifndef LOCKSTEP_DRIVER_VERSION
#define LOCKSTEP_DRIVER_VERSION "unknown"
#endif
#ifndef LOCKSTEP_AGENT_BUILD
#define LOCKSTEP_AGENT_BUILD "unknown"
#endif

#define PROTOCOL_VERSION	1
#define CAP_IO_PGTABLE		(1u << 0)
#define CAP_RTKIT		(1u << 1)
#define CAP_COVERAGE		(1u << 2)
#define CAP_SANITIZER		(1u << 3)
#define CAP_STEP		(1u << 4)
#define CAP_STRIDES		(1u << 5)

/* STEP flags (docs/protocol.md, "STEP"). */
#define STEP_RESET		(1u << 0)
#define STEP_DELTA		(1u << 1)
#define STEP_COVERAGE		(1u << 2)
#define STEP_DELTA_AT		(1u << 3)
#define STEP_STRIDES		(1u << 4)
#define STEP_FLAGS		(STEP_RESET | STEP_DELTA | STEP_COVERAGE | STEP_DELTA_AT | \
				 STEP_STRIDES)
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

/* A frame that stops arriving for this long is taken for a lying header. */
#define RX_IDLE_MS		500

/* Room kept in a BATCH_REPLY for the events, whatever the driver says. */
#define EVENTS_RESERVE	(4 + (EVENT_MAX + 1) * (4 + 1 + 2 + EVENT_TEXT_MAX))

struct link {
	int in_fd;
	int out_fd;
	int watch_fd;	/* stdin in --pty mode: EOF there means stop */
};

static struct link link_fds = { -1, -1, -1 };
static struct wire_rx rx;
static struct wbuf payload;
static struct wbuf reply;
static struct wbuf delta_buf;
/*
 * Replies of the requests that arrived together, written together: each
 * write wakes the bench, and a write per reply was most of a round trip.
 */
static struct wbuf out;

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

/*
 * While a reply waits for room on the line, the bench may be waiting for
 * room to send its next requests: keep reading them into the receive buffer
 * (they run once this reply is out), or neither side would move.
 */
static int write_all(int fd, const void *p, size_t n)
{
	static uint8_t in[65536];
	const uint8_t *b = p;
	struct pollfd pfd[2];
	ssize_t r;
	int nfds;

	while (n) {
		r = write(fd, b, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN) {
			pfd[0].fd = fd;
			pfd[0].events = POLLOUT;
			pfd[1].fd = link_fds.in_fd;
			pfd[1].events = POLLIN;
			nfds = link_fds.in_fd >= 0 ? 2 : 1;
			if (poll(pfd, nfds, -1) < 0 && errno != EINTR)
				return -1;
			if (nfds == 2 && (pfd[1].revents & POLLIN)) {
				r = read(link_fds.in_fd, in, sizeof(in));
				if (r > 0 && wire_rx_push(&rx, in, r))
					return -1;
			}
			continue;
		}
		if (r <= 0)
			return -1;
		b += r;
		n -= r;
	}
	return 0;
}

/* Flushes the replies queued so far (see out). */
static int flush_out(void)
{
	int ret = 0;

	if (out.len)
		ret = write_all(link_fds.out_fd, out.data, out.len);
	wb_reset(&out);
	return ret;
}

/* Queues a frame; a big queue goes out at once rather than grow. */
static int queue(const void *p, size_t n)
{
	wb_bytes(&out, p, n);
	if (out.oom)
		return -1;
	return out.len >= (1u << 20) ? flush_out() : 0;
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
	return queue(reply.data, reply.len);
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

static int do_hello(const struct wire_frame_in *f)
{
	struct rbuf r;
	uint32_t caps = CAP_IO_PGTABLE | CAP_STEP | CAP_STRIDES;
	uint32_t theirs;

	rb_init(&r, f->payload, f->len);
	theirs = rb_u32(&r);
	if (r.bad || rb_left(&r))
		return send_nak(f->seq, NAK_MALFORMED, "HELLO: payload is not one u32");
	if (theirs < PROTOCOL_VERSION)
		return send_nak(f->seq, NAK_BAD_VERSION, "HELLO: agent speaks protocol version 1 only");
	if (crash_sanitized())
		caps |= CAP_SANITIZER;
#ifdef LOCKSTEP_RTKIT
	caps |= CAP_RTKIT;
#endif
	if (cov_total())
		caps |= CAP_COVERAGE;

	wb_reset(&payload);
	wb_u32(&payload, PROTOCOL_VERSION);
	wb_u32(&payload, caps);
	wb_str(&payload, LOCKSTEP_DRIVER_VERSION);
	wb_str(&payload, LOCKSTEP_AGENT_BUILD);
	wb_u64(&payload, LOCKSTEP_PHYS_BASE);
	wb_u64(&payload, LOCKSTEP_ARENA_SIZE);
	wb_u32(&payload, ARENA_PAGE_SIZE);
	return send_frame(WIRE_HELLO_REPLY, f->seq, &payload);
}

/*
 * The operations of a BATCH (or STEP) payload, run, their results and
 * events appended to @payload.  A first pass decodes without running
 * anything, so that a truncated or oversized batch is refused whole (with
 * *err set, nothing run); the second pass runs.  Past an unknown opcode
 * nothing can be decoded: that operation and all after it get the
 * bench-error status.
 */
static void take_delta(void);

static int run_batch(const uint8_t *p, size_t len, size_t room, uint32_t delta_at,
		     const char **err)
{
	struct pt_result res;
	struct pt_op op;
	struct rbuf r;
	uint32_t n, i, stop;
	uint8_t bad_opcode = 0;
	uint64_t driver_ns = 0;
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
			take_delta();
		if (i < stop) {
			struct timespec t0, t1;

			pt_decode(&r, &op);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			pt_execute(&op, i, &res);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			driver_ns += (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u +
				     (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
		} else {
			pt_result_invalid(i == stop ? bad_opcode : 0, &res);
			if (i == stop) {
				lockstep_ctx.op_index = i;
				event_addf(EVENT_PRINTK, "lockstep: bench error: unknown opcode %u; the %u operation(s) from here on were not run",
					   bad_opcode, n - stop);
				lockstep_ctx.op_index = OP_INDEX_NONE;
			}
		}
		pt_result_encode(&payload, &res);
	}
	if (delta_at == n)
		take_delta();

	events_encode(&payload);
	/* Time inside the driver calls alone: the bench's upper limit for this link. */
	wb_u64(&payload, driver_ns);
	return 0;
}

static int do_batch(const struct wire_frame_in *f)
{
	const char *err = NULL;

	wb_reset(&payload);
	if (run_batch(f->payload, f->len, WIRE_MAX_PAYLOAD, NO_DELTA, &err))
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

static void emit_write(struct delta_state *d, uint64_t pa, const uint64_t *w, size_t words)
{
	wb_u8(&delta_buf, DELTA_WRITE);
	wb_u64(&delta_buf, pa);
	wb_u32(&delta_buf, (uint32_t)(words * sizeof(*w)));
	wb_bytes(&delta_buf, w, words * sizeof(*w));
	d->count++;
}

/*
 * One run of changed words as WRITE and STRIDE records; bytes needed when
 * emit is 0 (nothing written), else the records are written.
 */
static size_t split_run(struct delta_state *d, uint64_t pa, const uint64_t *w, size_t n, int emit)
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
				emit_write(d, pa + plain * sizeof(*w), w + plain, i - plain);
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

static void take_delta(void)
{
	static const struct arena_delta_ops ops = {
		.fresh = delta_fresh,
		.write = delta_write,
	};
	struct delta_state d = { .limit = DELTA_ROOM - 1, .strides = delta_strides };
	int more;

	wb_reset(&delta_buf);
	wb_u32(&delta_buf, 0);
	arena_sync_freed(delta_freed, &d);
	more = arena_sync_delta(&ops, &d);
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
	uint32_t flags, delta_at = NO_DELTA, n;
	struct rbuf r;

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
	/* The batch's own count, read ahead only to check DELTA_AT against it. */
	n = rb_u32(&r);
	if (r.bad)
		return send_nak(f->seq, NAK_MALFORMED, "BATCH: no operation count");
	if ((flags & STEP_DELTA_AT) && delta_at > n)
		return send_nak(f->seq, NAK_MALFORMED, "STEP: DELTA_AT past the last operation");
	if ((flags & STEP_DELTA) && !(flags & STEP_DELTA_AT))
		delta_at = n;
	if (flags & STEP_COVERAGE)
		room -= COVERAGE_RESERVE;
	if (flags & STEP_DELTA)
		room -= DELTA_ROOM;
	delta_strides = !!(flags & STEP_STRIDES);

	wb_reset(&payload);
	wb_reset(&delta_buf);
	if (flags & STEP_RESET) {
#ifdef LOCKSTEP_RTKIT
		rtk_reset();
#endif
		wb_u32(&payload, pt_reset());
	}
	if (run_batch(f->payload + (r.pos - 4), f->len - (r.pos - 4), room, delta_at, &err))
		return send_nak(f->seq, NAK_MALFORMED, err);
	if (flags & STEP_DELTA)
		wb_bytes(&payload, delta_buf.data, delta_buf.len);
	if (flags & STEP_COVERAGE)
		cov_reply(&payload);
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

#ifdef LOCKSTEP_RTKIT
static int do_rtkit(const struct wire_frame_in *f)
{
	const char *err = NULL;

	if (rtk_request(f->payload, f->len, &payload, &err))
		return send_nak(f->seq, NAK_MALFORMED, err);
	return send_frame(WIRE_RTKIT_REPLY, f->seq, &payload);
}
#endif

static int do_reset(const struct wire_frame_in *f)
{
	if (f->len)
		return send_nak(f->seq, NAK_MALFORMED, "RESET: payload is not empty");
#ifdef LOCKSTEP_RTKIT
	rtk_reset();
#endif
	wb_reset(&payload);
	wb_u32(&payload, pt_reset());
	return send_frame(WIRE_RESET_REPLY, f->seq, &payload);
}

/* COVERAGE: the driver sites first reached since the last request. */
static int do_coverage(const struct wire_frame_in *f)
{
	if (f->len)
		return send_nak(f->seq, NAK_MALFORMED, "COVERAGE: payload is not empty");
	wb_reset(&payload);
	cov_reply(&payload);
	return send_frame(WIRE_COVERAGE_REPLY, f->seq, &payload);
}

static int handle_frame(const struct wire_frame_in *f)
{
	struct kept_reply *k = &kept[f->seq % REPLY_WINDOW];
	int ret, i;

	/* A HELLO always runs: it may open a new session whose numbers start over. */
	if (k->valid && f->type != WIRE_HELLO && f->seq == k->seq &&
	    f->type == k->type && f->crc == k->crc) {
		if (lockstep_verbose)
			fprintf(stderr, "lockstep-agent: seq %u again: replaying the reply\n",
				f->seq);
		return queue(k->bytes.data, k->bytes.len);
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
#ifdef LOCKSTEP_RTKIT
	case WIRE_RTKIT:
		ret = do_rtkit(f);
		break;
#endif
	default:
		ret = send_nak(f->seq, NAK_UNKNOWN_TYPE, "unknown frame type");
		break;
	}
	remember(f->seq, f->type, f->crc);
	return ret;
}

static int serve(void)
{
	static uint8_t buf[65536];
	struct wire_frame_in f;
	struct pollfd pfd[2];
	int nak, st, r, nfds;
	ssize_t n;

	for (;;) {
		while ((st = wire_rx_next(&rx, &f, &nak)) != RX_NEED_MORE) {
			if (st == RX_DROPPED)
				r = send_nak(0, nak, nak == NAK_BAD_VERSION ?
					     "frame of an unknown protocol version dropped" :
					     "bad frame dropped");
			else
				r = handle_frame(&f);
			if (r)
				return -1;
		}
		/* Everything that arrived is answered: now the replies go out. */
		if (flush_out())
			return -1;

		pfd[0].fd = link_fds.in_fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = link_fds.watch_fd;
		pfd[1].events = POLLIN;
		nfds = link_fds.watch_fd >= 0 ? 2 : 1;
		r = poll(pfd, nfds, wire_rx_partial(&rx) ? RX_IDLE_MS : -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			wire_rx_drop_partial(&rx);
			if (send_nak(0, NAK_BAD_FRAME, "incomplete frame timed out"))
				return -1;
			continue;
		}

		if (nfds == 2 && pfd[1].revents) {
			n = read(link_fds.watch_fd, buf, sizeof(buf));
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				return 0;
		}
		if (pfd[0].revents) {
			n = read(link_fds.in_fd, buf, sizeof(buf));
			if (n == 0)
				return 0;
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n < 0)
				return -1;
			if (wire_rx_push(&rx, buf, n)) {
				fprintf(stderr, "lockstep-agent: receive buffer overflow\n");
				return -1;
			}
		}
	}
}

static int make_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return -1;
	cfmakeraw(&t);
	return tcsetattr(fd, TCSANOW, &t);
}

/*
 * The agent keeps its own fd of the slave open: without it the master reads
 * EIO (hangup) until the bench has opened the slave, and again whenever the
 * bench closes and reopens it.
 */
static int open_pty(void)
{
	const char *name;
	int m, s;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m))
		return -1;
	name = ptsname(m);
	if (!name)
		return -1;
	s = open(name, O_RDWR | O_NOCTTY);
	if (s < 0 || make_raw(s))
		return -1;

	link_fds.in_fd = m;
	link_fds.out_fd = m;
	link_fds.watch_fd = 0;
	printf("LOCKSTEP-AGENT pty=%s\n", name);
	fflush(stdout);
	return 0;
}

static int open_tty(const char *path)
{
	int fd = open(path, O_RDWR | O_NOCTTY);

	if (fd < 0)
		return -1;
	if (isatty(fd) && make_raw(fd)) {
		close(fd);
		return -1;
	}
	link_fds.in_fd = fd;
	link_fds.out_fd = fd;
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: lockstep-agent (--pty | --stdio | --tty PATH) [-v]\n"
		"driver: %s\nbuild: %s\n",
		LOCKSTEP_DRIVER_VERSION, LOCKSTEP_AGENT_BUILD);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *mode = NULL, *tty = NULL;
	pid_t parent = getppid();
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pty") || !strcmp(argv[i], "--stdio")) {
			mode = argv[i];
		} else if (!strcmp(argv[i], "--tty") && i + 1 < argc) {
			mode = argv[i];
			tty = argv[++i];
		} else if (!strcmp(argv[i], "-v")) {
			lockstep_verbose = 1;
		} else {
			usage();
		}
	}
	if (!mode)
		usage();

	signal(SIGPIPE, SIG_IGN);
	if (arena_init()) {
		perror("lockstep-agent: arena");
		return 1;
	}
	crash_init();

	/* The bench starts us as its child: go when it goes. */
	if (!tty) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			return 0;
	}

	ret = 0;
	if (!strcmp(mode, "--pty")) {
		ret = open_pty();
	} else if (tty) {
		ret = open_tty(tty);
	} else {
		link_fds.in_fd = 0;
		link_fds.out_fd = 1;
	}
	if (ret) {
		fprintf(stderr, "lockstep-agent: %s%s%s: %s\n", mode,
			tty ? " " : "", tty ? tty : "", strerror(errno));
		return 1;
	}

	/* Writes must not block the reads that let the bench go on (write_all). */
	fcntl(link_fds.out_fd, F_SETFL, fcntl(link_fds.out_fd, F_GETFL) | O_NONBLOCK);
	crash_set_fd(link_fds.out_fd);
	crash_set_queue(&out.data, &out.len);
	wire_rx_init(&rx);
	ret = serve();
	crash_set_fd(-1);

	/* Tear down like a RESET, so sanitizers see only the driver's leaks. */
#ifdef LOCKSTEP_RTKIT
	rtk_reset();
#endif
	pt_reset();
	wb_free(&payload);
	wb_free(&reply);
	wb_free(&delta_buf);
	wb_free(&out);
	for (int i = 0; i < REPLY_WINDOW; i++)
		wb_free(&kept[i].bytes);
	free(rx.buf);
	return ret ? 1 : 0;
}
