// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "scanners/osv.h"

#define OSV_MAX_FILE  (64U << 20)
#define OSV_MAX_DEPTH 16

enum ev_kind {
	EV_INTRODUCED,
	EV_FIXED,
	EV_LAST_AFFECTED,
};

struct osv_event {
	enum ev_kind kind;
	char *value;
};

struct osv_range {
	struct osv_event *ev;
	size_t nev;
};

struct osv_affected {
	struct osv_vuln *vuln;
	char *ecosystem; /* as written, "Debian:12" */
	char *name;
	char *severity;
	struct osv_range *ranges;
	size_t nranges;
	char **versions;
	size_t nversions;
	struct osv_affected *next;
};

struct osv_db {
	struct osv_affected **tab;
	size_t nbuckets, naffected;
	struct osv_vuln **vulns;
	size_t nvulns, capvulns, skipped;
	char *newest;	 /* newest "modified" seen */
	bool in_builtin; /* osv_db_load_builtin() is loading */
	const char *const *needles;
	size_t nneedles;
};

/* key: lowercased ecosystem base (before the first ':') and the package name */
static uint64_t key_hash(const char *eco, const char *name)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *eco && *eco != ':'; eco++)
		h = (h ^ (unsigned char)tolower((unsigned char)*eco)) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	return h;
}

struct osv_db *osv_db_new(void)
{
	struct osv_db *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	db->nbuckets = 1 << 14;
	db->tab = calloc(db->nbuckets, sizeof(*db->tab));
	if (!db->tab) {
		free(db);
		return NULL;
	}
	return db;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void affected_free(struct osv_affected *a)
{
	free(a->ecosystem);
	free(a->name);
	free(a->severity);
	for (size_t i = 0; i < a->nranges; i++) {
		for (size_t j = 0; j < a->ranges[i].nev; j++)
			free(a->ranges[i].ev[j].value);
		free(a->ranges[i].ev);
	}
	free(a->ranges);
	strv_free(a->versions, a->nversions);
	free(a);
}

static void vuln_free(struct osv_vuln *v)
{
	if (!v)
		return;
	free(v->id);
	strv_free(v->aliases, v->naliases);
	free(v->summary);
	free(v->severity);
	free(v->cvss);
	free(v->rating);
	free(v->rating_from);
	free(v->reference);
	free(v->source);
	free(v->modified);
	free(v);
}

void osv_db_free(struct osv_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->nbuckets; i++) {
		struct osv_affected *a = db->tab[i], *nx;

		for (; a; a = nx) {
			nx = a->next;
			affected_free(a);
		}
	}
	for (size_t i = 0; i < db->nvulns; i++)
		vuln_free(db->vulns[i]);
	free(db->vulns);
	free(db->tab);
	free(db->newest);
	free(db);
}

void osv_db_counts(const struct osv_db *db, size_t *records, size_t *skipped)
{
	*records = db->nvulns;
	*skipped = db->skipped;
}

/* ---- CVSS v3 ---- */

/* CVSS 3.1 Roundup for non-negative x, without libm (dcea does not link it) */
static double roundup1(double x)
{
	long i = (long)(x * 100000 + 0.5);

	if (i % 10000 == 0)
		return i / 100000.0;
	return (i / 10000 + 1) / 10.0;
}

static double pow15(double x)
{
	double r = 1;

	for (int i = 0; i < 15; i++)
		r *= x;
	return r;
}

