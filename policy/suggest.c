// SPDX-License-Identifier: GPL-2.0-only
/*
 * dcea policy suggest (policy/suggest.h): alerts in, a policy fragment of exceptions out.
 * A group is one container image and one executable; its exception names every rule the group's
 * alerts came from. Rules the policy blocks go into a second, commented-out entry marked
 * DANGEROUS. What exceptions cannot silence (scanner findings, the loader's own records) is
 * listed in comments at the end, with what to do instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "common/util.h"
#include "rules/rules.h"
#include "policy/suggest.h"

#define SG_GROUPS 256
#define SG_BITS	  64 /* rule bits as in exceptions: built-in id, 32 + custom rule index */
#define SG_NAMES  32

struct group {
	char image[POLICY_GLOB_LEN];
	char exe[POLICY_PATH_LEN]; /* an absolute path for the exception, or "" */
	char seen[64];		   /* the executable as the alerts named it */
	unsigned long count[SG_BITS];
	unsigned long total, danger;
	char first[40], last[40];
};

struct tally {
	char name[64];
	unsigned long n;
};

struct suggest {
	const struct policy *p;
	struct group g[SG_GROUPS];
	unsigned int n;
	unsigned long alerts, lines_bad, no_image, overflow;
	struct tally findings[SG_NAMES], other[SG_NAMES];
	unsigned int nfindings, nother;
	char first[40], last[40];
};

struct suggest *suggest_new(const struct policy *p)
{
	struct suggest *s = calloc(1, sizeof(*s));

	if (s)
		s->p = p;
	return s;
}

void suggest_free(struct suggest *s)
{
	free(s);
}

static const char *str(json_object *o, const char *k)
{
	json_object *v;
	const char *r;

	return o && json_object_object_get_ex(o, k, &v) && (r = json_object_get_string(v)) ? r : "";
}

static void tally(struct tally *t, unsigned int *n, const char *name)
{
	unsigned int i;

	for (i = 0; i < *n && strcmp(t[i].name, name); i++)
		;
	if (i == *n) {
		if (*n == SG_NAMES)
			return;
		snprintf(t[i].name, sizeof(t[i].name), "%s", name);
		(*n)++;
	}
	t[i].n++;
}

/* The exception bit of a rule name (built-in id or 32 + custom index), -1 if none */
static int rule_bit(const struct policy *p, const char *name)
{
	const struct rule_info *ri = rule_by_name(name);

	if (ri && ri->id != DCEA_R_CUSTOM)
		return ri->id;
	for (size_t i = 0; i < p->n_custom; i++)
		if (!strcmp(p->custom[i].id, name))
			return 32 + i;
	return -1;
}

static const char *bit_name(const struct policy *p, int bit)
{
	if (bit >= 0 && bit < DCEA_R_MAX)
		return rule_table[bit].name;
	if (bit >= 32 && bit - 32 < DCEA_MAX_CUSTOM)
		return p->custom[bit - 32].id;
	return "?";
}

/* Would block mode deny or kill it? Then an exception for it is dangerous. */
static bool blocks(const struct policy *p, int bit)
{
	if (bit >= 0 && bit < DCEA_R_MAX)
		return p->rules[bit].action == POLICY_BLOCK;
	if (bit >= 32 && bit - 32 < DCEA_MAX_CUSTOM)
		return p->custom[bit - 32].action == POLICY_BLOCK;
	return false;
}

/* A path the policy takes as an exception's exe: absolute, no empty, '.' or '..' part, no glob */
static bool usable_exe(const char *s)
{
	if (s[0] != '/' || strlen(s) >= POLICY_PATH_LEN || strpbrk(s, "*?[\\") ||
	    s[strlen(s) - 1] == '/' || strstr(s, "//") || strstr(s, "/./") || strstr(s, "/../"))
		return false;
	return strcmp(s + strlen(s) - 2, "/.") && strcmp(s + strlen(s) - 3, "/..");
}

/* The executable an alert is about: the exec'd program for exec rules, else the actor */
static const char *alert_exe(json_object *rec, const char *rule)
{
	json_object *d = NULL;
	const char *path;

	json_object_object_get_ex(rec, "details", &d);
	path = str(d, "path");
	if (usable_exe(path) &&
	    (!strcmp(rule, "shell_in_container") || !strcmp(rule, "drift_exec") ||
	     !strcmp(rule, "privilege_gain_exec") || !strcmp(str(rec, "custom"), "exec")))
		return path;
	return str(rec, "exe");
}

