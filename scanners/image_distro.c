// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "scanners/image_distro.h"

static const struct {
	const char *codename, *id, *version;
} codenames[] = {
	{ "stretch", "debian", "9" },	   { "buster", "debian", "10" },
	{ "bullseye", "debian", "11" },	   { "bookworm", "debian", "12" },
	{ "trixie", "debian", "13" },	   { "forky", "debian", "14" },
	{ "bionic", "ubuntu", "18.04" },   { "focal", "ubuntu", "20.04" },
	{ "jammy", "ubuntu", "22.04" },	   { "noble", "ubuntu", "24.04" },
	{ "oracular", "ubuntu", "24.10" }, { "plucky", "ubuntu", "25.04" },
};

static void set(char *dst, size_t size, const char *v, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, v, len);
	dst[len] = '\0';
}

void distro_parse_os_release(const char *buf, struct distro *d)
{
	const char *p = buf;

	while (*p) {
		const char *eol = strchrnul(p, '\n'), *eq = memchr(p, '=', eol - p);

		if (eq) {
			const char *v = eq + 1, *ve = eol;
			size_t kl = eq - p;

			if (ve > v && (*v == '"' || *v == '\'')) {
				v++;
				if (ve > v && (ve[-1] == '"' || ve[-1] == '\''))
					ve--;
			}
#define K(s) (kl == strlen(s) && !strncmp(p, s, kl))
			if (K("ID"))
				set(d->id, sizeof(d->id), v, ve - v);
			else if (K("VERSION_ID"))
				set(d->version_id, sizeof(d->version_id), v, ve - v);
			else if (K("VERSION_CODENAME"))
				set(d->codename, sizeof(d->codename), v, ve - v);
			else if (K("PRETTY_NAME"))
				set(d->pretty, sizeof(d->pretty), v, ve - v);
#undef K
		}
		p = *eol ? eol + 1 : eol;
	}
}

static void from_codename(struct distro *d)
{
	for (size_t i = 0; i < ARRAY_SIZE(codenames); i++)
		if (!strcmp(d->codename, codenames[i].codename)) {
			if (!d->id[0])
				snprintf(d->id, sizeof(d->id), "%s", codenames[i].id);
			if (!d->version_id[0] && !strcmp(d->id, codenames[i].id))
				snprintf(d->version_id, sizeof(d->version_id), "%s",
					 codenames[i].version);
		}
}

void distro_finish(struct distro *d)
{
	char rel[32];
	const char *base = NULL;

	from_codename(d);
	snprintf(rel, sizeof(rel), "%s", d->version_id);
	d->scheme = VER_DPKG;
	if (!strcmp(d->id, "debian")) {
		base = "Debian";
		rel[strcspn(rel, ".")] = '\0'; /* "12" of "12.5" */
	} else if (!strcmp(d->id, "ubuntu")) {
		base = "Ubuntu";
	} else if (!strcmp(d->id, "alpine")) {
		char *dot = strchr(rel, '.');

		/* "3.19.1" -> "v3.19" */
		base = "Alpine";
		d->scheme = VER_APK;
		if (dot && (dot = strchr(dot + 1, '.')))
			*dot = '\0';
		if (rel[0]) {
			char mm[32];

			snprintf(mm, sizeof(mm), "%s", rel);
			snprintf(rel, sizeof(rel), "v%.29s", mm);
		}
	} else if (!strcmp(d->id, "rocky") || !strcmp(d->id, "almalinux") ||
		   !strcmp(d->id, "rhel") || !strcmp(d->id, "centos") || !strcmp(d->id, "fedora") ||
		   !strcmp(d->id, "ol") || !strcmp(d->id, "amzn") ||
		   !strcmp(d->id, "opensuse-leap") || !strcmp(d->id, "sles")) {
		d->scheme = VER_RPM;
		if (!strcmp(d->id, "rocky"))
			base = "Rocky Linux";
		else if (!strcmp(d->id, "almalinux"))
			base = "AlmaLinux";
		else if (!strcmp(d->id, "rhel") || !strcmp(d->id, "centos"))
			base = "Red Hat";
		else if (!strcmp(d->id, "opensuse-leap"))
			base = "openSUSE";
		else if (!strcmp(d->id, "sles"))
			base = "SUSE";
		if (strcmp(d->id, "fedora") && strcmp(d->id, "amzn"))
			rel[strcspn(rel, ".")] = '\0';
	} else if (!strcmp(d->id, "wolfi") || !strcmp(d->id, "chainguard")) {
		base = d->id[0] == 'w' ? "Wolfi" : "Chainguard";
		d->scheme = VER_APK;
		rel[0] = '\0';
	}
	if (!base) {
		d->ecosystem[0] = '\0';
		return;
	}
	if (rel[0])
		snprintf(d->ecosystem, sizeof(d->ecosystem), "%s:%s", base, rel);
	else
		snprintf(d->ecosystem, sizeof(d->ecosystem), "%s", base);
}

