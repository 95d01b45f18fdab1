// SPDX-License-Identifier: GPL-2.0-only
/*
 * custom_rules: and exceptions: of a policy file. Custom rules are parsed before exceptions
 * whatever their order in the file, so an exception can name a custom rule. Schema and limits:
 * docs/POLICY.md.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "rules/rules.h"
#include "policy/parse_int.h"

const char *const policy_kind_names[DCEA_K_MAX] = {
	[DCEA_K_EXEC] = "exec",
	[DCEA_K_OPEN_READ] = "open_read",
	[DCEA_K_OPEN_WRITE] = "open_write",
	[DCEA_K_MOUNT] = "mount",
	[DCEA_K_MKNOD] = "mknod",
	[DCEA_K_SETUID] = "setuid",
	[DCEA_K_CAPSET] = "capset",
	[DCEA_K_CONNECT] = "connect",
	[DCEA_K_IO_URING] = "io_uring",
};

static int get_str(struct pctx *c, yaml_node_t *k, yaml_node_t *v, char *out, size_t size)
{
	const char *s = pol_word(c, k, v);

	if (!s)
		return -EINVAL;
	if (strlen(s) >= size)
		return pol_err(c, v, "'%s' is too long (at most %zu characters)", scalar(k),
			       size - 1);
	snprintf(out, size, "%s", s);
	return 0;
}

static int get_path(struct pctx *c, yaml_node_t *k, yaml_node_t *v, char *out)
{
	const char *s = pol_word(c, k, v), *why;

	if (!s)
		return -EINVAL;
	why = policy_path_problem(s);
	if (why)
		return pol_err(c, v, "'%s' %s: '%s'", scalar(k), why, s);
	snprintf(out, POLICY_PATH_LEN, "%s", s);
	return 0;
}

/* ---- container: {name, image, id} ---- */

static int h_sel(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_selector *sel = obj;
	char *out = arg == 0 ? sel->name : arg == 1 ? sel->image : sel->id;

	return get_str(c, k, v, out, POLICY_GLOB_LEN);
}

static const struct handler sel_handlers[] = {
	{ "name", h_sel, 0 },
	{ "image", h_sel, 1 },
	{ "id", h_sel, 2 },
	{},
};

static int get_selector(struct pctx *c, yaml_node_t *v, struct policy_selector *sel, bool *has)
{
	int err = pol_walk(c, v, "container", sel_handlers, sel);

	if (err)
		return err;
	if (!sel->name[0] && !sel->image[0] && !sel->id[0])
		return pol_err(c, v, "'container' needs at least one of name, image, id");
	*has = true;
	return 0;
}

/* ---- custom_rules: [ {id, description, kind, path, exe, container, action, severity, enabled} ]
 */

