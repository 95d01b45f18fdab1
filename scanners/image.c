// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "scanners/dbstore.h"
#include "scanners/image.h"

#define REF_DEBIAN "https://security-tracker.debian.org/tracker/"

/* The paper's key components, by source package name in any of the three package managers. */
static const struct component {
	const char *name;
	const char *sources[8];
} components[] = {
	{ "apache2/httpd", { "apache2", "httpd", "apache2-bin" } },
	{ "nginx", { "nginx" } },
	{ "redis", { "redis" } },
	{ "mysql/mariadb",
	  { "mariadb", "mariadb-10.5", "mariadb-10.6", "mariadb-10.11", "mysql", "mysql-8.0",
	    "mysql-server", "mariadb-server" } },
	{ "openssl", { "openssl", "openssl3", "openssl-libs" } },
	{ "runc", { "runc" } },
	{ "containerd", { "containerd", "containerd.io" } },
};

bool image_wanted(const char *p)
{
	static const char *const suffixes[] = {
		"etc/os-release",      "lib/os-release",     "etc/debian_version",
		"etc/alpine-release",  "etc/redhat-release", "etc/apt/sources.list",
		"var/lib/dpkg/status", "apk/db/installed",   "rpm/rpmdb.sqlite",
	};
	size_t l = strlen(p);

	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		size_t k = strlen(suffixes[i]);

		if (l >= k && !strcmp(p + l - k, suffixes[i]) && (l == k || p[l - k - 1] == '/'))
			return true;
	}
	if (strstr(p, "var/lib/dpkg/status.d/"))
		return true;
	if (strstr(p, "etc/apt/sources.list.d/") && l > 8 && !strcmp(p + l - 8, ".sources"))
		return true;
	return false;
}

static enum dcea_severity severity_of(const char *level)
{
	enum dcea_severity sev = SEV_INFO;

	if (level && severity_finding_parse(level, &sev))
		sev = SEV_INFO;
	return sev;
}

struct hit {
	const struct pkg *pkg;
	const struct osv_vuln *vuln;
	char *fixed, *ecosystem;
	enum dcea_severity sev; /* SEV_INFO: the data gives none */
	struct osv_severity why;
};

struct hits {
	struct hit *v;
	size_t n, cap;
	const struct pkg *pkg;
	size_t first; /* first hit of this package */
};

static const char *cve_of(const struct osv_vuln *v);

static int on_hit(const struct osv_hit *h, void *arg)
{
	struct hits *hs = arg;
	struct hit *x;

	/* one finding per CVE and package: the same CVE in two loaded files (DSA and DEBIAN-CVE) */
	for (size_t i = hs->first; i < hs->n; i++)
		if (!strcmp(cve_of(hs->v[i].vuln), cve_of(h->vuln)))
			return 0;
	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? hs->cap * 2 : 64;

		x = realloc(hs->v, cap * sizeof(*x));
		if (!x)
			return -ENOMEM;
		hs->v = x;
		hs->cap = cap;
	}
	x = &hs->v[hs->n];
	memset(x, 0, sizeof(*x));
	x->pkg = hs->pkg;
	x->vuln = h->vuln;
	x->fixed = h->fixed ? strdup(h->fixed) : NULL;
	x->ecosystem = strdup(h->ecosystem);
	if ((h->fixed && !x->fixed) || !x->ecosystem) {
		free(x->fixed);
		free(x->ecosystem);
		return -ENOMEM;
	}
	osv_hit_severity(h, &x->why);
	x->sev = severity_of(x->why.level);
	hs->n++;
	return 0;
}

static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int rc;

	if (x->sev != y->sev)
		return x->sev > y->sev ? -1 : 1;
	rc = strcmp(x->pkg->source, y->pkg->source);
	return rc ? rc : strcmp(x->vuln->id, y->vuln->id);
}

static const char *cve_of(const struct osv_vuln *v)
{
	/* osv.dev's "DEBIAN-CVE-2024-1234" and "UBUNTU-CVE-..." name their CVE too */
	if (!strncmp(v->id, "CVE-", 4))
		return v->id;
	for (size_t i = 0; i < v->naliases; i++)
		if (!strncmp(v->aliases[i], "CVE-", 4))
			return v->aliases[i];
	return v->id;
}

