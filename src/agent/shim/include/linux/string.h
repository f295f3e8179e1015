/* SPDX-License-Identifier: GPL-2.0-only */
/* The C library's string functions are the kernel's. */
#ifndef _LINUX_STRING_H
#define _LINUX_STRING_H

#include <string.h>

#endif /* _LINUX_STRING_H */
