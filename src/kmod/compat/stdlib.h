/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * See stdint.h.  realloc() and free() for the wire buffers, which grow up
 * to a whole frame (16 MiB): kvmalloc memory that remembers its size,
 * since kvrealloc() must be told the old one (compat.c).  malloc() and
 * calloc() are the same memory, for BARE's decoded cases (bare.c).
 */
#ifndef LOCKSTEP_COMPAT_STDLIB_H
#define LOCKSTEP_COMPAT_STDLIB_H

#include <linux/types.h>

void *lockstep_realloc(void *p, size_t n);
void *lockstep_calloc(size_t n, size_t size);
void lockstep_free(void *p);

/* Function-like, so that members called "free" in kernel headers are left alone. */
#define realloc(p, n)	lockstep_realloc(p, n)
#define malloc(n)	lockstep_realloc(NULL, n)
#define calloc(n, size)	lockstep_calloc(n, size)
#define free(p)		lockstep_free(p)

#endif
