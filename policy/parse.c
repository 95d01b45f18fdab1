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
#include <yaml.h>

#include "common/log.h"
#include "common/util.h"
#include "common/yaml.h"
#include "rules/rules.h"
#include "policy/parse_int.h"

#define POLICY_MAX_FILE (1 << 20)

static void diag(struct pctx *c, const yaml_mark_t *m, const char *msg)
{
	struct policy_diag d = { c->name, m ? m->line + 1 : 0, m ? m->column + 1 : 0, msg };

	c->nerr++;
	c->fn(&d, c->arg);
}

__attribute__((format(printf, 3, 4))) int pol_err(struct pctx *c, const yaml_node_t *n,
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

bool pol_is_null(const yaml_node_t *n)
{
	const char *s = scalar(n);

	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
		!strcmp(s, "NULL"));
}

/* struct handler rows as the common walker reads them */
static const char *handler_key(const void *tab, size_t i)
{
	return ((const struct handler *)tab)[i].key;
}

static bool handler_required(const void *tab, size_t i)
{
	return ((const struct handler *)tab)[i].required;
}

static int handler_call(void *ctx, const void *tab, size_t i, yaml_node_t *k, yaml_node_t *v,
			void *obj)
{
	const struct handler *h = &((const struct handler *)tab)[i];

	return h->fn(ctx, k, v, obj, h->arg);
}

static int walk_err(void *ctx, const yaml_node_t *n, const char *msg)
{
	return pol_err(ctx, n, "%s", msg);
}

/* Errors other than -EINVAL (out of memory) stop everything; -EINVAL ones are counted in c->nerr.
 */
int pol_walk(struct pctx *c, yaml_node_t *n, const char *what, const struct handler *tab, void *obj)
{
	const struct ywalk w = { .what = what,
				 .doc = c->doc,
				 .tab = tab,
				 .key = handler_key,
				 .required = handler_required,
				 .handle = handler_call,
				 .err = walk_err };

	return yaml_walk_mapping(&w, c, n, obj);
}

static int get_bool(struct pctx *c, yaml_node_t *k, yaml_node_t *v, bool *out)
{
	static const char *const t[] = { "true", "True", "TRUE" }, *const f[] = { "false", "False",
										  "FALSE" };

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
	return pol_err(c, v, "'%s' must be true or false", scalar(k));
}

int pol_bool(struct pctx *c, yaml_node_t *k, yaml_node_t *v, bool *out)
{
	return get_bool(c, k, v, out);
}

const char *pol_word(struct pctx *c, yaml_node_t *k, yaml_node_t *v)
{
	if (v->type != YAML_SCALAR_NODE || pol_is_null(v)) {
		pol_err(c, v, "'%s' must be a string", scalar(k));
		return NULL;
	}
	return scalar(v);
}

/* ---- top level: version, mode ---- */

static int h_version(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	if (v->type != YAML_SCALAR_NODE || strcmp(scalar(v), "1"))
		return pol_err(c, v, "'version' must be 1");
	return 0;
}

static int h_mode(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	const char *s = pol_word(c, k, v);

	if (!s)
		return -EINVAL;
	if (!strcmp(s, "audit"))
		c->p->mode = DCEA_MODE_AUDIT;
	else if (!strcmp(s, "block"))
		c->p->mode = DCEA_MODE_BLOCK;
	else
		return pol_err(c, v, "'mode' must be audit or block, not '%s'", s);
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
	const char *s = pol_word(c, k, v);

	if (!s)
		return -EINVAL;
	if (!strcmp(s, "alert"))
		r->action = POLICY_ALERT;
	else if (!strcmp(s, "block"))
		r->action = POLICY_BLOCK;
	else
		return pol_err(c, v, "'action' must be alert or block, not '%s'", s);
	return 0;
}

static int h_severity(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_rule *r = obj;
	const char *s = pol_word(c, k, v);
	int sev;

	if (!s)
		return -EINVAL;
	sev = severity_parse(s);
	if (sev < 0)
		return pol_err(c, v,
			       "'severity' must be info, low, medium, high or critical, not '%s'",
			       s);
	r->severity = sev;
	return 0;
}

