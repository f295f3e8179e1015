/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The firmware's side of the fake ASC mailbox (shim/mailbox.c), for the
 * agent.  Plain C types only.
 */
#ifndef LOCKSTEP_MBOX_H
#define LOCKSTEP_MBOX_H

#include <stdint.h>

enum lockstep_mbox_log_kind {
	MBOX_LOG_TX = 1,	/* the firmware read an AP->IOP message */
	MBOX_LOG_ABORTED = 2,	/* queued, dropped by mbox_free_channel() */
};

/* Told about each message leaving the mailbox; set by the agent. */
extern void (*lockstep_mbox_log)(int kind, uint64_t msg0, uint32_t msg1);

/*
 * The device tree of the fake device: one mailbox (index 0), named @name
 * in "mbox-names", or without that property when @name is NULL.
 */
void lockstep_mbox_configure(const char *name);
/* A receive interrupt with @msg0/@msg1: -ENODEV when no client listens. */
int lockstep_mbox_inject(uint64_t msg0, uint64_t msg1);
/* The firmware reads up to @max messages (0: all) from the A2I FIFO. */
unsigned int lockstep_mbox_drain(unsigned int max);
/* Messages queued AP->IOP, the one in the FIFO included. */
unsigned int lockstep_mbox_queued(void);
/* Forgets the client and every queued message, without callbacks. */
void lockstep_mbox_reset(void);

#endif /* LOCKSTEP_MBOX_H */
