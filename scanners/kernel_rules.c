// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel rule file: YAML parsed with libyaml into plain structs, one handler table per
 * mapping (after netplan); unknown keys, wrong types and bad values are errors at FILE:LINE:COL.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/util.h"
#include "common/yaml.h"
#include "scanners/kernel.h"

/*
 * The shipped rule file is built into the binary so `dcea scan kernel` works from any directory.
 * The path is relative to the top of the tree, where make runs the compiler.
 */
__asm__(".section .rodata\n"
	".global dcea_kernel_rules_yaml\n"
	"dcea_kernel_rules_yaml:\n"
	".incbin \"scanners/kernel_rules.yaml\"\n"
	".global dcea_kernel_rules_yaml_end\n"
	"dcea_kernel_rules_yaml_end:\n"
	".byte 0\n"
	".previous\n");
extern const char dcea_kernel_rules_yaml[], dcea_kernel_rules_yaml_end[];

struct yctx {
	const char *name;
	yaml_document_t *doc;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4))) static int yerr(struct yctx *y, const yaml_node_t *n,
						      const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(y->err, y->errlen, "%s:%zu:%zu: %s", y->name, n->start_mark.line + 1,
		 n->start_mark.column + 1, msg);
	return -EINVAL;
}

typedef int (*field_fn)(struct yctx *y, yaml_node_t *n, void *dst);

struct field {
	const char *key;
	field_fn fn;
	size_t off;
	bool required;
};

/* struct field rows as the common walker reads them; ntab rows, the walker stops at the first */
struct fields {
	const struct field *v;
	size_t n;
};

static const char *field_key(const void *tab, size_t i)
{
	const struct fields *f = tab;

	return i < f->n ? f->v[i].key : NULL;
}

static bool field_required(const void *tab, size_t i)
{
	return ((const struct fields *)tab)->v[i].required;
}

static int field_call(void *ctx, const void *tab, size_t i, yaml_node_t *k, yaml_node_t *v,
		      void *obj)
{
	const struct field *f = &((const struct fields *)tab)->v[i];

	return f->fn(ctx, v, (char *)obj + f->off);
}

static int field_err(void *ctx, const yaml_node_t *n, const char *msg)
{
	return yerr(ctx, n, "%s", msg);
}

static int parse_mapping(struct yctx *y, yaml_node_t *n, const struct field *tab, size_t ntab,
			 void *obj)
{
	const struct fields f = { tab, ntab };
	const struct ywalk w = { .first_stops = true,
				 .doc = y->doc,
				 .tab = &f,
				 .key = field_key,
				 .required = field_required,
				 .handle = field_call,
				 .err = field_err };

	return yaml_walk_mapping(&w, y, n, obj);
}

static int f_string(struct yctx *y, yaml_node_t *n, void *dst)
{
	char **s = dst;

	if (n->type != YAML_SCALAR_NODE)
		return yerr(y, n, "expected a string");
	free(*s);
	*s = strdup(yaml_scalar(n));
	return *s ? 0 : -ENOMEM;
}

static int f_cve(struct yctx *y, yaml_node_t *n, void *dst)
{
	unsigned year, num;
	int len = 0;

	if (n->type != YAML_SCALAR_NODE ||
	    sscanf(yaml_scalar(n), "CVE-%4u-%u%n", &year, &num, &len) != 2 || yaml_scalar(n)[len] ||
	    strspn(yaml_scalar(n) + 4, "0123456789") != 4 || strlen(yaml_scalar(n)) < 13)
		return yerr(y, n, "expected a CVE id like CVE-2022-0847");
	return f_string(y, n, dst);
}

static int f_version(struct yctx *y, yaml_node_t *n, void *dst)
{
	if (n->type != YAML_SCALAR_NODE || kver_parse(yaml_scalar(n), dst))
		return yerr(y, n, "expected a kernel version like 5.10 or 5.10.102");
	return 0;
}

static int f_bool(struct yctx *y, yaml_node_t *n, void *dst)
{
	bool *b = dst;

	if (n->type == YAML_SCALAR_NODE && !strcmp(yaml_scalar(n), "true"))
		*b = true;
	else if (n->type == YAML_SCALAR_NODE && !strcmp(yaml_scalar(n), "false"))
		*b = false;
	else
		return yerr(y, n, "expected true or false");
	return 0;
}

static int f_severity(struct yctx *y, yaml_node_t *n, void *dst)
{
	if (n->type != YAML_SCALAR_NODE || severity_finding_parse(yaml_scalar(n), dst) ||
	    *(enum dcea_severity *)dst == SEV_INFO)
		return yerr(y, n, "expected low, medium, high or critical");
	return 0;
}

