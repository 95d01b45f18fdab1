// SPDX-License-Identifier: GPL-2.0-only
/*
 * YAML policy files: libyaml's document API, one handler table per mapping (after netplan). Each
 * problem is reported at FILE:LINE:COL and parsing goes on, so one run shows every error; the
 * caller's policy is only replaced when there was none. Schema and limits: docs/POLICY.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <yaml.h>

#include "common/log.h"
#include "common/util.h"
#include "loader/rules.h"
#include "policy/parse.h"

#define POLICY_MAX_FILE (1 << 20)
#define CONFIGFS_MAGIC	0x62656570

static const struct {
	const char *name;
	unsigned int magic;
} fs_magics[] = {
	{"cgroup", CGROUP_SUPER_MAGIC},	 {"cgroup2", CGROUP2_SUPER_MAGIC},
	{"sysfs", SYSFS_MAGIC},		 {"proc", PROC_SUPER_MAGIC},
	{"binfmt_misc", BINFMTFS_MAGIC}, {"securityfs", SECURITYFS_MAGIC},
	{"debugfs", DEBUGFS_MAGIC},	 {"tracefs", TRACEFS_MAGIC},
	{"bpf", BPF_FS_MAGIC},		 {"configfs", CONFIGFS_MAGIC},
	{"efivarfs", EFIVARFS_MAGIC},	 {"pstore", PSTOREFS_MAGIC},
	{"devpts", DEVPTS_SUPER_MAGIC},	 {"tmpfs", TMPFS_MAGIC},
	{"hugetlbfs", HUGETLBFS_MAGIC},
};

const char *policy_fs_name(unsigned int magic)
{
	for (size_t i = 0; i < ARRAY_SIZE(fs_magics); i++)
		if (fs_magics[i].magic == magic)
			return fs_magics[i].name;
	return NULL;
}

int policy_fs_parse(const char *s, unsigned int *magic)
{
	uint64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(fs_magics); i++)
		if (!strcmp(fs_magics[i].name, s)) {
			*magic = fs_magics[i].magic;
			return 0;
		}
	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)) {
		char *end;

		errno = 0;
		v = strtoull(s + 2, &end, 16);
		if (errno || end == s + 2 || *end)
			return -EINVAL;
	} else if (parse_u64(s, &v)) {
		return -EINVAL;
	}
	if (!v || v > UINT32_MAX)
		return -EINVAL;
	*magic = v;
	return 0;
}

const char *const policy_list_names[POLICY_L_MAX] = {
	[POLICY_L_FSTYPES] = "fstypes",
	[POLICY_L_SYSCTLS] = "sysctls",
	[POLICY_L_KNOB_FILES] = "knob_files",
	[POLICY_L_SOCKETS] = "runtime_sockets",
};

struct pctx {
	const char *name;
	yaml_document_t *doc;
	struct policy *p;
	policy_diag_fn fn;
	void *arg;
	int nerr;
};

static void diag(struct pctx *c, const yaml_mark_t *m, const char *msg)
{
	struct policy_diag d = {c->name, m ? m->line + 1 : 0, m ? m->column + 1 : 0, msg};

	c->nerr++;
	c->fn(&d, c->arg);
}

/* Report a problem at a node; always -EINVAL so handlers can `return perr(...)`. */
__attribute__((format(printf, 3, 4))) static int perr(struct pctx *c, const yaml_node_t *n,
						      const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag(c, n ? &n->start_mark : NULL, msg);
	return -EINVAL;
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_null(const yaml_node_t *n)
{
	const char *s = scalar(n);

	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
		!strcmp(s, "NULL"));
}