double osv_cvss3_score(const char *vector)
{
	double av = -1, ac = -1, pr = -1, ui = -1, c = -1, in = -1, a = -1, iss, imp, expl;
	int scope = -1; /* 0 unchanged, 1 changed */
	char prv = 0;
	const char *p;

	if (strncmp(vector, "CVSS:3.", 7))
		return -1;
	for (p = strchr(vector, '/'); p && p[1]; p = strchr(p + 1, '/')) {
		const char *m = p + 1, *colon = strchr(m, ':');
		char v;

		if (!colon)
			return -1;
		v = colon[1];
#define M(s) (colon - m == (long)strlen(s) && !strncmp(m, s, colon - m))
		if (M("AV"))
			av = v == 'N'	? 0.85
			     : v == 'A' ? 0.62
			     : v == 'L' ? 0.55
			     : v == 'P' ? 0.2
					: -1;
		else if (M("AC"))
			ac = v == 'L' ? 0.77 : v == 'H' ? 0.44 : -1;
		else if (M("PR"))
			prv = v;
		else if (M("UI"))
			ui = v == 'N' ? 0.85 : v == 'R' ? 0.62 : -1;
		else if (M("S"))
			scope = v == 'U' ? 0 : v == 'C' ? 1 : -1;
		else if (M("C") || M("I") || M("A")) {
			double w = v == 'H' ? 0.56 : v == 'L' ? 0.22 : v == 'N' ? 0 : -1;

			if (M("C"))
				c = w;
			else if (M("I"))
				in = w;
			else
				a = w;
		}
#undef M
	}
	if (prv == 'N')
		pr = 0.85;
	else if (prv == 'L')
		pr = scope == 1 ? 0.68 : 0.62;
	else if (prv == 'H')
		pr = scope == 1 ? 0.5 : 0.27;
	if (av < 0 || ac < 0 || pr < 0 || ui < 0 || scope < 0 || c < 0 || in < 0 || a < 0)
		return -1;
	iss = 1 - (1 - c) * (1 - in) * (1 - a);
	imp = scope ? 7.52 * (iss - 0.029) - 3.25 * pow15(iss - 0.02) : 6.42 * iss;
	expl = 8.22 * av * ac * pr * ui;
	if (imp <= 0)
		return 0;
	iss = scope ? 1.08 * (imp + expl) : imp + expl;
	return roundup1(iss < 10 ? iss : 10);
}

const char *osv_score_severity(double s)
{
	if (s >= 9)
		return "CRITICAL";
	if (s >= 7)
		return "HIGH";
	if (s >= 4)
		return "MEDIUM";
	if (s > 0)
		return "LOW";
	return "NONE";
}

/* ---- loading ---- */

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static json_object *jarr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

static json_object *jobj(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_object))
		return NULL;
	return v;
}

/*
 * A severity[] array: the highest CVSS v3 vector into v->cvss/score/severity, a distribution's
 * own word (type "Ubuntu", "Debian") into v->rating. CVSS v2 and v4 vectors are not scored.
 */
static int severity_from(json_object *arr, struct osv_vuln *v)
{
	size_t n = arr ? json_object_array_length(arr) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(arr, i);
		const char *type = jstr(s, "type"), *val = jstr(s, "score");

		if (!type || !val)
			continue;
		if (!strncmp(type, "CVSS_V3", 7)) {
			double sc = osv_cvss3_score(val);

			if (sc > v->score) {
				v->score = sc;
				free(v->severity);
				free(v->cvss);
				v->severity = strdup(osv_score_severity(sc));
				v->cvss = strdup(val);
				if (!v->severity || !v->cvss)
					return -ENOMEM;
			}
		} else if (!v->rating &&
			   (!strcasecmp(type, "Ubuntu") || !strcasecmp(type, "Debian"))) {
			v->rating = strdup(val);
			v->rating_from = strdup(!strcasecmp(type, "Ubuntu") ? "Ubuntu priority"
									    : "Debian urgency");
			if (!v->rating || !v->rating_from)
				return -ENOMEM;
		}
	}
	return 0;
}

/* An affected[] entry's own rating, as written: Debian's urgency, a severity or priority word. */
static char *entry_rating(json_object *aff)
{
	static const char *const keys[] = { "urgency", "severity", "priority" };
	json_object *objs[] = { jobj(aff, "ecosystem_specific"), jobj(aff, "database_specific") };
	json_object *arr = jarr(aff, "severity");

	for (size_t i = 0; i < ARRAY_SIZE(objs); i++)
		for (size_t k = 0; objs[i] && k < ARRAY_SIZE(keys); k++)
			if (jstr(objs[i], keys[k]))
				return strdup(jstr(objs[i], keys[k]));
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		const char *type = jstr(e, "type");

		if (type && (!strcasecmp(type, "Ubuntu") || !strcasecmp(type, "Debian")) &&
		    jstr(e, "score"))
			return strdup(jstr(e, "score"));
	}
	return NULL;
}

