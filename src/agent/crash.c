// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fatal signals, BUG() and sanitizer reports become a CRASH frame on the
 * link (u32 op index, i32 signal, string), then the agent exits.
 *
 * The signal path writes with write(2) from a static buffer, using the CRC
 * table built before the handlers were installed.  backtrace() and dladdr()
 * are not async-signal-safe, but they were primed at start-up and the
 * process is about to die anyway.  Static functions show as
 * "lockstep-agent+0xOFFSET", which addr2line resolves against the binary.
 * Signal 0 in a CRASH frame means "no signal": a BUG() or a sanitizer.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "crash.h"
#include "events.h"
#include "wire.h"

#define DESC_MAX	3000

static int crash_fd = -1;
static char desc[DESC_MAX + 1];
static size_t desc_len;
static uint8_t frame[WIRE_HDR_LEN + 10 + DESC_MAX + WIRE_CRC_LEN];

static unsigned char *const *queue_data;
static const size_t *queue_len;

void crash_set_queue(unsigned char *const *data, const size_t *len)
{
	queue_data = data;
	queue_len = len;
}

void crash_set_fd(int fd)
{
	crash_fd = fd;
}

static void put(const char *s)
{
	while (*s && desc_len < DESC_MAX)
		desc[desc_len++] = *s++;
	desc[desc_len] = 0;
}

