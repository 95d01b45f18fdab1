// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "common/log.h"
#include "scanners/image_stream.h"

#define INBUF_SIZE  (128 * 1024)
#define RATIO_GRACE (16ULL << 20)

struct fd_stream {
	struct istream s;
	int fd;
	uint64_t off, end;
};

static ssize_t fd_read(struct istream *s, void *buf, size_t len)
{
	struct fd_stream *f = (struct fd_stream *)s;
	ssize_t r;

	if (len > f->end - f->off)
		len = f->end - f->off;
	if (!len)
		return 0;
	do
		r = pread(f->fd, buf, len, f->off);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		r = -errno;
		log_err("failed to read at offset %llu: %s", (unsigned long long)f->off,
			strerror(errno));
		return r;
	}
	f->off += r;
	return r;
}

/* the index of an outer archive seeks over the layers instead of reading them */
static int fd_skip(struct istream *s, uint64_t n)
{
	struct fd_stream *f = (struct fd_stream *)s;

	if (n > f->end - f->off)
		return -EBADMSG;
	f->off += n;
	return 0;
}

static void plain_close(struct istream *s)
{
	free(s);
}

struct istream *istream_fd_range(int fd, uint64_t off, uint64_t len)
{
	struct fd_stream *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->s.read = fd_read;
	f->s.close = plain_close;
	f->s.skip = fd_skip;
	f->fd = fd;
	f->off = off;
	f->end = off + len;
	return &f->s;
}

struct mem_stream {
	struct istream s;
	const unsigned char *p;
	size_t left;
};

static ssize_t mem_read(struct istream *s, void *buf, size_t len)
{
	struct mem_stream *m = (struct mem_stream *)s;

	if (len > m->left)
		len = m->left;
	memcpy(buf, m->p, len);
	m->p += len;
	m->left -= len;
	return len;
}

struct istream *istream_mem(const void *buf, size_t len)
{
	struct mem_stream *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->s.read = mem_read;
	m->s.close = plain_close;
	m->p = buf;
	m->left = len;
	return &m->s;
}

struct dec_stream {
	struct istream s;
	struct istream *raw;
	char *label;
	struct stream_limits lim;
	enum stream_codec codec;
	int sniffed, raw_eof, done;
	unsigned char *in;
	size_t in_pos, in_len;
	uint64_t in_total, out_total;
	z_stream z;
	int z_init;
	ZSTD_DStream *zs;
	size_t zs_last; /* last ZSTD_decompressStream hint: 0 when a frame just ended */
};

static int fill(struct dec_stream *d)
{
	ssize_t r;

	if (d->in_pos < d->in_len || d->raw_eof)
		return 0;
	r = d->raw->read(d->raw, d->in, INBUF_SIZE);
	if (r < 0)
		return r;
	if (r == 0)
		d->raw_eof = 1;
	d->in_pos = 0;
	d->in_len = r;
	d->in_total += r;
	return 0;
}

static int sniff(struct dec_stream *d)
{
	int err;

	/* fill at least 4 bytes, or up to the end */
	while (d->in_len < 4 && !d->raw_eof) {
		ssize_t r = d->raw->read(d->raw, d->in + d->in_len, INBUF_SIZE - d->in_len);

		if (r < 0)
			return r;
		if (r == 0)
			d->raw_eof = 1;
		d->in_len += r;
		d->in_total += r;
	}
	d->sniffed = 1;
	if (d->in_len >= 2 && d->in[0] == 0x1f && d->in[1] == 0x8b) {
		d->codec = CODEC_GZIP;
		/* 15 + 32: zlib checks the gzip header itself */
		if (inflateInit2(&d->z, 15 + 32) != Z_OK)
			return -ENOMEM;
		d->z_init = 1;
	} else if (d->in_len >= 4 && d->in[0] == 0x28 && d->in[1] == 0xb5 && d->in[2] == 0x2f &&
		   d->in[3] == 0xfd) {
		d->codec = CODEC_ZSTD;
		d->zs = ZSTD_createDStream();
		if (!d->zs)
			return -ENOMEM;
		/* bound the window (memory) at 128 MiB whatever the frame header asks for */
		err = ZSTD_isError(ZSTD_DCtx_setParameter(d->zs, ZSTD_d_windowLogMax, 27));
		if (err)
			return -EINVAL;
		d->zs_last = 1;
	} else {
		d->codec = CODEC_PLAIN;
	}
	return 0;
}

static int check_caps(struct dec_stream *d)
{
	if (d->lim.max_out && d->out_total > d->lim.max_out) {
		log_err("refusing %s: more than %llu bytes once decompressed", d->label,
			(unsigned long long)d->lim.max_out);
		return -EFBIG;
	}
	if (d->lim.max_ratio && d->codec != CODEC_PLAIN && d->out_total > RATIO_GRACE &&
	    d->out_total / (d->in_total ? d->in_total : 1) > d->lim.max_ratio) {
		log_err("refusing %s: decompression ratio above %llu (a decompression bomb?)",
			d->label, (unsigned long long)d->lim.max_ratio);
		return -EFBIG;
	}
	return 0;
}