static int add_vuln(struct osv_db *db, struct osv_vuln *v)
{
	if (db->nvulns == db->capvulns) {
		size_t cap = db->capvulns ? db->capvulns * 2 : 256;
		struct osv_vuln **nv = realloc(db->vulns, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		db->vulns = nv;
		db->capvulns = cap;
	}
	db->vulns[db->nvulns++] = v;
	return 0;
}

static int parse_ranges(json_object *aff, struct osv_affected *a)
{
	json_object *ranges = jarr(aff, "ranges");
	size_t n = ranges ? json_object_array_length(ranges) : 0;

	a->ranges = calloc(n ? n : 1, sizeof(*a->ranges));
	if (!a->ranges)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(ranges, i), *evs = jarr(r, "events");
		const char *type = jstr(r, "type");
		struct osv_range *rg;
		size_t ne;

		/* GIT ranges name commits, not package versions */
		if (!type || !evs || (strcmp(type, "ECOSYSTEM") && strcmp(type, "SEMVER")))
			continue;
		rg = &a->ranges[a->nranges++];
		ne = json_object_array_length(evs);
		rg->ev = calloc(ne ? ne : 1, sizeof(*rg->ev));
		if (!rg->ev)
			return -ENOMEM;
		for (size_t j = 0; j < ne; j++) {
			json_object *e = json_object_array_get_idx(evs, j);
			const char *val;
			enum ev_kind k;

			if ((val = jstr(e, "introduced")))
				k = EV_INTRODUCED;
			else if ((val = jstr(e, "fixed")))
				k = EV_FIXED;
			else if ((val = jstr(e, "last_affected")))
				k = EV_LAST_AFFECTED;
			else
				continue; /* "limit" and unknown events do not change what is
					     affected */
			rg->ev[rg->nev].kind = k;
			rg->ev[rg->nev].value = strdup(val);
			if (!rg->ev[rg->nev++].value)
				return -ENOMEM;
		}
	}
	return 0;
}

