/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by policy/parse.c and policy/lists.c only: the parse context and the mapping walker. */
#ifndef DCEA_POLICY_PARSE_INT_H
#define DCEA_POLICY_PARSE_INT_H

#include <yaml.h>
#include "policy/parse.h"

struct pctx {
	const char *name;
	yaml_document_t *doc;
	struct policy *p;
	policy_diag_fn fn;
	void *arg;
	int nerr;
	yaml_node_t *exceptions; /* parsed after everything else: they name custom rules */
};

/* One row per key of a mapping; arg is free for the handler (a list index, say). */
struct handler {
	const char *key;
	int (*fn)(struct pctx *c, yaml_node_t *key, yaml_node_t *val, void *obj, int arg);
	int arg;
	bool required;
};

/* Report a problem at a node (NULL: no position); always -EINVAL so handlers can return it. */
__attribute__((format(printf, 3, 4))) int pol_err(struct pctx *c, const yaml_node_t *n,
						  const char *fmt, ...);
/* Errors other than -EINVAL (out of memory) stop everything; -EINVAL ones are counted in c->nerr.
 */
int pol_walk(struct pctx *c, yaml_node_t *n, const char *what, const struct handler *tab,
	     void *obj);
bool pol_is_null(const yaml_node_t *n);
/* A scalar for a keyword or a name; NULL (reported) for a mapping, a sequence or null. */
const char *pol_word(struct pctx *c, yaml_node_t *k, yaml_node_t *v);

static inline const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static inline yaml_node_t *node(struct pctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

/* true/false (plain scalars only) */
int pol_bool(struct pctx *c, yaml_node_t *k, yaml_node_t *v, bool *out);

/* admission: { refuse: [...], timeout_ms: N, scan_image: B } (policy/admission.c) */
int pol_admission(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg);

/* lists: { <list>: [...] | {add: [...], remove: [...]} } (policy/lists.c) */
int pol_lists(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg);

/* custom_rules: and exceptions: (policy/custom.c) */
int pol_custom_rules(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg);
int pol_exceptions(struct pctx *c, yaml_node_t *v);

/* enabled, action or severity (named by k) of a rule */
int pol_rule_field(struct pctx *c, yaml_node_t *k, yaml_node_t *v, struct policy_rule *r);

#endif
