/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Names for containers, read from the runtimes' state on disk (docker, podman, containerd,
 * CRI-O): files and JSON only, no BPF, so the scanners and the loader share it.
 */
#ifndef DCEA_COMMON_CONTAINERS_H
#define DCEA_COMMON_CONTAINERS_H

#include <stdint.h>

struct ct_info {
	char id[72];
	char name[128];
	char image[256];
	char runtime[16]; /* docker, podman, containerd, crio, unknown */
	char pod[128];	  /* Kubernetes pod name, namespace and uid (containerd, CRI-O); "" else */
	char pod_namespace[64];
	char pod_uid[40];
};

/*
 * Fill `ci` from the kernfs name of a container's cgroup ("<64 hex>" for docker, "libpod-<id>",
 * "docker-<id>.scope", "cri-containerd-<id>.scope", "crio-<id>.scope"). Cached by cgroup id;
 * `refresh` forces a re-read (a container just started).
 */
void ct_lookup(uint64_t cgroup_id, const char *cgname, int refresh, struct ct_info *ci);

/* Parse a cgroup name into runtime and id; exposed for tests. */
void ct_parse_cgname(const char *cgname, struct ct_info *ci);

/* Docker's config.v2.json -> name and image; 0 or negative errno. Exposed for tests. */
int ct_parse_docker_config(const char *json, struct ct_info *ci);

/* Name and image of container ci->id from containers/storage's containers.json; 0 or -errno. */
int ct_read_podman_db(const char *db, struct ct_info *ci);

/*
 * An OCI bundle's config.json as containerd's CRI plugin and CRI-O write it: container name,
 * image, pod name, namespace and uid from its annotations (io.kubernetes.cri.* for containerd,
 * io.kubernetes.pod.* and io.kubernetes.cri-o.* for CRI-O). 0 when it names a pod, -ENOENT when
 * it has no Kubernetes annotations, -EINVAL when it is not JSON. Exposed for tests.
 */
int ct_parse_oci_annotations(const char *json, struct ct_info *ci);

/* Read the runtimes' state under `root` instead of / (tests); NULL resets. */
void ct_set_state_root(const char *root);

/* The pod fields of `ci` into a container JSON object, when it belongs to a pod. */
struct json_object;
void ct_add_pod_fields(struct json_object *c, const struct ct_info *ci);

#endif
