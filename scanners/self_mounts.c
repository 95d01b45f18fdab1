// SPDX-License-Identifier: GPL-2.0-only
/*
 * `dcea scan self`, what the container's filesystem view exposes: host filesystems and sensitive
 * host paths (from /proc/self/mountinfo: a bind mount's "root" field is its path on the host
 * filesystem), writable /proc/sys, /sys and cgroup v1 release_agent, runtime sockets (at the
 * well-known paths and inside bind-mounted host directories), host processes, host block devices.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/util.h"
#include "scanners/config.h"
#include "scanners/report.h"
#include "scanners/scan.h"
#include "scanners/self.h"

#define TARGET "this container (scan self)"

struct mnt {
	char root[1024], point[1024], fstype[64], source[256];
	bool rw;
};

static const struct scan_check c_hostroot = { "self.mount-host-root", SEV_CRITICAL,
					      "host filesystem root mounted", NULL, NULL };
static const struct scan_check c_sensitive = { "self.mount-sensitive", SEV_HIGH,
					       "sensitive host path mounted", NULL, NULL };
static const struct scan_check c_sock = { "self.runtime-socket", SEV_CRITICAL,
					  "container runtime socket reachable", NULL, NULL };
static const struct scan_check c_procsys = { "self.proc-sys", SEV_CRITICAL,
					     "/proc/sys writable or host procfs mounted", NULL,
					     NULL };
static const struct scan_check c_sysfs = { "self.sysfs", SEV_HIGH, "/sys writable", NULL, NULL };
static const struct scan_check c_cgroup = {
	"self.cgroup-release-agent", SEV_CRITICAL, "cgroup v1 release_agent reachable",
	"https://unit42.paloaltonetworks.com/cve-2022-0492-cgroups/", NULL
};
static const struct scan_check c_pids = { "self.host-pid", SEV_HIGH, "host processes visible", NULL,
					  NULL };
static const struct scan_check c_devices = { "self.devices", SEV_HIGH, "host block devices visible",
					     NULL, NULL };

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++, o++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*o = *s;
		}
	}
	*o = '\0';
}

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue" */
static bool parse_mountinfo_line(char *line, struct mnt *m)
{
	char *save = NULL, *tok[6], *t;
	int n = 0;

	for (t = strtok_r(line, " \n", &save); t && n < 6; t = strtok_r(NULL, " \n", &save))
		tok[n++] = t;
	if (n < 6)
		return false;
	while (t && strcmp(t, "-"))
		t = strtok_r(NULL, " \n", &save);
	if (!t)
		return false;
	snprintf(m->root, sizeof(m->root), "%s", tok[3]);
	snprintf(m->point, sizeof(m->point), "%s", tok[4]);
	unescape(m->root);
	unescape(m->point);
	m->rw = !strncmp(tok[5], "rw", 2) && (tok[5][2] == ',' || !tok[5][2]);
	t = strtok_r(NULL, " \n", &save);
	snprintf(m->fstype, sizeof(m->fstype), "%s", t ? t : "");
	t = strtok_r(NULL, " \n", &save);
	snprintf(m->source, sizeof(m->source), "%s", t ? t : "");
	return true;
}

/* The runtime's own per-container files, bind-mounted from its state directories. */
static bool runtime_file(const char *point)
{
	static const char *const own[] = { "/etc/hosts",       "/etc/hostname",
					   "/etc/resolv.conf", "/run/.containerenv",
					   "/dev/shm",	       "/dev/termination-log" };

	for (size_t i = 0; i < ARRAY_SIZE(own); i++)
		if (!strcmp(point, own[i]))
			return true;
	return false;
}

