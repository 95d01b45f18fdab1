// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader/decode.c: every rule has a decoder, and every typed field of bpf/dcea.h's event comes
 * out as the details field docs/ALERTS.md names, with its value, and no other field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "common/util.h"
#include "loader/decode.h"

#define MAX_FIELDS 8

struct field {
	const char *key, *value; /* value as json_object_get_string gives it */
};

struct decode_case {
	const char *name;
	struct dcea_event ev;
	struct field want[MAX_FIELDS];
};

#define CAP_CHOWN     (1ULL << 0)
#define CAP_DAC	      (1ULL << 1)
#define CAP_SYS_ADMIN (1ULL << 21)
#define NS_BIT(n)     (1ULL << DCEA_NS_##n)

static const struct decode_case cases[] = {
	{ "mount fstype",
	  { .rule = DCEA_R_MOUNT,
	    .mount = { .flags = 32768, .kind = DCEA_MK_FSTYPE },
	    .path = "proc",
	    .str2 = "proc" },
	  { { "kind", "fstype" },
	    { "source", "proc" },
	    { "fstype", "proc" },
	    { "flags", "32768" } } },
	{ "mount bind",
	  { .rule = DCEA_R_MOUNT, .mount = { .flags = 4096, .kind = DCEA_MK_BIND }, .path = "/" },
	  { { "kind", "bind" }, { "source", "/" }, { "fstype", "" }, { "flags", "4096" } } },
	{ "mount remount",
	  { .rule = DCEA_R_MOUNT, .mount = { .flags = 32, .kind = DCEA_MK_REMOUNT_RW } },
	  { { "kind", "remount_rw" }, { "source", "" }, { "fstype", "" }, { "flags", "32" } } },
	{ "mount disk",
	  { .rule = DCEA_R_MOUNT,
	    .mount = { .kind = DCEA_MK_DISK },
	    .path = "/dev/sda1",
	    .str2 = "ext4" },
	  { { "kind", "device" },
	    { "source", "/dev/sda1" },
	    { "fstype", "ext4" },
	    { "flags", "0" } } },
	{ "mount unreadable",
	  { .rule = DCEA_R_MOUNT, .mount = { .kind = DCEA_MK_UNREADABLE } },
	  { { "kind", "unreadable" }, { "source", "" }, { "fstype", "" }, { "flags", "0" } } },
	{ "mount unknown kind",
	  { .rule = DCEA_R_MOUNT, .mount = { .kind = DCEA_MK_MAX } },
	  { { "kind", "" }, { "source", "" }, { "fstype", "" }, { "flags", "0" } } },
	{ "fsopen",
	  { .rule = DCEA_R_MOUNT_API, .path = "fsopen", .str2 = "sysfs" },
	  { { "syscall", "fsopen" }, { "fstype", "sysfs" }, { "flags", "0" } } },
	{ "open_tree",
	  { .rule = DCEA_R_MOUNT_API, .mount_api = { .flags = 1 }, .str2 = "open_tree" },
	  { { "syscall", "open_tree" }, { "flags", "1" } } },
	{ "mknod char",
	  { .rule = DCEA_R_DEVICE_CREATE,
	    .device = { .major = 10, .minor = 234, .access = 1 << 16 | 2 } },
	  { { "device", "char 10:234" }, { "access", "mknod" } } },
	{ "block write",
	  { .rule = DCEA_R_BLOCK_DEVICE,
	    .device = { .major = 8, .minor = 1, .access = 4 << 16 | 1 } },
	  { { "device", "block 8:1" }, { "access", "write" } } },
	{ "/dev/mem read",
	  { .rule = DCEA_R_BLOCK_DEVICE,
	    .device = { .major = 1, .minor = 1, .access = 2 << 16 | 2 } },
	  { { "device", "char 1:1" }, { "access", "read" } } },
	{ "capset",
	  { .rule = DCEA_R_CAPSET,
	    .capset = { .effective = CAP_SYS_ADMIN | CAP_CHOWN,
			.inheritable = CAP_DAC,
			.cur_effective = CAP_CHOWN } },
	  { { "capabilities_gained", "sys_admin" },
	    { "effective_requested", "chown,sys_admin" } } },
	{ "setuid",
	  { .rule = DCEA_R_SETUID_ROOT, .setid = { .from = 1000 }, .str2 = "setresuid" },
	  { { "syscall", "setresuid" }, { "from_uid", "1000" } } },
	{ "setgid",
	  { .rule = DCEA_R_SETUID_ROOT, .setid = { .from = 1001, .gid = 1 }, .str2 = "setgid" },
	  { { "syscall", "setgid" }, { "from_gid", "1001" } } },
	{ "sysctl",
	  { .rule = DCEA_R_SYSCTL_WRITE, .path = "/proc/sys/kernel/core_pattern", .str2 = "|/x" },
	  { { "path", "/proc/sys/kernel/core_pattern" }, { "value", "|/x" } } },
	{ "knob by dir and name",
	  { .rule = DCEA_R_KNOB_WRITE,
	    .object = { .fs_magic = 0x63677270, .route = DCEA_RT_IO_URING },
	    .path = "release_agent",
	    .str2 = "cgroup" },
	  { { "path", "cgroup/release_agent" },
	    { "fs_magic", "0x63677270" },
	    { "route", "io_uring" } } },
	{ "knob full name",
	  { .rule = DCEA_R_KNOB_WRITE,
	    .object = { .fs_magic = 0x62656572 },
	    .path = "/sys/kernel/uevent_helper",
	    .str2 = "kernel" },
	  { { "path", "/sys/kernel/uevent_helper" },
	    { "fs_magic", "0x62656572" },
	    { "route", "syscall" } } },
	{ "setns",
	  { .rule = DCEA_R_SETNS, .setns = { .changed = NS_BIT(MNT) | NS_BIT(NET) } },
	  { { "namespaces_changed", "[ \"mnt\", \"net\" ]" } } },
	{ "unshare",
	  { .rule = DCEA_R_UNSHARE, .unshare = { .flags = 0x20000 }, .str2 = "unshare" },
	  { { "syscall", "unshare" }, { "flags", "0x20000" } } },
	{ "ptrace",
	  { .rule = DCEA_R_PTRACE,
	    .ptrace = { .request = 16, .target_pid = 4242 },
	    .str2 = "ptrace" },
	  { { "syscall", "ptrace" }, { "target_pid", "4242" } } },
	{ "proc ns file",
	  { .rule = DCEA_R_PROC_HOST,
	    .object = { .kind = DCEA_PH_NSFILE, .ns_inode = 4026531836 },
	    .path = "mnt",
	    .str2 = "ns" },
	  { { "kind", "ns_file" },
	    { "path", "ns/mnt" },
	    { "ns_inode", "4026531836" },
	    { "route", "syscall" } } },
	{ "proc foreign mount",
	  { .rule = DCEA_R_PROC_HOST,
	    .object = { .kind = DCEA_PH_FOREIGN_MOUNT,
			.ns_inode = 4026531840,
			.route = DCEA_RT_PIDFD },
	    .path = "shadow",
	    .str2 = "/" },
	  { { "kind", "foreign_mount" },
	    { "path", "/shadow" },
	    { "ns_inode", "4026531840" },
	    { "route", "pidfd_getfd" } } },
	{ "proc foreign directory received",
	  { .rule = DCEA_R_PROC_HOST,
	    .object = { .kind = DCEA_PH_FOREIGN_MOUNT,
			.ns_inode = 4026531840,
			.route = DCEA_RT_SCM },
	    .path = "ht",
	    .str2 = "tmp" },
	  { { "kind", "foreign_mount" },
	    { "path", "tmp/ht" },
	    { "ns_inode", "4026531840" },
	    { "route", "scm_rights" } } },
	{ "proc foreign directory inherited",
	  { .rule = DCEA_R_PROC_HOST,
	    .object = { .kind = DCEA_PH_FOREIGN_MOUNT,
			.ns_inode = 4026531840,
			.route = DCEA_RT_INHERIT },
	    .path = "cgroup",
	    .str2 = "fs" },
	  { { "kind", "foreign_mount" },
	    { "path", "fs/cgroup" },
	    { "ns_inode", "4026531840" },
	    { "route", "inherited" } } },
	{ "proc mem",
	  { .rule = DCEA_R_PROC_HOST,
	    .object = { .kind = DCEA_PH_PROC_MEM, .target_pid = 1 },
	    .path = "mem",
	    .str2 = "1" },
	  { { "kind", "proc_mem" },
	    { "path", "1/mem" },
	    { "target_pid", "1" },
	    { "route", "syscall" } } },
	{ "proc walk",
	  { .rule = DCEA_R_PROC_HOST,
	    .object = { .kind = DCEA_PH_WALK,
			.target_pid = 1,
			.op = DCEA_WALK_MKDIR,
			.route = DCEA_RT_IO_URING },
	    .path = "/proc/1/root/x" },
	  { { "kind", "path_walk" },
	    { "path", "/proc/1/root/x" },
	    { "operation", "mkdir" },
	    { "target_pid", "1" },
	    { "route", "io_uring" } } },
	{ "proc walk from outside",
	  { .rule = DCEA_R_PROC_HOST,
	    .object = { .kind = DCEA_PH_WALK, .op = DCEA_WALK_UNLINK },
	    .path = "etc/passwd" },
	  { { "kind", "path_walk" },
	    { "path", "etc/passwd" },
	    { "operation", "unlink" },
	    { "from_outside", "true" },
	    { "route", "syscall" } } },
	{ "bpf",
	  { .rule = DCEA_R_BPF_LOAD, .call = { .arg = 5 }, .str2 = "bpf" },
	  { { "syscall", "bpf" } } },
	{ "module",
	  { .rule = DCEA_R_MODULE_LOAD, .call = { .arg = 3 }, .str2 = "finit_module" },
	  { { "syscall", "finit_module" } } },
	{ "open_by_handle",
	  { .rule = DCEA_R_OPEN_BY_HANDLE, .call = { .arg = 3 }, .str2 = "open_by_handle_at" },
	  { { "syscall", "open_by_handle_at" } } },
	{ "kexec",
	  { .rule = DCEA_R_KEXEC, .call = { .arg = 3 }, .str2 = "kernel_load" },
	  { { "syscall", "kernel_load" } } },
	{ "runtime socket",
	  { .rule = DCEA_R_RUNTIME_SOCKET,
	    .object = { .fd = (__u64)-1, .route = DCEA_RT_IO_URING },
	    .path = "/run/docker.sock",
	    .str2 = "docker.sock" },
	  { { "path", "/run/docker.sock" },
	    { "socket", "docker.sock" },
	    { "route", "io_uring" } } },
	{ "ns escape with caps",
	  { .rule = DCEA_R_NS_ESCAPE,
	    .escape = { .bits = NS_BIT(MNT) | NS_BIT(PID) | DCEA_ESC_CAPS | DCEA_ESC_CWD,
			.cap_effective = CAP_SYS_ADMIN | CAP_CHOWN,
			.cap_bset = CAP_CHOWN } },
	  { { "host_namespaces", "[ \"mnt\", \"pid\" ]" },
	    { "capabilities_beyond_bounding_set", "true" },
	    { "capabilities_gained", "sys_admin" },
	    { "container_bounding_set", "0x1" },
	    { "root_outside", "false" },
	    { "cwd_outside", "true" },
	    { "fd_outside", "false" } } },
	{ "ns escape root",
	  { .rule = DCEA_R_NS_ESCAPE, .escape = { .bits = DCEA_ESC_ROOT, .cap_bset = CAP_CHOWN } },
	  { { "host_namespaces", "[ ]" },
	    { "capabilities_beyond_bounding_set", "false" },
	    { "root_outside", "true" },
	    { "cwd_outside", "false" },
	    { "fd_outside", "false" } } },
	{ "ns escape held fd",
	  { .rule = DCEA_R_NS_ESCAPE, .escape = { .bits = DCEA_ESC_FD, .cap_bset = CAP_CHOWN } },
	  { { "host_namespaces", "[ ]" },
	    { "capabilities_beyond_bounding_set", "false" },
	    { "root_outside", "false" },
	    { "cwd_outside", "false" },
	    { "fd_outside", "true" } } },
	{ "tamper file",
	  { .rule = DCEA_R_TAMPER,
	    .object = { .kind = DCEA_TAMPER_FILE, .inode = 77 },
	    .path = "policy.yaml",
	    .str2 = "dcea" },
	  { { "kind", "file_write" },
	    { "file", "policy.yaml" },
	    { "dir", "dcea" },
	    { "inode", "77" },
	    { "route", "syscall" } } },
	{ "tamper truncate",
	  { .rule = DCEA_R_TAMPER,
	    .object = { .kind = DCEA_TAMPER_TRUNCATE, .inode = 78, .route = DCEA_RT_IO_URING },
	    .path = "dcea",
	    .str2 = "sbin" },
	  { { "kind", "truncate" },
	    { "file", "dcea" },
	    { "dir", "sbin" },
	    { "inode", "78" },
	    { "route", "io_uring" } } },
	/* a signal's number overlaps the kinds (2 is DCEA_TAMPER_UNLINK): no path says signal */
	{ "tamper signal",
	  { .rule = DCEA_R_TAMPER, .object = { .signal = 2, .target_pid = 4242 }, .str2 = "kill" },
	  { { "kind", "signal" },
	    { "syscall", "kill" },
	    { "signal", "2" },
	    { "target_pid", "4242" },
	    { "route", "syscall" } } },
	{ "shell interactive",
	  { .rule = DCEA_R_SHELL,
	    .shell = { .interactive = 1, .why = DCEA_SHELL_INTERACTIVE },
	    .path = "/bin/sh" },
	  { { "path", "/bin/sh" },
	    { "interactive", "true" },
	    { "entrypoint", "false" },
	    { "why", "interactive" } } },
	{ "shell parent",
	  { .rule = DCEA_R_SHELL,
	    .shell = { .entrypoint = 1, .why = DCEA_SHELL_PARENT },
	    .path = "/bin/bash" },
	  { { "path", "/bin/bash" },
	    { "interactive", "false" },
	    { "entrypoint", "true" },
	    { "why", "unexpected_parent" } } },
	{ "shell policy",
	  { .rule = DCEA_R_SHELL, .shell = { .why = DCEA_SHELL_POLICY }, .path = "/bin/sh" },
	  { { "path", "/bin/sh" },
	    { "interactive", "false" },
	    { "entrypoint", "false" },
	    { "why", "policy_all" } } },
	{ "cred write",
	  { .rule = DCEA_R_CRED_FILE, .cred = { .write = 1 }, .path = "/etc/shadow" },
	  { { "path", "/etc/shadow" }, { "write", "true" } } },
	{ "cred read",
	  { .rule = DCEA_R_CRED_FILE, .path = "/etc/gshadow" },
	  { { "path", "/etc/gshadow" }, { "write", "false" } } },
	{ "dev file",
	  { .rule = DCEA_R_DEV_FILE, .dev_file = { .mode = 0100644, .dev = 5 }, .path = "/dev/x" },
	  { { "path", "/dev/x" }, { "mode", "0100644" } } },
	{ "priv exec",
	  { .rule = DCEA_R_PRIV_EXEC,
	    .priv_exec = { .uid = 1000, .euid = 0, .cap_effective = CAP_SYS_ADMIN },
	    .path = "/usr/bin/su" },
	  { { "path", "/usr/bin/su" },
	    { "uid", "1000" },
	    { "euid", "0" },
	    { "caps", "sys_admin" } } },
	{ "priv launch",
	  { .rule = DCEA_R_PRIV_LAUNCH,
	    .priv_launch = { .cap_effective = CAP_CHOWN, .cap_bset = CAP_CHOWN | CAP_DAC } },
	  { { "bounding_set", "chown,dac_override" }, { "cap_bset", "3" } } },
	{ "drift",
	  { .rule = DCEA_R_DRIFT,
	    .drift = { .changed = 1795824000, .started = 1795823000 },
	    .path = "/tmp/x" },
	  { { "path", "/tmp/x" },
	    { "changed", "1795824000" },
	    { "container_started", "1795823000" } } },
	{ "custom",
	  { .rule = DCEA_R_CUSTOM,
	    .custom = { .kind = DCEA_K_OPEN_WRITE, .value = 2, .index = 3 },
	    .path = "/etc/passwd" },
	  { { "kind", "open_write" }, { "path", "/etc/passwd" }, { "index", "3" } } },
};

