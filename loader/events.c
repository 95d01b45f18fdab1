// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "loader/cgroup.h"
#include "loader/containers.h"
#include "loader/nsinfo.h"
#include "loader/events.h"
#include "loader/text.h"
#include "loader/rules.h"
#include "policy/parse.h"
#include "policy/policy.h"

int64_t events_clock_offset(void)
{
	struct timespec rt, bt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return (int64_t)(rt.tv_sec - bt.tv_sec) * 1000000000LL + (rt.tv_nsec - bt.tv_nsec);
}

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_int(json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static const char *const mount_kinds[] = { "",		 "fstype", "bind",
					   "remount_rw", "device", "unreadable" };
static const char *const proc_kinds[] = { "", "ns_file", "foreign_mount", "proc_mem", "path_walk" };
static const char *const walk_ops[] = {
	"", "mkdir", "symlink", "link", "rename", "unlink", "open"
};
/* enum dcea_route */
static const char *const routes[] = { "syscall", "io_uring", "pidfd_getfd" };

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

/*
 * A file event's path: its parent directory's name and its own (what the kernel side keeps), or
 * a full name when the event carries one (a name judged before the open, io_uring).
 */
static void dir_join(char *buf, size_t size, const char *dir, const char *name)
{
	if (name[0] == '/' || !dir[0])
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", name);
}

/* Rule-specific fields, added to `d` (the alert's "details" object). */
static void add_details(json_object *d, const struct dcea_event *e)
{
	char buf[512];

	switch (e->rule) {
	case DCEA_R_MOUNT:
		add_str(d, "kind",
			e->arg[1] < ARRAY_SIZE(mount_kinds) ? mount_kinds[e->arg[1]] : "");
		add_str(d, "source", e->path);
		add_str(d, "fstype", e->str2);
		add_int(d, "flags", e->arg[0]);
		break;
	case DCEA_R_MOUNT_API:
		add_str(d, "syscall", e->str2[0] && strcmp(e->path, "fsopen") ? e->str2 : "fsopen");
		if (!strcmp(e->path, "fsopen"))
			add_str(d, "fstype", e->str2);
		add_int(d, "flags", e->arg[0]);
		break;
	case DCEA_R_DEVICE_CREATE:
	case DCEA_R_BLOCK_DEVICE:
		snprintf(buf, sizeof(buf), "%s %llu:%llu",
			 (e->arg[2] & 0xffff) == 1 ? "block" : "char",
			 (unsigned long long)e->arg[0], (unsigned long long)e->arg[1]);
		add_str(d, "device", buf);
		add_str(d, "access",
			(e->arg[2] >> 16) & 1	? "mknod"
			: (e->arg[2] >> 16) & 4 ? "write"
						: "read");
		break;
	case DCEA_R_CAPSET:
		cap_list(e->arg[0] & ~e->arg[2], buf, sizeof(buf));
		add_str(d, "capabilities_gained", buf);
		cap_list(e->arg[0], buf, sizeof(buf));
		add_str(d, "effective_requested", buf);
		break;
	case DCEA_R_SETUID_ROOT:
		add_str(d, "syscall", e->str2);
		add_int(d, e->arg[1] ? "from_gid" : "from_uid", e->arg[0]);
		break;
	case DCEA_R_SYSCTL_WRITE:
		add_str(d, "path", e->path);
		add_str(d, "value", e->str2);
		break;
	case DCEA_R_KNOB_WRITE:
		dir_join(buf, sizeof(buf), e->str2, e->path);
		add_str(d, "path", buf);
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)e->arg[0]);
		add_str(d, "fs_magic", buf);
		break;
	case DCEA_R_SETNS: {
		json_object *a = json_object_new_array();

		for (int i = 0; i < DCEA_NS_MAX; i++)
			if (e->arg[0] & (1ULL << i))
				json_object_array_add(a, json_object_new_string(ns_name(i)));
		json_object_object_add(d, "namespaces_changed", a);
		break;
	}
	case DCEA_R_UNSHARE:
		add_str(d, "syscall", e->str2);
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)e->arg[0]);
		add_str(d, "flags", buf);
		break;
	case DCEA_R_PTRACE:
		add_str(d, "syscall", e->str2);
		add_int(d, "target_pid", e->arg[1]);
		break;
	case DCEA_R_PROC_HOST:
		add_str(d, "kind", e->arg[0] < ARRAY_SIZE(proc_kinds) ? proc_kinds[e->arg[0]] : "");
		if (e->arg[0] == 4) { /* a path walk: the name as given, the operation */
			add_str(d, "path", e->path);
			add_str(d, "operation",
				e->arg[2] < ARRAY_SIZE(walk_ops) ? walk_ops[e->arg[2]] : "");
			if (e->arg[1])
				add_int(d, "target_pid", e->arg[1]);
			else
				json_object_object_add(d, "from_outside",
						       json_object_new_boolean(1));
			break;
		}
		dir_join(buf, sizeof(buf), e->str2, e->path);
		add_str(d, "path", buf);
		if (e->arg[0] == 3)
			add_int(d, "target_pid", e->arg[1]);
		else
			add_int(d, "ns_inode", e->arg[1]);
		break;
	case DCEA_R_NS_ESCAPE: {
		json_object *a = json_object_new_array();

		for (int i = 0; i < DCEA_NS_MAX; i++)
			if (e->arg[0] & (1ULL << i))
				json_object_array_add(a, json_object_new_string(ns_name(i)));
		json_object_object_add(d, "host_namespaces", a);
		json_object_object_add(d, "capabilities_beyond_bounding_set",
				       json_object_new_boolean(!!(e->arg[0] & DCEA_ESC_CAPS)));
		if (e->arg[0] & DCEA_ESC_CAPS) {
			cap_list(e->arg[1] & ~e->arg[2], buf, sizeof(buf));
			add_str(d, "capabilities_gained", buf);
			snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)e->arg[2]);
			add_str(d, "container_bounding_set", buf);
		}
		json_object_object_add(d, "root_outside",
				       json_object_new_boolean(!!(e->arg[0] & DCEA_ESC_ROOT)));
		json_object_object_add(d, "cwd_outside",
				       json_object_new_boolean(!!(e->arg[0] & DCEA_ESC_CWD)));
		break;
	}
	case DCEA_R_TAMPER:
		/* a file or pin (file_report and lsm.bpf.c fill the name); a signal's event has
		 * none, and its arg[0] is the signal number, which overlaps the kinds */
		if (e->path[0] && e->arg[0] >= DCEA_TAMPER_FILE &&
		    e->arg[0] <= DCEA_TAMPER_UMOUNT) {
			static const char *const kinds[] = {
				[DCEA_TAMPER_FILE] = "file_write",
				[DCEA_TAMPER_UNLINK] = "unlink",
				[DCEA_TAMPER_RMDIR] = "rmdir",
				[DCEA_TAMPER_RENAME] = "rename",
				[DCEA_TAMPER_TRUNCATE] = "truncate",
				[DCEA_TAMPER_UMOUNT] = "umount",
			};

			add_str(d, "kind", kinds[e->arg[0]]);
			add_str(d, "file", e->path);
			add_str(d, "dir", e->str2);
			add_int(d, "inode", e->arg[1]);
			break;
		}
		add_str(d, "kind", "signal");
		add_str(d, "syscall", e->str2);
		add_int(d, "signal", e->arg[0]);
		add_int(d, "target_pid", e->arg[1]);
		break;
	case DCEA_R_RUNTIME_SOCKET:
		add_str(d, "path", e->path);
		add_str(d, "socket", e->str2);
		break;
	case DCEA_R_SHELL:
		add_str(d, "path", e->path);
		json_object_object_add(d, "interactive", json_object_new_boolean(e->arg[0]));
		json_object_object_add(d, "entrypoint", json_object_new_boolean(e->arg[1]));
		add_str(d, "why",
			e->arg[2] == DCEA_SHELL_INTERACTIVE ? "interactive"
			: e->arg[2] == DCEA_SHELL_PARENT    ? "unexpected_parent"
			: e->arg[2] == DCEA_SHELL_POLICY    ? "policy_all"
							    : "");
		break;
	case DCEA_R_CRED_FILE:
		add_str(d, "path", e->path);
		json_object_object_add(d, "write", json_object_new_boolean(e->arg[0]));
		break;
	case DCEA_R_DEV_FILE:
		add_str(d, "path", e->path);
		snprintf(buf, sizeof(buf), "%#llo", (unsigned long long)e->arg[0]);
		add_str(d, "mode", buf);
		break;
	case DCEA_R_PRIV_EXEC:
		add_str(d, "path", e->path);
		add_int(d, "uid", e->arg[0]);
		add_int(d, "euid", e->arg[1]);
		cap_list(e->arg[2], buf, sizeof(buf));
		add_str(d, "caps", buf);
		break;
	case DCEA_R_PRIV_LAUNCH:
		cap_list(e->arg[1], buf, sizeof(buf));
		add_str(d, "bounding_set", buf);
		add_int(d, "cap_bset", e->arg[1]);
		break;
	case DCEA_R_DRIFT:
		add_str(d, "path", e->path);
		add_int(d, "changed", e->arg[0]);
		add_int(d, "container_started", e->arg[1]);
		break;
	case DCEA_R_CUSTOM:
		add_str(d, "kind", e->arg[0] < DCEA_K_MAX ? policy_kind_names[e->arg[0]] : "?");
		add_str(d, "path", e->path);
		add_int(d, "index", e->arg[3]);
		break;
	default:
		add_str(d, "syscall", e->str2);
		break;
	}
	/* how the object was reached, for the rules judged on an object (enum dcea_route) */
	if (e->rule == DCEA_R_KNOB_WRITE || e->rule == DCEA_R_PROC_HOST ||
	    e->rule == DCEA_R_RUNTIME_SOCKET || e->rule == DCEA_R_TAMPER)
		add_str(d, "route", e->arg[3] < ARRAY_SIZE(routes) ? routes[e->arg[3]] : "");
}

