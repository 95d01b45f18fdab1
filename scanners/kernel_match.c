// SPDX-License-Identifier: GPL-2.0-only
/*
 * Matching a kernel against one rule, on its stable branch and, for distribution kernels, on the
 * vendor's package version. A distribution kernel's X.Y.Z is not an upstream patch level (Debian
 * 6.1.0-18, Ubuntu 5.15.0-91, RHEL 4.18.0-513): where the rule file has no vendor data, a kernel
 * that upstream numbers would call vulnerable is reported as unknown, never as vulnerable (the
 * false positives of linux-exploit-suggester).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "scanners/kernel.h"
#include "scanners/version.h"

/* "X.Y" or "X.Y.Z" and nothing else; a leading 'v' is accepted. */
int kver_parse(const char *s, struct kver *v)
{
	int n = 0, len = 0;

	if (*s == 'v')
		s++;
	memset(v, 0, sizeof(*v));
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	n = sscanf(s, "%d.%d%n.%d%n", &v->major, &v->minor, &len, &v->patch, &len);
	if (n < 2 || s[len] || v->major < 0 || v->minor < 0 || v->patch < 0)
		return -EINVAL;
	if (n == 2)
		v->patch = 0;
	return 0;
}

/* The X.Y[.Z] at the start of a release string; returns the rest, or NULL when there is none. */
static const char *kver_prefix(const char *s, struct kver *v)
{
	char *end;
	long x[3] = { 0, 0, 0 };
	int i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)*s))
			break;
		x[i] = strtol(s, &end, 10);
		s = end;
		if (*s != '.' || i == 2 || !isdigit((unsigned char)s[1]))
			break;
		s++;
	}
	if (i < 1)
		return NULL;
	v->major = x[0];
	v->minor = x[1];
	v->patch = x[2];
	return s;
}

int kver_cmp(const struct kver *a, const struct kver *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	return 0;
}

/* Debian package versions: the one dpkg ordering of scanners/version.c, as -1, 0 or 1. */
int scan_dpkg_vercmp(const char *a, const char *b)
{
	int c = dpkg_version_cmp(a, b);

	return c < 0 ? -1 : c > 0;
}

const char *kernel_flavor_name(enum kernel_flavor f)
{
	static const char *const names[] = { "upstream", "debian", "ubuntu", "rhel",
					     "distribution" };

	return names[f];
}

static bool word_in(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (strstr(s, *words))
			return true;
	return false;
}

