// SPDX-License-Identifier: GPL-2.0-only
/*
 * lockstep-selftest: the kernel's own baseline.  The driver files are built
 * with their in-file selftests on (CONFIG_IOMMU_IO_PGTABLE_LPAE_SELFTEST),
 * whose initcalls the shim collects into the "lockstep_initcalls" section;
 * this program runs them in link order, as the kernel would at boot, and
 * prints their printk output on stdout, one line each, WARNs as
 * "WARNING: ..." lines.
 *
 * The last line is a summary; the exit status is 0 when every initcall
 * returned 0 with no WARN, BUG or leaked page block, 1 otherwise.  A BUG
 * ends the program at once with status 134 (see crash.c).
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "crash.h"
#include "events.h"

typedef int (*initcall_t)(void);

extern initcall_t __start_lockstep_initcalls[] __attribute__((weak));
extern initcall_t __stop_lockstep_initcalls[] __attribute__((weak));

/* Prints the events an initcall left; returns how many were WARN or BUG. */
static unsigned int print_events(void)
{
	unsigned int i, bad = 0;
	const struct event *e;

	for (i = 0; i < events_count(); i++) {
		e = event_get(i);
		switch (e->kind) {
		case EVENT_PRINTK:
			printf("%s\n", e->text);
			break;
		case EVENT_WARN:
			printf("WARNING: %s\n", e->text);
			bad++;
			break;
		default:
			printf("%s\n", e->text);
			bad++;
			break;
		}
	}
	if (events_dropped()) {
		printf("lockstep-selftest: %u more line(s) dropped\n",
		       events_dropped());
		bad++;
	}
	events_clear();
	return bad;
}

int main(int argc, char **argv)
{
	unsigned int ncalls = 0, nfailed = 0, nbad = 0, leaked;
	initcall_t *call;
	int ret;

	if (argc > 1) {
		fprintf(stderr, "usage: lockstep-selftest\n");
		return 2;
	}
	if (arena_init()) {
		perror("lockstep-selftest: arena");
		return 1;
	}
	crash_init();
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (call = __start_lockstep_initcalls;
	     call && call < __stop_lockstep_initcalls; call++) {
		ncalls++;
		ret = (*call)();
		nbad += print_events();
		if (ret) {
			printf("lockstep-selftest: initcall %u returned %d\n",
			       ncalls, ret);
			nfailed++;
		}
	}

	leaked = arena_count_allocated();
	if (leaked)
		printf("lockstep-selftest: %u page block(s) still allocated\n",
		       leaked);
	if (!ncalls) {
		printf("lockstep-selftest: FAIL: no selftest was built in\n");
		return 1;
	}
	ret = !nfailed && !nbad && !leaked;
	printf("lockstep-selftest: %s: %u initcall(s), %u failed, %u warning(s), %u leaked block(s)\n",
	       ret ? "PASS" : "FAIL", ncalls, nfailed, nbad, leaked);
	return ret ? 0 : 1;
}