/* A sequence into a counted array; the count follows the pointer in every struct here. */
struct seq {
	void *v;
	size_t n;
};

/* Every counted array here is a pointer followed by its count, as struct seq. */
#define SEQ_LAYOUT(type, ptr, count)                                                               \
	_Static_assert(offsetof(type, count) == offsetof(type, ptr) + sizeof(void *),              \
		       #type "." #count " must follow " #ptr)
SEQ_LAYOUT(struct kernel_rule, stable, nstable);
SEQ_LAYOUT(struct kernel_rule, caps, ncaps);
SEQ_LAYOUT(struct kernel_rule, config, nconfig);
SEQ_LAYOUT(struct kernel_rules, v, n);

static int parse_seq(struct yctx *y, yaml_node_t *n, struct seq *s, size_t elem, field_fn fn)
{
	size_t count;
	yaml_node_item_t *it;

	if (n->type != YAML_SEQUENCE_NODE)
		return yerr(y, n, "expected a list");
	count = n->data.sequence.items.top - n->data.sequence.items.start;
	s->v = calloc(count ? count : 1, elem);
	if (!s->v)
		return -ENOMEM;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		int err = fn(y, yaml_document_get_node(y->doc, *it), (char *)s->v + s->n * elem);

		/* count first: the element may hold allocations even when it failed half-way */
		s->n++;
		if (err)
			return err;
	}
	return 0;
}

static int f_cap(struct yctx *y, yaml_node_t *n, void *dst)
{
	if (n->type != YAML_SCALAR_NODE || strncmp(yaml_scalar(n), "CAP_", 4))
		return yerr(y, n, "expected a capability like CAP_NET_ADMIN");
	return f_string(y, n, dst);
}

static int f_config(struct yctx *y, yaml_node_t *n, void *dst)
{
	if (n->type != YAML_SCALAR_NODE || strncmp(yaml_scalar(n), "CONFIG_", 7))
		return yerr(y, n, "expected a kernel option like CONFIG_NF_TABLES");
	return f_string(y, n, dst);
}

static int f_caps(struct yctx *y, yaml_node_t *n, void *dst)
{
	return parse_seq(y, n, dst, sizeof(char *), f_cap);
}

static int f_configs(struct yctx *y, yaml_node_t *n, void *dst)
{
	return parse_seq(y, n, dst, sizeof(char *), f_config);
}

static int f_stable_one(struct yctx *y, yaml_node_t *n, void *dst)
{
	struct kver *v = dst;
	int err = f_version(y, n, dst);

	if (!err && !v->patch)
		return yerr(y, n, "expected a stable release like 5.10.102");
	return err;
}

static int f_stable(struct yctx *y, yaml_node_t *n, void *dst)
{
	struct seq *s = dst;
	struct kver *v;
	int err = parse_seq(y, n, s, sizeof(struct kver), f_stable_one);

	if (err)
		return err;
	v = s->v;
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; j < i; j++)
			if (v[i].major == v[j].major && v[i].minor == v[j].minor)
				return yerr(y,
					    yaml_document_get_node(y->doc,
								   n->data.sequence.items.start[i]),
					    "second fix for the %d.%d branch", v[i].major,
					    v[i].minor);
	return 0;
}

static const struct field requires_fields[] = {
	{ "userns", f_bool, offsetof(struct kernel_rule, userns), false },
	{ "unprivileged_bpf", f_bool, offsetof(struct kernel_rule, unpriv_bpf), false },
	{ "cgroup_v1", f_bool, offsetof(struct kernel_rule, cgroup_v1), false },
	{ "capabilities", f_caps, offsetof(struct kernel_rule, caps), false },
	{ "config", f_configs, offsetof(struct kernel_rule, config), false },
};

static int f_requires(struct yctx *y, yaml_node_t *n, void *dst)
{
	/* dst is the rule itself (offset 0 in rule_fields): the fields live in the rule */
	return parse_mapping(y, n, requires_fields, ARRAY_SIZE(requires_fields), dst);
}

