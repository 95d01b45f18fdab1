// SPDX-License-Identifier: GPL-2.0-only
/*
 * scanners/version.c: fixed pairs with known answers for dpkg, apk and rpm, then dpkg ordering
 * checked against `dpkg --compare-versions` on real versions: every version in this machine's
 * apt lists and dpkg database, sorted with our comparator; adjacent pairs of that order (the
 * closest, most telling pairs) and random pairs are put to dpkg. DCEA_VERSION_PAIRS sets how many
 * of each (default 1000).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "scanners/version.h"

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

struct pair {
	const char *a, *b;
	int want;
};

static void check_pairs(enum ver_scheme s, const struct pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int got = sign(version_cmp(s, p[i].a, p[i].b));
		int rev = sign(version_cmp(s, p[i].b, p[i].a));

		if (got != p[i].want || rev != -p[i].want)
			fail_msg("scheme %d: cmp('%s', '%s') = %d (reverse %d), want %d", s, p[i].a,
				 p[i].b, got, rev, p[i].want);
	}
}

static void test_dpkg_known(void **state)
{
	static const struct pair p[] = {
		{ "1.0", "1.0", 0 },
		{ "1.0", "1.0-0", 0 },	  /* absent revision is "" which equals "0" */
		{ "1.0~rc1", "1.0", -1 }, /* tilde sorts before the end */
		{ "1.0~~", "1.0~", -1 },
		{ "1.0~rc1-1", "1.0-1", -1 },
		{ "1:0.9", "2.0", 1 }, /* epoch wins */
		{ "0:2.0", "2.0", 0 },
		{ "2.0-1", "2.0-1+deb12u1", -1 },
		{ "7.0.15-1~deb12u1", "7.0.15-1", -1 }, /* backports sort below the original */
		{ "1.22.1-9", "1.22.1-9+deb12u1", -1 },
		{ "1.0a", "1.0", 1 },  /* letters after the end */
		{ "1.0+", "1.0a", 1 }, /* non-letters after letters */
		{ "1.0.", "1.0+", 1 }, /* by ASCII among non-letters */
		{ "1.10", "1.9", 1 },
		{ "1.010", "1.10", 0 },	      /* leading zeros */
		{ "1.2-3-4", "1.2-3-5", -1 }, /* revision after the last hyphen */
		{ "3.0.11-1~deb12u2+b1", "3.0.11-1~deb12u2", 1 },
		{ "5:7.0.15-1~deb12u7", "5:7.0.15-1~deb12u1", 1 },
	};

	check_pairs(VER_DPKG, p, sizeof(p) / sizeof(p[0]));
}

static void test_apk_known(void **state)
{
	static const struct pair p[] = {
		{ "1.2.3-r0", "1.2.3-r1", -1 },
		{ "1.2.3-r10", "1.2.3-r9", 1 },
		{ "1.2.3", "1.2.3-r0", -1 },
		{ "1.2.3_rc1", "1.2.3", -1 },
		{ "1.2.3_alpha", "1.2.3_beta", -1 },
		{ "1.2.3_p1", "1.2.3", 1 },
		{ "1.2.3a", "1.2.3", 1 },
		{ "1.2.3a", "1.2.3b", -1 },
		{ "1.10", "1.9", 1 },
		{ "3.0.8-r0", "3.0.10-r0", -1 },
		{ "1.01", "1.1", -1 },
		{ "2.4.57-r0", "2.4.57-r0", 0 },
	};

	check_pairs(VER_APK, p, sizeof(p) / sizeof(p[0]));
}