static void span(char *first, char *last, const char *t)
{
	if (!t[0])
		return;
	if (!first[0] || strcmp(t, first) < 0)
		snprintf(first, 40, "%s", t);
	if (!last[0] || strcmp(t, last) > 0)
		snprintf(last, 40, "%s", t);
}

void suggest_add(struct suggest *s, json_object *rec)
{
	const char *rule = str(rec, "rule"), *exe, *image, *t = str(rec, "time");
	json_object *c = NULL, *agg = NULL, *cnt;
	struct group *g = NULL;
	unsigned long n;
	int bit;

	if (strcmp(str(rec, "type"), "alert"))
		return;
	s->alerts++;
	span(s->first, s->last, t);
	if (str(rec, "source")[0]) { /* scanner findings, the verify sweep: not the kernel's */
		tally(s->findings, &s->nfindings, rule);
		return;
	}
	bit = rule_bit(s->p, rule);
	if (bit < 0) {
		tally(s->other, &s->nother, rule);
		return;
	}
	json_object_object_get_ex(rec, "container", &c);
	image = str(c, "image");
	if (!image[0] || strlen(image) >= POLICY_GLOB_LEN) {
		s->no_image++;
		return;
	}
	exe = alert_exe(rec, rule);
	for (unsigned int i = 0; i < s->n && !g; i++)
		if (!strcmp(s->g[i].image, image) && !strcmp(s->g[i].seen, exe))
			g = &s->g[i];
	if (!g) {
		if (s->n == SG_GROUPS) {
			s->overflow++;
			return;
		}
		g = &s->g[s->n++];
		snprintf(g->image, sizeof(g->image), "%s", image);
		snprintf(g->seen, sizeof(g->seen), "%s", exe);
		if (usable_exe(exe))
			snprintf(g->exe, sizeof(g->exe), "%s", exe);
	}
	/* an aggregated record stands for its count of repeats (docs/ALERTS.md) */
	n = 1;
	if (json_object_object_get_ex(rec, "aggregated", &agg) &&
	    json_object_object_get_ex(agg, "count", &cnt) && json_object_get_int64(cnt) > 1)
		n = (unsigned long)json_object_get_int64(cnt);
	g->count[bit] += n;
	g->total += n;
	if (blocks(s->p, bit))
		g->danger += n;
	span(g->first, g->last, t);
	if (agg && json_object_object_get_ex(agg, "last_time", &cnt)) {
		span(g->first, g->last, json_object_get_string(cnt));
		span(s->first, s->last, json_object_get_string(cnt));
	}
}

void suggest_read(struct suggest *s, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, f) > 0) {
		json_object *o = json_tokener_parse(line);

		if (o && json_object_is_type(o, json_type_object))
			suggest_add(s, o);
		else if (line[strspn(line, " \t\r\n")])
			s->lines_bad++;
		json_object_put(o);
	}
	free(line);
}

/* YAML single-quoted scalar */
static void quoted(FILE *out, const char *v)
{
	fputc('\'', out);
	for (; *v; v++) {
		if (*v == '\'')
			fputc('\'', out);
		fputc(*v, out);
	}
	fputc('\'', out);
}

/* One exception: the rules of g with danger == dangerous; prefix "# " comments it out */
static void entry(struct suggest *s, FILE *out, const struct group *g, bool dangerous)
{
	const char *pre = dangerous ? "  # " : "  ";
	unsigned long n = 0;
	bool first = true;

	for (int b = 0; b < SG_BITS; b++)
		if (g->count[b] && blocks(s->p, b) == dangerous)
			n += g->count[b];
	if (dangerous)
		fputs("  # DANGEROUS: rules that block mode enforces (escapes); left commented "
		      "out\n",
		      out);
	fprintf(out, "  # %lu alert%s by %s:", n, n == 1 ? "" : "s", g->seen[0] ? g->seen : "?");
	first = true;
	for (int b = 0; b < SG_BITS; b++)
		if (g->count[b] && blocks(s->p, b) == dangerous) {
			fprintf(out, "%s %s %lu", first ? "" : ",", bit_name(s->p, b), g->count[b]);
			first = false;
		}
	fputc('\n', out);
	if (!g->exe[0])
		fprintf(out,
			"  # no exe: '%s' is not a full path, so this covers every program "
			"of the image\n",
			g->seen);
	first = true;
	fprintf(out, "%s- rules: [", pre);
	for (int b = 0; b < SG_BITS; b++)
		if (g->count[b] && blocks(s->p, b) == dangerous) {
			fprintf(out, "%s%s", first ? "" : ", ", bit_name(s->p, b));
			first = false;
		}
	fprintf(out, "]\n%s  container: {image: ", pre);
	quoted(out, g->image);
	fputs("}\n", out);
	if (g->exe[0]) {
		fprintf(out, "%s  exe: ", pre);
		quoted(out, g->exe);
		fputc('\n', out);
	}
	fprintf(out, "%s  comment: 'dcea policy suggest: %lu alert%s, %.10s%s'\n", pre, n,
		n == 1 ? "" : "s", g->first, dangerous ? ", DANGEROUS" : "");
}

