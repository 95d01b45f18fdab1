// SPDX-License-Identifier: GPL-2.0-only
/* policy/admission.c: the admission key parsed, validated at FILE:LINE:COL, matched, printed back.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy/parse.h"
#include "policy/show.h"
#include "common/severity.h"
#include "policy/admission.h"

#define STRICT_YAML FIXTURES "/../../policy/strict.yaml"

static char errs[8192];

/*
 * The scanners' config.* ids as the loader hands them in (config_check_exists()), a few of them:
 * the policy is tested alone; tests/unit/loader/test_admission_verdict.c parses strict.yaml against
 * the scanners' real table.
 */
static bool fake_config_checks(const char *id, bool family)
{
	static const char *const ids[] = {
		"config.privileged",	       "config.cap-SYS_ADMIN",	 "config.cap-SYS_MODULE",
		"config.mount-runtime-socket", "config.mount-host-root", "config.host-pid",
	};

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (family ? !strncmp(ids[i], id, strlen(id)) : !strcmp(ids[i], id))
			return true;
	return false;
}

static int setup(void **state)
{
	admission_set_config_checks(fake_config_checks);
	return 0;
}

static void capture(const struct policy_diag *d, void *arg)
{
	size_t n = strlen(errs);

	snprintf(errs + n, sizeof(errs) - n, "%s:%u:%u: %s\n", d->file, d->line, d->col, d->msg);
}

static int parse(const char *yaml, struct policy *p)
{
	errs[0] = 0;
	policy_default(p);
	return policy_parse("t.yaml", yaml, strlen(yaml), p, capture, NULL);
}

static void test_default_refuses_none(void **state)
{
	struct policy p;

	policy_default(&p);
	assert_int_equal(p.admission.n_refuse, 0);
	assert_int_equal(p.admission.timeout_ms, ADM_DEFAULT_TIMEOUT_MS);
	assert_false(p.admission.scan_image);
	assert_null(admission_refuses(&p.admission, "config.privileged", SEV_CRITICAL));
}

static void test_parse_and_match(void **state)
{
	struct policy p;
	const char *y = "admission:\n"
			"  refuse:\n"
			"    - config.privileged\n"
			"    - config.cap-*\n"
			"    - {check: 'image.*', severity: critical}\n"
			"  timeout_ms: 500\n"
			"  scan_image: true\n";

	assert_int_equal(parse(y, &p), 0);
	assert_string_equal(errs, "");
	assert_int_equal(p.admission.n_refuse, 3);
	assert_int_equal(p.admission.timeout_ms, 500);
	assert_true(p.admission.scan_image);
	assert_non_null(admission_refuses(&p.admission, "config.privileged", SEV_LOW));
	assert_non_null(admission_refuses(&p.admission, "config.cap-SYS_ADMIN", SEV_CRITICAL));
	assert_null(admission_refuses(&p.admission, "config.host-pid", SEV_HIGH));
	assert_null(admission_refuses(&p.admission, "image.CVE-2024-1", SEV_HIGH));
	assert_string_equal(
		admission_refuses(&p.admission, "image.CVE-2024-1", SEV_CRITICAL)->check,
		"image.*");
}

static void test_errors_have_positions(void **state)
{
	struct policy p;
	const char *y = "admission:\n"
			"  refuse: [config.privilegd, 'image.*', 'image.*', kernel.CVE-2022-0847]\n"
			"  timeout_ms: 0\n"
			"  scan_image: maybe\n"
			"  refuse_all: true\n";

	assert_int_equal(parse(y, &p), -EINVAL);
	assert_non_null(strstr(errs, "t.yaml:2:12: unknown check 'config.privilegd'"));
	assert_non_null(strstr(errs, "t.yaml:2:41: 'image.*' is in 'refuse' twice"));
	assert_non_null(strstr(errs, "t.yaml:2:52: unknown check 'kernel.CVE-2022-0847'"));
	assert_non_null(strstr(errs, "t.yaml:3:15: 'timeout_ms' must be"));
	assert_non_null(strstr(errs, "t.yaml:4:15: 'scan_image' must be true or false"));
	assert_non_null(strstr(errs, "t.yaml:5:3: unknown key 'refuse_all' in 'admission'"));
	/* all or nothing: the caller's policy is unchanged */
	assert_int_equal(p.admission.n_refuse, 0);
}

static void test_known_ids(void **state)
{
	assert_true(admission_check_known("config.mount-runtime-socket"));
	assert_true(admission_check_known("config.*"));
	assert_true(admission_check_known("image.CVE-2019-5736"));
	assert_true(admission_check_known("image.GHSA-abcd-1234-efgh"));
	assert_true(admission_check_known("image.CVE-*"));
	assert_true(admission_check_known("image.distro"));
	assert_false(admission_check_known("config.nope"));
	assert_false(admission_check_known("config.nope*"));
	assert_false(admission_check_known("image.cve"));
	assert_false(admission_check_known("privileged"));
}

/* without the scanners' table no config.* id is known: a policy naming one is refused */
static void test_no_config_table(void **state)
{
	struct policy p;

	admission_set_config_checks(NULL);
	assert_false(admission_check_known("config.privileged"));
	assert_false(admission_check_known("config.*"));
	assert_true(admission_check_known("image.CVE-2019-5736"));
	assert_int_equal(parse("admission: {refuse: [config.privileged]}\n", &p), -EINVAL);
	assert_non_null(strstr(errs, "unknown check 'config.privileged'"));
	admission_set_config_checks(fake_config_checks);
	assert_int_equal(parse("admission: {refuse: [config.privileged]}\n", &p), 0);
}

/* strict.yaml parses, and what show prints of it reads back to the same admission settings */
static void test_strict_round_trip(void **state)
{
	struct policy p, q;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	policy_default(&p);
	assert_int_equal(policy_load(STRICT_YAML, &p), 0);
	assert_int_equal(p.mode, DCEA_MODE_BLOCK);
	assert_non_null(admission_refuses(&p.admission, "config.privileged", SEV_CRITICAL));
	assert_non_null(
		admission_refuses(&p.admission, "config.mount-runtime-socket", SEV_CRITICAL));
	f = open_memstream(&buf, &len);
	policy_print_yaml(f, &p);
	fclose(f);
	policy_default(&q);
	assert_int_equal(policy_parse("shown", buf, len, &q, capture, NULL), 0);
	free(buf);
	assert_int_equal(q.admission.n_refuse, p.admission.n_refuse);
	assert_memory_equal(q.admission.refuse, p.admission.refuse,
			    p.admission.n_refuse * sizeof(p.admission.refuse[0]));
	assert_int_equal(q.admission.timeout_ms, p.admission.timeout_ms);
	assert_int_equal(q.admission.scan_image, p.admission.scan_image);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_refuses_none),
		cmocka_unit_test(test_parse_and_match),
		cmocka_unit_test(test_errors_have_positions),
		cmocka_unit_test(test_known_ids),
		cmocka_unit_test(test_no_config_table),
		cmocka_unit_test(test_strict_round_trip),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
