// SPDX-License-Identifier: GPL-2.0-only
/*
 * Debian and Ubuntu kernels judged by their vendor's OSV records (scanners/kernel_advisory.c):
 * which release and source package a kernel belongs to, and the verdicts the records give on
 * tests/fixtures/osv-kernel (Debian records built from Debian's linux changelogs, an extract of
 * Canonical's own CVE-2024-1086 record; provenance in its SOURCE.md).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "common/util.h"
#include "scanners/kernel.h"
#include "scanners/osv.h"

static struct kernel_rules rules;
static struct osv_db *db;

static int setup(void **state)
{
	char err[512];

	if (kernel_rules_builtin(&rules, err, sizeof(err)))
		return -1;
	db = osv_db_new();
	if (!db || osv_db_load_path(db, FIXTURES "/osv-kernel/debian") ||
	    osv_db_load_path(db, FIXTURES "/osv-kernel/ubuntu"))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	kernel_rules_free(&rules);
	osv_db_free(db);
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

static void target(struct kernel_target *t, const char *release, const char *pv, const char *sig,
		   const struct osv_db *adv)
{
	kernel_target_init(t, release, pv, sig);
	kernel_advisory_key(t, &t->adv);
	t->advisories = adv;
}

static void test_keys(void **state)
{
	static const struct {
		const char *release, *pv, *sig;
		int rc;
		const char *eco, *pkg, *ver;
		bool partial;
	} cases[] = {
		{ "6.1.0-18-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)", NULL, 0,
		  "Debian:12", "linux", "6.1.76-1", false },
		{ "5.10.0-28-amd64", "#1 SMP Debian 5.10.209-2 (2024-01-31)", NULL, 0, "Debian:11",
		  "linux", "5.10.209-2", false },
		/* bookworm's kernel built for bullseye is linux-6.1 there */
		{ "6.1.0-0.deb11.17-amd64", "#1 SMP Debian 6.1.69-1~deb11u1 (2023-12-30)", NULL, 0,
		  "Debian:11", "linux-6.1", "6.1.69-1~deb11u1", false },
		{ "4.19.0-26-amd64", "#1 SMP Debian 4.19.304-1 (2024-01-09)", NULL, 0, "Debian:10",
		  "linux", "4.19.304-1", false },
		{ "6.1.0-18-amd64", NULL, NULL, -ENOENT, "", "", "", false },
		{ "6.6.13+bpo-amd64", "#1 SMP Debian 6.6.13-1~bpo12+1 (2024-02-01)", NULL, -ENOENT,
		  "", "", "", false },
		{ "5.15.0-91-generic", NULL, "Ubuntu 5.15.0-91.101-generic 5.15.131", 0,
		  "Ubuntu:22.04", "linux", "5.15.0-91.101", false },
		{ "5.15.0-91-generic", "Linux version 5.15.0-91-generic #101-Ubuntu SMP", NULL, 0,
		  "Ubuntu:22.04", "linux", "5.15.0-91.101", false },
		{ "5.15.0-91-generic", NULL, NULL, 0, "Ubuntu:22.04", "linux", "5.15.0-91", true },
		{ "6.5.0-14-generic", NULL, "Ubuntu 6.5.0-14.14~22.04.1-generic 6.5.3", 0,
		  "Ubuntu:22.04", "linux-hwe-6.5", "6.5.0-14.14~22.04.1", false },
		{ "6.5.0-14-generic", NULL, "Ubuntu 6.5.0-14.14-generic 6.5.3", 0, "Ubuntu:23.10",
		  "linux", "6.5.0-14.14", false },
		{ "5.15.0-1051-aws", "#56-Ubuntu SMP", NULL, 0, "Ubuntu:22.04", "linux-aws",
		  "5.15.0-1051.56", false },
		{ "5.15.0-91-lowlatency", "#101~20.04.1-Ubuntu SMP PREEMPT", NULL, 0,
		  "Ubuntu:20.04", "linux-lowlatency-hwe-5.15", "5.15.0-91.101~20.04.1", false },
		{ "5.4.0-150-lowlatency", "#167-Ubuntu SMP PREEMPT", NULL, 0, "Ubuntu:20.04",
		  "linux", "5.4.0-150.167", false },
		{ "6.1.77", NULL, NULL, -ENOENT, "", "", "", false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kernel_target t;
		struct kernel_advisory_key k;
		int rc;

		kernel_target_init(&t, cases[i].release, cases[i].pv, cases[i].sig);
		rc = kernel_advisory_key(&t, &k);
		if (rc != cases[i].rc)
			fail_msg("%s %s: rc %d, want %d (%s)", cases[i].release,
				 cases[i].pv ? cases[i].pv : "", rc, cases[i].rc, k.why);
		if (rc) {
			assert_true(k.why[0]);
			continue;
		}
		assert_string_equal(k.ecosystem, cases[i].eco);
		assert_string_equal(k.package, cases[i].pkg);
		assert_string_equal(k.version, cases[i].ver);
		assert_int_equal(k.partial, cases[i].partial);
	}
}