/*
 * An alert names its executable by basename when the process was gone before the loader read
 * /proc/PID/exe. Such a group joins the one group of the same image whose full path has that
 * basename: the narrower exception (if it was another file, its alerts come back, and say so).
 */
static void merge_basenames(struct suggest *s)
{
	for (unsigned int i = 0; i < s->n; i++) {
		struct group *g = &s->g[i], *to = NULL;
		unsigned int cand = 0;

		if (g->exe[0] || !g->total)
			continue;
		for (unsigned int k = 0; k < s->n; k++) {
			const char *base = strrchr(s->g[k].exe, '/');

			if (k != i && s->g[k].exe[0] && !strcmp(s->g[k].image, g->image) && base &&
			    !strcmp(base + 1, g->seen)) {
				to = &s->g[k];
				cand++;
			}
		}
		if (cand != 1)
			continue;
		for (int b = 0; b < SG_BITS; b++)
			to->count[b] += g->count[b];
		to->total += g->total;
		to->danger += g->danger;
		span(to->first, to->last, g->first);
		span(to->first, to->last, g->last);
		g->total = g->danger = 0;
		memset(g->count, 0, sizeof(g->count));
	}
}

static int by_total(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	unsigned long nx = x->total - x->danger, ny = y->total - y->danger;

	return nx < ny ? 1 : nx > ny ? -1 : strcmp(x->image, y->image);
}

void suggest_print(struct suggest *s, FILE *out, const char *source)
{
	unsigned int active = 0;

	merge_basenames(s);
	/* the noisiest groups first: they get the limited exception slots */
	qsort(s->g, s->n, sizeof(s->g[0]), by_total);
	fprintf(out,
		"# dcea policy suggest: %lu alert%s read from %s, %.19s .. %.19s\n"
		"# Exceptions that would silence what was seen, by container image and "
		"executable.\n"
		"# Review each: an exception silences its rules for every container and program "
		"it\n"
		"# matches. Merge the entries into the 'exceptions:' of your policy (at most %d "
		"in\n"
		"# all) and check it with 'dcea policy check'. Entries marked DANGEROUS are for "
		"rules\n"
		"# the policy blocks (escape rules): they are commented out, and uncommenting one\n"
		"# lets that behaviour through in block mode for the containers it matches.\n"
		"version: 1\n",
		s->alerts, s->alerts == 1 ? "" : "s", source, s->first, s->last, DCEA_MAX_EXC);
	fprintf(out, "exceptions:%s\n", s->n ? "" : " []");
	for (unsigned int i = 0; i < s->n; i++) {
		const struct group *g = &s->g[i];
		bool safe = false, danger = false;

		if (!g->total)
			continue; /* merged into another */
		for (int b = 0; b < SG_BITS; b++) {
			safe |= g->count[b] && !blocks(s->p, b);
			danger |= g->count[b] && blocks(s->p, b);
		}
		if (safe && active < DCEA_MAX_EXC) {
			entry(s, out, g, false);
			active++;
		} else if (safe) {
			fprintf(out,
				"  # not written: a policy holds at most %d exceptions; %s in %s\n",
				DCEA_MAX_EXC, g->seen, g->image);
		}
		if (danger)
			entry(s, out, g, true);
	}
	if (s->nfindings) {
		fputs("# Not silenced by exceptions: findings of the pre-launch scanners (raise\n"
		      "# admission.alert_severity, or change the container's configuration):",
		      out);
		for (unsigned int i = 0; i < s->nfindings; i++)
			fprintf(out, "%s %s %lu", i ? "," : "", s->findings[i].name,
				s->findings[i].n);
		fputc('\n', out);
	}
	if (s->nother) {
		fputs("# Not silenced by exceptions (no rule of this policy):", out);
		for (unsigned int i = 0; i < s->nother; i++)
			fprintf(out, "%s %s %lu", i ? "," : "", s->other[i].name, s->other[i].n);
		fputc('\n', out);
	}
	if (s->no_image || s->overflow || s->lines_bad)
		fprintf(out,
			"# Skipped: %lu alert(s) without a container image, %lu beyond %d groups, "
			"%lu line(s) that are not JSON objects\n",
			s->no_image, s->overflow, SG_GROUPS, s->lines_bad);
}
