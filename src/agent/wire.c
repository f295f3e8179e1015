// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lockstep wire protocol, agent side: CRC-32, payload codecs and the
 * receive scanner.  The scanner keeps no state beyond its buffer, so a
 * dropped frame costs exactly one byte of progress and the next magic in
 * the stream (possibly inside the dropped frame) is found on the next call.
 */
#include <stdlib.h>
#include <string.h>

#include "wire.h"

static const uint8_t magic_bytes[4] = { 0xa5, 0x4c, 0x4b, 0x53 };

/* Slicing by eight: table k advances the CRC over a byte followed by k zeros. */
static uint32_t crc_table[8][256];
static int crc_ready;

static void crc_build(void)
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (k = 1; k < 8; k++)
			crc_table[k][i] = (crc_table[k - 1][i] >> 8) ^
					  crc_table[0][crc_table[k - 1][i] & 0xff];
	crc_ready = 1;
}

/*
 * zlib-compatible: crc32_ieee(0, buf, len) is zlib's crc32(0, buf, len).
 * The tables are built on the first call; main() makes that call before any
 * signal handler can need it.  Eight bytes a step: replies carry table
 * memory, and a byte at a time was a visible share of a round trip.
 */
uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t lo, hi;

	if (!crc_ready)
		crc_build();
	crc = ~crc;
	while (len >= 8) {
		lo = (p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		      (uint32_t)p[3] << 24) ^ crc;
		hi = p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
		     (uint32_t)p[7] << 24;
		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		      crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void rb_init(struct rbuf *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->pos = 0;
	r->bad = false;
}

size_t rb_left(const struct rbuf *r)
{
	return r->len - r->pos;
}

static uint64_t rb_le(struct rbuf *r, int n)
{
	uint64_t v = 0;
	int i;

	if (r->bad || rb_left(r) < (size_t)n) {
		r->bad = true;
		return 0;
	}
	for (i = 0; i < n; i++)
		v |= (uint64_t)r->p[r->pos + i] << (8 * i);
	r->pos += n;
	return v;
}

uint8_t rb_u8(struct rbuf *r)	{ return rb_le(r, 1); }
uint16_t rb_u16(struct rbuf *r)	{ return rb_le(r, 2); }
uint32_t rb_u32(struct rbuf *r)	{ return rb_le(r, 4); }
uint64_t rb_u64(struct rbuf *r)	{ return rb_le(r, 8); }

void wb_init(struct wbuf *w)
{
	memset(w, 0, sizeof(*w));
}

void wb_free(struct wbuf *w)
{
	free(w->data);
	wb_init(w);
}

void wb_reset(struct wbuf *w)
{
	w->len = 0;
	w->oom = false;
}

static bool wb_room(struct wbuf *w, size_t n)
{
	size_t cap;
	uint8_t *d;

	if (w->oom)
		return false;
	if (w->cap - w->len >= n)
		return true;
	cap = w->cap ? w->cap : 4096;
	while (cap - w->len < n)
		cap *= 2;
	d = realloc(w->data, cap);
	if (!d) {
		w->oom = true;
		return false;
	}
	w->data = d;
	w->cap = cap;
	return true;
}

void wb_bytes(struct wbuf *w, const void *p, size_t n)
{
	if (!n || !wb_room(w, n))
		return;
	memcpy(w->data + w->len, p, n);
	w->len += n;
}

static void wb_le(struct wbuf *w, uint64_t v, int n)
{
	uint8_t b[8];
	int i;

	for (i = 0; i < n; i++)
		b[i] = v >> (8 * i);
	wb_bytes(w, b, n);
}

void wb_u8(struct wbuf *w, uint8_t v)	{ wb_le(w, v, 1); }
void wb_u16(struct wbuf *w, uint16_t v)	{ wb_le(w, v, 2); }
void wb_u32(struct wbuf *w, uint32_t v)	{ wb_le(w, v, 4); }
void wb_u64(struct wbuf *w, uint64_t v)	{ wb_le(w, v, 8); }

/* Strings on the wire carry a u16 length: longer ones are cut. */
void wb_str(struct wbuf *w, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > 0xffff)
		n = 0xffff;
	wb_u16(w, n);
	wb_bytes(w, s, n);
}

void wb_put_u32_at(struct wbuf *w, size_t off, uint32_t v)
{
	int i;

	if (w->oom || off + 4 > w->len)
		return;
	for (i = 0; i < 4; i++)
		w->data[off + i] = v >> (8 * i);
}

