// SPDX-License-Identifier: GPL-2.0-only
/*
 * Container configuration checks on real `docker inspect` output (tests/fixtures/scanners/,
 * made by make-fixtures.sh with the test dockerd): the exact non-PASS findings of each.
 */
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
#include "scanners/config.h"
#include "scanners/scan.h"

/* Every fixture also has: config.host-userns INFO (Docker without userns-remap). */
static const struct {
	const char *fixture;
	const char *findings; /* "check=RESULT ..." of the non-PASS findings, in table order */
	int exit_code;
} cases[] = {
	{ "default",
	  "config.cap-DAC_OVERRIDE=INFO config.host-userns=INFO config.host-cgroupns=WARN "
	  "config.no-new-privileges=WARN config.root-user=WARN",
	  0 },
	{ "hardened", "config.host-userns=INFO", 0 },
	{ "privileged",
	  "config.privileged=FAIL config.cap-SYS_ADMIN=INFO config.cap-SYS_MODULE=INFO "
	  "config.cap-SYS_PTRACE=INFO config.cap-DAC_READ_SEARCH=INFO config.cap-SYS_RAWIO=INFO "
	  "config.cap-SYS_BOOT=INFO config.cap-NET_ADMIN=INFO config.cap-BPF=INFO "
	  "config.cap-PERFMON=INFO config.cap-SYSLOG=INFO config.cap-DAC_OVERRIDE=INFO "
	  "config.host-userns=INFO config.host-cgroupns=FAIL config.seccomp-unconfined=FAIL "
	  "config.apparmor-unconfined=FAIL config.selinux-disabled=FAIL "
	  "config.no-new-privileges=WARN config.root-user=WARN",
	  1 },
	{ "cap-sys-admin",
	  "config.cap-SYS_ADMIN=FAIL config.cap-DAC_OVERRIDE=INFO config.host-userns=INFO "
	  "config.host-cgroupns=FAIL config.no-new-privileges=WARN config.root-user=WARN",
	  1 },
	{ "pid-host",
	  "config.cap-DAC_OVERRIDE=INFO config.host-pid=FAIL config.host-userns=INFO "
	  "config.host-cgroupns=WARN config.selinux-disabled=FAIL config.no-new-privileges=WARN "
	  "config.root-user=WARN",
	  1 },
	{ "host-root",
	  "config.cap-DAC_OVERRIDE=INFO config.host-userns=INFO config.host-cgroupns=WARN "
	  "config.mount-host-root=FAIL config.no-new-privileges=WARN config.root-user=WARN",
	  1 },
	{ "docker-sock",
	  "config.cap-DAC_OVERRIDE=INFO config.host-userns=INFO config.host-cgroupns=WARN "
	  "config.mount-runtime-socket=FAIL config.no-new-privileges=WARN config.root-user=WARN",
	  1 },
	{ "seccomp-unconfined",
	  "config.cap-DAC_OVERRIDE=INFO config.host-userns=INFO config.host-cgroupns=WARN "
	  "config.seccomp-unconfined=FAIL config.apparmor-unconfined=FAIL "
	  "config.no-new-privileges=WARN config.root-user=WARN",
	  1 },
};

static json_object *load(const char *name)
{
	char path[512];
	json_object *o;

	snprintf(path, sizeof(path), FIXTURES "/scanners/inspect-%s.json", name);
	o = json_object_from_file(path);
	if (!o)
		fail_msg("cannot load %s", path);
	return o;
}

static void summary(const struct scan_report *r, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].result != SCAN_PASS)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s=%s", buf[0] ? " " : "",
				 r->v[i].check, scan_result_name(r->v[i].result));
}

