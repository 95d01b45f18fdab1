/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deciding whether the LSM programs can run here, by probing, never by kernel version: `bpf` is in
 * the active LSM list, the LSM program type loads, and each hook exists in the kernel's BTF with
 * the argument count its program was written for. The canary then proves a real denial.
 */
#ifndef DCEA_LSM_H
#define DCEA_LSM_H

#include <stdbool.h>
#include <linux/types.h>
#include "bpf/dcea.h"

struct bpf_object;

struct lsm_prog {
	const char *prog; /* program name in the BPF object */
	const char *hook; /* LSM hook */
	int nargs;	  /* the hook's argument count this program expects */
	enum dcea_rule rule;
	enum dcea_rule rule2; /* a second rule the program serves, or DCEA_R_MAX */
};

extern const struct lsm_prog lsm_progs[];
extern const int n_lsm_progs;

/* Why the LSM backend cannot be used here, or NULL when it may be tried. */
const char *lsm_unusable_reason(void);
/* The argument count of hook `hook` in the running kernel's BTF, or negative errno. */
int lsm_hook_nargs(const char *hook);
/* The LSM hook(s) of a rule, "" when it has none. */
const char *lsm_hook_of(enum dcea_rule r, char *buf, size_t size);

#endif
