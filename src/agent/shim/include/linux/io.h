/* SPDX-License-Identifier: GPL-2.0-only */
/* I/O memory is ordinary memory here. */
#ifndef _LINUX_IO_H
#define _LINUX_IO_H

#include <string.h>

#include <asm/barrier.h>
#include <linux/types.h>

#define memcpy_fromio(dst, src, n)	memcpy((dst), (const void *)(src), (n))
#define memcpy_toio(dst, src, n)	memcpy((void *)(dst), (src), (n))
#define memset_io(dst, c, n)		memset((void *)(dst), (c), (n))

#endif /* _LINUX_IO_H */
