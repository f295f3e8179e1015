/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BARE: the driver alone.  The bench sends back the operations a campaign
 * made the driver run, case by case; the agent runs them again back to
 * back, with no link, no decoding, no result encoding and no table
 * tracking in between, and says how long the driver calls took
 * (docs/protocol.md, "BARE"; docs/performance.md says why this is the
 * upper limit the differential loop is measured against).
 */
#ifndef LOCKSTEP_BARE_H
#define LOCKSTEP_BARE_H

#include <stddef.h>

#include "wire.h"

/*
 * Runs the BARE request in @p and writes BARE_REPLY's payload to @out.
 * Returns 0, or -1 with *err saying what is wrong with the request (the
 * caller NAKs it; nothing ran).
 */
int bare_request(const void *p, size_t len, struct wbuf *out, const char **err);

#endif /* LOCKSTEP_BARE_H */