static int h_c_id(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_custom *r = obj;
	const char *s = pol_word(c, k, v);
	size_t n;

	if (!s)
		return -EINVAL;
	n = strlen(s);
	if (!n || n >= POLICY_NAME_LEN || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return pol_err(c, v,
			       "custom rule id '%s' must be 1 to %d characters of a-z, 0-9 and _",
			       s, POLICY_NAME_LEN - 1);
	if (rule_by_name(s))
		return pol_err(c, v, "custom rule id '%s' is the name of a built-in rule", s);
	for (size_t i = 0; i < c->p->n_custom; i++)
		if (!strcmp(c->p->custom[i].id, s))
			return pol_err(c, v, "duplicate custom rule id '%s'", s);
	snprintf(r->id, sizeof(r->id), "%s", s);
	return 0;
}

static int h_c_desc(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_custom *r = obj;

	return get_str(c, k, v, r->description, sizeof(r->description));
}

static int h_c_kind(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_custom *r = obj;
	const char *s = pol_word(c, k, v);

	if (!s)
		return -EINVAL;
	for (int i = 0; i < DCEA_K_MAX; i++)
		if (!strcmp(s, policy_kind_names[i])) {
			r->kind = i;
			return 0;
		}
	return pol_err(c, v,
		       "unknown kind '%s' (known: exec, open_read, open_write, mount, mknod, "
		       "setuid, capset, connect, io_uring)",
		       s);
}

static int h_c_path(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_custom *r = obj;

	return get_path(c, k, v, arg ? r->exe : r->path);
}

static int h_c_ct(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_custom *r = obj;

	return get_selector(c, v, &r->ct, &r->has_ct);
}

/* enabled, action and severity as for built-in rules: parse.c's handlers on a policy_rule */
static int h_c_rule(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_custom *r = obj;
	struct policy_rule pr = { r->enabled, r->action, r->severity };
	int err = pol_rule_field(c, k, v, &pr);

	r->enabled = pr.enabled;
	r->action = pr.action;
	r->severity = pr.severity;
	return err;
}

static const struct handler custom_handlers[] = {
	{ "id", h_c_id, 0, true },     { "description", h_c_desc },
	{ "kind", h_c_kind, 0, true }, { "path", h_c_path, 0 },
	{ "exe", h_c_path, 1 },	       { "container", h_c_ct },
	{ "enabled", h_c_rule },       { "action", h_c_rule },
	{ "severity", h_c_rule },      {},
};

int pol_custom_rules(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	int ret = 0;

	c->p->n_custom = 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return pol_err(c, v, "'custom_rules' must be a sequence of rules");
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *n = node(c, *it);
		struct policy_custom r = { .enabled = true,
					   .action = POLICY_ALERT,
					   .severity = SEV_MEDIUM };
		int err;

		if (c->p->n_custom == DCEA_MAX_CUSTOM)
			return pol_err(c, n, "too many custom rules (at most %d)", DCEA_MAX_CUSTOM);
		err = pol_walk(c, n, "custom rule", custom_handlers, &r);
		if (err && err != -EINVAL)
			return err;
		if (!err &&
		    (r.kind == DCEA_K_SETUID || r.kind == DCEA_K_CAPSET ||
		     r.kind == DCEA_K_IO_URING) &&
		    r.path[0])
			err = pol_err(c, n, "custom rule '%s': kind %s has no path", r.id,
				      policy_kind_names[r.kind]);
		if (err) {
			ret = err;
			continue;
		}
		c->p->custom[c->p->n_custom++] = r;
	}
	return ret;
}

/* ---- exceptions: [ {rules, container, exe, comment} ] ---- */

static int h_x_rules(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_exception *x = obj;
	int ret = 0;

	if (v->type != YAML_SEQUENCE_NODE || !v->data.sequence.items.top ||
	    v->data.sequence.items.top == v->data.sequence.items.start)
		return pol_err(c, v, "'rules' must be a non-empty sequence of rule names");
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *n = node(c, *it);
		const struct rule_info *ri;
		size_t i;

		if (n->type != YAML_SCALAR_NODE) {
			ret = pol_err(c, n, "entries of 'rules' must be rule names");
			continue;
		}
		ri = rule_by_name(scalar(n));
		if (ri && ri->id != DCEA_R_CUSTOM) {
			x->rules |= 1ULL << ri->id;
			continue;
		}
		for (i = 0; i < c->p->n_custom && strcmp(c->p->custom[i].id, scalar(n)); i++)
			;
		if (i < c->p->n_custom)
			x->rules |= 1ULL << (32 + i);
		else
			ret = pol_err(c, n,
				      "unknown rule '%s' (a built-in rule or a custom rule id)",
				      scalar(n));
	}
	return ret;
}

static int h_x_ct(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_exception *x = obj;

	return get_selector(c, v, &x->ct, &x->has_ct);
}

static int h_x_exe(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_exception *x = obj;

	return get_path(c, k, v, x->exe);
}

static int h_x_comment(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_exception *x = obj;

	return get_str(c, k, v, x->comment, sizeof(x->comment));
}

static const struct handler exc_handlers[] = {
	{ "rules", h_x_rules, 0, true },
	{ "container", h_x_ct },
	{ "exe", h_x_exe },
	{ "comment", h_x_comment },
	{},
};

int pol_exceptions(struct pctx *c, yaml_node_t *v)
{
	int ret = 0;

	c->p->n_exc = 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return pol_err(c, v, "'exceptions' must be a sequence of exceptions");
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *n = node(c, *it);
		struct policy_exception x = {};
		int err;

		if (c->p->n_exc == DCEA_MAX_EXC)
			return pol_err(c, n, "too many exceptions (at most %d)", DCEA_MAX_EXC);
		err = pol_walk(c, n, "exception", exc_handlers, &x);
		if (err && err != -EINVAL)
			return err;
		if (!err && !x.has_ct && !x.exe[0])
			err = pol_err(c, n,
				      "an exception needs 'container' or 'exe' (turn a rule off "
				      "with enabled: false instead)");
		if (err) {
			ret = err;
			continue;
		}
		c->p->exc[c->p->n_exc++] = x;
	}
	return ret;
}
