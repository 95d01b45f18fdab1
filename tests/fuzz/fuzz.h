/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the libFuzzer harnesses: silence, NUL-terminated copies, inputs as files. */
#ifndef DCEA_FUZZ_H
#define DCEA_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "common/log.h"

/* log_err and friends print nothing below verbosity 0; the parsers' diagnostics are noise here. */
static inline void fuzz_quiet(void)
{
	log_verbose = -1;
}

/* A NUL-terminated malloc'd copy of the input; aborts on ENOMEM (a harness bug, not a finding). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = 0;
	return s;
}

/*
 * Split the input at NUL bytes into at most n strings (the last takes the rest); missing ones are
 * "". Returns one malloc'd block holding them all; free it when done.
 */
static inline char *fuzz_split(const uint8_t *data, size_t size, const char **out, int n)
{
	char *s = fuzz_str(data, size), *p = s, *end = s + size;

	for (int i = 0; i < n; i++) {
		out[i] = p <= end ? p : end;
		if (i < n - 1 && p <= end)
			p += strlen(p) + 1;
	}
	return s;
}

/* The input as an anonymous file: its path in *path ("/proc/self/fd/N"); fd to close, or -1. */
static inline int fuzz_file(const uint8_t *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
