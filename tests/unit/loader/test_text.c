// SPDX-License-Identifier: GPL-2.0-only
/* loader/text.c: alerts for humans, full and compact. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "loader/text.h"

/* a scanner alert as admission.c writes it: slashes, an array of long detail lines */
static const char finding[] =
	"{\"time\":\"2026-12-04T20:14:57.123456789Z\",\"type\":\"alert\","
	"\"rule\":\"config.apparmor-unconfined\",\"severity\":\"medium\",\"action\":\"alert\","
	"\"source\":\"admission\",\"pid\":4242,\"comm\":\"sh\","
	"\"container\":{\"id\":\"5c1f\",\"name\":\"thirsty_shaw\",\"image\":\"busybox\"},"
	"\"details\":{\"result\":\"FAIL\",\"target\":\"container thirsty_shaw (5c1f)\","
	"\"detail\":[\"AppArmor unconfined: mount and \\/proc\\/sys writes no longer blocked, "
	"whatever the container's processes try to do there\",\"implied by --privileged\"],"
	"\"refused\":false}}";

static const char shell[] =
	"{\"time\":\"2026-12-04T20:14:58.5Z\",\"type\":\"alert\",\"rule\":\"shell_in_container\","
	"\"severity\":\"critical\",\"action\":\"alert\",\"pid\":4243,\"comm\":\"sh\","
	"\"container\":{\"id\":\"5c1f\",\"name\":\"web\\u001b[31m\"},"
	"\"details\":{\"interactive\":true,\"entrypoint\":false,\"why\":\"interactive\"}}";

/* a list without spaces, longer than a line: privileged_launch's bounding set */
static const char launch[] =
	"{\"time\":\"2026-12-04T20:14:59Z\",\"type\":\"alert\",\"rule\":\"privileged_launch\","
	"\"severity\":\"high\",\"action\":\"alert\",\"pid\":4244,\"comm\":\"true\","
	"\"container\":{\"id\":\"6d2a\",\"name\":\"ci-job\"},\"details\":{\"bounding_set\":"
	"\"chown,dac_override,dac_read_search,fowner,fsetid,kill,setgid,setuid,setpcap,"
	"linux_immutable,net_bind_service,net_broadcast,net_admin,net_raw,ipc_lock,ipc_owner,"
	"sys_module,sys_rawio,sys_chroot,sys_ptrace\",\"cap_bset\":274861129727}}";

static int max_line(const char *s)
{
	int max = 0, n = 0;

	for (; *s; s++) {
		n = *s == '\n' ? 0 : n + 1;
		if (n > max)
			max = n;
	}
	return max;
}

static void test_full_folded(void **state)
{
	json_object *a = json_tokener_parse(finding);
	struct text_opts o = { .style = TEXT_FULL };
	char buf[4096];

	assert_non_null(a);
	alert_format_text(a, buf, sizeof(buf), &o);
	assert_null(strstr(buf, "\\/")); /* no JSON escapes */
	assert_null(strstr(buf, "[\"")); /* nor JSON arrays */
	assert_non_null(strstr(buf, "/proc/sys writes"));
	assert_non_null(strstr(buf, "implied by --privileged"));
	assert_true(!strncmp(buf, "2026-12-04 20:14:57 medium ", 27));
	assert_non_null(strstr(buf, "\n    result=FAIL")); /* details on an indented line */
	assert_true(max_line(buf) <= 100);		   /* no terminal: 100 columns */
	assert_null(strchr(buf, '\033'));
	o.width = -1; /* no terminal (a file, a pipe): one line, nothing folded */
	alert_format_text(a, buf, sizeof(buf), &o);
	assert_null(strchr(buf, '\n'));
	assert_non_null(strstr(buf, "sh[4242]  result=FAIL target="));
	o.width = 80; /* the classic terminal: the time of day without the date, every line fits */
	alert_format_text(a, buf, sizeof(buf), &o);
	assert_true(!strncmp(buf, "20:14:57 medium   config.apparmor-unconfined", 44));
	assert_true(max_line(buf) <= 80);
	/* a rule name longer than its column pushes the rest: cut at 80 */
	assert_non_null(strstr(buf, "thirsty_shaw         sh[424~\n    result=FAIL"));
	o.width = 60; /* a narrow terminal: the line is cut ('~'), the details fold to it */
	alert_format_text(a, buf, sizeof(buf), &o);
	assert_true(strchr(buf, '\n') != NULL);
	assert_true(max_line(buf) <= 60);
	assert_int_equal(strchr(buf, '\n')[-1], '~');
	json_object_put(a);
}

/* a long list folds after its commas, never inside a name */
static void test_fold_lists(void **state)
{
	json_object *a = json_tokener_parse(launch), *d, *b;
	struct text_opts o = { .style = TEXT_FULL, .width = 72 };
	char buf[4096], joined[4096];
	size_t n = 0;

	assert_non_null(a);
	alert_format_text(a, buf, sizeof(buf), &o);
	assert_true(max_line(buf) <= 72);
	/* the continuation lines put back together give the list as it was */
	for (const char *p = buf; *p; p++) {
		if (!strncmp(p, "\n      ", 7)) {
			assert_int_equal(p[-1], ','); /* each cut right after a comma */
			p += 6;
			continue;
		}
		joined[n++] = *p;
	}
	joined[n] = '\0';
	assert_true(json_object_object_get_ex(a, "details", &d));
	assert_true(json_object_object_get_ex(d, "bounding_set", &b));
	assert_non_null(strstr(joined, json_object_get_string(b)));
	json_object_put(a);
}

static void test_colour_and_control(void **state)
{
	json_object *a = json_tokener_parse(shell);
	struct text_opts o = { .style = TEXT_FULL, .color = true };
	char buf[4096];

	alert_format_text(a, buf, sizeof(buf), &o);
	assert_non_null(strstr(buf, "\033[1;31mcritical")); /* colour by severity */
	assert_non_null(strstr(buf, "web?[31m"));	    /* a name cannot colour the terminal */
	assert_non_null(strstr(buf, "why=interactive"));
	json_object_put(a);
}

static void test_compact(void **state)
{
	json_object *a = json_tokener_parse(finding);
	struct text_opts o = { .style = TEXT_COMPACT };
	const char *want;
	char buf[4096];

	alert_format_text(a, buf, sizeof(buf), &o);
	assert_null(strchr(buf, '\n')); /* one line per alert */
	want = "20:14:57 medium   config.apparmor-unconfined thirsty_shaw sh[4242] alert "
	       "result=FAIL";
	assert_true(!strncmp(buf, want, strlen(want)));
	o.width = 80; /* cut to the terminal */
	alert_format_text(a, buf, sizeof(buf), &o);
	assert_int_equal(strlen(buf), 80);
	assert_int_equal(buf[79], '~');
	json_object_put(a);
}

static void test_value(void **state)
{
	json_object *v = json_tokener_parse("[\"a\\/b\", 2, {\"k\": \"x y\"}, null]");
	char buf[64];

	text_value(v, buf, sizeof(buf));
	assert_string_equal(buf, "a/b, 2, k=x y, ");
	text_value(v, buf, 4); /* never past the buffer */
	assert_string_equal(buf, "a/b");
	json_object_put(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_folded),
		cmocka_unit_test(test_fold_lists),
		cmocka_unit_test(test_colour_and_control),
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