static int parse_record(struct osv_db *db, json_object *o, const char *label)
{
	struct osv_vuln *v;
	json_object *affected, *arr, *ds, *up;
	const char *id = jstr(o, "id"), *s;
	size_t n;
	int err = -ENOMEM;

	affected = jarr(o, "affected");
	if (!id || !affected) {
		log_warn("%s: record %s has no id or affected list, ignoring", label,
			 id ? id : "(no id)");
		db->skipped++;
		return 0;
	}
	if (jstr(o, "withdrawn"))
		return 0;
	v = calloc(1, sizeof(*v));
	if (!v || !(v->id = strdup(id)))
		goto fail;
	v->builtin = db->in_builtin;
	arr = jarr(o, "aliases");
	up = jarr(o, "upstream");
	n = (arr ? json_object_array_length(arr) : 0) + (up ? json_object_array_length(up) : 0);
	v->aliases = calloc(n ? n : 1, sizeof(char *));
	if (!v->aliases)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		size_t na = arr ? json_object_array_length(arr) : 0;
		json_object *e = i < na ? json_object_array_get_idx(arr, i)
					: json_object_array_get_idx(up, i - na);
		const char *al = json_object_get_string(e);

		if (al && !(v->aliases[v->naliases++] = strdup(al)))
			goto fail;
	}
	s = jstr(o, "modified");
	if (s && !(v->modified = strdup(s)))
		goto fail;
	if (s && (!db->newest || strcmp(s, db->newest) > 0)) {
		char *nw = strdup(s);

		if (!nw)
			goto fail;
		free(db->newest);
		db->newest = nw;
	}
	s = jstr(o, "summary");
	if (!s)
		s = jstr(o, "details");
	if (s && !(v->summary = strndup(s, 200)))
		goto fail;
	if (v->summary)
		v->summary[strcspn(v->summary, "\n")] = '\0';
	err = severity_from(jarr(o, "severity"), v);
	if (err)
		goto fail;
	err = -ENOMEM;
	ds = jobj(o, "database_specific");
	if (!v->rating && ds && jstr(ds, "severity")) {
		v->rating = strdup(jstr(ds, "severity"));
		v->rating_from = strdup("database_specific.severity");
		if (!v->rating || !v->rating_from)
			goto fail;
	}
	s = ds ? jstr(ds, "source") : NULL;
	if (!(v->source = strdup(s ? s : label)))
		goto fail;
	arr = jarr(o, "references");
	n = arr ? json_object_array_length(arr) : 0;
	for (size_t i = 0; i < n && !v->reference; i++) {
		json_object *r = json_object_array_get_idx(arr, i);
		const char *t = jstr(r, "type"), *url = jstr(r, "url");

		if (url && t && (!strcmp(t, "ADVISORY") || i + 1 == n || !strcmp(t, "WEB")))
			v->reference = strdup(url);
	}
	err = add_vuln(db, v);
	if (err)
		goto fail;

	n = json_object_array_length(affected);
	for (size_t i = 0; i < n; i++) {
		json_object *aff = json_object_array_get_idx(affected, i),
			    *pkg = jobj(aff, "package");
		const char *eco = pkg ? jstr(pkg, "ecosystem") : NULL;
		const char *name = pkg ? jstr(pkg, "name") : NULL;
		struct osv_affected *a;
		size_t b;

		if (!eco || !name)
			continue;
		a = calloc(1, sizeof(*a));
		if (!a)
			return -ENOMEM;
		a->vuln = v;
		a->ecosystem = strdup(eco);
		a->name = strdup(name);
		a->severity = entry_rating(aff);
		err = (!a->ecosystem || !a->name) ? -ENOMEM : parse_ranges(aff, a);
		arr = jarr(aff, "versions");
		size_t nv = arr ? json_object_array_length(arr) : 0;

		if (!err && !(a->versions = calloc(nv ? nv : 1, sizeof(char *))))
			err = -ENOMEM;
		for (size_t j = 0; !err && j < nv; j++) {
			const char *ver = json_object_get_string(json_object_array_get_idx(arr, j));

			if (ver && !(a->versions[a->nversions++] = strdup(ver)))
				err = -ENOMEM;
		}
		if (err) {
			affected_free(a);
			return err;
		}
		b = key_hash(a->ecosystem, a->name) & (db->nbuckets - 1);
		a->next = db->tab[b];
		db->tab[b] = a;
		db->naffected++;
	}
	return 0;
fail:
	vuln_free(v);
	return err;
}

void osv_db_only_containing(struct osv_db *db, const char *const *needles, size_t n)
{
	db->needles = needles;
	db->nneedles = n;
}

static bool wanted(const struct osv_db *db, const char *buf, size_t len)
{
	for (size_t i = 0; i < db->nneedles; i++)
		if (memmem(buf, len, db->needles[i], strlen(db->needles[i])))
			return true;
	return !db->nneedles;
}

int osv_db_load_json(struct osv_db *db, const char *buf, size_t len, const char *label)
{
	struct json_tokener *tok;
	json_object *root;
	int err = 0;

	if (!wanted(db, buf, len))
		return 0;
	tok = json_tokener_new_ex(OSV_MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, buf, len);
	if (!root || json_tokener_get_parse_end(tok) < len) {
		/* trailing whitespace is fine, anything else is not */
		size_t end = json_tokener_get_parse_end(tok);

		while (root && end < len &&
		       (buf[end] == ' ' || buf[end] == '\n' || buf[end] == '\r' ||
			buf[end] == '\t' || buf[end] == '\0'))
			end++;
		if (!root || end < len) {
			enum json_tokener_error je = json_tokener_get_error(tok);

			log_err("failed to parse '%s': %s", label,
				root			      ? "trailing data"
				: je == json_tokener_continue ? "truncated JSON"
							      : json_tokener_error_desc(je));
			json_object_put(root);
			json_tokener_free(tok);
			return -EBADMSG;
		}
	}
	json_tokener_free(tok);
	if (json_object_is_type(root, json_type_array)) {
		size_t n = json_object_array_length(root);

		for (size_t i = 0; !err && i < n; i++) {
			json_object *o = json_object_array_get_idx(root, i);

			if (json_object_is_type(o, json_type_object))
				err = parse_record(db, o, label);
			else
				db->skipped++;
		}
	} else if (json_object_is_type(root, json_type_object)) {
		err = parse_record(db, root, label);
	} else {
		log_err("failed to parse '%s': not an OSV record", label);
		err = -EBADMSG;
	}
	json_object_put(root);
	return err;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t l = strlen(s), k = strlen(suf);

	return l >= k && !strcasecmp(s + l - k, suf);
}

