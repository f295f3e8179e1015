// SPDX-License-Identifier: GPL-2.0-only
/*
 * The functions behind the shim headers (include/lockstep/hooks.h): WARN,
 * BUG and printk into the agent's event log, kmalloc on the C heap with
 * per-handle accounting, page allocation from the arena, and the DMA API
 * with the checks of the kernel's DMA-API debugging.
 *
 * Built as agent code (C library headers only), not over the shim.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arena.h"
#include "../crash.h"
#include "../events.h"
#include "include/lockstep/hooks.h"
#include "shim.h"

#define TEXT_MAX	EVENT_TEXT_MAX

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && s[n - 1] == '\n')
		s[--n] = 0;
}

/* Shim-detected misuse is reported the way the kernel would: as a WARN. */
static void shim_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void shim_warn(const char *fmt, ...)
{
	char text[TEXT_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	lockstep_ctx.warns++;
	event_add(EVENT_WARN, text);
}

void lockstep_warn(const char *file, int line, const char *func,
		   const char *cond)
{
	shim_warn("%s:%d %s(): %s", file, line, func, cond);
}

void lockstep_warn_fmt(const char *file, int line, const char *func,
		       const char *cond, const char *fmt, ...)
{
	char msg[TEXT_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	chomp(msg);
	shim_warn("%s:%d %s(): %s: %s", file, line, func, cond, msg);
}

void lockstep_bug(const char *file, int line, const char *func,
		  const char *cond)
{
	char text[TEXT_MAX + 1];

	if (cond)
		snprintf(text, sizeof(text), "BUG at %s:%d %s(): %s",
			 file, line, func, cond);
	else
		snprintf(text, sizeof(text), "BUG at %s:%d %s()",
			 file, line, func);
	crash_bug(text);
}

/*
 * vsnprintf() with the kernel's %pa, %pad and %pap: the phys_addr_t or
 * dma_addr_t the argument points to, as 0x followed by 16 hex digits.
 * Each other conversion is passed to snprintf() on its own, taking its
 * argument by the type its length modifier names.
 */
static int kernel_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	char spec[32];
	size_t len = 0, k;
	const char *f = fmt, *start;
	int n, lmod, width = 0, prec = 0, nstar;
	bool wstar, pstar;

#define PUT(...) do {							\
		n = snprintf(buf + len, len < size ? size - len : 0, __VA_ARGS__); \
		if (n > 0)						\
			len += n;					\
	} while (0)

	if (!size)
		return 0;
	buf[0] = 0;
	while (*f) {
		if (*f != '%') {
			PUT("%c", *f++);
			continue;
		}
		start = f++;
		if (*f == '%') {
			PUT("%%");
			f++;
			continue;
		}
		while (*f && strchr("-+ #0", *f))
			f++;
		wstar = *f == '*';
		if (wstar)
			f++;
		while (*f >= '0' && *f <= '9')
			f++;
		pstar = false;
		if (*f == '.') {
			f++;
			pstar = *f == '*';
			if (pstar)
				f++;
			while (*f >= '0' && *f <= '9')
				f++;
		}
		lmod = 0;
		while (*f && strchr("hlzjtL", *f)) {
			lmod += *f == 'l' || *f == 'z' || *f == 'j' || *f == 't' || *f == 'L';
			f++;
		}
		if (!*f)
			break;
		k = (size_t)(f - start) + 1;
		if (k >= sizeof(spec))
			break;
		memcpy(spec, start, k);
		spec[k] = 0;
		nstar = 0;
		if (wstar)
			width = va_arg(ap, int), nstar++;
		if (pstar)
			prec = va_arg(ap, int), nstar++;
		switch (*f) {
		case 'p':
			if (f[1] == 'a') {
				const unsigned long long *pa = va_arg(ap, const unsigned long long *);

				f += 2;
				if (*f == 'd' || *f == 'p')
					f++;
				PUT("0x%016llx", *pa);
				continue;
			}
			/* fallthrough */
		case 's': {
			const void *v = va_arg(ap, const void *);

			if (nstar == 2)
				PUT(spec, width, prec, v);
			else if (nstar == 1)
				PUT(spec, wstar ? width : prec, v);
			else
				PUT(spec, v);
			break;
		}
		case 'f': case 'e': case 'g': case 'E': case 'G': case 'a': case 'A': {
			double d = va_arg(ap, double);

			if (nstar == 2)
				PUT(spec, width, prec, d);
			else if (nstar == 1)
				PUT(spec, wstar ? width : prec, d);
			else
				PUT(spec, d);
			break;
		}
		default:
			if (lmod) {
				/* l, ll, z, j, t: all 64 bits on LP64 */
				long long v = va_arg(ap, long long);

				if (nstar == 2)
					PUT(spec, width, prec, v);
				else if (nstar == 1)
					PUT(spec, wstar ? width : prec, v);
				else
					PUT(spec, v);
			} else {
				int v = va_arg(ap, int);

				if (nstar == 2)
					PUT(spec, width, prec, v);
				else if (nstar == 1)
					PUT(spec, wstar ? width : prec, v);
				else
					PUT(spec, v);
			}
			break;
		}
		f++;
	}
#undef PUT
	if (len >= size)
		buf[size - 1] = 0;
	return (int)len;
}

int lockstep_printk(const char *fmt, ...)
{
	char text[TEXT_MAX + 1];
	const char *p = text;
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (strstr(fmt, "%pa"))
		n = kernel_vsnprintf(text, sizeof(text), fmt, ap);
	else
		n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	chomp(text);
	while (p[0] == '\001' && p[1])
		p += 2;
	event_add(EVENT_PRINTK, p);
	return n;
}