static void test_every_rule_has_a_decoder(void **state)
{
	for (__u32 r = 0; r < DCEA_R_MAX; r++)
		assert_non_null(event_decoder_of(r));
	assert_null(event_decoder_of(DCEA_R_MAX));
}

/* a new rule needs a row above too */
static void test_every_rule_has_a_case(void **state)
{
	bool seen[DCEA_R_MAX] = {};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_true(cases[i].ev.rule < DCEA_R_MAX);
		seen[cases[i].ev.rule] = true;
	}
	for (int r = 0; r < DCEA_R_MAX; r++)
		if (!seen[r])
			fail_msg("rule %d has no decode case", r);
}

static void test_fields_round_trip(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct decode_case *c = &cases[i];
		json_object *d = json_object_new_object(), *v;
		int n = 0;

		event_decode_rule(d, &c->ev);
		for (; n < MAX_FIELDS && c->want[n].key; n++) {
			if (!json_object_object_get_ex(d, c->want[n].key, &v))
				fail_msg("%s: no field '%s' in %s", c->name, c->want[n].key,
					 json_object_to_json_string(d));
			if (strcmp(json_object_get_string(v), c->want[n].value))
				fail_msg("%s: '%s' is '%s', expected '%s'", c->name, c->want[n].key,
					 json_object_get_string(v), c->want[n].value);
		}
		if (json_object_object_length(d) != n)
			fail_msg("%s: %d fields expected, got %s", c->name, n,
				 json_object_to_json_string(d));
		json_object_put(d);
	}
}

