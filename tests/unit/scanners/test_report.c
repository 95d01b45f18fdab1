// SPDX-License-Identifier: GPL-2.0-only
/* Findings, exit codes, JSON lines and SARIF 2.1.0. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "scanners/report.h"

static const struct scan_check c_priv = { "config.privileged", SEV_CRITICAL, "privileged",
					  "https://example.invalid/p", NULL };
static const struct scan_check c_nnp = { "config.no-new-privileges", SEV_LOW, "nnp off", NULL,
					 NULL };

static void fill(struct scan_report *r)
{
	scan_report_init(r);
	scan_detail(scan_add(r, &c_priv, SCAN_FAIL, "container a"), "detail %d", 1);
	scan_add(r, &c_nnp, SCAN_WARN, "container a");
	scan_add(r, &c_priv, SCAN_PASS, "container b");
}

static void test_exit_code(void **state)
{
	struct scan_report r;

	fill(&r);
	assert_int_equal(scan_exit_code(&r, SEV_HIGH), 1);
	assert_int_equal(scan_exit_code(&r, SEV_CRITICAL), 1);
	r.v[0].result = SCAN_WARN; /* WARN never fails the run */
	assert_int_equal(scan_exit_code(&r, SEV_LOW), 0);
	assert_int_equal(scan_worst(&r), SCAN_WARN);
	scan_report_free(&r);
	scan_report_free(NULL);
}

static void test_json_line(void **state)
{
	struct scan_output o = { .json = true };
	struct scan_report r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fill(&r);
	assert_int_equal(scan_print_json(&r, f, &o), 0);
	fclose(f);
	/* PASS findings only with --all */
	assert_string_equal(
		buf,
		"{\"check\":\"config.privileged\",\"result\":\"FAIL\",\"severity\":\"critical\","
		"\"target\":\"container a\",\"title\":\"privileged\",\"reference\":"
		"\"https:\\/\\/example.invalid\\/p\",\"detail\":[\"detail 1\"]}\n"
		"{\"check\":\"config.no-new-privileges\",\"result\":\"WARN\",\"severity\":\"low\","
		"\"target\":\"container a\",\"title\":\"nnp off\",\"detail\":[]}\n");
	free(buf);
	scan_report_free(&r);
}

static void test_sarif(void **state)
{
	char path[] = "/tmp/dcea-test-sarif-XXXXXX";
	struct scan_report r;
	json_object *o, *run, *rules, *results;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	fill(&r);
	scan_add(&r, &c_priv, SCAN_FAIL, "container c");
	assert_int_equal(scan_write_sarif(&r, path), 0);
	o = json_object_from_file(path);
	assert_non_null(o);
	assert_string_equal(json_object_get_string(json_object_object_get(o, "version")), "2.1.0");
	run = json_object_array_get_idx(json_object_object_get(o, "runs"), 0);
	rules = json_object_object_get(
		json_object_object_get(json_object_object_get(run, "tool"), "driver"), "rules");
	results = json_object_object_get(run, "results");
	/* one rule per check id, one result per non-PASS finding */
	assert_int_equal(json_object_array_length(rules), 2);
	assert_int_equal(json_object_array_length(results), 3);
	assert_string_equal(json_object_get_string(json_object_object_get(
				    json_object_array_get_idx(results, 2), "level")),
			    "error");
	assert_int_equal(json_object_get_int(json_object_object_get(
				 json_object_array_get_idx(results, 2), "ruleIndex")),
			 0);
	json_object_put(o);
	unlink(path);
	scan_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_code),
		cmocka_unit_test(test_json_line),
		cmocka_unit_test(test_sarif),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
