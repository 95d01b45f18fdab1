/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `dcea scan image TARGET`: apply an image's layers in memory, find its distribution and
 * installed packages, report the key components (apache2/httpd, nginx, redis, mysql/mariadb,
 * openssl, runc, containerd) and match every package against an OSV database.
 */
#ifndef DCEA_SCANNERS_IMAGE_H
#define DCEA_SCANNERS_IMAGE_H

#include <stdbool.h>

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

int cmd_scan_image(int argc, char **argv);

#endif