/* shell_in_container only: which non-interactive shells (not the entrypoint) are reported */
static int h_non_interactive(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_rule *r = obj;
	const char *s;

	if (r != &c->p->rules[DCEA_R_SHELL])
		return pol_err(c, k, "'non_interactive' is an option of shell_in_container only");
	s = pol_word(c, k, v);
	if (!s)
		return -EINVAL;
	if (!strcmp(s, "all"))
		r->opts |= DCEA_RO_SHELL_ALL;
	else if (!strcmp(s, "unexpected_parent"))
		r->opts &= ~DCEA_RO_SHELL_ALL;
	else
		return pol_err(c, v, "'non_interactive' must be unexpected_parent or all, not '%s'",
			       s);
	return 0;
}

static const struct handler rule_handlers[] = {
	{ "enabled", h_enabled },
	{ "action", h_action },
	{ "severity", h_severity },
	{ "non_interactive", h_non_interactive },
	{},
};

int pol_rule_field(struct pctx *c, yaml_node_t *k, yaml_node_t *v, struct policy_rule *r)
{
	for (const struct handler *h = rule_handlers; h->key; h++)
		if (!strcmp(h->key, scalar(k)))
			return h->fn(c, k, v, r, 0);
	return -EINVAL;
}

static int h_rules(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	unsigned long long seen = 0;
	int ret = 0;

	_Static_assert(DCEA_R_MAX <= 64, "rule ids fit the seen mask");
	if (v->type != YAML_MAPPING_NODE)
		return pol_err(c, v, "'rules' must be a mapping");
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *rk = node(c, pr->key), *rv = node(c, pr->value);
		const struct rule_info *ri;
		int err;

		if (rk->type != YAML_SCALAR_NODE) {
			ret = pol_err(c, rk, "keys of 'rules' must be rule names");
			continue;
		}
		ri = rule_by_name(scalar(rk));
		if (!ri || ri->id == DCEA_R_CUSTOM) {
			ret = pol_err(c, rk, "unknown rule '%s'", scalar(rk));
			continue;
		}
		if (seen & (1ULL << ri->id)) {
			ret = pol_err(c, rk, "duplicate rule '%s'", scalar(rk));
			continue;
		}
		seen |= 1ULL << ri->id;
		err = pol_walk(c, rv, ri->name, rule_handlers, &c->p->rules[ri->id]);
		if (err && err != -EINVAL)
			return err;
		if (err)
			ret = err;
	}
	return ret;
}

static int h_exceptions(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	c->exceptions = v;
	return 0;
}

static const struct handler top_handlers[] = {
	{ "version", h_version },
	{ "mode", h_mode },
	{ "rules", h_rules },
	{ "lists", pol_lists },
	{ "custom_rules", pol_custom_rules },
	{ "exceptions", h_exceptions },
	{ "admission", pol_admission }, /* policy/admission.c */
	{},
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
	struct pctx c = { .name = name, .fn = fn ?: log_diag, .arg = arg };
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
		pol_err(&c, yaml_document_get_root_node(&next),
			"a policy file holds one YAML document");
		err = -EINVAL;
		goto cleanup;
	}
	if (!root || pol_is_null(root))
		goto cleanup; /* an empty file changes nothing */
	if (root->type != YAML_MAPPING_NODE) {
		pol_err(&c, root, "a policy must be a mapping with mode, rules and lists");
		err = -EINVAL;
		goto cleanup;
	}
	err = pol_walk(&c, root, "policy", top_handlers, NULL);
	if ((!err || err == -EINVAL) && c.exceptions) {
		int e2 = pol_exceptions(&c, c.exceptions);

		err = err ?: e2;
		if (e2 && e2 != -EINVAL)
			err = e2;
	}
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
		struct policy_diag d = { path, 0, 0, msg };

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
