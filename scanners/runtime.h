/* SPDX-License-Identifier: GPL-2.0-only */
/* Container runtime escape CVEs and their matching (scanners/runtime.c). */
#ifndef DCEA_SCANNERS_RUNTIME_H
#define DCEA_SCANNERS_RUNTIME_H

#include "scanners/kernel.h"
#include "scanners/report.h"

struct runtime_rule {
	const char *component; /* runc, containerd, docker, crio */
	const char *cve;
	enum dcea_severity severity;
	const char *escape;
	const char *reference;
	const char *introduced;	  /* NULL: every earlier version */
	const char *fixed[6];	  /* first fixed release of each branch that got the fix */
	const char *debian_fixed; /* Debian package version with the fix, if known */
};

/* version: what the binary prints; pkgver: the Debian package version, or NULL */
enum kernel_match runtime_match(const struct runtime_rule *rule, const char *version,
				const char *pkgver, char *why, size_t len);

#endif
