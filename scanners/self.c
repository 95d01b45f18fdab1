// SPDX-License-Identifier: GPL-2.0-only
/*
 * `dcea scan self`: run inside a container, report what this process can reach: capabilities
 * against the running kernel's full set, seccomp, runtime sockets, host processes, mounts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "scanners/config.h"
#include "scanners/report.h"
#include "scanners/scan.h"

static int status_field(const char *key, char *out, size_t len)
{
	char line[256];
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -errno;
	out[0] = '\0';
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			snprintf(out, len, "%s", line + klen + 1 + strspn(line + klen + 1, " \t"));
			out[strcspn(out, "\n")] = '\0';
		}
	fclose(f);
	return out[0] ? 0 : -ENOENT;
}

int scan_self(struct scan_report *r)
{
	static const struct scan_check c_caps = { "self.capabilities", SEV_HIGH,
						  "effective capabilities", NULL, NULL };
	static const struct scan_check c_full = { "self.privileged", SEV_CRITICAL,
						  "every capability of the kernel", NULL, NULL };
	static const struct scan_check c_seccomp = { "self.seccomp", SEV_HIGH, "seccomp filter",
						     NULL, NULL };
	static const struct scan_check c_sock = { "self.runtime-socket", SEV_CRITICAL,
						  "container runtime socket reachable", NULL,
						  NULL };
	static const struct scan_check c_pids = { "self.host-pid", SEV_HIGH,
						  "host processes visible", NULL, NULL };
	static const char *const socks[] = { "/var/run/docker.sock", "/run/docker.sock",
					     "/run/containerd/containerd.sock",
					     "/run/podman/podman.sock", "/run/crio/crio.sock" };
	static const char *const dangerous[] = { "SYS_ADMIN",	    "SYS_MODULE", "SYS_PTRACE",
						 "DAC_READ_SEARCH", "SYS_RAWIO",  "BPF",
						 "NET_ADMIN" };
	const char *target = "this container (scan self)";
	char buf[128], line[64];
	uint64_t eff = 0, full;
	struct scan_finding *f;
	int last = 40;
	struct stat st;
	bool any = false;

	if (!status_field("CapEff", buf, sizeof(buf)))
		eff = strtoull(buf, NULL, 16);
	if (!read_line("/proc/sys/kernel/cap_last_cap", line, sizeof(line)))
		last = atoi(line);
	full = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
	f = scan_add(r, &c_full, (eff & full) == full ? SCAN_FAIL : SCAN_PASS, target);
	scan_detail(f, "CapEff %016llx, kernel's full set %016llx", (unsigned long long)eff,
		    (unsigned long long)full);
	f = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(dangerous); i++) {
		int cap = cap_from_name(dangerous[i]);

		if (cap < 0 || !((eff >> cap) & 1))
			continue;
		if (!f)
			f = scan_add(r, &c_caps, SCAN_FAIL, target);
		scan_detail(f, "CAP_%s", dangerous[i]);
	}
	if (!f)
		scan_add(r, &c_caps, SCAN_PASS, target);
	status_field("Seccomp", buf, sizeof(buf));
	f = scan_add(r, &c_seccomp, !strcmp(buf, "0") ? SCAN_FAIL : SCAN_PASS, target);
	scan_detail(f, "Seccomp mode %s (0 none, 1 strict, 2 filter)", buf[0] ? buf : "unknown");
	f = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(socks); i++) {
		if (stat(socks[i], &st) || !S_ISSOCK(st.st_mode))
			continue;
		if (!f)
			f = scan_add(r, &c_sock, SCAN_FAIL, target);
		scan_detail(f, "'%s' is a socket here", socks[i]);
	}
	if (!f)
		scan_add(r, &c_sock, SCAN_PASS, target);
	/* a host pid namespace shows kernel threads: kthreadd is pid 2 there */
	if (!read_line("/proc/2/comm", line, sizeof(line)) && !strcmp(line, "kthreadd"))
		any = true;
	f = scan_add(r, &c_pids, any ? SCAN_FAIL : SCAN_PASS, target);
	if (any)
		scan_detail(f, "kthreadd is visible as pid 2: this is the host's pid namespace");
	return 0;
}