/*
 * kmalloc.  Each object carries its owner handle and that handle's
 * generation; disowning a handle starts a new generation, so objects it
 * leaked are counted once and never against the handle's next table.
 */
#define KMALLOC_MAGIC	0x6b6d616cu
#define KMALLOC_DEAD	0x6b6d6466u
#define NOWNERS		(SHIM_MAX_OWNER + 2)	/* OWNER_NONE, then handles */

union kmalloc_hdr {
	struct {
		uint32_t magic;
		int32_t slot;
		uint32_t gen;
		size_t size;
	};
	max_align_t align;
};

static unsigned int kmalloc_live[NOWNERS];
static uint32_t kmalloc_gen[NOWNERS];

static int owner_slot(int owner)
{
	return owner >= 0 && owner <= SHIM_MAX_OWNER ? owner + 1 : 0;
}

/*
 * The kernel's kmalloc(0) allocates nothing and returns ZERO_SIZE_PTR, which
 * faults on any access; kfree() takes it back as it takes NULL.  A real heap
 * object here would let a driver that indexes a zero-size buffer (rtkit.c
 * writes syslog_msg_buffer[msg_size - 1]) scribble on the header unseen,
 * where the kernel oopses.
 */
#define SHIM_ZERO_SIZE_PTR	((void *)16)

void *lockstep_kmalloc(size_t size, unsigned int gfp)
{
	union kmalloc_hdr *h;
	int slot = owner_slot(lockstep_ctx.owner);

	if (!size)
		return SHIM_ZERO_SIZE_PTR;
	if (size > SIZE_MAX - sizeof(*h))
		return NULL;
	if (gfp & LOCKSTEP_GFP_ZERO)
		h = calloc(1, sizeof(*h) + size);
	else
		h = malloc(sizeof(*h) + size);
	if (!h)
		return NULL;
	h->magic = KMALLOC_MAGIC;
	h->slot = slot;
	h->gen = kmalloc_gen[slot];
	h->size = size;
	kmalloc_live[slot]++;
	return h + 1;
}

void lockstep_kfree(const void *p)
{
	union kmalloc_hdr *h;

	if ((uintptr_t)p <= (uintptr_t)SHIM_ZERO_SIZE_PTR)
		return;
	h = (union kmalloc_hdr *)p - 1;
	if (h->magic != KMALLOC_MAGIC) {
		event_addf(EVENT_BUG, "BUG: kfree(%p) of an object kmalloc did not hand out, or freed twice",
			   p);
		return;
	}
	h->magic = KMALLOC_DEAD;
	if (h->gen == kmalloc_gen[h->slot])
		kmalloc_live[h->slot]--;
	free(h);
}

unsigned int shim_kmalloc_owned(int owner)
{
	return kmalloc_live[owner_slot(owner)];
}

void shim_kmalloc_disown(int owner)
{
	int slot = owner_slot(owner);

	kmalloc_live[slot] = 0;
	kmalloc_gen[slot]++;
}

void *lockstep_alloc_pages(unsigned int gfp, unsigned int order)
{
	void *va;

	if (order >= LOCKSTEP_MAX_ORDER) {
		if (!(gfp & LOCKSTEP_GFP_NOWARN))
			shim_warn("mm/page_alloc.c __alloc_pages(): order >= MAX_ORDER (order %u)",
				  order);
		return NULL;
	}
	va = arena_alloc(order, lockstep_ctx.owner);
	if (!va) {
		if (!(gfp & LOCKSTEP_GFP_NOWARN))
			event_addf(EVENT_PRINTK, "page allocation failure: order:%u, arena of %llu MiB exhausted",
				   order,
				   (unsigned long long)(LOCKSTEP_ARENA_SIZE >> 20));
		return NULL;
	}
	if (gfp & LOCKSTEP_GFP_ZERO)
		memset(va, 0, ARENA_PAGE_SIZE << order);
	return va;
}

void lockstep_free_pages(void *va, unsigned int order)
{
	uint64_t pa = arena_pa(va);
	size_t size = ARENA_PAGE_SIZE << (order < LOCKSTEP_MAX_ORDER ? order : 0);
	int err;

	if (arena_dma_check(pa, size) == ARENA_OK)
		shim_warn("dma-debug: page block freed while still DMA-mapped [address=0x%llx] [order=%u]",
			  (unsigned long long)pa, order);
	err = arena_free(va, order);
	if (err)
		event_addf(EVENT_BUG, "BUG: Bad page state: free_pages(%p, order %u): %s",
			   va, order, arena_strerror(err));
}

uint64_t lockstep_dma_map(const void *va, size_t size)
{
	uint64_t pa = arena_pa(va);
	int err = arena_dma_map(pa, size);

	if (err)
		shim_warn("dma-debug: dma_map_single of memory outside a page block [address=%p] [size=%zu bytes]: %s",
			  va, size, arena_strerror(err));
	return pa;
}

void lockstep_dma_unmap(uint64_t addr, size_t size)
{
	int err = arena_dma_unmap(addr, size);

	if (err)
		shim_warn("dma-debug: device driver tries to free DMA memory it has not allocated [device address=0x%llx] [size=%zu bytes]: %s",
			  (unsigned long long)addr, size, arena_strerror(err));
}

void lockstep_dma_sync(uint64_t addr, size_t size)
{
	int err = arena_dma_check(addr, size);

	lockstep_ctx.dma_syncs++;
	if (err)
		shim_warn("dma-debug: device driver tries to sync DMA memory it has not allocated [device address=0x%llx] [size=%zu bytes]: %s",
			  (unsigned long long)addr, size, arena_strerror(err));
}