/* the order of the fields is the order of the human line's key=value pairs */
static void test_field_order(void **state)
{
	struct dcea_event e = { .rule = DCEA_R_PROC_HOST,
				.object = { .kind = DCEA_PH_WALK, .op = DCEA_WALK_LINK },
				.path = "x" };
	json_object *d = json_object_new_object();

	event_decode_rule(d, &e);
	assert_string_equal(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN),
			    "{\"kind\":\"path_walk\",\"path\":\"x\",\"operation\":\"link\","
			    "\"from_outside\":true,\"route\":\"syscall\"}");
	json_object_put(d);
}

static void test_unknown_rule(void **state)
{
	struct dcea_event e = { .rule = DCEA_R_MAX + 3, .str2 = "somecall" };
	json_object *d = json_object_new_object();

	event_decode_rule(d, &e);
	assert_string_equal(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN),
			    "{\"syscall\":\"somecall\"}");
	json_object_put(d);
}

static void test_map_full(void **state)
{
	static const char *const names[] = {
		"dcea_containers", "dcea_tasks",     "dcea_setup",   "dcea_held",
		"dcea_scratch",	   "dcea_walklater", "dcea_madvise", "?",
	};

	for (__u64 m = 0; m <= DCEA_MAP_MAX; m++) {
		struct dcea_event e = { .kind = DCEA_EV_MAP_FULL, .map_full = { .map = m } };
		json_object *d = json_object_new_object(), *v;

		event_decode_map_full(d, &e);
		assert_int_equal(json_object_object_length(d), 1);
		assert_true(json_object_object_get_ex(d, "map", &v));
		assert_string_equal(json_object_get_string(v), names[m]);
		json_object_put(d);
	}
}

/* each typed member is the same 32 bytes as the others: aggregation keys on `raw` */
static void test_union_layout(void **state)
{
	struct dcea_event e = {};

	e.custom.index = 9;
	assert_int_equal(e.raw[3], 9);
	e.object.route = DCEA_RT_PIDFD;
	assert_int_equal(e.raw[3], DCEA_RT_PIDFD);
	e.mount.kind = DCEA_MK_BIND;
	assert_int_equal(e.raw[1], DCEA_MK_BIND);
	e.escape.cap_bset = 5;
	assert_int_equal(e.raw[2], 5);
	assert_int_equal(offsetof(struct dcea_event, raw) + sizeof(e.raw),
			 offsetof(struct dcea_event, count));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_rule_has_a_decoder),
		cmocka_unit_test(test_every_rule_has_a_case),
		cmocka_unit_test(test_fields_round_trip),
		cmocka_unit_test(test_field_order),
		cmocka_unit_test(test_unknown_rule),
		cmocka_unit_test(test_map_full),
		cmocka_unit_test(test_union_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
