// SPDX-License-Identifier: GPL-2.0-only
/*
 * scanners/osv.c and osv_zip.c: loading from a directory, a zip and the built-in set, and matching
 * with known answers (epochs, '~', two ranges, last_affected, explicit versions, releases).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"
#include "scanners/osv.h"

struct got {
	char ids[8][64];
	char fixed[8][64];
	char sev[8][16];
	int n;
};

static int collect(const struct osv_hit *h, void *arg)
{
	struct got *g = arg;

	if (g->n < 8) {
		struct osv_severity sv;

		osv_hit_severity(h, &sv);
		snprintf(g->ids[g->n], 64, "%s", h->vuln->id);
		snprintf(g->fixed[g->n], 64, "%s", h->fixed ? h->fixed : "-");
		snprintf(g->sev[g->n], 16, "%s", sv.level ? sv.level : "-");
	}
	g->n++;
	return 0;
}

static const char *fixed_for(struct got *g, const char *id)
{
	for (int i = 0; i < g->n && i < 8; i++)
		if (!strcmp(g->ids[i], id))
			return g->fixed[i];
	return NULL;
}

static void check_db(struct osv_db *db)
{
	static const struct {
		const char *eco, *name, *ver;
		enum ver_scheme s;
		const char *id, *fixed; /* id NULL: nothing matches */
	} cases[] = {
		{ "Debian:12", "foo", "2.5-1", VER_DPKG, "TEST-EPOCH", "1:2.0-1~deb12u1" },
		{ "Debian:12", "foo", "1:2.0-1~deb12u0", VER_DPKG, "TEST-EPOCH",
		  "1:2.0-1~deb12u1" },
		{ "Debian:12", "foo", "1:2.0-1~deb12u1", VER_DPKG, NULL, NULL },
		{ "Debian:12", "foo", "1:2.0-1", VER_DPKG, NULL, NULL },
		{ "Debian:12", "foo", "1:2.0-1~", VER_DPKG, "TEST-EPOCH", "1:2.0-1~deb12u1" },
		{ "Debian:13", "foo", "1:1.2", VER_DPKG, "TEST-TWO-RANGES", "1:1.5" },
		{ "Debian:13", "foo", "1:1.5", VER_DPKG, NULL, NULL },
		{ "Debian:13", "foo", "1:0.9", VER_DPKG, NULL, NULL },
		{ "Debian:13", "foo", "1:3.2", VER_DPKG, "TEST-TWO-RANGES", "-" },
		{ "Debian:13", "foo", "1:3.2.1", VER_DPKG, NULL, NULL },
		{ "Ubuntu:22.04", "bar", "1.0-1ubuntu1", VER_DPKG, "TEST-UBUNTU-VERSIONS", "-" },
		{ "Ubuntu:22.04", "bar", "1.0-1ubuntu2", VER_DPKG, NULL, NULL }, /* Pro only */
		{ "Ubuntu:20.04", "bar", "1.0-1ubuntu1", VER_DPKG, NULL, NULL },
		{ "Alpine:v3.19", "baz", "1.2.3-r1", VER_APK, "TEST-ALPINE", "1.2.3-r2" },
		{ "Alpine:v3.19", "baz", "1.2.3_rc1-r5", VER_APK, "TEST-ALPINE", "1.2.3-r2" },
		{ "Alpine:v3.19", "baz", "1.2.3-r2", VER_APK, NULL, NULL },
		{ "Alpine:v3.18", "baz", "1.0-r0", VER_APK, NULL, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct got g = { 0 };
		const char *f;

		assert_int_equal(osv_db_match(db, cases[i].eco, cases[i].name, cases[i].ver,
					      cases[i].s, collect, &g),
				 0);
		if (!cases[i].id) {
			if (g.n)
				fail_msg("%s %s %s: unexpected %s", cases[i].eco, cases[i].name,
					 cases[i].ver, g.ids[0]);
			continue;
		}
		f = fixed_for(&g, cases[i].id);
		if (!f || strcmp(f, cases[i].fixed))
			fail_msg("%s %s %s: want %s fixed %s, got %d hits (%s fixed %s)",
				 cases[i].eco, cases[i].name, cases[i].ver, cases[i].id,
				 cases[i].fixed, g.n, g.n ? g.ids[0] : "-", f ? f : "-");
		/* the Debian:12 query also sees the release-less Debian record, never Debian:11 */
		for (int k = 0; k < g.n && k < 8; k++)
			assert_string_not_equal(g.ids[k], "TEST-OTHER-RELEASE");
	}
	/* severities: computed from the CVSS vector, or the database's word */
	{
		struct got g = { 0 };

		osv_db_match(db, "Debian:12", "foo", "1:1.2", VER_DPKG, collect, &g);
		assert_int_equal(g.n, 2);
		for (int k = 0; k < 2; k++)
			assert_string_equal(g.sev[k],
					    strcmp(g.ids[k], "TEST-EPOCH") ? "LOW" : "CRITICAL");
	}
}

