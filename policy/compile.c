// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules.h"
#include "policy/compile.h"

bool rule_enforced(const struct dcea_rule_cfg *c, enum dcea_mode mode)
{
	return c->enabled && mode == DCEA_MODE_BLOCK && c->block &&
	       (c->effective == DCEA_EFF_DENY || c->effective == DCEA_EFF_KILL);
}

void policy_rule_cfg(const struct policy *p, enum dcea_mode mode,
		     const enum dcea_effect effective[DCEA_R_MAX],
		     struct dcea_rule_cfg out[DCEA_R_MAX])
{
	memset(out, 0, sizeof(*out) * DCEA_R_MAX);
	for (int i = 0; i < DCEA_R_MAX; i++) {
		const struct policy_rule *r = &p->rules[i];

		out[i].enabled = r->enabled && effective[i] != DCEA_EFF_UNAVAILABLE;
		out[i].block = r->action == POLICY_BLOCK;
		out[i].effective = effective[i];
		/* critical alerts take the reserved ring, like every deny and kill */
		out[i].opts = r->opts | (r->severity >= SEV_CRITICAL ? DCEA_RO_PRIO : 0);
		out[i].enforce = rule_enforced(&out[i], mode);
	}
}

int policy_key(const char *name, char *key, size_t key_size)
{
	size_t n = strlen(name);

	if (n >= key_size)
		return -ENAMETOOLONG;
	memset(key, 0, key_size);
	memcpy(key, name, n);
	return 0;
}

__u64 policy_fnv(const char *s, size_t n)
{
	__u64 h = DCEA_FNV_OFFSET;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * DCEA_FNV_PRIME;
	return h;
}

struct dcea_path_key policy_path_key(const char *pattern)
{
	size_t n = strlen(pattern);
	struct dcea_path_key k = {};

	if (n >= 2 && !strcmp(pattern + n - 2, "/*")) {
		k.prefix = 1;
		n -= 2;
	}
	k.hash = policy_fnv(pattern, n);
	return k;
}

static int add_path(struct policy_path_entry *out, size_t max, size_t *n, const char *pattern,
		    __u64 bits)
{
	struct dcea_path_key k = policy_path_key(pattern);

	for (size_t i = 0; i < *n; i++)
		if (!memcmp(&out[i].key, &k, sizeof(k))) {
			out[i].bits |= bits;
			return 0;
		}
	if (*n == max)
		return -E2BIG;
	out[*n].key = k;
	out[(*n)++].bits = bits;
	return 0;
}

int policy_path_entries(const struct policy *p, struct policy_path_entry *out, size_t max)
{
	size_t n = 0;
	int err = 0;

	for (size_t i = 0; i < p->n_cred_files && !err; i++)
		err = add_path(out, max, &n, p->cred_files[i], DCEA_PM_CRED);
	for (size_t i = 0; i < p->n_custom && !err; i++) {
		if (p->custom[i].path[0])
			err = add_path(out, max, &n, p->custom[i].path,
				       1ULL << (DCEA_PM_CUSTOM_PATH + i));
		if (!err && p->custom[i].exe[0])
			err = add_path(out, max, &n, p->custom[i].exe,
				       1ULL << (DCEA_PM_CUSTOM_EXE + i));
	}
	for (size_t i = 0; i < p->n_exc && !err; i++)
		if (p->exc[i].exe[0])
			err = add_path(out, max, &n, p->exc[i].exe, 1ULL << (DCEA_PM_EXC_EXE + i));
	return err ?: (int)n;
}

enum dcea_rule policy_kind_proxy(int kind)
{
	static const enum dcea_rule proxy[DCEA_K_MAX] = {
		[DCEA_K_EXEC] = DCEA_R_SHELL,
		[DCEA_K_OPEN_READ] = DCEA_R_CRED_FILE,
		[DCEA_K_OPEN_WRITE] = DCEA_R_CRED_FILE,
		[DCEA_K_MOUNT] = DCEA_R_MOUNT,
		[DCEA_K_MKNOD] = DCEA_R_DEV_FILE,
		[DCEA_K_SETUID] = DCEA_R_SETUID_ROOT,
		[DCEA_K_CAPSET] = DCEA_R_CAPSET,
		[DCEA_K_CONNECT] = DCEA_R_RUNTIME_SOCKET,
		/* a kill on a syscall's entry, as unshare_ns's */
		[DCEA_K_IO_URING] = DCEA_R_UNSHARE,
	};