static int load_file(struct osv_db *db, const char *path)
{
	char *buf = NULL;
	size_t len;
	struct stat st;
	int err;

	if (stat(path, &st) == 0 && st.st_size > OSV_MAX_FILE) {
		log_err("refusing '%s': larger than %u bytes", path, OSV_MAX_FILE);
		return -EFBIG;
	}
	err = read_file(path, &buf, &len);
	if (err) {
		log_err("failed to read '%s': %s", path, strerror(-err));
		return err;
	}
	err = osv_db_load_json(db, buf, len, path);
	free(buf);
	return err;
}

static int load_dir(struct osv_db *db, const char *path, int depth)
{
	struct dirent **ents = NULL;
	int n, err = 0;

	if (depth > 8)
		return 0;
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		err = -errno;
		log_err("failed to open '%s': %s", path, strerror(errno));
		return err;
	}
	for (int i = 0; i < n; i++) {
		char *p = NULL;
		struct stat st;

		if (!err && ents[i]->d_name[0] != '.' &&
		    asprintf(&p, "%s/%s", path, ents[i]->d_name) >= 0) {
			/* lstat: symlinked directories are not followed (no cycles) */
			if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
				err = load_dir(db, p, depth + 1);
			else if (has_suffix(p, ".json"))
				err = load_file(db, p);
			else if (has_suffix(p, ".zip"))
				err = osv_db_load_path(db, p);
			/* a malformed record is reported and skipped: one bad file does not hide
			 * the rest */
			if (err == -EBADMSG) {
				db->skipped++;
				err = 0;
			}
		}
		free(p);
		free(ents[i]);
	}
	free(ents);
	return err;
}

struct zip_ctx {
	struct osv_db *db;
	const char *zip;
};

static int zip_one(const char *name, const char *buf, size_t len, void *arg)
{
	struct zip_ctx *z = arg;
	char label[1024];
	int err;

	snprintf(label, sizeof(label), "%s:%s", z->zip, name);
	err = osv_db_load_json(z->db, buf, len, label);
	if (err == -EBADMSG) {
		z->db->skipped++;
		err = 0;
	}
	return err;
}

int osv_db_load_path(struct osv_db *db, const char *path)
{
	struct stat st;

	if (stat(path, &st)) {
		int err = -errno;

		log_err("failed to open '%s': %s", path, strerror(errno));
		return err;
	}
	if (S_ISDIR(st.st_mode))
		return load_dir(db, path, 0);
	if (has_suffix(path, ".zip")) {
		struct zip_ctx z = { db, path };

		return osv_zip_foreach(path, OSV_MAX_FILE, zip_one, &z);
	}
	return load_file(db, path);
}

/* ---- matching ---- */

bool osv_ecosystem_matches(const char *aff, const char *q)
{
	const char *ac = strchr(aff, ':'), *qc = strchr(q, ':');
	size_t ab = ac ? (size_t)(ac - aff) : strlen(aff), qb = qc ? (size_t)(qc - q) : strlen(q);
	size_t rl;

	if (ab != qb || strncasecmp(aff, q, ab))
		return false;
	if (!ac)
		return true; /* "Debian": every release */
	if (!qc)
		return false;
	/* "Ubuntu:22.04:LTS" covers "Ubuntu:22.04"; "Ubuntu:Pro:22.04:LTS" does not */
	rl = strlen(qc);
	return !strncmp(ac, qc, rl) && (ac[rl] == '\0' || ac[rl] == ':');
}

static bool is_zero(const char *v)
{
	return !strcmp(v, "0");
}

/*
 * Affected when some introduced event i <= version has no fixed event f with i < f <= version
 * and no last_affected l with i <= l < version; for well-formed ranges this is the schema's
 * sorted-events walk without sorting. *fixed: smallest fixed event above the version.
 */
