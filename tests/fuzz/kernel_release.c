// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel identification (scanners/kernel_match.c): uname -r, /proc/version and
 * /proc/version_signature as three NUL-separated strings, matched against the built-in rules.
 */
#include "scanners/kernel.h"
#include "tests/fuzz/fuzz.h"

static struct kernel_rules rules;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int loaded;
	struct kernel_target t;
	const char *v[3];
	char why[256], *s;
	struct kver k;

	fuzz_quiet();
	if (!loaded) {
		char err[256];

		if (kernel_rules_builtin(&rules, err, sizeof(err)))
			abort();
		loaded = 1;
	}
	if (size > 2048)
		return 0;
	s = fuzz_split(data, size, v, 3);
	kver_parse(v[0], &k);
	kernel_target_init(&t, v[0], v[1], v[2]);
	(void)kernel_flavor_name(t.flavor);
	for (size_t i = 0; i < rules.n; i++)
		(void)kernel_match_name(kernel_match(&rules, &rules.v[i], &t, why, sizeof(why)));
	free(s);
	return 0;
}
