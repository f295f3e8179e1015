/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The C library headers that the shared agent files (src/agent/wire.c,
 * events.c, pgtable_ops.c) include, answered from the kernel's own: the
 * module builds those files unchanged instead of keeping a second copy of
 * the protocol code.
 */
#ifndef LOCKSTEP_COMPAT_STDINT_H
#define LOCKSTEP_COMPAT_STDINT_H

#include <linux/types.h>
#include <linux/limits.h>

#endif
