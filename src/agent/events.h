/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the agent learns while the driver runs one operation: the counters
 * that go into the operation's result (TLB callbacks, WARNs, DMA syncs) and
 * the events (WARN texts, printk lines, leaks) that go after the results in
 * BATCH_REPLY.  The shim writes here; the batch loop reads and resets.
 *
 * Plain C types only: included on both sides of the shim.
 */
#ifndef LOCKSTEP_EVENTS_H
#define LOCKSTEP_EVENTS_H

#include <stdint.h>

enum event_kind {
	EVENT_WARN	= 1,
	EVENT_PRINTK	= 2,
	EVENT_BUG	= 3,
	EVENT_LEAK	= 4,
};

#define OP_INDEX_NONE	0xffffffffu	/* not inside a BATCH operation */
#define OWNER_NONE	(-1)

struct op_ctx {
	uint32_t seq;		/* request being served, for CRASH frames */
	uint32_t op_index;	/* operation within the BATCH, or OP_INDEX_NONE */
	uint8_t opcode;
	int owner;		/* handle charged for allocations, or OWNER_NONE */
	uint32_t tlb_flush_all;
	uint32_t tlb_flush_walk;
	uint32_t tlb_add_page;
	uint32_t warns;
	uint32_t dma_syncs;
};

extern struct op_ctx lockstep_ctx;

void ctx_begin_op(uint32_t op_index, uint8_t opcode, int owner);
void ctx_end_op(void);

/* Events of the current batch; texts are cut to EVENT_TEXT_MAX bytes. */
#define EVENT_TEXT_MAX	512
#define EVENT_MAX	4096

struct event {
	uint32_t op_index;
	uint8_t kind;
	char text[EVENT_TEXT_MAX + 1];
};

void events_clear(void);
void event_add(uint8_t kind, const char *text);
void event_addf(uint8_t kind, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
unsigned int events_count(void);
const struct event *event_get(unsigned int i);
unsigned int events_dropped(void);

struct wbuf;
/* The events of the operation(s) just run, as every reply carries them (docs/protocol.md). */
void events_encode(struct wbuf *w);
/* The same in STEP's COMPACT form: texts sent once per session, then by number. */
void events_encode_compact(struct wbuf *w);
/* A new session (HELLO): no text has been sent yet. */
void events_forget_texts(void);

/* -v: echo events to stderr as they happen. */
extern int lockstep_verbose;

#endif /* LOCKSTEP_EVENTS_H */
