// SPDX-License-Identifier: GPL-2.0-only
/*
 * The container configuration checks (STYLE 12: one row per check, stable ids), and the inputs
 * they run on: JSON objects, files, Docker container directories, OCI bundles, the host's running
 * containers through the Docker Engine API.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "scanners/report.h"
#include "scanners/config.h"
#include "scanners/scan.h"

struct cctx {
	const struct container_cfg *c;
	const char *target;
};

static bool has_cap(const struct container_cfg *c, const char *name)
{
	int cap = cap_from_name(name);

	return cap >= 0 && (c->caps >> cap) & 1;
}

static int check_privileged(const struct scan_check *k, void *p, struct scan_report *r)
{
	struct cctx *x = p;
	struct scan_finding *f =
		scan_add(r, k, x->c->privileged ? SCAN_FAIL : SCAN_PASS, x->target);

	if (x->c->privileged)
		scan_detail(f, "every capability, every host device, no seccomp or AppArmor: mount "
			       "the host disk, load a module, write release_agent");
	if (x->c->privileged && x->c->priv_shape[0])
		scan_detail(f, "%s", x->c->priv_shape);
	return 0;
}

/* Each dangerous capability is a row: id, severity, what it opens. */
static const struct dangerous_cap {
	const char *cap;
	const char *escape;
} dangerous_caps[] = {
	{ "SYS_ADMIN", "mount, cgroup v1 release_agent, the host's block devices (CVE-2022-0492)" },
	{ "SYS_MODULE", "load a kernel module: code in the host kernel" },
	{ "SYS_PTRACE", "ptrace and inject into host processes (with a shared pid namespace)" },
	{ "DAC_READ_SEARCH", "open_by_handle_at reads any host file (the 'shocker' escape)" },
	{ "SYS_RAWIO", "raw I/O ports and /dev/mem access" },
	{ "SYS_BOOT", "reboot or kexec the host" },
	{ "NET_ADMIN", "reconfigure the network (host's with --net=host), reach netfilter bugs" },
	{ "BPF", "load BPF programs: read kernel memory, reach verifier bugs" },
	{ "PERFMON", "perf events on the host, kernel address leaks" },
	{ "SYSLOG", "read the kernel log and kernel addresses (KASLR)" },
	{ "DAC_OVERRIDE", "bypass file permissions (in Docker's default set)" },
};

static int check_cap(const struct scan_check *k, void *p, struct scan_report *r)
{
	struct cctx *x = p;
	const struct dangerous_cap *d = NULL;
	enum dcea_severity sev = k->severity;
	struct scan_finding *f;
	enum scan_result res;
	bool ptrace = !strcmp(k->id, "config.cap-SYS_PTRACE");

	for (size_t i = 0; i < ARRAY_SIZE(dangerous_caps); i++)
		if (!strcmp(k->id + strlen("config.cap-"), dangerous_caps[i].cap))
			d = &dangerous_caps[i];
	if (!d || !has_cap(x->c, d->cap)) {
		scan_add(r, k, SCAN_PASS, x->target);
		return 0;
	}
	/* DAC_OVERRIDE is in Docker's default set: worth knowing, not a failure */
	res = x->c->privileged || !strcmp(d->cap, "DAC_OVERRIDE") ? SCAN_INFO : SCAN_FAIL;
	/* ptrace reaches host processes only when it can see them */
	if (ptrace)
		sev = x->c->host_ns[NS_PID] ? SEV_CRITICAL : SEV_MEDIUM;
	f = scan_add_raw(r, k->id, sev, k->title, k->reference, res, x->target);
	scan_detail(f, "CAP_%s: %s", d->cap, d->escape);
	if (ptrace)
		scan_detail(f, "%s",
			    x->c->host_ns[NS_PID]
				    ? "critical: with the host PID namespace every host "
				      "process is a ptrace target"
				    : "medium: without the host PID namespace only the "
				      "container's own processes (critical with --pid=host)");
	if (x->c->privileged)
		scan_detail(f, "implied by --privileged");
	return 0;
}

