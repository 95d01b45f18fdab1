// SPDX-License-Identifier: GPL-2.0-only
/* scanners/tar.c and scanners/image_stream.c: names, long names, pax, caps, truncation. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "common/util.h"
#include "scanners/image_stream.h"
#include "scanners/tar.h"

static void test_normalize(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "./etc/passwd", "etc/passwd" },
		{ "a//b/./c/", "a/b/c" },
		{ "a/b/../c", "a/c" },
		{ ".", "" },
		{ "a/..", "" },
		{ "./", "" },
	};
	static const char *const bad[] = { "..", "../x", "a/../../x", "a/b/../../../c" };
	char out[64];

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(tar_normalize(ok[i].in, out), 0);
		assert_string_equal(out, ok[i].out);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(tar_normalize(bad[i], out), -EINVAL);
	/* in place, as the reader does it (overlapping copies) */
	snprintf(out, sizeof(out), "././usr//lib/./x");
	assert_int_equal(tar_normalize(out, out), 0);
	assert_string_equal(out, "usr/lib/x");
}

static int read_fixture(const char *name, char **buf, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/image/%s", FIXTURES, name);
	return read_file(path, buf, len);
}

/* layer2.tar is pax format with a 120-character directory; layer1.tar GNU with a long name */
static void test_long_names(void **state)
{
	const char *files[] = { "layer1.tar", "layer2.tar" };
	int found_gnu = 0, found_pax = 0, found_link = 0;

	for (size_t f = 0; f < 2; f++) {
		char *buf;
		size_t len;
		const struct tar_entry *e;
		struct istream *s;
		struct tar *t;
		int r;

		assert_int_equal(read_fixture(files[f], &buf, &len), 0);
		s = istream_mem(buf, len);
		t = tar_open(s, files[f]);
		while ((r = tar_next(t, &e)) > 0) {
			if (strstr(e->name, "very-long-directory-name-very") &&
			    !strcmp(e->name + strlen(e->name) - 7, "/README")) {
				char *data;

				assert_int_equal(tar_read_all(t, 100, &data, NULL), 0);
				assert_string_equal(data, "long name\n");
				free(data);
				found_gnu++;
			}
			if (strlen(e->name) > 120 && strstr(e->name, "/pax-file"))
				found_pax++;
			if (!strcmp(e->name, "etc/os-release")) {
				assert_int_equal(e->type, TAR_SYMLINK);
				assert_string_equal(e->linkname, "../usr/lib/os-release");
				found_link++;
			}
		}
		assert_int_equal(r, 0);
		tar_close(t);
		istream_close(s);
		free(buf);
	}
	assert_int_equal(found_gnu, 1);
	assert_int_equal(found_pax, 1);
	assert_int_equal(found_link, 1);
}

/* A truncated plain tar fails naming the entry; tar_read_all refuses above its cap. */
static void test_truncated_and_cap(void **state)
{
	char *buf;
	size_t len;
	const struct tar_entry *e;
	struct istream *s;
	struct tar *t;
	char *data;
	int r;

	assert_int_equal(read_fixture("layer1.tar", &buf, &len), 0);
	s = istream_mem(buf, len);
	t = tar_open(s, "layer1");
	while ((r = tar_next(t, &e)) > 0)
		if (!strcmp(e->name, "var/lib/dpkg/status"))
			break;
	assert_int_equal(r, 1);
	assert_int_equal(tar_read_all(t, 10, &data, NULL), -EFBIG);
	tar_close(t);
	istream_close(s);

	/* cut in the middle of the data of the first file */
	s = istream_mem(buf, 512 * 4 + 100);
	t = tar_open(s, "cut");
	while ((r = tar_next(t, &e)) > 0)
		;
	assert_int_equal(r, -EBADMSG);
	tar_close(t);
	istream_close(s);
	free(buf);
}

static size_t gzip_buf(const void *in, size_t len, void **out)
{
	uLongf cap = compressBound(len) + 64;
	z_stream z = { 0 };

	*out = malloc(cap);
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (void *)in;
	z.avail_in = len;
	z.next_out = *out;
	z.avail_out = cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return z.total_out;
}

static ssize_t drain(struct istream *s)
{
	static char buf[65536];
	ssize_t r, total = 0;

	while ((r = s->read(s, buf, sizeof(buf))) > 0)
		total += r;
	return r < 0 ? r : total;
}

static void test_stream_caps(void **state)
{
	size_t n = 40 << 20;
	char *zeros = calloc(1, n);
	void *gz;
	size_t gl = gzip_buf(zeros, n, &gz);
	struct stream_limits lim = { .max_ratio = 100 };
	struct istream *s;
	enum stream_codec c;
	uint64_t in, out;

	/* no caps: everything comes out, codec sniffed */
	s = istream_decompress(istream_mem(gz, gl), "zeros", NULL);
	assert_int_equal(drain(s), (ssize_t)n);
	istream_stats(s, &c, &in, &out);
	assert_int_equal(c, CODEC_GZIP);
	assert_int_equal(out, n);
	istream_close(s);
	/* ratio cap */
	s = istream_decompress(istream_mem(gz, gl), "zeros", &lim);
	assert_int_equal(drain(s), -EFBIG);
	istream_close(s);
	/* size cap */
	lim.max_ratio = 0;
	lim.max_out = 1 << 20;
	s = istream_decompress(istream_mem(gz, gl), "zeros", &lim);
	assert_int_equal(drain(s), -EFBIG);
	istream_close(s);
	/* truncated gzip */
	s = istream_decompress(istream_mem(gz, gl / 2), "half", NULL);
	assert_int_equal(drain(s), -EBADMSG);
	istream_close(s);
	/* two members concatenated read as one stream, like gzip -dc */
	{
		char *two = malloc(2 * gl);

		memcpy(two, gz, gl);
		memcpy(two + gl, gz, gl);
		s = istream_decompress(istream_mem(two, 2 * gl), "two", NULL);
		assert_int_equal(drain(s), (ssize_t)(2 * n));
		istream_close(s);
		free(two);
	}
	/* plain data passes through */
	s = istream_decompress(istream_mem("hello", 5), "plain", NULL);
	assert_int_equal(drain(s), 5);
	istream_stats(s, &c, &in, &out);
	assert_int_equal(c, CODEC_PLAIN);
	istream_close(s);
	free(gz);
	free(zeros);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_truncated_and_cap),
		cmocka_unit_test(test_stream_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
