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
	{ "inspect-default",
	  "config.cap-DAC_OVERRIDE=INFO config.host-userns=INFO config.host-cgroupns=WARN "
	  "config.no-new-privileges=WARN config.root-user=WARN",
	  0 },
	{ "inspect-hardened", "config.host-userns=INFO", 0 },
	{ "inspect-privileged",
	  "config.privileged=FAIL config.cap-SYS_ADMIN=INFO config.cap-SYS_MODULE=INFO "
	  "config.cap-SYS_PTRACE=INFO config.cap-DAC_READ_SEARCH=INFO config.cap-SYS_RAWIO=INFO "
	  "config.cap-SYS_BOOT=INFO config.cap-NET_ADMIN=INFO config.cap-BPF=INFO "
	  "config.cap-PERFMON=INFO config.cap-SYSLOG=INFO config.cap-DAC_OVERRIDE=INFO "
	  "config.host-userns=INFO config.host-cgroupns=FAIL config.devices=FAIL "
	  "config.device-cgroup-rules=INFO config.seccomp-unconfined=FAIL "
	  "config.no-new-privileges=WARN config.root-user=WARN",
	  1 },
	{ "inspect-cap-sys-admin",
	  "config.cap-SYS_ADMIN=FAIL config.cap-DAC_OVERRIDE=INFO config.host-userns=INFO "
	  "config.host-cgroupns=FAIL config.no-new-privileges=WARN config.root-user=WARN",
	  1 },
	{ "inspect-pid-host",
	  "config.cap-DAC_OVERRIDE=INFO config.host-pid=FAIL config.host-userns=INFO "
	  "config.host-cgroupns=WARN config.no-new-privileges=WARN "
	  "config.root-user=WARN",
	  1 },
	{ "inspect-host-root",
	  "config.cap-DAC_OVERRIDE=INFO config.host-userns=INFO config.host-cgroupns=WARN "
	  "config.mount-host-root=FAIL config.no-new-privileges=WARN config.root-user=WARN",
	  1 },
	{ "inspect-docker-sock",
	  "config.cap-DAC_OVERRIDE=INFO config.host-userns=INFO config.host-cgroupns=WARN "
	  "config.mount-runtime-socket=FAIL config.no-new-privileges=WARN config.root-user=WARN",
	  1 },
	{ "inspect-seccomp-unconfined",
	  "config.cap-DAC_OVERRIDE=INFO config.host-userns=INFO config.host-cgroupns=WARN "
	  "config.seccomp-unconfined=FAIL "
	  "config.no-new-privileges=WARN config.root-user=WARN",
	  1 },
};

/*
 * The same configurations made by podman 4.3 (make-fixtures.sh podman): `podman inspect`, and the
 * OCI config.json podman gave runc. They agree: AppArmor is not enabled on the fixture host, so
 * "apparmor=unconfined" (in podman inspect, not in config.json) changes nothing and is no finding.
 */
#define P_COMMON "config.cap-DAC_OVERRIDE=INFO config.host-userns=INFO "
#define P_TAIL	 "config.no-new-privileges=WARN config.root-user=WARN"
#define P_PRIV                                                                                     \
	"config.privileged=FAIL config.cap-SYS_ADMIN=INFO config.cap-SYS_MODULE=INFO "             \
	"config.cap-SYS_PTRACE=INFO config.cap-DAC_READ_SEARCH=INFO config.cap-SYS_RAWIO=INFO "    \
	"config.cap-SYS_BOOT=INFO config.cap-NET_ADMIN=INFO config.cap-BPF=INFO "                  \
	"config.cap-PERFMON=INFO config.cap-SYSLOG=INFO " P_COMMON                                 \
	"config.host-cgroupns=FAIL config.devices=FAIL config.device-cgroup-rules=INFO "           \
	"config.seccomp-unconfined=FAIL " P_TAIL
