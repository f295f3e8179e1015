// SPDX-License-Identifier: GPL-2.0-only
/*
 * Completions and work queues for the driver files, over the baton
 * scheduler (lockstep/sched.h).  Work never runs by itself: the bench steps
 * the queues (lockstep_wq_step), oldest queue first, one item at a time,
 * and the main thread settles after each item so that a waiter the item
 * completed runs before the next one, as it would on a real system.
 *
 * Built over the shim headers.
 */
#include <stdarg.h>
#include <stdio.h>

#include <linux/completion.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

struct workqueue_struct {
	char name[32];
	unsigned int flags;
	struct work_struct *head, *tail;
	struct workqueue_struct *next;
};

static struct workqueue_struct *queues;	/* oldest first */

static bool completion_ready(void *arg)
{
	return ((struct completion *)arg)->done != 0;
}

long lockstep_wait_for_completion(struct completion *x, long timeout)
{
	uint64_t deadline;

	if (timeout < 0)
		timeout = 0;
	deadline = timeout >= MAX_SCHEDULE_TIMEOUT ? UINT64_MAX :
		   lockstep_jiffies + (uint64_t)timeout;
	if (!sched_wait(completion_ready, x, deadline))
		return 0;
	if (x->done != UINT_MAX)
		x->done--;
	if (deadline == UINT64_MAX)
		return MAX_SCHEDULE_TIMEOUT;
	return deadline > lockstep_jiffies ? (long)(deadline - lockstep_jiffies) : 1;
}

struct workqueue_struct *lockstep_alloc_workqueue(unsigned int flags,
						  const char *fmt, ...)
{
	struct workqueue_struct *wq, **p;
	va_list ap;

	wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	if (!wq)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(wq->name, sizeof(wq->name), fmt, ap);
	va_end(ap);
	wq->flags = flags;
	for (p = &queues; *p; p = &(*p)->next)
		;
	*p = wq;
	return wq;
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	if (work->pending)
		return false;
	work->pending = true;
	work->next = NULL;
	if (wq->tail)
		wq->tail->next = work;
	else
		wq->head = work;
	wq->tail = work;
	return true;
}

/* Takes the oldest item off @wq and runs it; the item may free itself. */
static void run_one(struct workqueue_struct *wq)
{
	struct work_struct *work = wq->head;

	wq->head = work->next;
	if (!wq->head)
		wq->tail = NULL;
	work->next = NULL;
	work->pending = false;
	work->func(work);
}

void flush_workqueue(struct workqueue_struct *wq)
{
	while (wq->head)
		run_one(wq);
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	struct workqueue_struct **p;

	flush_workqueue(wq);
	for (p = &queues; *p; p = &(*p)->next) {
		if (*p == wq) {
			*p = wq->next;
			break;
		}
	}
	kfree(wq);
}

unsigned int lockstep_wq_step(unsigned int max)
{
	struct workqueue_struct *wq;
	unsigned int n = 0;

	while (!max || n < max) {
		for (wq = queues; wq && !wq->head; wq = wq->next)
			;
		if (!wq)
			break;
		run_one(wq);
		n++;
		sched_settle();
	}
	return n;
}

unsigned int lockstep_wq_pending(void)
{
	struct workqueue_struct *wq;
	struct work_struct *w;
	unsigned int n = 0;

	for (wq = queues; wq; wq = wq->next)
		for (w = wq->head; w; w = w->next)
			n++;
	return n;
}
