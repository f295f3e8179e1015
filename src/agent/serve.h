/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The requests every io-pgtable agent serves the same way, whatever runs
 * it: the host agent (agent.c) and the kernel module (src/kmod/main.c)
 * both hand their complete frames to serve_frame().  Here live HELLO's
 * checks, BATCH, STEP with its table delta, MEM_SYNC, RESET, COVERAGE and
 * BARE, the kept replies for retransmissions and the sequence order
 * (docs/protocol.md).  What differs between the agents (how replies reach
 * the line, what HELLO says, what surrounds a driver call, what a RESET
 * also resets, which other frames exist) comes in through struct
 * serve_ops.
 */
#ifndef LOCKSTEP_SERVE_H
#define LOCKSTEP_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "pgtable_ops.h"
#include "wire.h"

#define PROTOCOL_VERSION	1
#define CAP_IO_PGTABLE		(1u << 0)
#define CAP_RTKIT		(1u << 1)
#define CAP_COVERAGE		(1u << 2)
#define CAP_SANITIZER		(1u << 3)
#define CAP_STEP		(1u << 4)
#define CAP_STRIDES		(1u << 5)
#define CAP_EXPECT		(1u << 6)
#define CAP_COMPACT		(1u << 7)

struct serve_ops {
	/* Puts a whole frame's bytes on the way to the bench. */
	int (*queue)(const void *p, size_t n);
	/* HELLO_REPLY after the protocol version: capabilities onwards. */
	void (*hello)(struct wbuf *w);
	/*
	 * Optional: around each driver call of a BATCH or STEP, outside
	 * its timing.  op_end may add events and WARNs to @res.
	 */
	void (*op_begin)(void);
	void (*op_end)(uint32_t index, struct pt_result *res);
	/* RESET (alone or in a STEP): returns the blocks still allocated. */
	unsigned int (*reset)(void);
	/* A COVERAGE_REPLY payload, alone or at the end of a STEP_REPLY. */
	void (*coverage)(struct wbuf *w);
	/*
	 * Optional: a frame type not served here.  Returns the reply's type
	 * with its payload in @w, 0 for a type this agent does not know, or
	 * -1 with *err saying what is wrong with the request.
	 */
	int (*request)(const struct wire_frame_in *f, struct wbuf *w,
		       const char **err);
};

void serve_init(const struct serve_ops *ops);
/* Serves one frame that arrived intact; nonzero when its reply could not be queued. */
int serve_frame(const struct wire_frame_in *f);
/* Serves every complete frame in @rx (NAKing the dropped ones); stops at the first failure. */
int serve_rx(struct wire_rx *rx);
/* A NAK of seq 0: the bench sends again what it has no reply to. */
int serve_nak_line(const char *msg);
/* A new link: no reply kept, no order until the next HELLO. */
void serve_forget(void);
void serve_exit(void);

#endif /* LOCKSTEP_SERVE_H */
