/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Installed packages of an image, read from whichever package databases it has: dpkg
 * (var/lib/dpkg/status, and status.d/ of distroless images), apk (lib/apk/db/installed) and rpm
 * (the sqlite rpmdb). The parsers are pure functions of a buffer, so they are tested on fixtures.
 */
#ifndef DCEA_SCANNERS_PKGDB_H
#define DCEA_SCANNERS_PKGDB_H

#include <stddef.h>

#include "scanners/image_fs.h"
#include "scanners/version.h"

struct pkg {
	char *name; /* binary package */
	char *version;
	char *source;	      /* source package (dpkg Source, apk origin, rpm name); never NULL */
	char *source_version; /* never NULL */
	char *arch;	      /* may be NULL */
	const char *db;	      /* "dpkg", "apk", "rpm" */
	enum ver_scheme scheme;
};

struct pkglist {
	struct pkg *v;
	size_t n, cap;
};

/* Append the installed packages of a dpkg status file (or a status.d entry). label for errors. */
int pkgdb_parse_dpkg(const char *buf, size_t len, const char *label, struct pkglist *out);
/* Append the packages of an apk installed database. */
int pkgdb_parse_apk(const char *buf, size_t len, const char *label, struct pkglist *out);
/* Append the packages of an rpm sqlite database image (rpmdb.sqlite), read from memory. */
int pkgdb_parse_rpm_sqlite(const void *buf, size_t len, const char *label, struct pkglist *out);

/*
 * Read every package database present in fs. Returns the number of databases found (0: none),
 * or a negative errno (logged) when one exists but cannot be read.
 */
int pkgdb_read(struct imgfs *fs, struct pkglist *out);

/* Sort by name, then version. */
void pkglist_sort(struct pkglist *l);
const struct pkg *pkglist_find(const struct pkglist *l, const char *name);
void pkglist_free(struct pkglist *l); /* accepts NULL; leaves an empty list */

/* Internal: append a package (strings copied; source/source_version default to name/version). */
int pkglist_add(struct pkglist *l, const char *db, enum ver_scheme scheme, const char *name,
		const char *version, const char *source, const char *source_version,
		const char *arch);

#endif