static yaml_node_t *node(struct pctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

/* One row per key of a mapping; arg is free for the handler (a list index, say). */
struct handler {
	const char *key;
	int (*fn)(struct pctx *c, yaml_node_t *key, yaml_node_t *val, void *obj, int arg);
	int arg;
	bool required;
};

/* Errors other than -EINVAL (out of memory) stop everything; -EINVAL ones are counted in c->nerr.
 */
static int walk_mapping(struct pctx *c, yaml_node_t *n, const char *what, const struct handler *tab,
			void *obj)
{
	unsigned long long seen = 0;
	char known[256];
	size_t ntab, off = 0;
	int ret = 0;

	if (n->type != YAML_MAPPING_NODE)
		return perr(c, n, "'%s' must be a mapping", what);
	for (ntab = 0; tab[ntab].key; ntab++)
		off += snprintf(known + off, off < sizeof(known) ? sizeof(known) - off : 0, "%s%s",
				ntab ? ", " : "", tab[ntab].key);
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = node(c, pr->key), *v = node(c, pr->value);
		size_t i;
		int err;

		if (k->type != YAML_SCALAR_NODE) {
			ret = perr(c, k, "keys of '%s' must be strings", what);
			continue;
		}
		for (i = 0; i < ntab && strcmp(tab[i].key, scalar(k)); i++)
			;
		if (i == ntab) {
			ret = perr(c, k, "unknown key '%s' in '%s' (known: %s)", scalar(k), what,
				   known);
			continue;
		}
		if (seen & (1ULL << i)) {
			ret = perr(c, k, "duplicate key '%s' in '%s'", scalar(k), what);
			continue;
		}
		seen |= 1ULL << i;
		err = tab[i].fn(c, k, v, obj, tab[i].arg);
		if (err && err != -EINVAL)
			return err;
		if (err)
			ret = err;
	}
	for (size_t i = 0; i < ntab; i++)
		if (tab[i].required && !(seen & (1ULL << i)))
			ret = perr(c, n, "missing key '%s' in '%s'", tab[i].key, what);
	return ret;
}

static int get_bool(struct pctx *c, yaml_node_t *k, yaml_node_t *v, bool *out)
{
	static const char *const t[] = {"true", "True", "TRUE"}, *const f[] = {"false", "False",
									       "FALSE"};

	if (v->type == YAML_SCALAR_NODE && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
			if (!strcmp(scalar(v), t[i])) {
				*out = true;
				return 0;
			}
			if (!strcmp(scalar(v), f[i])) {
				*out = false;
				return 0;
			}
		}
	return perr(c, v, "'%s' must be true or false", scalar(k));
}

/* A scalar for a keyword or a name; NULL (reported) for a mapping, a sequence or null. */
static const char *get_word(struct pctx *c, yaml_node_t *k, yaml_node_t *v)
{
	if (v->type != YAML_SCALAR_NODE || is_null(v)) {
		perr(c, v, "'%s' must be a string", scalar(k));
		return NULL;
	}
	return scalar(v);
}

/* ---- top level: version, mode ---- */

static int h_version(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	if (v->type != YAML_SCALAR_NODE || strcmp(scalar(v), "1"))
		return perr(c, v, "'version' must be 1");
	return 0;
}

static int h_mode(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	const char *s = get_word(c, k, v);

	if (!s)
		return -EINVAL;
	if (!strcmp(s, "audit"))
		c->p->mode = DCEA_MODE_AUDIT;
	else if (!strcmp(s, "block"))
		c->p->mode = DCEA_MODE_BLOCK;
	else
		return perr(c, v, "'mode' must be audit or block, not '%s'", s);
	return 0;
}

/* ---- rules: { <rule id>: { enabled, action, severity } } ---- */

static int h_enabled(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_rule *r = obj;

	return get_bool(c, k, v, &r->enabled);
}

static int h_action(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_rule *r = obj;
	const char *s = get_word(c, k, v);

	if (!s)
		return -EINVAL;
	if (!strcmp(s, "alert"))
		r->action = POLICY_ALERT;
	else if (!strcmp(s, "block"))
		r->action = POLICY_BLOCK;
	else
		return perr(c, v, "'action' must be alert or block, not '%s'", s);
	return 0;
}