void event_details(const struct dcea_event *e, char *buf, size_t size)
{
	json_object *d = json_object_new_object();
	size_t n = 0;

	add_details(d, e);
	buf[0] = '\0';
	json_object_object_foreach(d, k, v) {
		const char *s = json_object_get_string(v);

		if (n < size && s && *s)
			n += snprintf(buf + n, size - n, "%s%s=%s", n ? " " : "", k, s);
	}
	json_object_put(d);
}

/*
 * The executable's full path while the process lives; the kernel's basename once it is gone
 * (killed). Cached per process for a second: a burst of alerts from one process reads /proc once.
 * An entry is used only while the kernel's basename still matches it (an exec since) and for no
 * longer than a second (a pid cannot be reused that fast: it would take pid_max forks).
 */
#define EXE_CACHE 256
static struct {
	__u32 pid;
	time_t at;
	char base[DCEA_COMM_LEN * 4];
	char path[512];
} exe_cache[EXE_CACHE];

static void exe_of(const struct dcea_event *e, char *buf, size_t size)
{
	typeof(exe_cache[0]) *c = &exe_cache[e->pid % EXE_CACHE];
	struct timespec now;
	char path[64];
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (e->pid && c->pid == e->pid && now.tv_sec - c->at < 1 && !strcmp(c->base, e->exe)) {
		snprintf(buf, size, "%s", c->path);
		return;
	}
	snprintf(path, sizeof(path), "/proc/%u/exe", e->pid);
	n = readlink(path, buf, size - 1);
	if (n <= 0) {
		snprintf(buf, size, "%s", e->exe);
		return;
	}
	buf[n] = '\0';
	c->pid = e->pid;
	c->at = now.tv_sec;
	snprintf(c->base, sizeof(c->base), "%s", e->exe);
	memcpy(c->path, buf, (size_t)n < sizeof(c->path) - 1 ? (size_t)n + 1 : sizeof(c->path) - 1);
	c->path[sizeof(c->path) - 1] = '\0';
}

