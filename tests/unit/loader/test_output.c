// SPDX-License-Identifier: GPL-2.0-only
/* loader/output.c, events_filter.c, metrics.c: sizes, the syslog line, filters, metric text. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "loader/events_filter.h"
#include "loader/metrics.h"
#include "loader/output.h"

static const char alert_json[] =
	"{\"time\":\"2026-11-28T21:28:32.042513411Z\",\"type\":\"alert\","
	"\"rule\":\"mount_sensitive\",\"severity\":\"high\",\"action\":\"kill\",\"pid\":8675,"
	"\"container\":{\"id\":\"9eb13ec5f6de\",\"name\":\"we\\\"b]\",\"image\":\"busybox\","
	"\"runtime\":\"containerd\",\"pod\":\"web-7d4b9\",\"namespace\":\"shop\",\"cgroup_id\":"
	"1222},"
	"\"details\":{\"fstype\":\"proc\"}}";

static void test_parse_size(void **state)
{
	uint64_t v;

	assert_int_equal(parse_size("1048576", &v), 0);
	assert_int_equal(v, 1048576);
	assert_int_equal(parse_size("64M", &v), 0);
	assert_int_equal(v, 64ULL << 20);
	assert_int_equal(parse_size("2k", &v), 0);
	assert_int_equal(v, 2048);
	assert_int_equal(parse_size("1G", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(parse_size("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_size("", &v), -EINVAL);
	assert_int_equal(parse_size("M", &v), -EINVAL);
	assert_int_equal(parse_size("-1", &v), -EINVAL);
	assert_int_equal(parse_size("12X", &v), -EINVAL);
	assert_int_equal(parse_size("99999999999999999999G", &v), -EINVAL);
}

static void test_syslog_line(void **state)
{
	json_object *a = json_tokener_parse(alert_json);
	char buf[4096], *msg;

	assert_non_null(a);
	syslog_format(a, "node1", 42, buf, sizeof(buf));
	/* authpriv (10) * 8 + err (3) for high; microseconds only; MSGID the rule */
	assert_non_null(strstr(buf, "<83>1 2026-11-28T21:28:32.042513Z node1 dcea 42 "
				    "mount_sensitive [dcea@32473 type=\"alert\" "
				    "rule=\"mount_sensitive\" severity=\"high\" action=\"kill\" "
				    "pid=\"8675\" container_id=\"9eb13ec5f6de\" "
				    "container_name=\"we\\\"b\\]\" pod=\"web-7d4b9\" "
				    "namespace=\"shop\"] {"));
	assert_int_equal(strncmp(buf, "<83>1 ", 6), 0);
	msg = strstr(buf, "] {") + 2;
	json_object_put(a);
	a = json_tokener_parse(msg);
	assert_non_null(a);
	assert_string_equal(json_object_get_string(json_object_object_get(a, "rule")),
			    "mount_sensitive");
	json_object_put(a);
	/* a critical alert with no container: crit, no container parameters */
	a = json_tokener_parse("{\"time\":\"2026-11-28T21:28:32Z\",\"type\":\"alert\",\"rule\":"
			       "\"kexec_load\",\"severity\":\"critical\",\"action\":\"alert\"}");
	syslog_format(a, "", 1, buf, sizeof(buf));
	assert_int_equal(
		strncmp(buf, "<82>1 2026-11-28T21:28:32Z - dcea 1 kexec_load [dcea@32473 ", 58), 0);
	assert_null(strstr(buf, "container_id"));
	json_object_put(a);
}

static void test_filters(void **state)
{
	json_object *a = json_tokener_parse(alert_json);
	json_object *dropped = json_tokener_parse("{\"type\":\"dropped\",\"dropped\":3}");
	struct ev_filter f;
	char rules[] = "setns_foreign,mount_sensitive", bad[] = "no_such_rule",
	     other[] = "bpf_load";

	ev_filter_init(&f);
	assert_true(ev_filter_match(&f, a));
	assert_int_equal(ev_filter_add_rules(&f, bad), -EINVAL);
	assert_int_equal(ev_filter_add_rules(&f, rules), 0);
	assert_true(ev_filter_match(&f, a));
	ev_filter_init(&f);
	assert_int_equal(ev_filter_add_rules(&f, other), 0);
	assert_false(ev_filter_match(&f, a));
	assert_true(ev_filter_match(&f, dropped)); /* a reader always learns what it lost */

	ev_filter_init(&f);
	assert_int_equal(ev_filter_set_severity(&f, "critical"), 0);
	assert_false(ev_filter_match(&f, a));
	assert_int_equal(ev_filter_set_severity(&f, "high"), 0);
	assert_true(ev_filter_match(&f, a));
	assert_int_equal(ev_filter_set_severity(&f, "urgent"), -EINVAL);

	const char *yes[] = { "9eb1", "9eb13ec5f6de", "we\"b]", "web-7d4b9", "shop/web-7d4b9" };
	const char *no[] = { "9ec", "web", "default/web-7d4b9", "shop/web" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		ev_filter_init(&f);
		ev_filter_add_container(&f, yes[i]);
		assert_true(ev_filter_match(&f, a));
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		ev_filter_init(&f);
		ev_filter_add_container(&f, no[i]);
		assert_false(ev_filter_match(&f, a));
	}
	json_object_put(a);
	json_object_put(dropped);
}

static void test_metrics_text(void **state)
{
	json_object *a = json_tokener_parse(alert_json);
	json_object *start = json_tokener_parse("{\"type\":\"container_start\"}");
	char *buf = malloc(65536);

	metrics_alert(a);
	metrics_alert(a);
	metrics_alert(start);
	metrics_output_drop("socket");
	metrics_render(NULL, buf, 65536);
	assert_non_null(strstr(buf, "# TYPE dcea_alerts_total counter\n"
				    "dcea_alerts_total{rule=\"mount_sensitive\",action=\"kill\","
				    "severity=\"high\"} 2\n"));
	assert_non_null(strstr(buf, "dcea_container_starts_total 1\n"));
	assert_non_null(strstr(buf, "dcea_output_dropped_total{output=\"socket\"} 1\n"));
	assert_non_null(strstr(buf, "dcea_output_dropped_total{output=\"syslog\"} 0\n"));
	assert_int_equal(metrics_check_addr("unix:/run/dcea/metrics.sock"), 0);
	assert_int_equal(metrics_check_addr("127.0.0.1:9479"), 0);
	assert_int_equal(metrics_check_addr("[::1]:9479"), 0);
	assert_int_equal(metrics_check_addr("9479"), -EINVAL);
	assert_int_equal(metrics_check_addr("127.0.0.1:70000"), -EINVAL);
	assert_int_equal(metrics_check_addr("unix:relative"), -EINVAL);
	free(buf);
	json_object_put(a);
	json_object_put(start);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_syslog_line),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_metrics_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