/* vendor: { debian: { "5.10": 5.10.92-2, "4.19": not-affected }, ubuntu: {...} } */
static int f_vendor(struct yctx *y, yaml_node_t *n, void *dst)
{
	struct kernel_rule *r = dst;
	yaml_node_pair_t *p, *q;

	if (n->type != YAML_MAPPING_NODE)
		return yerr(y, n, "expected a mapping of distributions");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *d = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *m = yaml_document_get_node(y->doc, p->value);

		if (d->type != YAML_SCALAR_NODE ||
		    (strcmp(yaml_scalar(d), "debian") && strcmp(yaml_scalar(d), "ubuntu")))
			return yerr(y, d, "unknown distribution '%s': expected debian or ubuntu",
				    d->type == YAML_SCALAR_NODE ? yaml_scalar(d) : "?");
		if (m->type != YAML_MAPPING_NODE)
			return yerr(y, m, "expected a mapping of kernel branches");
		for (q = m->data.mapping.pairs.start; q < m->data.mapping.pairs.top; q++) {
			yaml_node_t *b = yaml_document_get_node(y->doc, q->key);
			yaml_node_t *v = yaml_document_get_node(y->doc, q->value);
			struct kernel_vendor_fix *nv, *f;
			struct kver bv;

			if (b->type != YAML_SCALAR_NODE || kver_parse(yaml_scalar(b), &bv) ||
			    bv.patch)
				return yerr(y, b, "expected a kernel branch like 5.10");
			if (v->type != YAML_SCALAR_NODE || !*yaml_scalar(v) ||
			    (!strchr(yaml_scalar(v), '-') &&
			     strcmp(yaml_scalar(v), "not-affected")))
				return yerr(y, v,
					    "expected a package version like 5.10.92-2 or "
					    "not-affected");
			nv = realloc(r->vendor, (r->nvendor + 1) * sizeof(*nv));
			if (!nv)
				return -ENOMEM;
			r->vendor = nv;
			f = &r->vendor[r->nvendor++];
			memset(f, 0, sizeof(*f));
			f->distro = strdup(yaml_scalar(d));
			f->branch = strdup(yaml_scalar(b));
			f->not_affected = !strcmp(yaml_scalar(v), "not-affected");
			f->fixed = f->not_affected ? NULL : strdup(yaml_scalar(v));
			if (!f->distro || !f->branch || (!f->not_affected && !f->fixed))
				return -ENOMEM;
		}
	}
	return 0;
}

static int f_vendor_only(struct yctx *y, yaml_node_t *n, void *dst)
{
	if (n->type != YAML_SCALAR_NODE || strcmp(yaml_scalar(n), "ubuntu"))
		return yerr(y, n, "expected ubuntu");
	return f_string(y, n, dst);
}

static int f_month(struct yctx *y, yaml_node_t *n, void *dst)
{
	unsigned yy, mm;
	int len = 0;

	if (n->type != YAML_SCALAR_NODE ||
	    sscanf(yaml_scalar(n), "%4u-%2u%n", &yy, &mm, &len) != 2 || yaml_scalar(n)[len] ||
	    len != 7 || mm < 1 || mm > 12)
		return yerr(y, n, "expected a month like 2022-03");
	return f_string(y, n, dst);
}

static const struct field rule_fields[] = {
	{ "id", f_cve, offsetof(struct kernel_rule, id), true },
	{ "name", f_string, offsetof(struct kernel_rule, name), false },
	{ "severity", f_severity, offsetof(struct kernel_rule, severity), true },
	{ "escape", f_string, offsetof(struct kernel_rule, escape), true },
	{ "reference", f_string, offsetof(struct kernel_rule, reference), false },
	{ "source", f_string, offsetof(struct kernel_rule, source), false },
	{ "introduced", f_version, offsetof(struct kernel_rule, introduced), false },
	{ "fixed", f_version, offsetof(struct kernel_rule, fixed), false },
	{ "date", f_month, offsetof(struct kernel_rule, date), true },
	{ "stable", f_stable, offsetof(struct kernel_rule, stable), false },
	{ "vendor", f_vendor, 0, false },
	{ "vendor_only", f_vendor_only, offsetof(struct kernel_rule, vendor_only), false },
	{ "requires", f_requires, 0, false },
};

static int f_rule(struct yctx *y, yaml_node_t *n, void *dst)
{
	struct kernel_rule *r = dst;
	int err;

	r->line = n->start_mark.line + 1;
	r->col = n->start_mark.column + 1;
	err = parse_mapping(y, n, rule_fields, ARRAY_SIZE(rule_fields), r);
	if (err)
		return err;
	if (!r->vendor_only && !r->fixed.major && !r->nstable)
		return yerr(y, n, "rule '%s' needs 'fixed', 'stable' or 'vendor_only'", r->id);
	if (r->fixed.major && kver_cmp(&r->introduced, &r->fixed) >= 0)
		return yerr(y, n, "rule '%s': 'introduced' is not before 'fixed'", r->id);
	return 0;
}

