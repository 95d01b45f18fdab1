/* SPDX-License-Identifier: GPL-2.0-only */
/* A policy printed back: as a YAML file policy_parse() reads again, or as JSON. */
#ifndef DCEA_POLICY_SHOW_H
#define DCEA_POLICY_SHOW_H

#include <stdio.h>
#include <json-c/json.h>
#include "policy/policy.h"

/* The whole policy as a commented YAML file; policy/default.yaml is this for policy_default(). */
void policy_print_yaml(FILE *f, const struct policy *p);

/* {"version","mode","rules":{<id>:{"enabled","action","severity"}},"lists":{<list>:[...]}} */
json_object *policy_to_json(const struct policy *p);

/* `dcea policy check`'s summary: mode, one line per rule, list sizes. */
void policy_print_summary(FILE *f, const char *file, const struct policy *p);

#endif
