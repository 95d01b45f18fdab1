// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every kernel rule against its CVE record (scanners/cverecords/, read here independently of
 * scripts/gen-kernel-rules.py) and against the stable releases that Debian's changelogs name
 * for each fix (tests/fixtures/kernel/debian-stable-cves.txt). A rule that disagrees fails.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "common/util.h"
#include "scanners/kernel.h"

#define RECORDS FIXTURES "/../../scanners/cverecords"

/* What a record says, in the rule file's terms (the reading of gen-kernel-rules.py). */
struct rec {
	struct kver introduced, fixed, stable[32];
	size_t nstable;
	char ubuntu[8][2][32]; /* branch, fixed package */
	size_t nubuntu;
};

static const char *str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

/* "6.8-rc4", "6.0~rc1", "2.6.19-rc1" -> a release; -1 when it is none */
static int mainline(const char *s, struct kver *v)
{
	char buf[32];

	if (!s || strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	buf[strcspn(buf, "-~")] = '\0';
	return kver_parse(buf, v);
}

static void read_record(json_object *doc, struct rec *out)
{
	json_object *c, *cna, *aff;

	memset(out, 0, sizeof(*out));
	if (!json_object_object_get_ex(doc, "containers", &c) ||
	    !json_object_object_get_ex(c, "cna", &cna) ||
	    !json_object_object_get_ex(cna, "affected", &aff))
		return;
	for (size_t i = 0; i < json_object_array_length(aff); i++) {
		json_object *a = json_object_array_get_idx(aff, i), *vs;
		const char *vendor = str(a, "vendor"), *product = str(a, "product");
		bool linux_cna = false;

		if (!json_object_object_get_ex(a, "versions", &vs))
			continue;
		for (size_t j = 0; j < json_object_array_length(vs); j++) {
			const char *t = str(json_object_array_get_idx(vs, j), "versionType");

			linux_cna |= t && !strcmp(t, "original_commit_for_fix");
		}
		for (size_t j = 0; j < json_object_array_length(vs); j++) {
			json_object *v = json_object_array_get_idx(vs, j);
			const char *ver = str(v, "version"), *lt = str(v, "lessThan"),
				   *le = str(v, "lessThanOrEqual"), *st = str(v, "status"),
				   *type = str(v, "versionType");
			struct kver k;

			if (vendor && product && !strcmp(vendor, "Canonical") &&
			    !strcmp(product, "Ubuntu Kernel")) {
				/* "6.2.0-26.26": the branch is what stands before the second dot */
				const char *d1 = lt ? strchr(lt, '.') : NULL;
				const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;

				if (d2 && out->nubuntu < 8) {
					snprintf(out->ubuntu[out->nubuntu][0], 32, "%.*s",
						 (int)(d2 - lt), lt);
					snprintf(out->ubuntu[out->nubuntu][1], 32, "%s", lt);
					out->nubuntu++;
				}
				continue;
			}
			if (!st || !ver)
				continue;
			if (linux_cna) {
				if (type && !strcmp(type, "original_commit_for_fix"))
					mainline(ver, &out->fixed);
				else if (!strcmp(st, "unaffected") && le && strlen(le) > 2 &&
					 !strcmp(le + strlen(le) - 2, ".*") &&
					 !kver_parse(ver, &k) && out->nstable < 32)
					out->stable[out->nstable++] = k;
				else if (!strcmp(st, "unaffected") && !strcmp(ver, "0") && lt)
					mainline(lt, &out->introduced);
			} else if (!strcmp(st, "affected") && lt) {
				if (!mainline(ver, &k))
					out->introduced = k;
				if (!mainline(lt, &k))
					out->fixed = k;
			}
		}
	}
}

static const struct kernel_rule *find_rule(const struct kernel_rules *rules, const char *id)
{
	for (size_t i = 0; i < rules->n; i++)
		if (!strcmp(rules->v[i].id, id))
			return &rules->v[i];
	return NULL;
}

static bool same(const struct kver *a, const struct kver *b)
{
	return !kver_cmp(a, b);
}

/* Disagreements between a rule and its record, each printed; 0 when they agree. */
static int check_rule(const struct kernel_rule *r, const struct rec *rec)
{
	int bad = 0;

	if (rec->introduced.major && !same(&rec->introduced, &r->introduced)) {
		print_error("%s: introduced %d.%d.%d, the record says %d.%d.%d\n", r->id,
			    r->introduced.major, r->introduced.minor, r->introduced.patch,
			    rec->introduced.major, rec->introduced.minor, rec->introduced.patch);
		bad++;
	}
	if (rec->fixed.major && !same(&rec->fixed, &r->fixed)) {
		print_error("%s: fixed in mainline %d.%d, the record says %d.%d\n", r->id,
			    r->fixed.major, r->fixed.minor, rec->fixed.major, rec->fixed.minor);
		bad++;
	}
	/* the Linux CNA lists every stable branch: the rule must list exactly those */
	for (size_t i = 0; i < rec->nstable; i++) {
		size_t j;

		for (j = 0; j < r->nstable; j++)
			if (same(&r->stable[j], &rec->stable[i]))
				break;
		if (j == r->nstable) {
			print_error("%s: the record's stable fix %d.%d.%d is not in the rule\n",
				    r->id, rec->stable[i].major, rec->stable[i].minor,
				    rec->stable[i].patch);
			bad++;
		}
	}
	if (rec->nstable && r->nstable != rec->nstable) {
		print_error("%s: %zu stable fixes, the record has %zu\n", r->id, r->nstable,
			    rec->nstable);
		bad++;
	}
	for (size_t i = 0; i < rec->nubuntu; i++) {
		size_t j;

		for (j = 0; j < r->nvendor; j++)
			if (!strcmp(r->vendor[j].distro, "ubuntu") &&
			    !strcmp(r->vendor[j].branch, rec->ubuntu[i][0]) && r->vendor[j].fixed &&
			    !strcmp(r->vendor[j].fixed, rec->ubuntu[i][1]))
				break;
		if (j == r->nvendor) {
			print_error("%s: ubuntu %s fixed in %s by the record, not in the rule\n",
				    r->id, rec->ubuntu[i][0], rec->ubuntu[i][1]);
			bad++;
		}
	}
	return bad;
}

static json_object *load_record(const char *id)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.json", RECORDS, id);
	return json_object_from_file(path);
}