/* One package per source package and version: the binaries of one source share its CVEs. */
static bool first_of_source(const struct pkglist *l, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(l->v[j].source, l->v[i].source) &&
		    !strcmp(l->v[j].source_version, l->v[i].source_version) &&
		    !strcmp(l->v[j].db, l->v[i].db))
			return false;
	return true;
}

static void binaries_of(const struct pkglist *l, const struct pkg *p, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t j = 0; j < l->n && n + 1 < size; j++)
		if (!strcmp(l->v[j].source, p->source) &&
		    !strcmp(l->v[j].source_version, p->source_version))
			n += snprintf(buf + n, size - n, "%s%s", n ? " " : "", l->v[j].name);
	if (n >= size && size > 4)
		strcpy(buf + size - 4, "...");
}

static void report_components(const struct pkglist *l, const char *target, struct scan_report *r)
{
	struct scan_finding *f;
	int found = 0;

	f = scan_add_raw(r, "image.components", SEV_INFO, "key components and their versions", NULL,
			 SCAN_INFO, target);
	for (size_t c = 0; c < ARRAY_SIZE(components); c++) {
		for (size_t i = 0; i < l->n; i++) {
			const struct pkg *p = &l->v[i];
			bool match = false;

			for (size_t k = 0;
			     k < ARRAY_SIZE(components[c].sources) && components[c].sources[k]; k++)
				match |= !strcmp(p->source, components[c].sources[k]);
			if (!match || !first_of_source(l, i))
				continue;
			char bins[256];

			binaries_of(l, p, bins, sizeof(bins));
			scan_detail(f, "%-14s %s %s (%s: %s)", components[c].name, p->source,
				    p->source_version, p->db, bins);
			found++;
		}
	}
	if (!found)
		scan_detail(f, "none of apache2/httpd nginx redis mysql/mariadb openssl runc "
			       "containerd is installed");
}

int scan_image(const struct image_scan_opts *opts, struct scan_report *r,
	       struct image_scan_result *res)
{
	struct image_scan_opts oo = *opts, *o = &oo;
	struct image_scan_result local = { 0 };
	struct image_scan_result *R = res ? res : &local;
	struct stream_limits lim = o->lim;
	struct hits hs = { 0 };
	struct imgfs *fs = NULL;
	struct scan_finding *f;
	struct imgfs_stats st = { 0 };
	char target[320];
	int ndb, err;

	memset(R, 0, sizeof(*R));
	if (!lim.max_out)
		lim.max_out = IMAGE_DEFAULT_MAX_LAYER;
	if (!lim.max_ratio)
		lim.max_ratio = IMAGE_DEFAULT_MAX_RATIO;
	err = image_load(o->target, &lim, image_wanted, &fs, &R->info);
	if (err)
		goto cleanup;
	imgfs_get_stats(fs, &st);
	snprintf(target, sizeof(target), "image %s", R->info.ref[0] ? R->info.ref : o->target);
	distro_detect(fs, &R->distro);
	if (o->get_db) {
		err = o->get_db(o, R->distro.ecosystem);
		if (err)
			goto cleanup;
	}
	ndb = pkgdb_read(fs, &R->pkgs);
	if (ndb < 0) {
		err = ndb;
		goto cleanup;
	}

	f = scan_add_raw(r, "image.contents", SEV_INFO, "image read", NULL, SCAN_INFO, target);
	scan_detail(f, "format %s, %u layers (%s), %llu bytes stored, %llu unpacked, %llu entries",
		    R->info.format, R->info.layers, R->info.codecs[0] ? R->info.codecs : "-",
		    (unsigned long long)R->info.bytes_in, (unsigned long long)R->info.bytes_out,
		    (unsigned long long)st.entries);
	if (R->distro.id[0])
		scan_detail(f, "distribution %s%s%s (%s; ecosystem %s)", R->distro.id,
			    R->distro.version_id[0] ? " " : "", R->distro.version_id,
			    R->distro.source ? R->distro.source : "?",
			    R->distro.ecosystem[0] ? R->distro.ecosystem : "unknown");
	scan_detail(f, "%zu packages installed", R->pkgs.n);

