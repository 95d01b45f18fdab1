/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The load plan: which of the object's programs load on the running kernel, which are attached
 * again by a restarted loader, and which backend owns each rule after the self-test. Pure
 * decisions from facts state.c has probed (no BPF calls here), so each is unit-tested per kind of
 * kernel (tests/unit/loader/test_plan.c).
 */
#ifndef DCEA_PLAN_H
#define DCEA_PLAN_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/types.h>
#include "bpf/dcea.h"
#include "loader/lsm.h"

/* What the running kernel offers, probed once (never a version compare). */
struct kernel_facts {
	bool try_lsm;	      /* the LSM backend may be tried (lsm_unusable_reason() said none) */
	bool cgroup_dev_task; /* cgroup/dev programs may call the task helpers */
	bool cgroup_sysctl_task; /* cgroup/sysctl programs may call the task helpers */
	bool unix_connect;	 /* BPF_CGROUP_UNIX_CONNECT exists, with the task helpers */
	bool for_each_map_elem;	 /* bpf_for_each_map_elem: the aggregation flush */
	bool rdonly_cast;	 /* bpf_rdonly_cast from a tracepoint: the _cast variants */
	bool task_storage;	 /* task local storage from a tracepoint: dcea_tasks_ls (state.c) */
};

/* One program of the object and what was probed for its hook. */
struct prog_facts {
	const char *name;
	const char *sec;
	enum bpf_prog_type type;
	bool tp_exists;	 /* tp/...: the tracepoint exists here */
	bool tp_has_req; /* tp/io_uring/io_uring_complete: its format carries the request */
	const struct lsm_prog *lsm; /* lsm/...: its entry in lsm_progs[], or NULL */
	int lsm_nargs;		    /* lsm/...: the hook's argument count here, or negative errno */
	bool cast_twin;		    /* the object has a program named <name>_cast */
};

/*
 * Programs in pairs X, X_cast (bpf/files.bpf.c): the same checks, the _cast one reading kernel
 * objects by plain loads through bpf_rdonly_cast (6.2+). One of the two loads; its link is
 * pinned under X's name either way.
 */
#define PLAN_CAST_SUFFIX "_cast"
bool plan_is_cast_variant(const char *name);

enum plan_verdict {
	PLAN_LOAD,
	PLAN_LOAD_LEGACY,	/* the cgroup variant without task helpers: no pid in its alerts */
	PLAN_LOAD_UNIX_CONNECT, /* built as cgroup/connect4, attached as cgroup/connect_unix */
	PLAN_OFF_VARIANT,	/* the other variant of this cgroup program loads instead */
	PLAN_OFF_CAST_VARIANT,	/* the other one of an X, X_cast pair loads instead */
	PLAN_OFF_NO_UNIX_CONNECT,
	PLAN_OFF_NO_REQ, /* io_uring_complete without the request (before 5.15) */
	PLAN_OFF_NO_TRACEPOINT,
	PLAN_OFF_NO_FOR_EACH, /* the aggregation flush without bpf_for_each_map_elem */
	PLAN_OFF_LSM_NOT_TRIED,
	PLAN_OFF_LSM_ARITY, /* the hook has another argument count here */
};

/* Is a program with this verdict loaded? */
static inline bool plan_loads(enum plan_verdict v)
{
	return v <= PLAN_LOAD_UNIX_CONNECT;
}

/* Does this verdict count as a hook missing here (`dcea status`'s skipped programs)? */
static inline bool plan_skipped(enum plan_verdict v)
{
	return v == PLAN_OFF_NO_UNIX_CONNECT || v == PLAN_OFF_NO_REQ || v == PLAN_OFF_NO_TRACEPOINT;
}

/* The verdict for one program at a fresh load. */
enum plan_verdict plan_program(const struct prog_facts *p, const struct kernel_facts *k);

/*
 * A restarted loader attaches again the syscall tracepoints that have no pin (perf-event
 * attachments before 5.15 cannot be pinned): is this one of them?
 */
bool plan_reattach(const struct prog_facts *p, const struct kernel_facts *k, bool pinned);

/*
 * After the LSM self-test: the rules with an LSM program (`lsm`, bit per rule) that the self-test
 * did not see deny. They go back to the fallback and are tested again.
 */
__u32 plan_unproven_lsm(__u32 lsm, const enum dcea_effect eff[DCEA_R_MAX]);

#endif
