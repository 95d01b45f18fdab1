// SPDX-License-Identifier: GPL-2.0-only
/*
 * Debian and Ubuntu kernels judged by their vendor's advisories: the OSV records osv.dev exports
 * for the kernel's source package (DEBIAN-CVE-*, from Debian's security tracker; UBUNTU-CVE-*,
 * from Ubuntu's CVE tracker), installed by `dcea db update`. A record names the first fixed
 * package version of each release, so it answers for a kernel whose package version is known
 * even where upstream numbers cannot (backports). Nothing here reads a file.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "scanners/kernel.h"
#include "scanners/osv.h"

/* The release whose own kernel branch this is: its source package is "linux". */
static const struct {
	const char *branch, *release;
} debian_branches[] = {
	{ "3.16", "8" },  { "4.9", "9" },  { "4.19", "10" },
	{ "5.10", "11" }, { "6.1", "12" }, { "6.12", "13" },
};

/* Ubuntu's "linux" of each release, by kernel branch; LTS releases are "Ubuntu:X:LTS" in OSV. */
static const struct {
	const char *branch, *release;
} ubuntu_branches[] = {
	{ "4.4", "16.04" },  { "4.15", "18.04" }, { "5.4", "20.04" },  { "5.8", "20.10" },
	{ "5.11", "21.04" }, { "5.13", "21.10" }, { "5.15", "22.04" }, { "5.19", "22.10" },
	{ "6.2", "23.04" },  { "6.5", "23.10" },  { "6.8", "24.04" },  { "6.11", "24.10" },
	{ "6.14", "25.04" }, { "6.17", "25.10" },
};

/* "6.1" of a version string "6.1.76-1", or "" */
static void branch_of(const char *ver, char *buf, size_t size)
{
	int a, b;

	if (sscanf(ver, "%d.%d", &a, &b) == 2)
		snprintf(buf, size, "%d.%d", a, b);
	else
		buf[0] = '\0';
}

static int debian_key(const struct kernel_target *t, struct kernel_advisory_key *k)
{
	char br[16];
	const char *p;
	int rel = 0;

	if (!t->pkgver[0]) {
		snprintf(k->why, sizeof(k->why),
			 "the package version of Debian kernel %s is not known (its /proc/version "
			 "names it: pass --proc-version)",
			 t->release);
		return -ENOENT;
	}
	if (strstr(t->pkgver, "~bpo")) {
		snprintf(k->why, sizeof(k->why),
			 "%s is a backports build: the security tracker does not follow backports",
			 t->pkgver);
		return -ENOENT;
	}
	branch_of(t->pkgver, br, sizeof(br));
	snprintf(k->version, sizeof(k->version), "%s", t->pkgver);
	snprintf(k->package, sizeof(k->package), "linux");
	/* "+deb12u1": a stable update of release 12; "~deb11u1": a newer branch built for 11,
	 * a source package of its own there (linux-6.1 in bullseye, linux-5.10 in buster) */
	if ((p = strstr(t->pkgver, "deb")) && p > t->pkgver && (p[-1] == '+' || p[-1] == '~') &&
	    sscanf(p + 3, "%d", &rel) == 1) {
		snprintf(k->ecosystem, sizeof(k->ecosystem), "Debian:%d", rel);
		for (size_t i = 0; p[-1] == '~' && i < ARRAY_SIZE(debian_branches); i++)
			if (!strcmp(debian_branches[i].branch, br) &&
			    atoi(debian_branches[i].release) != rel)
				snprintf(k->package, sizeof(k->package), "linux-%s", br);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(debian_branches); i++)
		if (!strcmp(debian_branches[i].branch, br)) {
			snprintf(k->ecosystem, sizeof(k->ecosystem), "Debian:%s",
				 debian_branches[i].release);
			return 0;
		}
	snprintf(k->why, sizeof(k->why), "no Debian release ships the %s kernel branch", br);
	return -ENOENT;
}

/*
 * Ubuntu: "5.15.0-91.101-generic" (the signature) or "5.15.0-91-generic" and "#101-Ubuntu" (the
 * release and /proc/version). An HWE build ("~20.04.1") belongs to that release and its source is
 * linux-hwe-X.Y; a flavour other than generic has its own source (linux-aws, linux-azure ...).
 */
