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
	char **aliases; /* aliases[] and upstream[] (osv.dev's DEBIAN-CVE records use upstream) */
	size_t naliases;
	char *summary;
	char *severity;	   /* "CRITICAL" "HIGH" "MEDIUM" "LOW" or NULL: from the CVSS v3 vector */
	double score;	   /* CVSS v3 base score computed from the vector, or 0 */
	char *cvss;	   /* that vector, or NULL */
	char *rating;	   /* the record's own word: severity[] of type Ubuntu/Debian, or
			      database_specific.severity, as written; NULL: none */
	char *rating_from; /* where rating came from: "Ubuntu priority", "database_specific" */
	char *reference;   /* first advisory or web reference, or NULL */
	char *source;	   /* database_specific.source, else the file it came from */
	char *modified;	   /* "modified" as written, or NULL */
	bool builtin;	   /* loaded by osv_db_load_builtin() */
};

struct osv_hit {
	const struct osv_vuln *vuln;
	const char *ecosystem; /* of the matching affected[] entry, e.g. "Debian:12" */
	const char *fixed;     /* first fixed version above the installed one, NULL: none */
	const char *urgency;   /* the entry's own rating as written ("unimportant", "not yet
				  assigned"), NULL: none */
};

/* How bad a hit is, from the data only (osv_hit_severity). */
struct osv_severity {
	const char *level; /* "CRITICAL" "HIGH" "MEDIUM" "LOW", NULL: the data has none */
	char from[160];	   /* "Debian urgency 'unimportant' (Debian:12)", "CVSS 3.1 9.8 (...)" */
};

struct osv_db;

struct osv_db *osv_db_new(void);
void osv_db_free(struct osv_db *db); /* accepts NULL */

/* Load one JSON document (a record or an array of records); label names it in errors. */
int osv_db_load_json(struct osv_db *db, const char *buf, size_t len, const char *label);
/* Load a .json file, a directory (recursively, *.json) or a .zip; 0 or negative errno (logged). */
int osv_db_load_path(struct osv_db *db, const char *path);
/* Skip every document that contains none of the n needles before parsing it (n 0: none is
 * skipped); the kernel scan wants only the records naming its rules' CVEs out of a whole
 * distribution's export. The needles must outlive the loading. */
void osv_db_only_containing(struct osv_db *db, const char *const *needles, size_t n);
/* Load the curated records compiled in (their vuln->builtin is set). */
int osv_db_load_builtin(struct osv_db *db);
void osv_db_builtin_mode(struct osv_db *db, bool on);
/* Records loaded, records skipped as malformed. */
void osv_db_counts(const struct osv_db *db, size_t *records, size_t *skipped);

/*
 * Call fn for every record affecting name at version in ecosystem ("Debian:12", "Alpine:v3.19").
 * A record is reported once per call. Returns fn's first non-zero value, or 0.
 */
int osv_db_match(const struct osv_db *db, const char *ecosystem, const char *name,
		 const char *version, enum ver_scheme scheme,
		 int (*fn)(const struct osv_hit *hit, void *arg), void *arg);

/*
 * The severity of a hit, from the data only, first of: the distribution's own rating for that
 * release (Debian urgency, Ubuntu priority, an ecosystem_specific/database_specific severity of
 * the entry; "not yet assigned", "end-of-life" and "unknown" are not ratings), the record's
 * highest CVSS v3 vector, the record's own word (database_specific.severity). None: level NULL.
 */
void osv_hit_severity(const struct osv_hit *h, struct osv_severity *out);
/* "CRITICAL" ... "LOW" for a rating word (critical, important, moderate, negligible, unimportant
 * ...), NULL when the word is not a rating. */
const char *osv_rating_level(const char *word);
/*
 * What the records naming alias (their id, aliases or upstream) say of name at version in one
 * release ("Debian:12", "Ubuntu:22.04": only entries of that release count, never a release-less
 * one). vuln NULL: no such record has an entry for the package there. Several records: affected
 * when any says so.
 */
struct osv_judgement {
	const struct osv_vuln *vuln; /* the record that decided */
	const char *ecosystem;	     /* its entry's, as written ("Ubuntu:22.04:LTS") */
	bool affected;
	const char *fixed;   /* affected: first fix above the version, NULL none; not affected:
				the highest fix at or below it, NULL when outside every range */
	const char *urgency; /* the entry's own rating as written, NULL: none */
};
void osv_db_judge(const struct osv_db *db, const char *ecosystem, const char *name,
		  const char *version, enum ver_scheme scheme, const char *alias,
		  struct osv_judgement *out);
/* Is there any record for name in ecosystem (whatever the version)? */
bool osv_db_has_package(const struct osv_db *db, const char *ecosystem, const char *name);
/* The newest "modified" of the records loaded ("2026-11-30T..."), or NULL. */
const char *osv_db_newest(const struct osv_db *db);

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
