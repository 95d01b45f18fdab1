// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>

#include "common/util.h"
#include "loader/decode.h"
#include "rules/rules.h"
#include "policy/parse.h"

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_int(json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void add_bool(json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

static void add_hex(json_object *o, const char *k, __u64 v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	add_str(o, k, buf);
}

/* names[i], "" for a value the table does not name (out of range, or a hole) */
#define NAME_OF(names, i) ((i) < ARRAY_SIZE(names) && (names)[i] ? (names)[i] : "")

static const char *const mount_kinds[DCEA_MK_MAX] = {
	[DCEA_MK_NONE] = "",	   [DCEA_MK_FSTYPE] = "fstype",
	[DCEA_MK_BIND] = "bind",   [DCEA_MK_REMOUNT_RW] = "remount_rw",
	[DCEA_MK_DISK] = "device", [DCEA_MK_UNREADABLE] = "unreadable",
};
static const char *const proc_kinds[DCEA_PH_MAX] = {
	[DCEA_PH_NSFILE] = "ns_file",
	[DCEA_PH_FOREIGN_MOUNT] = "foreign_mount",
	[DCEA_PH_PROC_MEM] = "proc_mem",
	[DCEA_PH_WALK] = "path_walk",
};
static const char *const walk_ops[DCEA_WALK_MAX] = {
	[DCEA_WALK_MKDIR] = "mkdir",	   [DCEA_WALK_SYMLINK] = "symlink",
	[DCEA_WALK_LINK] = "link",	   [DCEA_WALK_RENAME] = "rename",
	[DCEA_WALK_UNLINK] = "unlink",	   [DCEA_WALK_OPEN] = "open",
	[DCEA_WALK_SETXATTR] = "setxattr", [DCEA_WALK_CHMOD] = "chmod",
	[DCEA_WALK_CHOWN] = "chown",	   [DCEA_WALK_MKNOD] = "mknod",
	[DCEA_WALK_BIND] = "bind",
};
static const char *const routes[DCEA_RT_MAX] = {
	[DCEA_RT_SYSCALL] = "syscall",	 [DCEA_RT_IO_URING] = "io_uring",
	[DCEA_RT_PIDFD] = "pidfd_getfd", [DCEA_RT_SCM] = "scm_rights",
	[DCEA_RT_INHERIT] = "inherited",
};
static const char *const tamper_kinds[] = {
	[DCEA_TAMPER_FILE] = "file_write",   [DCEA_TAMPER_UNLINK] = "unlink",
	[DCEA_TAMPER_RMDIR] = "rmdir",	     [DCEA_TAMPER_RENAME] = "rename",
	[DCEA_TAMPER_TRUNCATE] = "truncate", [DCEA_TAMPER_UMOUNT] = "umount",
};
static const char *const shell_whys[] = {
	[DCEA_SHELL_INTERACTIVE] = "interactive",
	[DCEA_SHELL_PARENT] = "unexpected_parent",
	[DCEA_SHELL_POLICY] = "policy_all",
};
static const char *const map_names[DCEA_MAP_MAX] = {
	[DCEA_MAP_CONTAINERS] = "dcea_containers", [DCEA_MAP_TASKS] = "dcea_tasks",
	[DCEA_MAP_SETUP] = "dcea_setup",	   [DCEA_MAP_HELD] = "dcea_held",
	[DCEA_MAP_SCRATCH] = "dcea_scratch",	   [DCEA_MAP_WALKLATER] = "dcea_walklater",
	[DCEA_MAP_MADVISE] = "dcea_madvise",
};

static void cap_list(uint64_t caps, char *buf, size_t size)
{
	static const char *const names[] = {
		"chown",
		"dac_override",
		"dac_read_search",
		"fowner",
		"fsetid",
		"kill",
		"setgid",
		"setuid",
		"setpcap",
		"linux_immutable",
		"net_bind_service",
		"net_broadcast",
		"net_admin",
		"net_raw",
		"ipc_lock",
		"ipc_owner",
		"sys_module",
		"sys_rawio",
		"sys_chroot",
		"sys_ptrace",
		"sys_pacct",
		"sys_admin",
		"sys_boot",
		"sys_nice",
		"sys_resource",
		"sys_time",
		"sys_tty_config",
		"mknod",
		"lease",
		"audit_write",
		"audit_control",
		"setfcap",
		"mac_override",
		"mac_admin",
		"syslog",
		"wake_alarm",
		"block_suspend",
		"audit_read",
		"perfmon",
		"bpf",
		"checkpoint_restore",
	};
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < 64 && n < size; i++)
		if (caps & (1ULL << i))
			n += snprintf(buf + n, size - n, "%s%s", n ? "," : "",
				      i < ARRAY_SIZE(names) ? names[i] : "?");
}

static void add_caps(json_object *o, const char *k, __u64 caps)
{
	char buf[512];

	cap_list(caps, buf, sizeof(buf));
	add_str(o, k, buf);
}

/* The names of the namespaces whose bit (1 << enum dcea_ns) is set in `mask`. */
static void add_ns_list(json_object *o, const char *k, __u64 mask)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < DCEA_NS_MAX; i++)
		if (mask & (1ULL << i))
			json_object_array_add(a, json_object_new_string(ns_name(i)));
	json_object_object_add(o, k, a);
}

