// SPDX-License-Identifier: GPL-2.0-only
/*
 * lockstep-agent: serves the Lockstep wire protocol (docs/protocol.md) on a
 * pseudo-terminal, on stdin/stdout, or on a serial device, and runs each
 * request against the real Linux io-pgtable code linked into it.
 *
 *   lockstep-agent --pty          print "LOCKSTEP-AGENT pty=/dev/pts/N", serve
 *                                 on the pty until stdin closes or the
 *                                 parent dies
 *   lockstep-agent --stdio        serve on stdin/stdout until stdin closes
 *   lockstep-agent --tty PATH     serve on an existing serial device
 *
 * Single-threaded and deterministic: the same requests from a fresh agent
 * give the same replies, byte for byte.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include "arena.h"
#include "coverage.h"
#include "crash.h"
#include "events.h"
#include "pgtable_ops.h"
#ifdef LOCKSTEP_RTKIT
#include "rtkit_ops.h"
#endif
#include "serve.h"
#include "wire.h"

#ifndef LOCKSTEP_DRIVER_VERSION
#define LOCKSTEP_DRIVER_VERSION "unknown"
#endif
#ifndef LOCKSTEP_AGENT_BUILD
#define LOCKSTEP_AGENT_BUILD "unknown"
#endif

/* A frame that stops arriving for this long is taken for a lying header. */
#define RX_IDLE_MS		500

struct link {
	int in_fd;
	int out_fd;
	int watch_fd;	/* stdin in --pty mode: EOF there means stop */
};

static struct link link_fds = { -1, -1, -1 };
static struct wire_rx rx;
/*
 * Replies of the requests that arrived together, written together: each
 * write wakes the bench, and a write per reply was most of a round trip.
 */
static struct wbuf out;

/*
 * While a reply waits for room on the line, the bench may be waiting for
 * room to send its next requests: keep reading them into the receive buffer
 * (they run once this reply is out), or neither side would move.
 */
static int write_all(int fd, const void *p, size_t n)
{
	static uint8_t in[65536];
	const uint8_t *b = p;
	struct pollfd pfd[2];
	ssize_t r;
	int nfds;

	while (n) {
		r = write(fd, b, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN) {
			pfd[0].fd = fd;
			pfd[0].events = POLLOUT;
			pfd[1].fd = link_fds.in_fd;
			pfd[1].events = POLLIN;
			nfds = link_fds.in_fd >= 0 ? 2 : 1;
			if (poll(pfd, nfds, -1) < 0 && errno != EINTR)
				return -1;
			if (nfds == 2 && (pfd[1].revents & POLLIN)) {
				r = read(link_fds.in_fd, in, sizeof(in));
				if (r > 0 && wire_rx_push(&rx, in, r))
					return -1;
			}
			continue;
		}
		if (r <= 0)
			return -1;
		b += r;
		n -= r;
	}
	return 0;
}

/* Flushes the replies queued so far (see out). */
static int flush_out(void)
{
	int ret = 0;

	if (out.len)
		ret = write_all(link_fds.out_fd, out.data, out.len);
	wb_reset(&out);
	return ret;
}

/* Queues a frame; a big queue goes out at once rather than grow. */
static int queue(const void *p, size_t n)
{
	wb_bytes(&out, p, n);
	if (out.oom)
		return -1;
	return out.len >= (1u << 20) ? flush_out() : 0;
}

/* HELLO_REPLY from the capabilities on: what this build of the agent has. */
static void hello(struct wbuf *w)
{
	uint32_t caps = CAP_IO_PGTABLE | CAP_STEP | CAP_STRIDES | CAP_EXPECT |
			CAP_COMPACT;

	if (crash_sanitized())
		caps |= CAP_SANITIZER;
#ifdef LOCKSTEP_RTKIT
	caps |= CAP_RTKIT;
#endif
	if (cov_total())
		caps |= CAP_COVERAGE;

	wb_u32(w, caps);
	wb_str(w, LOCKSTEP_DRIVER_VERSION);
	wb_str(w, LOCKSTEP_AGENT_BUILD);
	wb_u64(w, LOCKSTEP_PHYS_BASE);
	wb_u64(w, LOCKSTEP_ARENA_SIZE);
	wb_u32(w, ARENA_PAGE_SIZE);
}

static unsigned int reset(void)
{
#ifdef LOCKSTEP_RTKIT
	rtk_reset();
#endif
	return pt_reset();
}

#ifdef LOCKSTEP_RTKIT
static int request(const struct wire_frame_in *f, struct wbuf *w, const char **err)
{
	if (f->type != WIRE_RTKIT)
		return 0;
	if (rtk_request(f->payload, f->len, w, err))
		return -1;
	return WIRE_RTKIT_REPLY;
}
#endif

