// SPDX-License-Identifier: GPL-2.0-only
/*
 * rpm's sqlite database (rpm >= 4.16: Fedora 33+, RHEL 9, Rocky/Alma 9, openSUSE): table
 * Packages(hnum, blob), each blob an rpm header without lead or magic. The file is opened from
 * memory with sqlite3_deserialize, never written to disk. Berkeley DB and ndb rpmdbs (RHEL <= 8)
 * are not read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "scanners/pkgdb.h"

enum {
	RPMTAG_NAME = 1000,
	RPMTAG_VERSION = 1001,
	RPMTAG_RELEASE = 1002,
	RPMTAG_EPOCH = 1003,
	RPMTAG_ARCH = 1022,
	RPMTAG_SOURCERPM = 1044,
	RPM_INT32_TYPE = 4,
	RPM_STRING_TYPE = 6,
	RPM_I18NSTRING_TYPE = 9,
	HEADER_MAX_INDEX = 0x0000ffff, /* rpm's own limits (hdrblobVerifyInfo) */
	HEADER_MAX_DATA = 0x0fffffff,
};

struct hdr {
	const unsigned char *idx, *data;
	uint32_t il, dl;
};

static uint32_t be32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

static int hdr_init(struct hdr *h, const unsigned char *blob, size_t len)
{
	if (len < 8)
		return -EBADMSG;
	h->il = be32(blob);
	h->dl = be32(blob + 4);
	if (h->il > HEADER_MAX_INDEX || h->dl > HEADER_MAX_DATA ||
	    8 + (uint64_t)h->il * 16 + h->dl > len)
		return -EBADMSG;
	h->idx = blob + 8;
	h->data = h->idx + (size_t)h->il * 16;
	return 0;
}

/* A string tag, NUL-terminated inside the data area, or NULL. */
static const char *hdr_str(const struct hdr *h, uint32_t tag)
{
	for (uint32_t i = 0; i < h->il; i++) {
		const unsigned char *e = h->idx + i * 16;
		uint32_t type = be32(e + 4), off = be32(e + 8);

		if (be32(e) != tag)
			continue;
		if ((type != RPM_STRING_TYPE && type != RPM_I18NSTRING_TYPE) || off >= h->dl ||
		    !memchr(h->data + off, '\0', h->dl - off))
			return NULL;
		return (const char *)h->data + off;
	}
	return NULL;
}

static int hdr_int(const struct hdr *h, uint32_t tag, uint32_t *v)
{
	for (uint32_t i = 0; i < h->il; i++) {
		const unsigned char *e = h->idx + i * 16;
		uint32_t off = be32(e + 8);

		if (be32(e) != tag)
			continue;
		if (be32(e + 4) != RPM_INT32_TYPE || off > h->dl - 4 || h->dl < 4)
			return -EBADMSG;
		*v = be32(h->data + off);
		return 0;
	}
	return -ENOENT;
}

/* "openssl-3.0.7-24.el9.src.rpm" -> name "openssl", version-release "3.0.7-24.el9" */
static void split_srpm(const char *srpm, char **name, char **vr)
{
	char *s = strdup(srpm), *p, *r;

	*name = *vr = NULL;
	if (!s)
		return;
	p = strstr(s, ".src.rpm");
	if (!p)
		p = strstr(s, ".nosrc.rpm");
	if (p)
		*p = '\0';
	r = strrchr(s, '-');
	if (r) {
		*r = '\0';
		p = strrchr(s, '-');
		*r = '-';
		if (p) {
			*vr = strdup(p + 1);
			*p = '\0';
			*name = strdup(s);
		}
	}
	free(s);
}

static int add_header(const unsigned char *blob, size_t len, const char *label, struct pkglist *out)
{
	const char *name, *ver, *rel, *arch, *srpm;
	char evr[512], *sname = NULL, *svr = NULL, sevr[512];
	uint32_t epoch = 0;
	bool has_epoch;
	struct hdr h;
	int err;

	err = hdr_init(&h, blob, len);
	if (err)
		return err;
	name = hdr_str(&h, RPMTAG_NAME);
	ver = hdr_str(&h, RPMTAG_VERSION);
	rel = hdr_str(&h, RPMTAG_RELEASE);
	arch = hdr_str(&h, RPMTAG_ARCH);
	srpm = hdr_str(&h, RPMTAG_SOURCERPM);
	if (!name || !ver || !rel)
		return -EBADMSG;
	/* gpg-pubkey pseudo packages are keys, not software */
	if (!strcmp(name, "gpg-pubkey"))
		return 0;
	has_epoch = hdr_int(&h, RPMTAG_EPOCH, &epoch) == 0;
	if (has_epoch)
		snprintf(evr, sizeof(evr), "%u:%s-%s", epoch, ver, rel);
	else
		snprintf(evr, sizeof(evr), "%s-%s", ver, rel);
	if (srpm)
		split_srpm(srpm, &sname, &svr);
	if (svr && has_epoch)
		snprintf(sevr, sizeof(sevr), "%u:%s", epoch, svr);
	else
		snprintf(sevr, sizeof(sevr), "%s", svr ? svr : evr);
	/* OSV data for rpm distros names binary packages: the source is kept for display only */
	err = pkglist_add(out, "rpm", VER_RPM, name, evr, sname ? sname : name, sevr, arch);
	free(sname);
	free(svr);
	(void)label;
	return err;
}

int pkgdb_parse_rpm_sqlite(const void *buf, size_t len, const char *label, struct pkglist *out)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned char *copy = NULL;
	int rc, err = 0, bad = 0;

	if (len < 100 || memcmp(buf, "SQLite format 3", 16)) {
		log_err("failed to read '%s': not an sqlite database", label);
		return -EBADMSG;
	}
	copy = sqlite3_malloc64(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	/* a WAL-mode file read from memory: switch its header to the rollback journal */
	if (copy[18] == 2)
		copy[18] = 1;
	if (copy[19] == 2)
		copy[19] = 1;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		sqlite3_free(copy);
		err = -ENOMEM;
		goto cleanup;
	}
	rc = sqlite3_deserialize(db, "main", copy, len, len,
				 SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
	if (rc != SQLITE_OK) {
		log_err("failed to open '%s': %s", label, sqlite3_errmsg(db));
		err = -EBADMSG;
		goto cleanup;
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	rc = sqlite3_prepare_v2(db, "SELECT blob FROM Packages", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		log_err("failed to read '%s': %s", label, sqlite3_errmsg(db));
		err = -EBADMSG;
		goto cleanup;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *blob = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0);

		err = blob ? add_header(blob, n, label, out) : -EBADMSG;
		if (err == -EBADMSG) {
			bad++;
			err = 0;
		}
		if (err)
			goto cleanup;
	}
	if (rc != SQLITE_DONE) {
		log_err("failed to read '%s': %s", label, sqlite3_errmsg(db));
		err = -EBADMSG;
		goto cleanup;
	}
	if (bad)
		log_warn("'%s': %d malformed package headers, ignoring", label, bad);
cleanup:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return err;
}
