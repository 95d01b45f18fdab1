/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `dcea policy suggest` (policy/suggest.c): from alerts seen in audit mode, the exceptions that
 * would silence them, grouped by container image and executable, with counts, as a policy
 * fragment. An exception for a rule the policy blocks (an escape rule: deny or kill in block
 * mode) is written commented out and marked DANGEROUS: loading it is a decision, never a default.
 */
#ifndef DCEA_POLICY_SUGGEST_H
#define DCEA_POLICY_SUGGEST_H

#include <stdio.h>
#include <json-c/json.h>
#include "policy/policy.h"

struct suggest;

struct suggest *suggest_new(const struct policy *p); /* p: what decides "dangerous" */
void suggest_free(struct suggest *s);		     /* accepts NULL */
/* One record as dcea writes it (alerts are counted; other types are ignored). */
void suggest_add(struct suggest *s, json_object *rec);
/* Read JSON lines from f (lines that are not JSON objects are counted and skipped). */
void suggest_read(struct suggest *s, FILE *f);
/* The fragment: `exceptions:` with a comment per entry; `source` names the input. */
void suggest_print(struct suggest *s, FILE *out, const char *source);

#endif