static int h_severity(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_rule *r = obj;
	const char *s = get_word(c, k, v);
	int sev;

	if (!s)
		return -EINVAL;
	sev = severity_parse(s);
	if (sev < 0)
		return perr(c, v,
			    "'severity' must be info, low, medium, high or critical, not '%s'", s);
	r->severity = sev;
	return 0;
}

static const struct handler rule_handlers[] = {
	{"enabled", h_enabled},
	{"action", h_action},
	{"severity", h_severity},
	{},
};

static int h_rules(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	unsigned long long seen = 0;
	int ret = 0;

	_Static_assert(DCEA_R_MAX <= 64, "rule ids fit the seen mask");
	if (v->type != YAML_MAPPING_NODE)
		return perr(c, v, "'rules' must be a mapping");
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *rk = node(c, pr->key), *rv = node(c, pr->value);
		const struct rule_info *ri;
		int err;

		if (rk->type != YAML_SCALAR_NODE) {
			ret = perr(c, rk, "keys of 'rules' must be rule names");
			continue;
		}
		ri = rule_by_name(scalar(rk));
		if (!ri) {
			ret = perr(c, rk, "unknown rule '%s'", scalar(rk));
			continue;
		}
		if (seen & (1ULL << ri->id)) {
			ret = perr(c, rk, "duplicate rule '%s'", scalar(rk));
			continue;
		}
		seen |= 1ULL << ri->id;
		err = walk_mapping(c, rv, ri->name, rule_handlers, &c->p->rules[ri->id]);
		if (err && err != -EINVAL)
			return err;
		if (err)
			ret = err;
	}
	return ret;
}

/* ---- lists: { <list>: [replacement...] | { add: [...], remove: [...] } } ---- */

struct list_desc {
	size_t off;	   /* of the array in struct policy */
	size_t n_off;	   /* of its count */
	size_t stride;	   /* bytes per entry; for names the kernel key size, NUL included */
	const char *shape; /* what a bad name should look like, for messages */
};

static const struct list_desc lists[POLICY_L_MAX] = {
	[POLICY_L_FSTYPES] = {offsetof(struct policy, fstypes), offsetof(struct policy, n_fstypes),
			      sizeof(((struct policy *)0)->fstypes[0]),
			      "a file system type like 'proc'"},
	[POLICY_L_SYSCTLS] = {offsetof(struct policy, sysctls), offsetof(struct policy, n_sysctls),
			      sizeof(((struct policy *)0)->sysctls[0]),
			      "a path under /proc/sys like 'kernel/core_pattern'"},
	[POLICY_L_KNOB_FILES] = {offsetof(struct policy, knob_files),
				 offsetof(struct policy, n_knob_files),
				 sizeof(struct policy_knob_file),
				 "a file name like 'release_agent'"},
	[POLICY_L_SOCKETS] = {offsetof(struct policy, sockets), offsetof(struct policy, n_sockets),
			      sizeof(((struct policy *)0)->sockets[0]),
			      "a socket file name like 'docker.sock'"},
};

size_t policy_list_len(const struct policy *p, enum policy_list l)
{
	return *(const size_t *)((const char *)p + lists[l].n_off);
}

static bool good_name(enum policy_list l, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] == 0x7f || (s[i] == '/' && l != POLICY_L_SYSCTLS))
			return false;
	if (l == POLICY_L_SYSCTLS)
		return s[0] != '/' && s[n - 1] != '/' && strchr(s, '/') && !strstr(s, "//");
	return strcmp(s, ".") && strcmp(s, "..");
}

/* A name into a zeroed slot of `size` bytes (the kernel key, NUL included). */
static int get_name(struct pctx *c, enum policy_list l, const char *what, yaml_node_t *n, char *out,
		    size_t size)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE)
		return perr(c, n, "entries of '%s' must be strings", what);
	if (is_null(n))
		return perr(c, n, "empty entry in '%s'", what);
	s = scalar(n);
	if (strlen(s) >= size)
		return perr(c, n,
			    "'%s' in '%s' is too long for the kernel (at most %zu characters)", s,
			    what, size - 1);
	if (!good_name(l, s))
		return perr(c, n, "'%s' in '%s' is not %s", s, what, lists[l].shape);
	memcpy(out, s, strlen(s));
	return 0;
}

