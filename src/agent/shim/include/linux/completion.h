/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Completions.  A waiter blocks through lockstep/sched.h: it runs again
 * when the main thread settles after complete() or after the virtual clock
 * passed its deadline.  Nothing is ever interrupted by a signal.
 */
#ifndef _LINUX_COMPLETION_H
#define _LINUX_COMPLETION_H

#include <limits.h>

#include <linux/jiffies.h>
#include <linux/types.h>

struct completion {
	unsigned int done;
};

#define COMPLETION_INITIALIZER(work)	{ 0 }
#define DECLARE_COMPLETION(work)	struct completion work = COMPLETION_INITIALIZER(work)
#define DECLARE_COMPLETION_ONSTACK(work) DECLARE_COMPLETION(work)

static inline void init_completion(struct completion *x)
{
	x->done = 0;
}

static inline void reinit_completion(struct completion *x)
{
	x->done = 0;
}

static inline void complete(struct completion *x)
{
	if (x->done != UINT_MAX)
		x->done++;
}

static inline void complete_all(struct completion *x)
{
	x->done = UINT_MAX;
}

static inline bool completion_done(struct completion *x)
{
	return x->done != 0;
}

static inline bool try_wait_for_completion(struct completion *x)
{
	if (!x->done)
		return false;
	if (x->done != UINT_MAX)
		x->done--;
	return true;
}

long lockstep_wait_for_completion(struct completion *x, long timeout);

/* As the kernel's: 0 on timeout, else the jiffies left (at least 1). */
static inline unsigned long wait_for_completion_timeout(struct completion *x,
							unsigned long timeout)
{
	return lockstep_wait_for_completion(x, timeout);
}

static inline long wait_for_completion_interruptible_timeout(struct completion *x,
							     unsigned long timeout)
{
	return lockstep_wait_for_completion(x, timeout);
}

static inline void wait_for_completion(struct completion *x)
{
	lockstep_wait_for_completion(x, MAX_SCHEDULE_TIMEOUT);
}

#endif /* _LINUX_COMPLETION_H */