static ssize_t gz_read(struct dec_stream *d, void *buf, size_t len)
{
	int err, zr;

	d->z.next_out = buf;
	d->z.avail_out = len;
	while (d->z.avail_out == len) {
		if (d->done)
			return 0;
		err = fill(d);
		if (err)
			return err;
		if (d->in_pos == d->in_len) {
			log_err("failed to read %s: truncated gzip data", d->label);
			return -EBADMSG;
		}
		d->z.next_in = d->in + d->in_pos;
		d->z.avail_in = d->in_len - d->in_pos;
		zr = inflate(&d->z, Z_NO_FLUSH);
		d->in_pos = d->in_len - d->z.avail_in;
		if (zr == Z_STREAM_END) {
			/* concatenated members are one stream, trailing padding is ignored (gzip
			 * -dc) */
			err = fill(d);
			if (err)
				return err;
			if (d->in_pos < d->in_len && d->in[d->in_pos] == 0x1f)
				inflateReset(&d->z);
			else
				d->done = 1;
			continue;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			log_err("failed to read %s: corrupt gzip data (%s)", d->label,
				d->z.msg ? d->z.msg : "inflate error");
			return -EBADMSG;
		}
	}
	return len - d->z.avail_out;
}

static ssize_t zstd_read(struct dec_stream *d, void *buf, size_t len)
{
	ZSTD_outBuffer out = { buf, len, 0 };
	int err;

	while (out.pos == 0) {
		ZSTD_inBuffer in;
		size_t r;

		err = fill(d);
		if (err)
			return err;
		if (d->in_pos == d->in_len) {
			if (d->zs_last == 0)
				return 0;
			log_err("failed to read %s: truncated zstd data", d->label);
			return -EBADMSG;
		}
		in.src = d->in;
		in.size = d->in_len;
		in.pos = d->in_pos;
		r = ZSTD_decompressStream(d->zs, &out, &in);
		d->in_pos = in.pos;
		if (ZSTD_isError(r)) {
			log_err("failed to read %s: corrupt zstd data (%s)", d->label,
				ZSTD_getErrorName(r));
			return -EBADMSG;
		}
		d->zs_last = r;
	}
	return out.pos;
}

static ssize_t dec_read(struct istream *s, void *buf, size_t len)
{
	struct dec_stream *d = (struct dec_stream *)s;
	ssize_t r;
	int err;

	if (!d->sniffed) {
		err = sniff(d);
		if (err)
			return err;
	}
	if (len > 1U << 30)
		len = 1U << 30;
	switch (d->codec) {
	case CODEC_GZIP:
		r = gz_read(d, buf, len);
		break;
	case CODEC_ZSTD:
		r = zstd_read(d, buf, len);
		break;
	default:
		if (d->in_pos < d->in_len) {
			r = d->in_len - d->in_pos < len ? d->in_len - d->in_pos : len;
			memcpy(buf, d->in + d->in_pos, r);
			d->in_pos += r;
		} else {
			r = d->raw->read(d->raw, buf, len);
			if (r > 0)
				d->in_total += r;
		}
	}
	if (r > 0) {
		d->out_total += r;
		err = check_caps(d);
		if (err)
			return err;
	}
	return r;
}

static void dec_close(struct istream *s)
{
	struct dec_stream *d = (struct dec_stream *)s;

	if (d->z_init)
		inflateEnd(&d->z);
	ZSTD_freeDStream(d->zs);
	istream_close(d->raw);
	free(d->in);
	free(d->label);
	free(d);
}

struct istream *istream_decompress(struct istream *raw, const char *label,
				   const struct stream_limits *lim)
{
	struct dec_stream *d = calloc(1, sizeof(*d));

	if (!d || !(d->in = malloc(INBUF_SIZE)) || !(d->label = strdup(label))) {
		if (d)
			free(d->in);
		free(d);
		istream_close(raw);
		return NULL;
	}
	d->s.read = dec_read;
	d->s.close = dec_close;
	d->raw = raw;
	if (lim)
		d->lim = *lim;
	return &d->s;
}

void istream_stats(struct istream *s, enum stream_codec *codec, uint64_t *in, uint64_t *out)
{
	struct dec_stream *d = (struct dec_stream *)s;

	if (s->read != dec_read) {
		*codec = CODEC_PLAIN;
		*in = *out = 0;
		return;
	}
	*codec = d->codec;
	*in = d->in_total;
	*out = d->out_total;
}

ssize_t istream_read_full(struct istream *s, void *buf, size_t len)
{
	size_t n = 0;

	while (n < len) {
		ssize_t r = s->read(s, (char *)buf + n, len - n);

		if (r < 0)
			return r;
		if (r == 0)
			break;
		n += r;
	}
	return n;
}

void istream_close(struct istream *s)
{
	if (s)
		s->close(s);
}

const char *stream_codec_name(enum stream_codec c)
{
	switch (c) {
	case CODEC_GZIP:
		return "gzip";
	case CODEC_ZSTD:
		return "zstd";
	default:
		return "plain";
	}
}