	if (!R->distro.ecosystem[0]) {
		f = scan_add_raw(r, "image.distro", SEV_MEDIUM, "distribution not recognised", NULL,
				 SCAN_WARN, target);
		scan_detail(f, "no os-release, debian_version, alpine-release or redhat-release: "
			       "packages are not matched against the database");
	}
	if (ndb == 0) {
		f = scan_add_raw(r, "image.packages", SEV_LOW, "no package database", NULL,
				 SCAN_WARN, target);
		scan_detail(f, "neither dpkg, apk nor an sqlite rpmdb: components installed "
			       "without a package manager are not seen");
	}
	pkglist_sort(&R->pkgs);
	report_components(&R->pkgs, target, r);

	for (size_t i = 0; R->distro.ecosystem[0] && o->db && i < R->pkgs.n; i++) {
		const struct pkg *p = &R->pkgs.v[i];

		if (!first_of_source(&R->pkgs, i))
			continue;
		R->sources++;
		hs.pkg = p;
		hs.first = hs.n;
		if (osv_db_has_package(o->db, R->distro.ecosystem, p->source))
			R->covered++;
		err = osv_db_match(o->db, R->distro.ecosystem, p->source, p->source_version,
				   p->scheme, on_hit, &hs);
		/* rpm data is keyed by binary package names */
		if (!err && p->scheme == VER_RPM && strcmp(p->name, p->source))
			err = osv_db_match(o->db, R->distro.ecosystem, p->name, p->version,
					   p->scheme, on_hit, &hs);
		if (err)
			goto cleanup;
	}
	if (hs.n)
		qsort(hs.v, hs.n, sizeof(*hs.v), hit_cmp);
	for (size_t i = 0; i < hs.n; i++) {
		const struct hit *h = &hs.v[i];
		const struct osv_vuln *v = h->vuln;
		char check[96], title[160], bins[256];

		snprintf(check, sizeof(check), "image.%s", cve_of(v));
		snprintf(title, sizeof(title), "%s %s: %s%s", h->pkg->source,
			 h->pkg->source_version, cve_of(v), h->fixed ? "" : " (no fix available)");
		f = scan_add_raw(r, check, h->sev, title, v->reference, SCAN_FAIL, target);
		binaries_of(&R->pkgs, h->pkg, bins, sizeof(bins));
		scan_detail(f, "package %s (%s: %s), installed %s", h->pkg->source, h->pkg->db,
			    bins, h->pkg->source_version);
		if (h->fixed)
			scan_detail(f, "fixed in %s (%s)", h->fixed, h->ecosystem);
		else
			scan_detail(f, "no fix available in %s", h->ecosystem);
		if (h->why.level)
			scan_detail(f, "severity %s from %s", severity_finding_name(h->sev),
				    h->why.from);
		else
			scan_detail(f, "severity unknown: the record has no CVSS vector, "
				       "distribution rating or OSV severity (counts for --fail-on "
				       "any)");
		/* the other opinion, when the distribution's word decided */
		if (h->why.level && v->cvss && strncmp(h->why.from, "CVSS", 4))
			scan_detail(f, "CVSS %.1f %s: %s", v->score, v->severity, v->cvss);
		if (v->summary)
			scan_detail(f, "%s", v->summary);
		scan_detail(f, "source %s (%s)", v->source, v->id);
	}
	R->vulns = hs.n;
	if (R->distro.ecosystem[0] && o->db) {
		char cov[256];

		snprintf(cov, sizeof(cov),
			 "%zu packages (%zu source packages), %zu with advisories in the database, "
			 "database built %s",
			 R->pkgs.n, R->sources, R->covered,
			 o->db_built ? o->db_built : "(unknown)");
		if (!R->covered && R->pkgs.n) {
			f = scan_add_raw(r, "image.coverage", SEV_MEDIUM,
					 "the database has no advisory for this distribution", NULL,
					 SCAN_WARN, target);
			scan_detail(f, "%s", cov);
			scan_detail(f,
				    "nothing was checked against %s: run 'dcea db update' or "
				    "give --db",
				    R->distro.ecosystem);
		} else if (!hs.n) {
			f = scan_add_raw(r, "image.vulnerabilities", SEV_INFO,
					 "no known vulnerability in the database", NULL, SCAN_PASS,
					 target);
			scan_detail(f, "%s", cov);
			scan_detail(f, "matched against %s", R->distro.ecosystem);
		}
		f = scan_add_raw(r, "image.database", SEV_INFO, "vulnerability data used", NULL,
				 SCAN_INFO, target);
		scan_detail(f, "%s", cov);
		if (o->db_what)
			scan_detail(f, "%s", o->db_what);
	}
	if (o->db_stale) {
		f = scan_add_raw(r, "image.database-age", SEV_MEDIUM, "vulnerability data is old",
				 NULL, SCAN_WARN, target);
		scan_detail(f, "%s", o->db_stale);
	}
cleanup:
	for (size_t i = 0; i < hs.n; i++) {
		free(hs.v[i].fixed);
		free(hs.v[i].ecosystem);
	}
	free(hs.v);
	imgfs_free(fs);
	if (!res || err)
		pkglist_free(&R->pkgs);
	return err;
}