static int check_ns(const struct scan_check *k, void *p, struct scan_report *r)
{
	static const struct {
		const char *id;
		int ns;
		const char *escape;
	} map[] = {
		{ "config.host-pid", NS_PID,
		  "host processes visible: ptrace, /proc/PID/root, nsenter" },
		{ "config.host-net", NS_NET,
		  "host-only services, abstract unix sockets (CVE-2020-15257)" },
		{ "config.host-ipc", NS_IPC, "host shared memory and semaphores" },
		{ "config.host-uts", NS_UTS, "can change the host's hostname" },
	};
	struct cctx *x = p;

	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		struct scan_finding *f;

		if (strcmp(k->id, map[i].id))
			continue;
		f = scan_add(r, k, x->c->host_ns[map[i].ns] ? SCAN_FAIL : SCAN_PASS, x->target);
		if (x->c->host_ns[map[i].ns])
			scan_detail(f, "%s", map[i].escape);
	}
	return 0;
}

static bool is_root(const struct container_cfg *c)
{
	return !c->user[0] || !strcmp(c->user, "0") || !strcmp(c->user, "root") ||
	       !strncmp(c->user, "0:", 2) || !strncmp(c->user, "root:", 5);
}

static int check_userns(const struct scan_check *k, void *p, struct scan_report *r)
{
	struct cctx *x = p;
	struct scan_finding *f =
		scan_add(r, k, x->c->host_ns[NS_USER] ? SCAN_INFO : SCAN_PASS, x->target);

	if (x->c->host_ns[NS_USER])
		scan_detail(f, "no user namespace: uid 0 in the container is uid 0 on the host%s",
			    is_root(x->c) ? " (and it runs as root)" : "");
	return 0;
}

static int check_cgroupns(const struct scan_check *k, void *p, struct scan_report *r)
{
	struct cctx *x = p;
	bool host = x->c->host_ns[NS_CGROUP] && x->c->host_cgroup_v1;
	bool admin = has_cap(x->c, "SYS_ADMIN");
	struct scan_finding *f;

	f = scan_add_raw(r, k->id, admin ? SEV_CRITICAL : k->severity, k->title, k->reference,
			 !host	 ? SCAN_PASS
			 : admin ? SCAN_FAIL
				 : SCAN_WARN,
			 x->target);
	if (host) {
		scan_detail(f, "host cgroup namespace on cgroup v1: %s",
			    admin ? "with CAP_SYS_ADMIN, mount cgroup and write release_agent"
				  : "release_agent is one capability (CAP_SYS_ADMIN) away");
		scan_detail(f, "cgroup v1 judged on the scanning host: the configuration does not "
			       "say which cgroup version its host runs");
	}
	return 0;
}

const char *const config_runtime_sockets[] = {
	"/var/run/docker.sock",
	"/run/docker.sock",
	"/run/containerd/containerd.sock",
	"/var/run/containerd/containerd.sock",
	"/run/crio/crio.sock",
	"/var/run/crio/crio.sock",
	"/run/podman/podman.sock",
	"/var/run/podman/podman.sock",
	"/var/run/dockershim.sock",
	"/run/buildkit/buildkitd.sock",
	NULL,
};

const char *const config_sensitive_paths[] = {
	"/etc",
	"/proc",
	"/sys",
	"/dev",
	"/boot",
	"/lib/modules",
	"/usr/lib/modules",
	"/root",
	"/var/log",
	"/var/lib/kubelet",
	"/var/lib/docker",
	"/var/lib/containerd",
	"/home",
	NULL,
};

bool config_path_covers(const char *src, const char *path)
{
	size_t n = strlen(src);

	while (n > 1 && src[n - 1] == '/')
		n--;
	if (n == 1 && src[0] == '/')
		return true;
	return !strncmp(src, path, n) && (path[n] == '\0' || path[n] == '/');
}

