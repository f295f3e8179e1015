// SPDX-License-Identifier: GPL-2.0-only
/*
 * Driver edge coverage (docs/protocol.md, "Coverage").  Only the kernel
 * driver objects are built with -fsanitize-coverage=trace-pc: this file, the
 * shim and the agent core are not, so every call here comes from a driver
 * basic block and its return address names that block's call site.
 *
 * A site is kept as its link-time address (the return address minus the
 * load bias), the number addr2line and the build's site list use.  The set
 * is an open-addressing table; the sites first seen since the last COVERAGE
 * request are also kept in order in a list.  The agent is single-threaded
 * as far as the driver is concerned (call slots pass one baton), so no
 * locking is needed.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coverage.h"

/* Generated at build time from the driver objects' relocations (cov_sites.c). */
extern const uint32_t lockstep_cov_sites;

#define COV_SLOTS	(1u << 16)	/* power of two, well above any driver's site count */

static uint64_t table[COV_SLOTS];	/* 0: empty */
static uint64_t fresh[COV_SLOTS];
static uint32_t nfresh, nhit, dropped;
static uintptr_t bias;
static int have_bias;

static int first_phdr(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	*(uintptr_t *)data = info->dlpi_addr;
	return 1;	/* the main program comes first */
}

uint32_t cov_total(void)
{
	return lockstep_cov_sites;
}

__attribute__((no_sanitize_address))
void __sanitizer_cov_trace_pc(void)
{
	uint64_t pc = (uint64_t)(uintptr_t)__builtin_return_address(0);
	uint32_t h;

	if (!have_bias) {
		dl_iterate_phdr(first_phdr, &bias);
		have_bias = 1;
	}
	pc -= bias;
	h = (uint32_t)((pc * 0x9E3779B97F4A7C15ull) >> 48) & (COV_SLOTS - 1);
	for (uint32_t i = 0; i < COV_SLOTS; i++) {
		uint64_t *slot = &table[(h + i) & (COV_SLOTS - 1)];

		if (*slot == pc)
			return;
		if (*slot == 0) {
			*slot = pc;
			nhit++;
			fresh[nfresh++] = pc;
			return;
		}
	}
	dropped++;
}

/* Read once: STEP replies carry it at the end of every case. */
static const char *image_path(void)
{
	static char path[4096];
	static int known;
	ssize_t n;

	if (!known) {
		n = readlink("/proc/self/exe", path, sizeof(path) - 1);
		path[n > 0 ? n : 0] = 0;
		known = 1;
	}
	return path;
}

void cov_reply(struct wbuf *w)
{
	wb_u32(w, lockstep_cov_sites);
	wb_u32(w, nhit);
	wb_str(w, image_path());
	wb_u32(w, nfresh);
	for (uint32_t i = 0; i < nfresh; i++)
		wb_u64(w, fresh[i]);
	nfresh = 0;
}
