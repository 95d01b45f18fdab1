// SPDX-License-Identifier: GPL-2.0-only
/*
 * `dcea scan config`: container configurations (docker/podman inspect, Docker's config.v2.json +
 * hostconfig.json, OCI config.json) normalised into one struct, then a check table over it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "scanners/report.h"
#include "scanners/config.h"
#include "scanners/scan.h"

static const char *const cap_names[] = {
	"CHOWN",
	"DAC_OVERRIDE",
	"DAC_READ_SEARCH",
	"FOWNER",
	"FSETID",
	"KILL",
	"SETGID",
	"SETUID",
	"SETPCAP",
	"LINUX_IMMUTABLE",
	"NET_BIND_SERVICE",
	"NET_BROADCAST",
	"NET_ADMIN",
	"NET_RAW",
	"IPC_LOCK",
	"IPC_OWNER",
	"SYS_MODULE",
	"SYS_RAWIO",
	"SYS_CHROOT",
	"SYS_PTRACE",
	"SYS_PACCT",
	"SYS_ADMIN",
	"SYS_BOOT",
	"SYS_NICE",
	"SYS_RESOURCE",
	"SYS_TIME",
	"SYS_TTY_CONFIG",
	"MKNOD",
	"LEASE",
	"AUDIT_WRITE",
	"AUDIT_CONTROL",
	"SETFCAP",
	"MAC_OVERRIDE",
	"MAC_ADMIN",
	"SYSLOG",
	"WAKE_ALARM",
	"BLOCK_SUSPEND",
	"AUDIT_READ",
	"PERFMON",
	"BPF",
	"CHECKPOINT_RESTORE",
};
#define CAP_ALL ((1ULL << ARRAY_SIZE(cap_names)) - 1)

/* Docker's default set (moby oci/caps/defaults.go); podman 4 drops NET_RAW, MKNOD, AUDIT_WRITE */
static const char *const docker_default_caps[] = {
	"CHOWN",   "DAC_OVERRIDE", "FSETID",	       "FOWNER",
	"MKNOD",   "NET_RAW",	   "SETGID",	       "SETUID",
	"SETFCAP", "SETPCAP",	   "NET_BIND_SERVICE", "SYS_CHROOT",
	"KILL",	   "AUDIT_WRITE",
};

int cap_from_name(const char *name)
{
	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (!strcasecmp(name, cap_names[i]))
			return i;
	return -1;
}

const char *cap_name(int cap)
{
	return cap >= 0 && (size_t)cap < ARRAY_SIZE(cap_names) ? cap_names[cap] : "?";
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static json_object *jget(json_object *o, const char *key, json_type type)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

static bool jbool(json_object *o, const char *key)
{
	json_object *v = jget(o, key, json_type_boolean);

	return v && json_object_get_boolean(v);
}

static void add_mount(struct container_cfg *c, const char *src, const char *dst, bool rw)
{
	struct cfg_mount *m;

	if (!src || !dst || c->nmounts == ARRAY_SIZE(c->mounts))
		return;
	m = &c->mounts[c->nmounts++];
	snprintf(m->source, sizeof(m->source), "%s", src);
	snprintf(m->dest, sizeof(m->dest), "%s", dst);
	m->rw = rw;
}

static void add_device(struct container_cfg *c, const char *path)
{
	if (path && c->ndevices < ARRAY_SIZE(c->devices))
		snprintf(c->devices[c->ndevices++], sizeof(c->devices[0]), "%s", path);
}

static uint64_t caps_from_array(json_object *a, bool *all)
{
	uint64_t set = 0;

	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		const char *n = json_object_get_string(json_object_array_get_idx(a, i));
		int cap;

		if (!n)
			continue;
		if (!strcasecmp(n, "ALL") || !strcasecmp(n, "CAP_ALL")) {
			*all = true;
			continue;
		}
		cap = cap_from_name(n);
		if (cap >= 0)
			set |= 1ULL << cap;
	}
	return set;
}

static void parse_security_opts(struct container_cfg *c, json_object *opts)
{
	for (size_t i = 0; opts && i < json_object_array_length(opts); i++) {
		const char *o = json_object_get_string(json_object_array_get_idx(opts, i));

		if (!o)
			continue;
		/* docker accepts both "seccomp=unconfined" and the old "seccomp:unconfined" */
		if (!strcmp(o, "seccomp=unconfined") || !strcmp(o, "seccomp:unconfined"))
			c->seccomp_unconfined = true;
		else if (!strcmp(o, "apparmor=unconfined") || !strcmp(o, "apparmor:unconfined"))
			c->apparmor = APPARMOR_UNCONFINED;
		else if (!strcmp(o, "label=disable") || !strcmp(o, "label:disable"))
			c->selinux_disabled = true;
		else if (!strcmp(o, "no-new-privileges") || !strcmp(o, "no-new-privileges:true") ||
			 !strcmp(o, "no-new-privileges=true"))
			c->no_new_privs = true;
	}
}

