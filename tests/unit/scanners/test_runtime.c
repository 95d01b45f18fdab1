// SPDX-License-Identifier: GPL-2.0-only
/* Runtime versions against their escape CVEs: branches, pre-releases, Debian packages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "scanners/runtime.h"

static const struct runtime_rule leaky = { "runc",	 "CVE-2024-21626",
					   SEV_CRITICAL, "x",
					   NULL,	 "1.0.0-rc93",
					   { "1.1.12" }, "1.1.5+ds1-1+deb12u1" };
static const struct runtime_rule shim = { "containerd", "CVE-2020-15257",     SEV_HIGH, "x", NULL,
					  NULL,		{ "1.3.9", "1.4.3" }, NULL };
static const struct runtime_rule exe = { "runc", "CVE-2019-5736", SEV_CRITICAL, "x", NULL,
					 NULL,	 { "1.0.0-rc7" }, NULL };

static void test_match(void **state)
{
	static const struct {
		const struct runtime_rule *r;
		const char *version, *pkg;
		enum kernel_match want;
	} v[] = {
		{ &leaky, "1.1.11", NULL, KM_VULNERABLE },
		{ &leaky, "1.1.12", NULL, KM_FIXED },
		{ &leaky, "1.2.0", NULL, KM_FIXED },
		{ &leaky, "1.0.0-rc92", NULL, KM_NOT_AFFECTED },
		{ &leaky, "1.1.5+ds1", "1.1.5+ds1-1+deb12u1", KM_FIXED },
		{ &leaky, "1.1.5+ds1", "1.1.5+ds1-1", KM_VULNERABLE },
		{ &shim, "1.4.2", NULL, KM_VULNERABLE },
		{ &shim, "1.4.3", NULL, KM_FIXED },
		{ &shim, "1.3.8", NULL, KM_VULNERABLE },
		{ &shim, "1.2.14", NULL, KM_VULNERABLE }, /* 1.2 never got the fix */
		{ &shim, "1.6.20~ds1", "1.6.20~ds1-1+deb12u3", KM_FIXED },
		{ &shim, "1.4.1~ds1", "1.4.1~ds1-1", KM_UNKNOWN }, /* Debian may have backported */
		{ &exe, "1.0.0-rc6", NULL, KM_VULNERABLE },
		{ &exe, "1.0.0-rc7", NULL, KM_FIXED },
		{ &exe, "1.0.0", NULL, KM_FIXED },
		{ &exe, "1.1.5", NULL, KM_FIXED },
		{ &exe, "1.0.0-rc6+dev", NULL, KM_UNKNOWN }, /* Docker 18.09.2 shipped it patched */
	};
	char why[512];
	int bad = 0;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		enum kernel_match m =
			runtime_match(v[i].r, v[i].version, v[i].pkg, why, sizeof(why));

		if (m != v[i].want) {
			print_error("%s %s: want %s, got %s (%s)\n", v[i].r->cve, v[i].version,
				    kernel_match_name(v[i].want), kernel_match_name(m), why);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_match) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