static int h_knob_fs(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_knob_file *kf = obj;
	const char *s = get_word(c, k, v);

	if (!s)
		return -EINVAL;
	if (policy_fs_parse(s, &kf->magic))
		return perr(c, v,
			    "unknown file system '%s' (a name like proc or a number like 0x9fa0)",
			    s);
	return 0;
}

static int h_knob_name(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_knob_file *kf = obj;

	return get_name(c, POLICY_L_KNOB_FILES, "knob_files", v, kf->name, sizeof(kf->name));
}

static const struct handler knob_handlers[] = {
	{"fs", h_knob_fs, 0, true},
	{"name", h_knob_name, 0, true},
	{},
};

static int get_entry(struct pctx *c, enum policy_list l, const char *what, yaml_node_t *n,
		     void *out)
{
	memset(out, 0, lists[l].stride);
	if (l == POLICY_L_KNOB_FILES) {
		if (n->type != YAML_MAPPING_NODE)
			return perr(c, n, "entries of '%s' must be {fs: FS, name: NAME} mappings",
				    what);
		return walk_mapping(c, n, what, knob_handlers, out);
	}
	return get_name(c, l, what, n, out, lists[l].stride);
}

/* The entry as messages show it: the name, or fs:name for knob files. */
static const char *entry_str(enum policy_list l, const void *e, char *buf, size_t size)
{
	const struct policy_knob_file *kf = e;
	const char *fs;

	if (l != POLICY_L_KNOB_FILES)
		return e;
	fs = policy_fs_name(kf->magic);
	if (fs)
		snprintf(buf, size, "%s:%s", fs, kf->name);
	else
		snprintf(buf, size, "%#x:%s", kf->magic, kf->name);
	return buf;
}

static ssize_t find(enum policy_list l, const char *arr, size_t n, const void *e)
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp(arr + i * lists[l].stride, e, lists[l].stride))
			return i;
	return -1;
}

struct entries {
	char buf[POLICY_MAX_LIST * 64];
	yaml_node_t *nodes[POLICY_MAX_LIST];
	size_t n;
};

/* A sequence of distinct, valid entries, at most POLICY_MAX_LIST. */
static int get_entries(struct pctx *c, enum policy_list l, const char *what, yaml_node_t *seq,
		       struct entries *out)
{
	size_t stride = lists[l].stride;
	char slot[64], tmp[64];
	int ret = 0;

	_Static_assert(sizeof(struct policy_knob_file) <= sizeof(slot), "entries fit the slot");
	out->n = 0;
	if (seq->type != YAML_SEQUENCE_NODE)
		return perr(c, seq, "'%s' must be a sequence", what);
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = node(c, *it);
		int err;

		if (out->n == POLICY_MAX_LIST)
			return perr(c, n, "too many entries in '%s' (at most %d)", what,
				    POLICY_MAX_LIST);
		err = get_entry(c, l, what, n, slot);
		if (err && err != -EINVAL)
			return err;
		if (err) {
			ret = err;
			continue;
		}
		if (find(l, out->buf, out->n, slot) >= 0) {
			ret = perr(c, n, "duplicate entry '%s' in '%s'",
				   entry_str(l, slot, tmp, sizeof(tmp)), what);
			continue;
		}
		memcpy(out->buf + out->n * stride, slot, stride);
		out->nodes[out->n++] = n;
	}
	return ret;
}

static int replace_list(struct pctx *c, enum policy_list l, yaml_node_t *seq)
{
	struct entries *e = calloc(1, sizeof(*e));
	int err;

	if (!e)
		return -ENOMEM;
	err = get_entries(c, l, policy_list_names[l], seq, e);
	if (!err) {
		memcpy((char *)c->p + lists[l].off, e->buf, e->n * lists[l].stride);
		*(size_t *)((char *)c->p + lists[l].n_off) = e->n;
	}
	free(e);
	return err;
}