/* Depth-first search under `dir` (at most `depth` levels) for the directory with inode `ino`. */
static bool find_inode(const char *dir, __u64 ino, int depth, char *name, size_t size)
{
	struct dirent *de;
	bool found = false;
	DIR *d;

	if (depth <= 0 || !(d = opendir(dir)))
		return false;
	while (!found && (de = readdir(d))) {
		char sub[4096];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (de->d_ino == ino) {
			size_t n = strnlen(de->d_name, size - 1);

			memcpy(name, de->d_name, n);
			name[n] = '\0';
			found = true;
			break;
		}
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) < (int)sizeof(sub))
			found = find_inode(sub, ino, depth - 1, name, size);
	}
	closedir(d);
	return found;
}

/* The kernfs name of cgroup v2 `id` (its inode), found by walking the hierarchy; "" if gone. */
static void cgname_of_id(__u64 id, char *buf, size_t size)
{
	static __u64 last_id;
	static char last[DCEA_CGNAME_LEN];
	char root[256];

	buf[0] = '\0';
	if (id == last_id && last[0]) {
		snprintf(buf, size, "%s", last);
		return;
	}
	if (cgroup_v2_mount(root, sizeof(root)))
		return;
	/* containers sit at most a few levels down (/docker/<id>, /system.slice/docker-<id>.scope)
	 */
	if (!find_inode(root, id, 4, buf, size))
		buf[0] = '\0';
	last_id = id;
	snprintf(last, sizeof(last), "%s", buf);
}

