/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What one canary's end means for its rule: the pure half of the self-test, without BPF. A rule is
 * "unavailable" only when the attempt reached the kernel and nothing of dcea's saw it; an attempt
 * that the test itself could not set up (or whose exec never happened) is "selftest-failed", with
 * the step and errno, never a claim about the kernel.
 */
#ifndef DCEA_CANARY_OUTCOME_H
#define DCEA_CANARY_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "bpf/dcea.h"

struct canary_outcome {
	int step; /* enum dcea_selftest_step that failed before the attempt, DCEA_ST_NONE if none */
	int err;  /* errno of that step */
	bool ready;	    /* the child said it was ready and was let go */
	int status;	    /* the child's wait status */
	int seen;	    /* 0: no event of the canary for the rule, else 1 + enum dcea_action */
	__u64 missing_caps; /* capabilities dcea itself lacks (bit per CAP_*) */
	__u64 cap_full;	    /* dcea_config.cap_full: what a privileged launch must hold */
	bool no_new_privs;  /* dcea runs with no_new_privs (systemd's NoNewPrivileges=) */
};

/* The child's exit status after the attempt: its errno (0: the operation succeeded), capped. */
#define CANARY_EXIT_MAX 100

/* Does the rule's attempt end in an exec of the canary's copy of dcea? */
bool canary_rule_execs(enum dcea_rule r);

/*
 * The capabilities whose check comes before the rule's hook on some backend (bit per CAP_*):
 * without one of them an unseen attempt proves nothing about the kernel.
 */
__u64 canary_rule_caps(enum dcea_rule r, __u64 cap_full);

/*
 * The effect proven for rule `r` by outcome `o`; for DCEA_EFF_SELFTEST_FAILED, *why is set to
 * step << 16 | errno (dcea_config.selftest), else to 0.
 */
enum dcea_effect canary_classify(enum dcea_rule r, const struct canary_outcome *o, __u32 *why);

/* dcea_config.selftest[] as text: "exec: No such file or directory"; "" for 0. Returns buf. */
const char *canary_why_str(__u32 why, char *buf, size_t size);

#endif
