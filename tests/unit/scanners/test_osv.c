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

struct one {
	const struct osv_vuln *v;
	char fixed[64], eco[32], urgency[32];
	struct osv_severity sev;
	int n;
};

static int take_one(const struct osv_hit *h, void *arg)
{
	struct one *o = arg;

	o->v = h->vuln;
	snprintf(o->fixed, sizeof(o->fixed), "%s", h->fixed ? h->fixed : "-");
	snprintf(o->eco, sizeof(o->eco), "%s", h->ecosystem);
	snprintf(o->urgency, sizeof(o->urgency), "%s", h->urgency ? h->urgency : "-");
	osv_hit_severity(h, &o->sev);
	o->n++;
	return 0;
}

/* osv.dev's own DEBIAN-CVE records (tests/fixtures/osv-real/SOURCE.md): open CVEs, severities */
static void test_real_records(void **state)
{
	struct osv_db *db = osv_db_new();
	struct one o;

	assert_int_equal(osv_db_load_path(db, FIXTURES "/osv-real"), 0);
	/* open in bookworm: no fix, Debian's urgency decides, the CVE from upstream[] */
	memset(&o, 0, sizeof(o));
	assert_int_equal(
		osv_db_match(db, "Debian:12", "apparmor", "3.0.8-3", VER_DPKG, take_one, &o), 0);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.v->id, "DEBIAN-CVE-2016-1585");
	assert_string_equal(o.v->aliases[0], "CVE-2016-1585");
	assert_string_equal(o.fixed, "-");
	assert_string_equal(o.eco, "Debian:12");
	assert_string_equal(o.urgency, "unimportant");
	assert_string_equal(o.sev.level, "LOW");
	assert_string_equal(o.sev.from, "Debian urgency 'unimportant' (Debian:12)");
	/* NVD's vector is kept beside it: 9.8 */
	assert_true(o.v->score > 9.79 && o.v->score < 9.81);
	assert_string_equal(o.v->severity, "CRITICAL");
	/* trixie has its fix: judged by trixie's entry */
	memset(&o, 0, sizeof(o));
	osv_db_match(db, "Debian:13", "apparmor", "3.0.8-3", VER_DPKG, take_one, &o);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.fixed, "3.0.12-1");
	memset(&o, 0, sizeof(o));
	osv_db_match(db, "Debian:13", "apparmor", "3.0.12-1", VER_DPKG, take_one, &o);
	assert_int_equal(o.n, 0);
	/* "not yet assigned" is no rating: the CVSS 3.0 vector decides, 5.9 medium */
	memset(&o, 0, sizeof(o));
	osv_db_match(db, "Debian:12", "apparmor", "2.10.95-1", VER_DPKG, take_one, &o);
	assert_int_equal(o.n, 2);
	memset(&o, 0, sizeof(o));
	osv_db_match(db, "Debian:12", "apparmor", "2.11.0-3", VER_DPKG, take_one, &o);
	assert_int_equal(o.n, 1); /* only the open one is left */
	assert_string_equal(o.v->id, "DEBIAN-CVE-2016-1585");
	osv_db_free(db);

	db = osv_db_new();
	assert_int_equal(osv_db_load_path(db, FIXTURES "/osv-real/DEBIAN-CVE-2017-6507.json"), 0);
	memset(&o, 0, sizeof(o));
	osv_db_match(db, "Debian:12", "apparmor", "2.10.95-1", VER_DPKG, take_one, &o);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.urgency, "not yet assigned");
	assert_string_equal(o.sev.level, "MEDIUM");
	assert_string_equal(o.sev.from, "CVSS 5.9 CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N "
					"(DEBIAN-CVE-2017-6507)");
	assert_true(osv_db_has_package(db, "Debian:12", "apparmor"));
	assert_false(osv_db_has_package(db, "Debian:12", "nginx"));
	assert_false(osv_db_has_package(db, "Ubuntu:22.04", "apparmor"));
	osv_db_free(db);
}

/*
 * A release's own entry decides: a record fixed in unstable ("Debian", no release) but open in
 * Debian 12 is open for a bookworm image, whatever the unstable version; a release without an
 * entry of its own falls back on the release-less one. No data, no severity.
 */