static void put_hex(uintptr_t v)
{
	char b[19];
	int i = sizeof(b) - 1;

	b[i] = 0;
	do {
		b[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v && i > 2);
	b[--i] = 'x';
	b[--i] = '0';
	put(b + i);
}

static void put_dec(uint32_t v)
{
	char b[11];
	int i = sizeof(b) - 1;

	b[i] = 0;
	do {
		b[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	put(b + i);
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	ssize_t r;

	while (n) {
		r = write(fd, b, n);
		if (r <= 0)
			return;
		b += r;
		n -= r;
	}
}

static void send_crash(int sig)
{
	size_t n = 0, plen = 10 + desc_len;

	write_all(2, "lockstep-agent: crash: ", 23);
	write_all(2, desc, desc_len);
	write_all(2, "\n", 1);
	if (crash_fd < 0)
		return;

	le32(frame, WIRE_MAGIC);
	frame[4] = WIRE_VERSION;
	frame[5] = WIRE_CRASH;
	frame[6] = 0;
	frame[7] = 0;
	le32(frame + 8, lockstep_ctx.seq);
	le32(frame + 12, plen);
	n = WIRE_HDR_LEN;
	le32(frame + n, lockstep_ctx.op_index);
	le32(frame + n + 4, (uint32_t)sig);
	frame[n + 8] = desc_len;
	frame[n + 9] = desc_len >> 8;
	memcpy(frame + n + 10, desc, desc_len);
	n += plen;
	le32(frame + n, crc32_ieee(0, frame, n));
	/* The line is non-blocking for the serve loop; the last frame must get out whole. */
	fcntl(crash_fd, F_SETFL, fcntl(crash_fd, F_GETFL) & ~O_NONBLOCK);
	if (queue_data && queue_len && *queue_data && *queue_len)
		write_all(crash_fd, *queue_data, *queue_len);
	write_all(crash_fd, frame, n + WIRE_CRC_LEN);
	/*
	 * A pty hands written bytes to the reader's side asynchronously, and
	 * the hangup of our exit can overtake them: the bench then reads EIO
	 * instead of these last words.  Let them through before exiting.
	 */
	tcdrain(crash_fd);
	nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
}

static const char *const op_names[] = {
	[1] = "ALLOC", [2] = "FREE", [3] = "MAP", [4] = "UNMAP",
	[5] = "IOVA_TO_PHYS",
};

static const char *const rtkit_op_names[] = {
	[1] = "INIT", [2] = "FREE", [3] = "INJECT", [4] = "STEP", [5] = "DRAIN",
	[6] = "ADVANCE", [7] = "CALL", [8] = "COLLECT", [9] = "STATE",
	[10] = "WRITE_MEM",
};

static void put_where(void)
{
	uint8_t op = lockstep_ctx.opcode;

	if (lockstep_ctx.op_index == OP_INDEX_NONE) {
		put(" outside a batch operation");
		return;
	}
	put(" in op ");
	put_dec(lockstep_ctx.op_index);
	if (op & CRASH_RTKIT_OPCODE) {
		op &= ~CRASH_RTKIT_OPCODE;
		if (op < sizeof(rtkit_op_names) / sizeof(rtkit_op_names[0]) && rtkit_op_names[op]) {
			put(" (RTKIT ");
			put(rtkit_op_names[op]);
			put(")");
		}
		return;
	}
	if (op < sizeof(op_names) / sizeof(op_names[0]) && op_names[op]) {
		put(" (");
		put(op_names[op]);
		if (lockstep_ctx.owner >= 0) {
			put(" handle ");
			put_dec(lockstep_ctx.owner);
		}
		put(")");
	}
}

static void put_backtrace(int skip)
{
	void *pc[24];
	const char *name;
	Dl_info info;
	int i, n;

	n = backtrace(pc, 24);
	put("\nbacktrace:");
	for (i = skip; i < n; i++) {
		put(" ");
		if (!dladdr(pc[i], &info)) {
			put_hex((uintptr_t)pc[i]);
		} else if (info.dli_sname) {
			put(info.dli_sname);
			put("+");
			put_hex((uintptr_t)pc[i] - (uintptr_t)info.dli_saddr);
		} else if (info.dli_fname) {
			name = strrchr(info.dli_fname, '/');
			put(name ? name + 1 : info.dli_fname);
			put("+");
			put_hex((uintptr_t)pc[i] - (uintptr_t)info.dli_fbase);
		} else {
			put_hex((uintptr_t)pc[i]);
		}
	}
}

static const char *sig_name(int sig)
{
	switch (sig) {
	case SIGSEGV:	return "SIGSEGV";
	case SIGBUS:	return "SIGBUS";
	case SIGILL:	return "SIGILL";
	case SIGFPE:	return "SIGFPE";
	case SIGABRT:	return "SIGABRT";
	}
	return "signal";
}

static void on_fatal(int sig, siginfo_t *si, void *uc)
{
	desc_len = 0;
	put(sig_name(sig));
	if (sig != SIGABRT) {
		put(" at ");
		put_hex((uintptr_t)si->si_addr);
	}
	put_where();
	put_backtrace(1);
	send_crash(sig);
	_exit(128 + sig);
}

void crash_bug(const char *text)
{
	desc_len = 0;
	put(text);
	put_where();
	put_backtrace(1);
	send_crash(0);
	_exit(134);
}

#ifdef LOCKSTEP_SANITIZE
#include <sanitizer/common_interface_defs.h>

/*
 * The sanitizer runtime writes its report into a memfd; on the way out it
 * calls us, and the report's key lines become the CRASH description.
 */
static int report_fd = -1;
static char report[65536];

#ifndef LOCKSTEP_KSRC_PREFIX
#define LOCKSTEP_KSRC_PREFIX "/nonexistent/"
#endif

/*
 * Copies up to @n bytes of a report line, dropping the build's kernel tree
 * prefix so that paths read drivers/iommu/... on every machine.
 */
static void put_n(const char *s, size_t n)
{
	size_t plen = strlen(LOCKSTEP_KSRC_PREFIX);

	while (n && *s && desc_len < DESC_MAX) {
		if (n >= plen && !strncmp(s, LOCKSTEP_KSRC_PREFIX, plen)) {
			s += plen;
			n -= plen;
			continue;
		}
		desc[desc_len++] = *s++;
		n--;
	}
	desc[desc_len] = 0;
}

/*
 * UBSan calls this after each report it prints; its runtime is a separate
 * library that keeps its report on stderr, so the text is taken from here.
 */
void __ubsan_get_current_report_data(const char **kind, const char **msg,
				     const char **file, unsigned int *line,
				     unsigned int *col, char **addr);
void __ubsan_on_report(void);

static char ubsan_line[1024];

void __ubsan_on_report(void)
{
	const char *kind = NULL, *msg = NULL, *file = NULL;
	unsigned int line = 0, col = 0;
	char *addr = NULL;

	__ubsan_get_current_report_data(&kind, &msg, &file, &line, &col,
					&addr);
	snprintf(ubsan_line, sizeof(ubsan_line),
		 "UndefinedBehaviorSanitizer: %s: %s:%u:%u: runtime error: %s",
		 kind ? kind : "?", file ? file : "?", line, col,
		 msg ? msg : "?");
}

/* Cuts the report into lines in place: call it last. */
static void put_report_lines(void)
{
	char *line = report, *end;
	int frames = 0, last;

	for (; *line; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		last = !*end;
		*end = 0;
		if (strstr(line, "ERROR: ") || strstr(line, "runtime error: ") ||
		    !strncmp(line, "SUMMARY: ", 9) ||
		    (!strncmp(line, "    #", 5) && frames++ < 12)) {
			put("\n");
			put_n(line, end - line);
		}
		if (last)
			break;
	}
}

static void on_sanitizer_death(void)
{
	ssize_t n = 0;
	int sig = 0;

	if (report_fd >= 0 && lseek(report_fd, 0, SEEK_SET) == 0)
		n = read(report_fd, report, sizeof(report) - 1);
	report[n > 0 ? n : 0] = 0;
	write_all(2, report, strlen(report));

	if (strstr(report, "SEGV on unknown address"))
		sig = SIGSEGV;
	else if (strstr(report, "BUS on unknown address"))
		sig = SIGBUS;
	else if (strstr(report, "FPE on unknown address"))
		sig = SIGFPE;

	desc_len = 0;
	put("sanitizer:");
	put_where();
	if (ubsan_line[0]) {
		put("\n");
		put_n(ubsan_line, sizeof(ubsan_line));
		put_backtrace(1);
	}
	put_report_lines();
	send_crash(sig);
}

int crash_sanitized(void)
{
	return 1;
}
#else
int crash_sanitized(void)
{
	return 0;
}
#endif

void crash_init(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	static char altstack[64 * 1024];
	struct sigaction sa;
	stack_t ss;
	void *pc[4];
	unsigned int i;
#ifdef LOCKSTEP_SANITIZE
	void (*set_death)(void (*)(void));
	void *ubsan;
#endif

	/* The first backtrace() loads libgcc: do it now, not in a handler. */
	backtrace(pc, 4);
	crc32_ieee(0, NULL, 0);

	ss.ss_sp = altstack;
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fatal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
#ifdef LOCKSTEP_SANITIZE
		/* These the sanitizer reports better; it then calls us. */
		if (sigs[i] == SIGSEGV || sigs[i] == SIGBUS || sigs[i] == SIGFPE)
			continue;
#endif
		sigaction(sigs[i], &sa, NULL);
	}

#ifdef LOCKSTEP_SANITIZE
	report_fd = memfd_create("lockstep-sanitizer-report", 0);
	if (report_fd >= 0)
		__sanitizer_set_report_fd((void *)(intptr_t)report_fd);
	__sanitizer_set_death_callback(on_sanitizer_death);
	/*
	 * gcc's UBSan runtime is a library of its own, with its own death
	 * callback; it resets its report file on first use, so it keeps
	 * writing to stderr (and __ubsan_on_report catches the text).
	 */
	ubsan = dlopen("libubsan.so.1", RTLD_NOW | RTLD_NOLOAD);
	set_death = ubsan ? dlsym(ubsan, "__sanitizer_set_death_callback") : NULL;
	if (set_death)
		set_death(on_sanitizer_death);
#endif
}
