/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef DCEA_RUN_H
#define DCEA_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "bpf/dcea.h"

/* Is `pid` a streaming dcea loader other than this process? */
bool run_loader_alive(__u32 pid);
/* The hook a rule uses now: its LSM hook(s) or its fallback program's. */
const char *rule_hook(int r, const struct dcea_rule_cfg *cfg, char *buf, size_t size);
/* The per-rule table printed by run and status. */
void print_rule_table(FILE *f, const struct dcea_rule_cfg cfg[DCEA_R_MAX], enum dcea_mode mode);

#endif
