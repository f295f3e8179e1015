/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent's last words: a CRASH frame on the link when the driver takes
 * a fatal signal, hits BUG(), or (in sanitizer builds) trips a sanitizer.
 */
#ifndef LOCKSTEP_CRASH_H
#define LOCKSTEP_CRASH_H

/*
 * RTKit requests mark the opcode they run under with this bit: both wire
 * protocols number their opcodes from 1, and a crash report must name the
 * right one.
 */
#define CRASH_RTKIT_OPCODE	0x80

void crash_init(void);
/* Where CRASH frames go; -1 once the link is closed. */
void crash_set_fd(int fd);
/*
 * Replies written but not yet on the line: they go out before the CRASH
 * frame, so the bench gets them first (*data and *len are read at the crash).
 */
void crash_set_queue(unsigned char *const *data, const size_t *len);
void crash_bug(const char *text) __attribute__((noreturn));
/* Whether the agent was built with sanitizers (HELLO capability bit 3). */
int crash_sanitized(void);

#endif /* LOCKSTEP_CRASH_H */