static const struct serve_ops agent_ops = {
	.queue		= queue,
	.hello		= hello,
	.reset		= reset,
	.coverage	= cov_reply,
#ifdef LOCKSTEP_RTKIT
	.request	= request,
#endif
};

static int serve(void)
{
	static uint8_t buf[65536];
	struct pollfd pfd[2];
	int r, nfds;
	ssize_t n;

	for (;;) {
		if (serve_rx(&rx))
			return -1;
		/* Everything that arrived is answered: now the replies go out. */
		if (flush_out())
			return -1;

		pfd[0].fd = link_fds.in_fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = link_fds.watch_fd;
		pfd[1].events = POLLIN;
		nfds = link_fds.watch_fd >= 0 ? 2 : 1;
		r = poll(pfd, nfds, wire_rx_partial(&rx) ? RX_IDLE_MS : -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			wire_rx_drop_partial(&rx);
			if (serve_nak_line("incomplete frame timed out"))
				return -1;
			continue;
		}

		if (nfds == 2 && pfd[1].revents) {
			n = read(link_fds.watch_fd, buf, sizeof(buf));
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				return 0;
		}
		if (pfd[0].revents) {
			n = read(link_fds.in_fd, buf, sizeof(buf));
			if (n == 0)
				return 0;
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n < 0)
				return -1;
			if (wire_rx_push(&rx, buf, n)) {
				fprintf(stderr, "lockstep-agent: receive buffer overflow\n");
				return -1;
			}
		}
	}
}

static int make_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return -1;
	cfmakeraw(&t);
	return tcsetattr(fd, TCSANOW, &t);
}

/*
 * The agent keeps its own fd of the slave open: without it the master reads
 * EIO (hangup) until the bench has opened the slave, and again whenever the
 * bench closes and reopens it.
 */
static int open_pty(void)
{
	const char *name;
	int m, s;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m))
		return -1;
	name = ptsname(m);
	if (!name)
		return -1;
	s = open(name, O_RDWR | O_NOCTTY);
	if (s < 0 || make_raw(s))
		return -1;

	link_fds.in_fd = m;
	link_fds.out_fd = m;
	link_fds.watch_fd = 0;
	printf("LOCKSTEP-AGENT pty=%s\n", name);
	fflush(stdout);
	return 0;
}

static int open_tty(const char *path)
{
	int fd = open(path, O_RDWR | O_NOCTTY);

	if (fd < 0)
		return -1;
	if (isatty(fd) && make_raw(fd)) {
		close(fd);
		return -1;
	}
	link_fds.in_fd = fd;
	link_fds.out_fd = fd;
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: lockstep-agent (--pty | --stdio | --tty PATH) [-v]\n"
		"driver: %s\nbuild: %s\n",
		LOCKSTEP_DRIVER_VERSION, LOCKSTEP_AGENT_BUILD);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *mode = NULL, *tty = NULL;
	pid_t parent = getppid();
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pty") || !strcmp(argv[i], "--stdio")) {
			mode = argv[i];
		} else if (!strcmp(argv[i], "--tty") && i + 1 < argc) {
			mode = argv[i];
			tty = argv[++i];
		} else if (!strcmp(argv[i], "-v")) {
			lockstep_verbose = 1;
		} else {
			usage();
		}
	}
	if (!mode)
		usage();

	signal(SIGPIPE, SIG_IGN);
	if (arena_init()) {
		perror("lockstep-agent: arena");
		return 1;
	}
	crash_init();

	/* The bench starts us as its child: go when it goes. */
	if (!tty) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			return 0;
	}

	ret = 0;
	if (!strcmp(mode, "--pty")) {
		ret = open_pty();
	} else if (tty) {
		ret = open_tty(tty);
	} else {
		link_fds.in_fd = 0;
		link_fds.out_fd = 1;
	}
	if (ret) {
		fprintf(stderr, "lockstep-agent: %s%s%s: %s\n", mode,
			tty ? " " : "", tty ? tty : "", strerror(errno));
		return 1;
	}

	/* Writes must not block the reads that let the bench go on (write_all). */
	fcntl(link_fds.out_fd, F_SETFL, fcntl(link_fds.out_fd, F_GETFL) | O_NONBLOCK);
	crash_set_fd(link_fds.out_fd);
	crash_set_queue(&out.data, &out.len);
	wire_rx_init(&rx);
	serve_init(&agent_ops);
	ret = serve();
	crash_set_fd(-1);

	/* Tear down like a RESET, so sanitizers see only the driver's leaks. */
	reset();
	serve_exit();
	wb_free(&out);
	free(rx.buf);
	return ret ? 1 : 0;
}
