// SPDX-License-Identifier: GPL-2.0-only
/* loader/events.c and loader/containers.c: alerts carry the fields the CLI contract promises. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "common/util.h"
#include "loader/containers.h"
#include "loader/events.h"
#include "rules/rules.h"
#include "policy/policy.h"

static const char *get(json_object *o, const char *path)
{
	char buf[128], *save = NULL, *tok;
	json_object *cur = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok; tok = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(cur, tok, &cur))
			return NULL;
	return json_object_get_string(cur);
}

static void test_cgname_runtimes(void **state)
{
	struct ct_info ci;
	const char *id = "9eb13ec5f6de6ffc0a0c2d985bf085fb4b521ca479cd39c69745325622e4e8e4";
	char buf[128];

	ct_parse_cgname(id, &ci);
	assert_string_equal(ci.runtime, "docker");
	assert_string_equal(ci.id, id);
	snprintf(buf, sizeof(buf), "docker-%s.scope", id);
	ct_parse_cgname(buf, &ci);
	assert_string_equal(ci.runtime, "docker");
	assert_string_equal(ci.id, id);
	ct_parse_cgname("libpod-abc123", &ci);
	assert_string_equal(ci.runtime, "podman");
	assert_string_equal(ci.id, "abc123");
	ct_parse_cgname("libpod-abc123.scope", &ci);
	assert_string_equal(ci.id, "abc123");
	ct_parse_cgname("cri-containerd-feed.scope", &ci);
	assert_string_equal(ci.runtime, "containerd");
	assert_string_equal(ci.id, "feed");
	ct_parse_cgname("crio-beef.scope", &ci);
	assert_string_equal(ci.runtime, "crio");
	ct_parse_cgname("mybox", &ci);
	assert_string_equal(ci.runtime, "unknown");
	assert_string_equal(ci.id, "mybox");
	/* 64 characters but not hex: not docker */
	ct_parse_cgname("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", &ci);
	assert_string_equal(ci.runtime, "unknown");
}

static void test_docker_config(void **state)
{
	struct ct_info ci = {};
	char *buf = NULL;

	assert_int_equal(read_file(FIXTURES "/loader/docker-config.v2.json", &buf, NULL), 0);
	assert_int_equal(ct_parse_docker_config(buf, &ci), 0);
	assert_string_equal(ci.name, "cool_goldstine");
	assert_string_equal(ci.image, "dcea-test/busybox:latest");
	free(buf);
	assert_int_equal(ct_parse_docker_config("{not json", &ci), -EINVAL);
}

static struct dcea_event sample(enum dcea_rule rule, enum dcea_action action)
{
	struct dcea_event e = {
		.ts_boot_ns = 1000000000ULL,
		.cgroup_id = 1222,
		.ns = { 11, 12, 13, 14, 15, 16, 17, 18 },
		.kind = DCEA_EV_RULE,
		.rule = rule,
		.action = action,
		.pid = 999999999, /* no such process: exe falls back to the kernel's basename */
		.tid = 999999999,
		.ppid = 7,
		.uid = 1000,
	};

	strcpy(e.comm, "mount");
	strcpy(e.exe, "busybox");
	strcpy(e.cgname, "libpod-abc123");
	return e;
}

