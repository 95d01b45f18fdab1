// SPDX-License-Identifier: GPL-2.0-only
/* Names for containers from the runtimes' state on disk: files only, no BPF. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include "common/containers.h"
#include "common/log.h"
#include "common/util.h"

#define DOCKER_ROOT "/var/lib/docker/containers"
#define PODMAN_DB   "/var/lib/containers/storage/overlay-containers/containers.json"
#define CACHE_SIZE  256

/* containerd's runtime v2 shims keep each task's OCI bundle here, one directory per namespace
 * (k8s.io for the CRI plugin, moby for docker 23+, default for ctr) */
#define CONTAINERD_TASKS "/run/containerd/io.containerd.runtime.v2.task"
/* CRI-O: the bundle in the runtime dir, and the same under the persistent storage root */
static const char *const crio_roots[] = {
	"/run/containers/storage/overlay-containers",
	"/var/lib/containers/storage/overlay-containers",
};

static char state_root[256];

/*
 * mtime: the runtime's state file's when read; a rename rewrites it, and a newer one is read.
 * It is looked at every 100 ms at most (checked_at, monotonic tenths of a second): an alert
 * storm would otherwise stat the file for every alert.
 */
static struct {
	uint64_t cgroup_id;
	uint64_t checked_at;
	struct timespec mtime;
	struct ct_info ci;
} cache[CACHE_SIZE];

void ct_set_state_root(const char *root)
{
	snprintf(state_root, sizeof(state_root), "%s", root ? root : "");
	memset(cache, 0, sizeof(cache));
}

static bool strip(const char *s, const char *prefix, const char *suffix, char *out, size_t size)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), n = strlen(s);

	if (n < pl + sl || strncmp(s, prefix, pl) || strcmp(s + n - sl, suffix))
		return false;
	snprintf(out, size, "%.*s", (int)(n - pl - sl), s + pl);
	return true;
}

void ct_parse_cgname(const char *cg, struct ct_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	if (strip(cg, "docker-", ".scope", ci->id, sizeof(ci->id)))
		strcpy(ci->runtime, "docker");
	else if (strip(cg, "libpod-", ".scope", ci->id, sizeof(ci->id)) ||
		 strip(cg, "libpod-", "", ci->id, sizeof(ci->id)))
		strcpy(ci->runtime, "podman");
	else if (strip(cg, "cri-containerd-", ".scope", ci->id, sizeof(ci->id)))
		strcpy(ci->runtime, "containerd");
	else if (strip(cg, "crio-", ".scope", ci->id, sizeof(ci->id)) ||
		 strip(cg, "crio-", "", ci->id, sizeof(ci->id))) /* cgroupfs driver */
		strcpy(ci->runtime, "crio");
	else {
		size_t n = strlen(cg), i;

		for (i = 0; i < n && isxdigit((unsigned char)cg[i]); i++)
			;
		snprintf(ci->id, sizeof(ci->id), "%s", cg);
		/* docker with cgroupfs (/docker/<id>) and containerd (/k8s.io/<id>): a bare 64-hex
		 * id */
		strcpy(ci->runtime, n == 64 && i == n ? "docker" : "unknown");
	}
}

int ct_parse_docker_config(const char *json, struct ct_info *ci)
{
	json_object *root = json_tokener_parse(json), *v, *cfg;
	const char *s;

	if (!root)
		return -EINVAL;
	if (json_object_object_get_ex(root, "Name", &v) && (s = json_object_get_string(v)))
		snprintf(ci->name, sizeof(ci->name), "%s", s[0] == '/' ? s + 1 : s);
	if (json_object_object_get_ex(root, "Config", &cfg) &&
	    json_object_object_get_ex(cfg, "Image", &v) && (s = json_object_get_string(v)))
		snprintf(ci->image, sizeof(ci->image), "%s", s);
	json_object_put(root);
	return 0;
}