static void test_release_precedence(void **state)
{
	static const char rec[] =
		"{\"id\": \"TEST-REL\", \"modified\": \"2026-11-30T10:00:00Z\", \"affected\": ["
		"{\"package\": {\"ecosystem\": \"Debian\", \"name\": \"foo\"}, \"ranges\": "
		"[{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}, {\"fixed\": "
		"\"2.0-1\"}]}]},"
		"{\"package\": {\"ecosystem\": \"Debian:12\", \"name\": \"foo\"}, \"ranges\": "
		"[{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}]}]},"
		"{\"package\": {\"ecosystem\": \"Debian:11\", \"name\": \"foo\"}, \"ranges\": "
		"[{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}, {\"fixed\": "
		"\"1.0-1+deb11u1\"}]}]}]}";
	struct osv_db *db = osv_db_new();
	struct one o;

	assert_int_equal(osv_db_load_json(db, rec, strlen(rec), "rec"), 0);
	assert_string_equal(osv_db_newest(db), "2026-11-30T10:00:00Z");
	memset(&o, 0, sizeof(o));
	osv_db_match(db, "Debian:12", "foo", "3.0-1", VER_DPKG, take_one, &o);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.fixed, "-");
	assert_string_equal(o.eco, "Debian:12");
	assert_null(o.sev.level);
	/* bullseye's own fix, not unstable's */
	memset(&o, 0, sizeof(o));
	osv_db_match(db, "Debian:11", "foo", "1.0-1+deb11u1", VER_DPKG, take_one, &o);
	assert_int_equal(o.n, 0);
	memset(&o, 0, sizeof(o));
	osv_db_match(db, "Debian:11", "foo", "1.0-1", VER_DPKG, take_one, &o);
	assert_string_equal(o.fixed, "1.0-1+deb11u1");
	/* no Debian:10 entry: the release-less one */
	memset(&o, 0, sizeof(o));
	osv_db_match(db, "Debian:10", "foo", "1.5-1", VER_DPKG, take_one, &o);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.fixed, "2.0-1");
	osv_db_free(db);
}

static void test_rating_words(void **state)
{
	static const char *const w[][2] = {
		{ "unimportant", "LOW" }, { "negligible", "LOW" },    { "Low", "LOW" },
		{ "medium", "MEDIUM" },	  { "moderate", "MEDIUM" },   { "high", "HIGH" },
		{ "important", "HIGH" },  { "critical", "CRITICAL" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(w); i++)
		assert_string_equal(osv_rating_level(w[i][0]), w[i][1]);
	/* Ubuntu's priority (a severity of type Ubuntu) is the distribution's word: before CVSS */
	{
		static const char rec[] =
			"{\"id\": \"UBUNTU-CVE-2099-1\", \"upstream\": [\"CVE-2099-1\"], "
			"\"severity\": [{\"type\": \"Ubuntu\", \"score\": \"medium\"}, "
			"{\"type\": \"CVSS_V3\", \"score\": "
			"\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}], \"affected\": "
			"[{\"package\": {\"ecosystem\": \"Ubuntu:22.04:LTS\", \"name\": \"bar\"}, "
			"\"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": "
			"\"0\"}]}]}]}";
		struct osv_db *db = osv_db_new();
		struct one o = { 0 };

		assert_int_equal(osv_db_load_json(db, rec, strlen(rec), "rec"), 0);
		osv_db_match(db, "Ubuntu:22.04", "bar", "1.0", VER_DPKG, take_one, &o);
		assert_int_equal(o.n, 1);
		assert_string_equal(o.sev.level, "MEDIUM");
		assert_string_equal(o.sev.from, "Ubuntu priority 'medium' (UBUNTU-CVE-2099-1)");
		osv_db_free(db);
	}
	assert_null(osv_rating_level("not yet assigned"));
	assert_null(osv_rating_level("end-of-life"));
	assert_null(osv_rating_level("unknown"));
	assert_null(osv_rating_level(NULL));
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
		cmocka_unit_test(test_dir),
		cmocka_unit_test(test_zip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_cvss),
		cmocka_unit_test(test_real_records),
		cmocka_unit_test(test_release_precedence),
		cmocka_unit_test(test_rating_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
