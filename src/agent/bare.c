// SPDX-License-Identifier: GPL-2.0-only
/*
 * BARE (see bare.h).  The whole request is decoded and checked before
 * anything runs, so that the timed loops do nothing but call the driver.
 *
 * Each case starts from a RESET, as in the campaign, and the reset is not
 * timed: it is the agent's bookkeeping, not the driver's work.  One clock
 * reading before and one after each case's operations is all the timing
 * costs: reading the clock around every call would charge the driver for
 * the clock.  A second, optional pass does read it around every call, to
 * give each kind of operation its latency distribution; that pass is not
 * used for the throughput.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bare.h"
#include "events.h"
#include "pgtable_ops.h"

#ifdef LOCKSTEP_KMOD
#include <linux/sched.h>
/*
 * In the kernel module a BARE request runs inside one write() for as long
 * as the cases take: between two cases, outside the timing, the rest of
 * the kernel gets the CPU.
 */
#define between_cases()	cond_resched()
#else
#define between_cases()	do { } while (0)
#endif

#define BARE_MAX_REPEATS	16
#define BARE_MAX_OPS		(1u << 20)
#define BARE_FLAG_LATENCY	1u

/* Log-linear buckets: exact below 16 ns, then eight per power of two. */
#define LAT_SUB		8
#define LAT_BUCKETS	(16 + 60 * LAT_SUB)
#define LAT_KINDS	(OP_IOVA_TO_PHYS + 1)

struct latency {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t bucket[LAT_BUCKETS];
};

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static unsigned int lat_bucket(uint64_t ns)
{
	unsigned int e;

	if (ns < 16)
		return ns;
	e = 63 - __builtin_clzll(ns);
	return 16 + (e - 4) * LAT_SUB + ((ns >> (e - 3)) & (LAT_SUB - 1));
}

static uint64_t lat_lower(unsigned int b)
{
	unsigned int e;

	if (b < 16)
		return b;
	e = (b - 16) / LAT_SUB + 4;
	return (1ull << e) | ((uint64_t)((b - 16) % LAT_SUB) << (e - 3));
}

/*
 * Decodes every case; with @ops NULL only counts and checks them.  Case k
 * runs ops[start[k] .. start[k + 1]).
 */
static int decode(struct rbuf *r, uint32_t ncases, struct pt_op *ops,
		  uint32_t *start, uint32_t *count, const char **err)
{
	uint32_t k, i, n, total = 0;
	struct pt_op scratch;

	for (k = 0; k < ncases; k++) {
		n = rb_u32(r);
		if (r->bad) {
			*err = "BARE: payload ends before a case's operation count";
			return -1;
		}
		if (n > BARE_MAX_OPS - total) {
			*err = "BARE: more operations than the agent runs in one request (1048576)";
			return -1;
		}
		if (start)
			start[k] = total;
		for (i = 0; i < n; i++) {
			switch (pt_decode(r, ops ? &ops[total + i] : &scratch)) {
			case PT_DECODED:
				break;
			case PT_TRUNCATED:
				*err = "BARE: payload ends inside an operation";
				return -1;
			default:
				*err = "BARE: unknown opcode";
				return -1;
			}
		}
		total += n;
	}
	if (start)
		start[ncases] = total;
	if (rb_left(r)) {
		*err = "BARE: bytes after the last case";
		return -1;
	}
	*count = total;
	return 0;
}

static uint64_t timed_pass(const struct pt_op *ops, const uint32_t *start,
			   uint32_t ncases)
{
	struct pt_result res;
	uint64_t total = 0, t0;
	uint32_t k, i;

	for (k = 0; k < ncases; k++) {
		pt_reset();
		events_clear();
		t0 = now_ns();
		for (i = start[k]; i < start[k + 1]; i++)
			pt_execute(&ops[i], i - start[k], &res);
		total += now_ns() - t0;
		between_cases();
	}
	return total;
}

static void latency_pass(const struct pt_op *ops, const uint32_t *start,
			 uint32_t ncases, struct latency *lat)
{
	struct pt_result res;
	uint64_t t0, ns;
	uint32_t k, i;
	uint8_t kind;

	for (k = 0; k < ncases; k++) {
		pt_reset();
		events_clear();
		for (i = start[k]; i < start[k + 1]; i++) {
			t0 = now_ns();
			pt_execute(&ops[i], i - start[k], &res);
			ns = now_ns() - t0;
			kind = ops[i].opcode < LAT_KINDS ? ops[i].opcode : 0;
			lat[kind].count++;
			lat[kind].sum_ns += ns;
			lat[kind].bucket[lat_bucket(ns)]++;
		}
		between_cases();
	}
}

int bare_request(const void *p, size_t len, struct wbuf *out, const char **err)
{
	struct latency *lat = NULL;
	uint32_t repeats, flags, ncases, rep, k, b, nb, count;
	size_t body;
	uint32_t *start = NULL;
	struct pt_op *ops = NULL;
	uint64_t ns[BARE_MAX_REPEATS];
	struct rbuf r;
	int ret = -1;

	rb_init(&r, p, len);
	repeats = rb_u32(&r);
	flags = rb_u32(&r);
	ncases = rb_u32(&r);
	if (r.bad) {
		*err = "BARE: no repeat count, flags and case count";
		return -1;
	}
	if (repeats < 1 || repeats > BARE_MAX_REPEATS) {
		*err = "BARE: repeats must be 1 to 16";
		return -1;
	}
	if (flags & ~BARE_FLAG_LATENCY) {
		*err = "BARE: unknown flag";
		return -1;
	}
	/* A case takes at least its four-byte count, an operation at least five bytes. */
	if (ncases > rb_left(&r) / 4) {
		*err = "BARE: more cases than bytes";
		return -1;
	}
	body = r.pos;
	if (decode(&r, ncases, NULL, NULL, &count, err))
		return -1;
	ops = malloc((count ? count : 1) * sizeof(*ops));
	start = malloc((ncases + 1) * sizeof(*start));
	lat = calloc(LAT_KINDS, sizeof(*lat));
	if (!ops || !start || !lat) {
		*err = "BARE: the agent is out of memory for this request";
		goto out;
	}
	r.pos = body;
	if (decode(&r, ncases, ops, start, &count, err))
		goto out;

	for (rep = 0; rep < repeats; rep++)
		ns[rep] = timed_pass(ops, start, ncases);
	if (flags & BARE_FLAG_LATENCY)
		latency_pass(ops, start, ncases, lat);
	/* Leave the agent as a RESET leaves it: the next case starts clean. */
	pt_reset();
	events_clear();

	wb_reset(out);
	wb_u32(out, start[ncases]);
	wb_u32(out, repeats);
	for (rep = 0; rep < repeats; rep++)
		wb_u64(out, ns[rep]);
	wb_u32(out, LAT_KINDS - 1);
	for (k = 1; k < LAT_KINDS; k++) {
		wb_u8(out, k);
		wb_u64(out, lat[k].count);
		wb_u64(out, lat[k].sum_ns);
		for (nb = 0, b = 0; b < LAT_BUCKETS; b++)
			nb += lat[k].bucket[b] != 0;
		wb_u32(out, nb);
		for (b = 0; b < LAT_BUCKETS; b++) {
			if (!lat[k].bucket[b])
				continue;
			wb_u64(out, lat_lower(b));
			wb_u64(out, lat[k].bucket[b]);
		}
	}
	ret = 0;
out:
	free(ops);
	free(start);
	free(lat);
	return ret;
}