/* docker inspect, podman inspect, or config.v2.json with "HostConfig" merged in */
static void parse_docker(struct container_cfg *c, json_object *o, bool podman)
{
	json_object *hc = jget(o, "HostConfig", json_type_object), *a, *mounts;
	const char *s;
	bool all = false;
	uint64_t add, drop;

	s = jstr(o, "Name");
	snprintf(c->name, sizeof(c->name), "%s", s ? (s[0] == '/' ? s + 1 : s) : "");
	s = jstr(o, "Id") ?: jstr(o, "ID");
	snprintf(c->id, sizeof(c->id), "%.12s", s ? s : "");
	snprintf(c->kind, sizeof(c->kind), "%s", podman ? "podman" : "docker");
	c->privileged = jbool(hc, "Privileged");

	/* podman reports the effective set itself */
	a = jget(o, "EffectiveCaps", json_type_array);
	if (a) {
		c->caps = caps_from_array(a, &all);
	} else {
		c->caps = 0;
		for (size_t i = 0; i < ARRAY_SIZE(docker_default_caps); i++)
			c->caps |= 1ULL << cap_from_name(docker_default_caps[i]);
		add = caps_from_array(jget(hc, "CapAdd", json_type_array), &all);
		if (all)
			c->caps = CAP_ALL;
		all = false;
		drop = caps_from_array(jget(hc, "CapDrop", json_type_array), &all);
		c->caps = all ? add : (c->caps & ~drop) | add;
	}
	if (c->privileged)
		c->caps = CAP_ALL;

	c->host_ns[NS_PID] = (s = jstr(hc, "PidMode")) && !strcmp(s, "host");
	c->host_ns[NS_NET] = (s = jstr(hc, "NetworkMode")) && !strcmp(s, "host");
	c->host_ns[NS_IPC] = (s = jstr(hc, "IpcMode")) && !strcmp(s, "host");
	c->host_ns[NS_UTS] = (s = jstr(hc, "UTSMode")) && !strcmp(s, "host");
	/* without userns-remap (the default) root in the container is root on the host */
	s = jstr(hc, "UsernsMode");
	c->host_ns[NS_USER] = !s || !*s || !strcmp(s, "host");
	/* podman calls it CgroupMode; absent or "": the daemon's default, host on cgroup v1 */
	s = jstr(hc, "CgroupnsMode");
	if (!s || !*s)
		s = jstr(hc, "CgroupMode");
	c->host_ns[NS_CGROUP] = s && *s ? !strcmp(s, "host") : c->host_cgroup_v1;

	parse_security_opts(c, jget(hc, "SecurityOpt", json_type_array));
	s = jstr(o, "AppArmorProfile");
	if (s && !strcmp(s, "unconfined"))
		c->apparmor = APPARMOR_UNCONFINED;
	else if (c->apparmor != APPARMOR_UNCONFINED)
		c->apparmor = s && *s ? APPARMOR_CONFINED : APPARMOR_NONE;
	a = jget(hc, "Devices", json_type_array);
	for (size_t i = 0; a && i < json_object_array_length(a); i++)
		add_device(c, jstr(json_object_array_get_idx(a, i), "PathOnHost"));
	a = jget(hc, "DeviceCgroupRules", json_type_array);
	for (size_t i = 0; a && i < json_object_array_length(a) && !c->devcg_block[0]; i++) {
		const char *rule = json_object_get_string(json_object_array_get_idx(a, i));
		char type = 0, access[8] = "";

		/* "TYPE MAJOR:MINOR ACCESS": block (b) or all (a), with read or write */
		if (rule && sscanf(rule, " %c %*s %7s", &type, access) == 2 &&
		    (type == 'b' || type == 'a') && strpbrk(access, "rw"))
			snprintf(c->devcg_block, sizeof(c->devcg_block), "%s", rule);
	}
	s = jstr(o, "ProcessLabel");
	c->selinux_labelled = s && *s;

	/* mounts: inspect's "Mounts" array, or config.v2.json's "MountPoints" map, or Binds */
	mounts = jget(o, "Mounts", json_type_array);
	if (mounts) {
		for (size_t i = 0; i < json_object_array_length(mounts); i++) {
			json_object *m = json_object_array_get_idx(mounts, i);

			add_mount(c, jstr(m, "Source"), jstr(m, "Destination"), jbool(m, "RW"));
		}
	} else if ((mounts = jget(o, "MountPoints", json_type_object))) {
		json_object_object_foreach(mounts, k, m) {
			(void)k;
			add_mount(c, jstr(m, "Source"), jstr(m, "Destination"), jbool(m, "RW"));
		}
	} else if ((a = jget(hc, "Binds", json_type_array))) {
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			const char *bind = json_object_get_string(json_object_array_get_idx(a, i));
			char b[1024], *dst, *mode;

			if (!bind)
				continue;
			snprintf(b, sizeof(b), "%s", bind);
			dst = strchr(b, ':');
			if (!dst)
				continue;
			*dst++ = '\0';
			mode = strchr(dst, ':');
			if (mode)
				*mode++ = '\0';
			add_mount(c, b, dst, !(mode && strstr(mode, "ro")));
		}
	}
	s = jstr(jget(o, "Config", json_type_object), "User");
	snprintf(c->user, sizeof(c->user), "%s", s ? s : "");
}

