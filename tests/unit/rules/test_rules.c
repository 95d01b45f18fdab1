// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rule catalogue: ids, names and severities hold together, and the README's rule tables say
 * what the catalogue says (a rule added to the table and not documented fails here).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"
#include "rules/rules.h"

#define README	 FIXTURES "/../../README.md"
#define RULES_MD FIXTURES "/../../docs/RULES.md"

static void test_table_complete(void **state)
{
	for (int i = 0; i < DCEA_R_MAX; i++) {
		const struct rule_info *r = &rule_table[i];

		assert_int_equal(r->id, i);
		assert_non_null(r->name);
		assert_non_null(r->title);
		assert_non_null(r->fallback_hook);
		assert_true(r->severity >= SEV_INFO && r->severity <= SEV_CRITICAL);
		assert_ptr_equal(rule_by_name(r->name), r);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(rule_table[j].name, r->name);
	}
	assert_null(rule_by_name("no_such_rule"));
	assert_null(rule_by_name(""));
}

static void test_names(void **state)
{
	assert_string_equal(effect_name(DCEA_EFF_DENY), "deny");
	assert_string_equal(effect_name(DCEA_EFF_UNAVAILABLE), "unavailable");
	assert_string_equal(action_name(DCEA_ACT_KILL), "kill");
	assert_string_equal(mode_name(DCEA_MODE_BLOCK), "block");
	assert_string_equal(mode_name(DCEA_MODE_AUDIT), "audit");
	assert_string_equal(ns_name(DCEA_NS_CGROUP), "cgroup");
}

/*
 * Every rule but "custom" has a row in the README's tables ("| `name` | what | fallback |
 * LSM |"); an escape rule's fallback cell starts with what the fallback backend can do at best.
 */
static void test_readme_rows(void **state)
{
	char *doc = NULL, row[96];

	assert_int_equal(read_file(README, &doc, NULL), 0);
	for (int i = 0; i < DCEA_R_MAX; i++) {
		const struct rule_info *r = &rule_table[i];
		const char *p, *cell;
		int bars = 0;

		if (i == DCEA_R_CUSTOM)
			continue;
		snprintf(row, sizeof(row), "\n| `%s` |", r->name);
		p = strstr(doc, row);
		if (!p)
			fail_msg("README.md has no row for rule '%s'", r->name);
		if (r->alert_default)
			continue;
		for (cell = p + 1; *cell && *cell != '\n' && bars < 3; cell++)
			bars += *cell == '|';
		cell += strspn(cell, " ");
		if (strncmp(cell, effect_name(r->fallback_best),
			    strlen(effect_name(r->fallback_best))))
			fail_msg("README.md says the fallback backend of '%s' does '%.12s', the "
				 "catalogue '%s'",
				 r->name, cell, effect_name(r->fallback_best));
	}
	free(doc);
}

/* docs/RULES.md is what the catalogue prints: `make rules-doc` after changing rules/rules.c */
static void test_rules_md_current(void **state)
{
	char *doc = NULL, *want = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&want, &len);

	assert_non_null(f);
	assert_int_equal(rules_print_markdown(f), 0);
	fclose(f);
	assert_int_equal(read_file(RULES_MD, &doc, NULL), 0);
	if (strcmp(doc, want))
		fail_msg("docs/RULES.md is not what rules/rules.c says: run 'make rules-doc'");
	for (int i = 0; i < DCEA_R_MAX; i++) {
		char row[64];

		snprintf(row, sizeof(row), "\n| `%s` | %s |", rule_table[i].name,
			 severity_name(rule_table[i].severity));
		assert_non_null(strstr(doc, row));
	}
	free(doc);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_complete),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_readme_rows),
		cmocka_unit_test(test_rules_md_current),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
