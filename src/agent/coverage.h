/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Driver edge coverage: the kernel driver objects are compiled with
 * -fsanitize-coverage=trace-pc, so each of their basic blocks calls
 * __sanitizer_cov_trace_pc(); coverage.c keeps the set of call sites seen.
 */
#ifndef LOCKSTEP_COVERAGE_H
#define LOCKSTEP_COVERAGE_H

#include "wire.h"

/* Sites compiled into the driver objects (0: an agent built without coverage). */
uint32_t cov_total(void);
/* Writes the COVERAGE_REPLY payload and forgets what it reported as new. */
void cov_reply(struct wbuf *w);

#endif /* LOCKSTEP_COVERAGE_H */