#define P_SECCOMP P_COMMON "config.host-cgroupns=WARN config.seccomp-unconfined=FAIL "
#define PODMAN_CASES(kind)                                                                         \
	{ kind "-default", P_COMMON "config.host-cgroupns=WARN " P_TAIL, 0 },                      \
		{ kind "-hardened", "config.host-userns=INFO", 0 },                                \
		{ kind "-privileged", P_PRIV, 1 },                                                 \
		{ kind "-cap-sys-admin",                                                           \
		  "config.cap-SYS_ADMIN=FAIL " P_COMMON "config.host-cgroupns=FAIL " P_TAIL, 1 },  \
		{ kind "-pid-host",                                                                \
		  "config.cap-DAC_OVERRIDE=INFO config.host-pid=FAIL config.host-userns=INFO "     \
		  "config.host-cgroupns=WARN " P_TAIL,                                             \
		  1 },                                                                             \
		{ kind "-host-root",                                                               \
		  P_COMMON "config.host-cgroupns=WARN config.mount-host-root=FAIL " P_TAIL, 1 },   \
		{ kind "-podman-sock",                                                             \
		  P_COMMON "config.host-cgroupns=WARN config.mount-runtime-socket=FAIL " P_TAIL,   \
		  1 },                                                                             \
	{                                                                                          \
		kind "-seccomp-unconfined", P_SECCOMP P_TAIL, 1                                    \
	}

static const struct {
	const char *fixture;
	const char *findings;
	int exit_code;
} podman_cases[] = {
	PODMAN_CASES("podman-inspect"),
	PODMAN_CASES("oci-podman"),
};

#define FIXTURE_HOST_CAPBND (((1ULL << 41) - 1) & ~(1ULL << 24)) /* all but CAP_SYS_RESOURCE */

static json_object *load(const char *name)
{
	char path[512];
	json_object *o;

	snprintf(path, sizeof(path), FIXTURES "/scanners/%s.json", name);
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

static int check_fixture(const char *fixture, const char *want, int want_exit)
{
	json_object *o = load(fixture), *cfg;
	struct container_cfg *c = calloc(1, sizeof(*c));
	struct scan_report r;
	char got[2048];
	int bad = 0;

	scan_report_init(&r);
	/* these fixtures come from a cgroup v1 host without SELinux or AppArmor whose bounding
	 * set lacks CAP_SYS_RESOURCE (docs/TESTING.md): scan them as such, wherever we run */
	c->host_cgroup_v1 = true;
	c->host_capbnd = FIXTURE_HOST_CAPBND;
	cfg = json_object_is_type(o, json_type_array) ? json_object_array_get_idx(o, 0) : o;
	assert_int_equal(container_cfg_parse(cfg, NULL, c), 0);
	assert_int_equal(scan_container_cfg(c, &r), 0);
	summary(&r, got, sizeof(got));
	if (strcmp(got, want) || scan_exit_code(&r, SEV_HIGH) != want_exit) {
		print_error("%s:\n  want %s (exit %d)\n  got  %s (exit %d)\n", fixture, want,
			    want_exit, got, scan_exit_code(&r, SEV_HIGH));
		bad = 1;
	}
	scan_report_free(&r);
	free(c);
	json_object_put(o);
	return bad;
}

static void test_fixtures(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		bad += check_fixture(cases[i].fixture, cases[i].findings, cases[i].exit_code);
	assert_int_equal(bad, 0);
}

static void test_podman_fixtures(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(podman_cases) / sizeof(podman_cases[0]); i++)
		bad += check_fixture(podman_cases[i].fixture, podman_cases[i].findings,
				     podman_cases[i].exit_code);
	assert_int_equal(bad, 0);
}

