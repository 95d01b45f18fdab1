// SPDX-License-Identifier: GPL-2.0-only
/*
 * Version comparators (scanners/version.c, kernel.c): two NUL-separated strings. Beyond memory
 * safety, each ordering must be reflexive and antisymmetric, or package matching gives answers
 * that depend on the order of the arguments.
 */
#include "scanners/kernel.h"
#include "scanners/version.h"
#include "tests/fuzz/fuzz.h"

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void check(int (*cmp)(const char *, const char *), const char *a, const char *b)
{
	if (cmp(a, a) != 0 || cmp(b, b) != 0)
		abort();
	if (sign(cmp(a, b)) != -sign(cmp(b, a)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *v[2];
	char *s;
	struct kver k;

	if (size > 4096)
		return 0;
	fuzz_quiet();
	s = fuzz_split(data, size, v, 2);
	check(dpkg_version_cmp, v[0], v[1]);
	check(apk_version_cmp, v[0], v[1]);
	check(rpmvercmp, v[0], v[1]);
	check(rpm_evr_cmp, v[0], v[1]);
	check(scan_dpkg_vercmp, v[0], v[1]);
	for (int i = 0; i < 3; i++)
		version_cmp((enum ver_scheme)i, v[0], v[1]);
	kver_parse(v[0], &k);
	free(s);
	return 0;
}