/*
 * cgroup programs cannot read the task (no task helpers there): fill namespaces, parent, comm and
 * the cgroup's name from /proc while the process lives (it does: deny rules do not kill).
 */
static void enrich(struct dcea_event *e)
{
	char path[64], line[512], cg[256];
	unsigned int ppid;

	if (e->pid && !e->ns[DCEA_NS_MNT])
		ns_of_pid(e->pid, e->ns);
	if (e->pid && !e->ppid) {
		snprintf(path, sizeof(path), "/proc/%u/stat", e->pid);
		if (!read_line(path, line, sizeof(line))) {
			char *p = strrchr(line, ')');

			if (p && sscanf(p + 1, " %*c %u", &ppid) == 1)
				e->ppid = ppid;
		}
	}
	if (e->pid && !e->comm[0]) {
		snprintf(path, sizeof(path), "/proc/%u/comm", e->pid);
		read_line(path, e->comm, sizeof(e->comm));
	}
	if (!e->cgname[0]) {
		const char *slash;

		if (e->pid && !cgroup_of_pid(e->pid, cg, sizeof(cg)) && (slash = strrchr(cg, '/')))
			snprintf(e->cgname, sizeof(e->cgname), "%s", slash + 1);
		else
			cgname_of_id(e->cgroup_id, e->cgname, sizeof(e->cgname));
	}
}

