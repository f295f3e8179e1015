// SPDX-License-Identifier: GPL-2.0-only
/*
 * realloc(), calloc() and free() for the shared agent code
 * (compat/stdlib.h): the receive buffer and reply buffers grow to a whole
 * frame, past what kmalloc() gives, and kvrealloc() needs the old size, so
 * each block keeps its size in a header.
 */
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat/stdlib.h"

struct sized {
	size_t size;
	/* Keeps the payload as aligned as kmalloc()'s own. */
	u8 data[] __aligned(ARCH_KMALLOC_MINALIGN);
};

static struct sized *header(void *p)
{
	return (struct sized *)((u8 *)p - offsetof(struct sized, data));
}

void *lockstep_realloc(void *p, size_t n)
{
	struct sized *old = p ? header(p) : NULL;
	struct sized *s;

	if (n > SIZE_MAX - sizeof(*s))
		return NULL;
	s = kvmalloc(sizeof(*s) + n, GFP_KERNEL);
	if (!s)
		return NULL;
	s->size = n;
	if (old) {
		memcpy(s->data, old->data, min(old->size, n));
		kvfree(old);
	}
	return s->data;
}

void *lockstep_calloc(size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	p = lockstep_realloc(NULL, bytes);
	if (p)
		memset(p, 0, bytes);
	return p;
}

void lockstep_free(void *p)
{
	if (p)
		kvfree(header(p));
}
