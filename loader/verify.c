// SPDX-License-Identifier: GPL-2.0-only
/*
 * dcea verify: the userspace line of namespace trust (the paper's second line). Walk every process
 * of every container, compare its namespaces, capabilities, root and working directory with its
 * container's baseline (the pinned one when dcea is loaded, else the container's first process),
 * and report every task that has left.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "loader/nsinfo.h"
#include "loader/rules.h"
#include "loader/state.h"

#define MAX_CT 1024

struct vct {
	__u64 cgid;
	char cg[256];
	__u64 ns[DCEA_NS_MAX];
	__u64 cap_bset;
	pid_t init;
	dev_t root_dev;
	ino_t root_ino;
	bool pinned; /* baseline from the kernel's record */
};

struct verify {
	struct vct ct[MAX_CT];
	int n;
	__u64 host[DCEA_NS_MAX];
	bool json;
	int findings, tasks;
};

static __u64 status_hex(pid_t pid, const char *key)
{
	char path[64], line[256];
	unsigned long long v = 0;
	size_t kl = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && sscanf(line + kl, " %llx", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* Is the device of `path` the device of some mount in process `pid`'s mount table? */
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
	struct ct_info ci;
	char comm[64] = "", path[64];
	const char *slash = strrchr(ct->cg, '/');

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	read_line(path, comm, sizeof(comm));
	ct_lookup(ct->cgid, slash ? slash + 1 : ct->cg, 0, &ci);
	v->findings++;
	if (v->json) {
		json_object *o = json_object_new_object(), *c = json_object_new_object();

		json_object_object_add(o, "type", json_object_new_string("verify"));
		json_object_object_add(o, "rule", json_object_new_string("ns_escape"));
		json_object_object_add(o, "finding", json_object_new_string(what));
		json_object_object_add(o, "detail", json_object_new_string(detail));
		json_object_object_add(o, "pid", json_object_new_int64(pid));
		json_object_object_add(o, "comm", json_object_new_string(comm));
		json_object_object_add(c, "id", json_object_new_string(ci.id));
		json_object_object_add(c, "name", json_object_new_string(ci.name));
		json_object_object_add(c, "image", json_object_new_string(ci.image));
		json_object_object_add(c, "runtime", json_object_new_string(ci.runtime));
		json_object_object_add(c, "cgroup", json_object_new_string(ct->cg));
		json_object_object_add(o, "container", c);
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		printf("%-20.20s %-8d %-16.16s %-14s %s\n", ci.name[0] ? ci.name : ci.id, pid, comm,
		       what, detail);
	}
}

static void check_task(struct verify *v, struct vct *ct, pid_t pid)
{
	__u64 ns[DCEA_NS_MAX], eff;
	char detail[256], path[64];
	struct stat st;
	size_t n = 0;

	v->tasks++;
	if (ns_of_pid(pid, ns))
		return; /* gone */
	detail[0] = '\0';
	for (int i = 0; i < DCEA_NS_MAX; i++)
		if (ns[i] != ct->ns[i] && ns[i] == v->host[i] && ct->ns[i])
			n += snprintf(detail + n, sizeof(detail) - n, "%s%s", n ? "," : "",
				      ns_name(i));
	if (n)
		finding(v, ct, pid, "host_ns", detail);
	eff = status_hex(pid, "CapEff:");
	if (ct->cap_bset && (eff & ~ct->cap_bset)) {
		snprintf(detail, sizeof(detail), "CapEff %llx beyond bounding set %llx",
			 (unsigned long long)eff, (unsigned long long)ct->cap_bset);
		finding(v, ct, pid, "capabilities", detail);
	}
	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	if (!stat(path, &st) && ct->root_ino &&
	    (st.st_dev != ct->root_dev || st.st_ino != ct->root_ino))
		finding(v, ct, pid, "root", "root directory is not its container's");
	snprintf(path, sizeof(path), "/proc/%d/cwd", pid);
	if (!stat(path, &st) && !dev_mounted_in(ct->init, st.st_dev))
		finding(v, ct, pid, "cwd",
			"working directory on a file system its container does not mount");
}

static int collect(struct verify *v, struct state *st, bool have_pins)
{
	struct stat host_root;
	struct dirent *de;
	DIR *d = opendir("/proc");

	if (!d)
		return -errno;
	stat("/", &host_root);
	while ((de = readdir(d))) {
		char path[64], cg[256];
		uint64_t pid;
		__u64 cgid, ns[DCEA_NS_MAX];
		struct dcea_container kc;
		struct vct *ct;
		struct stat root;

		if (parse_u64(de->d_name, &pid) || cgroup_of_pid(pid, cg, sizeof(cg)) ||
		    !strcmp(cg, "/") || cgroup_id_of(cg, &cgid))
			continue;
		ct = find_ct(v, cgid);
		if (!ct) {
			bool known =
				have_pins && !bpf_map_lookup_elem(st->fd[M_CONTAINERS], &cgid, &kc);

			snprintf(path, sizeof(path), "/proc/%llu/root", (unsigned long long)pid);
			if (stat(path, &root) || ns_of_pid(pid, ns))
				continue;
			/* without a kernel record: a container is a cgroup whose first task has its
			 * own root and mount namespace */
			if (!known &&
			    ((root.st_dev == host_root.st_dev && root.st_ino == host_root.st_ino) ||
			     ns[DCEA_NS_MNT] == v->host[DCEA_NS_MNT]))
				continue;
			if (v->n == MAX_CT)
				break;
			ct = &v->ct[v->n++];
			memset(ct, 0, sizeof(*ct));
			ct->cgid = cgid;
			snprintf(ct->cg, sizeof(ct->cg), "%s", cg);
			ct->init = known && kc.init_tgid ? (pid_t)kc.init_tgid : (pid_t)pid;
			ct->pinned = known;
			memcpy(ct->ns, known ? kc.ns : ns, sizeof(ct->ns));
			ct->cap_bset = known ? kc.cap_bset : status_hex(pid, "CapBnd:");
			snprintf(path, sizeof(path), "/proc/%d/root", ct->init);
			if (!stat(path, &root)) {
				ct->root_dev = root.st_dev;
				ct->root_ino = root.st_ino;
			}
		}
		check_task(v, ct, pid);
	}
	closedir(d);
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{},
	};
	struct verify *v;
	struct state st;
	bool have_pins = false;
	int c, err;

	v = calloc(1, sizeof(*v));
	if (!v)
		return 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			v->json = log_json = true;
			break;
		case 'h':
			printf("Usage: dcea verify [--json]\n\n"
			       "Check every process of every container against its container's "
			       "baseline:\n"
			       "host namespaces it did not start in, capabilities beyond the "
			       "container's\n"
			       "bounding set, a root or working directory outside the container. "
			       "Uses the\n"
			       "kernel's baselines when dcea is loaded, else each container's "
			       "first process.\n"
			       "\nExit status: 0 nothing found, 1 an escaped task found, 2 "
			       "error.\n");
			free(v);
			return 0;
		default:
			usage_error("verify", c, argv);
			free(v);
			return 2;
		}
	}
	if (geteuid() != 0) {
		log_err("dcea verify needs root to read other processes' namespaces");
		free(v);
		return 2;
	}
	if (ns_of_pid(0, v->host)) {
		log_err("failed to read the host's namespaces: %s", strerror(errno));
		free(v);
		return 2;
	}
	if (state_pinned() && !state_adopt(&st))
		have_pins = true;
	if (!v->json)
		printf("%-20s %-8s %-16s %-14s %s\n", "CONTAINER", "PID", "COMM", "FINDING",
		       "DETAIL");
	err = collect(v, &st, have_pins);
	if (have_pins)
		state_close(&st);
	if (err) {
		log_err("failed to walk /proc: %s", strerror(-err));
		free(v);
		return 2;
	}
	if (!v->json)
		printf("\n%d container(s), %d task(s) checked (%s baselines): %d finding(s)\n",
		       v->n, v->tasks, have_pins ? "kernel" : "first-process", v->findings);
	err = v->findings ? 1 : 0;
	free(v);
	return err;
}
