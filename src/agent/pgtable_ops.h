/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BATCH operations on io-pgtable (ALLOC, FREE, MAP, UNMAP, IOVA_TO_PHYS):
 * their wire encoding, and their execution against the real driver.
 * The interface uses plain C types; only pgtable_ops.c sees the kernel's.
 */
#ifndef LOCKSTEP_PGTABLE_OPS_H
#define LOCKSTEP_PGTABLE_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

enum pt_opcode {
	OP_ALLOC	= 1,
	OP_FREE		= 2,
	OP_MAP		= 3,
	OP_UNMAP	= 4,
	OP_IOVA_TO_PHYS	= 5,
};

#define PT_NHANDLES	16
/* "Bench error": the operation itself was invalid; the driver was not called. */
#define PT_BENCH_ERROR	0x7fff0001
#define PT_MAX_KV	12
/* Encoded size of a result without key/value pairs. */
#define PT_RESULT_FIXED	30

struct pt_op {
	uint8_t opcode;
	uint32_t handle;
	uint32_t format;
	uint64_t quirks;
	uint64_t pgsize_bitmap;
	uint32_t ias;
	uint32_t oas;
	uint8_t coherent_walk;
	uint64_t iova;
	uint64_t paddr;
	uint64_t pgsize;
	uint32_t pgcount;
	uint32_t prot;
};

struct pt_kv {
	uint8_t key;
	uint64_t value;
};

struct pt_result {
	uint8_t opcode;
	uint8_t nkv;
	int32_t status;
	uint64_t v0;
	uint64_t v1;
	uint16_t tlb_flush_all;
	uint16_t tlb_flush_walk;
	uint16_t tlb_add_page;
	uint16_t warns;
	struct pt_kv kv[PT_MAX_KV];
};

enum pt_decode_status {
	PT_DECODED,
	PT_TRUNCATED,		/* the payload ends inside the operation */
	PT_UNKNOWN_OPCODE,	/* nothing after this can be decoded */
};

enum pt_decode_status pt_decode(struct rbuf *r, struct pt_op *op);
size_t pt_result_max_size(uint8_t opcode);
void pt_execute(const struct pt_op *op, uint32_t index, struct pt_result *res);
void pt_result_invalid(uint8_t opcode, struct pt_result *res);
void pt_result_encode(struct wbuf *w, const struct pt_result *res);
void pt_result_encode_compact(struct wbuf *w, const struct pt_result *res);

/* RESET: frees every live table; returns the page blocks still allocated. */
unsigned int pt_reset(void);

#endif /* LOCKSTEP_PGTABLE_OPS_H */