	return kind >= 0 && kind < DCEA_K_MAX ? proxy[kind] : DCEA_R_CUSTOM;
}

bool custom_enforced(const struct dcea_custom *c, enum dcea_mode mode,
		     const enum dcea_effect effective[DCEA_R_MAX])
{
	enum dcea_effect e = effective[policy_kind_proxy(c->kind)];

	return (c->flags & DCEA_CU_ENABLED) && (c->flags & DCEA_CU_BLOCK) &&
	       mode == DCEA_MODE_BLOCK && (e == DCEA_EFF_KILL || e == DCEA_EFF_DENY);
}

void policy_custom_cfg(const struct policy *p, enum dcea_mode mode,
		       const enum dcea_effect effective[DCEA_R_MAX],
		       struct dcea_custom out[DCEA_MAX_CUSTOM])
{
	memset(out, 0, sizeof(*out) * DCEA_MAX_CUSTOM);
	for (size_t i = 0; i < p->n_custom && i < DCEA_MAX_CUSTOM; i++) {
		const struct policy_custom *r = &p->custom[i];
		enum dcea_effect e = effective[policy_kind_proxy(r->kind)];

		out[i].kind = r->kind;
		out[i].sel = (r->path[0] ? DCEA_SEL_PATH : 0) | (r->exe[0] ? DCEA_SEL_EXE : 0) |
			     (r->has_ct ? DCEA_SEL_CT : 0);
		out[i].flags = (r->enabled && e != DCEA_EFF_UNAVAILABLE ? DCEA_CU_ENABLED : 0) |
			       (r->action == POLICY_BLOCK ? DCEA_CU_BLOCK : 0) |
			       (r->severity >= SEV_CRITICAL ? DCEA_CU_PRIO : 0);
		out[i].enforce = custom_enforced(&out[i], mode, effective);
	}
}

void policy_exc_cfg(const struct policy *p, struct dcea_exc out[DCEA_MAX_EXC])
{
	memset(out, 0, sizeof(*out) * DCEA_MAX_EXC);
	for (size_t i = 0; i < p->n_exc && i < DCEA_MAX_EXC; i++) {
		out[i].rules = p->exc[i].rules;
		out[i].sel = (p->exc[i].exe[0] ? DCEA_SEL_EXE : 0) |
			     (p->exc[i].has_ct ? DCEA_SEL_CT : 0);
	}
}

__u32 policy_custom_kinds(const struct policy *p)
{
	__u32 k = 0;

	for (size_t i = 0; i < p->n_custom; i++)
		if (p->custom[i].enabled)
			k |= 1U << p->custom[i].kind;
	return k;
}

static bool is_prefix_pattern(const char *pat)
{
	size_t n = strlen(pat);

	return n >= 2 && !strcmp(pat + n - 2, "/*");
}

/* Calls fn for every path pattern matched against opened files; stops at a nonzero return. */
static int for_each_open_pattern(const struct policy *p, int (*fn)(const char *pat, void *arg),
				 void *arg)
{
	int err = 0;

	if (p->rules[DCEA_R_CRED_FILE].enabled)
		for (size_t i = 0; i < p->n_cred_files && !err; i++)
			err = fn(p->cred_files[i], arg);
	for (size_t i = 0; i < p->n_custom && !err; i++)
		if (p->custom[i].enabled && p->custom[i].path[0] &&
		    (p->custom[i].kind == DCEA_K_OPEN_READ ||
		     p->custom[i].kind == DCEA_K_OPEN_WRITE))
			err = fn(p->custom[i].path, arg);
	return err;
}

