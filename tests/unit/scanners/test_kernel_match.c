// SPDX-License-Identifier: GPL-2.0-only
/* Kernel matching against the shipped rule file: stable-branch edges, distro kernels, vendor data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "scanners/kernel.h"

static struct kernel_rules rules;

static int setup(void **state)
{
	char err[512];

	if (kernel_rules_builtin(&rules, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	kernel_rules_free(&rules);
	return 0;
}

static const struct kernel_rule *rule(const char *id)
{
	for (size_t i = 0; i < rules.n; i++)
		if (!strcmp(rules.v[i].id, id))
			return &rules.v[i];
	fail_msg("no rule %s", id);
	return NULL;
}

static const struct {
	const char *cve, *release, *proc_version, *signature;
	enum kernel_match want;
} cases[] = {
	/* Dirty Pipe on the stable branches: the edge of each fix */
	{ "CVE-2022-0847", "5.10.101", NULL, NULL, KM_VULNERABLE },
	{ "CVE-2022-0847", "5.10.102", NULL, NULL, KM_FIXED },
	{ "CVE-2022-0847", "5.15.24", NULL, NULL, KM_VULNERABLE },
	{ "CVE-2022-0847", "5.15.25", NULL, NULL, KM_FIXED },
	{ "CVE-2022-0847", "5.16.10", NULL, NULL, KM_VULNERABLE },
	{ "CVE-2022-0847", "5.16.11", NULL, NULL, KM_FIXED },
	{ "CVE-2022-0847", "5.17.0", NULL, NULL, KM_FIXED },
	{ "CVE-2022-0847", "6.18.44-fc-v782", NULL, NULL, KM_FIXED },
	{ "CVE-2022-0847", "5.4.300", NULL, NULL, KM_NOT_AFFECTED },
	{ "CVE-2022-0847", "5.7.19", NULL, NULL, KM_NOT_AFFECTED },
	/* 5.13 ended (2021-09) before the fix (2022-02): vulnerable, never fixed */
	{ "CVE-2022-0847", "5.13.19", NULL, NULL, KM_VULNERABLE },
	/* a release candidate of the fixing release is not known to be fixed */
	{ "CVE-2022-0847", "5.17.0-rc3", NULL, NULL, KM_UNKNOWN },
	/* CVE-2022-0492: 4.4 ended (2022-02) in the month of the fix: no data, so unknown */
	{ "CVE-2022-0492", "4.4.302", NULL, NULL, KM_UNKNOWN },
	{ "CVE-2022-0492", "4.9.300", NULL, NULL, KM_VULNERABLE },
	{ "CVE-2022-0492", "4.9.301", NULL, NULL, KM_FIXED },
	{ "CVE-2024-1086", "6.1.75", NULL, NULL, KM_VULNERABLE },
	{ "CVE-2024-1086", "6.1.76", NULL, NULL, KM_FIXED },
	{ "CVE-2024-1086", "3.14.79", NULL, NULL, KM_NOT_AFFECTED },
	/* Debian: no patch level in the release, the package version is in /proc/version */
	{ "CVE-2024-1086", "6.1.0-18-amd64", NULL, NULL, KM_UNKNOWN },
	{ "CVE-2022-0847", "6.1.0-18-amd64", NULL, NULL, KM_FIXED },
	{ "CVE-2024-1086", "6.1.0-18-amd64",
	  "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC "
	  "Debian 6.1.76-1 (2024-02-01)",
	  NULL, KM_FIXED },
	/* based on 6.1.69: upstream says vulnerable, Debian may have backported: unknown */
	{ "CVE-2024-1086", "6.1.0-17-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 (2023-12-30)",
	  NULL, KM_UNKNOWN },
	/* vendor data: Debian fixed Dirty Pipe in 5.10.92-2, before the 5.10.102 rebase */
	{ "CVE-2022-0847", "5.10.0-11-amd64", "#1 SMP Debian 5.10.92-2 (2022-02-28)", NULL,
	  KM_FIXED },
	{ "CVE-2022-0847", "5.10.0-11-amd64", "#1 SMP Debian 5.10.92-1 (2022-01-18)", NULL,
	  KM_VULNERABLE },
	/* Ubuntu: the package version from /proc/version_signature, HWE builds too */
	{ "CVE-2022-0847", "5.13.0-35-generic", NULL, "Ubuntu 5.13.0-35.40-generic 5.13.19",
	  KM_FIXED },
	{ "CVE-2022-0847", "5.13.0-35-generic", NULL, "Ubuntu 5.13.0-35.40~20.04.1-generic 5.13.19",
	  KM_FIXED },
	{ "CVE-2022-0847", "5.13.0-30-generic", NULL, "Ubuntu 5.13.0-30.33-generic 5.13.19",
	  KM_VULNERABLE },
	{ "CVE-2022-0847", "5.13.0-30-generic", "#33-Ubuntu SMP Fri Feb 4 17:03:31 UTC 2022", NULL,
	  KM_VULNERABLE },
	/* only the ABI known: the same ABI as the fix cannot be decided */
	{ "CVE-2022-0847", "5.13.0-35-generic", NULL, NULL, KM_UNKNOWN },
	{ "CVE-2022-0847", "5.13.0-39-generic", NULL, NULL, KM_FIXED },
	{ "CVE-2024-1086", "5.15.0-91-generic", NULL, NULL, KM_UNKNOWN },
	/* Ubuntu-only bugs: never on other kernels */
	{ "CVE-2021-3493", "5.4.100", NULL, NULL, KM_NOT_AFFECTED },
	{ "CVE-2021-3493", "5.4.0-70-generic", "#78-Ubuntu SMP", NULL, KM_VULNERABLE },
	{ "CVE-2021-3493", "5.4.0-72-generic", "#80-Ubuntu SMP", NULL, KM_FIXED },
	{ "CVE-2021-3493", "5.11.0-16-generic", "#17-Ubuntu SMP", NULL, KM_UNKNOWN },
	/* RHEL: nothing from the X.Y.Z but an older mainline fix */
	{ "CVE-2022-0185", "4.18.0-348.el8.x86_64", NULL, NULL, KM_UNKNOWN },
	{ "CVE-2016-5195", "4.18.0-348.el8.x86_64", NULL, NULL, KM_FIXED },
};

