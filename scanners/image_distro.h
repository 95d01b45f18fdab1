/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which distribution an image is, from etc/os-release, usr/lib/os-release, etc/debian_version,
 * etc/alpine-release, etc/redhat-release and etc/apt/sources.list, and the OSV ecosystem its
 * packages belong to ("Debian:12", "Ubuntu:22.04", "Alpine:v3.19", "Rocky Linux:9").
 */
#ifndef DCEA_SCANNERS_IMAGE_DISTRO_H
#define DCEA_SCANNERS_IMAGE_DISTRO_H

#include "scanners/image_fs.h"
#include "scanners/version.h"

struct distro {
	char id[32]; /* os-release ID: "debian", "ubuntu", "alpine", "rocky" ...; "" unknown */
	char version_id[32]; /* "12", "22.04", "3.19.1" */
	char codename[32];   /* "bookworm", "jammy" */
	char pretty[128];
	char ecosystem[64]; /* OSV ecosystem with release, "" when unknown */
	const char *source; /* file that decided, e.g. "etc/os-release" */
	enum ver_scheme scheme;
};

/* Parse an os-release file into d (fields not present are left alone). */
void distro_parse_os_release(const char *buf, struct distro *d);
/* Fill ecosystem and scheme from id/version_id/codename. */
void distro_finish(struct distro *d);
/* Detect from the image; d->id is "" when nothing tells. Never fails. */
void distro_detect(struct imgfs *fs, struct distro *d);

#endif