static void read_docker(struct ct_info *ci)
{
	char path[512], *buf = NULL;

	snprintf(path, sizeof(path), "%s%s/%s/config.v2.json", state_root, DOCKER_ROOT, ci->id);
	if (read_file(path, &buf, NULL))
		return;
	ct_parse_docker_config(buf, ci);
	free(buf);
}

int ct_read_podman_db(const char *db, struct ct_info *ci)
{
	json_object *root, *e, *v;
	char *buf = NULL;
	int err;

	err = read_file(db, &buf, NULL);
	if (err)
		return err;
	root = json_tokener_parse(buf);
	free(buf);
	if (!root || !json_object_is_type(root, json_type_array)) {
		json_object_put(root);
		return -EINVAL;
	}
	for (size_t i = 0; i < json_object_array_length(root); i++) {
		e = json_object_array_get_idx(root, i);
		if (!json_object_object_get_ex(e, "id", &v) ||
		    strcmp(json_object_get_string(v), ci->id))
			continue;
		if (json_object_object_get_ex(e, "names", &v) && json_object_array_length(v))
			snprintf(ci->name, sizeof(ci->name), "%s",
				 json_object_get_string(json_object_array_get_idx(v, 0)));
		if (json_object_object_get_ex(e, "image", &v))
			snprintf(ci->image, sizeof(ci->image), "%s", json_object_get_string(v));
		break;
	}
	json_object_put(root);
	return 0;
}

/* The modification time of the file the runtime keeps the container's name in; 0 when none. */
static struct timespec state_mtime(const struct ct_info *ci)
{
	struct timespec none = { 0 };
	char path[256];
	struct stat sb;

	if (!strcmp(ci->runtime, "docker"))
		snprintf(path, sizeof(path), "%s/%s/config.v2.json", DOCKER_ROOT, ci->id);
	else if (!strcmp(ci->runtime, "podman"))
		snprintf(path, sizeof(path), "%s", PODMAN_DB);
	else
		return none;
	return stat(path, &sb) ? none : sb.st_mtim;
}

static bool same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static const char *annotation(json_object *ann, const char *const keys[])
{
	json_object *v;

	for (int i = 0; keys[i]; i++)
		if (json_object_object_get_ex(ann, keys[i], &v) && json_object_get_string_len(v))
			return json_object_get_string(v);
	return NULL;
}

int ct_parse_oci_annotations(const char *json, struct ct_info *ci)
{
	static const char *const pod[] = { "io.kubernetes.cri.sandbox-name",
					   "io.kubernetes.pod.name", NULL };
	static const char *const ns[] = { "io.kubernetes.cri.sandbox-namespace",
					  "io.kubernetes.pod.namespace", NULL };
	static const char *const uid[] = { "io.kubernetes.cri.sandbox-uid", "io.kubernetes.pod.uid",
					   NULL };
	static const char *const name[] = { "io.kubernetes.cri.container-name",
					    "io.kubernetes.container.name", NULL };
	static const char *const image[] = { "io.kubernetes.cri.image-name",
					     "io.kubernetes.cri-o.ImageName", NULL };
	json_object *root = json_tokener_parse(json), *ann;
	const char *s;
	int err = -ENOENT;

	if (!root)
		return -EINVAL;
	if (json_object_object_get_ex(root, "annotations", &ann) && (s = annotation(ann, pod))) {
		snprintf(ci->pod, sizeof(ci->pod), "%s", s);
		if ((s = annotation(ann, ns)))
			snprintf(ci->pod_namespace, sizeof(ci->pod_namespace), "%s", s);
		if ((s = annotation(ann, uid)))
			snprintf(ci->pod_uid, sizeof(ci->pod_uid), "%s", s);
		/* a pod's sandbox (pause) container has no container name: name it for the pod */
		s = annotation(ann, name);
		snprintf(ci->name, sizeof(ci->name), "%s", s ? s : "POD");
		if ((s = annotation(ann, image)))
			snprintf(ci->image, sizeof(ci->image), "%s", s);
		err = 0;
	}
	json_object_put(root);
	return err;
}