static void test_match_table(void **state)
{
	char why[512];
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kernel_target t;
		enum kernel_match m;

		kernel_target_init(&t, cases[i].release, cases[i].proc_version, cases[i].signature);
		m = kernel_match(&rules, rule(cases[i].cve), &t, why, sizeof(why));
		if (m != cases[i].want) {
			print_error("%s on %s: want %s, got %s (%s)\n", cases[i].cve,
				    cases[i].release, kernel_match_name(cases[i].want),
				    kernel_match_name(m), why);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_target_flavors(void **state)
{
	struct kernel_target t;

	kernel_target_init(&t, "6.1.0-18-amd64", "... Debian 6.1.76-1 (2024-02-01)", NULL);
	assert_int_equal(t.flavor, KF_DEBIAN);
	assert_string_equal(t.pkgver, "6.1.76-1");
	assert_true(t.upstream_known);
	assert_int_equal(t.upstream.patch, 76);
	kernel_target_init(&t, "5.15.0-91-generic", "#101~20.04.1-Ubuntu SMP", NULL);
	assert_int_equal(t.flavor, KF_UBUNTU);
	assert_string_equal(t.pkgver, "5.15.0-91.101");
	assert_false(t.upstream_known);
	kernel_target_init(&t, "4.18.0-513.5.1.el8_9.x86_64", NULL, NULL);
	assert_int_equal(t.flavor, KF_RHEL);
	kernel_target_init(&t, "6.7.4-200.fc39.x86_64", NULL, NULL);
	assert_int_equal(t.flavor, KF_DISTRO);
	assert_int_equal(t.upstream.patch, 4);
	kernel_target_init(&t, "6.18.44-fc-v782", NULL, NULL);
	assert_int_equal(t.flavor, KF_UPSTREAM);
}

static void test_dpkg_vercmp(void **state)
{
	static const struct {
		const char *a, *b;
		int want;
	} v[] = {
		{ "5.10.92-2", "5.10.92-1", 1 },
		{ "5.10.92-1", "5.10.92-2", -1 },
		{ "1.0~rc1", "1.0", -1 },
		{ "1:0.1", "2.0", 1 },
		{ "5.13.0-35.40", "5.13.0-35.40", 0 },
		{ "5.13.0-35.40~20.04.1", "5.13.0-35.40", -1 },
		{ "6.1.76-1", "6.1.69-1", 1 },
		{ "1.1.5+ds1-1+deb12u1", "1.1.5+ds1-1", 1 },
		{ "1.0a", "1.0", 1 },
		{ "1.0-1", "1.0", 1 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int got = scan_dpkg_vercmp(v[i].a, v[i].b);

		if (got != v[i].want)
			fail_msg("%s vs %s: want %d, got %d", v[i].a, v[i].b, v[i].want, got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_target_flavors),
		cmocka_unit_test(test_dpkg_vercmp),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
