// SPDX-License-Identifier: GPL-2.0-only
/*
 * dcea verify: the userspace line of namespace trust (the paper's second line). Walk every process
 * of every container, compare its namespaces, capabilities, root and working directory with its
 * container's baseline (the pinned one when dcea is loaded, else the container's first process)
 * and with the trust store's last measurement, and report every task that has left or changed.
 * `dcea run --verify-interval` runs the same sweep periodically and re-checks every alert's task.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <json-c/json.h>
#include <bpf/bpf.h>

#include "common/commands.h"
#include "common/log.h"
#include "common/util.h"
#include "loader/cgroup.h"
#include "loader/containers.h"
#include "loader/events.h"
#include "loader/nsinfo.h"
#include "loader/output.h"
#include "rules/rules.h"
#include "loader/state.h"
#include "loader/truststore.h"
#include "loader/verify.h"

#define MAX_CT 1024

struct vct {
	__u64 cgid;
	char cg[256];
	__u64 ns[DCEA_NS_MAX];
	__u64 cap_bset;
	pid_t init;
	dev_t root_dev;
	ino_t root_ino;
	bool pinned;	     /* baseline from the kernel's record */
	struct ts_meas base; /* the baseline task's measurement, for the trust store */
	json_object *sct;    /* its entry in the store being written */
};

struct verify {
	struct vct ct[MAX_CT];
	int n;
	__u64 host[DCEA_NS_MAX];
	int findings, tasks;
	verify_cb cb;
	void *ctx;
	int ct_fd;	       /* the pinned containers map, -1 without dcea loaded */
	int tasks_fd;	       /* the pinned tasks map, -1 without dcea loaded */
	json_object *store;    /* the last measurement (authenticated), or NULL */
	json_object *newstore; /* the measurement being taken (--update), or NULL */
	json_object *recheck;  /* verify_recheck: findings of the one task go here */
};

/* Is `dev` the device of some mount in process `pid`'s mount table? */
static bool dev_mounted_in(pid_t pid, dev_t dev)
{
	char path[64], line[1024];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
	f = fopen(path, "re");
	if (!f)
		return true; /* cannot tell: no finding */
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned int maj, min;

		if (sscanf(line, "%*d %*d %u:%u", &maj, &min) == 2 && makedev(maj, min) == dev)
			found = true;
	}
	fclose(f);
	return found;
}

static struct vct *find_ct(struct verify *v, __u64 cgid)
{
	for (int i = 0; i < v->n; i++)
		if (v->ct[i].cgid == cgid)
			return &v->ct[i];
	return NULL;
}

static void finding(struct verify *v, struct vct *ct, pid_t pid, const char *what,
		    const char *detail)
{
	json_object *o = json_object_new_object(), *c, *ns;
	const char *slash = ct ? strrchr(ct->cg, '/') : NULL;
	char comm[64] = "", path[64];
	__u64 nsv[DCEA_NS_MAX] = {};
	struct ct_info ci;

	v->findings++;
	if (v->recheck) { /* verify_recheck: only the names */
		json_object *a;

		if (json_object_object_get_ex(v->recheck, "findings", &a))
			json_object_array_add(a, json_object_new_string(what));
		json_object_put(o);
		return;
	}
	json_object_object_add(o, "type", json_object_new_string("verify"));
	json_object_object_add(o, "rule", json_object_new_string("ns_escape"));
	json_object_object_add(o, "finding", json_object_new_string(what));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	json_object_object_add(o, "pid", json_object_new_int64(pid));
	if (pid) {
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		read_line(path, comm, sizeof(comm));
		ns_of_pid(pid, nsv);
	}
	json_object_object_add(o, "comm", json_object_new_string(comm));
	if (ct) {
		ct_lookup(ct->cgid, slash ? slash + 1 : ct->cg, 0, &ci);
		c = json_object_new_object();
		json_object_object_add(c, "id", json_object_new_string(ci.id));
		json_object_object_add(c, "name", json_object_new_string(ci.name));
		json_object_object_add(c, "image", json_object_new_string(ci.image));
		json_object_object_add(c, "runtime", json_object_new_string(ci.runtime));
		ct_add_pod_fields(c, &ci);
		json_object_object_add(c, "cgroup", json_object_new_string(ct->cg));
		json_object_object_add(c, "cgroup_id", json_object_new_int64((int64_t)ct->cgid));
		json_object_object_add(o, "container", c);
		ns = json_object_new_object();
		for (int i = 0; i < DCEA_NS_MAX; i++)
			json_object_object_add(ns, ns_name(i),
					       json_object_new_int64((int64_t)nsv[i]));
		json_object_object_add(o, "ns", ns);
	}
	v->cb(v->ctx, o);
	json_object_put(o);
}

