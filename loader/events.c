// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "loader/cgroup.h"
#include "loader/containers.h"
#include "loader/decode.h"
#include "loader/nsinfo.h"
#include "loader/events.h"
#include "loader/text.h"
#include "rules/rules.h"
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

void event_details(const struct dcea_event *e, char *buf, size_t size)
{
	json_object *d = json_object_new_object();
	size_t n = 0;

	event_decode_rule(d, e);
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

		/* by the event's cgroup id first: a task that entered a container has its own */
		if (e->cgroup_id)
			cgname_of_id(e->cgroup_id, e->cgname, sizeof(e->cgname));
		if (!e->cgname[0] && e->pid && !cgroup_of_pid(e->pid, cg, sizeof(cg)) &&
		    (slash = strrchr(cg, '/')))
			snprintf(e->cgname, sizeof(e->cgname), "%s", slash + 1);
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
	if (e->kind == DCEA_EV_CONTAINER && !(e->start.flags & DCEA_START_NO_LOADER)) {
		add_str(o, "type", "container_start");
		add_str(o, "admission", e->start.flags & DCEA_START_HELD ? "held" : "none");
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
	} else if (e->rule == DCEA_R_CUSTOM && pol && e->custom.index < pol->n_custom) {
		/* a custom rule: named by its own id, with its own severity and description */
		const struct policy_custom *cr = &pol->custom[e->custom.index];

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
		event_decode_rule(d, e);
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
		d = json_object_new_object();
		event_decode_map_full(d, e);
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