struct list_edit {
	yaml_node_t *add, *remove;
};

static int h_edit_node(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct list_edit *ed = obj;

	if (arg)
		ed->remove = v;
	else
		ed->add = v;
	return 0;
}

static const struct handler edit_handlers[] = {
	{"add", h_edit_node, 0},
	{"remove", h_edit_node, 1},
	{},
};

/* remove first, then add; adding what is already there is a no-op, removing what is not an error */
static int edit_list(struct pctx *c, enum policy_list l, yaml_node_t *map)
{
	const char *name = policy_list_names[l];
	char *arr = (char *)c->p + lists[l].off, tmp[64], what[48];
	size_t *n = (size_t *)((char *)c->p + lists[l].n_off), stride = lists[l].stride;
	struct list_edit ed = {};
	struct entries *add = NULL, *rm = NULL;
	int err, ret;

	ret = walk_mapping(c, map, name, edit_handlers, &ed);
	if (ret && ret != -EINVAL)
		return ret;
	add = calloc(1, sizeof(*add));
	rm = calloc(1, sizeof(*rm));
	if (!add || !rm) {
		ret = -ENOMEM;
		goto cleanup;
	}
	if (ed.remove) {
		snprintf(what, sizeof(what), "%s.remove", name);
		err = get_entries(c, l, what, ed.remove, rm);
		if (err && err != -EINVAL) {
			ret = err;
			goto cleanup;
		}
		ret = ret ?: err;
	}
	if (ed.add) {
		snprintf(what, sizeof(what), "%s.add", name);
		err = get_entries(c, l, what, ed.add, add);
		if (err && err != -EINVAL) {
			ret = err;
			goto cleanup;
		}
		ret = ret ?: err;
	}
	for (size_t i = 0; i < rm->n; i++) {
		const char *e = rm->buf + i * stride;
		ssize_t at = find(l, arr, *n, e);

		if (find(l, add->buf, add->n, e) >= 0) {
			ret = perr(c, rm->nodes[i], "'%s' is both added to and removed from '%s'",
				   entry_str(l, e, tmp, sizeof(tmp)), name);
		} else if (at < 0) {
			ret = perr(c, rm->nodes[i], "cannot remove '%s': it is not in '%s'",
				   entry_str(l, e, tmp, sizeof(tmp)), name);
		} else {
			memmove(arr + at * stride, arr + (at + 1) * stride, (*n - at - 1) * stride);
			(*n)--;
		}
	}
	for (size_t i = 0; i < add->n; i++) {
		const char *e = add->buf + i * stride;

		if (find(l, arr, *n, e) >= 0)
			continue;
		if (*n == POLICY_MAX_LIST) {
			ret = perr(c, add->nodes[i], "too many entries in '%s' (at most %d)", name,
				   POLICY_MAX_LIST);
			break;
		}
		memcpy(arr + (*n)++ * stride, e, stride);
	}
cleanup:
	free(add);
	free(rm);
	return ret;
}

static int h_list(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	if (v->type == YAML_SEQUENCE_NODE)
		return replace_list(c, arg, v);
	if (v->type == YAML_MAPPING_NODE)
		return edit_list(c, arg, v);
	return perr(c, v,
		    "'%s' must be a sequence (replacing the list) or a mapping with add/remove",
		    scalar(k));
}

static const struct handler list_handlers[] = {
	{"fstypes", h_list, POLICY_L_FSTYPES},
	{"sysctls", h_list, POLICY_L_SYSCTLS},
	{"knob_files", h_list, POLICY_L_KNOB_FILES},
	{"runtime_sockets", h_list, POLICY_L_SOCKETS},
	{},
};

static int h_lists(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	return walk_mapping(c, v, "lists", list_handlers, NULL);
}

static const struct handler top_handlers[] = {
	{"version", h_version}, {"mode", h_mode}, {"rules", h_rules}, {"lists", h_lists}, {},
};

/* ---- entry points ---- */