static bool is_host_root(const char *src)
{
	return src[0] == '/' && src[strspn(src, "/")] == '\0';
}

static int check_mount_root(const struct scan_check *k, void *p, struct scan_report *r)
{
	struct cctx *x = p;
	struct scan_finding *f = NULL;

	for (unsigned i = 0; i < x->c->nmounts; i++) {
		const struct cfg_mount *m = &x->c->mounts[i];

		if (!is_host_root(m->source))
			continue;
		if (!f)
			f = scan_add(r, k, SCAN_FAIL, x->target);
		scan_detail(
			f,
			"host / at '%s' (%s): chroot into the host, edit cron, sshd, /etc/shadow",
			m->dest, m->rw ? "writable" : "read-only");
	}
	if (!f)
		scan_add(r, k, SCAN_PASS, x->target);
	return 0;
}

static int check_mount_socket(const struct scan_check *k, void *p, struct scan_report *r)
{
	struct cctx *x = p;
	struct scan_finding *f = NULL;

	for (unsigned i = 0; i < x->c->nmounts; i++) {
		const struct cfg_mount *m = &x->c->mounts[i];

		if (is_host_root(m->source))
			continue; /* reported by config.mount-host-root */
		for (size_t s = 0; config_runtime_sockets[s]; s++) {
			if (!config_path_covers(m->source, config_runtime_sockets[s]))
				continue;
			if (!f)
				f = scan_add(r, k, SCAN_FAIL, x->target);
			scan_detail(f,
				    "'%s' at '%s' exposes %s: start a privileged container on the "
				    "host (read-only does not protect a socket)",
				    m->source, m->dest, config_runtime_sockets[s]);
			break;
		}
	}
	if (!f)
		scan_add(r, k, SCAN_PASS, x->target);
	return 0;
}

static int check_mount_sensitive(const struct scan_check *k, void *p, struct scan_report *r)
{
	struct cctx *x = p;
	struct scan_finding *f = NULL;
	bool any_rw = false;

	for (unsigned i = 0; i < x->c->nmounts; i++) {
		const struct cfg_mount *m = &x->c->mounts[i];

		if (is_host_root(m->source))
			continue;
		for (size_t s = 0; config_sensitive_paths[s]; s++) {
			if (!config_path_covers(m->source, config_sensitive_paths[s]))
				continue;
			if (!f)
				f = scan_add(r, k, SCAN_WARN, x->target);
			any_rw |= m->rw;
			scan_detail(f, "host '%s' at '%s' (%s)", m->source, m->dest,
				    m->rw ? "writable" : "read-only");
			break;
		}
	}
	if (!f)
		scan_add(r, k, SCAN_PASS, x->target);
	else if (any_rw)
		f->result = SCAN_FAIL; /* read-only host paths leak; writable ones are an escape */
	return 0;
}

static int check_devices(const struct scan_check *k, void *p, struct scan_report *r)
{
	struct cctx *x = p;
	struct scan_finding *f;

	if (!x->c->ndevices && !x->c->privileged) {
		scan_add(r, k, SCAN_PASS, x->target);
		return 0;
	}
	f = scan_add(r, k, SCAN_FAIL, x->target);
	if (!x->c->ndevices) /* inspect lists none, the runtime passes them all */
		scan_detail(f, "every host device (--privileged): mount the host disk");
	for (unsigned i = 0; i < x->c->ndevices; i++)
		scan_detail(f, "host device '%s' passed in", x->c->devices[i]);
	return 0;
}