static void test_rules_agree_with_records(void **state)
{
	struct kernel_rules rules;
	char err[512];
	struct dirent *de;
	int bad = 0, n = 0;
	DIR *d = opendir(RECORDS);

	assert_non_null(d);
	assert_int_equal(kernel_rules_builtin(&rules, err, sizeof(err)), 0);
	while ((de = readdir(d))) {
		char id[64];
		json_object *doc;
		const struct kernel_rule *r;
		struct rec rec;

		if (strncmp(de->d_name, "CVE-", 4) || !strstr(de->d_name, ".json"))
			continue;
		snprintf(id, sizeof(id), "%.*s", (int)(strstr(de->d_name, ".json") - de->d_name),
			 de->d_name);
		doc = load_record(id);
		assert_non_null(doc);
		r = find_rule(&rules, id);
		if (!r) {
			print_error("%s: a record without a rule\n", id);
			bad++;
		} else {
			read_record(doc, &rec);
			bad += check_rule(r, &rec);
		}
		json_object_put(doc);
		n++;
	}
	closedir(d);
	kernel_rules_free(&rules);
	assert_true(n >= 13);
	assert_int_equal(bad, 0);
}

/*
 * The check can fail: a wrong stable fix (CVE-2024-26581 on 5.10), a wrong mainline fix, a missing
 * 'introduced', a wrong Ubuntu package. CVE-2024-1086's 5.10.209 of the hand-typed file is not a
 * record's (Google's record has no branches): kernel_changelog.c catches it with bullseye's
 * changelog (5.10.209-1 lacked the fix, 5.10.209-2 cherry-picked it).
 */
