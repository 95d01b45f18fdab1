/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `dcea scan kernel`: the kernel CVE rule file (scanners/kernel_rules.yaml, documented in
 * docs/SCANNERS.md), what is known about the kernel being scanned, and the pure matching step
 * between the two, kept apart so tests drive it with any release string.
 */
#ifndef DCEA_SCANNERS_KERNEL_H
#define DCEA_SCANNERS_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "scanners/report.h"

/* A kernel version X.Y.Z; Z is 0 for a mainline release. */
struct kver {
	int major, minor, patch;
};

/* One vendor's first fixed package for one kernel branch ("debian", "5.10", "5.10.92-2"). */
struct kernel_vendor_fix {
	char *distro;
	char *branch;
	char *fixed;	   /* package version, NULL when not_affected */
	bool not_affected; /* the vendor says this branch never had the bug */
};

struct kernel_rule {
	char *id;     /* CVE-2022-0847 */
	char *name;   /* Dirty Pipe */
	char *escape; /* how it is used to leave a container */
	char *reference;
	char *source; /* where the versions come from (a CVE record, by hand), for the reports */
	enum dcea_severity severity;
	struct kver introduced; /* mainline release that brought the bug; 0.0.0: always there */
	struct kver fixed;	/* first mainline release with the fix; 0.0.0: none */
	struct kver *stable;	/* first fixed release of each stable branch */
	size_t nstable;
	struct kernel_vendor_fix *vendor;
	size_t nvendor;
	char *vendor_only; /* "ubuntu": the bug is in that vendor's patches only */
	/* preconditions */
	bool userns;	 /* needs capabilities in a user namespace (or granted ones) */
	bool unpriv_bpf; /* needs unprivileged bpf() */
	bool cgroup_v1;	 /* needs a cgroup v1 hierarchy */
	char **caps;	 /* capabilities the exploit needs, "CAP_NET_ADMIN" */
	size_t ncaps;
	char **config; /* the code is there when any of these is y or m */
	size_t nconfig;
	char *date;    /* YYYY-MM of the mainline fix */
	int line, col; /* where the rule starts in the file */
};

/* A stable branch that is no longer maintained, and the month of its last release. */
struct kernel_eol {
	struct kver branch;
	char last[8]; /* YYYY-MM */
};

struct kernel_rules {
	struct kernel_rule *v;
	size_t n;
	struct kernel_eol *eol;
	size_t neol;
};

/*
 * Parse a rule file held in buf (name used in messages). On error returns -EINVAL and writes
 * "FILE:LINE:COL: message" into err (lines and columns from 1).
 */
int kernel_rules_parse(const char *name, const char *buf, size_t len, struct kernel_rules *rules,
		       char *err, size_t errlen);
/* The rule file built into dcea (scanners/kernel_rules.yaml at build time). */
int kernel_rules_builtin(struct kernel_rules *rules, char *err, size_t errlen);
void kernel_rules_free(struct kernel_rules *rules);

enum kernel_flavor {
	KF_UPSTREAM, /* a mainline or stable build: its X.Y.Z is the truth */
	KF_DEBIAN,
	KF_UBUNTU,
	KF_RHEL,   /* and its rebuilds: everything backported, X.Y.Z says nothing */
	KF_DISTRO, /* another distribution's build of a real X.Y.Z (Fedora, Arch, SUSE...) */
};

/*
 * The kernel package's own changelog (scanners/kernel_changelog.c): the CVEs its uploads name
 * and, for Debian, the upstream stable releases merged.
 */
struct kernel_changelog {
	char source[512]; /* the file, or the rpm command */
	char kind[8];	  /* "debian" (Debian and Ubuntu) or "rpm" */
	char top[128];	  /* the newest upload that counts */
	char **cves;
	size_t ncves;
	struct kver *bases; /* newest ChangeLog-X.Y.Z of each branch */
	size_t nbases;
};

/*
 * Parse changelog text. upto: the kernel's package version; Debian entries after it are left
 * out (NULL or "": all). Returns 0 or -ENOMEM.
 */
int kernel_changelog_parse(const char *text, const char *upto, struct kernel_changelog *cl);
void kernel_changelog_free(struct kernel_changelog *cl);
bool kernel_changelog_names(const struct kernel_changelog *cl, const char *cve);
/* The newest upstream stable release of branch b merged, or NULL */
const struct kver *kernel_changelog_base(const struct kernel_changelog *cl, const struct kver *b);

