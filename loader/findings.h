/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The loader's memory of scanner findings already reported (docs/ALERTS.md, "Deduplication").
 * A container's findings are keyed by what produced them: its image (the image id, else the
 * reference) and a digest of its configuration as the checks see it. The first container with a
 * key raises its findings as alerts; later ones with the same key are counted here, shown by
 * `dcea status` and the metrics, and raise none. Kept in FINDINGS_FILE so that a restarted loader
 * remembers; a reboot (/run is a tmpfs) forgets, and the first container of each key reports again.
 */
#ifndef DCEA_LOADER_FINDINGS_H
#define DCEA_LOADER_FINDINGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

struct scan_report;

#define FINDINGS_FILE	 "/run/dcea/findings.json"
#define FINDINGS_MAX	 1024 /* keys kept; the least recently seen goes first */
#define FINDINGS_KEY_LEN 192

/* "IMAGE cfg:SHA256" for a container: image id or reference, digest of its config.* findings. */
void findings_key(const struct scan_report *r, const char *image, char *key, size_t size);
/* "host:SHA256" for the host's findings (kernel, runtimes). */
void findings_host_key(const struct scan_report *r, char *key, size_t size);

/*
 * Read FINDINGS_FILE (path NULL) or path; a missing file is an empty memory, and so is one kept
 * for another load of dcea (`instance`: the pinned config's loaded_at; 0 takes any). 0 or -errno.
 */
int findings_load(const char *path, uint64_t instance);
/*
 * Container `name` with image `image` has findings key `key` (nalert findings worth an alert):
 * true the first time the key is seen, false for a repeat (counted when `start`: a container
 * starting, not one found running by a restarted loader).
 */
bool findings_first(const char *key, const char *image, const char *name, unsigned int nalert,
		    bool start);
/* Findings kept out of alerts: below the policy's alert severity, or said by another alert. */
void findings_count_quiet(unsigned int below, unsigned int folded);
/* Write the memory to FINDINGS_FILE (or the path given to findings_load), atomically. */
int findings_write(void);
/* Forget everything (tests). */
void findings_reset(void);

struct findings_totals {
	uint64_t keys;	  /* distinct keys remembered */
	uint64_t repeats; /* container starts whose findings were not reported again */
	uint64_t below;	  /* findings below the alert severity (status and scans only) */
	uint64_t folded;  /* findings another alert already says (config.privileged) */
};
void findings_get_totals(struct findings_totals *t);

/* `dcea status`: read FINDINGS_FILE; NULL when there is none. */
json_object *findings_status_json(void);
void findings_status_print(FILE *f);

#endif