static void yaml_diag(struct pctx *c, const yaml_parser_t *ps)
{
	char msg[512];

	if (ps->error == YAML_MEMORY_ERROR) {
		diag(c, NULL, "out of memory");
		return;
	}
	if (ps->error == YAML_READER_ERROR) {
		snprintf(msg, sizeof(msg), "invalid YAML: %s at byte %zu",
			 ps->problem ?: "unreadable input", ps->problem_offset);
		diag(c, NULL, msg);
		return;
	}
	if (ps->context)
		snprintf(msg, sizeof(msg), "invalid YAML: %s (%s at %zu:%zu)", ps->problem,
			 ps->context, ps->context_mark.line + 1, ps->context_mark.column + 1);
	else
		snprintf(msg, sizeof(msg), "invalid YAML: %s", ps->problem ?: "parse error");
	diag(c, &ps->problem_mark, msg);
}

static void log_diag(const struct policy_diag *d, void *arg)
{
	if (d->line)
		log_err("%s:%u:%u: %s", d->file, d->line, d->col, d->msg);
	else
		log_err("%s: %s", d->file, d->msg);
}

int policy_parse(const char *name, const char *buf, size_t len, struct policy *p, policy_diag_fn fn,
		 void *arg)
{
	struct pctx c = {.name = name, .fn = fn ?: log_diag, .arg = arg};
	yaml_document_t doc, next;
	yaml_parser_t ps;
	bool have_doc = false, have_next = false;
	yaml_node_t *root;
	int err = 0;

	c.p = malloc(sizeof(*c.p));
	if (!c.p)
		return -ENOMEM;
	*c.p = *p;
	if (!yaml_parser_initialize(&ps)) {
		free(c.p);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&ps, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&ps, &doc)) {
		yaml_diag(&c, &ps);
		err = ps.error == YAML_MEMORY_ERROR ? -ENOMEM : -EINVAL;
		goto cleanup;
	}
	have_doc = true;
	c.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root && !yaml_parser_load(&ps, &next)) {
		yaml_diag(&c, &ps);
		err = ps.error == YAML_MEMORY_ERROR ? -ENOMEM : -EINVAL;
		goto cleanup;
	}
	have_next = root != NULL;
	if (have_next && yaml_document_get_root_node(&next)) {
		perr(&c, yaml_document_get_root_node(&next),
		     "a policy file holds one YAML document");
		err = -EINVAL;
		goto cleanup;
	}
	if (!root || is_null(root))
		goto cleanup; /* an empty file changes nothing */
	if (root->type != YAML_MAPPING_NODE) {
		perr(&c, root, "a policy must be a mapping with mode, rules and lists");
		err = -EINVAL;
		goto cleanup;
	}
	err = walk_mapping(&c, root, "policy", top_handlers, NULL);
cleanup:
	if (!err && c.nerr)
		err = -EINVAL;
	if (!err)
		*p = *c.p;
	if (have_next)
		yaml_document_delete(&next);
	if (have_doc)
		yaml_document_delete(&doc);
	yaml_parser_delete(&ps);
	free(c.p);
	return err;
}

int policy_parse_buffer(const char *name, const char *buf, size_t len, struct policy *p)
{
	return policy_parse(name, buf, len, p, NULL, NULL);
}

int policy_load_diag(const char *path, struct policy *p, policy_diag_fn fn, void *arg)
{
	char *buf = NULL, msg[256];
	size_t len = 0;
	int err;

	err = read_file(path, &buf, &len);
	if (!err && len > POLICY_MAX_FILE)
		err = -EFBIG;
	if (err) {
		struct policy_diag d = {path, 0, 0, msg};

		snprintf(msg, sizeof(msg), "failed to read the policy: %s", strerror(-err));
		(fn ?: log_diag)(&d, arg);
		free(buf);
		return err;
	}
	err = policy_parse(path, buf, len, p, fn, arg);
	free(buf);
	return err;
}

int policy_load(const char *path, struct policy *p)
{
	return policy_load_diag(path, p, NULL, NULL);
}