/* Try the socket: "reachable", or why not. */
static bool sock_reachable(const char *path, char *why, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), ok;

	/* non-blocking: a listener with a full backlog answers EAGAIN instead of hanging us */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ok = fd >= 0 && (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)) || errno == EAGAIN);
	snprintf(why, len, "%s", ok ? "connect works" : strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

struct sockscan {
	struct scan_finding *f;
	bool reachable;
	struct {
		dev_t dev;
		ino_t ino;
	} seen[16]; /* /run/docker.sock and /var/run/docker.sock are one socket */
	unsigned nseen;
};

static void add_socket(struct sockscan *ss, struct scan_report *r, const char *path,
		       const char *how)
{
	char why[128];
	struct stat st;

	if (stat(path, &st) || !S_ISSOCK(st.st_mode))
		return;
	for (unsigned i = 0; i < ss->nseen; i++)
		if (ss->seen[i].dev == st.st_dev && ss->seen[i].ino == st.st_ino)
			return;
	if (ss->nseen < ARRAY_SIZE(ss->seen)) {
		ss->seen[ss->nseen].dev = st.st_dev;
		ss->seen[ss->nseen++].ino = st.st_ino;
	}
	ss->reachable |= sock_reachable(path, why, sizeof(why));
	if (!ss->f)
		ss->f = scan_add(r, &c_sock, SCAN_WARN, TARGET);
	scan_detail(ss->f, "'%s'%s: %s", path, how, why);
}

static void check_sockets(const char *root, const struct mnt *ms, size_t n, struct scan_report *r)
{
	struct sockscan ss = { 0 };
	char p[4096];

	for (size_t i = 0; config_runtime_sockets[i]; i++) {
		snprintf(p, sizeof(p), "%s%s", root, config_runtime_sockets[i]);
		add_socket(&ss, r, p, "");
	}
	/* host directories holding a socket, bind-mounted elsewhere (-v /run:/hostrun) */
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; ms[i].source[0] == '/' && config_runtime_sockets[k]; k++) {
			const char *sock = config_runtime_sockets[k];
			size_t rl = strlen(ms[i].root);

			if (!config_path_covers(ms[i].root, sock))
				continue;
			snprintf(p, sizeof(p), "%s%s%s", root, ms[i].point,
				 rl > 1 ? sock + rl : sock);
			add_socket(&ss, r, p, " (host's in a bind mount)");
		}
	}
	if (!ss.f)
		scan_add(r, &c_sock, SCAN_PASS, TARGET);
	else if (ss.reachable)
		ss.f->result = SCAN_FAIL; /* talk to the daemon: start a privileged container */
}

/* only filesystems on block devices are the host's disks (not overlay, tmpfs, proc...) */
static bool host_disk(const struct mnt *m)
{
	return !strncmp(m->source, "/dev/", 5) && strcmp(m->point, "/") && !runtime_file(m->point);
}

static void check_host_paths(const struct mnt *ms, size_t n, struct scan_report *r)
{
	struct scan_finding *f = NULL;
	bool any_rw = false;

	for (size_t i = 0; i < n; i++) {
		if (!host_disk(&ms[i]) || strcmp(ms[i].root, "/"))
			continue;
		if (!f)
			f = scan_add(r, &c_hostroot, SCAN_FAIL, TARGET);
		scan_detail(f, "'%s' (%s) at '%s' (%s): chroot into it, edit cron, sshd",
			    ms[i].source, ms[i].fstype, ms[i].point,
			    ms[i].rw ? "writable" : "read-only");
	}
	if (!f)
		scan_add(r, &c_hostroot, SCAN_PASS, TARGET);
	f = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!host_disk(&ms[i]) || !strcmp(ms[i].root, "/"))
			continue;
		for (size_t k = 0; config_sensitive_paths[k]; k++) {
			if (!config_path_covers(ms[i].root, config_sensitive_paths[k]))
				continue;
			if (!f)
				f = scan_add(r, &c_sensitive, SCAN_WARN, TARGET);
			any_rw |= ms[i].rw;
			scan_detail(f, "host '%s' at '%s' (%s)", ms[i].root, ms[i].point,
				    ms[i].rw ? "writable" : "read-only");
			break;
		}
	}
	if (!f)
		scan_add(r, &c_sensitive, SCAN_PASS, TARGET);
	else if (any_rw)
		f->result = SCAN_FAIL;
}

static bool writable(const char *root, const char *dir, const char *file)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s%s%s", root, dir, file);
	return !access(p, W_OK);
}

static void check_proc_sys(const char *root, const struct mnt *ms, size_t n, struct scan_report *r)
{
	struct scan_finding *f = NULL, *fs = NULL;

	if (writable(root, "/proc/sys/kernel/core_pattern", "")) {
		f = scan_add(r, &c_procsys, SCAN_FAIL, TARGET);
		scan_detail(f, "/proc/sys/kernel/core_pattern writable: a crash runs a program of "
			       "ours on the host");
	}
	for (size_t i = 0; i < n; i++) {
		const struct mnt *m = &ms[i];

		if (!strcmp(m->fstype, "proc") && strcmp(m->point, "/proc") &&
		    strncmp(m->point, "/proc/", 6)) {
			if (!f)
				f = scan_add(r, &c_procsys, SCAN_FAIL, TARGET);
			scan_detail(f, "procfs also at '%s' (%s): another pid namespace's /proc",
				    m->point, m->rw ? "writable" : "read-only");
		}
		if (!strcmp(m->fstype, "sysfs") && m->rw) {
			if (!fs)
				fs = scan_add(r, &c_sysfs, SCAN_FAIL, TARGET);
			scan_detail(fs,
				    "sysfs at '%s' writable: uevent_helper, device and driver "
				    "settings of the host",
				    m->point);
		}
	}
	if (!f)
		scan_add(r, &c_procsys, SCAN_PASS, TARGET);
	if (!fs)
		scan_add(r, &c_sysfs, SCAN_PASS, TARGET);
}