/*
 * The bundle of container `id` under containerd's k8s.io namespace first, then any other; true
 * when it names a pod (a bundle without Kubernetes annotations, e.g. docker's under "moby",
 * says nothing containerd's own).
 */
static bool read_containerd(struct ct_info *ci)
{
	char dir[512], path[1024], *buf = NULL;
	struct dirent *de;
	bool found = false;
	DIR *d;

	snprintf(path, sizeof(path), "%s%s/k8s.io/%s/config.json", state_root, CONTAINERD_TASKS,
		 ci->id);
	if (!read_file(path, &buf, NULL))
		goto parse;
	snprintf(dir, sizeof(dir), "%s%s", state_root, CONTAINERD_TASKS);
	d = opendir(dir);
	while (d && !buf && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "k8s.io"))
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s/config.json", dir, de->d_name, ci->id);
		if (read_file(path, &buf, NULL))
			buf = NULL;
	}
	if (d)
		closedir(d);
	if (!buf)
		return false;
parse:
	found = ct_parse_oci_annotations(buf, ci) == 0;
	free(buf);
	return found;
}

static bool read_crio(struct ct_info *ci)
{
	char path[512], *buf = NULL;
	bool found = false;

	for (size_t i = 0; i < ARRAY_SIZE(crio_roots) && !found; i++) {
		snprintf(path, sizeof(path), "%s%s/%s/userdata/config.json", state_root,
			 crio_roots[i], ci->id);
		if (read_file(path, &buf, NULL))
			continue;
		found = ct_parse_oci_annotations(buf, ci) == 0;
		free(buf);
		buf = NULL;
	}
	return found;
}

void ct_add_pod_fields(json_object *c, const struct ct_info *ci)
{
	if (!ci->pod[0])
		return;
	json_object_object_add(c, "pod", json_object_new_string(ci->pod));
	json_object_object_add(c, "namespace", json_object_new_string(ci->pod_namespace));
	json_object_object_add(c, "pod_uid", json_object_new_string(ci->pod_uid));
}

void ct_lookup(uint64_t cgroup_id, const char *cgname, int refresh, struct ct_info *ci)
{
	unsigned int slot = cgroup_id % CACHE_SIZE;
	struct timespec mtime, ts;
	uint64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 10 + ts.tv_nsec / 100000000;
	if (!refresh && cache[slot].cgroup_id == cgroup_id && cgroup_id &&
	    (cache[slot].checked_at == now ||
	     same_time(state_mtime(&cache[slot].ci), cache[slot].mtime))) {
		cache[slot].checked_at = now;
		*ci = cache[slot].ci;
		return;
	}
	ct_parse_cgname(cgname, ci);
	mtime = state_mtime(ci); /* before reading: a rewrite in between is read next time */
	if (!strcmp(ci->runtime, "docker")) {
		read_docker(ci);
		/* a bare 64-hex cgroup (cgroupfs driver) is containerd's or CRI-O's as well as
		 * docker's: the runtime whose state knows the id owns it */
		if (!ci->name[0] && strncmp(cgname, "docker-", 7)) {
			if (read_containerd(ci))
				strcpy(ci->runtime, "containerd");
			else if (read_crio(ci))
				strcpy(ci->runtime, "crio");
		}
	} else if (!strcmp(ci->runtime, "podman")) {
		char db[512];

		snprintf(db, sizeof(db), "%s%s", state_root, PODMAN_DB);
		ct_read_podman_db(db, ci);
	} else if (!strcmp(ci->runtime, "containerd")) {
		read_containerd(ci);
	} else if (!strcmp(ci->runtime, "crio")) {
		read_crio(ci);
	}
	/* a name read before the runtime wrote its state, or no name at all, is not cached */
	if (ci->id[0] && (ci->name[0] || !strcmp(ci->runtime, "unknown"))) {
		cache[slot].cgroup_id = cgroup_id;
		cache[slot].mtime = mtime;
		cache[slot].checked_at = now;
		cache[slot].ci = *ci;
	}
}
