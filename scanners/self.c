// SPDX-License-Identifier: GPL-2.0-only
/*
 * `dcea scan self`: run inside a container, report what this process can reach: capabilities
 * against the running kernel's full set, seccomp, no_new_privs, AppArmor/SELinux, host
 * filesystems and sensitive host paths in mountinfo, writable /proc/sys, /sys and cgroup v1
 * release_agent, runtime sockets, host processes, host block devices, the user namespace.
 * Every path is read under a root prefix ("" for real) so unit tests can give a fake /proc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "scanners/config.h"
#include "scanners/report.h"
#include "scanners/scan.h"
#include "scanners/self.h"

#define TARGET "this container (scan self)"

struct self {
	const char *root;
	struct scan_report *r;
};

static const char *at(const struct self *s, const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", s->root, path);
	return buf;
}

static int status_field(const struct self *s, const char *key, char *out, size_t len)
{
	char line[256], p[4096];
	size_t klen = strlen(key);
	FILE *f = fopen(at(s, "/proc/self/status", p, sizeof(p)), "re");

	out[0] = '\0';
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			snprintf(out, len, "%s", line + klen + 1 + strspn(line + klen + 1, " \t"));
			out[strcspn(out, "\n")] = '\0';
		}
	fclose(f);
	return out[0] ? 0 : -ENOENT;
}

static const struct scan_check c_full = { "self.privileged", SEV_CRITICAL,
					  "every capability of the kernel", NULL, NULL };
static const struct scan_check c_caps = { "self.capabilities", SEV_HIGH, "effective capabilities",
					  NULL, NULL };
static const struct scan_check c_seccomp = { "self.seccomp", SEV_HIGH, "seccomp filter", NULL,
					     NULL };
static const struct scan_check c_nnp = { "self.no-new-privileges", SEV_LOW, "no-new-privileges off",
					 NULL, NULL };
static const struct scan_check c_mac = { "self.lsm", SEV_MEDIUM, "AppArmor / SELinux confinement",
					 NULL, NULL };
static const struct scan_check c_userns = { "self.userns", SEV_LOW, "host user namespace", NULL,
					    NULL };

/*
 * A few missing capabilities still mean privileged: runtimes cannot grant what their own bounding
 * set lacks (root here lacks CAP_SYS_RESOURCE, podman then leaves it out of --privileged), and
 * older ones do not know the newest (docker 20.10's --privileged stops at CAP_AUDIT_READ, 37:
 * no PERFMON, BPF, CHECKPOINT_RESTORE). Granting 36 capabilities one by one is not a thing.
 */
#define PRIV_MISSING_MAX 5

static uint64_t check_caps(const struct self *s)
{
	static const char *const dangerous[] = { "SYS_ADMIN",	    "SYS_MODULE", "SYS_PTRACE",
						 "DAC_READ_SEARCH", "SYS_RAWIO",  "BPF",
						 "NET_ADMIN",	    "PERFMON",	  "SYS_BOOT" };
	char buf[128], line[64], p[4096];
	uint64_t eff = 0, full;
	struct scan_finding *f;
	int last = 40, missing;

	if (!status_field(s, "CapEff", buf, sizeof(buf)))
		eff = strtoull(buf, NULL, 16);
	if (!read_line(at(s, "/proc/sys/kernel/cap_last_cap", p, sizeof(p)), line, sizeof(line)))
		last = atoi(line);
	full = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
	missing = __builtin_popcountll(full & ~eff);
	f = scan_add(s->r, &c_full, missing <= PRIV_MISSING_MAX ? SCAN_FAIL : SCAN_PASS, TARGET);
	scan_detail(f, "CapEff %016llx, kernel's full set %016llx (cap_last_cap %d)",
		    (unsigned long long)eff, (unsigned long long)full, last);
	if (missing && missing <= PRIV_MISSING_MAX) {
		char but[256] = "";

		for (int c = 0; c <= last; c++)
			if ((full & ~eff) >> c & 1)
				snprintf(but + strlen(but), sizeof(but) - strlen(but), "%sCAP_%s",
					 but[0] ? ", " : "", cap_name(c));
		scan_detail(f, "all but %s (the runtime's own limits)", but);
	}
	f = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(dangerous); i++) {
		int cap = cap_from_name(dangerous[i]);

		if (cap < 0 || !((eff >> cap) & 1))
			continue;
		if (!f)
			f = scan_add(s->r, &c_caps, SCAN_FAIL, TARGET);
		scan_detail(f, "CAP_%s", dangerous[i]);
	}
	if (!f)
		scan_add(s->r, &c_caps, SCAN_PASS, TARGET);

	status_field(s, "Seccomp", buf, sizeof(buf));
	f = scan_add(s->r, &c_seccomp, !strcmp(buf, "0") ? SCAN_FAIL : SCAN_PASS, TARGET);
	scan_detail(f, "Seccomp mode %s (0 none, 1 strict, 2 filter)", buf[0] ? buf : "unknown");
	status_field(s, "NoNewPrivs", buf, sizeof(buf));
	f = scan_add(s->r, &c_nnp, !strcmp(buf, "0") ? SCAN_WARN : SCAN_PASS, TARGET);
	if (!strcmp(buf, "0"))
		scan_detail(f, "setuid binaries in the container can raise privileges");
	return eff;
}

