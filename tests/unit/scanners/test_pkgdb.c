// SPDX-License-Identifier: GPL-2.0-only
/*
 * scanners/pkgdb*.c: dpkg status (states, Source with version, continuation lines), apk
 * installed, and an rpm sqlite database built here with real rpm header blobs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <cmocka.h>

#include "scanners/pkgdb.h"

static void test_dpkg(void **state)
{
	static const char status[] =
		"Package: a\nStatus: install ok installed\nVersion: 1:2.0-1\n"
		"Source: asrc (1:2.0-0.1)\nDescription: x\n Version: 9\n\n"
		"Package: b\nStatus: deinstall ok config-files\nVersion: 1\n\n"
		"Package: c\nStatus: hold ok half-configured\nVersion: 3~rc1\r\n"
		"\n\n\nPackage: d\nStatus: install ok installed\n";
	struct pkglist l = { 0 };

	assert_int_equal(pkgdb_parse_dpkg(status, sizeof(status) - 1, "t", &l), 0);
	assert_int_equal(l.n, 2); /* b not installed, d has no version */
	assert_string_equal(l.v[0].name, "a");
	assert_string_equal(l.v[0].version, "1:2.0-1");
	assert_string_equal(l.v[0].source, "asrc");
	assert_string_equal(l.v[0].source_version, "1:2.0-0.1");
	assert_string_equal(l.v[1].name, "c");
	assert_string_equal(l.v[1].version, "3~rc1");
	assert_string_equal(l.v[1].source, "c");
	pkglist_free(&l);
}

static void test_apk(void **state)
{
	static const char db[] = "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n\n"
				 "P:libssl3\nV:3.1.4-r1\no:openssl\nA:x86_64\n\nP:broken\n";
	struct pkglist l = { 0 };

	assert_int_equal(pkgdb_parse_apk(db, sizeof(db) - 1, "t", &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[1].name, "libssl3");
	assert_string_equal(l.v[1].source, "openssl");
	assert_string_equal(l.v[1].version, "3.1.4-r1");
	assert_int_equal(l.v[1].scheme, VER_APK);
	pkglist_free(&l);
}

/* An rpm header blob: index entries (tag, type, offset, count) then the data store. */
static size_t header_blob(unsigned char *out, const char *name, const char *ver, const char *rel,
			  int epoch, const char *srpm)
{
	struct {
		uint32_t tag, type;
		const char *s;
		int i;
	} e[] = {
		{ 1000, 6, name, 0 },	  { 1001, 6, ver, 0 },	{ 1002, 6, rel, 0 },
		{ 1022, 6, "x86_64", 0 }, { 1044, 6, srpm, 0 }, { 1003, 4, NULL, epoch },
	};
	uint32_t il = epoch >= 0 ? 6 : 5, dl = 0, v;
	unsigned char data[1024];

	for (uint32_t i = 0; i < il; i++) {
		uint32_t ent[4] = { htonl(e[i].tag), htonl(e[i].type), htonl(dl), htonl(1) };

		memcpy(out + 8 + i * 16, ent, 16);
		if (e[i].s) {
			memcpy(data + dl, e[i].s, strlen(e[i].s) + 1);
			dl += strlen(e[i].s) + 1;
		} else {
			/* int32 data is 4-aligned in real headers; offsets are what matter here */
			v = htonl(e[i].i);
			memcpy(data + dl, &v, 4);
			dl += 4;
		}
	}
	v = htonl(il);
	memcpy(out, &v, 4);
	v = htonl(dl);
	memcpy(out + 4, &v, 4);
	memcpy(out + 8 + il * 16, data, dl);
	return 8 + il * 16 + dl;
}

static void test_rpm(void **state)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	unsigned char blob[2048];
	unsigned char *img;
	sqlite3_int64 size;
	struct pkglist l = { 0 };
	size_t n;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob "
				      "BLOB NOT NULL)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &st, NULL),
		SQLITE_OK);
	n = header_blob(blob, "openssl-libs", "3.0.7", "24.el9", 1, "openssl-3.0.7-24.el9.src.rpm");
	sqlite3_bind_blob(st, 1, blob, n, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_reset(st);
	n = header_blob(blob, "bash", "5.1.8", "6.el9", -1, "bash-5.1.8-6.el9.src.rpm");
	sqlite3_bind_blob(st, 1, blob, n, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_reset(st);
	sqlite3_bind_blob(st, 1, "\0\0\0\xff\0\0\0\x01", 8, SQLITE_TRANSIENT); /* malformed */
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	img = sqlite3_serialize(db, "main", &size, 0);
	assert_non_null(img);
	sqlite3_close(db);

	assert_int_equal(pkgdb_parse_rpm_sqlite(img, size, "rpmdb.sqlite", &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].name, "openssl-libs");
	assert_string_equal(l.v[0].version, "1:3.0.7-24.el9");
	assert_string_equal(l.v[0].source, "openssl");
	assert_string_equal(l.v[0].source_version, "1:3.0.7-24.el9");
	assert_string_equal(l.v[1].version, "5.1.8-6.el9");
	assert_int_equal(l.v[1].scheme, VER_RPM);
	pkglist_free(&l);
	assert_int_equal(pkgdb_parse_rpm_sqlite("SQLite format 3", 16, "x", &l), -EBADMSG);
	sqlite3_free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg),
		cmocka_unit_test(test_apk),
		cmocka_unit_test(test_rpm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