static void check_cgroup(const char *root, uint64_t eff, const struct mnt *ms, size_t n,
			 struct scan_report *r)
{
	struct scan_finding *f = NULL;
	bool v1 = false, v1_rw = false, admin = (eff >> cap_from_name("SYS_ADMIN")) & 1;
	char p[4096], line[512];
	FILE *cg;

	snprintf(p, sizeof(p), "%s/proc/self/cgroup", root);
	cg = fopen(p, "re");
	while (cg && fgets(line, sizeof(line), cg)) {
		char *ctl = strchr(line, ':');

		/* "4:memory:/docker/ID" is v1; "0::/..." is v2; "N:name=x:/" a named v1 one */
		if (ctl && ctl[1] != ':' && strncmp(ctl + 1, "name=", 5))
			v1 = true;
	}
	if (cg)
		fclose(cg);
	/* since the CVE-2022-0492 fix (5.17, backported) writing it takes CAP_SYS_ADMIN too */
	for (size_t i = 0; i < n; i++) {
		if (strcmp(ms[i].fstype, "cgroup"))
			continue;
		v1_rw |= ms[i].rw;
		if (!writable(root, ms[i].point, "/release_agent"))
			continue;
		if (!f)
			f = scan_add(r, &c_cgroup, admin ? SCAN_FAIL : SCAN_WARN, TARGET);
		scan_detail(f, "'%s/release_agent' writable%s", ms[i].point,
			    admin ? ": runs a program of ours on the host"
				  : " by its mode: unfixed kernels let any root write it");
	}
	if (v1 && admin) {
		if (!f)
			f = scan_add(r, &c_cgroup, SCAN_FAIL, TARGET);
		f->result = SCAN_FAIL;
		scan_detail(f, "cgroup v1 in use and CAP_SYS_ADMIN: mount a hierarchy, set "
			       "release_agent and notify_on_release");
	}
	if (!f && v1_rw) {
		f = scan_add(r, &c_cgroup, SCAN_WARN, TARGET);
		scan_detail(f, "cgroup v1 hierarchies mounted writable: release_agent is "
			       "CAP_SYS_ADMIN away");
	}
	if (!f)
		scan_add(r, &c_cgroup, SCAN_PASS, TARGET);
}

static void check_pids_devices(const char *root, struct scan_report *r)
{
	char p[4096], line[64], names[320] = "";
	struct scan_finding *f;
	struct dirent *de;
	unsigned nblk = 0;
	bool host;
	DIR *d;

	/* a host pid namespace shows kernel threads: kthreadd is pid 2 there */
	snprintf(p, sizeof(p), "%s/proc/2/comm", root);
	host = !read_line(p, line, sizeof(line)) && !strcmp(line, "kthreadd");
	f = scan_add(r, &c_pids, host ? SCAN_FAIL : SCAN_PASS, TARGET);
	if (host)
		scan_detail(f, "kthreadd is visible as pid 2: this is the host's pid namespace");

	snprintf(p, sizeof(p), "%s/dev", root);
	d = opendir(p);
	while (d && (de = readdir(d))) {
		struct stat st;

		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISBLK(st.st_mode))
			continue;
		if (nblk++ < 8)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%.32s",
				 names[0] ? " " : "", de->d_name);
	}
	if (d)
		closedir(d);
	f = scan_add(r, &c_devices, nblk ? SCAN_FAIL : SCAN_PASS, TARGET);
	if (nblk)
		scan_detail(f, "%u block device(s) in /dev: %s%s", nblk, names,
			    nblk > 8 ? " ..." : "");
}

int self_scan_mounts(const char *root, uint64_t eff, struct scan_report *r)
{
	struct mnt *ms = NULL, *nm;
	size_t n = 0, cap = 0;
	char p[4096], line[4096];
	FILE *f;

	snprintf(p, sizeof(p), "%s/proc/self/mountinfo", root);
	f = fopen(p, "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nm = realloc(ms, cap * sizeof(*ms));
			if (!nm) {
				fclose(f);
				free(ms);
				return -ENOMEM;
			}
			ms = nm;
		}
		if (parse_mountinfo_line(line, &ms[n]))
			n++;
	}
	if (f)
		fclose(f);
	check_host_paths(ms, n, r);
	check_sockets(root, ms, n, r);
	check_proc_sys(root, ms, n, r);
	check_cgroup(root, eff, ms, n, r);
	check_pids_devices(root, r);
	free(ms);
	return 0;
}