struct verdict_case {
	const char *release, *pv, *sig, *cve;
	enum kernel_match want;
	const char *by; /* "" when the advisory must not decide */
};

static void check_cases(const struct verdict_case *c, size_t n, const struct osv_db *adv)
{
	for (size_t i = 0; i < n; i++) {
		struct kernel_target t;
		enum kernel_source src;
		enum kernel_match m;
		char why[512], by[160];

		target(&t, c[i].release, c[i].pv, c[i].sig, adv);
		m = kernel_match_by(&rules, rule(c[i].cve), &t, why, sizeof(why), &src, by,
				    sizeof(by));
		if (m != c[i].want || strcmp(by, c[i].by))
			fail_msg("%s %s on %s: %s by '%s' (%s), want %s by '%s'", c[i].cve,
				 c[i].pv    ? c[i].pv
				 : c[i].sig ? c[i].sig
					    : "",
				 c[i].release, kernel_match_name(m), by, why,
				 kernel_match_name(c[i].want), c[i].by);
		if (c[i].by[0] && m != KM_UNKNOWN)
			assert_int_equal(src, KS_ADVISORY);
	}
}

#define DEB(v) "#1 SMP PREEMPT_DYNAMIC Debian " v " (2024-02-01)"

static void test_debian(void **state)
{
	static const struct verdict_case cases[] = {
		/* Debian 12 fixed CVE-2024-1086 in 6.1.76-1, Debian 11 in 5.10.209-2 */
		{ "6.1.0-17-amd64", DEB("6.1.69-1"), NULL, "CVE-2024-1086", KM_VULNERABLE,
		  "DEBIAN-CVE-2024-1086, Debian:12" },
		{ "6.1.0-18-amd64", DEB("6.1.76-1"), NULL, "CVE-2024-1086", KM_FIXED,
		  "DEBIAN-CVE-2024-1086, Debian:12" },
		{ "5.10.0-27-amd64", DEB("5.10.209-1"), NULL, "CVE-2024-1086", KM_VULNERABLE,
		  "DEBIAN-CVE-2024-1086, Debian:11" },
		{ "5.10.0-28-amd64", DEB("5.10.209-2"), NULL, "CVE-2024-1086", KM_FIXED,
		  "DEBIAN-CVE-2024-1086, Debian:11" },
		/* upstream numbers say vulnerable (6.1.76 < 6.1.78): Debian's record decides */
		{ "6.1.0-18-amd64", DEB("6.1.76-1"), NULL, "CVE-2024-26581", KM_VULNERABLE,
		  "DEBIAN-CVE-2024-26581, Debian:12" },
		{ "6.1.0-19-amd64", DEB("6.1.82-1"), NULL, "CVE-2024-26581", KM_FIXED,
		  "DEBIAN-CVE-2024-26581, Debian:12" },
		/* a fix older than the kernel's branch: fixed in 5.16.7-1 for bookworm */
		{ "6.1.0-18-amd64", DEB("6.1.76-1"), NULL, "CVE-2022-0492", KM_FIXED,
		  "DEBIAN-CVE-2022-0492, Debian:12" },
		/* Debian's records have no Debian:12 entry for CVE-2023-0386: the rules decide */
		{ "6.1.0-18-amd64", DEB("6.1.76-1"), NULL, "CVE-2023-0386", KM_FIXED, "" },
		/* an Ubuntu-only bug stays not affected, whatever Debian's changelog mentions */
		{ "5.10.0-28-amd64", DEB("5.10.209-2"), NULL, "CVE-2021-3493", KM_NOT_AFFECTED,
		  "" },
		/* no package version: no advisory can answer */
		{ "6.1.0-18-amd64", NULL, NULL, "CVE-2024-1086", KM_UNKNOWN, "" },
	};

	check_cases(cases, ARRAY_SIZE(cases), db);
}

