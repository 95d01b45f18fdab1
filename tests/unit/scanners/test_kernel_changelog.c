// SPDX-License-Identifier: GPL-2.0-only
/*
 * Vendor kernels judged by their own package changelog: real excerpts of Debian's linux
 * changelogs (bookworm 6.1.69-1..6.1.82-1, bullseye 5.10.209-1..-2) and an rpm changelog in the
 * format of `rpm -q --changelog` (made up: no RPM repository is reachable from here).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "scanners/kernel.h"

static struct kernel_rules rules;

static char *slurp(const char *name)
{
	char path[512], *buf = malloc(1 << 22);
	gzFile gz;
	int n;

	snprintf(path, sizeof(path), "%s/kernel/%s", FIXTURES, name);
	gz = gzopen(path, "rb"); /* plain files too */
	assert_non_null(gz);
	assert_non_null(buf);
	n = gzread(gz, buf, (1 << 22) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	gzclose(gz);
	return buf;
}

static int setup(void **state)
{
	char err[512];

	return kernel_rules_builtin(&rules, err, sizeof(err)) ? -1 : 0;
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

static void test_parse_debian(void **state)
{
	struct kernel_changelog cl;
	char *text = slurp("debian-bookworm-linux-6.1.82-1.changelog.gz");
	const struct kver b61 = { 6, 1, 0 };

	assert_int_equal(kernel_changelog_parse(text, NULL, &cl), 0);
	assert_string_equal(cl.kind, "debian");
	assert_string_equal(cl.top, "6.1.82-1");
	assert_true(kernel_changelog_names(&cl, "CVE-2024-1086"));
	assert_true(kernel_changelog_names(&cl, "CVE-2024-26581"));
	assert_false(kernel_changelog_names(&cl, "CVE-2022-0847"));
	assert_int_equal(kernel_changelog_base(&cl, &b61)->patch, 82);
	kernel_changelog_free(&cl);

	/* the kernel is 6.1.76-1: the 6.1.82-1 upload above it does not count */
	assert_int_equal(kernel_changelog_parse(text, "6.1.76-1", &cl), 0);
	assert_string_equal(cl.top, "6.1.76-1");
	assert_true(kernel_changelog_names(&cl, "CVE-2024-1086"));
	assert_false(kernel_changelog_names(&cl, "CVE-2024-26581"));
	assert_int_equal(kernel_changelog_base(&cl, &b61)->patch, 76);
	kernel_changelog_free(&cl);
	free(text);
}

static void test_parse_rpm(void **state)
{
	struct kernel_changelog cl;
	char *text = slurp("rpm-kernel-changelog.txt");

	assert_int_equal(kernel_changelog_parse(text, NULL, &cl), 0);
	assert_string_equal(cl.kind, "rpm");
	assert_string_equal(cl.top, "4.18.0-513.24.1.el8_9");
	assert_true(kernel_changelog_names(&cl, "CVE-2024-1086"));
	assert_true(kernel_changelog_names(&cl, "CVE-2023-0386"));
	assert_int_equal(cl.nbases, 0);
	kernel_changelog_free(&cl);
	free(text);
}

static const struct {
	const char *cve, *release, *proc_version, *fixture;
	enum kernel_match want;
	enum kernel_source src;
} cases[] = {
	/* without the changelog: unknown, decided by nothing */
	{ "CVE-2024-1086", "6.1.0-17-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 (2023-12-30)",
	  NULL, KM_UNKNOWN, KS_NONE },
	/* 6.1.69-1's changelog: no word of the fix, base 6.1.69 < 6.1.76 */
	{ "CVE-2024-1086", "6.1.0-17-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 (2023-12-30)",
	  "debian-bookworm-linux-6.1.82-1.changelog.gz", KM_VULNERABLE, KS_CHANGELOG },
	{ "CVE-2024-1086", "6.1.0-18-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)",
	  "debian-bookworm-linux-6.1.82-1.changelog.gz", KM_FIXED, KS_CHANGELOG },
	{ "CVE-2024-26581", "6.1.0-18-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)",
	  "debian-bookworm-linux-6.1.82-1.changelog.gz", KM_VULNERABLE, KS_CHANGELOG },
	{ "CVE-2024-26581", "6.1.0-19-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.82-1 (2024-03-20)",
	  "debian-bookworm-linux-6.1.82-1.changelog.gz", KM_FIXED, KS_CHANGELOG },
	/* the release string alone (the changelog of the running kernel gives the base) */
	{ "CVE-2024-26581", "6.1.0-19-amd64", NULL, "debian-bookworm-linux-6.1.82-1.changelog.gz",
	  KM_FIXED, KS_CHANGELOG },
	/* bullseye: 5.10.209-1 lacked the CVE-2024-1086 fix, 5.10.209-2 cherry-picked it */
	{ "CVE-2024-1086", "5.10.0-27-amd64", "#1 SMP Debian 5.10.209-1 (2024-01-28)",
	  "debian-bullseye-linux-5.10.209-2.changelog.gz", KM_VULNERABLE, KS_CHANGELOG },
	{ "CVE-2024-1086", "5.10.0-28-amd64", "#1 SMP Debian 5.10.209-2 (2024-01-31)",
	  "debian-bullseye-linux-5.10.209-2.changelog.gz", KM_FIXED, KS_CHANGELOG },
	/* rpm: named means fixed; not named stays unknown (no upstream base to judge by) */
	{ "CVE-2024-1086", "4.18.0-513.24.1.el8_9.x86_64", NULL, "rpm-kernel-changelog.txt",
	  KM_FIXED, KS_CHANGELOG },
	{ "CVE-2024-26581", "4.18.0-513.24.1.el8_9.x86_64", NULL, "rpm-kernel-changelog.txt",
	  KM_UNKNOWN, KS_NONE },
	/* a changelog does not turn another vendor's bug into this kernel's */
	{ "CVE-2023-2640", "6.1.0-18-amd64", NULL, "debian-bookworm-linux-6.1.82-1.changelog.gz",
	  KM_NOT_AFFECTED, KS_RULES },
};

static void test_match_with_changelog(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kernel_changelog cl = { 0 };
		struct kernel_target t;
		enum kernel_source src;
		enum kernel_match m;
		char why[512], *text = NULL;

		kernel_target_init(&t, cases[i].release, cases[i].proc_version, NULL);
		if (cases[i].fixture) {
			const struct kver *b;

			text = slurp(cases[i].fixture);
			assert_int_equal(kernel_changelog_parse(text, t.pkgver, &cl), 0);
			t.changelog = &cl;
			/* as scan_kernel() does for a Debian release without a patch level */
			b = kernel_changelog_base(&cl, &t.branch);
			if (t.flavor == KF_DEBIAN && !t.upstream_known && b) {
				t.upstream = *b;
				t.upstream_known = true;
			}
		}
		m = kernel_match_src(&rules, rule(cases[i].cve), &t, why, sizeof(why), &src);
		if (m != cases[i].want || src != cases[i].src) {
			print_error("%s on %s (%s): want %s by %s, got %s by %s (%s)\n",
				    cases[i].cve, cases[i].release,
				    cases[i].proc_version ? cases[i].proc_version : "-",
				    kernel_match_name(cases[i].want),
				    kernel_source_name(cases[i].src), kernel_match_name(m),
				    kernel_source_name(src), why);
			bad++;
		}
		kernel_changelog_free(&cl);
		free(text);
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_debian),
		cmocka_unit_test(test_parse_rpm),
		cmocka_unit_test(test_match_with_changelog),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