static void test_details(void **state)
{
	json_object *o = load("inspect-docker-sock");
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

/* label=disable can only be a FAIL where SELinux labels confine anything: a SKIP elsewhere */
static void test_selinux_not_on_host(void **state)
{
	json_object *o = load("inspect-pid-host"), *cfg;
	struct container_cfg *c = calloc(1, sizeof(*c));
	const struct scan_finding *f;
	struct scan_report r;

	cfg = json_object_is_type(o, json_type_array) ? json_object_array_get_idx(o, 0) : o;
	for (int no_selinux = 0; no_selinux <= 1; no_selinux++) {
		scan_report_init(&r);
		c->host_selinux = !no_selinux;
		assert_int_equal(container_cfg_parse(cfg, NULL, c), 0);
		assert_true(c->selinux_disabled);
		assert_int_equal(scan_container_cfg(c, &r), 0);
		f = scan_find(&r, "config.selinux-disabled");
		/* not a FAIL where it cannot apply: no finding without SELinux on the host */
		if (no_selinux)
			assert_true(!f || f->result != SCAN_FAIL);
		else
			assert_true(f && f->result == SCAN_FAIL);
		scan_report_free(&r);
	}
	free(c);
	json_object_put(o);
}

/* apparmor=unconfined is a FAIL where AppArmor confines anything, in every format; else nothing */
static void test_apparmor_not_on_host(void **state)
{
	static const char *const fixtures[] = { "inspect-seccomp-unconfined",
						"podman-inspect-seccomp-unconfined" };
	struct container_cfg *c = calloc(1, sizeof(*c));
	const struct scan_finding *f;
	struct scan_report r;

	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		json_object *o = load(fixtures[i]), *cfg;

		cfg = json_object_is_type(o, json_type_array) ? json_object_array_get_idx(o, 0) : o;
		for (int aa = 0; aa <= 1; aa++) {
			scan_report_init(&r);
			c->host_apparmor = aa;
			assert_int_equal(container_cfg_parse(cfg, NULL, c), 0);
			assert_int_equal(c->apparmor, APPARMOR_UNCONFINED);
			assert_int_equal(scan_container_cfg(c, &r), 0);
			f = scan_find(&r, "config.apparmor-unconfined");
			assert_non_null(f);
			assert_int_equal(f->result, aa ? SCAN_FAIL : SCAN_PASS);
			assert_non_null(strstr(f->detail[0], aa ? "enabled on the scanning host"
								: "it changes nothing"));
			scan_report_free(&r);
		}
		json_object_put(o);
	}
	free(c);
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

/* the findings of one JSON text, scanned with the given host inputs */
static void scan_text(const char *text, bool selinux, uint64_t capbnd, struct scan_report *r)
{
	json_object *o = json_tokener_parse(text);
	struct container_cfg *c = calloc(1, sizeof(*c));

	assert_non_null(o);
	c->host_selinux = selinux;
	c->host_capbnd = capbnd;
	assert_int_equal(container_cfg_parse(o, "t", c), 0);
	assert_int_equal(scan_container_cfg(c, r), 0);
	free(c);
	json_object_put(o);
}

static void summary_of(const char *fixture, uint64_t capbnd, char *buf, size_t len)
{
	json_object *o = load(fixture), *cfg;
	struct container_cfg *c = calloc(1, sizeof(*c));
	struct scan_report r;

	scan_report_init(&r);
	c->host_cgroup_v1 = true;
	c->host_capbnd = capbnd;
	cfg = json_object_is_type(o, json_type_array) ? json_object_array_get_idx(o, 0) : o;
	assert_int_equal(container_cfg_parse(cfg, NULL, c), 0);
	assert_int_equal(scan_container_cfg(c, &r), 0);
	summary(&r, buf, len);
	scan_report_free(&r);
	free(c);
	json_object_put(o);
}

/*
 * One --privileged container, three formats, one answer. The OCI bundle lacks CAP_SYS_RESOURCE,
 * which its host could not grant: still privileged; on a host that has it, the bundle chose to
 * leave it out, and it is judged capability by capability.
 */
static void test_formats_agree(void **state)
{
	char docker[2048], podman[2048], oci[2048], full[2048];

	summary_of("inspect-privileged", FIXTURE_HOST_CAPBND, docker, sizeof(docker));
	summary_of("podman-inspect-privileged", FIXTURE_HOST_CAPBND, podman, sizeof(podman));
	summary_of("oci-podman-privileged", FIXTURE_HOST_CAPBND, oci, sizeof(oci));
	assert_string_equal(docker, podman);
	assert_string_equal(podman, oci);
	summary_of("oci-podman-privileged", (1ULL << 41) - 1, full, sizeof(full));
	assert_null(strstr(full, "config.privileged=FAIL"));
	assert_non_null(strstr(full, "config.cap-SYS_ADMIN=FAIL"));
}

static void test_device_cgroup_rules(void **state)
{
	static const struct {
		const char *json;
		enum scan_result want;
	} c[] = {
		{ "{\"HostConfig\":{\"DeviceCgroupRules\":[\"c 1:3 rwm\",\"b 8:* rmw\"]}}",
		  SCAN_FAIL },
		{ "{\"HostConfig\":{\"DeviceCgroupRules\":[\"a *:* rwm\"]}}", SCAN_FAIL },
		/* mknod alone opens nothing */
		{ "{\"HostConfig\":{\"DeviceCgroupRules\":[\"c 1:3 rwm\",\"b *:* m\"]}}",
		  SCAN_PASS },
		{ "{\"ociVersion\":\"1.0.2\",\"linux\":{\"seccomp\":{},\"resources\":{\"devices\":["
		  "{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\",\"major\":8,"
		  "\"minor\":-1,\"access\":\"rw\"}]}}}",
		  SCAN_FAIL },
		{ "{\"ociVersion\":\"1.0.2\",\"linux\":{\"seccomp\":{},\"resources\":{\"devices\":["
		  "{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\","
		  "\"access\":\"m\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,"
		  "\"access\":\"rwm\"}]}}}",
		  SCAN_PASS },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct scan_report r;

		scan_report_init(&r);
		scan_text(c[i].json, false, 0, &r);
		if (scan_result_of(&r, "config.device-cgroup-rules") != c[i].want)
			fail_msg("case %zu: want %s", i, scan_result_name(c[i].want));
		scan_report_free(&r);
	}
}

/* SYS_PTRACE: critical with the host's PID namespace, medium without; SELinux by host */
static void test_context(void **state)
{
	static const char *ptrace =
		"{\"HostConfig\":{\"CapAdd\":[\"SYS_PTRACE\"],\"PidMode\":\"%s\"}}";
	static const char *label =
		"{\"ProcessLabel\":\"%s\",\"HostConfig\":{\"SecurityOpt\":[\"label=disable\"]}}";
	const struct scan_finding *f;
	struct scan_report r;
	char buf[256];

	for (int host = 0; host < 2; host++) {
		scan_report_init(&r);
		snprintf(buf, sizeof(buf), ptrace, host ? "host" : "");
		scan_text(buf, false, 0, &r);
		f = scan_find(&r, "config.cap-SYS_PTRACE");
		assert_int_equal(f->result, SCAN_FAIL);
		assert_int_equal(f->severity, host ? SEV_CRITICAL : SEV_MEDIUM);
		assert_non_null(strstr(f->detail[1], host ? "host PID namespace every host process"
							  : "critical with --pid=host"));
		assert_int_equal(scan_exit_code(&r, SEV_HIGH), host);
		scan_report_free(&r);
	}
	/* label=disable: FAIL where SELinux runs (the file's label or this host), else nothing */
	for (int k = 0; k < 3; k++) {
		scan_report_init(&r);
		snprintf(buf, sizeof(buf), label, k == 1 ? "system_u:system_r:container_t:s0" : "");
		scan_text(buf, k == 2, 0, &r);
		f = scan_find(&r, "config.selinux-disabled");
		assert_int_equal(f->result, k ? SCAN_FAIL : SCAN_PASS);
		assert_non_null(strstr(f->detail[0], k == 0   ? "it changes nothing"
						     : k == 1 ? "the file shows its host runs"
							      : "judged here"));
		scan_report_free(&r);
	}
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
		/* wrong types: the field's path and the position of its value */
		{ "[{\n  \"Id\": \"x\",\n  \"HostConfig\": {\"Privileged\": \"yes\"}}]",
		  ":3:32: '[0].HostConfig.Privileged' must be a boolean, not string" },
		{ "[{\"HostConfig\": {}, \"Mounts\": [{\"Source\": \"/\", \"RW\": 1}]}]",
		  ":1:54: '[0].Mounts[0].RW' must be a boolean, not int" },
		{ "{\"ID\": \"x\", \"MountPoints\": {\"/h\": {\"Source\": [\"/\"]}}}",
		  ":1:46: 'MountPoints./h.Source' must be a string, not array" },
		{ "{\"ociVersion\": \"1.0.2\", \"process\": {\"capabilities\": "
		  "{\"effective\": [\"CAP_CHOWN\", 21]}}}",
		  ":1:81: 'process.capabilities.effective[1]' must be a string, not int" },
		{ "{\"ociVersion\": \"1.0.2\", \"process\": {\"user\": {\"uid\": \"0\"}}}",
		  ":1:53: 'process.user.uid' must be an integer, not string" },
		{ "{\"ociVersion\": \"1.0.2\", \"linux\": {\"namespaces\": {\"type\": \"pid\"}}}",
		  ":1:49: 'linux.namespaces' must be an array, not object" },
		{ "[{\"HostConfig\": [] }]",
		  ":1:17: '[0].HostConfig' must be an object, not array" },
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

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void write_text(const char *path, const char *text)
{
	write_file(path, text, strlen(text));
}

static void expect_error(const char *path, const char *want)
{
	struct scan_report r;
	char err[512];

	scan_report_init(&r);
	assert_int_not_equal(scan_container_path(path, &r, err, sizeof(err)), 0);
	if (!strstr(err, want))
		fail_msg("%s: want '...%s...', got '%s'", path, want, err);
	assert_int_equal(r.n, 0);
	scan_report_free(&r);
}

/* Real fixtures cut short, a Docker container directory with a bad hostconfig.json, huge input */
static void test_bad_files(void **state)
{
	static const char *const fixtures[] = { "inspect-privileged", "podman-inspect-privileged",
						"oci-podman-privileged" };
	char dir[] = "/tmp/dcea-test-badcfg-XXXXXX", path[600], want[700], *text = NULL;
	size_t len = 0;

	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char src[512];
		FILE *f;

		snprintf(src, sizeof(src), FIXTURES "/scanners/%s.json", fixtures[i]);
		f = fopen(src, "r");
		assert_non_null(f);
		text = malloc(1 << 20);
		len = fread(text, 1, 1 << 20, f);
		fclose(f);
		snprintf(path, sizeof(path), "%s/%s-cut.json", dir, fixtures[i]);
		write_file(path, text, len / 2);
		snprintf(want, sizeof(want), "%s:", path);
		expect_error(path, want);
		expect_error(path, ": invalid JSON: unexpected end of data");
		free(text);
		unlink(path);
	}

	snprintf(path, sizeof(path), "%s/config.v2.json", dir);
	write_text(path, "{\"ID\": \"abc\"}");
	snprintf(path, sizeof(path), "%s/hostconfig.json", dir);
	write_text(path, "{\n\"CapAdd\": \"SYS_ADMIN\"}");
	snprintf(want, sizeof(want),
		 "%s/hostconfig.json:2:11: 'CapAdd' must be an array, not string", dir);
	expect_error(dir, want);
	unlink(path);
	snprintf(path, sizeof(path), "%s/config.v2.json", dir);
	unlink(path);

	/* 17 MiB of a valid-looking array: refused before parsing, whatever it holds */
	len = 17u << 20;
	text = malloc(len);
	assert_non_null(text);
	memset(text, ' ', len);
	text[0] = '[';
	text[len - 1] = ']';
	snprintf(path, sizeof(path), "%s/huge.json", dir);
	write_file(path, text, len);
	free(text);
	snprintf(want, sizeof(want), "%s: more than 16 MiB", path);
	expect_error(path, want);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_podman_fixtures),
		cmocka_unit_test(test_details),
		cmocka_unit_test(test_oci_config),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_formats_agree),
		cmocka_unit_test(test_device_cgroup_rules),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_selinux_not_on_host),
		cmocka_unit_test(test_apparmor_not_on_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