static void test_rpm_known(void **state)
{
	static const struct pair p[] = {
		{ "1.0", "1.0", 0 },
		{ "1.0-1", "1.0-2", -1 },
		{ "1.0~rc1", "1.0", -1 },
		{ "1.0^git1", "1.0", 1 },
		{ "1.0^git1", "1.0.1", -1 },
		{ "1.0a", "1.0", 1 },
		{ "1.0", "1.0.1", -1 },
		{ "2:1.0", "1:9.0", 1 },
		{ "1.0-1.el9", "1.0-1.el9_2", -1 },
		{ "3.0.7-24.el9", "3.0.7-25.el9", -1 },
		{ "1.010", "1.10", 0 },
		{ "1.a", "1.1", -1 },  /* numeric segments are newer than alpha */
		{ "1.0-1", "1.0", 0 }, /* no release on one side: releases not compared */
	};

	check_pairs(VER_RPM, p, sizeof(p) / sizeof(p[0]));
	assert_int_equal(sign(rpmvercmp("1.0", "1.0.0")), -1);
	assert_int_equal(sign(rpmvercmp("fc4", "fc.4")), 0);
}

static int cmp_dpkg(const void *a, const void *b)
{
	return dpkg_version_cmp(*(char *const *)a, *(char *const *)b);
}

static char **collect(size_t *n)
{
	FILE *f = popen("{ apt-cache dumpavail 2>/dev/null | sed -n 's/^Version: //p';"
			" dpkg-query -W -f '${Version}\\n' 2>/dev/null; } | sort -u",
			"r");
	char line[512], **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || strchr(line, '\'') || strchr(line, ' '))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 4096;
			v = realloc(v, cap * sizeof(*v));
			assert_non_null(v);
		}
		v[(*n)++] = strdup(line);
	}
	pclose(f);
	return v;
}

static void test_dpkg_against_dpkg(void **state)
{
	const char *env = getenv("DCEA_VERSION_PAIRS");
	size_t n, npairs = env ? strtoul(env, NULL, 10) : 1500, total = 0, bad = 0;
	char **v, tmpl[] = "/tmp/dcea-vpairs.XXXXXX", cmd[512], line[64];
	FILE *in, *out;
	int fd;

	if (system("command -v dpkg >/dev/null 2>&1") != 0)
		skip();
	v = collect(&n);
	if (n < 100) {
		print_message("only %zu versions found, skipping\n", n);
		skip();
	}
	qsort(v, n, sizeof(*v), cmp_dpkg);
	fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	in = fdopen(fd, "w");
	srand(42);
	for (size_t k = 0; k < npairs; k++) {
		/* adjacent pairs spread over the whole order, then random pairs */
		size_t i = (size_t)((double)k * (n - 1) / npairs);

		fprintf(in, "%s %s\n", v[i], v[i + 1]);
		i = rand() % n;
		fprintf(in, "%s %s\n", v[i], v[rand() % n]);
	}
	fclose(in);
	snprintf(cmd, sizeof(cmd),
		 "while read a b; do if dpkg --compare-versions \"$a\" lt \"$b\"; then echo -1;"
		 " elif dpkg --compare-versions \"$a\" eq \"$b\"; then echo 0; else echo 1; fi;"
		 " done < %s",
		 tmpl);
	out = popen(cmd, "r");
	assert_non_null(out);
	in = fopen(tmpl, "r");
	while (fgets(line, sizeof(line), out)) {
		char pl[1100], a[512], b[512];
		int want = atoi(line), got;

		assert_non_null(fgets(pl, sizeof(pl), in));
		assert_int_equal(sscanf(pl, "%511s %511s", a, b), 2);
		got = sign(dpkg_version_cmp(a, b));
		total++;
		if (got != want) {
			bad++;
			print_error("dpkg says %s %s %s, we say %d\n", a,
				    want < 0 ? "<"
				    : want   ? ">"
					     : "=",
				    b, got);
		}
	}
	fclose(in);
	pclose(out);
	unlink(tmpl);
	print_message("%zu versions, %zu pairs compared with dpkg, %zu disagree\n", n, total, bad);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	assert_int_equal(total, 2 * npairs);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg_known),
		cmocka_unit_test(test_apk_known),
		cmocka_unit_test(test_rpm_known),
		cmocka_unit_test(test_dpkg_against_dpkg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
