// SPDX-License-Identifier: GPL-2.0-only
/*
 * `dcea scan runtime`: the container runtimes installed on the host against their escape CVEs.
 * Versions come from the binaries (`runc --version`...) and, for distribution packages, from
 * dpkg: a Debian package whose upstream version looks vulnerable may carry the fix, so without
 * vendor data it is reported unknown, never vulnerable.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "scanners/kernel.h"
#include "scanners/runtime.h"
#include "scanners/scan.h"

static const struct runtime_rule runtime_rules[] = {
	{ "runc",
	  "CVE-2019-5736",
	  SEV_CRITICAL,
	  "a container process overwrites the host runc binary through /proc/self/exe",
	  "https://nvd.nist.gov/vuln/detail/CVE-2019-5736",
	  NULL,
	  { "1.0.0-rc7" },
	  NULL },
	{ "runc",
	  "CVE-2021-30465",
	  SEV_HIGH,
	  "symlink-exchange race in mount destinations bind-mounts the host filesystem",
	  "https://github.com/opencontainers/runc/security/advisories/GHSA-c3xm-pvg7-gh7r",
	  NULL,
	  { "1.0.0-rc95" },
	  NULL },
	{ "runc",
	  "CVE-2023-27561",
	  SEV_HIGH,
	  "a malicious image's /proc symlink redirects runc's AppArmor and sysctl writes",
	  "https://github.com/opencontainers/runc/security/advisories/GHSA-vpvm-3wq2-2wvm",
	  "1.0.0-rc95",
	  { "1.1.5" },
	  NULL },
	{ "runc",
	  "CVE-2024-21626",
	  SEV_CRITICAL,
	  "leaked host cgroup fd: WORKDIR /proc/self/fd/N starts the container in the host's / "
	  "(Leaky "
	  "Vessels)",
	  "https://github.com/opencontainers/runc/security/advisories/GHSA-xr7r-f8xq-vfvv",
	  "1.0.0-rc93",
	  { "1.1.12" },
	  "1.1.5+ds1-1+deb12u1" /* DSA-5615-1 */ },
	{ "runc",
	  "CVE-2025-31133",
	  SEV_HIGH,
	  "/dev/null replaced by a symlink: runc masks a host path writable (procfs writes)",
	  "https://github.com/opencontainers/runc/security/advisories/GHSA-9493-h29p-rfm2",
	  NULL,
	  { "1.2.8", "1.3.3", "1.4.0-rc.3" },
	  NULL },
	{ "runc",
	  "CVE-2025-52565",
	  SEV_HIGH,
	  "/dev/console bind-mount race gives write access to /proc files",
	  "https://github.com/opencontainers/runc/security/advisories/GHSA-qw9x-cqr3-wc7r",
	  NULL,
	  { "1.2.8", "1.3.3", "1.4.0-rc.3" },
	  NULL },
	{ "runc",
	  "CVE-2025-52881",
	  SEV_HIGH,
	  "shared-mount races redirect runc's /proc writes (e.g. /proc/sysrq-trigger) to the host",
	  "https://github.com/opencontainers/runc/security/advisories/GHSA-cgrx-mc8f-2prm",
	  NULL,
	  { "1.2.8", "1.3.3", "1.4.0-rc.3" },
	  NULL },
	{ "containerd",
	  "CVE-2020-15257",
	  SEV_HIGH,
	  "containerd-shim API on an abstract socket reachable from --net=host containers",
	  "https://github.com/containerd/containerd/security/advisories/GHSA-36xw-fx78-c5r4",
	  NULL,
	  { "1.3.9", "1.4.3" },
	  NULL },
	{ "containerd",
	  "CVE-2021-41103",
	  SEV_HIGH,
	  "container root and plugin directories traversable by unprivileged host users",
	  "https://github.com/containerd/containerd/security/advisories/GHSA-c2h3-6mxw-7mvq",
	  NULL,
	  { "1.4.11", "1.5.7" },
	  NULL },
	{ "containerd",
	  "CVE-2022-23648",
	  SEV_HIGH,
	  "CRI image volume path traversal copies any host file into the container",
	  "https://github.com/containerd/containerd/security/advisories/GHSA-crp2-qrr5-8pq7",
	  NULL,
	  { "1.4.13", "1.5.10", "1.6.1" },
	  NULL },
	{ "docker",
	  "CVE-2019-14271",
	  SEV_HIGH,
	  "docker cp loads the container's libnss into a host process",
	  "https://nvd.nist.gov/vuln/detail/CVE-2019-14271",
	  "19.03.0",
	  { "19.03.1" },
	  NULL },
	{ "crio",
	  "CVE-2022-0811",
	  SEV_CRITICAL,
	  "kernel.core_pattern set through pod sysctls runs a program on the host (cr8escape)",
	  "https://www.crowdstrike.com/blog/"
	  "cr8escape-new-vulnerability-discovered-in-cri-o-container-engine-cve-2022-0811/",
	  "1.19.0",
	  { "1.19.6", "1.20.7", "1.21.6", "1.22.3", "1.23.2" },
	  NULL },
};