static bool read_small(struct imgfs *fs, const char *path, char **buf)
{
	size_t len;

	*buf = NULL;
	return imgfs_read(fs, path, buf, &len) == 0;
}

/* "deb http://deb.debian.org/debian bookworm main" or deb822 "Suites: bookworm ..." */
static void codename_from_sources(const char *buf, struct distro *d)
{
	const char *p = buf;

	while (*p && !d->codename[0]) {
		const char *eol = strchrnul(p, '\n');
		char line[512], *tok, *save = NULL;
		int field = 0;

		set(line, sizeof(line), p, eol - p);
		p = *eol ? eol + 1 : eol;
		tok = strtok_r(line, " \t", &save);
		if (!tok)
			continue;
		if (!strcmp(tok, "Suites:")) {
			tok = strtok_r(NULL, " \t", &save);
			if (tok)
				set(d->codename, sizeof(d->codename), tok, strcspn(tok, "-/"));
			continue;
		}
		if (strcmp(tok, "deb"))
			continue;
		while ((tok = strtok_r(NULL, " \t", &save))) {
			if (tok[0] == '[')
				continue;
			if (++field == 2) {
				set(d->codename, sizeof(d->codename), tok, strcspn(tok, "-/"));
				break;
			}
		}
	}
	if (strstr(buf, "ubuntu") && !d->id[0])
		snprintf(d->id, sizeof(d->id), "ubuntu");
}

void distro_detect(struct imgfs *fs, struct distro *d)
{
	char *buf;

	memset(d, 0, sizeof(*d));
	if (read_small(fs, "etc/os-release", &buf) || read_small(fs, "usr/lib/os-release", &buf)) {
		distro_parse_os_release(buf, d);
		d->source = "os-release";
		free(buf);
	}
	if (!d->id[0] && read_small(fs, "etc/alpine-release", &buf)) {
		snprintf(d->id, sizeof(d->id), "alpine");
		set(d->version_id, sizeof(d->version_id), buf, strcspn(buf, " \n"));
		d->source = "etc/alpine-release";
		free(buf);
	}
	if (!d->id[0] && read_small(fs, "etc/redhat-release", &buf)) {
		/* "Rocky Linux release 9.3 (Blue Onyx)", "CentOS Linux release 7.9.2009 (Core)" */
		const char *rel = strstr(buf, "release ");

		if (!strncmp(buf, "Rocky", 5))
			snprintf(d->id, sizeof(d->id), "rocky");
		else if (!strncmp(buf, "AlmaLinux", 9))
			snprintf(d->id, sizeof(d->id), "almalinux");
		else if (!strncmp(buf, "Fedora", 6))
			snprintf(d->id, sizeof(d->id), "fedora");
		else if (!strncmp(buf, "CentOS", 6))
			snprintf(d->id, sizeof(d->id), "centos");
		else
			snprintf(d->id, sizeof(d->id), "rhel");
		if (rel)
			set(d->version_id, sizeof(d->version_id), rel + 8, strcspn(rel + 8, " \n"));
		set(d->pretty, sizeof(d->pretty), buf, strcspn(buf, "\n"));
		d->source = "etc/redhat-release";
		free(buf);
	}
	if ((!d->id[0] || (!strcmp(d->id, "debian") && !d->version_id[0])) &&
	    read_small(fs, "etc/debian_version", &buf)) {
		/* "12.5", or "trixie/sid" on testing */
		snprintf(d->id, sizeof(d->id), "debian");
		if (isdigit((unsigned char)buf[0]))
			set(d->version_id, sizeof(d->version_id), buf, strcspn(buf, ". \n"));
		else if (!d->codename[0])
			set(d->codename, sizeof(d->codename), buf, strcspn(buf, "/ \n"));
		if (!d->source)
			d->source = "etc/debian_version";
		free(buf);
	}
	if ((!d->id[0] || !d->version_id[0]) && !d->codename[0] &&
	    (read_small(fs, "etc/apt/sources.list", &buf) ||
	     read_small(fs, "etc/apt/sources.list.d/debian.sources", &buf) ||
	     read_small(fs, "etc/apt/sources.list.d/ubuntu.sources", &buf))) {
		codename_from_sources(buf, d);
		if (!d->source)
			d->source = "etc/apt/sources.list";
		free(buf);
	}
	distro_finish(d);
}
