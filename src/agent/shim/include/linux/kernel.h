/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The catch-all: container_of, min/max, rounding, and the headers that the
 * kernel's kernel.h brings in for the driver files.  Error numbers come
 * from the C library, whose values are the kernel's on Linux.
 */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H

#include <errno.h>

#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/log2.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/types.h>

#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]))

#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))

#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define ALIGN(x, a)		(((x) + ((__typeof__(x))(a) - 1)) &	\
				 ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)

/* The pointer comparison makes gcc warn when the types differ, as upstream. */
#define min(x, y) ({							\
	__typeof__(x) _min1 = (x);					\
	__typeof__(y) _min2 = (y);					\
	(void)(&_min1 == &_min2);					\
	_min1 < _min2 ? _min1 : _min2;					\
})
#define max(x, y) ({							\
	__typeof__(x) _max1 = (x);					\
	__typeof__(y) _max2 = (y);					\
	(void)(&_max1 == &_max2);					\
	_max1 > _max2 ? _max1 : _max2;					\
})
#define min_t(type, x, y) ({						\
	type _min1 = (x);						\
	type _min2 = (y);						\
	_min1 < _min2 ? _min1 : _min2;					\
})
#define max_t(type, x, y) ({						\
	type _max1 = (x);						\
	type _max2 = (y);						\
	_max1 > _max2 ? _max1 : _max2;					\
})

#endif /* _LINUX_KERNEL_H */