json_object *event_to_json(const struct dcea_event *ev, const struct policy *pol, int64_t clock_off)
{
	struct dcea_event copy = *ev, *e = &copy;
	json_object *o = json_object_new_object(), *c, *ns, *d;
	const struct rule_info *ri = e->rule < DCEA_R_MAX ? &rule_table[e->rule] : NULL;
	struct ct_info ci;
	char buf[512];

	enrich(e);
	format_rfc3339(e->ts_boot_ns + clock_off, buf, sizeof(buf));
	add_str(o, "time", buf);
	/* the kernel's own key of the event (boot-time ns and thread): the same when a restarted
	 * loader delivers again the record its killed predecessor was writing (ALERTS.md) */
	snprintf(buf, sizeof(buf), "%llu-%u", (unsigned long long)e->ts_boot_ns, e->tid);
	add_str(o, "event_id", buf);
	if (e->kind == DCEA_EV_CONTAINER && !(e->arg[0] & DCEA_START_NO_LOADER)) {
		add_str(o, "type", "container_start");
		add_str(o, "admission", e->arg[0] & DCEA_START_HELD ? "held" : "none");
	} else if (e->kind == DCEA_EV_CONTAINER || e->kind == DCEA_EV_MAP_FULL) {
		/* the new container could not be watched or judged: block mode killed it */
		bool no_loader = e->kind == DCEA_EV_CONTAINER;

		add_str(o, "type", "alert");
		add_str(o, "rule", no_loader ? "admission_no_loader" : "map_full");
		add_str(o, "severity", "high");
		add_str(o, "action", action_name(e->action));
		add_str(o, "title",
			no_loader ? "a new container needed an admission verdict and no "
				    "loader was streaming"
				  : "a map had no room for a new container");
	} else if (e->rule == DCEA_R_CUSTOM && pol && e->arg[3] < pol->n_custom) {
		/* a custom rule: named by its own id, with its own severity and description */
		const struct policy_custom *cr = &pol->custom[e->arg[3]];

		add_str(o, "type", "alert");
		add_str(o, "rule", cr->id);
		add_str(o, "severity", severity_name(cr->severity));
		add_str(o, "action", action_name(e->action));
		add_str(o, "title", cr->description[0] ? cr->description : "custom rule");
		add_str(o, "custom", policy_kind_names[cr->kind]);
	} else {
		add_str(o, "type", "alert");
		add_str(o, "rule", ri ? ri->name : "unknown");
		add_str(o, "severity",
			severity_name(pol && ri ? pol->rules[e->rule].severity
				      : ri	? (int)ri->severity
						: SEV_HIGH));
		add_str(o, "action", action_name(e->action));
		add_str(o, "title", ri ? ri->title : "");
	}
	add_int(o, "pid", e->pid);
	add_int(o, "tid", e->tid);
	add_int(o, "ppid", e->ppid);
	add_int(o, "uid", e->uid);
	add_str(o, "comm", e->comm);
	exe_of(e, buf, sizeof(buf));
	add_str(o, "exe", buf);

	ct_lookup(e->cgroup_id, e->cgname, e->kind == DCEA_EV_CONTAINER, &ci);
	c = json_object_new_object();
	add_str(c, "id", ci.id);
	add_str(c, "name", ci.name);
	add_str(c, "image", ci.image);
	add_str(c, "runtime", ci.runtime);
	ct_add_pod_fields(c, &ci);
	add_int(c, "cgroup_id", e->cgroup_id);
	json_object_object_add(o, "container", c);

	ns = json_object_new_object();
	for (int i = 0; i < DCEA_NS_MAX; i++)
		add_int(ns, ns_name(i), e->ns[i]);
	json_object_object_add(o, "ns", ns);

	if (e->kind == DCEA_EV_RULE || e->kind == DCEA_EV_AGG) {
		d = json_object_new_object();
		add_details(d, e);
		json_object_object_add(o, "details", d);
	}
	if (e->kind == DCEA_EV_AGG) {
		/* this record stands for `count` occurrences; its other fields are the first's */
		d = json_object_new_object();
		add_int(d, "count", e->count);
		format_rfc3339(e->first_ns + clock_off, buf, sizeof(buf));
		add_str(d, "first_time", buf);
		format_rfc3339(e->last_ns + clock_off, buf, sizeof(buf));
		add_str(d, "last_time", buf);
		json_object_object_add(o, "aggregated", d);
	} else if (e->kind == DCEA_EV_MAP_FULL) {
		static const char *const maps[] = { "dcea_containers", "dcea_tasks", "dcea_setup",
						    "dcea_held" };

		d = json_object_new_object();
		add_str(d, "map", e->arg[0] < ARRAY_SIZE(maps) ? maps[e->arg[0]] : "?");
		json_object_object_add(o, "details", d);
	}
	return o;
}

json_object *alert_new(const char *rule, const char *severity, const char *title)
{
	json_object *o = json_object_new_object();
	struct timespec now;
	char ts[64];

	clock_gettime(CLOCK_REALTIME, &now);
	format_rfc3339((uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec, ts, sizeof(ts));
	add_str(o, "time", ts);
	add_str(o, "type", "alert");
	add_str(o, "rule", rule);
	add_str(o, "severity", severity);
	add_str(o, "action", "alert");
	add_str(o, "title", title);
	return o;
}

const char *alert_str(json_object *o, const char *k)
{
	json_object *v;
	const char *s;

	return o && json_object_object_get_ex(o, k, &v) && (s = json_object_get_string(v)) ? s : "";
}

void alert_format_human(json_object *a, char *buf, size_t size, bool color)
{
	struct text_opts o = { .style = TEXT_FULL, .color = color, .width = -1 };

	alert_format_text(a, buf, size, &o);
}