/* "1.0.0-rc95" -> "1.0.0~rc95": in dpkg order a pre-release sorts before its release */
static void to_dpkg(const char *v, char *out, size_t len)
{
	size_t i;

	if (*v == 'v')
		v++;
	for (i = 0; v[i] && i + 1 < len; i++)
		out[i] = v[i] == '-' ? '~' : v[i];
	out[i] = '\0';
}

static int vercmp(const char *a, const char *b)
{
	char x[128], y[128];

	to_dpkg(a, x, sizeof(x));
	to_dpkg(b, y, sizeof(y));
	return scan_dpkg_vercmp(x, y);
}

static bool same_branch(const char *a, const char *b)
{
	int am = -1, an = -1, bm = -2, bn = -2;

	sscanf(a, "%d.%d", &am, &an);
	sscanf(b, "%d.%d", &bm, &bn);
	return am == bm && an == bn;
}

enum kernel_match runtime_match(const struct runtime_rule *rule, const char *version,
				const char *pkgver, char *why, size_t len)
{
	const char *lowest = NULL;
	char up[128];

	/* the upstream version inside a package version: 1.1.5+ds1 -> 1.1.5 */
	snprintf(up, sizeof(up), "%s", *version == 'v' ? version + 1 : version);
	up[strcspn(up, "+~")] = '\0';
	if (pkgver && rule->debian_fixed) {
		int c = scan_dpkg_vercmp(pkgver, rule->debian_fixed);

		snprintf(why, len, "debian package %s, fixed in %s", pkgver, rule->debian_fixed);
		return c >= 0 ? KM_FIXED : KM_VULNERABLE;
	}
	if (rule->introduced && vercmp(up, rule->introduced) < 0) {
		snprintf(why, len, "introduced in %s, version %s", rule->introduced, up);
		return KM_NOT_AFFECTED;
	}
	for (size_t i = 0; i < ARRAY_SIZE(rule->fixed) && rule->fixed[i]; i++) {
		if (same_branch(up, rule->fixed[i])) {
			bool fixed = vercmp(up, rule->fixed[i]) >= 0;

			snprintf(why, len, "fixed in %s, version %s", rule->fixed[i], up);
			if (fixed)
				return KM_FIXED;
			goto vulnerable;
		}
		if (!lowest || vercmp(rule->fixed[i], lowest) < 0)
			lowest = rule->fixed[i];
	}
	/* no fix in this branch: newer than every fix means fixed, older means never fixed */
	{
		bool newer = true;

		for (size_t i = 0; i < ARRAY_SIZE(rule->fixed) && rule->fixed[i]; i++)
			newer &= vercmp(up, rule->fixed[i]) > 0;
		if (newer) {
			snprintf(why, len, "fixed in %s, version %s", lowest, up);
			return KM_FIXED;
		}
	}
	snprintf(why, len, "no fix in the branch of %s (fixed in %s%s)", up, lowest,
		 rule->fixed[1] ? " and later branches" : "");
vulnerable:
	if (pkgver || strcspn(version, "+~") != strlen(version)) {
		snprintf(why + strlen(why), len - strlen(why),
			 "; unknown (needs vendor data): distribution build %s may carry the fix",
			 pkgver ? pkgver : version);
		return KM_UNKNOWN;
	}
	return KM_VULNERABLE;
}

