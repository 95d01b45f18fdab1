/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The routes to each rule's kernel object other than the classic syscall (issue 14), and what
 * each backend does about them as measured (tests/integration/13-routes.sh on the fallback, the
 * kernel matrix for LSM; docs/ROUTES.md). `dcea status` lists the routes that stay gaps on the
 * running kernel; 13-routes.sh checks these claims against what it measures.
 */
#ifndef DCEA_LOADER_ROUTES_H
#define DCEA_LOADER_ROUTES_H

#include <json-c/json.h>
#include <stdio.h>

#include "loader/state.h"

/* The routes as `dcea status --json` shows them: id, rule, route, effect, program. */
json_object *routes_status_json(const struct dcea_config *c, const struct dcea_rule_cfg *cfg);
/* The text form: the gaps on this kernel only, with what closes them. */
void routes_status_print(FILE *f, const struct dcea_config *c, const struct dcea_rule_cfg *cfg);

#endif