/*
 * A file event's path: its parent directory's name and its own (what the kernel side keeps), or
 * a full name when the event carries one (a name judged before the open, io_uring).
 */
static void add_dir_join(json_object *o, const char *k, const char *dir, const char *name)
{
	char buf[512];

	if (name[0] == '/' || !dir[0])
		snprintf(buf, sizeof(buf), "%s", name);
	else
		snprintf(buf, sizeof(buf), "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", name);
	add_str(o, k, buf);
}

/* How the object was reached, last of the fields of the rules judged on an object. */
static void add_route(json_object *d, const struct dcea_event *e)
{
	add_str(d, "route", NAME_OF(routes, e->object.route));
}

static void dec_mount(json_object *d, const struct dcea_event *e)
{
	add_str(d, "kind", NAME_OF(mount_kinds, e->mount.kind));
	add_str(d, "source", e->path);
	add_str(d, "fstype", e->str2);
	add_int(d, "flags", e->mount.flags);
}

static void dec_mount_api(json_object *d, const struct dcea_event *e)
{
	bool fsopen = !strcmp(e->path, "fsopen");

	add_str(d, "syscall", e->str2[0] && !fsopen ? e->str2 : "fsopen");
	if (fsopen)
		add_str(d, "fstype", e->str2);
	add_int(d, "flags", e->mount_api.flags);
}

static void dec_device(json_object *d, const struct dcea_event *e)
{
	__u64 type = e->device.access & 0xffff, access = e->device.access >> 16;
	char buf[64];

	snprintf(buf, sizeof(buf), "%s %llu:%llu", type == BPF_DEVCG_DEV_BLOCK ? "block" : "char",
		 (unsigned long long)e->device.major, (unsigned long long)e->device.minor);
	add_str(d, "device", buf);
	add_str(d, "access",
		access & BPF_DEVCG_ACC_MKNOD   ? "mknod"
		: access & BPF_DEVCG_ACC_WRITE ? "write"
					       : "read");
}

static void dec_capset(json_object *d, const struct dcea_event *e)
{
	add_caps(d, "capabilities_gained", e->capset.effective & ~e->capset.cur_effective);
	add_caps(d, "effective_requested", e->capset.effective);
}

static void dec_setid(json_object *d, const struct dcea_event *e)
{
	add_str(d, "syscall", e->str2);
	add_int(d, e->setid.gid ? "from_gid" : "from_uid", e->setid.from);
}