static void test_alert_fields(void **state)
{
	struct dcea_event e = sample(DCEA_R_MOUNT, DCEA_ACT_KILL);
	struct policy pol;
	json_object *o;

	policy_default(&pol);
	e.mount.flags = 32768;
	e.mount.kind = DCEA_MK_FSTYPE;
	strcpy(e.path, "proc");
	strcpy(e.str2, "proc");
	/* boot time 1 s + offset: 2026-11-28T00:00:00Z */
	o = event_to_json(&e, &pol, 1795824000LL * 1000000000LL - 1000000000LL);
	assert_string_equal(get(o, "time"), "2026-11-28T00:00:00.000000000Z");
	assert_string_equal(get(o, "type"), "alert");
	assert_string_equal(get(o, "rule"), "mount_sensitive");
	assert_string_equal(get(o, "severity"), "high");
	assert_string_equal(get(o, "action"), "kill");
	assert_string_equal(get(o, "pid"), "999999999");
	assert_string_equal(get(o, "tid"), "999999999");
	assert_string_equal(get(o, "ppid"), "7");
	assert_string_equal(get(o, "uid"), "1000");
	assert_string_equal(get(o, "comm"), "mount");
	assert_string_equal(get(o, "exe"), "busybox");
	assert_string_equal(get(o, "container.id"), "abc123");
	assert_string_equal(get(o, "container.runtime"), "podman");
	assert_non_null(get(o, "container.name"));
	assert_non_null(get(o, "container.image"));
	assert_string_equal(get(o, "ns.mnt"), "11");
	assert_string_equal(get(o, "ns.pid"), "12");
	assert_string_equal(get(o, "ns.net"), "13");
	assert_string_equal(get(o, "ns.uts"), "14");
	assert_string_equal(get(o, "ns.ipc"), "15");
	assert_string_equal(get(o, "ns.user"), "16");
	assert_string_equal(get(o, "ns.cgroup"), "17");
	assert_string_equal(get(o, "details.fstype"), "proc");
	assert_string_equal(get(o, "details.kind"), "fstype");
	json_object_put(o);
}

static void test_policy_severity_wins(void **state)
{
	struct dcea_event e = sample(DCEA_R_UNSHARE, DCEA_ACT_ALERT);
	struct policy pol;
	json_object *o;

	policy_default(&pol);
	pol.rules[DCEA_R_UNSHARE].severity = SEV_CRITICAL;
	e.unshare.flags = 0x10000000;
	strcpy(e.str2, "unshare");
	o = event_to_json(&e, &pol, 0);
	assert_string_equal(get(o, "severity"), "critical");
	assert_string_equal(get(o, "action"), "alert");
	assert_string_equal(get(o, "details.flags"), "0x10000000");
	assert_string_equal(get(o, "details.syscall"), "unshare");
	json_object_put(o);
}

static void test_details_per_rule(void **state)
{
	struct dcea_event e = sample(DCEA_R_SETNS, DCEA_ACT_KILL);
	char buf[256];
	json_object *o;

	e.setns.changed = (1 << DCEA_NS_MNT) | (1 << DCEA_NS_PID);
	o = event_to_json(&e, NULL, 0);
	assert_string_equal(get(o, "details.namespaces_changed"), "[ \"mnt\", \"pid\" ]");
	json_object_put(o);

	e = sample(DCEA_R_DEVICE_CREATE, DCEA_ACT_DENY);
	e.device.major = 8;
	e.device.minor = 0;
	e.device.access = (1 << 16) | 1; /* mknod of a block device */
	event_details(&e, buf, sizeof(buf));
	assert_string_equal(buf, "device=block 8:0 access=mknod");

	e = sample(DCEA_R_CAPSET, DCEA_ACT_KILL);
	e.capset.effective = (1ULL << 21) | (1ULL << 0); /* requested: sys_admin, chown */
	e.capset.cur_effective = 1ULL << 0;		 /* had: chown */
	o = event_to_json(&e, NULL, 0);
	assert_string_equal(get(o, "details.capabilities_gained"), "sys_admin");
	json_object_put(o);

	e = sample(DCEA_R_PTRACE, DCEA_ACT_KILL);
	e.ptrace.target_pid = 4242;
	strcpy(e.str2, "ptrace");
	o = event_to_json(&e, NULL, 0);
	assert_string_equal(get(o, "details.target_pid"), "4242");
	json_object_put(o);

	/* the LSM backend's refusal of a rename over one of dcea's files */
	e = sample(DCEA_R_TAMPER, DCEA_ACT_DENY);
	e.object.kind = DCEA_TAMPER_RENAME;
	e.object.inode = 77;
	strcpy(e.path, "policy.yaml");
	strcpy(e.str2, "dcea");
	o = event_to_json(&e, NULL, 0);
	assert_string_equal(get(o, "details.kind"), "rename");
	assert_string_equal(get(o, "details.file"), "policy.yaml");
	assert_string_equal(get(o, "details.dir"), "dcea");
	assert_string_equal(get(o, "details.inode"), "77");
	json_object_put(o);
	e.object.kind = DCEA_TAMPER_UMOUNT;
	o = event_to_json(&e, NULL, 0);
	assert_string_equal(get(o, "details.kind"), "umount");
	json_object_put(o);

	/* a SIGINT (2) to the loader: a signal, although 2 is also DCEA_TAMPER_UNLINK */
	e = sample(DCEA_R_TAMPER, DCEA_ACT_KILL);
	e.object.signal = 2;
	e.object.target_pid = 4242;
	strcpy(e.str2, "kill");
	o = event_to_json(&e, NULL, 0);
	assert_string_equal(get(o, "details.kind"), "signal");
	assert_string_equal(get(o, "details.signal"), "2");
	assert_string_equal(get(o, "details.target_pid"), "4242");
	json_object_put(o);
}

