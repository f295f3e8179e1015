/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * See stdint.h.  snprintf() and vsnprintf() are the kernel's; the agent's
 * diagnostics to stderr (only with lockstep.verbose=1) go to the kernel log.
 */
#ifndef LOCKSTEP_COMPAT_STDIO_H
#define LOCKSTEP_COMPAT_STDIO_H

#include <linux/kernel.h>
#include <linux/printk.h>

#define stderr		NULL
#define fprintf(stream, ...)	((void)(stream), pr_info(__VA_ARGS__))

#endif