static bool range_affects(const struct osv_range *r, const char *ver, enum ver_scheme s,
			  const char **fixed)
{
	bool hit = false;

	for (size_t i = 0; i < r->nev; i++) {
		const char *iv = r->ev[i].value;
		bool closed = false;

		if (r->ev[i].kind != EV_INTRODUCED)
			continue;
		if (!is_zero(iv) && version_cmp(s, ver, iv) < 0)
			continue;
		for (size_t j = 0; j < r->nev && !closed; j++) {
			const char *ev = r->ev[j].value;

			if (r->ev[j].kind == EV_FIXED)
				closed = (is_zero(iv) || version_cmp(s, ev, iv) > 0) &&
					 version_cmp(s, ev, ver) <= 0;
			else if (r->ev[j].kind == EV_LAST_AFFECTED)
				closed = (is_zero(iv) || version_cmp(s, ev, iv) >= 0) &&
					 version_cmp(s, ev, ver) < 0;
		}
		if (closed)
			continue;
		hit = true;
		for (size_t j = 0; j < r->nev; j++) {
			const char *ev = r->ev[j].value;

			if (r->ev[j].kind == EV_FIXED && version_cmp(s, ev, ver) > 0 &&
			    (!*fixed || version_cmp(s, ev, *fixed) < 0))
				*fixed = ev;
		}
	}
	return hit;
}

static bool entry_hits(const struct osv_affected *a, const char *ver, enum ver_scheme s,
		       const char **fixed)
{
	bool hit = false;

	for (size_t i = 0; i < a->nversions && !hit; i++)
		hit = !strcmp(a->versions[i], ver);
	for (size_t i = 0; i < a->nranges; i++)
		hit |= range_affects(&a->ranges[i], ver, s, fixed);
	return hit;
}

static bool entry_for(const struct osv_affected *a, const char *eco, const char *name)
{
	return !strcmp(a->name, name) && osv_ecosystem_matches(a->ecosystem, eco);
}

/*
 * The entries of one record are inserted together, so they are adjacent in a bucket's chain: a
 * record is judged on its run of entries. When the record has an entry for the queried release
 * ("Debian:12"), only such entries count: a release-less "Debian" entry (a fix in unstable) must
 * not decide for a release that has its own verdict, fixed or not.
 */