static int check_devcg(const struct scan_check *k, void *p, struct scan_report *r)
{
	struct cctx *x = p;
	struct scan_finding *f;

	if (!x->c->devcg_block[0] && !x->c->privileged) {
		scan_add(r, k, SCAN_PASS, x->target);
		return 0;
	}
	f = scan_add(r, k, x->c->privileged ? SCAN_INFO : SCAN_FAIL, x->target);
	if (x->c->privileged)
		scan_detail(f, "every device (--privileged)");
	else
		scan_detail(f,
			    "rule '%s' lets the container open the host's block devices: "
			    "mknod the disk, mount it, read or write the host filesystem",
			    x->c->devcg_block);
	return 0;
}

static int check_flag(const struct scan_check *k, void *p, struct scan_report *r)
{
	struct cctx *x = p;
	const struct container_cfg *c = x->c;
	struct scan_finding *f;
	bool bad = false;
	const char *why = "";

	if (!strcmp(k->id, "config.seccomp-unconfined")) {
		bad = c->seccomp_unconfined;
		why = "no seccomp filter: unshare, keyctl, bpf, userfaultfd reach the kernel";
	} else if (!strcmp(k->id, "config.apparmor-unconfined")) {
		/* without AppArmor on the host no profile confines anything: nothing is lost. The
		 * file cannot say whether its host runs AppArmor ("unconfined" reads the same) */
		bad = c->apparmor == APPARMOR_UNCONFINED && c->host_apparmor;
		why = "AppArmor unconfined: mount and /proc/sys writes no longer blocked; AppArmor "
		      "is enabled on the scanning host (judged here)";
	} else if (!strcmp(k->id, "config.selinux-disabled")) {
		/* without SELinux on the host, a label confines nothing: nothing is lost */
		bad = c->selinux_disabled && (c->selinux_labelled || c->host_selinux);
		why = c->selinux_labelled
			      ? "SELinux labelling disabled (label=disable); the file "
				"shows its host runs SELinux"
			      : "SELinux labelling disabled (label=disable); SELinux is "
				"enabled on the scanning host (judged here)";
	} else if (!strcmp(k->id, "config.no-new-privileges")) {
		bad = !c->no_new_privs;
		why = "setuid binaries in the image can raise privileges";
	} else if (!strcmp(k->id, "config.root-user")) {
		bad = is_root(c);
		why = "runs as root";
	}
	f = scan_add(r, k,
		     !bad							      ? SCAN_PASS
		     : k->severity >= SEV_MEDIUM && strcmp(k->id, "config.root-user") ? SCAN_FAIL
										      : SCAN_WARN,
		     x->target);
	if (bad)
		scan_detail(f, "%s", why);
	if (bad && !strcmp(k->id, "config.apparmor-unconfined") && c->privileged)
		scan_detail(f, "implied by --privileged");
	if (!bad && c->apparmor == APPARMOR_UNCONFINED &&
	    !strcmp(k->id, "config.apparmor-unconfined"))
		scan_detail(f,
			    "AppArmor unconfined, but AppArmor is not enabled on the scanning host "
			    "(judged here): it changes nothing");
	if (!bad && c->selinux_disabled && !strcmp(k->id, "config.selinux-disabled"))
		scan_detail(f,
			    "label=disable, but SELinux is not enabled on the scanning host and "
			    "the file carries no SELinux label (judged here): it changes nothing");
	return 0;
}

#define CAP_ROW(name, sev)                                                                         \
	{                                                                                          \
		"config.cap-" name, sev, "capability CAP_" name, NULL, check_cap                   \
	}

