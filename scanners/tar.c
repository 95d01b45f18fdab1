// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "scanners/tar.h"

#define BLOCK	 512
#define MAX_META (1U << 20) /* pax header or GNU long name */

struct tar {
	struct istream *s;
	char *label;
	uint64_t left; /* data bytes of the current entry not yet read */
	uint64_t pad;  /* padding after them */
	uint64_t entries;
	uint64_t pos; /* bytes consumed from the stream */
	int ended;
	char *name, *linkname;
	char *long_name, *long_link; /* pending from GNU L/K or pax */
	uint64_t pax_size;
	bool has_pax_size;
	struct tar_entry e;
	unsigned char skipbuf[65536];
};

struct tar *tar_open(struct istream *s, const char *label)
{
	struct tar *t = calloc(1, sizeof(*t));

	if (!t || !(t->label = strdup(label))) {
		free(t);
		return NULL;
	}
	t->s = s;
	return t;
}

void tar_close(struct tar *t)
{
	if (!t)
		return;
	free(t->label);
	free(t->name);
	free(t->linkname);
	free(t->long_name);
	free(t->long_link);
	free(t);
}

uint64_t tar_entries(const struct tar *t)
{
	return t->entries;
}

uint64_t tar_data_offset(const struct tar *t)
{
	return t->pos;
}

static ssize_t tread(struct tar *t, void *buf, size_t len)
{
	ssize_t r = t->s->read(t->s, buf, len);

	if (r > 0)
		t->pos += r;
	return r;
}

static ssize_t tread_full(struct tar *t, void *buf, size_t len)
{
	size_t n = 0;

	while (n < len) {
		ssize_t r = tread(t, (char *)buf + n, len - n);

		if (r < 0)
			return r;
		if (r == 0)
			break;
		n += r;
	}
	return n;
}

int tar_normalize(const char *in, char *out)
{
	size_t n = 0;
	const char *p = in;

	while (*p) {
		const char *c = p;
		size_t l;

		while (*p && *p != '/')
			p++;
		l = p - c;
		if (*p)
			p++;
		if (l == 0 || (l == 1 && c[0] == '.'))
			continue;
		if (l == 2 && c[0] == '.' && c[1] == '.') {
			if (n == 0)
				return -EINVAL;
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			continue;
		}
		if (n)
			out[n++] = '/';
		memmove(out + n, c, l); /* in place: out may alias in */
		n += l;
	}
	out[n] = '\0';
	return 0;
}

