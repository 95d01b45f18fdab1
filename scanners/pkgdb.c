// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "scanners/pkgdb.h"

int pkglist_add(struct pkglist *l, const char *db, enum ver_scheme scheme, const char *name,
		const char *version, const char *source, const char *source_version,
		const char *arch)
{
	struct pkg *p;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct pkg *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	p = &l->v[l->n];
	memset(p, 0, sizeof(*p));
	p->db = db;
	p->scheme = scheme;
	p->name = strdup(name);
	p->version = strdup(version);
	p->source = strdup(source && *source ? source : name);
	p->source_version = strdup(source_version && *source_version ? source_version : version);
	p->arch = arch ? strdup(arch) : NULL;
	if (!p->name || !p->version || !p->source || !p->source_version || (arch && !p->arch)) {
		free(p->name);
		free(p->version);
		free(p->source);
		free(p->source_version);
		free(p->arch);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

void pkglist_free(struct pkglist *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].version);
		free(l->v[i].source);
		free(l->v[i].source_version);
		free(l->v[i].arch);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int pkg_cmp(const void *a, const void *b)
{
	const struct pkg *x = a, *y = b;
	int rc = strcmp(x->name, y->name);

	if (rc)
		return rc;
	rc = strcmp(x->arch ? x->arch : "", y->arch ? y->arch : "");
	return rc ? rc : version_cmp(x->scheme, x->version, y->version);
}

void pkglist_sort(struct pkglist *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), pkg_cmp);
}

