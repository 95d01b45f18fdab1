// SPDX-License-Identifier: GPL-2.0-only
/*
 * `dcea scan kernel`: the running kernel (or --release) against the kernel CVEs used for
 * container escape, raised or lowered by the live posture of the host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "common/log.h"
#include "common/util.h"
#include "scanners/dbstore.h"
#include "scanners/kernel.h"
#include "scanners/osv.h"
#include "scanners/scan.h"

/* 1 yes, 0 no, -1 not known */
struct posture {
	int userns;
	int unpriv_bpf;
	int cgroup_v1;
	int modules;
	int bpf_lsm;
	char lockdown[32];
	char *config; /* kernel config text, NULL when not found */
	char config_src[256];
};

static int read_int(const char *path, int *v)
{
	char line[64];
	uint64_t u;
	int err = read_line(path, line, sizeof(line));

	if (err)
		return err;
	if (parse_u64(line, &u) || u > 1000000000)
		return -EINVAL;
	*v = (int)u;
	return 0;
}

static char *read_gz(const char *path)
{
	gzFile gz = gzopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *buf = NULL, *nb;
	int r;

	if (!gz)
		return NULL;
	for (;;) {
		if (!buf || n + 4096 > cap) {
			cap = buf ? cap * 2 : cap;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		/* buf is never NULL here: the branch above allocates it */
		// cppcheck-suppress nullPointerArithmeticRedundantCheck
		r = gzread(gz, buf + n, cap - n - 1);
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += r;
	}
	buf[n] = '\0';
	gzclose(gz);
	return buf;
fail:
	free(buf);
	gzclose(gz);
	return NULL;
}

/* 'y', 'm', 'n' (not set) or 0 when there is no config to ask */
static char config_value(const struct posture *p, const char *opt)
{
	size_t len = strlen(opt);
	const char *s;

	if (!p->config)
		return 0;
	for (s = p->config; (s = strstr(s, opt)); s += len) {
		if ((s == p->config || s[-1] == '\n') && s[len] == '=')
			return s[len + 1] == 'y' || s[len + 1] == 'm' ? s[len + 1] : 'n';
	}
	return 'n';
}

static void load_config(struct posture *p, const char *path, const char *release)
{
	char boot[256];
	size_t len;

	if (path) {
		if (strstr(path, ".gz"))
			p->config = read_gz(path);
		else if (read_file(path, &p->config, &len))
			p->config = NULL;
		if (!p->config)
			log_warn("cannot read kernel config '%s', ignoring", path);
		snprintf(p->config_src, sizeof(p->config_src), "%s", path);
		return;
	}
	p->config = read_gz("/proc/config.gz");
	snprintf(p->config_src, sizeof(p->config_src), "/proc/config.gz");
	if (!p->config) {
		snprintf(boot, sizeof(boot), "/boot/config-%s", release);
		if (!read_file(boot, &p->config, &len))
			snprintf(p->config_src, sizeof(p->config_src), "%s", boot);
		else
			p->config = NULL;
	}
}

static void live_posture(struct posture *p)
{
	char buf[512], *s, *e;
	int v;
	FILE *f;

	/* user namespaces: upstream has no switch but the count; Debian/Ubuntu add their own */
	p->userns = config_value(p, "CONFIG_USER_NS") == 'n' ? 0 : 1;
	if (!read_int("/proc/sys/user/max_user_namespaces", &v) && v == 0)
		p->userns = 0;
	if (!read_int("/proc/sys/kernel/unprivileged_userns_clone", &v) && v == 0)
		p->userns = 0;
	if (!read_int("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", &v) && v == 1)
		p->userns = 0;
	p->unpriv_bpf = read_int("/proc/sys/kernel/unprivileged_bpf_disabled", &v) ? -1 : v == 0;
	if (config_value(p, "CONFIG_BPF_SYSCALL") == 'n')
		p->unpriv_bpf = 0;

	p->cgroup_v1 = -1;
	f = fopen("/proc/self/mountinfo", "re");
	if (f) {
		p->cgroup_v1 = 0;
		while (fgets(buf, sizeof(buf), f))
			if (strstr(buf, " - cgroup "))
				p->cgroup_v1 = 1;
		fclose(f);
	}
	if (!read_int("/proc/sys/kernel/modules_disabled", &v))
		p->modules = !v;
	else
		p->modules = config_value(p, "CONFIG_MODULES") == 'y' ? 1 : p->config ? 0 : -1;
	p->bpf_lsm = -1;
	if (!read_line("/sys/kernel/security/lsm", buf, sizeof(buf)))
		p->bpf_lsm = strstr(buf, "bpf") != NULL;
	p->lockdown[0] = '\0';
	if (!read_line("/sys/kernel/security/lockdown", buf, sizeof(buf)) &&
	    (s = strchr(buf, '[')) && (e = strchr(s, ']'))) {
		*e = '\0';
		snprintf(p->lockdown, sizeof(p->lockdown), "%s", s + 1);
	} else if (config_value(p, "CONFIG_SECURITY_LOCKDOWN_LSM") == 'n') {
		snprintf(p->lockdown, sizeof(p->lockdown), "none");
	}
}

static const char *yes_no(int v, const char *yes, const char *no)
{
	return v < 0 ? "unknown" : v ? yes : no;
}

static void rule_finding(struct scan_report *r, const struct kernel_rules *rules,
			 const struct kernel_rule *k, const struct kernel_target *t,
			 const struct posture *p, const char *target)
{
	char why[512], title[160], caps[256] = "", by[160];
	enum kernel_source src;
	enum kernel_match m = kernel_match_by(rules, k, t, why, sizeof(why), &src, by, sizeof(by));
	enum scan_result res = SCAN_PASS;
	struct scan_finding *f;
	const char *lowered = NULL;
	char id[64];

	for (size_t i = 0; i < k->ncaps; i++)
		snprintf(caps + strlen(caps), sizeof(caps) - strlen(caps), "%s%s", i ? ", " : "",
			 k->caps[i]);
	if (m == KM_UNKNOWN)
		res = SCAN_INFO;
	if (m == KM_VULNERABLE) {
		bool present = !k->nconfig;

		res = SCAN_FAIL;
		for (size_t i = 0; i < k->nconfig; i++)
			present |= config_value(p, k->config[i]) != 'n';
		if (!present) {
			res = SCAN_PASS;
			lowered = "not reachable: none of its kernel options is set";
		} else if (k->userns && p->userns == 0) {
			res = SCAN_WARN;
			lowered = "unprivileged user namespaces are off: reachable only from "
				  "containers "
				  "granted the capabilities";
		} else if (k->unpriv_bpf && p->unpriv_bpf == 0) {
			res = SCAN_WARN;
			lowered = "unprivileged bpf is off: reachable only from containers granted "
				  "CAP_BPF or CAP_SYS_ADMIN";
		} else if (k->cgroup_v1 && p->cgroup_v1 == 0) {
			res = SCAN_WARN;
			lowered = "no cgroup v1 hierarchy is mounted (a container granted "
				  "CAP_SYS_ADMIN "
				  "can still mount one)";
		}
	}
	snprintf(id, sizeof(id), "kernel.%s", k->id);
	snprintf(title, sizeof(title), "%s%s%s%s", k->id, k->name ? " (" : "",
		 k->name ? k->name : "", k->name ? ")" : "");
	f = scan_add_raw(r, id, k->severity, title, k->reference, res, target);
	scan_detail(f, "%s: %s", kernel_match_name(m), why);
	if (f) {
		char *sv = NULL;

		/* the rule's 'source' says which CVE record or hand entry gave the versions, an
		 * advisory which record in which release */
		if (src == KS_ADVISORY) {
			if (asprintf(&sv, "vendor-advisory (%s)", by) < 0)
				sv = NULL;
		} else if (src != KS_RULES || !k->source ||
			   asprintf(&sv, "kernel-rules (%s)", k->source) < 0) {
			sv = NULL;
		}
		if (!sv)
			sv = strdup(kernel_source_name(src));
		f->source = sv;
		scan_detail(f, "decided by: %s", sv ? sv : kernel_source_name(src));
	}
	if (m == KM_VULNERABLE || m == KM_UNKNOWN) {
		scan_detail(f, "escape: %s", k->escape);
		if (k->ncaps || k->userns)
			scan_detail(f, "needs %s%s", caps[0] ? caps : "capabilities",
				    k->userns ? " (in any user namespace)" : "");
	}
	if (lowered)
		scan_detail(f, "%s", lowered);
}

static void posture_findings(struct scan_report *r, const struct posture *p, const char *target)
{
	static const struct scan_check c_userns = { "kernel.userns", SEV_MEDIUM,
						    "unprivileged user namespaces",
						    "https://lwn.net/Articles/673597/", NULL };
	static const struct scan_check c_bpf = { "kernel.unprivileged-bpf", SEV_MEDIUM,
						 "unprivileged bpf()", NULL, NULL };
	static const struct scan_check c_cg = { "kernel.cgroup-v1", SEV_LOW,
						"cgroup v1 hierarchies mounted",
						"https://nvd.nist.gov/vuln/detail/CVE-2022-0492",
						NULL };
	static const struct scan_check c_mod = { "kernel.modules", SEV_LOW,
						 "loadable kernel modules", NULL, NULL };
	static const struct scan_check c_lock = { "kernel.lockdown", SEV_LOW, "kernel lockdown",
						  NULL, NULL };
	static const struct scan_check c_lsm = { "kernel.bpf-lsm", SEV_LOW, "BPF LSM active", NULL,
						 NULL };
	struct scan_finding *f;

	f = scan_add(r, &c_userns, p->userns ? SCAN_WARN : SCAN_PASS, target);
	scan_detail(f, "unprivileged user namespaces: %s",
		    yes_no(p->userns, "allowed", "disabled"));
	if (p->userns)
		scan_detail(f,
			    "a container without seccomp (or with CAP_SYS_ADMIN) gains namespace "
			    "capabilities and reaches nf_tables, overlayfs and mount bugs");
	f = scan_add(r, &c_bpf,
		     p->unpriv_bpf < 0 ? SCAN_SKIP
		     : p->unpriv_bpf   ? SCAN_WARN
				       : SCAN_PASS,
		     target);
	scan_detail(f, "unprivileged bpf(): %s", yes_no(p->unpriv_bpf, "allowed", "disabled"));
	f = scan_add(r, &c_cg,
		     p->cgroup_v1 < 0 ? SCAN_SKIP
		     : p->cgroup_v1   ? SCAN_WARN
				      : SCAN_PASS,
		     target);
	scan_detail(f, "cgroup v1: %s",
		    yes_no(p->cgroup_v1, "mounted (release_agent escapes)", "not mounted"));
	f = scan_add(r, &c_mod,
		     p->modules < 0 ? SCAN_SKIP
		     : p->modules   ? SCAN_INFO
				    : SCAN_PASS,
		     target);
	scan_detail(f, "module loading: %s",
		    yes_no(p->modules,
			   "possible (CAP_SYS_MODULE in a "
			   "container is an escape)",
			   "disabled"));
	f = scan_add(r, &c_lock,
		     !p->lockdown[0]		    ? SCAN_SKIP
		     : !strcmp(p->lockdown, "none") ? SCAN_INFO
						    : SCAN_PASS,
		     target);
	scan_detail(f, "lockdown: %s",
		    p->lockdown[0] ? p->lockdown
				   : "unknown (securityfs not "
				     "mounted)");
	f = scan_add(r, &c_lsm,
		     p->bpf_lsm < 0 ? SCAN_SKIP
		     : p->bpf_lsm   ? SCAN_PASS
				    : SCAN_INFO,
		     target);
	scan_detail(f, "bpf in the LSM list: %s",
		    yes_no(p->bpf_lsm, "yes", "no (dcea enforces from tracepoints only)"));
}

/*
 * The running kernel's package changelog: Debian and Ubuntu ship it with the image package,
 * RPM systems answer `rpm -q --changelog`. NULL text when there is none.
 */
static char *host_changelog(const char *release, char *src, size_t srclen)
{
	static const char *const names[] = { "changelog.Debian.gz", "changelog.gz" };
	char path[512], cmd[512], *text = NULL;
	size_t cap = 0, n = 0;
	FILE *f;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "/usr/share/doc/linux-image-%s/%s", release, names[i]);
		text = read_gz(path);
		if (text) {
			snprintf(src, srclen, "%s", path);
			return text;
		}
	}
	/* the release goes into a shell command: only the characters of a release string */
	if (access("/usr/bin/rpm", X_OK) ||
	    strspn(release, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") != strlen(release))
		return NULL;
	snprintf(cmd, sizeof(cmd),
		 "rpm -q --changelog kernel-core-%s 2>/dev/null || "
		 "rpm -q --changelog kernel-%s 2>/dev/null",
		 release, release);
	f = popen(cmd, "r");
	if (!f)
		return NULL;
	for (;;) {
		char *nt;
		size_t r;

		if (n + 4096 >= cap) {
			cap = cap ? cap * 2 : 1 << 16;
			nt = realloc(text, cap);
			if (!nt)
				break;
			text = nt;
		}
		r = fread(text + n, 1, cap - n - 1, f);
		if (!r)
			break;
		n += r;
	}
	if (pclose(f) != 0 || !text || !n) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	snprintf(src, srclen, "rpm -q --changelog kernel-core-%s", release);
	return text;
}

/*
 * The vendor's OSV records of the kernel's source package: from the installed database (only the
 * source covering its distribution) and --db. NULL when there is nothing to load or no record of
 * the package; what says which data was read, or why none.
 */
static struct osv_db *load_advisories(const struct kernel_scan_opts *o,
				      const struct kernel_target *t, const char *const *ids,
				      size_t nids, char *what, size_t len)
{
	const struct kernel_advisory_key *k = &t->adv;
	const char *root = db_root(o->db_root);
	struct db_installed d = { 0 };
	struct osv_db *db;
	char when[32] = "";
	int err;

	if (!k->ecosystem[0]) {
		snprintf(what, len, "not used: %s", k->why);
		return NULL;
	}
	db = osv_db_new();
	if (!db)
		return NULL;
	/* a whole distribution's export: parse only the records that name a rule's CVE */
	osv_db_only_containing(db, ids, nids);
	err = db_installed_open(root, &d);
	if (!err) {
		struct tm tm;

		gmtime_r(&d.data_time, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d", &tm);
		err = db_installed_load(&d, db, k->ecosystem);
		db_installed_close(&d);
	} else if (err == -ENOENT) {
		err = 0;
	}
	for (size_t i = 0; !err && i < o->ndbs; i++)
		err = osv_db_load_path(db, o->dbs[i]);
	if (err) {
		log_warn("failed to load the vendor advisories, ignoring");
		snprintf(what, len, "not used: the database failed to load");
		osv_db_free(db);
		return NULL;
	}
	if (!when[0] && !o->ndbs) {
		snprintf(what, len,
			 "none: no vulnerability database installed in '%s' (run 'dcea db "
			 "update')",
			 root);
		osv_db_free(db);
		return NULL;
	}
	snprintf(what, len, "%s package %s %s%s against %s%s%s%s%s", k->ecosystem, k->package,
		 k->version[0] ? k->version : "(version unknown)", k->partial ? " (ABI only)" : "",
		 when[0] ? "the installed database of " : "", when,
		 o->ndbs && when[0] ? " and " : "", o->ndbs ? "--db" : "",
		 osv_db_has_package(db, k->ecosystem, k->package) ? ""
								  : " (no record of the package)");
	return db;
}

static void trim(char *s)
{
	s[strcspn(s, "\n")] = '\0';
}

int scan_kernel(const struct kernel_scan_opts *o, struct scan_report *r)
{
	struct kernel_rules rules = { 0 };
	struct posture p = {
		.userns = -1, .unpriv_bpf = -1, .cgroup_v1 = -1, .modules = -1, .bpf_lsm = -1
	};
	struct kernel_target t;
	struct kernel_changelog cl = { 0 };
	char errmsg[512], target[200], pv[512] = "", sig[128] = "", clsrc[512] = "";
	char *cltext = NULL, advwhat[400] = "";
	const char **ids = NULL;
	struct osv_db *adv = NULL;
	const char *release = o->release;
	struct utsname u;
	char *buf = NULL;
	size_t len;
	int err;

	if (o->rules) {
		err = read_file(o->rules, &buf, &len);
		if (err) {
			log_err("failed to read '%s': %s", o->rules, strerror(-err));
			return err;
		}
		err = kernel_rules_parse(o->rules, buf, len, &rules, errmsg, sizeof(errmsg));
		free(buf);
	} else {
		err = kernel_rules_builtin(&rules, errmsg, sizeof(errmsg));
	}
	if (err) {
		log_err("%s", errmsg);
		return err;
	}
	if (!release) {
		uname(&u);
		release = u.release;
		if (read_line("/proc/version", pv, sizeof(pv)))
			pv[0] = '\0';
		if (read_line("/proc/version_signature", sig, sizeof(sig)))
			sig[0] = '\0';
	}
	if (o->proc_version)
		snprintf(pv, sizeof(pv), "%s", o->proc_version);
	if (o->signature)
		snprintf(sig, sizeof(sig), "%s", o->signature);
	trim(pv);
	trim(sig);
	kernel_target_init(&t, release, pv, sig);
	if (o->changelog) {
		cltext = read_gz(o->changelog);
		if (!cltext) {
			log_err("failed to read changelog '%s'", o->changelog);
			err = -EINVAL;
			goto cleanup;
		}
		snprintf(clsrc, sizeof(clsrc), "%s", o->changelog);
	} else if (!o->release) {
		cltext = host_changelog(release, clsrc, sizeof(clsrc));
	}
	if (cltext) {
		err = kernel_changelog_parse(cltext, t.pkgver_partial ? NULL : t.pkgver, &cl);
		if (err)
			goto cleanup;
		snprintf(cl.source, sizeof(cl.source), "%s", clsrc);
		t.changelog = &cl;
		/* Debian's release string has no patch level: the changelog's merges give it */
		if (t.flavor == KF_DEBIAN && !t.upstream_known &&
		    kernel_changelog_base(&cl, &t.branch)) {
			t.upstream = *kernel_changelog_base(&cl, &t.branch);
			t.upstream_known = true;
		}
	}
	if (t.flavor == KF_DEBIAN || t.flavor == KF_UBUNTU) {
		ids = calloc(rules.n ? rules.n : 1, sizeof(*ids));
		if (!ids) {
			err = -ENOMEM;
			goto cleanup;
		}
		for (size_t i = 0; i < rules.n; i++)
			ids[i] = rules.v[i].id;
		kernel_advisory_key(&t, &t.adv);
		adv = load_advisories(o, &t, ids, rules.n, advwhat, sizeof(advwhat));
		t.advisories = adv;
	}
	/* another kernel's config only from --config: the host's says nothing about it */
	if (o->config || !o->release)
		load_config(&p, o->config, release);
	if (!o->release)
		live_posture(&p);
	snprintf(target, sizeof(target), "%s kernel %s", o->release ? "scanned" : "host", release);
	{
		struct scan_finding *f = scan_add_raw(r, "kernel.version", SEV_INFO,
						      "kernel identified", NULL, SCAN_INFO, target);
		scan_detail(f, "flavor %s%s%s", kernel_flavor_name(t.flavor),
			    t.pkgver[0] ? ", package " : "", t.pkgver);
		if (t.upstream_known)
			scan_detail(f, "upstream base %d.%d.%d", t.upstream.major, t.upstream.minor,
				    t.upstream.patch);
		else
			scan_detail(f, "upstream base unknown");
		scan_detail(f, "kernel config: %s", p.config ? p.config_src : "not found");
		if (t.changelog)
			scan_detail(f,
				    "package changelog: %s (%s, newest upload %s, %zu CVEs named)",
				    cl.source, cl.kind, cl.top[0] ? cl.top : "?", cl.ncves);
		else
			scan_detail(f, "package changelog: not found");
		if (advwhat[0])
			scan_detail(f, "vendor advisories: %s", advwhat);
		if (o->release)
			scan_detail(f, "live posture not applied: not the running kernel");
	}
	for (size_t i = 0; i < rules.n; i++)
		rule_finding(r, &rules, &rules.v[i], &t, &p, target);
	if (!o->release)
		posture_findings(r, &p, target);
cleanup:
	osv_db_free(adv);
	free(ids);
	kernel_changelog_free(&cl);
	free(cltext);
	kernel_rules_free(&rules);
	free(p.config);
	return err;
}