static void check_task(struct verify *v, struct vct *ct, pid_t pid)
{
	struct verify_base b = { .cap_bset = ct->cap_bset,
				 .root_dev = ct->root_dev,
				 .root_ino = ct->root_ino };
	struct verify_obs o = {};
	char detail[256], path[64];
	struct ts_meas m;
	struct stat st;
	json_object *hn = NULL;
	unsigned int f;
	__u32 host_ns;
	size_t n = 0;

	v->tasks++;
	if (ts_measure(pid, &m))
		return; /* gone */
	memcpy(b.ns, ct->ns, sizeof(b.ns));
	memcpy(b.host, v->host, sizeof(b.host));
	memcpy(o.ns, m.ns, sizeof(o.ns));
	o.cap_eff = proc_status_hex(pid, "CapEff:");
	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	if (!stat(path, &st)) {
		o.root_known = true;
		o.root_dev = st.st_dev;
		o.root_ino = st.st_ino;
	}
	snprintf(path, sizeof(path), "/proc/%d/cwd", pid);
	o.cwd_foreign = !stat(path, &st) && !dev_mounted_in(ct->init, st.st_dev);
	f = verify_judge(&b, &o, &host_ns);

	if (v->recheck)
		json_object_object_get_ex(v->recheck, "host_ns", &hn);
	detail[0] = '\0';
	for (int i = 0; i < DCEA_NS_MAX; i++) {
		if (!(host_ns & (1U << i)))
			continue;
		n += snprintf(detail + n, sizeof(detail) - n, "%s%s", n ? "," : "", ns_name(i));
		if (hn)
			json_object_array_add(hn, json_object_new_string(ns_name(i)));
	}
	if (f & VF_HOST_NS)
		finding(v, ct, pid, "host_ns", detail);
	if (v->store && ts_compare(v->store, ct->cgid, ct->base.start ? &ct->base : NULL, &m,
				   detail, sizeof(detail)))
		finding(v, ct, pid, "ns_changed", detail);
	if (v->newstore) {
		const char *slash = strrchr(ct->cg, '/');

		if (!ct->sct)
			ct->sct =
				ts_add_container(v->newstore, ct->cgid, slash ? slash + 1 : ct->cg,
						 ct->base.start ? &ct->base : &m);
		ts_add_task(ct->sct, ct->cgid, &m);
	}
	if (f & VF_CAPS) {
		snprintf(detail, sizeof(detail), "CapEff %llx beyond bounding set %llx",
			 (unsigned long long)o.cap_eff, (unsigned long long)ct->cap_bset);
		finding(v, ct, pid, "capabilities", detail);
	}
	if (f & VF_ROOT)
		finding(v, ct, pid, "root", "root directory is not its container's");
	if (f & VF_CWD)
		finding(v, ct, pid, "cwd",
			"working directory on a file system its container does not mount");
}

/* The first process of a cgroup, the baseline when dcea has no record (verify_recheck). */
static pid_t first_pid(const char *cg)
{
	char path[512], line[32];
	uint64_t pid;

	snprintf(path, sizeof(path), "/sys/fs/cgroup/unified%s/cgroup.procs", cg);
	if (read_line(path, line, sizeof(line)) || parse_u64(line, &pid))
		return 0;
	return (pid_t)pid;
}

