/* SPDX-License-Identifier: GPL-2.0-only */
/* See stdint.h: the shared agent files' C library, from the kernel. */
#ifndef LOCKSTEP_COMPAT_STDARG_H
#define LOCKSTEP_COMPAT_STDARG_H

#include <linux/stdarg.h>

#endif