static void dec_sysctl(json_object *d, const struct dcea_event *e)
{
	add_str(d, "path", e->path);
	add_str(d, "value", e->str2);
}

static void dec_knob(json_object *d, const struct dcea_event *e)
{
	add_dir_join(d, "path", e->str2, e->path);
	add_hex(d, "fs_magic", e->object.fs_magic);
	add_route(d, e);
}

static void dec_setns(json_object *d, const struct dcea_event *e)
{
	add_ns_list(d, "namespaces_changed", e->setns.changed);
}

static void dec_unshare(json_object *d, const struct dcea_event *e)
{
	add_str(d, "syscall", e->str2);
	add_hex(d, "flags", e->unshare.flags);
}

static void dec_ptrace(json_object *d, const struct dcea_event *e)
{
	add_str(d, "syscall", e->str2);
	add_int(d, "target_pid", e->ptrace.target_pid);
}

static void dec_proc_host(json_object *d, const struct dcea_event *e)
{
	const struct dcea_ev_object *o = &e->object;

	add_str(d, "kind", NAME_OF(proc_kinds, o->kind));
	if (o->kind == DCEA_PH_WALK) { /* a path walk: the name as given, the operation */
		add_str(d, "path", e->path);
		add_str(d, "operation", NAME_OF(walk_ops, o->op));
		if (o->target_pid)
			add_int(d, "target_pid", o->target_pid);
		else
			add_bool(d, "from_outside", true);
	} else {
		add_dir_join(d, "path", e->str2, e->path);
		if (o->kind == DCEA_PH_PROC_MEM)
			add_int(d, "target_pid", o->target_pid);
		else
			add_int(d, "ns_inode", o->ns_inode);
	}
	add_route(d, e);
}

static void dec_escape(json_object *d, const struct dcea_event *e)
{
	const struct dcea_ev_escape *x = &e->escape;

	add_ns_list(d, "host_namespaces", x->bits);
	add_bool(d, "capabilities_beyond_bounding_set", x->bits & DCEA_ESC_CAPS);
	if (x->bits & DCEA_ESC_CAPS) {
		add_caps(d, "capabilities_gained", x->cap_effective & ~x->cap_bset);
		add_hex(d, "container_bounding_set", x->cap_bset);
	}
	add_bool(d, "root_outside", x->bits & DCEA_ESC_ROOT);
	add_bool(d, "cwd_outside", x->bits & DCEA_ESC_CWD);
	add_bool(d, "fd_outside", x->bits & DCEA_ESC_FD);
}

static void dec_tamper(json_object *d, const struct dcea_event *e)
{
	const struct dcea_ev_object *o = &e->object;

	/* a file or pin (file_report and lsm.bpf.c fill the name); a signal's event has none, and
	 * its signal number overlaps the kinds */
	if (e->path[0] && o->kind >= DCEA_TAMPER_FILE && o->kind <= DCEA_TAMPER_UMOUNT) {
		add_str(d, "kind", tamper_kinds[o->kind]);
		add_str(d, "file", e->path);
		add_str(d, "dir", e->str2);
		add_int(d, "inode", o->inode);
	} else {
		add_str(d, "kind", "signal");
		add_str(d, "syscall", e->str2);
		add_int(d, "signal", o->signal);
		add_int(d, "target_pid", o->target_pid);
	}
	add_route(d, e);
}

static void dec_socket(json_object *d, const struct dcea_event *e)
{
	add_str(d, "path", e->path);
	add_str(d, "socket", e->str2);
	add_route(d, e);
}

static void dec_shell(json_object *d, const struct dcea_event *e)
{
	add_str(d, "path", e->path);
	add_bool(d, "interactive", e->shell.interactive);
	add_bool(d, "entrypoint", e->shell.entrypoint);
	add_str(d, "why", NAME_OF(shell_whys, e->shell.why));
}