/* first line of a command's output, or "" */
static void run_line(const char *cmd, char *buf, size_t len)
{
	FILE *p = popen(cmd, "re");

	buf[0] = '\0';
	if (!p)
		return;
	if (!fgets(buf, len, p))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	pclose(p);
}

/* the word after "version" ("runc version 1.1.5", "Docker version 20.10.24+dfsg1, build") */
static void word_after(const char *line, const char *key, char *out, size_t len)
{
	const char *p = strstr(line, key);

	out[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	p += strspn(p, " :");
	snprintf(out, len, "%.*s", (int)strcspn(p, " ,\t"), p);
}

static const struct component {
	const char *name;
	const char *cmd;
	const char *key; /* the version follows it; NULL: third word */
	const char *deb; /* Debian package */
} components[] = {
	{ "runc", "runc --version 2>/dev/null", "version", "runc" },
	{ "containerd", "containerd --version 2>/dev/null", NULL, "containerd" },
	{ "docker", "dockerd --version 2>/dev/null", "version", "docker.io" },
	{ "crio", "crio --version 2>/dev/null | grep -i '^version'", "ersion", "cri-o" },
	{ "podman", "podman --version 2>/dev/null", "version", "podman" },
	{ "crun", "crun --version 2>/dev/null", "version", "crun" },
};

static void scan_one(struct scan_report *r, const char *name, const char *version,
		     const char *pkgver)
{
	char target[256], id[64], why[512];
	bool any = false;

	snprintf(target, sizeof(target), "%s %s%s%s", name, version, pkgver ? ", package " : "",
		 pkgver ? pkgver : "");
	for (size_t i = 0; i < ARRAY_SIZE(runtime_rules); i++) {
		const struct runtime_rule *rule = &runtime_rules[i];
		enum kernel_match m;
		struct scan_finding *f;

		if (strcmp(rule->component, name))
			continue;
		any = true;
		m = runtime_match(rule, version, pkgver, why, sizeof(why));
		snprintf(id, sizeof(id), "runtime.%s", rule->cve);
		f = scan_add_raw(r, id, rule->severity, rule->cve, rule->reference,
				 m == KM_VULNERABLE ? SCAN_FAIL
				 : m == KM_UNKNOWN  ? SCAN_INFO
						    : SCAN_PASS,
				 target);
		scan_detail(f, "%s: %s", kernel_match_name(m), why);
		if (m == KM_VULNERABLE || m == KM_UNKNOWN)
			scan_detail(f, "escape: %s", rule->escape);
	}
	if (!any) {
		struct scan_finding *f = scan_add_raw(r, "runtime.version", SEV_INFO,
						      "runtime found", NULL, SCAN_INFO, target);
		scan_detail(f, "no escape CVE on file for %s", name);
	}
}

int scan_runtime(const struct runtime_scan_opts *o, struct scan_report *r)
{
	if (o->only_given) {
		for (size_t i = 0; i < ARRAY_SIZE(o->versions) && o->versions[i]; i++) {
			char name[64];
			const char *eq = strchr(o->versions[i], '=');

			snprintf(name, sizeof(name), "%.*s", (int)(eq - o->versions[i]),
				 o->versions[i]);
			scan_one(r, name, eq + 1, NULL);
		}
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(components); i++) {
		const struct component *c = &components[i];
		char line[512], ver[128], pkg[128], cmd[256];

		run_line(c->cmd, line, sizeof(line));
		if (!line[0])
			continue;
		if (c->key) {
			word_after(line, c->key, ver, sizeof(ver));
		} else if (sscanf(line, "%*s %*s %127s", ver) != 1) {
			ver[0] = '\0';
		}
		if (!ver[0] || !isdigit((unsigned char)ver[ver[0] == 'v'])) {
			log_warn("cannot read the version of %s from '%s', ignoring", c->name,
				 line);
			continue;
		}
		snprintf(cmd, sizeof(cmd), "dpkg-query -W -f='${Version}' %s 2>/dev/null", c->deb);
		run_line(cmd, pkg, sizeof(pkg));
		/* only when the installed binary is that package's (same upstream version) */
		if (pkg[0] && strncmp(pkg, ver, strcspn(ver, "+~")))
			pkg[0] = '\0';
		scan_one(r, c->name, ver, pkg[0] ? pkg : NULL);
	}
	return 0;
}
