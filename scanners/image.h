/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `dcea scan image TARGET`: apply an image's layers in memory, find its distribution and
 * installed packages, report the key components (apache2/httpd, nginx, redis, mysql/mariadb,
 * openssl, runc, containerd) and match every package against an OSV database.
 */
#ifndef DCEA_SCANNERS_IMAGE_H
#define DCEA_SCANNERS_IMAGE_H

#include <stdbool.h>
#include <time.h>

#include "scanners/image_archive.h"
#include "scanners/image_distro.h"
#include "scanners/osv.h"
#include "scanners/pkgdb.h"
#include "scanners/report.h"

struct image_scan_opts {
	const char *target;
	const struct osv_db *db;  /* loaded by the caller */
	struct stream_limits lim; /* zero: the defaults below */
	const char *db_built;	  /* "2026-12-01": when the data was made; NULL: unknown */
	const char *db_what;	  /* one line on where the data came from, or NULL */
	const char *db_stale;	  /* a warning about the data's age, or NULL */
	/* Called once the distribution is known (ecosystem "" if not) to load only the data
	 * that covers it; sets db and the three strings above in *o. NULL: o->db as given. */
	int (*get_db)(struct image_scan_opts *o, const char *ecosystem);
	void *get_db_arg;
};

#define IMAGE_DEFAULT_MAX_LAYER (64ULL << 30) /* 64 GiB decompressed per layer */
#define IMAGE_DEFAULT_MAX_RATIO 1000

/* Outcome of a scan beyond the findings, for tests and `--packages`. */
struct image_scan_result {
	struct image_info info;
	struct distro distro;
	struct pkglist pkgs;
	unsigned int vulns;
	size_t sources; /* source packages matched */
	size_t covered; /* of which the database has advisories for */
};

/* The files an image scan keeps while applying layers. */
bool image_wanted(const char *path);

/*
 * Scan one image: findings appended to r; res (may be NULL) gets what was found, freed with
 * image_scan_result_free(). 0, or negative errno when the image cannot be read (logged).
 */
int scan_image(const struct image_scan_opts *o, struct scan_report *r,
	       struct image_scan_result *res);
void image_scan_result_free(struct image_scan_result *res);

/*
 * The vulnerability data for images (image_db.c). Set the options, then image_db_load() with the
 * image's ecosystem ("Debian:12": only the installed source covering it) or NULL (every source an
 * image can need: all but the kernel's "Linux"). 0 or negative errno (logged).
 */
struct image_db {
	/* options */
	const char *dbs[16]; /* --db paths */
	size_t ndbs;
	bool builtin;	  /* fall back on the built-in records when nothing else is there */
	const char *root; /* the installed database, db_root() */
	long max_age;	  /* days: older data sets stale */
	/* results */
	struct osv_db *db;
	char built[64];	 /* "2026-12-01", "(built into dcea)" */
	char what[600];	 /* where the data came from */
	char stale[400]; /* why the data is old or lacking, "" when it is not */
	time_t when;	 /* when the data was made, 0 unknown */
	size_t records;
	bool installed;	   /* the installed database was read */
	bool only_builtin; /* nothing but the built-in records */
};
int image_db_load(struct image_db *x, const char *ecosystem);
long image_db_age_days(const struct image_db *x); /* -1: unknown */
void image_db_free(struct image_db *x);		  /* accepts a zeroed one */

int cmd_scan_image(int argc, char **argv);

#endif