static int f_rules(struct yctx *y, yaml_node_t *n, void *dst)
{
	return parse_seq(y, n, dst, sizeof(struct kernel_rule), f_rule);
}

static int f_file_version(struct yctx *y, yaml_node_t *n, void *dst)
{
	if (n->type != YAML_SCALAR_NODE || strcmp(yaml_scalar(n), "1"))
		return yerr(y, n, "unsupported rule file version: expected 1");
	return 0;
}

/* eol: { "5.14": 2021-12, ... } */
static int f_eol(struct yctx *y, yaml_node_t *n, void *dst)
{
	struct kernel_rules *rules = dst;
	yaml_node_pair_t *p;
	size_t count;

	if (n->type != YAML_MAPPING_NODE)
		return yerr(y, n, "expected a mapping of kernel branches to months");
	count = n->data.mapping.pairs.top - n->data.mapping.pairs.start;
	rules->eol = calloc(count ? count : 1, sizeof(*rules->eol));
	if (!rules->eol)
		return -ENOMEM;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *b = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
		struct kernel_eol *e = &rules->eol[rules->neol];
		char *month = NULL;
		int err;

		if (b->type != YAML_SCALAR_NODE || kver_parse(yaml_scalar(b), &e->branch) ||
		    e->branch.patch)
			return yerr(y, b, "expected a kernel branch like 5.10");
		err = f_month(y, v, &month);
		if (err)
			return err;
		snprintf(e->last, sizeof(e->last), "%s", month);
		free(month);
		rules->neol++;
	}
	return 0;
}

static const struct field root_fields[] = {
	{ "version", f_file_version, 0, true },
	{ "eol", f_eol, 0, true },
	{ "rules", f_rules, offsetof(struct kernel_rules, v), true },
};

static void rule_free(struct kernel_rule *r)
{
	free(r->id);
	free(r->name);
	free(r->escape);
	free(r->reference);
	free(r->source);
	free(r->stable);
	free(r->vendor_only);
	free(r->date);
	for (size_t i = 0; i < r->nvendor; i++) {
		free(r->vendor[i].distro);
		free(r->vendor[i].branch);
		free(r->vendor[i].fixed);
	}
	free(r->vendor);
	for (size_t i = 0; i < r->ncaps; i++)
		free(r->caps[i]);
	free(r->caps);
	for (size_t i = 0; i < r->nconfig; i++)
		free(r->config[i]);
	free(r->config);
}

void kernel_rules_free(struct kernel_rules *rules)
{
	if (!rules)
		return;
	for (size_t i = 0; i < rules->n; i++)
		rule_free(&rules->v[i]);
	free(rules->v);
	free(rules->eol);
	memset(rules, 0, sizeof(*rules));
}

int kernel_rules_parse(const char *name, const char *buf, size_t len, struct kernel_rules *rules,
		       char *err, size_t errlen)
{
	struct yctx y = { .name = name, .err = err, .errlen = errlen };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int ret = 0;

	memset(rules, 0, sizeof(*rules));
	err[0] = '\0';
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%zu:%zu: %s%s%s", name, parser.problem_mark.line + 1,
			 parser.problem_mark.column + 1,
			 parser.problem ? parser.problem : "invalid YAML",
			 parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -EINVAL;
	}
	y.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		snprintf(err, errlen, "%s:1:1: empty rule file", name);
		ret = -EINVAL;
	} else {
		/* struct kernel_rules is laid out as struct seq for 'rules' */
		ret = parse_mapping(&y, root, root_fields, ARRAY_SIZE(root_fields), rules);
	}
	if (!ret) {
		for (size_t i = 0; i < rules->n && !ret; i++)
			for (size_t j = 0; j < i; j++)
				if (!strcmp(rules->v[i].id, rules->v[j].id)) {
					snprintf(err, errlen, "%s:%d:%d: duplicate rule '%s'", name,
						 rules->v[i].line, rules->v[i].col, rules->v[i].id);
					ret = -EINVAL;
					break;
				}
	}
	if (ret == -ENOMEM && !err[0])
		snprintf(err, errlen, "%s: out of memory", name);
	if (ret)
		kernel_rules_free(rules);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ret;
}

int kernel_rules_builtin(struct kernel_rules *rules, char *err, size_t errlen)
{
	/* the two symbols delimit one .incbin blob */
	// cppcheck-suppress comparePointers
	size_t len = dcea_kernel_rules_yaml_end - dcea_kernel_rules_yaml;

	return kernel_rules_parse("kernel_rules.yaml (built in)", dcea_kernel_rules_yaml, len,
				  rules, err, errlen);
}