void wire_frame(struct wbuf *out, uint8_t type, uint32_t seq,
		const void *payload, size_t len)
{
	wb_reset(out);
	wb_bytes(out, magic_bytes, 4);
	wb_u8(out, WIRE_VERSION);
	wb_u8(out, type);
	wb_u16(out, 0);
	wb_u32(out, seq);
	wb_u32(out, len);
	wb_bytes(out, payload, len);
	if (!out->oom)
		wb_u32(out, crc32_ieee(0, out->data, out->len));
}

/* A receive buffer never needs more than one maximal frame plus a read. */
#define RX_MAX_BUF	(2 * (WIRE_HDR_LEN + WIRE_MAX_PAYLOAD + WIRE_CRC_LEN))

void wire_rx_init(struct wire_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
}

static void rx_drop(struct wire_rx *rx, size_t n)
{
	memmove(rx->buf, rx->buf + n, rx->len - n);
	rx->len -= n;
}

int wire_rx_push(struct wire_rx *rx, const void *p, size_t n)
{
	size_t cap;
	uint8_t *b;

	if (rx->consume) {
		rx_drop(rx, rx->consume);
		rx->consume = 0;
	}
	if (rx->len + n > RX_MAX_BUF)
		return -1;
	if (rx->cap - rx->len < n) {
		cap = rx->cap ? rx->cap : 65536;
		while (cap - rx->len < n)
			cap *= 2;
		b = realloc(rx->buf, cap);
		if (!b)
			return -1;
		rx->buf = b;
		rx->cap = cap;
	}
	memcpy(rx->buf + rx->len, p, n);
	rx->len += n;
	return 0;
}

/*
 * First offset where the magic starts, or where a prefix of it runs to the
 * end of the buffer (the rest may still arrive).
 */
static size_t find_magic(const uint8_t *b, size_t len)
{
	size_t i, k;

	for (i = 0; i < len; i++) {
		for (k = 0; k < 4 && i + k < len; k++)
			if (b[i + k] != magic_bytes[k])
				break;
		if (k == 4 || i + k == len)
			return i;
	}
	return len;
}

enum wire_rx_status wire_rx_next(struct wire_rx *rx,
				 struct wire_frame_in *frame, int *nak)
{
	uint32_t n, crc;
	size_t skip;

	if (rx->consume) {
		rx_drop(rx, rx->consume);
		rx->consume = 0;
	}

	/* Bytes outside frames are line noise: the agent has no use for them. */
	skip = find_magic(rx->buf, rx->len);
	if (skip)
		rx_drop(rx, skip);
	if (rx->len < WIRE_HDR_LEN)
		return RX_NEED_MORE;

	if (rx->buf[4] != WIRE_VERSION) {
		rx_drop(rx, 1);
		*nak = NAK_BAD_VERSION;
		return RX_DROPPED;
	}
	n = get_le32(rx->buf + 12);
	if (n > WIRE_MAX_PAYLOAD) {
		rx_drop(rx, 1);
		*nak = NAK_BAD_FRAME;
		return RX_DROPPED;
	}
	if (rx->len < WIRE_HDR_LEN + (size_t)n + WIRE_CRC_LEN)
		return RX_NEED_MORE;

	crc = get_le32(rx->buf + WIRE_HDR_LEN + n);
	if (crc32_ieee(0, rx->buf, WIRE_HDR_LEN + n) != crc) {
		rx_drop(rx, 1);
		*nak = NAK_BAD_FRAME;
		return RX_DROPPED;
	}

	frame->type = rx->buf[5];
	frame->seq = get_le32(rx->buf + 8);
	frame->crc = crc;
	frame->payload = rx->buf + WIRE_HDR_LEN;
	frame->len = n;
	rx->consume = WIRE_HDR_LEN + n + WIRE_CRC_LEN;
	return RX_FRAME;
}

/* True when the buffer starts a frame that has not fully arrived. */
bool wire_rx_partial(const struct wire_rx *rx)
{
	return rx->len > rx->consume;
}

/*
 * The line went quiet in the middle of a frame: its header probably lied
 * about the length.  Give up on that magic and rescan what followed it.
 */
void wire_rx_drop_partial(struct wire_rx *rx)
{
	if (rx->consume) {
		rx_drop(rx, rx->consume);
		rx->consume = 0;
	}
	if (rx->len)
		rx_drop(rx, 1);
}
