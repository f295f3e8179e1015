// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-operation counters and the per-batch event list.  The list has a
 * fixed capacity so that a driver stuck in a WARN loop cannot grow the
 * reply past the protocol's frame limit; what does not fit is counted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "wire.h"

struct op_ctx lockstep_ctx = {
	.op_index = OP_INDEX_NONE,
	.owner = OWNER_NONE,
};

int lockstep_verbose;

static struct event events[EVENT_MAX];
static unsigned int nevents;
static unsigned int ndropped;

void ctx_begin_op(uint32_t op_index, uint8_t opcode, int owner)
{
	lockstep_ctx.op_index = op_index;
	lockstep_ctx.opcode = opcode;
	lockstep_ctx.owner = owner;
	lockstep_ctx.tlb_flush_all = 0;
	lockstep_ctx.tlb_flush_walk = 0;
	lockstep_ctx.tlb_add_page = 0;
	lockstep_ctx.warns = 0;
	lockstep_ctx.dma_syncs = 0;
}

void ctx_end_op(void)
{
	lockstep_ctx.op_index = OP_INDEX_NONE;
	lockstep_ctx.opcode = 0;
	lockstep_ctx.owner = OWNER_NONE;
}

void events_clear(void)
{
	nevents = 0;
	ndropped = 0;
}

void event_add(uint8_t kind, const char *text)
{
	struct event *e;

	if (lockstep_verbose)
		fprintf(stderr, "lockstep-agent: op %d event %u: %s\n",
			(int)lockstep_ctx.op_index, kind, text);
	if (nevents == EVENT_MAX) {
		ndropped++;
		return;
	}
	e = &events[nevents++];
	e->op_index = lockstep_ctx.op_index;
	e->kind = kind;
	snprintf(e->text, sizeof(e->text), "%s", text);
}

void event_addf(uint8_t kind, const char *fmt, ...)
{
	char text[EVENT_TEXT_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	event_add(kind, text);
}

unsigned int events_count(void)
{
	return nevents;
}

const struct event *event_get(unsigned int i)
{
	return i < nevents ? &events[i] : NULL;
}

unsigned int events_dropped(void)
{
	return ndropped;
}

/* What does not fit is said in one last event, in both forms. */
static void dropped_line(char *text, size_t len)
{
	snprintf(text, len, "lockstep: %u more event(s) dropped", ndropped);
}

void events_encode(struct wbuf *w)
{
	unsigned int i, nev = events_count();

	wb_u32(w, nev + (events_dropped() ? 1 : 0));
	for (i = 0; i < nev; i++) {
		const struct event *e = event_get(i);

		wb_u32(w, e->op_index);
		wb_u8(w, e->kind);
		wb_str(w, e->text);
	}
	if (events_dropped()) {
		char text[80];

		dropped_line(text, sizeof(text));
		wb_u32(w, OP_INDEX_NONE);
		wb_u8(w, EVENT_PRINTK);
		wb_str(w, text);
	}
}

/*
 * Event texts sent this session in COMPACT form, by number; a full table
 * sends the rest in full.  WARN texts were most of a STEP's reply: a
 * handful a step, each the same sixty bytes as the last time.
 */
#define TEXTS_MAX	256
#define TEXT_NEW	0x8000u
#define TEXT_LITERAL	0xffffu

struct sent_text {
	uint32_t hash;
	char text[EVENT_TEXT_MAX + 1];
};

static struct sent_text texts[TEXTS_MAX];
static unsigned int ntexts;

void events_forget_texts(void)
{
	ntexts = 0;
}

static uint32_t text_hash(const char *t)
{
	uint32_t h = 2166136261u;

	while (*t)
		h = (h ^ (uint8_t)*t++) * 16777619u;
	return h;
}

/* An event's text: its number, a new number and the text, or the text alone. */
static void compact_text(struct wbuf *w, const char *text)
{
	uint32_t h = text_hash(text);
	unsigned int k;

	for (k = 0; k < ntexts; k++) {
		if (texts[k].hash == h && !strcmp(texts[k].text, text)) {
			wb_u16(w, k);
			return;
		}
	}
	if (ntexts < TEXTS_MAX) {
		texts[ntexts].hash = h;
		strcpy(texts[ntexts].text, text);
		wb_u16(w, TEXT_NEW | ntexts++);
	} else {
		wb_u16(w, TEXT_LITERAL);
	}
	wb_str(w, text);
}

void events_encode_compact(struct wbuf *w)
{
	unsigned int i, nev = events_count();

	wb_u32(w, nev + (events_dropped() ? 1 : 0));
	for (i = 0; i < nev; i++) {
		const struct event *e = event_get(i);

		wb_u32(w, e->op_index);
		wb_u8(w, e->kind);
		compact_text(w, e->text);
	}
	if (events_dropped()) {
		char text[80];

		/* A count that changes is no text to keep. */
		dropped_line(text, sizeof(text));
		wb_u32(w, OP_INDEX_NONE);
		wb_u8(w, EVENT_PRINTK);
		wb_u16(w, TEXT_LITERAL);
		wb_str(w, text);
	}
}
