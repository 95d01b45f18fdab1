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
