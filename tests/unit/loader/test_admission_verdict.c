// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader/admission_verdict.c: what admission decides for a container, from the policy, the
 * findings and the hold alone (docs/ADMISSION.md), and which findings become alerts.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "loader/admission_verdict.h"
#include "policy/parse.h"
#include "scanners/config.h"

#define STRICT_YAML FIXTURES "/../../policy/strict.yaml"

static const struct adm_input held_block = { .scanned = true, .held = true, .block = true };

/* refuse: config.privileged (any severity), image.* at critical; timeout 3000 ms */
static void policy(struct policy_admission *pol)
{
	policy_admission_default(pol);
	snprintf(pol->refuse[0].check, ADM_CHECK_LEN, "config.privileged");
	snprintf(pol->refuse[1].check, ADM_CHECK_LEN, "image.*");
	pol->refuse[1].min_severity = SEV_CRITICAL;
	pol->n_refuse = 2;
}

static void add(struct scan_report *r, const char *check, enum dcea_severity sev,
		enum scan_result res)
{
	assert_non_null(scan_add_raw(r, check, sev, "t", NULL, res, "container t"));
}

static void test_refused_in_block_mode(void **state)
{
	struct policy_admission pol;
	struct scan_report r;
	struct adm_verdict v;

	policy(&pol);
	scan_report_init(&r);
	add(&r, "config.privileged", SEV_CRITICAL, SCAN_FAIL);
	add(&r, "config.root-user", SEV_MEDIUM, SCAN_WARN);
	add(&r, "config.host-pid", SEV_HIGH, SCAN_PASS);
	v = admission_verdict(&pol, &r, &held_block);
	assert_int_equal(v.what, ADM_REFUSED);
	assert_true(v.kill);
	assert_int_equal(v.fail, 1);
	assert_int_equal(v.warn, 1);
	assert_string_equal(adm_what_name(v.what), "refused");
	assert_string_equal(adm_action_name(&v, &held_block), "kill");
	assert_true(admission_finding_refused(&pol, &r.v[0]));
	assert_false(admission_finding_refused(&pol, &r.v[1]));
	/* a refusal answers before the timeout question: still "refused" when late */
	struct adm_input late = held_block;
	late.waited_ms = 10000;
	assert_int_equal(admission_verdict(&pol, &r, &late).what, ADM_REFUSED);
	scan_report_free(&r);
}

static void test_allowed_and_timeout(void **state)
{
	struct policy_admission pol;
	struct scan_report r;
	struct adm_input in = held_block;
	struct adm_verdict v;

	policy(&pol);
	scan_report_init(&r);
	add(&r, "image.CVE-2024-1", SEV_HIGH, SCAN_FAIL);      /* below the entry's critical */
	add(&r, "config.privileged", SEV_CRITICAL, SCAN_PASS); /* listed, but passed */
	in.waited_ms = pol.timeout_ms;			       /* at the limit is in time */
	v = admission_verdict(&pol, &r, &in);
	assert_int_equal(v.what, ADM_ALLOWED);
	assert_false(v.kill);
	assert_string_equal(adm_action_name(&v, &in), "resume");
	assert_false(admission_finding_refused(&pol, &r.v[1]));

	/* fails closed: a verdict that came too late kills in block mode */
	in.waited_ms = pol.timeout_ms + 1;
	v = admission_verdict(&pol, &r, &in);
	assert_int_equal(v.what, ADM_REFUSED_TIMEOUT);
	assert_true(v.kill);
	assert_string_equal(adm_what_name(v.what), "refused_timeout");

	/* an image finding at the entry's severity refuses */
	r.v[0].severity = SEV_CRITICAL;
	in.waited_ms = 0;
	assert_int_equal(admission_verdict(&pol, &r, &in).what, ADM_REFUSED);
	scan_report_free(&r);
}

/* audit mode never kills, even when it holds a container whose findings the policy refuses */
static void test_audit_never_kills(void **state)
{
	struct policy_admission pol;
	struct scan_report r;
	struct adm_input in = held_block;
	struct adm_verdict v;

	policy(&pol);
	scan_report_init(&r);
	add(&r, "config.privileged", SEV_CRITICAL, SCAN_FAIL);
	in.block = false;
	in.waited_ms = 60000;
	v = admission_verdict(&pol, &r, &in);
	assert_int_equal(v.what, ADM_ALLOWED);
	assert_false(v.kill);
	assert_string_equal(adm_action_name(&v, &in), "resume");
	scan_report_free(&r);
}

