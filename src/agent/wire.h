/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lockstep wire protocol, agent side: frame constants, CRC-32, bounded
 * readers and growable writers for payloads, and the receive-side frame
 * scanner with resynchronisation (docs/protocol.md).
 *
 * Plain C, no kernel shim: included from both the agent core and the glue
 * that is compiled over the shim headers.
 */
#ifndef LOCKSTEP_WIRE_H
#define LOCKSTEP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_MAGIC		0x534B4CA5u
#define WIRE_VERSION		1
#define WIRE_HDR_LEN		16
#define WIRE_CRC_LEN		4
#define WIRE_MAX_PAYLOAD	(16u << 20)

enum wire_type {
	WIRE_HELLO		= 0x01,
	WIRE_BATCH		= 0x02,
	WIRE_MEM_SYNC		= 0x03,
	WIRE_RESET		= 0x04,
	WIRE_RTKIT		= 0x05,
	WIRE_COVERAGE		= 0x06,
	WIRE_STEP		= 0x08,
	WIRE_BARE		= 0x09,
	WIRE_HELLO_REPLY	= 0x81,
	WIRE_BATCH_REPLY	= 0x82,
	WIRE_MEM_SYNC_REPLY	= 0x83,
	WIRE_RESET_REPLY	= 0x84,
	WIRE_RTKIT_REPLY	= 0x85,
	WIRE_COVERAGE_REPLY	= 0x86,
	WIRE_STEP_REPLY		= 0x88,
	WIRE_BARE_REPLY		= 0x89,
	WIRE_CRASH		= 0x7e,
	WIRE_NAK		= 0x7f,
};

enum wire_nak_code {
	NAK_BAD_FRAME		= 1,
	NAK_UNKNOWN_TYPE	= 2,
	NAK_MALFORMED		= 3,
	NAK_BAD_VERSION		= 4,
};

uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len);

/* Reading a payload: every get past the end sets ->bad and yields 0. */
struct rbuf {
	const uint8_t *p;
	size_t len;
	size_t pos;
	bool bad;
};

void rb_init(struct rbuf *r, const void *p, size_t len);
uint8_t rb_u8(struct rbuf *r);
uint16_t rb_u16(struct rbuf *r);
uint32_t rb_u32(struct rbuf *r);
uint64_t rb_u64(struct rbuf *r);
size_t rb_left(const struct rbuf *r);

/* Building a payload or frame: a failed allocation sets ->oom. */
struct wbuf {
	uint8_t *data;
	size_t len;
	size_t cap;
	bool oom;
};

void wb_init(struct wbuf *w);
void wb_free(struct wbuf *w);
void wb_reset(struct wbuf *w);
void wb_bytes(struct wbuf *w, const void *p, size_t n);
void wb_u8(struct wbuf *w, uint8_t v);
void wb_u16(struct wbuf *w, uint16_t v);
void wb_u32(struct wbuf *w, uint32_t v);
void wb_u64(struct wbuf *w, uint64_t v);
void wb_str(struct wbuf *w, const char *s);
void wb_put_u32_at(struct wbuf *w, size_t off, uint32_t v);

/* Wraps @payload into a complete frame in @out (replacing its contents). */
void wire_frame(struct wbuf *out, uint8_t type, uint32_t seq,
		const void *payload, size_t len);

/*
 * Receive side.  Bytes are appended with wire_rx_push(); wire_rx_next()
 * then returns one event at a time.
 */
struct wire_rx {
	uint8_t *buf;
	size_t len;
	size_t cap;
	size_t consume;		/* bytes to drop before the next scan */
};

struct wire_frame_in {
	uint8_t type;
	uint32_t seq;
	uint32_t crc;
	const uint8_t *payload;	/* valid until the next wire_rx_* call */
	uint32_t len;
};

enum wire_rx_status {
	RX_NEED_MORE,		/* nothing complete; may hold a partial frame */
	RX_FRAME,		/* *frame is filled in */
	RX_DROPPED,		/* a bad frame was dropped; *nak says why */
};

void wire_rx_init(struct wire_rx *rx);
int wire_rx_push(struct wire_rx *rx, const void *p, size_t n);
enum wire_rx_status wire_rx_next(struct wire_rx *rx,
				 struct wire_frame_in *frame, int *nak);
bool wire_rx_partial(const struct wire_rx *rx);
void wire_rx_drop_partial(struct wire_rx *rx);

#endif /* LOCKSTEP_WIRE_H */