static void dec_cred(json_object *d, const struct dcea_event *e)
{
	add_str(d, "path", e->path);
	add_bool(d, "write", e->cred.write);
}

static void dec_dev_file(json_object *d, const struct dcea_event *e)
{
	char buf[32];

	add_str(d, "path", e->path);
	snprintf(buf, sizeof(buf), "%#llo", (unsigned long long)e->dev_file.mode);
	add_str(d, "mode", buf);
}

static void dec_priv_exec(json_object *d, const struct dcea_event *e)
{
	add_str(d, "path", e->path);
	add_int(d, "uid", e->priv_exec.uid);
	add_int(d, "euid", e->priv_exec.euid);
	add_caps(d, "caps", e->priv_exec.cap_effective);
}

static void dec_priv_launch(json_object *d, const struct dcea_event *e)
{
	add_caps(d, "bounding_set", e->priv_launch.cap_bset);
	add_int(d, "cap_bset", e->priv_launch.cap_bset);
}

static void dec_drift(json_object *d, const struct dcea_event *e)
{
	add_str(d, "path", e->path);
	add_int(d, "changed", e->drift.changed);
	add_int(d, "container_started", e->drift.started);
}

static void dec_custom(json_object *d, const struct dcea_event *e)
{
	add_str(d, "kind", e->custom.kind < DCEA_K_MAX ? policy_kind_names[e->custom.kind] : "?");
	add_str(d, "path", e->path);
	add_int(d, "index", e->custom.index);
}

/* The rules whose only detail is the syscall that matched */
static void dec_call(json_object *d, const struct dcea_event *e)
{
	add_str(d, "syscall", e->str2);
}

static const event_decoder decoders[DCEA_R_MAX] = {
	[DCEA_R_MOUNT] = dec_mount,	      [DCEA_R_MOUNT_API] = dec_mount_api,
	[DCEA_R_DEVICE_CREATE] = dec_device,  [DCEA_R_BLOCK_DEVICE] = dec_device,
	[DCEA_R_CAPSET] = dec_capset,	      [DCEA_R_SETUID_ROOT] = dec_setid,
	[DCEA_R_SYSCTL_WRITE] = dec_sysctl,   [DCEA_R_KNOB_WRITE] = dec_knob,
	[DCEA_R_SETNS] = dec_setns,	      [DCEA_R_UNSHARE] = dec_unshare,
	[DCEA_R_PTRACE] = dec_ptrace,	      [DCEA_R_PROC_HOST] = dec_proc_host,
	[DCEA_R_BPF_LOAD] = dec_call,	      [DCEA_R_MODULE_LOAD] = dec_call,
	[DCEA_R_OPEN_BY_HANDLE] = dec_call,   [DCEA_R_KEXEC] = dec_call,
	[DCEA_R_RUNTIME_SOCKET] = dec_socket, [DCEA_R_NS_ESCAPE] = dec_escape,
	[DCEA_R_TAMPER] = dec_tamper,	      [DCEA_R_SHELL] = dec_shell,
	[DCEA_R_CRED_FILE] = dec_cred,	      [DCEA_R_DEV_FILE] = dec_dev_file,
	[DCEA_R_PRIV_EXEC] = dec_priv_exec,   [DCEA_R_PRIV_LAUNCH] = dec_priv_launch,
	[DCEA_R_DRIFT] = dec_drift,	      [DCEA_R_CUSTOM] = dec_custom,
};

event_decoder event_decoder_of(__u32 rule)
{
	return rule < ARRAY_SIZE(decoders) ? decoders[rule] : NULL;
}

void event_decode_rule(json_object *d, const struct dcea_event *e)
{
	event_decoder fn = event_decoder_of(e->rule);

	(fn ? fn : dec_call)(d, e);
}

void event_decode_map_full(json_object *d, const struct dcea_event *e)
{
	add_str(d, "map", e->map_full.map < DCEA_MAP_MAX ? map_names[e->map_full.map] : "?");
}
