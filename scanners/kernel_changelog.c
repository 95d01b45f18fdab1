// SPDX-License-Identifier: GPL-2.0-only
/*
 * A vendor kernel's own package changelog: Debian and Ubuntu (changelog.Debian.gz, Debian's
 * changelog.gz) and RPM (`rpm -q --changelog`). Vendors name the CVE each upload fixed; Debian
 * also lists every upstream stable release it merged ("ChangeLog-6.1.76"), which tells the
 * kernel's upstream base when the release string does not (6.1.0-18-amd64).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanners/kernel.h"

static int add_cve(struct kernel_changelog *cl, const char *s, size_t len)
{
	char **nv;

	for (size_t i = 0; i < cl->ncves; i++)
		if (strlen(cl->cves[i]) == len && !strncmp(cl->cves[i], s, len))
			return 0;
	nv = realloc(cl->cves, (cl->ncves + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	cl->cves = nv;
	cl->cves[cl->ncves] = strndup(s, len);
	if (!cl->cves[cl->ncves])
		return -ENOMEM;
	cl->ncves++;
	return 0;
}

static int add_base(struct kernel_changelog *cl, const struct kver *v)
{
	struct kver *nv;

	for (size_t i = 0; i < cl->nbases; i++)
		if (cl->bases[i].major == v->major && cl->bases[i].minor == v->minor) {
			if (kver_cmp(v, &cl->bases[i]) > 0)
				cl->bases[i] = *v;
			return 0;
		}
	nv = realloc(cl->bases, (cl->nbases + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	cl->bases = nv;
	cl->bases[cl->nbases++] = *v;
	return 0;
}

/* "linux (6.1.76-1) bookworm-security; urgency=high": the version, or NULL for another line */
static bool debian_header(const char *line, char *ver, size_t len)
{
	const char *p = line, *e;

	while (*p && !isspace((unsigned char)*p) && *p != '(')
		p++;
	if (p == line || strncmp(p, " (", 2))
		return false;
	e = strchr(p + 2, ')');
	if (!e || (size_t)(e - p - 2) >= len || !strchr(e, ';'))
		return false;
	snprintf(ver, len, "%.*s", (int)(e - p - 2), p + 2);
	return true;
}

/* "* Tue Jan 02 2024 Name <mail> [4.18.0-513.24.1.el8_9]" or "... - 5.10.210-201.852" */
static bool rpm_header(const char *line, char *ver, size_t len)
{
	const char *b = strrchr(line, '['), *e, *d;

	if (line[0] != '*' || line[1] != ' ')
		return false;
	ver[0] = '\0';
	if (b && (e = strchr(b, ']')) && (size_t)(e - b - 1) < len)
		snprintf(ver, len, "%.*s", (int)(e - b - 1), b + 1);
	else if ((d = strrchr(line, '-')) && d[1] == ' ' && strlen(d + 2) < len)
		snprintf(ver, len, "%s", d + 2);
	return true;
}

int kernel_changelog_parse(const char *text, const char *upto, struct kernel_changelog *cl)
{
	const char *line = text, *nl;
	bool skip = false, debian = false, first = true, top_linux = false;
	char ver[128];
	int err = 0;

	memset(cl, 0, sizeof(*cl));
	for (; line && *line && !err; line = nl ? nl + 1 : NULL) {
		char buf[1024];
		size_t len;
		const char *s;

		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (first && buf[0]) {
			debian = buf[0] != '*';
			snprintf(cl->kind, sizeof(cl->kind), "%s", debian ? "debian" : "rpm");
			first = false;
		}
		if (debian ? debian_header(buf, ver, sizeof(ver))
			   : rpm_header(buf, ver, sizeof(ver))) {
			/*
			 * A changelog newer than the kernel (--changelog with --release): entries
			 * after the kernel's own upload do not count. Only Debian's order is
			 * known here; linux-signed-* wrappers carry their own numbering.
			 */
			skip = debian && upto && upto[0] && !strncmp(buf, "linux ", 6) &&
			       scan_dpkg_vercmp(ver, upto) > 0;
			/* the newest upload, not a linux-signed-* wrapper's own number */
			if (!skip && (!cl->top[0] || (!top_linux && !strncmp(buf, "linux ", 6)))) {
				snprintf(cl->top, sizeof(cl->top), "%s", ver);
				top_linux = !strncmp(buf, "linux ", 6);
			}
			continue;
		}
		if (skip)
			continue;
		for (s = buf; (s = strstr(s, "CVE-"));) {
			size_t n = 4;

			while (isdigit((unsigned char)s[n]) || (n == 8 && s[n] == '-'))
				n++;
			if (n >= 13 && s[8] == '-')
				err = add_cve(cl, s, n);
			s += n;
		}
		s = strstr(buf, "/ChangeLog-");
		if (debian && s) {
			struct kver v;

			if (!kver_parse(s + 11, &v) && v.patch)
				err = add_base(cl, &v);
		}
	}
	if (err)
		kernel_changelog_free(cl);
	return err;
}

void kernel_changelog_free(struct kernel_changelog *cl)
{
	if (!cl)
		return;
	for (size_t i = 0; i < cl->ncves; i++)
		free(cl->cves[i]);
	free(cl->cves);
	free(cl->bases);
	memset(cl, 0, sizeof(*cl));
}

bool kernel_changelog_names(const struct kernel_changelog *cl, const char *cve)
{
	for (size_t i = 0; cl && i < cl->ncves; i++)
		if (!strcmp(cl->cves[i], cve))
			return true;
	return false;
}

const struct kver *kernel_changelog_base(const struct kernel_changelog *cl, const struct kver *b)
{
	for (size_t i = 0; cl && i < cl->nbases; i++)
		if (cl->bases[i].major == b->major && cl->bases[i].minor == b->minor)
			return &cl->bases[i];
	return NULL;
}
