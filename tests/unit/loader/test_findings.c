// SPDX-License-Identifier: GPL-2.0-only
/* loader/findings.c: the keys, first and repeat, the memory across a restart. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "loader/findings.h"
#include "scanners/report.h"

static const struct scan_check cap = { "config.cap-SYS_ADMIN", SEV_CRITICAL, "capability", NULL,
				       NULL },
			       root = { "config.root-user", SEV_MEDIUM, "runs as root", NULL,
					NULL },
			       img = { "image.distro", SEV_LOW, "distro", NULL, NULL };

/* the findings of a container named `name`, with or without CAP_SYS_ADMIN */
static void report(struct scan_report *r, const char *name, bool sys_admin)
{
	char target[64];

	snprintf(target, sizeof(target), "container %s", name);
	scan_report_init(r);
	scan_detail(scan_add(r, &cap, sys_admin ? SCAN_FAIL : SCAN_PASS, target),
		    sys_admin ? "CAP_SYS_ADMIN" : "");
	scan_detail(scan_add(r, &root, SCAN_WARN, target), "runs as root");
	scan_add(r, &img, SCAN_WARN, "image busybox"); /* not a config check: not in the key */
}

static void test_key(void **state)
{
	struct scan_report a, b, c;
	char ka[FINDINGS_KEY_LEN], kb[FINDINGS_KEY_LEN], kc[FINDINGS_KEY_LEN];

	report(&a, "web-1", true);
	report(&b, "web-2", true); /* another name: the same key */
	report(&c, "web-3", false);
	findings_key(&a, "sha256:aaa", ka, sizeof(ka));
	findings_key(&b, "sha256:aaa", kb, sizeof(kb));
	findings_key(&c, "sha256:aaa", kc, sizeof(kc));
	assert_string_equal(ka, kb);
	assert_string_not_equal(ka, kc); /* another configuration */
	assert_true(!strncmp(ka, "sha256:aaa cfg:", 15));
	assert_int_equal(strlen(ka), 15 + 64);
	findings_key(&a, "sha256:bbb", kb, sizeof(kb)); /* another image */
	assert_string_not_equal(ka, kb);
	scan_report_free(&a);
	scan_report_free(&b);
	scan_report_free(&c);
}

static void test_first_repeat_restart(void **state)
{
	char path[] = "/tmp/dcea-test-findings-XXXXXX";
	struct findings_totals t;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	unlink(path); /* a missing file: nothing remembered */
	assert_int_equal(findings_load(path, 42), 0);
	assert_true(findings_first("k1", "busybox", "web-1", 2, true));
	assert_false(findings_first("k1", "busybox", "web-2", 2, true));
	assert_false(findings_first("k1", "busybox", "web-3", 2, true));
	assert_true(findings_first("k2", "nginx", "ng-1", 0, true));
	findings_count_quiet(3, 1);
	assert_int_equal(findings_write(), 0);
	/* a restarted loader remembers */
	findings_reset();
	assert_true(findings_first("k1", "busybox", "web-9", 2, true));
	assert_int_equal(findings_load(path, 42), 0);
	findings_get_totals(&t);
	assert_int_equal(t.keys, 2);
	assert_int_equal(t.repeats, 2);
	assert_int_equal(t.below, 3);
	assert_int_equal(t.folded, 1);
	assert_false(findings_first("k1", "busybox", "web-4", 2, true));
	assert_false(findings_first("k2", "nginx", "ng-2", 0, true));
	assert_true(findings_first("k3", "redis", "r-1", 1, true));
	assert_int_equal(findings_write(), 0);
	/* another load of dcea: the file it finds is not its own */
	assert_int_equal(findings_load(path, 43), 0);
	findings_get_totals(&t);
	assert_int_equal(t.keys, 0);
	assert_true(findings_first("k1", "busybox", "web-5", 2, true));
	assert_int_equal(findings_load(path, 42), 0);
	/* found running by a restarted loader: known, not a start */
	assert_false(findings_first("k3", "redis", "r-1", 1, false));
	findings_get_totals(&t);
	assert_int_equal(t.repeats, 4);
	unlink(path);
}

static void test_full_evicts_oldest(void **state)
{
	char key[32];

	findings_reset();
	for (int i = 0; i < FINDINGS_MAX; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_true(findings_first(key, "", "", 0, true));
	}
	assert_false(
		findings_first("k0", "", "", 0, true)); /* k0 is used again: k1 is the oldest */
	assert_true(findings_first("new", "", "", 0, true));
	assert_false(findings_first("k0", "", "", 0, true));
	assert_true(findings_first("k1", "", "", 0, true)); /* evicted: reported again */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_first_repeat_restart),
		cmocka_unit_test(test_full_evicts_oldest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