/* linux.resources.devices: an allow rule for block (or all) devices with read or write */
static void oci_devcg(struct container_cfg *c, json_object *linux_)
{
	json_object *a =
		jget(jget(linux_, "resources", json_type_object), "devices", json_type_array);

	for (size_t i = 0; a && i < json_object_array_length(a) && !c->devcg_block[0]; i++) {
		json_object *d = json_object_array_get_idx(a, i), *mj, *mn;
		const char *type = jstr(d, "type"), *access = jstr(d, "access");
		char maj[16] = "*", min[16] = "*";

		if (!jbool(d, "allow") || (type && strcmp(type, "b") && strcmp(type, "a")) ||
		    (access && !strpbrk(access, "rw")))
			continue;
		if ((mj = jget(d, "major", json_type_int)) && json_object_get_int64(mj) >= 0)
			snprintf(maj, sizeof(maj), "%lld", (long long)json_object_get_int64(mj));
		if ((mn = jget(d, "minor", json_type_int)) && json_object_get_int64(mn) >= 0)
			snprintf(min, sizeof(min), "%lld", (long long)json_object_get_int64(mn));
		snprintf(c->devcg_block, sizeof(c->devcg_block), "%s %s:%s %s", type ? type : "a",
			 maj, min, access ? access : "rwm");
	}
}

/*
 * A bundle does not say "privileged"; runtimes write it as: no seccomp, no masked or read-only
 * /proc paths, every device allowed, and every capability they can grant. A capability missing
 * from this host's bounding set (CAP_SYS_RESOURCE on some hosts) or newer than the runtime
 * (PERFMON, BPF, CHECKPOINT_RESTORE: Linux 5.8/5.9) is one it could not grant: still privileged.
 */
static bool oci_privileged(struct container_cfg *c, json_object *linux_)
{
	static const int newer[] = { 38, 39, 40 };
	uint64_t missing = CAP_ALL & ~c->caps, excused = 0;
	json_object *m = jget(linux_, "maskedPaths", json_type_array),
		    *ro = jget(linux_, "readonlyPaths", json_type_array);
	char names[96] = "";

	if (!missing)
		return true;
	if (jget(linux_, "seccomp", json_type_object) || (m && json_object_array_length(m)) ||
	    (ro && json_object_array_length(ro)) || strcmp(c->devcg_block, "a *:* rwm"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(newer); i++)
		excused |= 1ULL << newer[i];
	if (c->host_capbnd)
		excused |= CAP_ALL & ~c->host_capbnd;
	if (missing & ~excused)
		return false;
	for (int i = 0; i < (int)ARRAY_SIZE(cap_names); i++)
		if ((missing >> i) & 1)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 names[0] ? " " : "", cap_names[i]);
	snprintf(c->priv_shape, sizeof(c->priv_shape),
		 "judged from the bundle: no seccomp, no masked paths, every device; "
		 "not granted: %s",
		 names);
	return true;
}

