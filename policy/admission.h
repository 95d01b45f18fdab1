/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `admission:` key of a policy: which pre-launch findings refuse a new container in block
 * mode (loader/admission.c acts on it). Check ids are the scanners' stable ones ('dcea scan
 * config --all --json'); a trailing '*' matches a family ("image.*").
 */
#ifndef DCEA_POLICY_ADMISSION_H
#define DCEA_POLICY_ADMISSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

#include "common/severity.h"

#define ADM_MAX_REFUSE	       32
#define ADM_CHECK_LEN	       64
#define ADM_DEFAULT_TIMEOUT_MS 3000
#define ADM_MAX_TIMEOUT_MS     60000

struct adm_refuse {
	char check[ADM_CHECK_LEN];	 /* a check id, or a prefix ending in '*' */
	enum dcea_severity min_severity; /* SEV_INFO: any severity */
};

struct policy_admission {
	struct adm_refuse refuse[ADM_MAX_REFUSE];
	size_t n_refuse;
	unsigned int timeout_ms; /* longest a new container is held for the verdict */
	bool scan_image;	 /* also scan the container's image (cached by image id) */
	enum dcea_severity alert_severity; /* findings at or above it are alerts */
};

void policy_admission_default(struct policy_admission *a);

/* The refuse entry that a FAIL finding of `check` with severity `sev` matches, or NULL. */
const struct adm_refuse *admission_refuses(const struct policy_admission *a, const char *check,
					   enum dcea_severity sev);

/* Is `id` a check id (or family) a container scan can produce? For policy validation. */
bool admission_check_known(const char *id);
/*
 * Which config.* ids exist is the scanners' knowledge (config_check_exists() in
 * scanners/config.h): main() hands it in before any policy is parsed. Unset, no config.* id is
 * known and a policy naming one is refused.
 */
typedef bool (*admission_check_fn)(const char *id, bool family);
void admission_set_config_checks(admission_check_fn fn);

/* The `admission:` section of policy_print_yaml(), and its JSON for policy_to_json(). */
void policy_admission_print_yaml(FILE *f, const struct policy_admission *a);
json_object *policy_admission_json(const struct policy_admission *a);
/* `dcea policy check`'s lines about it */
void policy_admission_print_summary(FILE *f, const struct policy_admission *a);

#endif