static const struct scan_check config_checks[] = {
	{ "config.privileged", SEV_CRITICAL, "privileged container",
	  "https://docs.docker.com/engine/reference/run/#runtime-privilege-and-linux-capabilities",
	  check_privileged },
	CAP_ROW("SYS_ADMIN", SEV_CRITICAL),
	CAP_ROW("SYS_MODULE", SEV_CRITICAL),
	CAP_ROW("SYS_PTRACE", SEV_HIGH),
	CAP_ROW("DAC_READ_SEARCH", SEV_HIGH),
	CAP_ROW("SYS_RAWIO", SEV_HIGH),
	CAP_ROW("SYS_BOOT", SEV_MEDIUM),
	CAP_ROW("NET_ADMIN", SEV_MEDIUM),
	CAP_ROW("BPF", SEV_HIGH),
	CAP_ROW("PERFMON", SEV_MEDIUM),
	CAP_ROW("SYSLOG", SEV_LOW),
	CAP_ROW("DAC_OVERRIDE", SEV_LOW),
	{ "config.host-pid", SEV_HIGH, "host PID namespace", NULL, check_ns },
	{ "config.host-net", SEV_HIGH, "host network namespace", NULL, check_ns },
	{ "config.host-ipc", SEV_MEDIUM, "host IPC namespace", NULL, check_ns },
	{ "config.host-uts", SEV_LOW, "host UTS namespace", NULL, check_ns },
	{ "config.host-userns", SEV_LOW, "host user namespace", NULL, check_userns },
	{ "config.host-cgroupns", SEV_MEDIUM, "host cgroup namespace on cgroup v1",
	  "https://unit42.paloaltonetworks.com/cve-2022-0492-cgroups/", check_cgroupns },
	{ "config.mount-host-root", SEV_CRITICAL, "host root filesystem mounted", NULL,
	  check_mount_root },
	{ "config.mount-runtime-socket", SEV_CRITICAL, "container runtime socket mounted",
	  "https://docs.docker.com/engine/security/#docker-daemon-attack-surface",
	  check_mount_socket },
	{ "config.mount-sensitive", SEV_HIGH, "sensitive host path mounted", NULL,
	  check_mount_sensitive },
	{ "config.devices", SEV_HIGH, "host devices passed in", NULL, check_devices },
	{ "config.device-cgroup-rules", SEV_HIGH, "device cgroup opens block devices", NULL,
	  check_devcg },
	{ "config.seccomp-unconfined", SEV_HIGH, "seccomp unconfined", NULL, check_flag },
	{ "config.apparmor-unconfined", SEV_MEDIUM, "AppArmor unconfined", NULL, check_flag },
	{ "config.selinux-disabled", SEV_MEDIUM, "SELinux labels disabled", NULL, check_flag },
	{ "config.no-new-privileges", SEV_LOW, "no-new-privileges off", NULL, check_flag },
	{ "config.root-user", SEV_MEDIUM, "runs as root", NULL, check_flag },
};

bool config_check_exists(const char *id, bool prefix)
{
	for (size_t i = 0; i < ARRAY_SIZE(config_checks); i++)
		if (prefix ? !strncmp(config_checks[i].id, id, strlen(id))
			   : !strcmp(config_checks[i].id, id))
			return true;
	return false;
}

int scan_container_cfg(const struct container_cfg *c, struct scan_report *r)
{
	char target[320];
	struct cctx x = { .c = c, .target = target };
	size_t before = r->n;

	snprintf(target, sizeof(target), "container %s%s%s%s", c->name, c->id[0] ? " (" : "", c->id,
		 c->id[0] ? ")" : "");
	for (size_t i = 0; i < ARRAY_SIZE(config_checks); i++)
		config_checks[i].fn(&config_checks[i], &x, r);
	/* scan_add returns NULL only on ENOMEM: every row must have left a finding */
	return r->n - before == ARRAY_SIZE(config_checks) ? 0 : -ENOMEM;
}

int scan_container_json(json_object *cfg, const char *name, struct scan_report *r)
{
	struct container_cfg *c;
	int err = 0;

	if (json_object_is_type(cfg, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(cfg) && !err; i++)
			err = scan_container_json(json_object_array_get_idx(cfg, i), name, r);
		return err;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	container_cfg_host(c);
	err = container_cfg_parse(cfg, name, c);
	if (!err)
		err = scan_container_cfg(c, r);
	free(c);
	return err;
}