static void test_ubuntu(void **state)
{
	static const struct verdict_case cases[] = {
		/* Canonical: linux 5.15.0-101.111 fixed CVE-2024-1086 in 22.04 */
		{ "5.15.0-91-generic", NULL, "Ubuntu 5.15.0-91.101-generic 5.15.131",
		  "CVE-2024-1086", KM_VULNERABLE, "CVE-2024-1086, Ubuntu:22.04:LTS" },
		{ "5.15.0-101-generic", NULL, "Ubuntu 5.15.0-101.111-generic 5.15.143",
		  "CVE-2024-1086", KM_FIXED, "CVE-2024-1086, Ubuntu:22.04:LTS" },
		/* ABI only: below the fixed ABI is vulnerable, the fixed ABI itself unknown */
		{ "5.15.0-91-generic", NULL, NULL, "CVE-2024-1086", KM_VULNERABLE,
		  "CVE-2024-1086, Ubuntu:22.04:LTS" },
		{ "5.15.0-101-generic", NULL, NULL, "CVE-2024-1086", KM_UNKNOWN,
		  "CVE-2024-1086, Ubuntu:22.04:LTS" },
		{ "5.15.0-105-generic", NULL, NULL, "CVE-2024-1086", KM_FIXED,
		  "CVE-2024-1086, Ubuntu:22.04:LTS" },
		{ "5.15.0-1056-aws", "#61-Ubuntu SMP", NULL, "CVE-2024-1086", KM_FIXED,
		  "CVE-2024-1086, Ubuntu:22.04:LTS" },
		/* an entry without a fix (an end-of-life HWE kernel): vulnerable */
		{ "6.2.0-1018-aws", "#18~22.04.1-Ubuntu SMP", NULL, "CVE-2024-1086", KM_VULNERABLE,
		  "CVE-2024-1086, Ubuntu:22.04:LTS" },
		/* 20.04: linux 5.4.0-174.193 */
		{ "5.4.0-150-generic", NULL, "Ubuntu 5.4.0-150.167-generic 5.4.233",
		  "CVE-2024-1086", KM_VULNERABLE, "CVE-2024-1086, Ubuntu:20.04:LTS" },
		{ "5.4.0-174-generic", "#193-Ubuntu SMP", NULL, "CVE-2024-1086", KM_FIXED,
		  "CVE-2024-1086, Ubuntu:20.04:LTS" },
		/* no record for 24.04 in the fixture: the rules decide (6.8 has the fix) */
		{ "6.8.0-31-generic", NULL, "Ubuntu 6.8.0-31.31-generic 6.8.1", "CVE-2024-1086",
		  KM_FIXED, "" },
	};

	check_cases(cases, ARRAY_SIZE(cases), db);
}

