// SPDX-License-Identifier: GPL-2.0-only
/*
 * Image archives (scanners/image_archive.c): docker-archive and oci-archive tars, their
 * manifest.json, index.json (nested indexes) and image configs, then the layers into an imgfs.
 */
#include <stdbool.h>

#include "scanners/image_archive.h"
#include "tests/fuzz/fuzz.h"

static bool want(const char *path)
{
	return strncmp(path, "etc/", 4) == 0 || strncmp(path, "var/lib/", 8) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct stream_limits lim = {.max_out = 16 << 20, .max_ratio = 100};
	struct imgfs *fs = NULL;
	struct image_info info;
	char path[64];
	int fd;

	/* image_load runs `docker save` for a name that is no file: never let it get that far */
	fuzz_quiet();
	fd = fuzz_file(data, size, path, sizeof(path));
	if (image_load(path, &lim, want, &fs, &info) == 0) {
		char *buf = NULL;
		size_t len;

		if (imgfs_read(fs, "etc/os-release", &buf, &len) == 0)
			free(buf);
	}
	imgfs_free(fs);
	close(fd);
	return 0;
}