static int needs_of(const char *pat, void *arg)
{
	__u32 *need = arg;
	const char *leaf = strrchr(pat, '/') + 1;

	*need |= DCEA_NEED_OPEN;
	if (is_prefix_pattern(pat) || strlen(leaf) >= POLICY_LEAF_LEN)
		*need |= DCEA_NEED_OPEN_ALL;
	return 0;
}

__u32 policy_path_needs(const struct policy *p)
{
	__u32 k = policy_custom_kinds(p), need = 0;

	for_each_open_pattern(p, needs_of, &need);
	for (size_t i = 0; i < p->n_custom; i++)
		if (p->custom[i].enabled && !p->custom[i].path[0] &&
		    (p->custom[i].kind == DCEA_K_OPEN_READ ||
		     p->custom[i].kind == DCEA_K_OPEN_WRITE))
			need |= DCEA_NEED_OPEN_ANY;
	if (k & (1U << DCEA_K_EXEC))
		need |= DCEA_NEED_EXEC;
	for (size_t i = 0; i < p->n_custom; i++)
		if (p->custom[i].enabled && p->custom[i].exe[0])
			need |= DCEA_NEED_EXEC;
	for (size_t i = 0; i < p->n_exc; i++)
		if (p->exc[i].exe[0])
			need |= DCEA_NEED_EXEC;
	return need;
}

struct leaves {
	char (*out)[POLICY_LEAF_LEN];
	size_t max, n;
};

static int leaf_of(const char *pat, void *arg)
{
	struct leaves *l = arg;
	const char *leaf = strrchr(pat, '/') + 1;

	if (is_prefix_pattern(pat) || strlen(leaf) >= POLICY_LEAF_LEN)
		return 0; /* DCEA_NEED_OPEN_ALL: every open is rebuilt */
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->out[i], leaf))
			return 0;
	if (l->n == l->max)
		return -E2BIG;
	memset(l->out[l->n], 0, POLICY_LEAF_LEN);
	memcpy(l->out[l->n++], leaf, strlen(leaf));
	return 0;
}

int policy_leaf_names(const struct policy *p, char (*out)[POLICY_LEAF_LEN], size_t max)
{
	struct leaves l = { out, max, 0 };
	int err = for_each_open_pattern(p, leaf_of, &l);

	return err ?: (int)l.n;
}

void policy_leaf_filter_add(__u64 filter[DCEA_LEAF_FILTER_WORDS], const char *name)
{
	size_t len = strlen(name);
	__u64 w8 = 0;
	__u32 bit;

	for (size_t i = 0; i < len && i < 8; i++)
		w8 |= (__u64)(unsigned char)name[i] << (8 * i);
	bit = DCEA_LEAF_BIT(w8, len);
	filter[bit / 64] |= 1ULL << (bit % 64);
}

int policy_leaf_filter(const struct policy *p, __u64 filter[DCEA_LEAF_FILTER_WORDS])
{
	char(*names)[POLICY_LEAF_LEN] = calloc(DCEA_MAX_PATHS, POLICY_LEAF_LEN);
	int n;

	if (!names)
		return -ENOMEM;
	memset(filter, 0, DCEA_LEAF_FILTER_WORDS * sizeof(filter[0]));
	n = policy_leaf_names(p, names, DCEA_MAX_PATHS);
	for (int i = 0; i < n; i++)
		policy_leaf_filter_add(filter, names[i]);
	free(names);
	return n < 0 ? n : 0;
}

static bool glob_ok(const char *pattern, const char *s)
{
	return !pattern[0] || !fnmatch(pattern, s, 0);
}

bool policy_selector_match(const struct policy_selector *sel, const char *name, const char *image,
			   const char *id)
{
	/* an id glob matches the full id; a plain short id (docker ps) matches as a prefix */
	bool id_ok = glob_ok(sel->id, id) ||
		     (sel->id[0] && !strpbrk(sel->id, "*?[") && strlen(sel->id) >= 12 &&
		      !strncmp(sel->id, id, strlen(sel->id)));

	return glob_ok(sel->name, name) && glob_ok(sel->image, image) && id_ok;
}
