// SPDX-License-Identifier: GPL-2.0-only
/* The one severity scale: names, strict parsing, order. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/severity.h"

static void test_names_round_trip(void **state)
{
	assert_string_equal(severity_name(SEV_INFO), "info");
	assert_string_equal(severity_name(SEV_LOW), "low");
	assert_string_equal(severity_name(SEV_CRITICAL), "critical");
	assert_string_equal(severity_name(SEV_CRITICAL + 1), "unknown");
	for (int s = SEV_INFO; s <= SEV_CRITICAL; s++)
		assert_int_equal(severity_parse(severity_name(s)), s);
}

static void test_parse_strict(void **state)
{
	assert_int_equal(severity_parse("High"), -EINVAL);
	assert_int_equal(severity_parse("none"), -EINVAL);
	assert_int_equal(severity_parse(""), -EINVAL);
	assert_int_equal(severity_parse("critical "), -EINVAL);
}

/* "at or above" is a comparison: policies, --fail-on and alert filters rely on the order */
static void test_order(void **state)
{
	assert_true(SEV_INFO < SEV_LOW && SEV_LOW < SEV_MEDIUM && SEV_MEDIUM < SEV_HIGH &&
		    SEV_HIGH < SEV_CRITICAL);
	assert_int_equal(SEV_INFO, 0);
}

static void test_finding_spelling(void **state)
{
	enum dcea_severity s;

	assert_int_equal(severity_finding_parse("HIGH", &s), 0);
	assert_int_equal(s, SEV_HIGH);
	assert_int_not_equal(severity_finding_parse("hi", &s), 0);
	/* a finding without a severity is "none" in scanner output, "info" nowhere */
	assert_int_equal(severity_finding_parse("None", &s), 0);
	assert_int_equal(s, SEV_INFO);
	assert_int_not_equal(severity_finding_parse("info", &s), 0);
	assert_string_equal(severity_finding_name(SEV_INFO), "none");
	assert_string_equal(severity_finding_name(SEV_MEDIUM), "medium");
	assert_string_equal(severity_finding_name(SEV_CRITICAL + 1), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_parse_strict),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_finding_spelling),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
