/* SPDX-License-Identifier: GPL-2.0-only */
/* Policy -> map entries, a pure step (unit-tested without BPF). */
#ifndef DCEA_POLICY_COMPILE_H
#define DCEA_POLICY_COMPILE_H

#include <stdbool.h>
#include <linux/types.h>
#include "bpf/dcea.h"
#include "policy/policy.h"

/*
 * The per-rule map value for `mode`: enforce only in block mode, only for rules whose policy
 * action is block and which the self-test proved enforceable (deny or kill) on this kernel.
 */
void policy_rule_cfg(const struct policy *p, enum dcea_mode mode,
		     const enum dcea_effect effective[DCEA_R_MAX],
		     struct dcea_rule_cfg out[DCEA_R_MAX]);

/* Does a rule with these values deny or kill in `mode`? (block mode, action block, proven) */
bool rule_enforced(const struct dcea_rule_cfg *c, enum dcea_mode mode);

/* Keys for the string-keyed maps: the name zero-padded to the key size; -ENAMETOOLONG if it does
 * not fit */
int policy_key(const char *name, char *key, size_t key_size);

#endif

/* ---- path patterns, custom rules, exceptions (see bpf/path.bpf.h) ---- */

/* FNV-1a 64 of n bytes, as the kernel side computes it */
__u64 policy_fnv(const char *s, size_t n);

/* A path pattern ("/a/b" or "/a/b/" "*") as a map key. */
struct dcea_path_key policy_path_key(const char *pattern);

struct policy_path_entry {
	struct dcea_path_key key;
	__u64 bits; /* DCEA_PM_* */
};

/*
 * Every path pattern of the policy with the DCEA_PM_* bits it stands for, one entry per key (two
 * patterns with the same key share it). Returns the number of entries, or -E2BIG beyond max.
 */
int policy_path_entries(const struct policy *p, struct policy_path_entry *out, size_t max);

/*
 * The built-in rule whose hook and action a custom rule of `kind` shares: its proven effect is
 * the custom rule's (exec: shell_in_container, open: cred_file_access...).
 */
enum dcea_rule policy_kind_proxy(int kind);

/* Custom rules and exceptions as map values for `mode`. */
void policy_custom_cfg(const struct policy *p, enum dcea_mode mode,
		       const enum dcea_effect effective[DCEA_R_MAX],
		       struct dcea_custom out[DCEA_MAX_CUSTOM]);
void policy_exc_cfg(const struct policy *p, struct dcea_exc out[DCEA_MAX_EXC]);
/* Does a custom rule with these values kill in `mode`? */
bool custom_enforced(const struct dcea_custom *c, enum dcea_mode mode,
		     const enum dcea_effect effective[DCEA_R_MAX]);

/*
 * The file names (zero-padded keys of dcea_leaves) of the exact patterns matched against opened
 * files: only an open of one of these rebuilds the path, unless DCEA_NEED_OPEN_ALL. Returns the
 * number, or -E2BIG beyond max.
 */
#define POLICY_LEAF_LEN 32
int policy_leaf_names(const struct policy *p, char (*out)[POLICY_LEAF_LEN], size_t max);

/*
 * dcea_config.leaf_filter: the bit DCEA_LEAF_BIT of each of those names (the open programs look a
 * name up in dcea_leaves only when its bit is set). Returns 0 or a negative errno.
 */
int policy_leaf_filter(const struct policy *p, __u64 filter[DCEA_LEAF_FILTER_WORDS]);
/* Set one name's bit (a name listed by hand: the self-test's credential file). */
void policy_leaf_filter_add(__u64 filter[DCEA_LEAF_FILTER_WORDS], const char *name);

/* dcea_config.custom_kinds and .path_needs for the policy */
__u32 policy_custom_kinds(const struct policy *p);
__u32 policy_path_needs(const struct policy *p);

/* Does a container (its name, image, id) match a selector? Every glob given must match. */
bool policy_selector_match(const struct policy_selector *sel, const char *name, const char *image,
			   const char *id);