const struct pkg *pkglist_find(const struct pkglist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

/* One field value of a stanza: [v, ve), first line only (enough for the fields we read). */
struct field {
	const char *v;
	size_t len;
};

static void take(struct field *f, const char *v, const char *eol)
{
	while (v < eol && (*v == ' ' || *v == '\t'))
		v++;
	while (eol > v && (eol[-1] == ' ' || eol[-1] == '\t' || eol[-1] == '\r'))
		eol--;
	f->v = v;
	f->len = eol - v;
}

static char *dup_field(const struct field *f)
{
	return f->v ? strndup(f->v, f->len) : strdup("");
}

/* dpkg states in which the package's files are on disk (dpkg-query's ${db:Status-Status}). */
static bool dpkg_state_installed(const struct field *status)
{
	static const char *const ok[] = { "installed",	      "half-configured", "triggers-awaited",
					  "triggers-pending", "unpacked",	 "half-installed" };
	const char *sp;

	if (!status->v)
		return false;
	sp = memrchr(status->v, ' ', status->len);
	if (!sp)
		return false;
	sp++;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if ((size_t)(status->v + status->len - sp) == strlen(ok[i]) &&
		    !strncmp(sp, ok[i], strlen(ok[i])))
			return true;
	return false;
}

static int add_dpkg(struct pkglist *out, const char *label, struct field *pkg, struct field *ver,
		    struct field *status, struct field *src, struct field *arch, bool need_status)
{
	char *name = NULL, *version = NULL, *source = NULL, *srcver = NULL, *a = NULL;
	int err = 0;

	if (!pkg->v)
		return 0;
	if (need_status && !dpkg_state_installed(status))
		return 0;
	if (!ver->v) {
		log_warn("%s: package '%.*s' has no version, ignoring", label, (int)pkg->len,
			 pkg->v);
		return 0;
	}
	name = dup_field(pkg);
	version = dup_field(ver);
	a = arch->v ? dup_field(arch) : NULL;
	source = dup_field(src);
	if (!name || !version || !source) {
		err = -ENOMEM;
		goto out;
	}
	/* "Source: glibc (2.36-9+deb12u4)" when the source version differs */
	char *paren = strchr(source, '(');

	if (paren) {
		char *close = strchr(paren, ')');

		srcver =
			strndup(paren + 1, close ? (size_t)(close - paren - 1) : strlen(paren + 1));
		while (paren > source && paren[-1] == ' ')
			paren--;
		*paren = '\0';
	}
	err = pkglist_add(out, "dpkg", VER_DPKG, name, version, source, srcver, a);
out:
	free(name);
	free(version);
	free(source);
	free(srcver);
	free(a);
	return err;
}

static int parse_dpkg(const char *buf, size_t len, const char *label, struct pkglist *out,
		      bool need_status)
{
	struct field pkg = { 0 }, ver = { 0 }, status = { 0 }, src = { 0 }, arch = { 0 };
	const char *p = buf, *end = buf + len;
	int err;

	while (p < end) {
		const char *eol = memchr(p, '\n', end - p), *colon;

		if (!eol)
			eol = end;
		if (eol == p || (eol == p + 1 && *p == '\r')) {
			err = add_dpkg(out, label, &pkg, &ver, &status, &src, &arch, need_status);
			if (err)
				return err;
			memset(&pkg, 0, sizeof(pkg));
			ver = status = src = arch = pkg;
		} else if (*p != ' ' && *p != '\t' && (colon = memchr(p, ':', eol - p))) {
			size_t kl = colon - p;
			struct field *f = NULL;

			if (kl == 7 && !strncasecmp(p, "Package", 7))
				f = &pkg;
			else if (kl == 7 && !strncasecmp(p, "Version", 7))
				f = &ver;
			else if (kl == 6 && !strncasecmp(p, "Status", 6))
				f = &status;
			else if (kl == 6 && !strncasecmp(p, "Source", 6))
				f = &src;
			else if (kl == 12 && !strncasecmp(p, "Architecture", 12))
				f = &arch;
			if (f)
				take(f, colon + 1, eol);
		}
		p = eol + 1;
	}
	return add_dpkg(out, label, &pkg, &ver, &status, &src, &arch, need_status);
}

int pkgdb_parse_dpkg(const char *buf, size_t len, const char *label, struct pkglist *out)
{
	return parse_dpkg(buf, len, label, out, true);
}

int pkgdb_parse_apk(const char *buf, size_t len, const char *label, struct pkglist *out)
{
	struct field name = { 0 }, ver = { 0 }, origin = { 0 }, arch = { 0 };
	const char *p = buf, *end = buf + len;
	int err = 0;

	for (;;) {
		const char *eol = p < end ? memchr(p, '\n', end - p) : NULL;

		if (p < end && !eol)
			eol = end;
		if (p >= end || eol == p) {
			if (name.v && ver.v) {
				char *n = dup_field(&name), *v = dup_field(&ver),
				     *o = dup_field(&origin), *a = arch.v ? dup_field(&arch) : NULL;

				err = n && v && o
					      ? pkglist_add(out, "apk", VER_APK, n, v, o, NULL, a)
					      : -ENOMEM;
				free(n);
				free(v);
				free(o);
				free(a);
				if (err)
					return err;
			}
			memset(&name, 0, sizeof(name));
			ver = origin = arch = name;
			if (p >= end)
				break;
		} else if (eol - p >= 2 && p[1] == ':') {
			if (p[0] == 'P')
				take(&name, p + 2, eol);
			else if (p[0] == 'V')
				take(&ver, p + 2, eol);
			else if (p[0] == 'o')
				take(&origin, p + 2, eol);
			else if (p[0] == 'A')
				take(&arch, p + 2, eol);
		}
		p = eol + 1;
	}
	(void)label;
	return 0;
}

struct statusd_ctx {
	struct imgfs *fs;
	struct pkglist *out;
	int err;
};

static int statusd_one(const char *name, void *arg)
{
	struct statusd_ctx *c = arg;
	char path[512], *buf = NULL;
	size_t len;
	int err;

	/* distroless: one stanza per file, next to <pkg>.md5sums files */
	if (strchr(name, '.') && strstr(name, ".md5sums"))
		return 0;
	snprintf(path, sizeof(path), "var/lib/dpkg/status.d/%s", name);
	err = imgfs_read(c->fs, path, &buf, &len);
	if (err) {
		log_warn("failed to read '%s': %s, ignoring", path, strerror(-err));
		return 0;
	}
	err = parse_dpkg(buf, len, path, c->out, false);
	free(buf);
	return err;
}

static const char *const rpmdb_paths[] = {
	"usr/lib/sysimage/rpm/rpmdb.sqlite",
	"var/lib/rpm/rpmdb.sqlite",
};

int pkgdb_read(struct imgfs *fs, struct pkglist *out)
{
	char *buf = NULL;
	size_t len;
	int found = 0, err;

	err = imgfs_read(fs, "var/lib/dpkg/status", &buf, &len);
	if (!err) {
		found++;
		err = pkgdb_parse_dpkg(buf, len, "var/lib/dpkg/status", out);
		free(buf);
		if (err)
			return err;
	}
	{
		struct statusd_ctx c = { fs, out, 0 };
		size_t before = out->n;

		err = imgfs_list(fs, "var/lib/dpkg/status.d", statusd_one, &c);
		if (err && err != -ENOENT && err != -ENOTDIR)
			return err;
		if (out->n > before)
			found++;
	}
	err = imgfs_read(fs, "lib/apk/db/installed", &buf, &len);
	if (!err) {
		found++;
		err = pkgdb_parse_apk(buf, len, "lib/apk/db/installed", out);
		free(buf);
		if (err)
			return err;
	}
	for (size_t i = 0; i < sizeof(rpmdb_paths) / sizeof(rpmdb_paths[0]); i++) {
		err = imgfs_read(fs, rpmdb_paths[i], &buf, &len);
		if (err)
			continue;
		found++;
		err = pkgdb_parse_rpm_sqlite(buf, len, rpmdb_paths[i], out);
		free(buf);
		if (err)
			return err;
		break;
	}
	return found;
}
