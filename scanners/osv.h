/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An offline vulnerability database in the OSV schema (https://ossf.github.io/osv-schema/), the
 * format of osv.dev's per-ecosystem exports (Debian, Ubuntu, Alpine ... all.zip) and OSV-Scanner.
 * Loaded from a JSON file (one record or an array of them), a directory of them, a zip of them, or
 * the curated set compiled into dcea (scanners/vulndb/). Matching is by ecosystem and release
 * ("Debian:12" matches "Debian:12" and "Debian"), package name, and the version ordering of the
 * ecosystem, over ECOSYSTEM ranges (introduced / fixed / last_affected) and explicit versions.
 */
#ifndef DCEA_SCANNERS_OSV_H
#define DCEA_SCANNERS_OSV_H

#include <stdbool.h>
#include <stddef.h>

#include "scanners/version.h"

struct osv_vuln {
	char *id;
	char **aliases;
	size_t naliases;
	char *summary;
	char *severity;	 /* "CRITICAL" "HIGH" "MEDIUM" "LOW" or NULL */
	double score;	 /* CVSS v3 base score computed from the vector, or 0 */
	char *reference; /* first advisory or web reference, or NULL */
	char *source;	 /* database_specific.source, else the file it came from */
};

struct osv_hit {
	const struct osv_vuln *vuln;
	const char *ecosystem; /* of the matching affected[] entry, e.g. "Debian:12" */
	const char *fixed;     /* first fixed version above the installed one, NULL: none */
	const char *severity;  /* the entry's own severity if it has one, else the record's */
};

struct osv_db;

struct osv_db *osv_db_new(void);
void osv_db_free(struct osv_db *db); /* accepts NULL */

/* Load one JSON document (a record or an array of records); label names it in errors. */
int osv_db_load_json(struct osv_db *db, const char *buf, size_t len, const char *label);
/* Load a .json file, a directory (recursively, *.json) or a .zip; 0 or negative errno (logged). */
int osv_db_load_path(struct osv_db *db, const char *path);
/* Load the curated records compiled in. */
int osv_db_load_builtin(struct osv_db *db);
/* Records loaded, records skipped as malformed. */
void osv_db_counts(const struct osv_db *db, size_t *records, size_t *skipped);

/*
 * Call fn for every record affecting name at version in ecosystem ("Debian:12", "Alpine:v3.19").
 * A record is reported once per call. Returns fn's first non-zero value, or 0.
 */
int osv_db_match(const struct osv_db *db, const char *ecosystem, const char *name,
		 const char *version, enum ver_scheme scheme,
		 int (*fn)(const struct osv_hit *hit, void *arg), void *arg);

/* True when an affected ecosystem string ("Ubuntu:22.04:LTS") covers the queried one. */
bool osv_ecosystem_matches(const char *affected, const char *query);
/* CVSS v3.x base score of a vector string, or -1 when it is not a valid v3 vector. */
double osv_cvss3_score(const char *vector);
/* "CRITICAL" ... "LOW", "NONE" for a CVSS score. */
const char *osv_score_severity(double score);

/* osv_zip.c: call fn on each *.json member of a zip file (at most max bytes each). */
int osv_zip_foreach(const char *path, size_t max,
		    int (*fn)(const char *name, const char *buf, size_t len, void *arg), void *arg);

#endif
