// SPDX-License-Identifier: GPL-2.0-only
/*
 * scanners/image*.c: both archive formats of the same two-layer image (whiteouts, an opaque
 * directory, symlinked os-release, a symlinked duplicate layer, gzip + plain and zstd + gzip
 * layers), distribution detection, the scan's findings, and every crafted bad archive: each must
 * fail with its own clear error, or (symlink tricks) resolve inside the image only.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"
#include "scanners/image.h"

#define FX(name) FIXTURES "/image/" name

static int count_cb(const char *name, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void check_fs(struct imgfs *fs)
{
	char *buf;
	size_t len;
	int n = 0;

	/* symlink etc/os-release -> ../usr/lib/os-release */
	assert_int_equal(imgfs_read(fs, "etc/os-release", &buf, &len), 0);
	assert_non_null(strstr(buf, "ID=debian"));
	free(buf);
	/* whited out by layer 2 */
	assert_int_equal(imgfs_read(fs, "etc/debian_version", &buf, &len), -ENOENT);
	/* opaque var/lib/dpkg: status replaced, status-old gone */
	assert_int_equal(imgfs_read(fs, "var/lib/dpkg/status-old", &buf, &len), -ENOENT);
	assert_int_equal(imgfs_read(fs, "var/lib/dpkg/status", &buf, &len), 0);
	assert_non_null(strstr(buf, "Version: 1.22.1-9\n"));
	free(buf);
	assert_int_equal(imgfs_list(fs, "var/lib/dpkg/status.d", count_cb, &n), 0);
	assert_int_equal(n, 2);
}

static void test_formats(void **state)
{
	const char *targets[] = { FX("docker-archive.tar"), FX("oci-archive.tar") };
	const char *formats[] = { "docker-archive", "oci-archive" };
	const char *refs[] = { "fixture:latest", "fixture-oci" };
	const char *codecs[] = { "gzip+plain", "zstd+gzip" };

	for (int i = 0; i < 2; i++) {
		struct image_info info;
		struct imgfs *fs = NULL;
		struct distro d;

		assert_int_equal(image_load(targets[i], NULL, image_wanted, &fs, &info), 0);
		assert_string_equal(info.format, formats[i]);
		assert_string_equal(info.ref, refs[i]);
		assert_string_equal(info.codecs, codecs[i]);
		assert_int_equal(info.layers, 2);
		check_fs(fs);
		distro_detect(fs, &d);
		assert_string_equal(d.id, "debian");
		assert_string_equal(d.ecosystem, "Debian:12");
		imgfs_free(fs);
	}
}

static void test_scan(void **state)
{
	struct image_scan_opts o = { .target = FX("oci-archive.tar") };
	struct image_scan_result res;
	struct scan_report r;
	const struct scan_finding *f;
	struct osv_db *db = osv_db_new();
	const struct pkg *p;
	bool fixed_line = false;

	assert_int_equal(osv_db_load_builtin(db), 0);
	o.db = db;
	scan_report_init(&r);
	assert_int_equal(scan_image(&o, &r, &res), 0);
	/* status (not the config-files one) + status.d entry, .md5sums skipped */
	assert_int_equal(res.pkgs.n, 5);
	p = pkglist_find(&res.pkgs, "libssl3");
	assert_non_null(p);
	assert_string_equal(p->version, "3.0.11-1~deb12u2+b1");
	assert_string_equal(p->source, "openssl");
	assert_string_equal(p->source_version, "3.0.11-1~deb12u2");
	assert_null(pkglist_find(&res.pkgs, "removed-pkg"));
	assert_non_null(pkglist_find(&res.pkgs, "base-files"));
	f = scan_find(&r, "image.CVE-2024-21626");
	assert_non_null(f);
	assert_int_equal(f->result, SCAN_FAIL);
	assert_int_equal(f->severity, SEV_HIGH);
	for (size_t i = 0; i < f->ndetail; i++)
		fixed_line |= !strcmp(f->detail[i], "fixed in 1.1.5+ds1-1+deb12u1 (Debian:12)");
	assert_true(fixed_line);
	f = scan_find(&r, "image.CVE-2025-23419");
	assert_non_null(f);
	assert_non_null(scan_find(&r, "image.components"));
	assert_int_equal(scan_exit_code(&r, SEV_HIGH), 1);
	image_scan_result_free(&res);
	scan_report_free(&r);
	osv_db_free(db);
}

/* apk on Alpine and the sqlite rpmdb (WAL mode, var/lib/rpm a symlink) on Rocky, end to end */
static void test_apk_rpm(void **state)
{
	static const struct {
		const char *file, *eco, *check, *pkg;
		size_t npkgs;
	} c[] = {
		{ FX("alpine.tar"), "Alpine:v3.19", "image.TEST-ALPINE", "baz-libs", 2 },
		{ FX("rocky.tar"), "Rocky Linux:9", "image.CVE-2099-0002", "openssl-libs", 2 },
	};
	struct osv_db *db = osv_db_new();

	assert_int_equal(osv_db_load_path(db, FX("osv.zip")), 0);
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct image_scan_opts o = { .target = c[i].file, .db = db };
		struct image_scan_result res;
		struct scan_report r;

		scan_report_init(&r);
		assert_int_equal(scan_image(&o, &r, &res), 0);
		assert_string_equal(res.distro.ecosystem, c[i].eco);
		assert_int_equal(res.pkgs.n, c[i].npkgs); /* rpm: gpg-pubkey left out */
		assert_non_null(pkglist_find(&res.pkgs, c[i].pkg));
		assert_non_null(scan_find(&r, c[i].check));
		image_scan_result_free(&res);
		scan_report_free(&r);
	}
	osv_db_free(db);
}