/* The kernel package's changelog decides before the advisory, which decides before the rules. */
static void test_changelog_first(void **state)
{
	struct osv_db *wrong = osv_db_new();
	static const char rec[] =
		"{\"id\":\"DEBIAN-CVE-2024-1086\",\"upstream\":[\"CVE-2024-1086\"],\"affected\":["
		"{\"package\":{\"name\":\"linux\",\"ecosystem\":\"Debian:12\"},\"ranges\":[{"
		"\"type\":"
		"\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"6.1.90-1\"}]}]}]}";
	struct kernel_changelog cl = { 0 };
	struct kernel_target t;
	enum kernel_source src;
	char why[512], by[160], *text;
	gzFile gz = gzopen(FIXTURES "/kernel/debian-bookworm-linux-6.1.82-1.changelog.gz", "rb");
	int n;

	assert_non_null(wrong);
	assert_int_equal(osv_db_load_json(wrong, rec, strlen(rec), "wrong"), 0);
	assert_non_null(gz);
	text = malloc(1 << 22);
	assert_non_null(text);
	n = gzread(gz, text, (1 << 22) - 1);
	gzclose(gz);
	assert_true(n > 0);
	text[n] = '\0';
	assert_int_equal(kernel_changelog_parse(text, "6.1.76-1", &cl), 0);

	/* a record that disagrees with the changelog loses to it */
	target(&t, "6.1.0-18-amd64", DEB("6.1.76-1"), NULL, wrong);
	t.changelog = &cl;
	assert_int_equal(kernel_match_by(&rules, rule("CVE-2024-1086"), &t, why, sizeof(why), &src,
					 by, sizeof(by)),
			 KM_FIXED);
	assert_int_equal(src, KS_CHANGELOG);
	assert_string_equal(by, "");
	/* without the changelog the (wrong) record decides: the data, not the rules, answers */
	t.changelog = NULL;
	assert_int_equal(kernel_match_by(&rules, rule("CVE-2024-1086"), &t, why, sizeof(why), &src,
					 by, sizeof(by)),
			 KM_VULNERABLE);
	assert_int_equal(src, KS_ADVISORY);
	assert_string_equal(by, "DEBIAN-CVE-2024-1086, Debian:12");
	assert_non_null(strstr(why, "fixed in 6.1.90-1"));
	kernel_changelog_free(&cl);
	free(text);
	osv_db_free(wrong);
}

/*
 * Entries that must not judge a release: a release-less "Debian" entry (a fix in unstable), an
 * Ubuntu Pro entry, another source package, a record naming another CVE.
 */
static void test_entries_that_do_not_count(void **state)
{
	static const char recs[] =
		"[{\"id\":\"DEBIAN-CVE-2024-1086\",\"upstream\":[\"CVE-2024-1086\"],\"affected\":["
		"{\"package\":{\"name\":\"linux\",\"ecosystem\":\"Debian\"},\"ranges\":[{\"type\":"
		"\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"6.1.70-1\"}]}]}]},"
		"{\"id\":\"UBUNTU-CVE-2024-1086\",\"upstream\":[\"CVE-2024-1086\"],\"affected\":["
		"{\"package\":{\"name\":\"linux\",\"ecosystem\":\"Ubuntu:Pro:22.04:LTS\"},"
		"\"ranges\":"
		"[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":"
		"\"5.15.0-80.1\"}]}]},"
		"{\"package\":{\"name\":\"linux-aws\",\"ecosystem\":\"Ubuntu:22.04:LTS\"},"
		"\"ranges\":"
		"[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":"
		"\"5.15.0-80.1\"}]}]}]},"
		"{\"id\":\"DEBIAN-CVE-2099-0001\",\"upstream\":[\"CVE-2099-0001\"],\"affected\":["
		"{\"package\":{\"name\":\"linux\",\"ecosystem\":\"Debian:12\"},\"ranges\":[{"
		"\"type\":"
		"\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"6.1.70-1\"}]}]}]}]";
	static const struct verdict_case cases[] = {
		/* the rules' own answer: a Debian kernel below the stable fix may have a backport
		 */
		{ "6.1.0-17-amd64", DEB("6.1.69-1"), NULL, "CVE-2024-1086", KM_UNKNOWN, "" },
		{ "5.15.0-91-generic", NULL, "Ubuntu 5.15.0-91.101-generic 5.15.131",
		  "CVE-2024-1086", KM_UNKNOWN, "" },
	};
	struct osv_db *d = osv_db_new();

	assert_non_null(d);
	assert_int_equal(osv_db_load_json(d, recs, strlen(recs), "test"), 0);
	check_cases(cases, ARRAY_SIZE(cases), d);
	osv_db_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_debian),
		cmocka_unit_test(test_ubuntu),
		cmocka_unit_test(test_changelog_first),
		cmocka_unit_test(test_entries_that_do_not_count),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