void image_scan_result_free(struct image_scan_result *res)
{
	if (res)
		pkglist_free(&res->pkgs);
}

/* the image's ecosystem is known: load the data that covers it (image_db.c) */
static int image_get_db(struct image_scan_opts *o, const char *eco)
{
	struct image_db *x = o->get_db_arg;
	int err = image_db_load(x, eco[0] ? eco : NULL);

	if (err)
		return err;
	if (x->stale[0])
		log_warn("%s", x->stale);
	o->db = x->db;
	o->db_built = x->built[0] ? x->built : NULL;
	o->db_what = x->what[0] ? x->what : NULL;
	o->db_stale = x->stale[0] ? x->stale : NULL;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: dcea scan image [OPTIONS] TARGET\n\n"
		"Read an image without extracting it, find its distribution and packages, show "
		"the\n"
		"key components and match the packages against a local OSV vulnerability "
		"database.\n\n"
		"TARGET: a `docker save` archive, an OCI layout (directory or tar), a root "
		"filesystem\n"
		"directory, or the name of a local docker image (exported with `docker save`).\n\n"
		"Options:\n" SCAN_OUTPUT_HELP "      --db PATH          OSV records: a .json file, "
		"a directory of them or a .zip\n"
		"                         (osv.dev exports, offline); repeatable; added to the\n"
		"                         installed database\n"
		"      --db-root DIR      the installed database ('dcea db "
		"update'; " DB_DEFAULT_ROOT ")\n"
		"      --db-max-age DAYS  warn when the data is older (%d)\n"
		"      --no-builtin-db    without any database, do not fall back on the built-in\n"
		"                         records (Debian 12, a few packages)\n"
		"      --packages         print the installed packages (name, version, source) and "
		"stop\n"
		"      --max-layer-size N refuse a layer larger than N bytes decompressed (64 "
		"GiB)\n"
		"      --max-ratio N      refuse a layer that decompresses more than N times "
		"(1000)\n\n"
		"Severity comes from the data: the distribution's urgency or priority for the\n"
		"release, else the record's CVSS v3 vector, else its OSV severity word; a record\n"
		"with none is 'unknown' (counted by --fail-on any only). CVEs the distribution "
		"has\n"
		"not fixed are reported as 'no fix available'.\n\n"
		"Exit status: 0 nothing reached --fail-on (default high), 1 something did, 2 "
		"error.\n\n"
		"Examples:\n"
		"  dcea db update && dcea scan image nginx:1.25\n"
		"  docker save nginx:1.25 -o nginx.tar && dcea scan image nginx.tar\n"
		"  skopeo copy docker-archive:nginx.tar oci:nginx-oci && dcea scan image "
		"nginx-oci\n"
		"  dcea scan image --db debian-all.zip --json /srv/rootfs\n"
		"  dcea scan image --fail-on critical nginx.tar\n",
		DB_DEFAULT_MAX_AGE);
}

