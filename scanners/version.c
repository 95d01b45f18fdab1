// SPDX-License-Identifier: GPL-2.0-only
/*
 * Version ordering, reimplemented from the package managers' own sources so that results agree
 * with them bit for bit: dpkg lib/dpkg/version.c (verrevcmp), apk-tools 2 src/version.c, rpm
 * rpmio/rpmvercmp.c. The dpkg ordering is checked against `dpkg --compare-versions` by the tests.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "scanners/version.h"

/* ---- dpkg ---- */

static int dpkg_order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

/* Compare [a, ae) with [b, be) the way dpkg's verrevcmp() does. */
static int verrevcmp(const char *a, const char *ae, const char *b, const char *be)
{
#define CA (a < ae ? (unsigned char)*a : 0)
#define CB (b < be ? (unsigned char)*b : 0)
	while (a < ae || b < be) {
		int first_diff = 0;

		while ((CA && !isdigit(CA)) || (CB && !isdigit(CB))) {
			int ac = dpkg_order(CA), bc = dpkg_order(CB);

			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (CA == '0')
			a++;
		while (CB == '0')
			b++;
		while (isdigit(CA) && isdigit(CB)) {
			if (!first_diff)
				first_diff = CA - CB;
			a++;
			b++;
		}
		if (isdigit(CA))
			return 1;
		if (isdigit(CB))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
#undef CA
#undef CB
}

struct evr {
	unsigned long epoch;
	const char *v, *ve; /* upstream version */
	const char *r, *re; /* revision/release; r == re when absent */
	int has_rel;
};

/* Split [epoch:]version[-release]; the release starts after the last '-'. */
static void split_evr(const char *s, struct evr *e)
{
	const char *colon = strchr(s, ':'), *dash, *end = s + strlen(s);

	e->epoch = 0;
	while (*s == ' ')
		s++;
	if (colon) {
		e->epoch = strtoul(s, NULL, 10);
		s = colon + 1;
	}
	dash = strrchr(s, '-');
	e->v = s;
	if (dash) {
		e->ve = dash;
		e->r = dash + 1;
		e->re = end;
		e->has_rel = 1;
	} else {
		e->ve = end;
		e->r = e->re = end;
		e->has_rel = 0;
	}
}

int dpkg_version_cmp(const char *a, const char *b)
{
	struct evr ea, eb;
	int rc;

	split_evr(a, &ea);
	split_evr(b, &eb);
	if (ea.epoch != eb.epoch)
		return ea.epoch > eb.epoch ? 1 : -1;
	rc = verrevcmp(ea.v, ea.ve, eb.v, eb.ve);
	if (rc)
		return rc;
	return verrevcmp(ea.r, ea.re, eb.r, eb.re);
}

/* ---- rpm ---- */

/* rpmvercmp over [a, ae) and [b, be), no copies and no writes into the strings. */
static int rpmvercmp_n(const char *one, const char *ae, const char *two, const char *be)
{
#define C1 (one < ae ? (unsigned char)*one : 0)
#define C2 (two < be ? (unsigned char)*two : 0)
	if (ae - one == be - two && !memcmp(one, two, ae - one))
		return 0;
	while (C1 || C2) {
		const char *s1, *s2;
		int isnum;
		size_t l1, l2;
		int rc;

		while (C1 && !isalnum(C1) && C1 != '~' && C1 != '^')
			one++;
		while (C2 && !isalnum(C2) && C2 != '~' && C2 != '^')
			two++;
		/* '~' sorts before everything, even the end of the string */
		if (C1 == '~' || C2 == '~') {
			if (C1 != '~')
				return 1;
			if (C2 != '~')
				return -1;
			one++;
			two++;
			continue;
		}
		/* '^' sorts after the end of the string but before anything else */
		if (C1 == '^' || C2 == '^') {
			if (!C1)
				return -1;
			if (!C2)
				return 1;
			if (C1 != '^')
				return 1;
			if (C2 != '^')
				return -1;
			one++;
			two++;
			continue;
		}
		if (!(C1 && C2))
			break;
		s1 = one;
		s2 = two;
		if (isdigit(C1)) {
			while (C1 && isdigit(C1))
				one++;
			while (C2 && isdigit(C2))
				two++;
			isnum = 1;
		} else {
			while (C1 && isalpha(C1))
				one++;
			while (C2 && isalpha(C2))
				two++;
			isnum = 0;
		}
		if (one == s1)
			return -1; /* cannot happen: arbitrary, as rpm */
		if (two == s2)
			return isnum ? 1 : -1; /* numeric segments are newer than alpha ones */
		if (isnum) {
			while (*s1 == '0' && s1 < one)
				s1++;
			while (*s2 == '0' && s2 < two)
				s2++;
			if (one - s1 != two - s2)
				return one - s1 > two - s2 ? 1 : -1;
		}
		l1 = one - s1;
		l2 = two - s2;
		rc = memcmp(s1, s2, l1 < l2 ? l1 : l2);
		if (!rc && l1 != l2)
			rc = l1 < l2 ? -1 : 1;
		if (rc)
			return rc < 0 ? -1 : 1;
	}
	if (!C1 && !C2)
		return 0;
	return !C1 ? -1 : 1;
#undef C1
#undef C2
}

int rpmvercmp(const char *a, const char *b)
{
	return rpmvercmp_n(a, a + strlen(a), b, b + strlen(b));
}

int rpm_evr_cmp(const char *a, const char *b)
{
	struct evr ea, eb;
	int rc;

	split_evr(a, &ea);
	split_evr(b, &eb);
	if (ea.epoch != eb.epoch)
		return ea.epoch > eb.epoch ? 1 : -1;
	rc = rpmvercmp_n(ea.v, ea.ve, eb.v, eb.ve);
	if (rc || !ea.has_rel || !eb.has_rel)
		return rc;
	return rpmvercmp_n(ea.r, ea.re, eb.r, eb.re);
}

/* ---- apk ---- */

enum {
	TOK_INVALID = -1,
	TOK_DIGIT_OR_ZERO,
	TOK_DIGIT,
	TOK_LETTER,
	TOK_SUFFIX,
	TOK_SUFFIX_NO,
	TOK_REVISION_NO,
	TOK_END,
};

struct blob {
	const char *p;
	long len;
};

static void apk_next_token(int *type, struct blob *b)
{
	int n = TOK_INVALID;

	if (b->len <= 0 || !b->p[0]) {
		n = TOK_END;
	} else if ((*type == TOK_DIGIT || *type == TOK_DIGIT_OR_ZERO) &&
		   islower((unsigned char)b->p[0])) {
		n = TOK_LETTER;
	} else if (*type == TOK_LETTER && isdigit((unsigned char)b->p[0])) {
		n = TOK_DIGIT;
	} else if (*type == TOK_SUFFIX && isdigit((unsigned char)b->p[0])) {
		n = TOK_SUFFIX_NO;
	} else {
		switch (b->p[0]) {
		case '.':
			n = TOK_DIGIT_OR_ZERO;
			break;
		case '_':
			n = TOK_SUFFIX;
			break;
		case '-':
			if (b->len > 1 && b->p[1] == 'r') {
				n = TOK_REVISION_NO;
				b->p++;
				b->len--;
			}
			break;
		}
		b->p++;
		b->len--;
	}
	if (n < *type) {
		if (!((n == TOK_DIGIT_OR_ZERO && *type == TOK_DIGIT) ||
		      (n == TOK_SUFFIX && *type == TOK_SUFFIX_NO) ||
		      (n == TOK_DIGIT && *type == TOK_LETTER)))
			n = TOK_INVALID;
	}
	*type = n;
}

static long apk_get_token(int *type, struct blob *b)
{
	static const char *const pre[] = { "alpha", "beta", "pre", "rc" };
	static const char *const post[] = { "cvs", "svn", "git", "hg", "p" };
	long v = 0, i = 0, k;
	int nt = TOK_INVALID;

	if (b->len <= 0) {
		*type = TOK_END;
		return 0;
	}
	switch (*type) {
	case TOK_DIGIT_OR_ZERO:
		/* leading zeros: 1.01 sorts before 1.1 */
		if (b->p[0] == '0') {
			while (i < b->len && b->p[i] == '0')
				i++;
			nt = TOK_DIGIT;
			v = -i;
			break;
		}
		/* fallthrough */
	case TOK_DIGIT:
	case TOK_SUFFIX_NO:
	case TOK_REVISION_NO:
		while (i < b->len && isdigit((unsigned char)b->p[i]) && v < 100000000000L)
			v = v * 10 + (b->p[i++] - '0');
		while (i < b->len && isdigit((unsigned char)b->p[i]))
			i++;
		break;
	case TOK_LETTER:
		v = (unsigned char)b->p[i++];
		break;
	case TOK_SUFFIX:
		for (k = 0; k < 4; k++) {
			i = strlen(pre[k]);
			if (i <= b->len && !strncmp(pre[k], b->p, i))
				break;
		}
		if (k < 4) {
			v = k - 4;
			break;
		}
		for (k = 0; k < 5; k++) {
			i = strlen(post[k]);
			if (i <= b->len && !strncmp(post[k], b->p, i))
				break;
		}
		if (k < 5) {
			v = k;
			break;
		}
		/* fallthrough */
	default:
		*type = TOK_INVALID;
		return -1;
	}
	b->p += i;
	b->len -= i;
	if (b->len <= 0)
		*type = TOK_END;
	else if (nt != TOK_INVALID)
		*type = nt;
	else
		apk_next_token(type, b);
	return v;
}

int apk_version_cmp(const char *a, const char *b)
{
	struct blob ba = { a, (long)strlen(a) }, bb = { b, (long)strlen(b) };
	int at = TOK_DIGIT, bt = TOK_DIGIT, tt;
	long av = 0, bv = 0;

	while (at == bt && at != TOK_END && at != TOK_INVALID && av == bv) {
		av = apk_get_token(&at, &ba);
		bv = apk_get_token(&bt, &bb);
	}
	if (av != bv)
		return av < bv ? -1 : 1;
	if (at == bt)
		return 0;
	/* equal so far: the longer one is newer unless it continues with a pre-release suffix */
	tt = at;
	if (at == TOK_SUFFIX && apk_get_token(&tt, &ba) < 0)
		return -1;
	tt = bt;
	if (bt == TOK_SUFFIX && apk_get_token(&tt, &bb) < 0)
		return 1;
	if (at > bt)
		return -1;
	if (bt > at)
		return 1;
	return 0;
}

int version_cmp(enum ver_scheme s, const char *a, const char *b)
{
	switch (s) {
	case VER_APK:
		return apk_version_cmp(a, b);
	case VER_RPM:
		return rpm_evr_cmp(a, b);
	case VER_DPKG:
	default:
		return dpkg_version_cmp(a, b);
	}
}
