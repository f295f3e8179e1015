/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Work queues that never run on their own: work waits in its queue, in
 * order, until the bench steps the queues (lockstep_wq_step()).  Flushing or
 * destroying a queue runs what it holds at once, in the flusher's context,
 * which is what the kernel's flush amounts to.
 */
#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H

#include <linux/types.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
	struct work_struct *next;
	bool pending;
};

struct workqueue_struct;

#define WQ_UNBOUND		(1 << 1)
#define WQ_FREEZABLE		(1 << 2)
#define WQ_MEM_RECLAIM		(1 << 3)
#define WQ_HIGHPRI		(1 << 4)

#define INIT_WORK(_work, _func)						\
	do {								\
		(_work)->func = (_func);				\
		(_work)->next = NULL;					\
		(_work)->pending = false;				\
	} while (0)

struct workqueue_struct *lockstep_alloc_workqueue(unsigned int flags,
						  const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define alloc_ordered_workqueue(fmt, flags, args...)			\
	lockstep_alloc_workqueue(WQ_UNBOUND | (flags), fmt, ##args)
#define alloc_workqueue(fmt, flags, max_active, args...)		\
	lockstep_alloc_workqueue(flags, fmt, ##args)

bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
void flush_workqueue(struct workqueue_struct *wq);
void destroy_workqueue(struct workqueue_struct *wq);

/* For the agent: run up to @max queued items (0: until every queue is idle). */
unsigned int lockstep_wq_step(unsigned int max);
unsigned int lockstep_wq_pending(void);

#endif /* _LINUX_WORKQUEUE_H */