static void test_container_start_event(void **state)
{
	struct dcea_event e = sample(0, DCEA_ACT_ALERT);
	json_object *o;

	e.kind = DCEA_EV_CONTAINER;
	o = event_to_json(&e, NULL, 0);
	assert_string_equal(get(o, "type"), "container_start");
	assert_null(get(o, "rule"));
	json_object_put(o);
}

static void test_human_line(void **state)
{
	struct dcea_event e = sample(DCEA_R_SYSCTL_WRITE, DCEA_ACT_DENY);
	char line[512];
	json_object *o;

	strcpy(e.path, "/proc/sys/kernel/core_pattern");
	strcpy(e.str2, "|/tmp/x");
	o = event_to_json(&e, NULL, 0);
	alert_format_human(o, line, sizeof(line), false);
	assert_non_null(strstr(line, "kernel_knob_sysctl"));
	assert_non_null(strstr(line, "deny"));
	assert_non_null(strstr(line, "path=/proc/sys/kernel/core_pattern"));
	assert_null(strchr(line, '\033')); /* no colour when asked for none */
	json_object_put(o);
}

static void test_rule_names_stable(void **state)
{
	/* ids are part of the contract: policies and alert consumers depend on them */
	static const char *const names[DCEA_R_MAX] = {
		"mount_sensitive",  "mount_api",       "device_create",	      "block_device_access",
		"capset_raise",	    "setuid_root",     "kernel_knob_sysctl",  "kernel_knob_file",
		"setns_foreign",    "unshare_ns",      "ptrace_host",	      "proc_host_access",
		"bpf_load",	    "module_load",     "open_by_handle",      "kexec_load",
		"runtime_socket",   "ns_escape",       "dcea_tamper",	      "shell_in_container",
		"cred_file_access", "dev_file_create", "privilege_gain_exec", "privileged_launch",
		"drift_exec",	    "custom",
	};

	for (int i = 0; i < DCEA_R_MAX; i++) {
		assert_int_equal(rule_table[i].id, i);
		assert_string_equal(rule_table[i].name, names[i]);
		assert_ptr_equal(rule_by_name(names[i]), &rule_table[i]);
	}
	assert_null(rule_by_name("no_such_rule"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgname_runtimes),
		cmocka_unit_test(test_docker_config),
		cmocka_unit_test(test_alert_fields),
		cmocka_unit_test(test_policy_severity_wins),
		cmocka_unit_test(test_details_per_rule),
		cmocka_unit_test(test_container_start_event),
		cmocka_unit_test(test_human_line),
		cmocka_unit_test(test_rule_names_stable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
