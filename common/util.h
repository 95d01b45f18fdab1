/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef DCEA_UTIL_H
#define DCEA_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Strict number parsing: the whole string must be a number in range; 0 or -EINVAL/-ERANGE. */
int parse_u64(const char *s, uint64_t *out);

/* Read a whole (small) file into a NUL-terminated malloc'd buffer; 0 or negative errno. */
int read_file(const char *path, char **buf, size_t *len);
/* The same, -EFBIG as soon as more than max bytes were read (a stream, /dev/zero too). */
int read_file_max(const char *path, char **buf, size_t *len, size_t max);

/* Read the first line of a file, newline stripped, into buf; 0 or negative errno. */
int read_line(const char *path, char *buf, size_t size);

/*
 * Is process `pid` running (not a zombie: a killed loader stays one until its parent reaps it)
 * with command name `comm`? From /proc/PID/stat.
 */
bool process_running(unsigned int pid, const char *comm);

/* RFC 3339 time with nanoseconds in UTC, e.g. 2026-11-28T21:11:10.123456789Z. */
void format_rfc3339(uint64_t realtime_ns, char *buf, size_t size);

/* Free a pointer held in a variable going out of scope (systemd's _cleanup_free_). */
static inline void freep(void *p)
{
	extern void free(void *);
	free(*(void **)p);
}
#define _cleanup_free_ __attribute__((cleanup(freep)))

#endif
