// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the kernel said while the driver ran: the log records written
 * during one operation, read back through the kmsg_dump iterator and
 * turned into the agent's events.  A WARN splat (cut here, an optional
 * message, "WARNING: ... at FILE:LINE FUNC+off/len", registers, call
 * trace, end trace) becomes one WARN event "FILE:LINE FUNC(): message",
 * the form the host agent's shim gives, so both targets name a WARN site
 * the same way; every other line is a printk event.
 *
 * The log is global: a line another CPU printed during the operation is
 * charged to it too.  On a quiet machine (the QEMU device target) there
 * are none.
 */
#include <linux/kernel.h>
#include <linux/kmsg_dump.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "agent/events.h"
#include "kmod.h"

#define LINE_MAX_LEN	512

static struct kmsg_dump_iter iter;
static u64 mark;
static char line[LINE_MAX_LEN];

void klog_mark(void)
{
	kmsg_dump_rewind(&iter);
	mark = iter.next_seq;
}

/* "[    5.123456] text\n" -> "text" */
static char *bare(char *s, size_t len)
{
	char *end;

	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = 0;
	while (s[0] == '[') {
		end = strchr(s, ']');
		if (!end)
			break;
		s = skip_spaces(end + 1);
	}
	return s;
}

/*
 * "WARNING: CPU: 0 PID: 57 at drivers/iommu/io-pgtable-arm.c:487
 * __arm_lpae_map+0x2f4/0x3a0" -> "drivers/iommu/io-pgtable-arm.c:487
 * __arm_lpae_map()"
 */
static void warn_site(const char *s, char *out, size_t size)
{
	const char *at = strstr(s, " at ");
	const char *sym, *cut;
	int loc;

	if (!at) {
		strscpy(out, s, size);
		return;
	}
	at += 4;
	sym = strchr(at, ' ');
	if (!sym) {
		strscpy(out, at, size);
		return;
	}
	loc = sym - at;
	sym++;
	cut = sym + strcspn(sym, "+ ");
	snprintf(out, size, "%.*s %.*s()", loc, at, (int)(cut - sym), sym);
}

unsigned int klog_collect(void)
{
	char site[EVENT_TEXT_MAX + 1], msg[EVENT_TEXT_MAX + 1];
	bool in_splat = false, after_warning = false;
	unsigned int warns = 0;
	size_t len;
	u64 end;
	char *s;

	kmsg_dump_rewind(&iter);
	if (iter.next_seq == mark)
		return 0;
	end = iter.next_seq;
	iter.cur_seq = mark;
	msg[0] = 0;
	while (kmsg_dump_get_line(&iter, false, line, sizeof(line) - 1, &len)) {
		line[len] = 0;
		s = bare(line, len);
		if (strstr(s, "[ cut here ]")) {
			in_splat = true;
			after_warning = false;
			msg[0] = 0;
			continue;
		}
		if (str_has_prefix(s, "WARNING: ")) {
			warn_site(s, site, sizeof(site));
			if (msg[0])
				event_addf(EVENT_WARN, "%s: %s", site, msg);
			else
				event_add(EVENT_WARN, site);
			warns++;
			in_splat = true;
			after_warning = true;
			continue;
		}
		if (in_splat) {
			if (str_has_prefix(s, "---[ end trace")) {
				in_splat = false;
				msg[0] = 0;
			} else if (!after_warning && !msg[0]) {
				/* WARN(cond, fmt): its message comes before the WARNING line. */
				strscpy(msg, s, sizeof(msg));
			}
			continue;
		}
		if (*s)
			event_add(EVENT_PRINTK, s);
	}
	/* The reads run on past records that came in meanwhile: they are read. */
	mark = max(iter.cur_seq, end);
	return warns;
}