static void test_disagreement_detected(void **state)
{
	static const char *const yaml[] = {
		"version: 1\neol: {}\nrules:\n  - id: CVE-2024-26581\n    severity: high\n"
		"    escape: x\n    introduced: \"6.5\"\n    fixed: \"6.8\"\n    date: 2024-02\n"
		"    stable: [\"6.7.5\", \"6.6.17\", \"6.1.78\", \"5.15.149\", \"5.10.209\", "
		"\"5.4.269\"]\n",
		"version: 1\neol: {}\nrules:\n  - id: CVE-2024-1086\n    severity: high\n"
		"    escape: x\n    introduced: \"3.15\"\n    fixed: \"6.7\"\n    date: 2024-01\n",
		"version: 1\neol: {}\nrules:\n  - id: CVE-2024-1086\n    severity: high\n"
		"    escape: x\n    fixed: \"6.8\"\n    date: 2024-01\n",
		"version: 1\neol: {}\nrules:\n  - id: CVE-2023-2640\n    severity: high\n"
		"    escape: x\n    vendor_only: ubuntu\n    date: 2023-07\n"
		"    vendor: {ubuntu: {\"6.2\": 6.2.0-25.25}}\n",
	};

	for (size_t i = 0; i < sizeof(yaml) / sizeof(yaml[0]); i++) {
		struct kernel_rules rules;
		char err[512];
		json_object *doc;
		struct rec rec;

		assert_int_equal(kernel_rules_parse("t.yaml", yaml[i], strlen(yaml[i]), &rules, err,
						    sizeof(err)),
				 0);
		doc = load_record(rules.v[0].id);
		assert_non_null(doc);
		read_record(doc, &rec);
		if (!check_rule(&rules.v[0], &rec))
			fail_msg("case %zu: a wrong rule for %s passed", i, rules.v[0].id);
		json_object_put(doc);
		kernel_rules_free(&rules);
	}
}

/* Debian's changelog names the stable release that carried each fix: the rule must agree. */
static void test_stable_fixes_agree_with_debian(void **state)
{
	struct kernel_rules rules;
	char err[512], line[256], id[64], ver[32];
	FILE *f = fopen(FIXTURES "/kernel/debian-stable-cves.txt", "re");
	int bad = 0, n = 0;

	assert_non_null(f);
	assert_int_equal(kernel_rules_builtin(&rules, err, sizeof(err)), 0);
	while (fgets(line, sizeof(line), f)) {
		const struct kernel_rule *r;
		struct kver v;
		size_t j;

		if (line[0] == '#' || sscanf(line, "%63s %31s", id, ver) != 2 ||
		    kver_parse(ver, &v))
			continue;
		n++;
		r = find_rule(&rules, id);
		assert_non_null(r);
		for (j = 0; j < r->nstable; j++)
			if (r->stable[j].major == v.major && r->stable[j].minor == v.minor)
				break;
		if (j == r->nstable) {
			print_error("%s: Debian names the %d.%d fix in %s; the rule has no %d.%d "
				    "entry\n",
				    id, v.major, v.minor, ver, v.major, v.minor);
			bad++;
		} else if (!same(&r->stable[j], &v)) {
			print_error("%s: the rule says %d.%d.%d, Debian's changelog %s\n", id,
				    r->stable[j].major, r->stable[j].minor, r->stable[j].patch,
				    ver);
			bad++;
		}
	}
	fclose(f);
	kernel_rules_free(&rules);
	assert_true(n >= 10);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_agree_with_records),
		cmocka_unit_test(test_disagreement_detected),
		cmocka_unit_test(test_stable_fixes_agree_with_debian),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
