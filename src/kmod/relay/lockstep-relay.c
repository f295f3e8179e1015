// SPDX-License-Identifier: GPL-2.0-only
/*
 * lockstep-relay: copies bytes between a serial port and /dev/lockstep
 * (lockstep.ko), both ways, and nothing else.  The module does the
 * framing; the relay only owns the tty, which a module should not
 * (docs/hardware.md).
 *
 *   lockstep-relay [--tty /dev/ttyAMA0] [--dev /dev/lockstep] [--baud 115200]
 *
 * The tty is put in raw 8N1 without flow control.  Once both ends are
 * open the relay writes one line, "LOCKSTEP-RELAY ready tty=... dev=...",
 * to the tty: the bench waits for it after a boot.  A tty that hangs up
 * (a USB gadget whose host went away) is opened again, once a second,
 * until it comes back.
 *
 * Built static (make -C src/kmod relay), so that it runs from an
 * initramfs or on a board with no C library to speak of.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

struct speed {
	long baud;
	speed_t code;
};

static const struct speed speeds[] = {
	{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
	{ 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
	{ 460800, B460800 }, { 921600, B921600 }, { 1500000, B1500000 },
	{ 3000000, B3000000 },
};

static void usage(void)
{
	fprintf(stderr, "usage: lockstep-relay [--tty PATH] [--dev PATH] [--baud N]\n");
	exit(2);
}

static int write_all(int fd, const char *p, size_t n)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t r;

	while (n) {
		r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN) {
			poll(&pfd, 1, -1);
			continue;
		}
		if (r <= 0)
			return -1;
		p += r;
		n -= r;
	}
	return 0;
}

static int open_tty(const char *path, speed_t speed)
{
	struct termios t;
	int fd;

	fd = open(path, O_RDWR | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (isatty(fd)) {
		if (tcgetattr(fd, &t)) {
			close(fd);
			return -1;
		}
		cfmakeraw(&t);
		t.c_cflag |= CLOCAL | CREAD;
		t.c_cflag &= ~(CRTSCTS | CSTOPB | PARENB);
		t.c_iflag &= ~(IXON | IXOFF | IXANY);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		cfsetispeed(&t, speed);
		cfsetospeed(&t, speed);
		if (tcsetattr(fd, TCSANOW, &t)) {
			close(fd);
			return -1;
		}
		/* What arrived before raw mode (console echo, a stale frame) is not ours. */
		tcflush(fd, TCIFLUSH);
	}
	return fd;
}

/* Copies until the tty goes away (returns 1) or the device fails (returns -1). */
static int relay(int tty, int dev)
{
	static char buf[65536];
	struct pollfd pfd[2] = {
		{ .fd = tty, .events = POLLIN },
		{ .fd = dev, .events = POLLIN },
	};
	ssize_t n;

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(tty, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0)
				return 1;
			if (write_all(dev, buf, n))
				return -1;
		}
		if (pfd[1].revents & POLLIN) {
			n = read(dev, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0)
				return -1;
			if (write_all(tty, buf, n))
				return 1;
		}
		if (pfd[1].revents & (POLLHUP | POLLERR))
			return -1;
	}
}

int main(int argc, char **argv)
{
	const char *tty_path = "/dev/ttyAMA0", *dev_path = "/dev/lockstep";
	speed_t speed = B115200;
	char line[256];
	long baud;
	size_t k;
	int i, tty, dev, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--tty") && i + 1 < argc) {
			tty_path = argv[++i];
		} else if (!strcmp(argv[i], "--dev") && i + 1 < argc) {
			dev_path = argv[++i];
		} else if (!strcmp(argv[i], "--baud") && i + 1 < argc) {
			baud = strtol(argv[++i], NULL, 10);
			for (k = 0; k < sizeof(speeds) / sizeof(speeds[0]); k++)
				if (speeds[k].baud == baud)
					break;
			if (k == sizeof(speeds) / sizeof(speeds[0])) {
				fprintf(stderr, "lockstep-relay: --baud %s is not a standard rate (115200, 921600, ...)\n",
					argv[i]);
				return 2;
			}
			speed = speeds[k].code;
		} else {
			usage();
		}
	}
	signal(SIGPIPE, SIG_IGN);

	dev = open(dev_path, O_RDWR);
	if (dev < 0) {
		fprintf(stderr, "lockstep-relay: %s: %s; is lockstep.ko loaded (insmod lockstep.ko)?\n",
			dev_path, strerror(errno));
		return 1;
	}
	for (;;) {
		tty = open_tty(tty_path, speed);
		if (tty < 0) {
			if (errno != ENOENT && errno != ENODEV && errno != EIO) {
				fprintf(stderr, "lockstep-relay: %s: %s\n", tty_path, strerror(errno));
				return 1;
			}
			sleep(1);
			continue;
		}
		snprintf(line, sizeof(line), "\r\nLOCKSTEP-RELAY ready tty=%s dev=%s\r\n",
			 tty_path, dev_path);
		write_all(tty, line, strlen(line));
		ret = relay(tty, dev);
		close(tty);
		if (ret < 0) {
			fprintf(stderr, "lockstep-relay: %s failed: %s\n", dev_path, strerror(errno));
			return 1;
		}
		sleep(1);
	}
}
