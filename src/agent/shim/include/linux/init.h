/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Init sections and initcalls.  Nothing is discarded after boot, so the
 * section markers are empty.  An initcall puts a pointer to its function
 * into the "lockstep_initcalls" section; a program that wants the initcalls
 * run (the selftest binary) walks the section with the linker's
 * __start_/__stop_ symbols.  The agent itself never calls them.
 */
#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H

#define __init
#define __initdata
#define __initconst
#define __exit
#define __exitdata

typedef int (*initcall_t)(void);

#define __lockstep_initcall(fn)						\
	static initcall_t __lockstep_initcall_##fn			\
	__attribute__((__used__, __section__("lockstep_initcalls"),	\
		       __aligned__(sizeof(void *)))) = fn

#define early_initcall(fn)		__lockstep_initcall(fn)
#define core_initcall(fn)		__lockstep_initcall(fn)
#define postcore_initcall(fn)		__lockstep_initcall(fn)
#define arch_initcall(fn)		__lockstep_initcall(fn)
#define subsys_initcall(fn)		__lockstep_initcall(fn)
#define fs_initcall(fn)			__lockstep_initcall(fn)
#define device_initcall(fn)		__lockstep_initcall(fn)
#define late_initcall(fn)		__lockstep_initcall(fn)

#endif /* _LINUX_INIT_H */