/* Numeric header field: octal (NUL/space terminated) or GNU base-256; -ERANGE when negative. */
static int parse_num(const unsigned char *f, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (f[0] & 0x80) {
		if (f[0] & 0x40)
			return -ERANGE; /* negative base-256 */
		v = f[0] & 0x3f;
		for (i = 1; i < len; i++) {
			if (v >> 55)
				return -ERANGE;
			v = v << 8 | f[i];
		}
		*out = v;
		return 0;
	}
	while (i < len && f[i] == ' ')
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -ERANGE;
		v = v << 3 | (f[i] - '0');
	}
	if (i < len && f[i] != ' ' && f[i] != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

static int skip_bytes(struct tar *t, uint64_t n)
{
	if (n && t->s->skip) {
		if (t->s->skip(t->s, n)) {
			log_err("failed to read %s: truncated in entry '%s'", t->label,
				t->name ? t->name : "?");
			return -EBADMSG;
		}
		t->pos += n;
		return 0;
	}
	while (n) {
		size_t chunk = n < sizeof(t->skipbuf) ? n : sizeof(t->skipbuf);
		ssize_t r = tread(t, t->skipbuf, chunk);

		if (r < 0)
			return r;
		if (r == 0) {
			log_err("failed to read %s: truncated in entry '%s'", t->label,
				t->name ? t->name : "?");
			return -EBADMSG;
		}
		n -= r;
	}
	return 0;
}

static int read_meta(struct tar *t, uint64_t size, const char *what, char **out)
{
	char *buf;
	ssize_t r;
	int err;

	if (size > MAX_META) {
		log_err("refusing %s: %s of %llu bytes", t->label, what, (unsigned long long)size);
		return -EFBIG;
	}
	buf = malloc(size + 1);
	if (!buf)
		return -ENOMEM;
	r = tread_full(t, buf, size);
	if (r >= 0 && (uint64_t)r < size)
		r = -EBADMSG;
	if (r < 0) {
		if (r == -EBADMSG)
			log_err("failed to read %s: truncated %s", t->label, what);
		free(buf);
		return r;
	}
	buf[size] = '\0';
	err = skip_bytes(t, (BLOCK - size % BLOCK) % BLOCK);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	return 0;
}

/* Pax records "LEN key=value\n": take path, linkpath and size, ignore the rest. */
static int parse_pax(struct tar *t, char *buf, uint64_t size)
{
	char *p = buf, *end = buf + size;

	while (p < end) {
		char *sp, *eq, *rec_end;
		unsigned long len = strtoul(p, &sp, 10);

		if (sp == p || *sp != ' ' || len < 5 || len > (unsigned long)(end - p))
			goto bad;
		rec_end = p + len;
		if (rec_end[-1] != '\n')
			goto bad;
		rec_end[-1] = '\0';
		eq = strchr(sp + 1, '=');
		if (!eq)
			goto bad;
		*eq = '\0';
		if (!strcmp(sp + 1, "path")) {
			free(t->long_name);
			t->long_name = strdup(eq + 1);
		} else if (!strcmp(sp + 1, "linkpath")) {
			free(t->long_link);
			t->long_link = strdup(eq + 1);
		} else if (!strcmp(sp + 1, "size")) {
			char *e;

			errno = 0;
			t->pax_size = strtoull(eq + 1, &e, 10);
			if (*e || errno || eq[1] == '-' || t->pax_size > TAR_MAX_ENTRY_SIZE) {
				log_err("refusing %s: bad pax size '%s'", t->label, eq + 1);
				return -EINVAL;
			}
			t->has_pax_size = true;
		}
		p = rec_end;
	}
	return 0;
bad:
	log_err("refusing %s: malformed pax header", t->label);
	return -EINVAL;
}

static bool zero_block(const unsigned char *b)
{
	for (int i = 0; i < BLOCK; i++)
		if (b[i])
			return false;
	return true;
}

static bool checksum_ok(const unsigned char *h)
{
	uint64_t want;
	unsigned long sum = 0;
	long ssum = 0;

	if (parse_num(h + 148, 8, &want))
		return false;
	for (int i = 0; i < BLOCK; i++) {
		unsigned char c = (i >= 148 && i < 156) ? ' ' : h[i];

		sum += c;
		ssum += (signed char)c; /* some old tars summed signed chars */
	}
	return want == sum || (long)want == ssum;
}

static int set_str(char **dst, const char *src, size_t maxlen)
{
	char *s = strndup(src, maxlen);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

int tar_next(struct tar *t, const struct tar_entry **e)
{
	unsigned char h[BLOCK];
	ssize_t r;
	int err;

	if (t->ended)
		return 0;
	err = skip_bytes(t, t->left + t->pad);
	if (err)
		return err;
	t->left = t->pad = 0;
	for (;;) {
		uint64_t size, mode, maj, min;
		char type, *meta;

		r = tread_full(t, h, BLOCK);
		if (r < 0)
			return r;
		if (r == 0) {
			/* no end-of-archive blocks: accepted, as GNU tar does with a warning */
			t->ended = 1;
			return 0;
		}
		if (r < BLOCK) {
			log_err("failed to read %s: truncated header after %llu entries", t->label,
				(unsigned long long)t->entries);
			return -EBADMSG;
		}
		if (zero_block(h)) {
			t->ended = 1;
			return 0;
		}
		if (!checksum_ok(h)) {
			log_err("refusing %s: bad header checksum after entry '%s'", t->label,
				t->name ? t->name : "(none)");
			return -EBADMSG;
		}
		type = h[156] ? (char)h[156] : TAR_FILE;
		err = parse_num(h + 124, 12, &size);
		if (!err && (err = parse_num(h + 100, 8, &mode)) == 0)
			err = parse_num(h + 329, 8, &maj) ?: parse_num(h + 337, 8, &min);
		if (err || size > TAR_MAX_ENTRY_SIZE) {
			log_err("refusing %s: bad size or mode field in entry '%.100s'", t->label,
				(char *)h);
			return err ?: -EFBIG;
		}
		if (t->has_pax_size) {
			size = t->pax_size;
			t->has_pax_size = false;
		}
		if (type == 'L' || type == 'K') {
			err = read_meta(t, size, type == 'L' ? "GNU long name" : "GNU long link",
					&meta);
			if (err)
				return err;
			free(type == 'L' ? t->long_name : t->long_link);
			*(type == 'L' ? &t->long_name : &t->long_link) = meta;
			continue;
		}
		if (type == 'x' || type == 'g') {
			err = read_meta(t, size, "pax header", &meta);
			if (err)
				return err;
			/* global headers rarely matter for layers: ignored */
			if (type == 'x')
				err = parse_pax(t, meta, size);
			free(meta);
			if (err)
				return err;
			continue;
		}

		if (t->long_name) {
			free(t->name);
			t->name = t->long_name;
			t->long_name = NULL;
		} else {
			char full[256 + 1 + 100 + 1];
			size_t pl = strnlen((char *)h + 345, 155);

			/* ustar prefix + "/" + name */
			if (pl && !memcmp(h + 257, "ustar", 5))
				snprintf(full, sizeof(full), "%.*s/%.100s", (int)pl, h + 345, h);
			else
				snprintf(full, sizeof(full), "%.100s", h);
			err = set_str(&t->name, full, sizeof(full));
			if (err)
				return err;
		}
		if (t->long_link) {
			free(t->linkname);
			t->linkname = t->long_link;
			t->long_link = NULL;
		} else {
			err = set_str(&t->linkname, (char *)h + 157, 100);
			if (err)
				return err;
		}
		t->entries++;
		if (t->name[0] == '/') {
			log_err("refusing %s: entry '%s' has an absolute name", t->label, t->name);
			return -EINVAL;
		}
		if (tar_normalize(t->name, t->name)) {
			log_err("refusing %s: entry '%s' climbs out of the root", t->label,
				t->name);
			return -EINVAL;
		}
		if (type == TAR_HARDLINK && tar_normalize(t->linkname, t->linkname)) {
			log_err("refusing %s: hard link '%s' points out of the root at '%s'",
				t->label, t->name, t->linkname);
			return -EINVAL;
		}
		if (type == '7')
			type = TAR_FILE;
		/* links, directories and devices carry no data whatever the size says */
		if (type == TAR_HARDLINK || type == TAR_SYMLINK || type == TAR_DIR ||
		    type == TAR_CHAR || type == TAR_BLOCK || type == TAR_FIFO) {
			if (type != TAR_HARDLINK || size)
				t->left = size; /* skip what is there, but report 0 */
			size = 0;
		} else {
			t->left = size;
		}
		t->pad = (BLOCK - t->left % BLOCK) % BLOCK;
		t->e.name = t->name;
		t->e.linkname = t->linkname;
		t->e.type = type;
		t->e.mode = mode & 07777;
		t->e.size = size;
		t->e.devmajor = maj;
		t->e.devminor = min;
		*e = &t->e;
		return 1;
	}
}

ssize_t tar_read(struct tar *t, void *buf, size_t len)
{
	ssize_t r;

	if (t->e.size == 0 || t->left == 0)
		return 0;
	if (len > t->left)
		len = t->left;
	r = tread(t, buf, len);
	if (r < 0)
		return r;
	if (r == 0) {
		log_err("failed to read %s: truncated in entry '%s'", t->label, t->name);
		return -EBADMSG;
	}
	t->left -= r;
	return r;
}

int tar_read_all(struct tar *t, size_t max, char **buf, size_t *len)
{
	char *b;
	size_t n = 0;
	ssize_t r;

	if (t->e.size > max) {
		log_err("refusing %s: entry '%s' is %llu bytes, more than %zu", t->label, t->name,
			(unsigned long long)t->e.size, max);
		return -EFBIG;
	}
	b = malloc(t->e.size + 1);
	if (!b)
		return -ENOMEM;
	while (n < t->e.size) {
		r = tar_read(t, b + n, t->e.size - n);
		if (r <= 0) {
			free(b);
			return r < 0 ? r : -EBADMSG;
		}
		n += r;
	}
	b[t->e.size] = '\0';
	*buf = b;
	if (len)
		*len = t->e.size;
	return 0;
}