void kernel_target_init(struct kernel_target *t, const char *release, const char *proc_version,
			const char *signature)
{
	static const char *const ubuntu_flavors[] = { "-generic", "-lowlatency", "-aws", "-azure",
						      "-gcp",	  "-gke",	 "-kvm", "-oracle",
						      "-oem",	  "-raspi",	 "-ibm", "-nvidia",
						      NULL };
	static const char *const debian_arches[] = { "amd64",	"arm64", "686",	 "armmp",
						     "ppc64",	"s390x", "mips", "loong64",
						     "riscv64", NULL };
	static const char *const distro_marks[] = { ".fc",     ".amzn", "-arch", "-default", ".mga",
						    "-gentoo", ".azl",	".cm2",	 NULL };
	const char *rest, *p;
	struct kver rel;

	memset(t, 0, sizeof(*t));
	snprintf(t->release, sizeof(t->release), "%s", release ? release : "");
	snprintf(t->proc_version, sizeof(t->proc_version), "%s", proc_version ? proc_version : "");
	snprintf(t->signature, sizeof(t->signature), "%s", signature ? signature : "");
	rest = kver_prefix(t->release, &rel);
	if (!rest)
		return;
	t->branch = (struct kver){ rel.major, rel.minor, 0 };

	/* Ubuntu: "Ubuntu 5.15.0-91.101-generic 5.15.131" names the package and its upstream base
	 */
	if (!strncmp(t->signature, "Ubuntu ", 7)) {
		char pkg[128], up[64];

		t->flavor = KF_UBUNTU;
		if (sscanf(t->signature + 7, "%127s %63s", pkg, up) == 2) {
			char *dash = strrchr(pkg, '-');

			if (dash && isalpha((unsigned char)dash[1]))
				*dash = '\0';
			/* an HWE build (5.13.0-35.40~20.04.1) is the same source as 5.13.0-35.40 */
			pkg[strcspn(pkg, "~")] = '\0';
			snprintf(t->pkgver, sizeof(t->pkgver), "%s", pkg);
			t->upstream_known = kver_parse(up, &t->upstream) == 0;
		}
		return;
	}
	if (strstr(t->proc_version, "-Ubuntu") || word_in(rest, ubuntu_flavors)) {
		const char *hash = strchr(t->proc_version, '#');
		int abi = 0, upload = 0;

		t->flavor = KF_UBUNTU;
		if (sscanf(rest, "-%d", &abi) == 1) {
			/* "#101-Ubuntu SMP" or "#101~20.04.1-Ubuntu": the upload number */
			if (hash && sscanf(hash + 1, "%d", &upload) == 1 && strstr(hash, "Ubuntu"))
				snprintf(t->pkgver, sizeof(t->pkgver), "%d.%d.%d-%d.%d", rel.major,
					 rel.minor, rel.patch, abi, upload);
			else {
				snprintf(t->pkgver, sizeof(t->pkgver), "%d.%d.%d-%d", rel.major,
					 rel.minor, rel.patch, abi);
				t->pkgver_partial = true;
			}
		}
		return;
	}
	/* Debian: "... #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)" */
	p = strstr(t->proc_version, " Debian ");
	if (p && isdigit((unsigned char)p[8])) {
		char pkg[128];

		t->flavor = KF_DEBIAN;
		if (sscanf(p + 8, "%127[^ ]", pkg) == 1) {
			snprintf(t->pkgver, sizeof(t->pkgver), "%s", pkg);
			t->upstream_known = kver_prefix(pkg, &t->upstream) != NULL;
		}
		return;
	}
	if (rel.patch == 0 && rest[0] == '-' && isdigit((unsigned char)rest[1]) &&
	    word_in(rest, debian_arches)) {
		t->flavor = KF_DEBIAN; /* 6.1.0-18-amd64: the package version is not in the name */
		return;
	}
	p = strstr(rest, ".el");
	if (p && isdigit((unsigned char)p[3])) {
		t->flavor = KF_RHEL;
		snprintf(t->pkgver, sizeof(t->pkgver), "%s", t->release);
		return;
	}
	t->flavor = word_in(rest, distro_marks) ? KF_DISTRO : KF_UPSTREAM;
	/* "6.8.0-rc3": a release candidate of 6.8 comes before 6.8.0 and after every 6.7.y */
	if (!strncmp(rest, "-rc", 3))
		return;
	t->upstream = rel;
	t->upstream_known = true;
}

const char *kernel_match_name(enum kernel_match m)
{
	static const char *const names[] = { "not affected", "fixed", "vulnerable", "unknown" };

	return names[m];
}

static const char *flavor_distro(enum kernel_flavor f)
{
	return f == KF_DEBIAN ? "debian" : f == KF_UBUNTU ? "ubuntu" : NULL;
}

static const struct kernel_vendor_fix *vendor_fix(const struct kernel_rule *r, const char *distro,
						  const struct kver *branch)
{
	for (size_t i = 0; distro && i < r->nvendor; i++) {
		struct kver b;

		if (strcmp(r->vendor[i].distro, distro) || kver_parse(r->vendor[i].branch, &b))
			continue;
		if (b.major == branch->major && b.minor == branch->minor)
			return &r->vendor[i];
	}
	return NULL;
}

static enum kernel_match match_vendor(const struct kernel_vendor_fix *v,
				      const struct kernel_target *t, char *why, size_t len)
{
	char abi[128];
	char *dot;
	int c;

	if (v->not_affected) {
		snprintf(why, len, "%s says its %s kernels are not affected", v->distro, v->branch);
		return KM_NOT_AFFECTED;
	}
	if (!t->pkgver[0]) {
		snprintf(why, len,
			 "%s fixed it in %s; the package version of %s is not known "
			 "(pass --proc-version)",
			 v->distro, v->fixed, t->release);
		return KM_UNKNOWN;
	}
	if (t->pkgver_partial) {
		/* only the ABI is known ("5.15.0-91"): compare it with the fixed package's ABI */
		snprintf(abi, sizeof(abi), "%s", v->fixed);
		dot = strrchr(abi, '.');
		if (dot && strchr(abi, '-') && dot > strchr(abi, '-'))
			*dot = '\0';
		c = scan_dpkg_vercmp(t->pkgver, abi);
		if (!c) {
			snprintf(why, len,
				 "%s fixed it in %s; the upload of ABI %s is not known "
				 "(pass --proc-version)",
				 v->distro, v->fixed, t->pkgver);
			return KM_UNKNOWN;
		}
	} else {
		c = scan_dpkg_vercmp(t->pkgver, v->fixed);
	}
	snprintf(why, len, "%s package %s, fixed in %s", v->distro, t->pkgver, v->fixed);
	return c >= 0 ? KM_FIXED : KM_VULNERABLE;
}