/*
 * The container of task `pid` (cgroup `cg`, id `cgid`), set up on first sight: its kernel
 * baseline when dcea is loaded, else its first process's (`first`: the task itself in a full
 * walk). NULL when the cgroup is not a container's.
 */
static struct vct *container_of(struct verify *v, __u64 cgid, const char *cg, pid_t pid,
				pid_t first)
{
	struct dcea_container kc;
	struct stat root, host_root;
	__u64 ns[DCEA_NS_MAX];
	struct vct *ct = find_ct(v, cgid);
	char path[64];
	bool known;

	if (ct)
		return ct;
	known = v->ct_fd >= 0 && !bpf_map_lookup_elem(v->ct_fd, &cgid, &kc);
	snprintf(path, sizeof(path), "/proc/%d/root", first);
	if (stat("/", &host_root) || stat(path, &root) || ns_of_pid(first, ns))
		return NULL;
	/* without a kernel record: a container is a cgroup whose first task has its own root and
	 * mount namespace */
	if (!known && ((root.st_dev == host_root.st_dev && root.st_ino == host_root.st_ino) ||
		       ns[DCEA_NS_MNT] == v->host[DCEA_NS_MNT]))
		return NULL;
	if (v->n == MAX_CT)
		return NULL;
	ct = &v->ct[v->n++];
	memset(ct, 0, sizeof(*ct));
	ct->cgid = cgid;
	snprintf(ct->cg, sizeof(ct->cg), "%s", cg);
	ct->init = known && kc.init_tgid ? (pid_t)kc.init_tgid : first;
	ct->pinned = known;
	memcpy(ct->ns, known ? kc.ns : ns, sizeof(ct->ns));
	ct->cap_bset = known ? kc.cap_bset : proc_status_hex(first, "CapBnd:");
	snprintf(path, sizeof(path), "/proc/%d/root", ct->init);
	if (!stat(path, &root)) {
		ct->root_dev = root.st_dev;
		ct->root_ino = root.st_ino;
	}
	if (ts_measure(ct->init, &ct->base))
		memset(&ct->base, 0, sizeof(ct->base));
	(void)pid;
	return ct;
}

/*
 * With dcea loaded, a container task is one the kernel tracks: the runtime's own process in the
 * container's cgroup before the entrypoint's exec (runc init, still holding the runtime's full
 * capabilities while it drops them) is not one yet, and must not count as an escape.
 */
static bool tracked(struct verify *v, pid_t pid)
{
	struct dcea_task t;
	__u32 key = pid;

	return v->tasks_fd < 0 || !bpf_map_lookup_elem(v->tasks_fd, &key, &t);
}

static int collect(struct verify *v)
{
	struct dirent *de;
	DIR *d = opendir("/proc");

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char cg[256];
		uint64_t pid;
		__u64 cgid;
		struct vct *ct;

		if (parse_u64(de->d_name, &pid) || cgroup_of_pid(pid, cg, sizeof(cg)) ||
		    !strcmp(cg, "/") || cgroup_id_of(cg, &cgid))
			continue;
		if (!tracked(v, (pid_t)pid))
			continue;
		ct = container_of(v, cgid, cg, (pid_t)pid, (pid_t)pid);
		if (ct)
			check_task(v, ct, (pid_t)pid);
	}
	closedir(d);
	return 0;
}

/*
 * The pinned containers and tasks maps, opened once per process: dcea run re-checks on every
 * alert. -1 when dcea is not loaded (first-process baselines, every task of a container cgroup).
 */
static int pinned_maps(int *tasks_fd)
{
	static int fd = -1, tfd = -1;
	struct state st;

	if (fd < 0 && state_pinned() && !state_adopt(&st)) {
		fd = st.fd[M_CONTAINERS];
		tfd = st.fd[M_TASKS];
		st.fd[M_CONTAINERS] = st.fd[M_TASKS] = -1;
		state_close(&st);
	}
	*tasks_fd = tfd;
	return fd;
}

static struct verify *verify_new(verify_cb cb, void *ctx)
{
	struct verify *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->cb = cb;
	v->ctx = ctx;
	v->ct_fd = pinned_maps(&v->tasks_fd);
	if (host_ns(v->host)) {
		free(v);
		return NULL;
	}
	return v;
}

