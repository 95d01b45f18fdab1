// SPDX-License-Identifier: GPL-2.0-only
/* tar reader (scanners/tar.c) over a plain in-memory stream, plus path normalisation */
#include "scanners/tar.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct istream *s;
	struct tar *t;
	const struct tar_entry *e;
	char buf[512];
	int i = 0;

	fuzz_quiet();
	s = istream_mem(data, size);
	t = s ? tar_open(s, "fuzz.tar") : NULL;
	while (t && tar_next(t, &e) == 1 && i++ < 4096) {
		if (i & 1) {
			char *all = NULL;
			size_t len;

			if (tar_read_all(t, 1 << 20, &all, &len) == 0 && all[len])
				abort(); /* promised NUL-terminated */
			free(all);
		} else {
			while (tar_read(t, buf, sizeof(buf)) > 0)
				;
		}
		(void)tar_data_offset(t);
	}
	tar_close(t);
	istream_close(s);

	/* tar_normalize on the input as one path */
	if (size < 4096) {
		char *in = fuzz_str(data, size), *out = malloc(size + 1);

		if (!out)
			abort();
		tar_normalize(in, out);
		free(in);
		free(out);
	}
	return 0;
}
