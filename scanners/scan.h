/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scanners behind `dcea scan`. Each one appends findings to a struct scan_report and prints
 * nothing (errors aside, through common/log.h): the loader calls them too.
 */
#ifndef DCEA_SCANNERS_SCAN_H
#define DCEA_SCANNERS_SCAN_H

#include <json-c/json.h>

#include "scanners/report.h"

/* scanners/kernel.c; every field may be NULL: then the running kernel and its posture */
struct kernel_scan_opts {
	const char *release;	  /* scan this release instead of uname -r */
	const char *proc_version; /* its /proc/version line (Debian, Ubuntu package versions) */
	const char *signature;	  /* its /proc/version_signature (Ubuntu) */
	const char *config;	  /* its kernel config file */
	const char *rules;	  /* a rule file instead of the built-in one */
	const char *changelog;	  /* its package changelog (Debian or rpm, gzip or plain) */
	const char *db_root;	  /* the installed database (NULL: $DCEA_DB_ROOT or the default) */
	const char *dbs[8];	  /* OSV files, directories or zips besides it */
	size_t ndbs;
};
int scan_kernel(const struct kernel_scan_opts *o, struct scan_report *r);

/* scanners/runtime.c: runc, containerd, docker, podman, crun, cri-o against their escape CVEs */
struct runtime_scan_opts {
	const char *versions[8]; /* "runc=1.1.11" overrides; NULL-terminated */
	bool only_given;	 /* scan only the overrides, find nothing on this host */
};
int scan_runtime(const struct runtime_scan_opts *o, struct scan_report *r);

/*
 * scanners/config.c: one container configuration, in any of the forms below, detected by shape:
 * a `docker inspect` or `podman inspect` object (or an array of them: every element is scanned),
 * an OCI runtime config.json, or Docker's config.v2.json merged with its hostconfig.json.
 * name labels the findings when the configuration carries no name. Nothing is printed.
 */
int scan_container_json(json_object *cfg, const char *name, struct scan_report *r);
/*
 * A file holding one of the forms above ("-" for stdin), or a directory: a Docker container
 * directory (config.v2.json + hostconfig.json) or an OCI bundle (config.json). On bad input
 * returns -EINVAL with "FILE:LINE:COL: ..." (or "FILE: ...") in err.
 */
int scan_container_path(const char *path, struct scan_report *r, char *err, size_t errlen);
/* Every running container of the host: Docker Engine API on its unix socket, then podman. */
int scan_containers_running(struct scan_report *r);
/*
 * From inside a container: what this process can reach (capabilities against cap_last_cap,
 * seccomp, no_new_privs, AppArmor/SELinux, host filesystems and sensitive paths in mountinfo,
 * writable /proc/sys, /sys and release_agent, runtime sockets, host pids and block devices).
 */
int scan_self(struct scan_report *r);

/* scanners/image.c (part 2), weak here so dcea links without it */
int cmd_scan_image(int argc, char **argv);

#endif
