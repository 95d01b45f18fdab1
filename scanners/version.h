/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Package version ordering of the three package managers an image may use. Each comparison
 * returns <0, 0 or >0 like strcmp. They never fail: a malformed version still orders somewhere,
 * the way the package manager itself orders it where it accepts it.
 */
#ifndef DCEA_SCANNERS_VERSION_H
#define DCEA_SCANNERS_VERSION_H

enum ver_scheme {
	VER_DPKG, /* Debian, Ubuntu: [epoch:]upstream[-revision], '~' sorts first */
	VER_APK,  /* Alpine: 1.2.3a_rc1-r0 */
	VER_RPM,  /* Red Hat family: [epoch:]version[-release], rpmvercmp */
};

/* dpkg --compare-versions ordering (lib/dpkg/version.c). */
int dpkg_version_cmp(const char *a, const char *b);
/* apk-tools 2 ordering (src/version.c): digits, letter, _suffix, -r revision. */
int apk_version_cmp(const char *a, const char *b);
/* rpm's rpmvercmp() on one version or release string, with '~' and '^'. */
int rpmvercmp(const char *a, const char *b);
/* rpm EVR ordering: epoch (absent = 0), then version, then release (absent matches any). */
int rpm_evr_cmp(const char *a, const char *b);

int version_cmp(enum ver_scheme s, const char *a, const char *b);

#endif
