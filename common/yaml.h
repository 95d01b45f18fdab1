/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one libyaml mapping walker (STYLE 11: one handler table per mapping, after netplan), shared
 * by the policy (policy/parse.c) and the kernel rule file (scanners/kernel_rules.c). The walker
 * owns what both need the same: key lookup, duplicate, unknown and missing keys, and whether a
 * problem stops the walk; each caller keeps its own table type and handler signature and lets the
 * walker read them through three small functions.
 */
#ifndef DCEA_COMMON_YAML_H
#define DCEA_COMMON_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

struct ywalk {
	/*
	 * The mapping's name in messages ("unknown key 'x' in 'policy' (known: ...)"); NULL: the
	 * terse form ("unknown key 'x'", "expected a mapping").
	 */
	const char *what;
	/* stop at the first problem; otherwise report every one and go on past -EINVAL */
	bool first_stops;
	yaml_document_t *doc;
	const void *tab;			       /* the caller's rows, at most 64 */
	const char *(*key)(const void *tab, size_t i); /* row i's key; NULL past the last row */
	bool (*required)(const void *tab, size_t i);
	/* handle row i's value; 0 or negative errno (-EINVAL: a problem already reported) */
	int (*handle)(void *ctx, const void *tab, size_t i, yaml_node_t *k, yaml_node_t *v,
		      void *obj);
	/* report msg at node n; returns -EINVAL */
	int (*err)(void *ctx, const yaml_node_t *n, const char *msg);
};

/* Walk mapping n with w's table; 0, -EINVAL (problems reported) or another negative errno. */
int yaml_walk_mapping(const struct ywalk *w, void *ctx, yaml_node_t *n, void *obj);

static inline const char *yaml_scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

#endif
