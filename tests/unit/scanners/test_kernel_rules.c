// SPDX-License-Identifier: GPL-2.0-only
/* The kernel rule file parser: the shipped file loads, and every bad input names FILE:LINE:COL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"
#include "scanners/kernel.h"

static void test_builtin_loads(void **state)
{
	struct kernel_rules rules;
	char err[512];
	static const char *const required[] = {
		"CVE-2016-5195",  "CVE-2017-7308",  "CVE-2017-1000112", "CVE-2018-18955",
		"CVE-2020-14386", "CVE-2021-22555", "CVE-2021-31440",	"CVE-2021-3490",
		"CVE-2021-4154",  "CVE-2022-0185",  "CVE-2022-0492",	"CVE-2022-0847",
		"CVE-2022-0995",  "CVE-2022-2588",  "CVE-2022-27666",	"CVE-2022-32250",
		"CVE-2022-34918", "CVE-2023-0179",  "CVE-2023-0386",	"CVE-2023-32233",
		"CVE-2024-1086",  "CVE-2017-16995", "CVE-2021-3493",	"CVE-2023-2640",
		"CVE-2023-32629",
	};

	assert_int_equal(kernel_rules_builtin(&rules, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		size_t k;

		for (k = 0; k < rules.n; k++)
			if (!strcmp(rules.v[k].id, required[i]))
				break;
		if (k == rules.n)
			fail_msg("rule %s missing", required[i]);
	}
	kernel_rules_free(&rules);
}

static void test_same_as_source_file(void **state)
{
	struct kernel_rules a, b;
	char err[512], *buf;
	size_t len;

	/* the built-in copy is the file in the tree (a stale object would differ) */
	assert_int_equal(read_file(FIXTURES "/../../scanners/kernel_rules.yaml", &buf, &len), 0);
	assert_int_equal(kernel_rules_parse("kernel_rules.yaml", buf, len, &a, err, sizeof(err)),
			 0);
	assert_int_equal(kernel_rules_builtin(&b, err, sizeof(err)), 0);
	assert_int_equal(a.n, b.n);
	free(buf);
	kernel_rules_free(&a);
	kernel_rules_free(&b);
}

#define HEAD "version: 1\neol: {\"5.14\": 2021-12}\nrules:\n"
#define RULE                                                                                       \
	"  - id: CVE-2022-0847\n    severity: high\n    escape: x\n    fixed: \"5.17\"\n"          \
	"    date: 2022-02\n"

static const struct {
	const char *yaml, *err;
} bad[] = {
	{ "version: 2\n", "t.yaml:1:10: unsupported rule file version: expected 1" },
	{ "version: 1\nfoo: 1\n", "t.yaml:2:1: unknown key 'foo'" },
	{ "version: 1\neol: {}\n", "t.yaml:1:1: missing key 'rules'" },
	{ HEAD "  - id: CVE-2022-0847\n    severity: hgh\n",
	  "t.yaml:5:15: expected low, medium, high or critical" },
	{ HEAD "  - id: CVE-22-1\n", "t.yaml:4:9: expected a CVE id like CVE-2022-0847" },
	{ HEAD RULE "    stable: [\"5.10.x\"]\n",
	  "t.yaml:9:14: expected a kernel version like 5.10 or 5.10.102" },
	{ HEAD RULE "    stable: [\"5.10.1\", \"5.10.2\"]\n",
	  "t.yaml:9:24: second fix for the 5.10 branch" },
	{ HEAD RULE "    stable: 5.10.1\n", "t.yaml:9:13: expected a list" },
	{ HEAD RULE "    stable: [\"5.10\"]\n",
	  "t.yaml:9:14: expected a stable release like 5.10.102" },
	{ HEAD RULE "    requires: {userns: yes}\n", "t.yaml:9:24: expected true or false" },
	{ HEAD RULE "    requires: {config: [NF_TABLES]}\n",
	  "t.yaml:9:25: expected a kernel option like CONFIG_NF_TABLES" },
	{ HEAD RULE "    vendor: {redhat: {\"8\": 1-1}}\n",
	  "t.yaml:9:14: unknown distribution 'redhat': expected debian or ubuntu" },
	{ HEAD RULE "    vendor: {debian: {\"5.10\": 5}}\n",
	  "t.yaml:9:31: expected a package version like 5.10.92-2 or not-affected" },
	{ HEAD RULE "    introduced: \"5.18\"\n",
	  "t.yaml:4:5: rule 'CVE-2022-0847': 'introduced' is not before 'fixed'" },
	{ HEAD RULE "    date: 2022-03\n", "t.yaml:9:5: duplicate key 'date'" },
	{ HEAD RULE RULE, "t.yaml:9:5: duplicate rule 'CVE-2022-0847'" },
	{ HEAD "  - id: CVE-2022-0847\n    severity: high\n    escape: x\n    date: 2022-02\n",
	  "t.yaml:4:5: rule 'CVE-2022-0847' needs 'fixed', 'stable' or 'vendor_only'" },
	{ HEAD "  - id: CVE-2022-0847\n    severity: high\n", "t.yaml:4:5: missing key 'escape'" },
	{ HEAD RULE "    escape: [\n", "t.yaml:10:1: did not find expected node content while "
				       "parsing a flow node" },
	{ "version: 1\neol: {\"5.14\": 2021-13}\n", "t.yaml:2:15: expected a month like 2022-03" },
	{ "", "t.yaml:1:1: empty rule file" },
};

static void test_errors(void **state)
{
	int failed = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kernel_rules rules;
		char err[512];
		int ret = kernel_rules_parse("t.yaml", bad[i].yaml, strlen(bad[i].yaml), &rules,
					     err, sizeof(err));

		if (ret == 0 || strcmp(err, bad[i].err)) {
			print_error("case %zu: want '%s', got %d '%s'\n", i, bad[i].err, ret, err);
			failed++;
		}
		if (ret == 0)
			kernel_rules_free(&rules);
	}
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_loads),
		cmocka_unit_test(test_same_as_source_file),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
