/* SPDX-License-Identifier: GPL-2.0-only */
/* A container configuration in one shape, whatever it was read from (scanners/config.c). */
#ifndef DCEA_SCANNERS_CONFIG_H
#define DCEA_SCANNERS_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

struct scan_report;

enum { NS_PID, NS_NET, NS_IPC, NS_UTS, NS_USER, NS_CGROUP, NS_COUNT };

enum apparmor_state { APPARMOR_NONE, APPARMOR_CONFINED, APPARMOR_UNCONFINED };

struct cfg_mount {
	char source[512];
	char dest[512];
	bool rw;
};

struct container_cfg {
	char name[256];
	char id[16];
	char kind[16]; /* docker, podman, oci */
	bool privileged;
	uint64_t caps; /* effective capabilities, bit n = capability n */
	bool host_ns[NS_COUNT];
	/* inputs, the scanning host's (container_cfg_host()); kept by container_cfg_parse() */
	bool host_cgroup_v1;  /* cgroup v1 in use on this host */
	bool host_selinux;    /* SELinux enabled on this host */
	bool host_apparmor;   /* AppArmor an active LSM on this host */
	uint64_t host_capbnd; /* this host's capability bounding set; 0: unknown */
	/* parsed */
	bool selinux_labelled; /* the file carries an SELinux process label: its host runs SELinux
				*/
	char priv_shape[160];  /* OCI: why the bundle is judged privileged, or "" */
	char devcg_block[64];  /* a device cgroup rule opening block devices, or "" */
	bool seccomp_unconfined;
	enum apparmor_state apparmor;
	bool selinux_disabled;
	bool no_new_privs;
	char user[64]; /* "" or "0" or "root": root */
	struct cfg_mount mounts[64];
	unsigned nmounts;
	char devices[32][128];
	unsigned ndevices;
};

/* the host inputs are kept (container_cfg_host() first); -EINVAL when o is none of the shapes */
int container_cfg_parse(json_object *o, const char *name, struct container_cfg *c);
bool host_cgroup_v1(void);
/* Fill the host inputs from the scanning host: cgroup v1, SELinux, capability bounding set. */
void container_cfg_host(struct container_cfg *c);
int cap_from_name(const char *name); /* "SYS_ADMIN" or "CAP_SYS_ADMIN"; -1 if unknown */
const char *cap_name(int cap);

/* Is there a config check with this id (prefix: whose id starts with it)? */
bool config_check_exists(const char *id, bool prefix);
/* Host paths whose exposure the checks report (scanners/config_checks.c), NULL-terminated. */
extern const char *const config_runtime_sockets[];
extern const char *const config_sensitive_paths[];
/* src is path or an ancestor of it (mounting /var brings /var/log with it) */
bool config_path_covers(const char *src, const char *path);

/* scanners/config_json.c: files and buffers; errors are "FILE:LINE:COL: ..." in err */
json_object *config_parse_json(const char *path, const char *buf, size_t len, char *err,
			       size_t errlen);
int config_check_types(json_object *o, const char *file, const char *buf, size_t len,
		       const char *prefix, char *err, size_t errlen);
int config_load_json(const char *path, json_object **out, char *err, size_t errlen);

/* The findings for one parsed configuration. */
int scan_container_cfg(const struct container_cfg *c, struct scan_report *r);

#endif
