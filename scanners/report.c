// SPDX-License-Identifier: GPL-2.0-only
/* Findings of the scanners and their outputs: table, JSON lines, SARIF 2.1.0. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "scanners/report.h"

#ifndef DCEA_VERSION
#define DCEA_VERSION "0.1.0"
#endif

static const char *const result_names[] = { "PASS", "SKIP", "INFO", "WARN", "FAIL" };

void scan_report_init(struct scan_report *r)
{
	memset(r, 0, sizeof(*r));
}

static void finding_free(struct scan_finding *f)
{
	free(f->check);
	free(f->title);
	free(f->reference);
	free(f->source);
	free(f->target);
	for (size_t i = 0; i < f->ndetail; i++)
		free(f->detail[i]);
	free(f->detail);
}

void scan_report_free(struct scan_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		finding_free(&r->v[i]);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

struct scan_finding *scan_add_raw(struct scan_report *r, const char *check, enum dcea_severity sev,
				  const char *title, const char *reference, enum scan_result result,
				  const char *target)
{
	struct scan_finding *f, *nv;
	bool oom = false;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;

		nv = realloc(r->v, cap * sizeof(*nv));
		if (!nv)
			return NULL;
		r->v = nv;
		r->cap = cap;
	}
	f = &r->v[r->n];
	memset(f, 0, sizeof(*f));
	f->check = dup_or_null(check ? check : "", &oom);
	f->title = dup_or_null(title ? title : "", &oom);
	f->reference = dup_or_null(reference, &oom);
	f->target = dup_or_null(target ? target : "", &oom);
	f->severity = sev;
	f->result = result;
	if (oom) {
		finding_free(f);
		return NULL;
	}
	r->n++;
	return f;
}

struct scan_finding *scan_add(struct scan_report *r, const struct scan_check *c,
			      enum scan_result result, const char *target)
{
	return scan_add_raw(r, c->id, c->severity, c->title, c->reference, result, target);
}

int scan_detail(struct scan_finding *f, const char *fmt, ...)
{
	char **nd, *line;
	va_list ap;
	int n;

	if (!f)
		return -ENOMEM;
	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	nd = realloc(f->detail, (f->ndetail + 1) * sizeof(*nd));
	if (!nd) {
		free(line);
		return -ENOMEM;
	}
	f->detail = nd;
	f->detail[f->ndetail++] = line;
	return 0;
}

const struct scan_finding *scan_find(const struct scan_report *r, const char *check)
{
	const struct scan_finding *worst = NULL;

	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].check, check) && (!worst || r->v[i].result > worst->result))
			worst = &r->v[i];
	return worst;
}

enum scan_result scan_result_of(const struct scan_report *r, const char *check)
{
	const struct scan_finding *f = scan_find(r, check);

	return f ? f->result : SCAN_PASS;
}

enum scan_result scan_worst(const struct scan_report *r)
{
	enum scan_result w = SCAN_PASS;

	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].result > w)
			w = r->v[i].result;
	return w;
}

const char *scan_result_name(enum scan_result res)
{
	return (unsigned)res < ARRAY_SIZE(result_names) ? result_names[res] : "?";
}

/* a FAIL whose data gives no severity (an OSV record without one) is "unknown", not "none" */
static const char *finding_severity(const struct scan_finding *f)
{
	return f->result == SCAN_FAIL && f->severity == SEV_INFO
		       ? "unknown"
		       : severity_finding_name(f->severity);
}

json_object *scan_finding_json(const struct scan_finding *f)
{
	json_object *o = json_object_new_object(), *d;

	if (!o)
		return NULL;
	json_object_object_add(o, "check", json_object_new_string(f->check));
	json_object_object_add(o, "result", json_object_new_string(scan_result_name(f->result)));
	json_object_object_add(o, "severity", json_object_new_string(finding_severity(f)));
	json_object_object_add(o, "target", json_object_new_string(f->target));
	json_object_object_add(o, "title", json_object_new_string(f->title));
	if (f->reference)
		json_object_object_add(o, "reference", json_object_new_string(f->reference));
	if (f->source)
		json_object_object_add(o, "source", json_object_new_string(f->source));
	d = json_object_new_array();
	for (size_t i = 0; i < f->ndetail; i++)
		json_object_array_add(d, json_object_new_string(f->detail[i]));
	json_object_object_add(o, "detail", d);
	return o;
}