static void parse_oci(struct container_cfg *c, json_object *o, const char *name)
{
	json_object *proc = jget(o, "process", json_type_object),
		    *linux_ = jget(o, "linux", json_type_object);
	json_object *caps = jget(proc, "capabilities", json_type_object), *a;
	bool seen[NS_COUNT] = { false };
	bool all = false;
	const char *s;

	snprintf(c->name, sizeof(c->name), "%s", name ? name : "");
	s = jstr(jget(o, "annotations", json_type_object), "io.container.manager");
	snprintf(c->kind, sizeof(c->kind), "%s", s && !strcmp(s, "libpod") ? "podman" : "oci");
	c->caps = caps_from_array(jget(caps, "effective", json_type_array), &all);
	if (all)
		c->caps = CAP_ALL;
	oci_devcg(c, linux_);
	c->privileged = oci_privileged(c, linux_);
	/* as inspect's Privileged: the capability rows say "implied by --privileged"; the ones the
	 * runtime could not grant are named in config.privileged's detail */
	if (c->privileged)
		c->caps = CAP_ALL;
	c->no_new_privs = jbool(proc, "noNewPrivileges");
	a = jget(jget(proc, "user", json_type_object), "uid", json_type_int);
	snprintf(c->user, sizeof(c->user), "%d", a ? json_object_get_int(a) : 0);
	s = jstr(proc, "selinuxLabel");
	c->selinux_labelled = s && *s;
	s = jstr(proc, "apparmorProfile");
	c->apparmor = !s || !*s			 ? APPARMOR_NONE
		      : !strcmp(s, "unconfined") ? APPARMOR_UNCONFINED
						 : APPARMOR_CONFINED;
	c->seccomp_unconfined = !jget(linux_, "seccomp", json_type_object);
	a = jget(linux_, "namespaces", json_type_array);
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		static const char *const types[NS_COUNT] = { "pid", "network", "ipc",
							     "uts", "user",    "cgroup" };
		json_object *ns = json_object_array_get_idx(a, i);

		for (int t = 0; t < NS_COUNT; t++)
			if ((s = jstr(ns, "type")) && !strcmp(s, types[t]))
				seen[t] =
					true; /* a "path" joins another namespace: not known here */
	}
	for (int t = 0; t < NS_COUNT; t++)
		c->host_ns[t] = !seen[t];
	a = jget(linux_, "devices", json_type_array);
	for (size_t i = 0; a && i < json_object_array_length(a); i++)
		add_device(c, jstr(json_object_array_get_idx(a, i), "path"));
	a = jget(o, "mounts", json_type_array);
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *m = json_object_array_get_idx(a, i), *opts;
		const char *type = jstr(m, "type");
		bool rw = true;

		/* only bind mounts bring host paths in; proc, sysfs, tmpfs... are the runtime's */
		opts = jget(m, "options", json_type_array);
		if (!(type && !strcmp(type, "bind")) &&
		    !(opts && strstr(json_object_to_json_string(opts), "bind")))
			continue;
		for (size_t k = 0; opts && k < json_object_array_length(opts); k++) {
			const char *opt =
				json_object_get_string(json_object_array_get_idx(opts, k));

			if (opt && !strcmp(opt, "ro"))
				rw = false;
		}
		add_mount(c, jstr(m, "source"), jstr(m, "destination"), rw);
	}
}

bool host_cgroup_v1(void)
{
	char line[1024];
	bool v1 = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " - cgroup "))
			v1 = true;
	fclose(f);
	return v1;
}

/* CapBnd of /proc/self/status */
static uint64_t host_capbnd(void)
{
	char line[256];
	unsigned long long v = 0;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapBnd: %llx", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/* AppArmor confines here: an active LSM ("...,apparmor,..."), or the module says it is enabled */
static bool host_apparmor(void)
{
	char line[512], *tok, *save = NULL;
	FILE *f = fopen("/sys/kernel/security/lsm", "re");
	bool on = false;

	if (f) {
		if (fgets(line, sizeof(line), f))
			for (tok = strtok_r(line, ",\n", &save); tok && !on;
			     tok = strtok_r(NULL, ",\n", &save))
				on = !strcmp(tok, "apparmor");
		fclose(f);
		return on;
	}
	f = fopen("/sys/module/apparmor/parameters/enabled", "re");
	if (f) {
		on = fgets(line, sizeof(line), f) && line[0] == 'Y';
		fclose(f);
	}
	return on;
}

void container_cfg_host(struct container_cfg *c)
{
	c->host_cgroup_v1 = host_cgroup_v1();
	c->host_selinux = access("/sys/fs/selinux/enforce", F_OK) == 0;
	c->host_apparmor = host_apparmor();
	c->host_capbnd = host_capbnd();
}

int container_cfg_parse(json_object *o, const char *name, struct container_cfg *c)
{
	bool v1 = c->host_cgroup_v1, se = c->host_selinux, aa = c->host_apparmor;
	uint64_t bnd = c->host_capbnd;

	memset(c, 0, sizeof(*c));
	c->host_cgroup_v1 = v1;
	c->host_selinux = se;
	c->host_apparmor = aa;
	c->host_capbnd = bnd;
	if (!json_object_is_type(o, json_type_object))
		return -EINVAL;
	if (jget(o, "HostConfig", json_type_object))
		parse_docker(c, o,
			     jget(o, "EffectiveCaps", json_type_array) != NULL ||
				     jget(o, "OCIRuntime", json_type_string) != NULL);
	else if (jget(o, "ociVersion", json_type_string))
		parse_oci(c, o, name);
	else
		return -EINVAL;
	if (!c->name[0])
		snprintf(c->name, sizeof(c->name), "%s", name ? name : "?");
	/* the same answer whether --privileged was read from inspect or from the OCI bundle */
	if (c->privileged) {
		c->seccomp_unconfined = true;
		c->apparmor = APPARMOR_UNCONFINED;
	}
	return 0;
}
