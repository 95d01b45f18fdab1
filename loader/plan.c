// SPDX-License-Identifier: GPL-2.0-only
/* The load plan's decisions (see plan.h). */
#include <string.h>

#include "loader/plan.h"

#define AGG_FLUSH_PROG "agg_flush"

static enum plan_verdict plan_cgroup(const struct prog_facts *p, const struct kernel_facts *k)
{
	bool legacy = strstr(p->name, "_legacy") != NULL;
	bool has_task =
		p->type == BPF_PROG_TYPE_CGROUP_DEVICE ? k->cgroup_dev_task : k->cgroup_sysctl_task;

	/* each has two variants: with the task helpers, and the legacy one for kernels without */
	if (legacy == has_task)
		return PLAN_OFF_VARIANT;
	return legacy ? PLAN_LOAD_LEGACY : PLAN_LOAD;
}

static enum plan_verdict plan_lsm(const struct prog_facts *p, const struct kernel_facts *k)
{
	if (!k->try_lsm || !p->lsm)
		return PLAN_OFF_LSM_NOT_TRIED;
	if (p->lsm_nargs != p->lsm->nargs)
		return PLAN_OFF_LSM_ARITY;
	return PLAN_LOAD;
}

bool plan_is_cast_variant(const char *name)
{
	size_t n = strlen(name), k = strlen(PLAN_CAST_SUFFIX);

	return n > k && !strcmp(name + n - k, PLAN_CAST_SUFFIX);
}

/* Is p the one of an X, X_cast pair that stays off here? */
static bool cast_pair_off(const struct prog_facts *p, const struct kernel_facts *k)
{
	if (plan_is_cast_variant(p->name))
		return !k->rdonly_cast;
	return p->cast_twin && k->rdonly_cast;
}

enum plan_verdict plan_program(const struct prog_facts *p, const struct kernel_facts *k)
{
	if (cast_pair_off(p, k))
		return PLAN_OFF_CAST_VARIANT;
	switch (p->type) {
	case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
		return plan_cgroup(p, k);
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
		return k->unix_connect ? PLAN_LOAD_UNIX_CONNECT : PLAN_OFF_NO_UNIX_CONNECT;
	case BPF_PROG_TYPE_LSM:
		return plan_lsm(p, k);
	default:
		break;
	}
	if (!strcmp(p->sec, "tp/io_uring/io_uring_complete") && !p->tp_has_req)
		return PLAN_OFF_NO_REQ;
	if (!strncmp(p->sec, "tp/", 3) && !p->tp_exists)
		return PLAN_OFF_NO_TRACEPOINT;
	if (!strcmp(p->name, AGG_FLUSH_PROG) && !k->for_each_map_elem)
		return PLAN_OFF_NO_FOR_EACH;
	return PLAN_LOAD;
}

bool plan_reattach(const struct prog_facts *p, const struct kernel_facts *k, bool pinned)
{
	return p->type == BPF_PROG_TYPE_TRACEPOINT && !strncmp(p->sec, "tp/", 3) && p->tp_exists &&
	       (strcmp(p->name, AGG_FLUSH_PROG) || k->for_each_map_elem) && !cast_pair_off(p, k) &&
	       !pinned;
}

__u32 plan_unproven_lsm(__u32 lsm, const enum dcea_effect eff[DCEA_R_MAX])
{
	__u32 unproven = 0;

	for (int i = 0; i < DCEA_R_MAX; i++)
		if ((lsm & (1U << i)) && eff[i] != DCEA_EFF_DENY)
			unproven |= 1U << i;
	return unproven;
}
