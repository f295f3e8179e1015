// SPDX-License-Identifier: GPL-2.0-only
/*
 * The baton scheduler behind lockstep/sched.h: call slots are threads, but
 * exactly one thread (the main one or one slot) runs at any time, and
 * control moves only at the points this file defines: a slot starts or is
 * resumed by the main thread, and hands control back when it waits or
 * returns.  Which waiter runs when is decided by the main thread alone, in
 * slot order, so nothing depends on the host's thread scheduler.
 *
 * Built as agent code (C library headers only).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "../events.h"
#include "include/lockstep/sched.h"

#define MAIN	(-1)

volatile uint64_t lockstep_jiffies;
void (*sched_on_done)(int slot, long ret);

struct slot {
	pthread_t thread;
	bool started;
	pthread_cond_t cond;
	enum sched_slot_state state;
	long (*fn)(void *);
	void *arg;
	long ret;
	bool (*ready)(void *);	/* what a BLOCKED slot waits for */
	void *ready_arg;
	uint64_t deadline;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t main_cond = PTHREAD_COND_INITIALIZER;
static struct slot slots[SCHED_NSLOTS];
static int running = MAIN;		/* who holds the baton */
static __thread int self = MAIN;	/* who this thread is */

/* Called with the lock held: give the baton to @to and wait for it back. */
static void pass_baton(int to)
{
	pthread_cond_t *mine = self == MAIN ? &main_cond : &slots[self].cond;

	running = to;
	if (to == MAIN)
		pthread_cond_signal(&main_cond);
	else
		pthread_cond_signal(&slots[to].cond);
	while (running != self)
		pthread_cond_wait(mine, &lock);
}

static void *slot_main(void *p)
{
	struct slot *s = p;

	self = (int)(s - slots);
	pthread_mutex_lock(&lock);
	for (;;) {
		while (running != self)
			pthread_cond_wait(&s->cond, &lock);
		pthread_mutex_unlock(&lock);
		s->ret = s->fn(s->arg);
		pthread_mutex_lock(&lock);
		s->state = SLOT_DONE;
		s->fn = NULL;
		if (sched_on_done)
			sched_on_done(self, s->ret);
		running = MAIN;
		pthread_cond_signal(&main_cond);
	}
	return NULL;
}

/* Called with the lock held, on the main thread. */
static void resume(int i)
{
	pass_baton(i);
}

bool sched_wait(bool (*ready)(void *), void *arg, uint64_t deadline)
{
	struct slot *s;
	bool ok;

	if (ready(arg))
		return true;
	if (lockstep_jiffies >= deadline)
		return false;
	if (self == MAIN) {
		event_add(EVENT_PRINTK,
			  "lockstep: a wait outside a call slot cannot block: timed out at once");
		return false;
	}
	s = &slots[self];
	pthread_mutex_lock(&lock);
	s->ready = ready;
	s->ready_arg = arg;
	s->deadline = deadline;
	s->state = SLOT_BLOCKED;
	pass_baton(MAIN);
	s->state = SLOT_IDLE;	/* running again; DONE or BLOCKED come later */
	s->ready = NULL;
	pthread_mutex_unlock(&lock);
	ok = ready(arg);
	return ok;
}

int sched_start(int slot, long (*fn)(void *), void *arg)
{
	struct slot *s;

	if (self != MAIN || slot < 0 || slot >= SCHED_NSLOTS)
		return -1;
	s = &slots[slot];
	if (s->state != SLOT_IDLE || s->fn)
		return -1;
	if (!s->started) {
		pthread_cond_init(&s->cond, NULL);
		if (pthread_create(&s->thread, NULL, slot_main, s))
			return -1;
		s->started = true;
	}
	pthread_mutex_lock(&lock);
	s->fn = fn;
	s->arg = arg;
	resume(slot);
	pthread_mutex_unlock(&lock);
	return 0;
}

enum sched_slot_state sched_state(int slot)
{
	if (slot < 0 || slot >= SCHED_NSLOTS)
		return SLOT_IDLE;
	if (slots[slot].fn && slots[slot].state == SLOT_IDLE)
		return SLOT_BLOCKED;	/* only seen from inside the call */
	return slots[slot].state;
}

long sched_collect(int slot)
{
	long ret = slots[slot].ret;

	slots[slot].state = SLOT_IDLE;
	slots[slot].ret = 0;
	return ret;
}

static bool runnable(const struct slot *s)
{
	return s->state == SLOT_BLOCKED &&
	       (lockstep_jiffies >= s->deadline || s->ready(s->ready_arg));
}

unsigned int sched_settle(void)
{
	unsigned int n = 0;
	int i;

	if (self != MAIN)
		return 0;
	pthread_mutex_lock(&lock);
	for (i = 0; i < SCHED_NSLOTS; i++) {
		if (runnable(&slots[i])) {
			resume(i);
			n++;
			i = -1;		/* from the first slot again */
		}
	}
	pthread_mutex_unlock(&lock);
	return n;
}

uint64_t sched_next_deadline(void)
{
	uint64_t d = UINT64_MAX;
	int i;

	for (i = 0; i < SCHED_NSLOTS; i++)
		if (slots[i].state == SLOT_BLOCKED && slots[i].deadline < d)
			d = slots[i].deadline;
	return d;
}

void sched_advance_to(uint64_t to)
{
	uint64_t d;

	sched_settle();
	while ((d = sched_next_deadline()) <= to) {
		if (d > lockstep_jiffies)
			lockstep_jiffies = d;
		sched_settle();
	}
	if (to > lockstep_jiffies)
		lockstep_jiffies = to;
	sched_settle();
}

int sched_reset(void)
{
	int i;

	for (i = 0; i < SCHED_NSLOTS; i++) {
		if (slots[i].state == SLOT_BLOCKED)
			return -1;
		slots[i].state = SLOT_IDLE;
		slots[i].ret = 0;
	}
	lockstep_jiffies = 0;
	return 0;
}
