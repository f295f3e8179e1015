/* SPDX-License-Identifier: GPL-2.0-only */
/* Integer logarithms; ilog2(0) is undefined, as in the kernel. */
#ifndef _LINUX_LOG2_H
#define _LINUX_LOG2_H

#include <linux/types.h>

#define ilog2(n)	((int)(63 - __builtin_clzll((u64)(n))))

#endif /* _LINUX_LOG2_H */
