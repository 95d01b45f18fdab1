// SPDX-License-Identifier: GPL-2.0-only
/* kernel rule YAML (scanners/kernel_rules.c) */
#include "scanners/kernel.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kernel_rules rules = {0};
	char err[256];

	fuzz_quiet();
	err[0] = 0;
	if (kernel_rules_parse("fuzz.yaml", (const char *)data, size, &rules, err, sizeof(err)) ==
	    0) {
		struct kernel_target t;
		char why[256];

		/* a parsed rule set must be matchable */
		kernel_target_init(&t, "5.15.0-91-generic", "",
				   "Ubuntu 5.15.0-91.101-generic 5.15.131");
		for (size_t i = 0; i < rules.n; i++)
			kernel_match(&rules, &rules.v[i], &t, why, sizeof(why));
	}
	if (strnlen(err, sizeof(err)) == sizeof(err))
		abort();
	kernel_rules_free(&rules);
	return 0;
}
