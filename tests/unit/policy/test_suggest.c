// SPDX-License-Identifier: GPL-2.0-only
/* policy/suggest.c: alerts in, a policy fragment out that the parser accepts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "rules/rules.h"
#include "policy/parse.h"
#include "policy/suggest.h"

#define A(rule, exe, image, extra)                                                                 \
	"{\"time\":\"2026-12-04T20:00:00Z\",\"type\":\"alert\",\"rule\":\"" rule                   \
	"\",\"severity\":\"high\",\"action\":\"alert\",\"exe\":\"" exe                             \
	"\",\"container\":{\"name\":\"c\",\"image\":\"" image "\"}" extra "}\n"

static const char alerts[] =
	A("shell_in_container", "sh", "web:1", ",\"details\":{\"path\":\"/bin/sh\"}")
		A("shell_in_container", "sh", "web:1", ",\"details\":{\"path\":\"/bin/sh\"}")
			A("cred_file_access", "/usr/sbin/sshd", "web:1",
			  ",\"details\":{\"path\":\"/etc/shadow\"}")
				A("cred_file_access", "/usr/sbin/sshd", "web:1", "")
					A("cred_file_access", "/usr/sbin/sshd", "web:1", "")
						A("cred_file_access", "sshd", "web:1",
						  "")	/* gone before /proc/PID/exe was read */
	A("mount_sensitive", "/bin/mount", "web:1", "") /* an escape rule */
	A("shell_in_container", "sh", "it's:2", "")	/* no full path */
	A("config.root-user", "", "web:1", ",\"source\":\"admission\"") /* a finding */
	A("events_dropped", "", "", "")					/* no rule */
	"{\"type\":\"admission\",\"verdict\":\"reported\"}\n"
	"not json\n";

static int nerr;

static void diag(const struct policy_diag *d, void *arg)
{
	print_error("%u:%u: %s\n", d->line, d->col, d->msg);
	nerr++;
}

static void test_fragment(void **state)
{
	struct policy p, q;
	struct suggest *s;
	char *out = NULL;
	size_t len = 0;
	FILE *in = fmemopen((void *)alerts, strlen(alerts), "r"), *o = open_memstream(&out, &len);

	policy_default(&p);
	s = suggest_new(&p);
	assert_non_null(s);
	suggest_read(s, in);
	suggest_print(s, o, "test");
	fclose(o);
	fclose(in);
	suggest_free(s);

	/* what `dcea policy check` runs: the fragment parses on top of the default */
	policy_default(&q);
	nerr = 0;
	assert_int_equal(policy_parse("fragment.yaml", out, len, &q, diag, NULL), 0);
	assert_int_equal(nerr, 0);
	/* by image and executable: /bin/sh (2 shells), sshd (4 reads, one by basename only),
	 * image-only for it's:2 */
	assert_int_equal(q.n_exc, 3);
	assert_string_equal(q.exc[0].exe, "/usr/sbin/sshd"); /* the noisiest first */
	assert_int_equal(q.exc[0].rules, 1ULL << DCEA_R_CRED_FILE);
	assert_string_equal(q.exc[0].ct.image, "web:1");
	assert_string_equal(q.exc[1].exe, "/bin/sh");
	assert_int_equal(q.exc[1].rules, 1ULL << DCEA_R_SHELL);
	assert_string_equal(q.exc[2].exe, "");
	assert_string_equal(q.exc[2].ct.image, "it's:2");
	/* the escape rule is there, commented out and marked, never loaded */
	for (size_t i = 0; i < q.n_exc; i++)
		assert_false(q.exc[i].rules & (1ULL << DCEA_R_MOUNT));
	assert_non_null(strstr(out, "  # DANGEROUS:"));
	assert_non_null(strstr(out, "  # - rules: [mount_sensitive]"));
	assert_non_null(strstr(out, "# 4 alerts by /usr/sbin/sshd: cred_file_access 4"));
	/* what exceptions cannot silence is named */
	assert_non_null(strstr(out, "config.root-user 1"));
	assert_non_null(strstr(out, "events_dropped 1"));
	assert_non_null(strstr(out, "1 line(s) that are not JSON objects"));
	free(out);
}

/* With a policy where mount_sensitive only alerts, its exception is an ordinary one. */
static void test_policy_decides_danger(void **state)
{
	static const char alert[] = A("mount_sensitive", "/bin/mount", "web:1", "");
	json_object *a = json_tokener_parse(alert);
	struct policy p;
	struct suggest *s;
	char *out = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&out, &len);

	policy_default(&p);
	p.rules[DCEA_R_MOUNT].action = POLICY_ALERT;
	s = suggest_new(&p);
	suggest_add(s, a);
	suggest_print(s, o, "test");
	fclose(o);
	assert_null(strstr(out, "  # DANGEROUS:"));
	assert_non_null(strstr(out, "\n  - rules: [mount_sensitive]"));
	suggest_free(s);
	json_object_put(a);
	free(out);
}

/* An aggregated record counts as the repeats it stands for (issue 18). */
static void test_aggregated_counts(void **state)
{
	static const char alert[] =
		A("cred_file_access", "/usr/sbin/sshd", "web:1",
		  ",\"aggregated\":{\"count\":998512,\"first_time\":\"2026-12-04T20:00:00Z\","
		  "\"last_time\":\"2026-12-04T20:01:00Z\"}");
	json_object *a = json_tokener_parse(alert);
	struct policy p;
	struct suggest *s;
	char *out = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&out, &len);

	assert_non_null(a);
	policy_default(&p);
	s = suggest_new(&p);
	suggest_add(s, a);
	suggest_print(s, o, "test");
	fclose(o);
	assert_non_null(strstr(out, "cred_file_access 998512"));
	assert_non_null(strstr(out, "20:01:00"));
	suggest_free(s);
	json_object_put(a);
	free(out);
}

/*
 * A recorded audit period (tests/integration/15-suggest.sh's, as dcea run wrote it: executables
 * by path and by basename, records summing repeats): one exception for the image and its
 * executable with the counts of every repeat, the escape rule commented out as DANGEROUS, and a
 * fragment the parser accepts.
 */
static void test_recorded(void **state)
{
	FILE *in = fopen(FIXTURES "/policy/recorded-audit.json", "r");
	struct policy p, q;
	struct suggest *s;
	char *out = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&out, &len);

	assert_non_null(in);
	policy_default(&p);
	s = suggest_new(&p);
	suggest_read(s, in);
	suggest_print(s, o, "recorded-audit.json");
	fclose(o);
	fclose(in);
	suggest_free(s);

	policy_default(&q);
	nerr = 0;
	assert_int_equal(policy_parse("fragment.yaml", out, len, &q, diag, NULL), 0);
	assert_int_equal(nerr, 0);
	assert_int_equal(q.n_exc, 1);
	assert_string_equal(q.exc[0].ct.image, "dcea-test-noisy:12027");
	assert_string_equal(q.exc[0].exe, "/bin/busybox");
	assert_int_equal(q.exc[0].rules, (1ULL << DCEA_R_SHELL) | (1ULL << DCEA_R_CRED_FILE));
	assert_non_null(strstr(out, "# 15 alerts by /bin/busybox: shell_in_container 5, "
				    "cred_file_access 10"));
	assert_non_null(strstr(out, "  # DANGEROUS:"));
	assert_non_null(strstr(out, "  # - rules: [mount_sensitive]"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fragment),
		cmocka_unit_test(test_policy_decides_danger),
		cmocka_unit_test(test_aggregated_counts),
		cmocka_unit_test(test_recorded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
