// SPDX-License-Identifier: GPL-2.0-only
/* Containers in the kernel's maps: adoption of running ones, the ones this loader has seen. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include "common/log.h"
#include "common/util.h"
#include "loader/cgroup.h"
#include "loader/containers.h"
#include "loader/nsinfo.h"
#include "loader/state.h"

static int track_threads(struct state *st, pid_t pid, const struct dcea_task *t)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		uint64_t tid;

		if (parse_u64(de->d_name, &tid))
			continue;
		__u32 key = tid;
		if (!bpf_map_update_elem(st->fd[M_TASKS], &key, t, BPF_ANY))
			n++;
	}
	closedir(d);
	return n;
}

static int track_cgroup(struct state *st, const char *cg, const struct dcea_task *t)
{
	char root[256], path[800], line[32];
	int n = 0;
	FILE *f;

	if (cgroup_v2_mount(root, sizeof(root)))
		return 0;
	snprintf(path, sizeof(path), "%s%s/cgroup.procs", root, cg);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		uint64_t pid;

		line[strcspn(line, "\n")] = '\0';
		if (!parse_u64(line, &pid))
			n += track_threads(st, pid, t);
	}
	fclose(f);
	return n;
}

int ct_adopt_running(struct state *st, const __u64 host_ns[], int *n_tasks)
{
	struct stat host_root, root;
	struct dirent *de;
	DIR *d;
	int n_ct = 0;

	*n_tasks = 0;
	if (stat("/", &host_root))
		return -errno;
	d = opendir("/proc");
	if (!d)
		return -errno;
	/* /proc lists pids in ascending order: a container's init comes before its children */
	while ((de = readdir(d))) {
		char path[64], cg[512];
		uint64_t pid;
		__u64 cgid, ns[DCEA_NS_MAX];
		struct dcea_container ct = {};
		struct dcea_task t = {};

		if (parse_u64(de->d_name, &pid) || pid == (uint64_t)getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%llu/root", (unsigned long long)pid);
		if (stat(path, &root) ||
		    (root.st_dev == host_root.st_dev && root.st_ino == host_root.st_ino))
			continue;
		if (ns_of_pid(pid, ns) || ns[DCEA_NS_MNT] == host_ns[DCEA_NS_MNT])
			continue;
		if (cgroup_of_pid(pid, cg, sizeof(cg)) || !strcmp(cg, "/") ||
		    cgroup_id_of(cg, &cgid))
			continue;
		if (bpf_map_lookup_elem(st->fd[M_CONTAINERS], &cgid, &ct)) {
			memcpy(ct.ns, ns, sizeof(ct.ns));
			ct.cap_bset = proc_status_hex(pid, "CapBnd:");
			ct.flags = DCEA_CT_ADOPTED;
			ct.init_tgid = pid;
			if (bpf_map_update_elem(st->fd[M_CONTAINERS], &cgid, &ct, BPF_NOEXIST))
				continue;
			n_ct++;
			bpf_map_update_elem(st->fd[M_CT_MNT], &ns[DCEA_NS_MNT], &cgid, BPF_ANY);
			ct_remember(cgid, strrchr(cg, '/') ? strrchr(cg, '/') + 1 : cg);
			log_debug("adopted running container in cgroup '%s' (init pid %llu)", cg,
				  (unsigned long long)pid);
			/*
			 * Every process of the container's cgroup, also one that already left its
			 * namespaces or root (the escape namespace trust must find), which the
			 * criteria above would pass over.
			 */
			t.cgroup_id = cgid;
			t.flags = ct.flags & DCEA_CT_CANARY;
			*n_tasks += track_cgroup(st, cg, &t);
			continue;
		}
		t.cgroup_id = cgid;
		t.flags = ct.flags & DCEA_CT_CANARY;
		*n_tasks += track_threads(st, pid, &t);
	}
	closedir(d);
	return n_ct;
}

static struct known_ct {
	uint64_t cgroup_id;
	char cgname[DCEA_CGNAME_LEN];
} * known;
static size_t n_known, cap_known;

void ct_remember(uint64_t cgroup_id, const char *cgname)
{
	for (size_t i = 0; i < n_known; i++)
		if (known[i].cgroup_id == cgroup_id)
			return;
	if (n_known == cap_known) {
		size_t cap = cap_known ? cap_known * 2 : 64;
		struct known_ct *k = realloc(known, cap * sizeof(*k));

		if (!k)
			return; /* a reload will not re-apply selectors to it; the first apply stays
				 */
		known = k;
		cap_known = cap;
	}
	known[n_known].cgroup_id = cgroup_id;
	snprintf(known[n_known++].cgname, sizeof(known[0].cgname), "%s", cgname);
}

void ct_for_each_known(struct state *st, ct_visit_fn fn, void *arg)
{
	struct dcea_container ct;
	size_t j = 0;

	for (size_t i = 0; i < n_known; i++) {
		__u64 id = known[i].cgroup_id;

		if (bpf_map_lookup_elem(st->fd[M_CONTAINERS], &id, &ct))
			continue; /* gone */
		known[j++] = known[i];
		fn(id, known[i].cgname, arg);
	}
	n_known = j;
}
