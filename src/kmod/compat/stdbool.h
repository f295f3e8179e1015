/* SPDX-License-Identifier: GPL-2.0-only */
/* See stdint.h: the shared agent files' C library, from the kernel. */
#ifndef LOCKSTEP_COMPAT_STDBOOL_H
#define LOCKSTEP_COMPAT_STDBOOL_H

#include <linux/types.h>
#include <linux/stddef.h>

#endif
