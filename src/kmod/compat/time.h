/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * See stdint.h.  clock_gettime(CLOCK_MONOTONIC) for the shared files'
 * timing of driver calls (serve.c, bare.c): the kernel's monotonic clock,
 * which is what CLOCK_MONOTONIC reads in userspace too.
 */
#ifndef LOCKSTEP_COMPAT_TIME_H
#define LOCKSTEP_COMPAT_TIME_H

#include <linux/ktime.h>
#include <linux/types.h>

#define CLOCK_MONOTONIC	1

/* The kernel has only the 64-bit time64_t kind, under another name. */
struct timespec {
	time64_t tv_sec;
	long tv_nsec;
};

static inline int clock_gettime(int clock, struct timespec *t)
{
	struct timespec64 ts;

	ktime_get_ts64(&ts);
	t->tv_sec = ts.tv_sec;
	t->tv_nsec = ts.tv_nsec;
	return 0;
}

#endif