static void test_dir(void **state)
{
	struct osv_db *db = osv_db_new();
	size_t n, skipped;

	assert_int_equal(osv_db_load_path(db, FIXTURES "/image/osv"), 0);
	osv_db_counts(db, &n, &skipped);
	assert_int_equal(n, 6);	      /* withdrawn one not kept */
	assert_int_equal(skipped, 1); /* broken.json */
	check_db(db);
	osv_db_free(db);
}

static void test_zip(void **state)
{
	struct osv_db *db = osv_db_new();
	size_t n, skipped;

	assert_int_equal(osv_db_load_path(db, FIXTURES "/image/osv.zip"), 0);
	osv_db_counts(db, &n, &skipped);
	assert_int_equal(n, 6);
	check_db(db);
	osv_db_free(db);
	/* not a zip */
	db = osv_db_new();
	assert_int_equal(osv_zip_foreach(FIXTURES "/image/layer1.tar", 1 << 20, NULL, NULL),
			 -EBADMSG);
	/* found by fuzzing: a NUL inside a member name made the suffix test read before the name */
	assert_int_equal(osv_zip_foreach(FIXTURES "/fuzz-regressions/osv_zip/nul-in-member-name",
					 1 << 20, NULL, NULL),
			 -EBADMSG);
	osv_db_free(db);
}

static void test_malformed(void **state)
{
	struct osv_db *db = osv_db_new();
	static const char *const bad[] = { "{", "[1, 2", "\"str\"", "{} trailing", "" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(osv_db_load_json(db, bad[i], strlen(bad[i]), "bad"), -EBADMSG);
	/* records without what matching needs are skipped, not fatal */
	{
		const char *j = "[{\"id\":\"X\"},{\"affected\":[]}]";

		assert_int_equal(osv_db_load_json(db, j, strlen(j), "x"), 0);
	}
	osv_db_free(db);
}

static void test_builtin(void **state)
{
	struct osv_db *db = osv_db_new();
	struct got g = { 0 };
	size_t n, skipped;

	assert_int_equal(osv_db_load_builtin(db), 0);
	osv_db_counts(db, &n, &skipped);
	assert_true(n > 100);
	assert_int_equal(skipped, 0);
	/* runc's leaky-fd escape, fixed in Debian 12 by DSA 5615 (1.1.5+ds1-1+deb12u1) */
	osv_db_match(db, "Debian:12", "runc", "1.1.5+ds1-1", VER_DPKG, collect, &g);
	assert_non_null(fixed_for(&g, "DEBIAN-CVE-2024-21626"));
	assert_string_equal(fixed_for(&g, "DEBIAN-CVE-2024-21626"), "1.1.5+ds1-1+deb12u1");
	g.n = 0;
	osv_db_match(db, "Debian:12", "runc", "1.1.5+ds1-1+deb12u1", VER_DPKG, collect, &g);
	assert_null(fixed_for(&g, "DEBIAN-CVE-2024-21626"));
	osv_db_free(db);
}

static void test_cvss(void **state)
{
	assert_true(osv_cvss3_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") == 9.8);
	assert_true(osv_cvss3_score("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H") == 8.6);
	assert_true(osv_cvss3_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H") == 10.0);
	assert_true(osv_cvss3_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N") == 7.5);
	assert_true(osv_cvss3_score("CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N") == 2.6);
	assert_true(osv_cvss3_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N") == 0);
	assert_true(osv_cvss3_score("CVSS:2.0/AV:N") < 0);
	assert_true(osv_cvss3_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") < 0);
	assert_true(osv_ecosystem_matches("Debian", "Debian:12"));
	assert_true(osv_ecosystem_matches("debian:12", "Debian:12"));
	assert_false(osv_ecosystem_matches("Debian:12", "Debian:1"));
	assert_false(osv_ecosystem_matches("Debian:1", "Debian:12"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir),	  cmocka_unit_test(test_zip),
		cmocka_unit_test(test_malformed), cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_cvss),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