enum {
	OPT_DB = 256,
	OPT_NO_BUILTIN,
	OPT_PACKAGES,
	OPT_MAX_LAYER,
	OPT_MAX_RATIO,
	OPT_DB_ROOT,
	OPT_DB_MAX_AGE
};

int cmd_scan_image(int argc, char **argv)
{
	static const struct option longopts[] = {
		SCAN_OUTPUT_LONGOPTS,
		{ "db", required_argument, NULL, OPT_DB },
		{ "no-builtin-db", no_argument, NULL, OPT_NO_BUILTIN },
		{ "packages", no_argument, NULL, OPT_PACKAGES },
		{ "max-layer-size", required_argument, NULL, OPT_MAX_LAYER },
		{ "max-ratio", required_argument, NULL, OPT_MAX_RATIO },
		{ "db-root", required_argument, NULL, OPT_DB_ROOT },
		{ "db-max-age", required_argument, NULL, OPT_DB_MAX_AGE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct image_db x = { .builtin = true, .max_age = DB_DEFAULT_MAX_AGE };
	const char *root = NULL;
	bool packages = false;
	struct image_scan_opts o = { 0 };
	struct image_scan_result res = { 0 };
	struct scan_output out;
	struct scan_report r;
	uint64_t v;
	int opt, err, ret = 2;

	scan_output_init(&out);
	scan_report_init(&r);
	optind = 1;
	while ((opt = getopt_long(argc, argv, SCAN_OUTPUT_SHORTOPTS "h", longopts, NULL)) != -1) {
		int k = scan_output_opt(&out, opt, optarg);

		if (k < 0)
			goto cleanup;
		if (k)
			continue;
		switch (opt) {
		case OPT_DB:
			if (x.ndbs == ARRAY_SIZE(x.dbs)) {
				log_err("too many --db options (at most %zu)", ARRAY_SIZE(x.dbs));
				goto cleanup;
			}
			x.dbs[x.ndbs++] = optarg;
			break;
		case OPT_NO_BUILTIN:
			x.builtin = false;
			break;
		case OPT_DB_ROOT:
			root = optarg;
			break;
		case OPT_DB_MAX_AGE:
			if (parse_u64(optarg, &v) || v > 100000) {
				log_err("invalid --db-max-age '%s': expected a number of days",
					optarg);
				goto cleanup;
			}
			x.max_age = v;
			break;
		case OPT_PACKAGES:
			packages = true;
			break;
		case OPT_MAX_LAYER:
		case OPT_MAX_RATIO:
			if (parse_u64(optarg, &v) || !v) {
				log_err("invalid %s '%s': expected a positive number",
					opt == OPT_MAX_LAYER ? "--max-layer-size" : "--max-ratio",
					optarg);
				goto cleanup;
			}
			*(opt == OPT_MAX_LAYER ? &o.lim.max_out : &o.lim.max_ratio) = v;
			break;
		case 'h':
			usage(stdout);
			ret = 0;
			goto cleanup;
		default:
			usage(stderr);
			goto cleanup;
		}
	}
	if (optind + 1 != argc) {
		log_err("'scan image' needs exactly one TARGET; see 'dcea scan image --help'");
		goto cleanup;
	}
	o.target = argv[optind];
	if (!packages) {
		x.root = db_root(root);
		o.get_db = image_get_db;
		o.get_db_arg = &x;
	}
	err = scan_image(&o, &r, &res);
	if (err)
		goto cleanup;
	if (packages) {
		for (size_t i = 0; i < res.pkgs.n; i++)
			printf("%s\t%s\t%s\t%s\t%s\n", res.pkgs.v[i].name, res.pkgs.v[i].version,
			       res.pkgs.v[i].source, res.pkgs.v[i].source_version,
			       res.pkgs.v[i].db);
		ret = ferror(stdout) ? 2 : 0;
		goto cleanup;
	}
	if (scan_print(&r, &out))
		goto cleanup;
	ret = scan_exit_code(&r, out.fail_on);
cleanup:
	image_scan_result_free(&res);
	image_db_free(&x);
	scan_report_free(&r);
	return ret;
}