static void test_bad(void **state)
{
	static const struct {
		const char *file;
		int err;
	} bad[] = {
		{ "bad-traversal.tar", -EINVAL },     { "bad-absolute.tar", -EINVAL },
		{ "bad-hardlink-out.tar", -EINVAL },  { "bad-huge-size.tar", -ERANGE },
		{ "bad-negative-size.tar", -ERANGE }, { "bad-bad-octal.tar", -EINVAL },
		{ "bad-bad-checksum.tar", -EBADMSG }, { "bad-truncated-entry.tar", -EBADMSG },
		{ "bad-bomb.tar", -EFBIG },	      { "bad-truncated-gzip.tar", -EBADMSG },
		{ "bad-corrupt-gzip.tar", -EBADMSG }, { "bad-manifest-json.tar", -EBADMSG },
		{ "bad-missing-blob.tar", -ENOENT },  { "bad-manifest-escape.tar", -EINVAL },
		{ "bad-digest.tar", -EINVAL },	      { "bad-cyclic-index.tar", -ELOOP },
	};
	struct stream_limits lim = { .max_out = 1ULL << 30, .max_ratio = 1000 };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char path[512];
		struct image_info info;
		struct imgfs *fs = NULL;
		int err;

		snprintf(path, sizeof(path), FIXTURES "/image/%s", bad[i].file);
		err = image_load(path, &lim, image_wanted, &fs, &info);
		if (err != bad[i].err)
			fail_msg("%s: got %d, want %d", bad[i].file, err, bad[i].err);
		assert_null(fs);
	}
	/* found by fuzzing: a member past the end leaked its name (LeakSanitizer) */
	{
		const char *path = FIXTURES "/fuzz-regressions/image_archive/member-past-end-leak";
		struct image_info info;
		struct imgfs *fs = NULL;

		assert_int_equal(image_load(path, &lim, image_wanted, &fs, &info), -EBADMSG);
		assert_null(fs);
	}
}

/* A symlink loop and an absolute symlink climbing with "..": resolved inside the image only. */
static void test_symlink_tricks(void **state)
{
	struct image_info info;
	struct imgfs *fs = NULL;
	struct pkglist l = { 0 };
	char *buf;
	size_t len;

	assert_int_equal(image_load(FX("bad-symlink-loop.tar"), NULL, image_wanted, &fs, &info), 0);
	assert_int_equal(imgfs_read(fs, "etc/os-release", &buf, &len), -ELOOP);
	/* /../../../../var/lib/dpkg/status is the link itself inside the image: a loop, never
	 * the host's dpkg database */
	assert_int_not_equal(imgfs_read(fs, "var/lib/dpkg/status", &buf, &len), 0);
	assert_int_equal(pkgdb_read(fs, &l), 0);
	assert_int_equal(l.n, 0);
	imgfs_free(fs);
}

static void test_rootfs_dir(void **state)
{
	struct imgfs *fs;
	char *buf;
	size_t len;

	/* the fixtures directory as a "rootfs": reads stay inside it */
	assert_int_equal(imgfs_open_dir(FIXTURES "/image", &fs), 0);
	assert_int_equal(imgfs_read(fs, "osv/TEST-ALPINE.json", &buf, &len), 0);
	free(buf);
	assert_int_equal(imgfs_read(fs, "../../../../etc/passwd", &buf, &len), -ENOENT);
	assert_int_equal(imgfs_read(fs, "/etc/passwd", &buf, &len), -ENOENT);
	imgfs_free(fs);
}

static void test_distro(void **state)
{
	struct distro d = { 0 };

	distro_parse_os_release("ID=alpine\nVERSION_ID=3.19.1\n", &d);
	distro_finish(&d);
	assert_string_equal(d.ecosystem, "Alpine:v3.19");
	assert_int_equal(d.scheme, VER_APK);
	memset(&d, 0, sizeof(d));
	distro_parse_os_release("ID=\"ubuntu\"\nVERSION_ID=\"22.04\"\n", &d);
	distro_finish(&d);
	assert_string_equal(d.ecosystem, "Ubuntu:22.04");
	memset(&d, 0, sizeof(d));
	distro_parse_os_release("ID=\"rocky\"\nVERSION_ID=\"9.3\"\n", &d);
	distro_finish(&d);
	assert_string_equal(d.ecosystem, "Rocky Linux:9");
	assert_int_equal(d.scheme, VER_RPM);
	memset(&d, 0, sizeof(d));
	snprintf(d.codename, sizeof(d.codename), "bookworm");
	distro_finish(&d);
	assert_string_equal(d.ecosystem, "Debian:12");
	assert_true(image_wanted("var/lib/dpkg/status"));
	assert_true(image_wanted("var/lib/dpkg/status.d/base"));
	assert_false(image_wanted("var/lib/dpkg/status-old"));
	assert_false(image_wanted("usr/bin/ls"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),	       cmocka_unit_test(test_scan),
		cmocka_unit_test(test_apk_rpm),	       cmocka_unit_test(test_bad),
		cmocka_unit_test(test_symlink_tricks), cmocka_unit_test(test_rootfs_dir),
		cmocka_unit_test(test_distro),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
