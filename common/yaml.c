// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/yaml.h"

__attribute__((format(printf, 4, 5))) static int werr(const struct ywalk *w, void *ctx,
						      const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return w->err(ctx, n, msg);
}

int yaml_walk_mapping(const struct ywalk *w, void *ctx, yaml_node_t *n, void *obj)
{
	unsigned long long seen = 0;
	char known[256] = "";
	size_t ntab, off = 0;
	int ret = 0;

	if (n->type != YAML_MAPPING_NODE)
		return w->what ? werr(w, ctx, n, "'%s' must be a mapping", w->what)
			       : werr(w, ctx, n, "expected a mapping");
	for (ntab = 0; w->key(w->tab, ntab); ntab++)
		off += snprintf(known + off, off < sizeof(known) ? sizeof(known) - off : 0, "%s%s",
				ntab ? ", " : "", w->key(w->tab, ntab));
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, pr->value);
		size_t i;
		int err;

		if (k->type != YAML_SCALAR_NODE) {
			ret = w->what ? werr(w, ctx, k, "keys of '%s' must be strings", w->what)
				      : werr(w, ctx, k, "expected a scalar key");
			if (w->first_stops)
				return ret;
			continue;
		}
		for (i = 0; i < ntab && strcmp(w->key(w->tab, i), yaml_scalar(k)); i++)
			;
		if (i == ntab) {
			ret = w->what ? werr(w, ctx, k, "unknown key '%s' in '%s' (known: %s)",
					     yaml_scalar(k), w->what, known)
				      : werr(w, ctx, k, "unknown key '%s'", yaml_scalar(k));
			if (w->first_stops)
				return ret;
			continue;
		}
		if (seen & (1ULL << i)) {
			ret = w->what ? werr(w, ctx, k, "duplicate key '%s' in '%s'",
					     yaml_scalar(k), w->what)
				      : werr(w, ctx, k, "duplicate key '%s'", yaml_scalar(k));
			if (w->first_stops)
				return ret;
			continue;
		}
		seen |= 1ULL << i;
		err = w->handle(ctx, w->tab, i, k, v, obj);
		if (err && (err != -EINVAL || w->first_stops))
			return err;
		if (err)
			ret = err;
	}
	for (size_t i = 0; i < ntab; i++) {
		if (!w->required(w->tab, i) || (seen & (1ULL << i)))
			continue;
		ret = w->what ? werr(w, ctx, n, "missing key '%s' in '%s'", w->key(w->tab, i),
				     w->what)
			      : werr(w, ctx, n, "missing key '%s'", w->key(w->tab, i));
		if (w->first_stops)
			return ret;
	}
	return ret;
}
