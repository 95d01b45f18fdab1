/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Byte streams for reading image layers once, front to back: a byte range of a file (pread, so
 * many streams can share one fd of an outer archive), a memory buffer, and a decompressor that
 * sniffs gzip, zstd or plain data and enforces size and ratio caps against decompression bombs.
 */
#ifndef DCEA_SCANNERS_IMAGE_STREAM_H
#define DCEA_SCANNERS_IMAGE_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct istream {
	/* bytes read into buf (0 at the end), or negative errno, already logged */
	ssize_t (*read)(struct istream *s, void *buf, size_t len);
	void (*close)(struct istream *s);
	/* optional: skip n bytes without reading them; 0, or -EBADMSG past the end */
	int (*skip)(struct istream *s, uint64_t n);
};

struct stream_limits {
	uint64_t max_out;   /* decompressed bytes per stream; 0: no cap */
	uint64_t max_ratio; /* decompressed/compressed once past 16 MiB out; 0: no cap */
};

enum stream_codec {
	CODEC_PLAIN,
	CODEC_GZIP,
	CODEC_ZSTD,
};

/* Bytes [off, off + len) of fd, read with pread; fd stays owned by the caller. */
struct istream *istream_fd_range(int fd, uint64_t off, uint64_t len);
/* A borrowed buffer. */
struct istream *istream_mem(const void *buf, size_t len);
/*
 * Wrap raw (taken over, closed with the result) in the decompressor its first bytes ask for.
 * label names the stream in errors ("layer 3 of 'img.tar'"); it is copied. NULL on ENOMEM.
 */
struct istream *istream_decompress(struct istream *raw, const char *label,
				   const struct stream_limits *lim);
/* Codec the stream chose (after its first read) and bytes in and out so far. */
void istream_stats(struct istream *s, enum stream_codec *codec, uint64_t *in, uint64_t *out);

/* Read exactly len bytes unless the stream ends first: count read, or negative errno. */
ssize_t istream_read_full(struct istream *s, void *buf, size_t len);
void istream_close(struct istream *s); /* accepts NULL */

const char *stream_codec_name(enum stream_codec c);

#endif