static int ubuntu_key(const struct kernel_target *t, struct kernel_advisory_key *k)
{
	char ver[128] = "", flav[32] = "", hwe[32] = "", br[16];
	const char *dash, *hash;
	int abi, upload;

	if (!strncmp(t->signature, "Ubuntu ", 7) && sscanf(t->signature + 7, "%127s", ver) == 1) {
		for (dash = strchr(ver, '-'); dash && !isalpha((unsigned char)dash[1]);)
			dash = strchr(dash + 1, '-');
		if (dash) {
			snprintf(flav, sizeof(flav), "%s", dash + 1);
			ver[dash - ver] = '\0';
		}
	} else {
		struct kver rel;
		int n = 0;

		if (sscanf(t->release, "%d.%d.%d-%d-%n", &rel.major, &rel.minor, &rel.patch, &abi,
			   &n) < 4 ||
		    !n) {
			snprintf(k->why, sizeof(k->why), "cannot read an Ubuntu ABI in '%s'",
				 t->release);
			return -ENOENT;
		}
		snprintf(flav, sizeof(flav), "%s", t->release + n);
		hash = strchr(t->proc_version, '#');
		if (hash && strstr(hash, "-Ubuntu") && sscanf(hash + 1, "%d", &upload) == 1) {
			snprintf(ver, sizeof(ver), "%d.%d.%d-%d.%d", rel.major, rel.minor,
				 rel.patch, abi, upload);
			if (sscanf(hash + 1, "%*d%31[~0-9.]", hwe) == 1 && hwe[0] == '~')
				strncat(ver, hwe, sizeof(ver) - strlen(ver) - 1);
		} else {
			snprintf(ver, sizeof(ver), "%d.%d.%d-%d", rel.major, rel.minor, rel.patch,
				 abi);
			k->partial = true;
		}
	}
	snprintf(k->version, sizeof(k->version), "%s", ver);
	branch_of(ver, br, sizeof(br));
	if (!strncmp(flav, "generic", 7) || !flav[0])
		flav[0] = '\0'; /* generic, generic-64k, generic-lpae: built from linux */
	else if (!strncmp(flav, "lowlatency", 10))
		snprintf(flav, sizeof(flav), "lowlatency");
	hash = strchr(ver, '~');
	if (hash) {
		char series[16];

		/* "~22.04.1": built for 22.04 from linux-hwe-X.Y, linux-lowlatency-hwe-X.Y or
		 * linux-<flavour>-X.Y */
		if (sscanf(hash + 1, "%15[0-9.]", series) != 1 || strlen(series) < 5) {
			snprintf(k->why, sizeof(k->why), "cannot read the Ubuntu release in '%s'",
				 ver);
			return -ENOENT;
		}
		series[5] = '\0';
		snprintf(k->ecosystem, sizeof(k->ecosystem), "Ubuntu:%s", series);
		snprintf(k->package, sizeof(k->package), "linux-%s%s%s", flav[0] ? flav : "hwe",
			 !strcmp(flav, "lowlatency") ? "-hwe-" : "-", br);
		return 0;
	}
	/* lowlatency has a source of its own from 22.04 (5.15) on */
	if (!strcmp(flav, "lowlatency") && strverscmp(br, "5.15") < 0)
		flav[0] = '\0';
	snprintf(k->package, sizeof(k->package), "linux%s%s", flav[0] ? "-" : "", flav);
	for (size_t i = 0; i < ARRAY_SIZE(ubuntu_branches); i++)
		if (!strcmp(ubuntu_branches[i].branch, br)) {
			snprintf(k->ecosystem, sizeof(k->ecosystem), "Ubuntu:%s",
				 ubuntu_branches[i].release);
			return 0;
		}
	snprintf(k->why, sizeof(k->why), "no Ubuntu release ships the %s kernel branch", br);
	return -ENOENT;
}

int kernel_advisory_key(const struct kernel_target *t, struct kernel_advisory_key *k)
{
	memset(k, 0, sizeof(*k));
	if (t->flavor == KF_DEBIAN)
		return debian_key(t, k);
	if (t->flavor == KF_UBUNTU)
		return ubuntu_key(t, k);
	snprintf(k->why, sizeof(k->why), "only Debian and Ubuntu advisories are read");
	return -ENOENT;
}

/* "5.15.0-97" of "5.15.0-97.107" or "5.15.0-97.107~20.04.1" */
static void abi_of(const char *ver, char *buf, size_t size)
{
	char *dot, *dash;

	snprintf(buf, size, "%s", ver);
	buf[strcspn(buf, "~")] = '\0';
	dash = strchr(buf, '-');
	dot = strrchr(buf, '.');
	if (dash && dot && dot > dash)
		*dot = '\0';
}

enum kernel_match kernel_advisory_match(const struct kernel_rule *r, const struct kernel_target *t,
					char *why, size_t len, char *by, size_t bylen)
{
	const struct kernel_advisory_key *k = &t->adv;
	struct osv_judgement j;
	char abi[128];

	by[0] = '\0';
	if (!t->advisories || !k->ecosystem[0] || !k->version[0])
		return KM_UNKNOWN;
	osv_db_judge(t->advisories, k->ecosystem, k->package, k->version, VER_DPKG, r->id, &j);
	if (!j.vuln)
		return KM_UNKNOWN;
	snprintf(by, bylen, "%s, %s", j.vuln->id, j.ecosystem);
	if (!j.affected) {
		if (!j.fixed) {
			snprintf(why, len, "%s says %s %s is not affected", j.ecosystem, k->package,
				 k->version);
			return KM_NOT_AFFECTED;
		}
		snprintf(why, len, "%s package %s %s, fixed in %s", j.ecosystem, k->package,
			 k->version, j.fixed);
		return KM_FIXED;
	}
	if (!j.fixed) {
		snprintf(why, len, "%s package %s %s: no fix available in %s", j.ecosystem,
			 k->package, k->version, j.ecosystem);
		return KM_VULNERABLE;
	}
	abi_of(j.fixed, abi, sizeof(abi));
	if (k->partial && !strcmp(abi, k->version)) {
		snprintf(why, len,
			 "%s fixed it in %s; the upload of ABI %s is not known (pass "
			 "--proc-version or --signature)",
			 j.ecosystem, j.fixed, k->version);
		return KM_UNKNOWN;
	}
	snprintf(why, len, "%s package %s %s, fixed in %s", j.ecosystem, k->package, k->version,
		 j.fixed);
	return KM_VULNERABLE;
}