/* AppArmor: "unconfined" or "profile (mode)"; SELinux: "user:role:type:level" */
static void check_mac(const struct self *s)
{
	char cur[256] = "", p[4096], *type;
	struct scan_finding *f;
	bool apparmor = true;

	if (read_line(at(s, "/proc/self/attr/apparmor/current", p, sizeof(p)), cur, sizeof(cur)) &&
	    read_line(at(s, "/proc/self/attr/current", p, sizeof(p)), cur, sizeof(cur)))
		cur[0] = '\0'; /* EINVAL: no LSM answers for the process's label */
	cur[strcspn(cur, "\n")] = '\0';
	if (!cur[0]) {
		f = scan_add(s->r, &c_mac, SCAN_INFO, TARGET);
		scan_detail(f,
			    "no AppArmor or SELinux label: none of them is active on this kernel");
		return;
	}
	if (strchr(cur, ':') && !strchr(cur, '(')) {
		apparmor = false;
		type = strchr(cur, ':');
		type = type ? strchr(type + 1, ':') : NULL;
	}
	if (apparmor) {
		bool unconf = !strcmp(cur, "unconfined") || strstr(cur, "(unconfined)");
		bool complain = strstr(cur, "(complain)") != NULL;

		f = scan_add(s->r, &c_mac,
			     unconf	? SCAN_FAIL
			     : complain ? SCAN_WARN
					: SCAN_PASS,
			     TARGET);
		scan_detail(f, "AppArmor: %s%s", cur,
			    unconf     ? ": mount and /proc/sys writes are not blocked"
			    : complain ? ": violations are only logged"
				       : "");
		return;
	}
	/* container_t and friends are confined; spc_t ("super privileged") and unconfined_t not */
	if (type && (!strncmp(type + 1, "spc_t", 5) || !strncmp(type + 1, "unconfined_t", 12) ||
		     !strncmp(type + 1, "kernel_t", 8)))
		f = scan_add(s->r, &c_mac, SCAN_FAIL, TARGET);
	else
		f = scan_add(s->r, &c_mac, SCAN_PASS, TARGET);
	scan_detail(f, "SELinux: %s", cur);
}

static void check_userns(const struct self *s)
{
	char line[128], p[4096];
	unsigned long long in, out, len;
	bool host;
	struct scan_finding *f;

	if (read_line(at(s, "/proc/self/uid_map", p, sizeof(p)), line, sizeof(line)) ||
	    sscanf(line, "%llu %llu %llu", &in, &out, &len) != 3) {
		scan_add(s->r, &c_userns, SCAN_SKIP, TARGET);
		return;
	}
	host = in == 0 && out == 0 && len == 4294967295ULL;
	f = scan_add(s->r, &c_userns, host ? SCAN_INFO : SCAN_PASS, TARGET);
	scan_detail(f, host ? "uid 0 here is uid 0 on the host" : "uid map '%s'", line);
}

int scan_self_at(const char *root, struct scan_report *r)
{
	struct self s = { .root = root ? root : "", .r = r };

	uint64_t eff = check_caps(&s);

	check_mac(&s);
	check_userns(&s);
	return self_scan_mounts(s.root, eff, r);
}

int scan_self(struct scan_report *r)
{
	return scan_self_at("", r);
}