static const struct kernel_eol *branch_eol(const struct kernel_rules *rules, const struct kver *b)
{
	for (size_t i = 0; rules && i < rules->neol; i++)
		if (rules->eol[i].branch.major == b->major &&
		    rules->eol[i].branch.minor == b->minor)
			return &rules->eol[i];
	return NULL;
}

const char *kernel_source_name(enum kernel_source s)
{
	static const char *const names[] = { "kernel-rules", "vendor-rules", "changelog", "none",
					     "vendor-advisory" };

	return names[s];
}

static enum kernel_match match(const struct kernel_rules *rules, const struct kernel_rule *r,
			       const struct kernel_target *t, char *why, size_t len,
			       enum kernel_source *src)
{
	const struct kernel_changelog *cl = t->changelog;
	const char *distro = flavor_distro(t->flavor);
	const struct kernel_vendor_fix *v;
	struct kver vb = t->branch, base, intro;
	const struct kver *s = NULL;
	const struct kernel_eol *e;

	if (!t->branch.major) {
		snprintf(why, len, "cannot read a version in release '%s'", t->release);
		return KM_UNKNOWN;
	}
	if (r->vendor_only && (!distro || strcmp(distro, r->vendor_only))) {
		snprintf(why, len, "only %s kernels carry the bug", r->vendor_only);
		return KM_NOT_AFFECTED;
	}
	if (cl && kernel_changelog_names(cl, r->id)) {
		snprintf(why, len, "the changelog of %s names %s (%s)", cl->top[0] ? cl->top : "?",
			 r->id, cl->source);
		*src = KS_CHANGELOG;
		return KM_FIXED;
	}
	/* the vendor's branch is the one of its package (a 5.10 backport on an older release) */
	if (t->upstream_known)
		vb = (struct kver){ t->upstream.major, t->upstream.minor, 0 };
	v = vendor_fix(r, distro, &vb);
	if (v) {
		*src = KS_VENDOR;
		return match_vendor(v, t, why, len);
	}
	if (r->vendor_only) {
		snprintf(why, len, "unknown (needs vendor data): no %s data for the %d.%d branch",
			 r->vendor_only, vb.major, vb.minor);
		return KM_UNKNOWN;
	}
	/*
	 * Branch-level answers hold without the patch level. RHEL backports features into old
	 * branches, so only "fixed in an older mainline" is trusted there.
	 */
	for (size_t i = 0; i < r->nstable; i++)
		if (r->stable[i].major == vb.major && r->stable[i].minor == vb.minor)
			s = &r->stable[i];
	intro = (struct kver){ r->introduced.major, r->introduced.minor, 0 };
	/*
	 * A stable fix on a branch older than 'introduced' means the bug was backported there
	 * (CVE-2024-26581: brought by 6.5, fixed in 5.10.210): 'introduced' says nothing then.
	 */
	if (t->flavor != KF_RHEL && r->introduced.major && !s && kver_cmp(&vb, &intro) < 0) {
		snprintf(why, len, "introduced in %d.%d, kernel branch is %d.%d",
			 r->introduced.major, r->introduced.minor, vb.major, vb.minor);
		return KM_NOT_AFFECTED;
	}
	if (r->fixed.major && kver_cmp(&vb, &r->fixed) >= 0 &&
	    (t->upstream_known || kver_cmp(&vb, &r->fixed) > 0 || t->flavor != KF_UPSTREAM)) {
		snprintf(why, len, "fixed in mainline %d.%d, kernel branch is %d.%d",
			 r->fixed.major, r->fixed.minor, vb.major, vb.minor);
		return KM_FIXED;
	}
	if (!t->upstream_known) {
		if (t->flavor == KF_UPSTREAM)
			snprintf(why, len, "release candidate of %d.%d: unknown", vb.major,
				 vb.minor);
		else
			snprintf(why, len,
				 "unknown (needs vendor data): %s kernel %s does not "
				 "carry an upstream patch level",
				 kernel_flavor_name(t->flavor), t->release);
		return KM_UNKNOWN;
	}
	base = t->upstream;
	if (s && kver_cmp(&base, s) >= 0) {
		snprintf(why, len, "fixed in %d.%d.%d, kernel is %d.%d.%d", s->major, s->minor,
			 s->patch, base.major, base.minor, base.patch);
		return KM_FIXED;
	}
	/*
	 * Debian's changelog names the CVE of every fix it carries, cherry-picked or merged with a
	 * stable release; a kernel whose upstream base (from that changelog) predates the fix and
	 * whose changelog does not name it has not got it.
	 */
	if (t->flavor != KF_UPSTREAM && cl && !strcmp(cl->kind, "debian") &&
	    kernel_changelog_base(cl, &base) &&
	    (s || !r->fixed.major || kver_cmp(&base, &r->fixed) < 0)) {
		char fix[40] = "";

		if (s)
			snprintf(fix, sizeof(fix), " in %d.%d.%d", s->major, s->minor, s->patch);
		snprintf(why, len,
			 "the changelog of %s does not name %s, and its upstream base %d.%d.%d "
			 "predates the fix%s",
			 cl->top[0] ? cl->top : "?", r->id, base.major, base.minor, base.patch,
			 fix);
		*src = KS_CHANGELOG;
		return KM_VULNERABLE;
	}
	if (t->flavor != KF_UPSTREAM) {
		snprintf(why, len,
			 "unknown (needs vendor data): %s kernel based on %d.%d.%d, "
			 "upstream fixed it in %s; the vendor may have backported the fix",
			 kernel_flavor_name(t->flavor), base.major, base.minor, base.patch,
			 s ? "a later stable release" : "no release of this branch");
		return KM_UNKNOWN;
	}
	if (s) {
		snprintf(why, len, "fixed in %d.%d.%d, kernel is %d.%d.%d", s->major, s->minor,
			 s->patch, base.major, base.minor, base.patch);
		return KM_VULNERABLE;
	}
	e = branch_eol(rules, &base);
	if (!r->fixed.major) {
		snprintf(why, len, "no upstream fix for the %d.%d branch", base.major, base.minor);
		return KM_VULNERABLE;
	}
	if (e && r->date && strcmp(e->last, r->date) < 0) {
		snprintf(why, len,
			 "the %d.%d branch ended (%s) before the fix (%s, mainline %d.%d)",
			 base.major, base.minor, e->last, r->date, r->fixed.major, r->fixed.minor);
		return KM_VULNERABLE;
	}
	snprintf(why, len,
		 "unknown: no stable data for the %d.%d branch (mainline fixed it in %d.%d)",
		 base.major, base.minor, r->fixed.major, r->fixed.minor);
	return KM_UNKNOWN;
}

