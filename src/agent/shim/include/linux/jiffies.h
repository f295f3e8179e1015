/* SPDX-License-Identifier: GPL-2.0-only */
/* Time is the bench's virtual clock, in milliseconds (HZ = 1000). */
#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H

#include <linux/types.h>
#include <lockstep/sched.h>

#define HZ			LOCKSTEP_HZ
#define MAX_SCHEDULE_TIMEOUT	((long)(~0UL >> 1))
#define jiffies			((unsigned long)lockstep_jiffies)

static inline unsigned long msecs_to_jiffies(const unsigned int m)
{
	return m;
}

static inline unsigned int jiffies_to_msecs(const unsigned long j)
{
	return j;
}

#endif /* _LINUX_JIFFIES_H */
