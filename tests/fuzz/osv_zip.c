// SPDX-License-Identifier: GPL-2.0-only
/* zip reader for OSV exports (scanners/osv_zip.c), then each member through the OSV loader */
#include <errno.h>

#include "scanners/osv.h"
#include "tests/fuzz/fuzz.h"

static int member(const char *name, const char *buf, size_t len, void *arg)
{
	if (strlen(name) > 4096)
		abort();
	return osv_db_load_json(arg, buf, len, name) == -ENOMEM ? -ENOMEM : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct osv_db *db;
	char path[64];
	int fd;

	fuzz_quiet();
	db = osv_db_new();
	if (!db)
		return 0;
	fd = fuzz_file(data, size, path, sizeof(path));
	osv_zip_foreach(path, 1 << 20, member, db);
	close(fd);
	osv_db_free(db);
	return 0;
}