static void store_finding(struct verify *v, const char *why)
{
	finding(v, NULL, 0, "store", why);
}

int verify_sweep(const char *store, bool update, verify_cb cb, void *ctx,
		 struct verify_summary *sum)
{
	struct verify *v = verify_new(cb, ctx);
	char why[512] = "";
	int err;

	memset(sum, 0, sizeof(*sum));
	if (!v)
		return -errno ? -errno : -ENOMEM;
	sum->store = TS_MISSING;
	if (store) {
		sum->store = ts_load(store, &v->store, why, sizeof(why));
		if (sum->store != TS_OK && sum->store != TS_MISSING)
			store_finding(v, why);
		if (update)
			v->newstore = ts_new();
	}
	err = collect(v);
	if (!err && v->newstore) {
		err = ts_save(store, v->newstore);
		if (err)
			log_err("failed to write trust store '%s': %s", store, strerror(-err));
	} else if (err) {
		log_err("failed to walk /proc: %s", strerror(-err));
	}
	sum->containers = v->n;
	sum->tasks = v->tasks;
	sum->findings = v->findings;
	sum->kernel_baselines = v->ct_fd >= 0;
	json_object_put(v->store);
	json_object_put(v->newstore);
	free(v);
	return err;
}

/* --- dcea run: the re-check of every alert's task ------------------------------------------ */

static void no_cb(void *ctx, json_object *f)
{
}

/*
 * An alert storm from one task would re-check it thousands of times a second, each time walking
 * its /proc files: the result is reused for RECHECK_REUSE_NS, but only for an alert that reports
 * the same namespaces (nsenter joins them one setns at a time, an alert per step, and each step's
 * re-check must see that step). The kernel's own checks at exec, setns and in the 500 ms sweep do
 * not depend on this.
 */
#define RECHECK_REUSE_NS 100000000ULL
static struct {
	pid_t pid;
	uint64_t at;
	__u64 ns[DCEA_NS_MAX];
	json_object *r;
} last_recheck;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void verify_recheck(json_object *alert, pid_t pid, const __u64 ns[DCEA_NS_MAX])
{
	json_object *r, *hn, *fs;
	struct verify *v;
	struct vct *ct = NULL;
	char cg[256], path[64];
	uint64_t now = mono_ns();
	__u64 cgid;
	bool alive;

	if (pid > 0 && last_recheck.r && last_recheck.pid == pid &&
	    now - last_recheck.at < RECHECK_REUSE_NS &&
	    !memcmp(last_recheck.ns, ns, sizeof(last_recheck.ns))) {
		json_object_object_add(alert, "recheck", json_object_get(last_recheck.r));
		return;
	}
	r = json_object_new_object();
	hn = json_object_new_array();
	fs = json_object_new_array();
	v = pid > 0 ? verify_new(no_cb, NULL) : NULL;
	json_object_object_add(r, "host_ns", hn);
	json_object_object_add(r, "findings", fs);
	snprintf(path, sizeof(path), "/proc/%d", pid);
	alive = pid > 0 && !access(path, F_OK);
	if (v && alive && !cgroup_of_pid(pid, cg, sizeof(cg)) && strcmp(cg, "/") &&
	    !cgroup_id_of(cg, &cgid)) {
		pid_t first = first_pid(cg);

		ct = container_of(v, cgid, cg, pid, first ? first : pid);
		if (ct) {
			v->recheck = r;
			check_task(v, ct, pid);
		}
	}
	json_object_object_add(r, "alive", json_object_new_boolean(alive));
	json_object_object_add(r, "container", json_object_new_boolean(ct != NULL));
	json_object_object_add(r, "ok", json_object_new_boolean(!v || !v->findings));
	json_object_object_add(alert, "recheck", r);
	free(v);
	json_object_put(last_recheck.r);
	last_recheck.pid = pid;
	last_recheck.at = now;
	memcpy(last_recheck.ns, ns, sizeof(last_recheck.ns));
	last_recheck.r = json_object_get(r);
}
