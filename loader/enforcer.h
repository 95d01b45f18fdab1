/* SPDX-License-Identifier: GPL-2.0-only */
/* Setting up and switching the enforcer: policy and mode into the maps, the self-test's results. */
#ifndef DCEA_ENFORCER_H
#define DCEA_ENFORCER_H

#include <linux/types.h>
#include "bpf/dcea.h"
#include "policy/policy.h"

struct state;

/* Write the lists of a policy into their maps; 0 or negative errno (names the bad entry). */
int enforcer_write_lists(struct state *st, const struct policy *pol);
/* Write per-rule values for `mode`; 0 or negative errno. */
/* Write per-rule values for `mode`; `lsm_rules` (bit per rule) go to the LSM programs; 0 or -errno.
 */
int enforcer_write_rules(struct state *st, const struct policy *pol, enum dcea_mode mode,
			 const enum dcea_effect eff[DCEA_R_MAX], __u32 lsm_rules);
/* Read back the effect each rule proved and the policy actions from the rules map. */
int enforcer_read_rules(struct state *st, struct dcea_rule_cfg out[DCEA_R_MAX]);
/* Switch the mode of a loaded enforcer, keeping each rule's policy action; 0 or -errno. */
int enforcer_set_mode(struct state *st, enum dcea_mode mode);

struct ct_info;
/*
 * Resolve the policy's container selectors (exceptions, custom rules) for one container into its
 * record in the kernel; 0, -ENOENT when the kernel does not know the container, or -errno.
 */
int enforcer_apply_container(struct state *st, const struct policy *pol, __u64 cgroup_id,
			     const struct ct_info *ci);

#endif
