/* SPDX-License-Identifier: GPL-2.0-only */
/* One program, no modules: the module tags declare nothing. */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#include <linux/export.h>
#include <linux/init.h>

#define MODULE_LICENSE(x)	extern int __lockstep_module_tag
#define MODULE_AUTHOR(x)	extern int __lockstep_module_tag
#define MODULE_DESCRIPTION(x)	extern int __lockstep_module_tag

#endif /* _LINUX_MODULE_H */