struct osv_db;

/*
 * Which vendor advisories judge a kernel (scanners/kernel_advisory.c): the OSV ecosystem of its
 * distribution release and its source package, as osv.dev's Debian and Ubuntu exports name them.
 */
struct kernel_advisory_key {
	char ecosystem[32]; /* "Debian:12", "Ubuntu:22.04"; "" when there is none */
	char package[64];   /* "linux", "linux-6.1" (Debian 11), "linux-hwe-6.5", "linux-aws" */
	char version[128];  /* its package version, "" when not known */
	bool partial;	    /* Ubuntu: only the ABI ("5.15.0-91"), not the upload */
	char why[320];	    /* no ecosystem or version: why */
};

/* What is known of the kernel under scan; kernel_target_init() derives the rest. */
struct kernel_target {
	char release[128];	/* uname -r */
	char proc_version[512]; /* /proc/version, may be empty */
	char signature[128];	/* /proc/version_signature (Ubuntu), may be empty */
	/* derived */
	enum kernel_flavor flavor;
	struct kver branch;   /* X.Y from the release */
	struct kver upstream; /* the upstream release the build is based on */
	bool upstream_known;
	char pkgver[128];			  /* vendor package version, "" when unknown */
	bool pkgver_partial;			  /* Ubuntu ABI known but not the upload number */
	const struct kernel_changelog *changelog; /* set by the caller, may be NULL */
	const struct osv_db *advisories;	  /* vendor OSV records, set by the caller */
	struct kernel_advisory_key adv;		  /* kernel_advisory_key() */
};

void kernel_target_init(struct kernel_target *t, const char *release, const char *proc_version,
			const char *signature);
const char *kernel_flavor_name(enum kernel_flavor f);

enum kernel_match {
	KM_NOT_AFFECTED,
	KM_FIXED,
	KM_VULNERABLE,
	KM_UNKNOWN,
};

/*
 * Match one rule against a kernel; why gets a one-line reason. Pure: no file is read. A stable
 * branch without a listed fix is vulnerable only when rules->eol shows it ended before the fix
 * (rule->date); a branch still maintained then, but without data, is unknown.
 */
enum kernel_match kernel_match(const struct kernel_rules *rules, const struct kernel_rule *r,
			       const struct kernel_target *t, char *why, size_t len);

/* What decided a verdict, for reports: */
enum kernel_source {
	KS_RULES,     /* upstream versions in the rule file (CVE records, by hand: rule->source) */
	KS_VENDOR,    /* a vendor package version in the rule file */
	KS_CHANGELOG, /* the kernel package's changelog */
	KS_NONE,      /* nothing: the verdict is unknown */
	KS_ADVISORY,  /* the vendor's OSV record for the kernel's source package */
};
/* kernel_match() that also says which source decided (src may be NULL) */
enum kernel_match kernel_match_src(const struct kernel_rules *rules, const struct kernel_rule *r,
				   const struct kernel_target *t, char *why, size_t len,
				   enum kernel_source *src);
/* ... and, for KS_ADVISORY, which record in which release ("DEBIAN-CVE-2024-1086, Debian:12") */
enum kernel_match kernel_match_by(const struct kernel_rules *rules, const struct kernel_rule *r,
				  const struct kernel_target *t, char *why, size_t len,
				  enum kernel_source *src, char *by, size_t bylen);
const char *kernel_source_name(enum kernel_source s);

/*
 * The advisory key of a Debian or Ubuntu kernel, from its release, /proc/version and signature
 * (kernel_target_init() first). 0, or -ENOENT with k->why set when no release or package is known.
 */
int kernel_advisory_key(const struct kernel_target *t, struct kernel_advisory_key *k);
/*
 * t->advisories on rule r: KM_FIXED / KM_VULNERABLE when a record naming r->id has an entry for
 * the kernel's package in its release; KM_UNKNOWN otherwise (by is "" when no record covers it).
 */
enum kernel_match kernel_advisory_match(const struct kernel_rule *r, const struct kernel_target *t,
					char *why, size_t len, char *by, size_t bylen);
const char *kernel_match_name(enum kernel_match m);

int kver_parse(const char *s, struct kver *v);
int kver_cmp(const struct kver *a, const struct kver *b);
/* dpkg's ordering of version strings (epoch, upstream, revision, '~' before anything). */
int scan_dpkg_vercmp(const char *a, const char *b);

#endif
