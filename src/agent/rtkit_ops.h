/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RTKIT frames (docs/protocol.md, "RTKit"): the AP side of Apple's RTKit
 * IPC, the real drivers/soc/apple/rtkit.c, driven by the bench, which plays
 * the firmware.  The interface uses plain C types; only rtkit_ops.c sees
 * the kernel's.
 */
#ifndef LOCKSTEP_RTKIT_OPS_H
#define LOCKSTEP_RTKIT_OPS_H

#include <stdint.h>

#include "wire.h"

/*
 * Decodes and runs one RTKIT request.  Returns 0 with the RTKIT_REPLY
 * payload in @out, or -1 with *@err set when the payload is malformed
 * (nothing was run).
 */
int rtk_request(const uint8_t *payload, uint32_t len, struct wbuf *out,
		const char **err);

/* RESET: lets every blocked call time out, then frees the instance. */
void rtk_reset(void);

#endif /* LOCKSTEP_RTKIT_OPS_H */
