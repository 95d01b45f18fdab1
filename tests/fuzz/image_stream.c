// SPDX-License-Identifier: GPL-2.0-only
/* gzip/zstd/plain detection and decompression (scanners/image_stream.c) */
#include "scanners/image_stream.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* caps keep one input's work bounded, as image scans do */
	const struct stream_limits lim = {.max_out = 8 << 20, .max_ratio = 100};
	struct istream *raw, *s;
	enum stream_codec codec;
	uint64_t in, out;
	static char buf[65536];
	ssize_t n;

	fuzz_quiet();
	raw = istream_mem(data, size);
	if (!raw)
		return 0;
	s = istream_decompress(raw, "fuzz", &lim);
	if (!s)
		return 0; /* raw was closed with it */
	/* odd read sizes exercise the refill paths */
	do {
		n = s->read(s, buf, 1 + (size % 4093));
		if (n > 0)
			n = istream_read_full(s, buf, sizeof(buf));
	} while (n > 0);
	istream_stats(s, &codec, &in, &out);
	(void)stream_codec_name(codec);
	istream_close(s);
	return 0;
}