static bool shown(const struct scan_finding *f, const struct scan_output *o)
{
	return o->all || f->result != SCAN_PASS;
}

int scan_print_json(const struct scan_report *r, FILE *out, const struct scan_output *o)
{
	for (size_t i = 0; i < r->n; i++) {
		json_object *j;

		if (!shown(&r->v[i], o))
			continue;
		j = scan_finding_json(&r->v[i]);
		if (!j)
			return -ENOMEM;
		fprintf(out, "%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
		json_object_put(j);
	}
	return ferror(out) ? -EIO : 0;
}

static const char *result_color(enum scan_result res)
{
	switch (res) {
	case SCAN_FAIL:
		return "\033[1;31m";
	case SCAN_WARN:
		return "\033[33m";
	case SCAN_PASS:
		return "\033[32m";
	default:
		return "";
	}
}

/* Columns: result 4, severity 8, check 30, title the rest of 100. */
#define TITLE_WIDTH (100 - 4 - 2 - 8 - 2 - 30 - 2 - 1)

int scan_print_table(const struct scan_report *r, FILE *out, const struct scan_output *o)
{
	size_t count[SCAN_FAIL + 1] = { 0 };
	const char *target = NULL;

	for (size_t i = 0; i < r->n; i++) {
		const struct scan_finding *f = &r->v[i];
		int tw = TITLE_WIDTH;

		count[f->result]++;
		if (!shown(f, o))
			continue;
		if (!target || strcmp(target, f->target)) {
			target = f->target;
			fprintf(out, "%s%s%s\n", o->color ? "\033[1m" : "", f->target,
				o->color ? "\033[0m" : "");
		}
		fprintf(out, "%s%-4s%s  %-8s  %-30s  %.*s%s\n",
			o->color ? result_color(f->result) : "", scan_result_name(f->result),
			o->color ? "\033[0m" : "", finding_severity(f), f->check, tw, f->title,
			(int)strlen(f->title) > tw ? "…" : "");
		for (size_t k = 0; k < f->ndetail; k++)
			fprintf(out, "        %s\n", f->detail[k]);
	}
	fprintf(out, "%zu failed, %zu warnings, %zu info, %zu skipped, %zu passed%s\n",
		count[SCAN_FAIL], count[SCAN_WARN], count[SCAN_INFO], count[SCAN_SKIP],
		count[SCAN_PASS], o->all || !count[SCAN_PASS] ? "" : " (--all shows them)");
	return ferror(out) ? -EIO : 0;
}

/* GitHub reads "security-severity" (0.0-10.0) to rank security results. */
static const char *sarif_security_severity(enum dcea_severity sev)
{
	static const char *const s[] = { "0.0", "3.0", "5.5", "8.0", "9.5" };

	return s[sev];
}

static const char *sarif_level(enum scan_result res)
{
	return res == SCAN_FAIL ? "error" : res == SCAN_WARN ? "warning" : "note";
}

static json_object *sarif_rule(const struct scan_finding *f)
{
	json_object *rule = json_object_new_object(), *t, *p;

	json_object_object_add(rule, "id", json_object_new_string(f->check));
	t = json_object_new_object();
	json_object_object_add(t, "text", json_object_new_string(f->title));
	json_object_object_add(rule, "shortDescription", t);
	if (f->reference)
		json_object_object_add(rule, "helpUri", json_object_new_string(f->reference));
	p = json_object_new_object();
	json_object_object_add(p, "security-severity",
			       json_object_new_string(sarif_security_severity(f->severity)));
	t = json_object_new_array();
	json_object_array_add(t, json_object_new_string("security"));
	json_object_array_add(t, json_object_new_string("container-escape"));
	json_object_object_add(p, "tags", t);
	json_object_object_add(rule, "properties", p);
	return rule;
}

static json_object *sarif_result(const struct scan_finding *f, size_t rule_index)
{
	json_object *res = json_object_new_object(), *msg, *locs, *loc, *ll, *l;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (m) {
		fprintf(m, "%s: %s", f->target, f->title);
		for (size_t k = 0; k < f->ndetail; k++)
			fprintf(m, "\n%s", f->detail[k]);
		fclose(m);
	}
	json_object_object_add(res, "ruleId", json_object_new_string(f->check));
	json_object_object_add(res, "ruleIndex", json_object_new_int64(rule_index));
	json_object_object_add(res, "level", json_object_new_string(sarif_level(f->result)));
	msg = json_object_new_object();
	json_object_object_add(msg, "text", json_object_new_string(text ? text : f->title));
	json_object_object_add(res, "message", msg);
	free(text);
	/* Targets are hosts, containers and images, not files: a logical location names them. */
	locs = json_object_new_array();
	loc = json_object_new_object();
	ll = json_object_new_array();
	l = json_object_new_object();
	json_object_object_add(l, "name", json_object_new_string(f->target));
	json_object_object_add(l, "kind", json_object_new_string("resource"));
	json_object_array_add(ll, l);
	json_object_object_add(loc, "logicalLocations", ll);
	json_object_array_add(locs, loc);
	json_object_object_add(res, "locations", locs);
	return res;
}

int scan_write_sarif(const struct scan_report *r, const char *path)
{
	json_object *root = json_object_new_object(), *runs, *run, *tool, *driver, *rules, *results;
	int err = 0;

	if (!root)
		return -ENOMEM;
	json_object_object_add(
		root, "$schema",
		json_object_new_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_object_add(root, "version", json_object_new_string("2.1.0"));
	runs = json_object_new_array();
	run = json_object_new_object();
	tool = json_object_new_object();
	driver = json_object_new_object();
	json_object_object_add(driver, "name", json_object_new_string("dcea"));
	json_object_object_add(driver, "version", json_object_new_string(DCEA_VERSION));
	rules = json_object_new_array();
	results = json_object_new_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct scan_finding *f = &r->v[i];
		size_t idx, nrules = json_object_array_length(rules);

		if (f->result == SCAN_PASS || f->result == SCAN_SKIP)
			continue;
		for (idx = 0; idx < nrules; idx++) {
			json_object *id =
				json_object_object_get(json_object_array_get_idx(rules, idx), "id");
			if (!strcmp(json_object_get_string(id), f->check))
				break;
		}
		if (idx == nrules)
			json_object_array_add(rules, sarif_rule(f));
		json_object_array_add(results, sarif_result(f, idx));
	}
	json_object_object_add(driver, "rules", rules);
	json_object_object_add(tool, "driver", driver);
	json_object_object_add(run, "tool", tool);
	json_object_object_add(run, "results", results);
	json_object_array_add(runs, run);
	json_object_object_add(root, "runs", runs);
	if (json_object_to_file_ext(path, root,
				    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE))
		err = errno ? -errno : -EIO;
	json_object_put(root);
	return err;
}

int scan_print(const struct scan_report *r, const struct scan_output *o)
{
	int err;

	err = o->json ? scan_print_json(r, stdout, o) : scan_print_table(r, stdout, o);
	fflush(stdout);
	if (err) {
		log_err("failed to write the report: %s", strerror(-err));
		return err;
	}
	if (o->sarif) {
		err = scan_write_sarif(r, o->sarif);
		if (err)
			log_err("failed to write '%s': %s", o->sarif, strerror(-err));
	}
	return err;
}

int scan_exit_code(const struct scan_report *r, enum dcea_severity fail_on)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].result == SCAN_FAIL && r->v[i].severity >= fail_on)
			return 1;
	return 0;
}

void scan_output_init(struct scan_output *o)
{
	memset(o, 0, sizeof(*o));
	o->fail_on = SEV_HIGH;
	o->color = log_color(1);
}

int scan_output_opt(struct scan_output *o, int opt, const char *arg)
{
	switch (opt) {
	case 'j':
		o->json = true;
		return 1;
	case 'a':
		o->all = true;
		return 1;
	case 'S':
		o->sarif = arg;
		return 1;
	case 'F':
		/* any: every FAIL, those whose severity the data does not give included */
		if (!strcasecmp(arg, "any")) {
			o->fail_on = SEV_INFO;
			return 1;
		}
		if (severity_finding_parse(arg, &o->fail_on) || o->fail_on == SEV_INFO) {
			log_err("invalid --fail-on '%s': expected any, low, medium, high or critical",
				arg);
			return -EINVAL;
		}
		return 1;
	default:
		return 0;
	}
}