/*
 * The kernel package's own changelog decides first when it answers; then the vendor's advisory
 * (an OSV record for the kernel's source package in its release), which knows the vendor's
 * backports; then the rule file. A vendor_only rule on another vendor's kernel stays not
 * affected. An advisory that covers the CVE but cannot place the kernel (only the Ubuntu ABI
 * known) gives its reason where the rules know nothing either.
 */
enum kernel_match kernel_match_by(const struct kernel_rules *rules, const struct kernel_rule *r,
				  const struct kernel_target *t, char *why, size_t len,
				  enum kernel_source *src, char *by, size_t bylen)
{
	enum kernel_source s = KS_RULES;
	enum kernel_match m = match(rules, r, t, why, len, &s), am;
	char awhy[512], aby[160];

	if (by && bylen)
		by[0] = '\0';
	if (t->advisories && !(s == KS_CHANGELOG && m != KM_UNKNOWN) &&
	    !(r->vendor_only && m == KM_NOT_AFFECTED)) {
		am = kernel_advisory_match(r, t, awhy, sizeof(awhy), aby, sizeof(aby));
		if (aby[0] && (am != KM_UNKNOWN || m == KM_UNKNOWN)) {
			m = am;
			s = KS_ADVISORY;
			snprintf(why, len, "%s", awhy);
			if (by && bylen)
				snprintf(by, bylen, "%s", aby);
		}
	}
	if (src)
		*src = m == KM_UNKNOWN ? KS_NONE : s;
	return m;
}

enum kernel_match kernel_match_src(const struct kernel_rules *rules, const struct kernel_rule *r,
				   const struct kernel_target *t, char *why, size_t len,
				   enum kernel_source *src)
{
	return kernel_match_by(rules, r, t, why, len, src, NULL, 0);
}

enum kernel_match kernel_match(const struct kernel_rules *rules, const struct kernel_rule *r,
			       const struct kernel_target *t, char *why, size_t len)
{
	return kernel_match_src(rules, r, t, why, len, NULL);
}
