/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parts of lockstep.ko that are not shared with the host agent: the
 * page tracker (pages.c) and the kernel-log reader (klog.c), as main.c
 * uses them.
 */
#ifndef LOCKSTEP_KMOD_H
#define LOCKSTEP_KMOD_H

int pages_init(void);
void pages_exit(void);
/* From here until pages_disarm(), what the calling task allocates is the driver's. */
void pages_arm(void);
void pages_disarm(void);
/* Blocks or objects not tracked for lack of room since the last call. */
unsigned int pages_take_overflow(void);

void klog_mark(void);
/* Events for the log lines since klog_mark(); returns the WARNs among them. */
unsigned int klog_collect(void);

#endif /* LOCKSTEP_KMOD_H */
