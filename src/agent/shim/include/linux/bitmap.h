/* SPDX-License-Identifier: GPL-2.0-only */
/* Bitmaps of unsigned longs, and the non-atomic-looking atomic bit ops. */
#ifndef _LINUX_BITMAP_H
#define _LINUX_BITMAP_H

#include <string.h>

#include <linux/bitops.h>

#define BITS_TO_LONGS(nr)	DIV_ROUND_UP_ULL(nr, BITS_PER_LONG)
#define DIV_ROUND_UP_ULL(n, d)	(((n) + (d) - 1) / (d))
#define DECLARE_BITMAP(name, bits)	unsigned long name[BITS_TO_LONGS(bits)]

static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

#endif /* _LINUX_BITMAP_H */
