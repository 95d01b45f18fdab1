// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"

int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end || end == s)
		return -EINVAL;
	*out = v;
	return 0;
}

int read_file(const char *path, char **buf, size_t *len)
{
	return read_file_max(path, buf, len, SIZE_MAX - 1);
}

int read_file_max(const char *path, char **buf, size_t *len, size_t max)
{
	size_t cap = 4096, n = 0;
	char *b = NULL, *nb;
	ssize_t r;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	b = malloc(cap);
	if (!b) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (;;) {
		if (n + 1 >= cap) {
			nb = realloc(b, cap * 2);
			if (!nb) {
				err = -ENOMEM;
				goto cleanup;
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto cleanup;
		}
		if (r == 0)
			break;
		n += r;
		if (n > max) {
			err = -EFBIG;
			goto cleanup;
		}
	}
	b[n] = '\0';
	*buf = b;
	b = NULL;
	if (len)
		*len = n;
cleanup:
	free(b);
	close(fd);
	return err;
}

int read_line(const char *path, char *buf, size_t size)
{
	FILE *f;
	int err = 0;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, size, f)) {
		err = ferror(f) ? -EIO : -ENODATA;
		buf[0] = '\0';
	} else {
		buf[strcspn(buf, "\n")] = '\0';
	}
	fclose(f);
	return err;
}

bool process_running(unsigned int pid, const char *comm)
{
	char path[64], line[512], *open, *close;

	if (!pid)
		return false;
	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	/* "PID (COMM) STATE ...": COMM may hold spaces and parentheses, the last ')' ends it */
	if (read_line(path, line, sizeof(line)))
		return false;
	open = strchr(line, '(');
	close = strrchr(line, ')');
	if (!open || !close || close < open || close[1] != ' ')
		return false;
	*close = '\0';
	return strcmp(open + 1, comm) == 0 && close[2] != 'Z' && close[2] != 'X';
}

void format_rfc3339(uint64_t ns, char *buf, size_t size)
{
	time_t sec = ns / 1000000000ULL;
	struct tm tm;
	size_t n;

	gmtime_r(&sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%09lluZ", (unsigned long long)(ns % 1000000000ULL));
}
