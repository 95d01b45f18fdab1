/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Findings of the pre-launch scanners (kernel, runtime, config, image) and their three outputs:
 * an aligned table for humans, one JSON object per finding per line (--json), SARIF 2.1.0
 *(--sarif).
 *
 * A scanner appends one finding per check it ran (PASS included) to a struct scan_report; nothing
 * is printed while scanning, so the loader can scan a container and turn the findings into alerts.
 *
 *	struct scan_report r;
 *	struct scan_finding *f;
 *
 *	scan_report_init(&r);
 *	f = scan_add(&r, &check, SCAN_FAIL, "container web");	// check: id, severity, title,
 *reference scan_detail(f, "mount '%s' is writable", path);		// NULL f is accepted
 *(ENOMEM)
 *	scan_print(&r, &opts);					// table or JSON lines, SARIF file
 *	return scan_exit_code(&r, opts.fail_on);		// 0 below --fail-on, 1 at or above
 */
#ifndef DCEA_SCANNERS_REPORT_H
#define DCEA_SCANNERS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

#include "common/severity.h"

/* Ordered from best to worst: the worst result of a check wins. */
enum scan_result {
	SCAN_PASS,
	SCAN_SKIP,
	SCAN_INFO,
	SCAN_WARN,
	SCAN_FAIL,
};

struct scan_report;

/* A row of a scanner's check table (STYLE 12); fn is the scanner's own, ctx its own context. */
struct scan_check {
	const char *id; /* stable: "config.privileged", "kernel.CVE-2022-0847" */
	enum dcea_severity severity;
	const char *title;
	const char *reference; /* URL, or NULL */
	int (*fn)(const struct scan_check *c, void *ctx, struct scan_report *r);
};

struct scan_finding {
	char *check; /* check id */
	char *title;
	char *reference; /* may be NULL */
	char *target; /* "host kernel 6.1.0-18-amd64", "container web (3f2a…)", "image nginx:1.25"
		       */
	enum dcea_severity severity;
	enum scan_result result;
	char **detail; /* indented lines under the finding */
	size_t ndetail;
	char *source; /* what decided the result ("changelog: FILE"), NULL when not said */
};

struct scan_report {
	struct scan_finding *v;
	size_t n, cap;
};

struct scan_output {
	bool json;		    /* JSON lines instead of the table */
	bool all;		    /* also print PASS findings */
	bool color;		    /* table only; set from log_color(1) */
	const char *sarif;	    /* write SARIF 2.1.0 here as well, or NULL */
	enum dcea_severity fail_on; /* exit code 1 when a FAIL at or above this (default high) */
};

void scan_report_init(struct scan_report *r);
void scan_report_free(struct scan_report *r); /* accepts NULL */

/*
 * Append a finding for a check (its id, severity, title, reference are copied). Returns the new
 * finding, or NULL on ENOMEM (callers may pass that NULL on to scan_detail()).
 */
struct scan_finding *scan_add(struct scan_report *r, const struct scan_check *c,
			      enum scan_result result, const char *target);
/* Same with every field given: for checks generated from data (rule files, CVE databases). */
struct scan_finding *scan_add_raw(struct scan_report *r, const char *check, enum dcea_severity sev,
				  const char *title, const char *reference, enum scan_result result,
				  const char *target);
__attribute__((format(printf, 2, 3))) int scan_detail(struct scan_finding *f, const char *fmt, ...);

/* Lookups, mostly for tests and for the loader's policy ("refuse on config.privileged"). */
const struct scan_finding *scan_find(const struct scan_report *r, const char *check);
enum scan_result scan_result_of(const struct scan_report *r,
				const char *check); /* PASS if absent */
enum scan_result scan_worst(const struct scan_report *r);

const char *scan_result_name(enum scan_result res); /* "PASS" ... "FAIL" */

/* {"check","result","severity","target","title","reference","detail":[...]}; caller puts it */
json_object *scan_finding_json(const struct scan_finding *f);

int scan_print_table(const struct scan_report *r, FILE *out, const struct scan_output *o);
int scan_print_json(const struct scan_report *r, FILE *out, const struct scan_output *o);
int scan_write_sarif(const struct scan_report *r, const char *path);
/* Table or JSON on stdout, and the SARIF file when asked; 0 or negative errno. */
int scan_print(const struct scan_report *r, const struct scan_output *o);

/* 1 when some FAIL finding has severity >= fail_on, else 0 (SEV_INFO: any FAIL). */
int scan_exit_code(const struct scan_report *r, enum dcea_severity fail_on);

/*
 * The common options of every `dcea scan` subcommand, for getopt_long tables:
 * --json, --all, --sarif FILE, --fail-on SEVERITY. scan_output_opt() handles one option and
 * returns 1 when it was one of these, 0 when not, -EINVAL on a bad value (already logged).
 */
#define SCAN_OUTPUT_LONGOPTS                                                                       \
	{ "json", no_argument, NULL, 'j' }, { "all", no_argument, NULL, 'a' },                     \
		{ "sarif", required_argument, NULL, 'S' },                                         \
	{                                                                                          \
		"fail-on", required_argument, NULL, 'F'                                            \
	}
#define SCAN_OUTPUT_SHORTOPTS "ja"
#define SCAN_OUTPUT_HELP                                                                           \
	"  -j, --json             one JSON object per finding per line\n"                          \
	"  -a, --all              also show checks that passed\n"                                  \
	"      --sarif FILE       also write SARIF 2.1.0 to FILE\n"                                \
	"      --fail-on SEV      exit 1 when a FAIL reaches SEV (any|low|medium|high|critical; "  \
	"default high)\n"
void scan_output_init(struct scan_output *o);
int scan_output_opt(struct scan_output *o, int opt, const char *arg);

#endif
