/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The installed vulnerability database of `dcea db update` and the image scan: OSV exports
 * fetched from configurable URLs, verified (HTTP status and length, the server's MD5 in
 * x-goog-hash as Google Cloud Storage sends it, a pinned or published SHA-256, the zip's CRC-32s,
 * every record parsed) and installed atomically:
 *
 *	ROOT/current -> gen-20261204T201500Z-1234	(a symlink, replaced with rename(2))
 *	ROOT/gen-.../manifest.json			(what, from where, when, checksums)
 *	ROOT/gen-.../Debian.zip ...
 *
 * A failed update leaves ROOT/current as it was. ROOT is /var/lib/dcea/db, $DCEA_DB_ROOT or --root.
 */
#ifndef DCEA_SCANNERS_DBSTORE_H
#define DCEA_SCANNERS_DBSTORE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <json-c/json.h>

#include "scanners/osv.h"

#define DB_DEFAULT_ROOT	    "/var/lib/dcea/db"
#define DB_DEFAULT_SOURCES  "/etc/dcea/db-sources"
#define DB_DEFAULT_MAX_AGE  7  /* days: scans warn about older data */
#define DB_DEFAULT_STALL    60 /* seconds below 1 byte/s before a download is abandoned */
#define DB_DEFAULT_MAX_SIZE (4ULL << 30)
#define DB_MAX_SOURCES	    16

struct db_source {
	char name[64];	       /* file name in the store: [A-Za-z0-9._-] */
	char url[1024];	       /* http, https or file */
	char sha256[65];       /* pinned checksum (hex), or "" */
	char sha256_url[1024]; /* a URL whose first word is the checksum, or "" */
};

struct db_sources {
	struct db_source v[DB_MAX_SOURCES];
	size_t n;
};

/* --root, else $DCEA_DB_ROOT, else /var/lib/dcea/db */
const char *db_root(const char *opt);
/* osv.dev's Debian, Ubuntu, Alpine exports and its Linux (kernel CNA) records */
void db_sources_default(struct db_sources *s);
/* "NAME URL [sha256=HEX] [sha256-url=URL]" per line, '#' comments; errors "FILE:LINE: ..." */
int db_sources_read(const char *path, struct db_sources *s, char *err, size_t errlen);
/* "NAME=URL" from the command line */
int db_source_add(struct db_sources *s, const char *arg, char *err, size_t errlen);

struct db_update_opts {
	const char *root;
	const struct db_sources *sources;
	long stall_secs;   /* 0: DB_DEFAULT_STALL */
	uint64_t max_size; /* 0: DB_DEFAULT_MAX_SIZE */
};
/* Fetch, verify, install; 0 or negative errno with the reason logged. Nothing changes on error. */
int db_update(const struct db_update_opts *o);

/* db_fetch.c (libcurl): url into fd; sha256/md5 of what was written; the server's x-goog-hash
 * MD5 (base64) into goog_md5 when it sent one. 0 or negative errno, reason in err. */
struct db_fetch_result {
	uint64_t bytes;
	unsigned char sha256[32], md5[16];
	char goog_md5[64];
	long http_code;
};
int db_fetch(const char *url, int fd, long stall_secs, uint64_t max_size,
	     struct db_fetch_result *res, char *err, size_t errlen);

struct db_installed {
	char dir[4096]; /* ROOT/gen-... */
	json_object *manifest;
	time_t updated;
	/* how old the data is: the newest record of any source ('newest' in the manifest), when
	 * that is older than the update (an old export imported today is old data); else updated */
	time_t data_time;
};
/* 0, -ENOENT when nothing is installed, other negative errno (logged) */
int db_installed_open(const char *root, struct db_installed *d);
void db_installed_close(struct db_installed *d); /* accepts a zeroed one */
/* Load the sources whose records cover ecosystem's base ("Debian" for "Debian:12"); for NULL
 * every one but "Linux" (the kernel CNA's records, which no image ecosystem matches). */
int db_installed_load(const struct db_installed *d, struct osv_db *db, const char *ecosystem);

int cmd_db(int argc, char **argv);

#endif
