/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rule catalogue: the runtime rules' stable ids, severities, titles, hooks and what each
 * backend can do at best, and the names of modes, actions and effects. One home for the loader,
 * the policy and the docs (docs/RULES.md is rules_print_markdown()'s output, README.md's rule
 * tables are checked against it: tests/unit/rules/test_rules.c); no libbpf.
 */
#ifndef DCEA_RULES_H
#define DCEA_RULES_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "bpf/dcea.h"
#include "common/severity.h"

struct rule_info {
	enum dcea_rule id;
	const char *name;	     /* stable id used in policies, alerts and status */
	enum dcea_severity severity; /* default */
	const char *title;
	const char *fallback_hook;	/* what the fallback backend attaches */
	enum dcea_effect fallback_best; /* the most the fallback backend can do */
	bool alert_default;		/* the default policy's action is alert, not block */
};

extern const struct rule_info rule_table[DCEA_R_MAX];

const struct rule_info *rule_by_name(const char *name);
const char *effect_name(enum dcea_effect e);
const char *action_name(enum dcea_action a);
const char *mode_name(enum dcea_mode m);
const char *ns_name(enum dcea_ns n);

/* The catalogue as a Markdown page (docs/RULES.md; `make rules-doc` writes it); 0 or -EIO. */
int rules_print_markdown(FILE *f);

#endif