int osv_db_match(const struct osv_db *db, const char *ecosystem, const char *name,
		 const char *version, enum ver_scheme scheme,
		 int (*fn)(const struct osv_hit *hit, void *arg), void *arg)
{
	size_t b = key_hash(ecosystem, name) & (db->nbuckets - 1);
	const struct osv_affected *a = db->tab[b], *run;

	while (a) {
		const struct osv_vuln *v = a->vuln;
		struct osv_hit h = { 0 };
		bool exact = false, hit = false;
		int rc;

		run = a;
		for (; a && a->vuln == v; a = a->next)
			exact |= entry_for(a, ecosystem, name) && strchr(a->ecosystem, ':');
		for (const struct osv_affected *e = run; e != a; e = e->next) {
			const char *fixed = NULL;

			if (!entry_for(e, ecosystem, name) || (exact && !strchr(e->ecosystem, ':')))
				continue;
			if (!entry_hits(e, version, scheme, &fixed))
				continue;
			if (!hit ||
			    (fixed && (!h.fixed || version_cmp(scheme, fixed, h.fixed) < 0))) {
				h.ecosystem = e->ecosystem;
				h.urgency = e->severity;
				if (fixed || !hit)
					h.fixed = fixed;
			}
			hit = true;
		}
		if (!hit)
			continue;
		h.vuln = v;
		rc = fn(&h, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static bool names(const struct osv_vuln *v, const char *alias)
{
	if (!strcmp(v->id, alias))
		return true;
	for (size_t i = 0; i < v->naliases; i++)
		if (!strcmp(v->aliases[i], alias))
			return true;
	return false;
}

/* the highest fixed event at or below ver, over every range of the entry */
static const char *fixed_below(const struct osv_affected *a, const char *ver, enum ver_scheme s)
{
	const char *best = NULL;

	for (size_t i = 0; i < a->nranges; i++)
		for (size_t j = 0; j < a->ranges[i].nev; j++) {
			const struct osv_event *e = &a->ranges[i].ev[j];

			if (e->kind == EV_FIXED && version_cmp(s, e->value, ver) <= 0 &&
			    (!best || version_cmp(s, e->value, best) > 0))
				best = e->value;
		}
	return best;
}

void osv_db_judge(const struct osv_db *db, const char *ecosystem, const char *name,
		  const char *version, enum ver_scheme scheme, const char *alias,
		  struct osv_judgement *out)
{
	size_t b = key_hash(ecosystem, name) & (db->nbuckets - 1);

	memset(out, 0, sizeof(*out));
	for (const struct osv_affected *a = db->tab[b]; a; a = a->next) {
		const char *fixed = NULL;
		bool hit;

		/* a release-less entry ("Debian": unstable) says nothing of one release */
		if (!entry_for(a, ecosystem, name) || !strchr(a->ecosystem, ':') ||
		    !names(a->vuln, alias))
			continue;
		hit = entry_hits(a, version, scheme, &fixed);
		if (out->vuln && out->affected && !hit)
			continue;
		if (out->vuln && out->affected && hit &&
		    (!fixed || (out->fixed && version_cmp(scheme, fixed, out->fixed) >= 0)))
			continue;
		out->vuln = a->vuln;
		out->ecosystem = a->ecosystem;
		out->urgency = a->severity;
		out->affected = hit;
		out->fixed = hit ? fixed : fixed_below(a, version, scheme);
	}
}

bool osv_db_has_package(const struct osv_db *db, const char *ecosystem, const char *name)
{
	size_t b = key_hash(ecosystem, name) & (db->nbuckets - 1);

	for (const struct osv_affected *a = db->tab[b]; a; a = a->next)
		if (entry_for(a, ecosystem, name))
			return true;
	return false;
}

const char *osv_db_newest(const struct osv_db *db)
{
	return db->newest;
}

const char *osv_rating_level(const char *w)
{
	static const struct {
		const char *word, *level;
	} words[] = {
		{ "critical", "CRITICAL" }, { "urgent", "CRITICAL" }, { "high", "HIGH" },
		{ "important", "HIGH" },    { "medium", "MEDIUM" },   { "moderate", "MEDIUM" },
		{ "low", "LOW" },	    { "negligible", "LOW" },  { "unimportant", "LOW" },
	};

	for (size_t i = 0; w && i < ARRAY_SIZE(words); i++)
		if (!strcasecmp(w, words[i].word))
			return words[i].level;
	return NULL; /* "not yet assigned", "end-of-life", "unknown", "untriaged" ... */
}

void osv_hit_severity(const struct osv_hit *h, struct osv_severity *out)
{
	const struct osv_vuln *v = h->vuln;
	const char *lvl;

	memset(out, 0, sizeof(*out));
	if ((lvl = osv_rating_level(h->urgency))) {
		bool ubuntu = !strncasecmp(h->ecosystem, "Ubuntu", 6);
		bool debian = !strncasecmp(h->ecosystem, "Debian", 6);

		out->level = lvl;
		snprintf(out->from, sizeof(out->from), "%s '%s' (%s)",
			 debian	  ? "Debian urgency"
			 : ubuntu ? "Ubuntu priority"
				  : "distribution rating",
			 h->urgency, h->ecosystem);
	} else if (v->rating && (lvl = osv_rating_level(v->rating)) &&
		   strcmp(v->rating_from, "database_specific.severity")) {
		out->level = lvl;
		snprintf(out->from, sizeof(out->from), "%s '%s' (%s)", v->rating_from, v->rating,
			 v->id);
	} else if (v->cvss) {
		out->level = v->severity;
		snprintf(out->from, sizeof(out->from), "CVSS %.1f %s (%s)", v->score, v->cvss,
			 v->id);
	} else if (v->rating && (lvl = osv_rating_level(v->rating))) {
		out->level = lvl;
		snprintf(out->from, sizeof(out->from), "%s '%s' (%s)", v->rating_from, v->rating,
			 v->id);
	}
}

void osv_db_builtin_mode(struct osv_db *db, bool on)
{
	db->in_builtin = on;
}
