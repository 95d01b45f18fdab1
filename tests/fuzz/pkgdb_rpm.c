// SPDX-License-Identifier: GPL-2.0-only
/* rpm sqlite database (scanners/pkgdb_rpm.c) */
#include "scanners/pkgdb.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkglist l = {0};

	fuzz_quiet();
	pkgdb_parse_rpm_sqlite(data, size, "rpmdb.sqlite", &l);
	pkglist_sort(&l);
	if (l.n)
		pkglist_find(&l, l.v[0].name);
	pkglist_free(&l);
	return 0;
}
