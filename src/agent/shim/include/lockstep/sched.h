/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deterministic blocking for the driver's process-context calls.
 *
 * The agent's main thread serves the wire.  A call into the driver that may
 * sleep (apple_rtkit_boot() waiting for a completion) runs on a "call slot"
 * thread, but only one thread ever runs at a time: control passes like a
 * baton.  A slot that waits hands the baton back to the main thread, which
 * answers the bench; the bench then supplies firmware replies, steps the
 * work queue or advances the virtual clock, and after each such step the
 * main thread "settles": it resumes, in slot order, every waiter whose
 * condition holds or whose deadline has passed, until none is runnable.
 * Time is the virtual clock lockstep_jiffies (HZ = 1000: one jiffy is one
 * millisecond), moved only by the bench.  So a transcript replays exactly.
 *
 * Plain C: used by the shim headers and by the agent.
 */
#ifndef LOCKSTEP_SCHED_H
#define LOCKSTEP_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#define LOCKSTEP_HZ		1000
#define SCHED_NSLOTS		4

extern volatile uint64_t lockstep_jiffies;

enum sched_slot_state {
	SLOT_IDLE,		/* no call */
	SLOT_BLOCKED,		/* the call waits for a condition or its deadline */
	SLOT_DONE,		/* the call returned; its value waits to be collected */
};

/*
 * Waits, on a call slot, until @ready(@arg) or until the clock reaches
 * @deadline.  Returns true when ready.  On the main thread (where nothing
 * can block) a wait whose condition does not hold times out at once, with
 * a printk event saying so.
 */
bool sched_wait(bool (*ready)(void *), void *arg, uint64_t deadline);

/* Starts @fn(@arg) on an idle slot and runs it until it blocks or returns. */
int sched_start(int slot, long (*fn)(void *), void *arg);
enum sched_slot_state sched_state(int slot);
/* The value a DONE slot returned; the slot becomes IDLE. */
long sched_collect(int slot);
/* Resumes every runnable waiter until none is; returns how many resumed. */
unsigned int sched_settle(void);
/* Moves the clock to @to, firing deadlines in order on the way. */
void sched_advance_to(uint64_t to);
/* The earliest deadline of a blocked slot, or UINT64_MAX. */
uint64_t sched_next_deadline(void);
/* Called by a finished call so the bench learns of it. */
extern void (*sched_on_done)(int slot, long ret);
/* The clock and the slots back to their start. Fails (-1) while a slot blocks. */
int sched_reset(void);

#endif /* LOCKSTEP_SCHED_H */