static void test_not_held_and_unscanned(void **state)
{
	struct policy_admission pol;
	struct scan_report r;
	struct adm_input in = { .scanned = true };
	struct adm_verdict v;

	policy(&pol);
	scan_report_init(&r);
	add(&r, "config.privileged", SEV_CRITICAL, SCAN_FAIL);
	v = admission_verdict(&pol, &r, &in);
	assert_int_equal(v.what, ADM_REPORTED);
	assert_false(v.kill);
	assert_string_equal(adm_action_name(&v, &in), "none");
	in.block = true; /* block mode, but nothing holds it: nothing to kill */
	assert_false(admission_verdict(&pol, &r, &in).kill);
	in.scanned = false;
	assert_int_equal(admission_verdict(&pol, &r, &in).what, ADM_UNSCANNED);

	/* held with no configuration to scan: resumed in time, killed when late */
	scan_report_free(&r);
	scan_report_init(&r);
	in = held_block;
	in.scanned = false;
	v = admission_verdict(&pol, &r, &in);
	assert_int_equal(v.what, ADM_UNSCANNED);
	assert_false(v.kill);
	in.waited_ms = pol.timeout_ms + 1;
	assert_int_equal(admission_verdict(&pol, &r, &in).what, ADM_REFUSED_TIMEOUT);
	scan_report_free(&r);
}

static void test_alert_wanted(void **state)
{
	struct policy_admission pol;
	struct scan_report r;
	unsigned int below = 0, folded = 0;

	policy(&pol); /* alert_severity high */
	scan_report_init(&r);
	add(&r, "config.privileged", SEV_CRITICAL, SCAN_FAIL);
	add(&r, "config.cap-SYS_ADMIN", SEV_CRITICAL, SCAN_FAIL);
	add(&r, "config.root-user", SEV_MEDIUM, SCAN_WARN);
	add(&r, "config.host-pid", SEV_CRITICAL, SCAN_PASS);

	/* refused: always reported, even under a repeated key */
	assert_true(
		admission_alert_wanted(&pol, &r.v[0], false, true, true, true, &below, &folded));
	assert_false(
		admission_alert_wanted(&pol, &r.v[0], false, false, false, false, &below, &folded));
	assert_false(
		admission_alert_wanted(&pol, &r.v[3], true, false, false, false, &below, &folded));
	assert_int_equal(below + folded, 0);
	/* under the alert severity: counted, not reported */
	assert_false(
		admission_alert_wanted(&pol, &r.v[2], true, false, false, false, &below, &folded));
	assert_int_equal(below, 1);
	/* a privileged start is one alert: the kernel's privileged_launch when that rule is on */
	assert_true(
		admission_alert_wanted(&pol, &r.v[0], true, false, true, false, &below, &folded));
	assert_false(
		admission_alert_wanted(&pol, &r.v[0], true, false, true, true, &below, &folded));
	assert_false(
		admission_alert_wanted(&pol, &r.v[1], true, false, true, false, &below, &folded));
	assert_int_equal(folded, 2);
	assert_true(
		admission_alert_wanted(&pol, &r.v[1], true, false, false, false, &below, &folded));
	scan_report_free(&r);
}

/* the alerts the first start of a key raises: a privileged start is one */
static void test_alert_count(void **state)
{
	struct policy_admission pol;
	struct scan_report r;

	policy(&pol); /* alert_severity high */
	scan_report_init(&r);
	add(&r, "config.privileged", SEV_CRITICAL, SCAN_FAIL);
	add(&r, "config.cap-SYS_ADMIN", SEV_CRITICAL, SCAN_FAIL);
	add(&r, "config.seccomp-unconfined", SEV_HIGH, SCAN_FAIL);
	add(&r, "config.root-user", SEV_MEDIUM, SCAN_WARN);
	add(&r, "config.host-pid", SEV_CRITICAL, SCAN_PASS);
	assert_int_equal(admission_alert_count(&pol, &r, true, true), 1);  /* privileged_launch */
	assert_int_equal(admission_alert_count(&pol, &r, true, false), 1); /* config.privileged */
	/* not privileged (the same findings otherwise): each at or above high is its own */
	r.v[0].result = SCAN_PASS;
	assert_int_equal(admission_alert_count(&pol, &r, false, false), 2);
	scan_report_free(&r);
}

/* the hand-off main() makes: strict.yaml names config ids the scanners' table has */
static void test_strict_with_scanner_table(void **state)
{
	struct policy p;

	admission_set_config_checks(config_check_exists);
	policy_default(&p);
	assert_int_equal(policy_load(STRICT_YAML, &p), 0);
	assert_non_null(admission_refuses(&p.admission, "config.cap-SYS_MODULE", SEV_LOW));
	assert_false(admission_check_known("config.privilegd"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_in_block_mode),
		cmocka_unit_test(test_allowed_and_timeout),
		cmocka_unit_test(test_audit_never_kills),
		cmocka_unit_test(test_not_held_and_unscanned),
		cmocka_unit_test(test_alert_wanted),
		cmocka_unit_test(test_alert_count),
		cmocka_unit_test(test_strict_with_scanner_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
