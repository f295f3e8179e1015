/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * WARN and BUG.  A WARN is recorded as an event of the running operation
 * ("file:line function(): condition") and counted in its result; it fires
 * every time, WARN_ONCE included, so that a case replays to the same
 * transcript whatever ran before it.  BUG ends the agent with a CRASH frame.
 * VM_BUG_ON is live, as under CONFIG_DEBUG_VM.
 */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <lockstep/hooks.h>

#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		lockstep_warn(__FILE__, __LINE__, __func__, #condition); \
	unlikely(__ret_warn_on);					\
})

#define WARN(condition, format...) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		lockstep_warn_fmt(__FILE__, __LINE__, __func__,		\
				  #condition, format);			\
	unlikely(__ret_warn_on);					\
})

#define WARN_ON_ONCE(condition)		WARN_ON(condition)
#define WARN_ONCE(condition, format...)	WARN(condition, format)

#define BUG()	lockstep_bug(__FILE__, __LINE__, __func__, NULL)

#define BUG_ON(condition)						\
	do {								\
		if (unlikely(condition))				\
			lockstep_bug(__FILE__, __LINE__, __func__,	\
				     #condition);			\
	} while (0)

#define VM_BUG_ON(condition)	BUG_ON(condition)
#define VM_WARN_ON(condition)	WARN_ON(condition)

#endif /* _LINUX_BUG_H */