static void test_fixtures(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_object *o = load(cases[i].fixture);
		struct container_cfg *c = calloc(1, sizeof(*c));
		struct scan_report r;
		char got[2048];

		scan_report_init(&r);
		/* these fixtures come from a cgroup v1 host: scan them as such, wherever we run */
		c->host_cgroup_v1 = true;
		assert_int_equal(container_cfg_parse(json_object_array_get_idx(o, 0), NULL, c), 0);
		assert_int_equal(scan_container_cfg(c, &r), 0);
		summary(&r, got, sizeof(got));
		if (strcmp(got, cases[i].findings) ||
		    scan_exit_code(&r, SEV_HIGH) != cases[i].exit_code) {
			print_error("%s:\n  want %s (exit %d)\n  got  %s (exit %d)\n",
				    cases[i].fixture, cases[i].findings, cases[i].exit_code, got,
				    scan_exit_code(&r, SEV_HIGH));
			bad++;
		}
		scan_report_free(&r);
		free(c);
		json_object_put(o);
	}
	assert_int_equal(bad, 0);
}

static void test_details(void **state)
{
	json_object *o = load("docker-sock");
	const struct scan_finding *f;
	struct scan_report r;

	scan_report_init(&r);
	assert_int_equal(scan_container_json(o, NULL, &r), 0);
	f = scan_find(&r, "config.mount-runtime-socket");
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_CRITICAL);
	assert_int_equal(f->ndetail, 1);
	assert_non_null(strstr(f->detail[0], "'/var/run/docker.sock' at '/var/run/docker.sock'"));
	assert_non_null(strstr(f->target, "container dcea-test-fix-docker-sock-"));
	scan_report_free(&r);
	json_object_put(o);
}

static void test_oci_config(void **state)
{
	static const char *oci =
		"{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":0},"
		"\"capabilities\":{\"effective\":[\"CAP_CHOWN\",\"CAP_SYS_PTRACE\"]},"
		"\"noNewPrivileges\":true},\"mounts\":[{\"destination\":\"/"
		"proc\",\"type\":\"proc\","
		"\"source\":\"proc\"},{\"destination\":\"/h/etc\",\"type\":\"bind\",\"source\":\"/"
		"etc\","
		"\"options\":[\"rbind\",\"ro\"]}],\"linux\":{\"namespaces\":[{\"type\":\"pid\"},"
		"{\"type\":\"mount\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"cgroup\"}],"
		"\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"},"
		"\"devices\":[{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0}]}}";
	json_object *o = json_tokener_parse(oci);
	struct scan_report r;

	scan_report_init(&r);
	assert_int_equal(scan_container_json(o, "bundle", &r), 0);
	assert_int_equal(scan_result_of(&r, "config.cap-SYS_PTRACE"), SCAN_FAIL);
	assert_int_equal(scan_result_of(&r, "config.host-net"), SCAN_FAIL); /* no network ns */
	assert_int_equal(scan_result_of(&r, "config.host-pid"), SCAN_PASS);
	assert_int_equal(scan_result_of(&r, "config.mount-sensitive"), SCAN_WARN); /* ro /etc */
	assert_int_equal(scan_result_of(&r, "config.devices"), SCAN_FAIL);
	assert_int_equal(scan_result_of(&r, "config.no-new-privileges"), SCAN_PASS);
	assert_int_equal(scan_result_of(&r, "config.privileged"), SCAN_PASS);
	scan_report_free(&r);
	json_object_put(o);
}

static void test_bad_input(void **state)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "[{\"HostConfig\": {\"Privileged\": tru}}]",
		  ":1:35: invalid JSON: boolean expected" },
		{ "{\n  \"ociVersion\": \"1.0\",\n  \"process\": {\n", ":4:1: invalid JSON: " },
		{ "{\"a\": 1}",
		  ": not a docker/podman inspect output, OCI config.json or config.v2.json" },
		{ "{} {}", ":1:4: invalid JSON: " },
	};
	char path[] = "/tmp/dcea-test-config-XXXXXX", err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct scan_report r;
		FILE *f;
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		f = fdopen(fd, "w");
		fputs(bad[i].text, f);
		fclose(f);
		scan_report_init(&r);
		assert_int_not_equal(scan_container_path(path, &r, err, sizeof(err)), 0);
		if (strncmp(err, path, strlen(path)) || !strstr(err, bad[i].err))
			fail_msg("case %zu: want '%s%s...', got '%s'", i, path, bad[i].err, err);
		scan_report_free(&r);
		unlink(path);
		strcpy(path, "/tmp/dcea-test-config-XXXXXX");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_details),
		cmocka_unit_test(test_oci_config),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
