// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader/plan.c: which programs load on which kind of kernel, which a restarted loader attaches
 * again, and which rules go back to the fallback after the LSM self-test. The kernels are the
 * ones of the matrix (docs/KERNELS.md), described by what their probes answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "loader/plan.h"

/* 5.10: no task helpers in cgroup programs, no connect_unix, no bpf_for_each_map_elem */
static const struct kernel_facts k510 = { .try_lsm = true };
/* 6.18 with bpf missing from lsm=: everything but the LSM backend */
static const struct kernel_facts k618 = { .try_lsm = false,
					  .cgroup_dev_task = true,
					  .cgroup_sysctl_task = true,
					  .unix_connect = true,
					  .for_each_map_elem = true };
/* 6.12 with bpf in lsm= */
static const struct kernel_facts k612 = { .try_lsm = true,
					  .cgroup_dev_task = true,
					  .cgroup_sysctl_task = true,
					  .unix_connect = true,
					  .for_each_map_elem = true };

static struct prog_facts tp(const char *name, const char *sec, bool exists)
{
	return (struct prog_facts){ .name = name,
				    .sec = sec,
				    .type = BPF_PROG_TYPE_TRACEPOINT,
				    .tp_exists = exists,
				    .lsm_nargs = -2 };
}

static void cgroup_variants(void **unused)
{
	struct prog_facts dev = { .name = "deny_device",
				  .sec = "cgroup/dev",
				  .type = BPF_PROG_TYPE_CGROUP_DEVICE },
			  dev_legacy = { .name = "deny_device_legacy",
					 .sec = "cgroup/dev",
					 .type = BPF_PROG_TYPE_CGROUP_DEVICE },
			  sysctl = { .name = "deny_sysctl",
				     .sec = "cgroup/sysctl",
				     .type = BPF_PROG_TYPE_CGROUP_SYSCTL };
	struct kernel_facts mixed = k618;

	/* exactly one variant of each loads, whatever the kernel */
	assert_int_equal(plan_program(&dev, &k618), PLAN_LOAD);
	assert_int_equal(plan_program(&dev_legacy, &k618), PLAN_OFF_VARIANT);
	assert_int_equal(plan_program(&dev, &k510), PLAN_OFF_VARIANT);
	assert_int_equal(plan_program(&dev_legacy, &k510), PLAN_LOAD_LEGACY);
	/* the two program types are probed apart */
	mixed.cgroup_sysctl_task = false;
	assert_int_equal(plan_program(&dev, &mixed), PLAN_LOAD);
	assert_int_equal(plan_program(&sysctl, &mixed), PLAN_OFF_VARIANT);
	assert_false(plan_skipped(PLAN_OFF_VARIANT)); /* not a missing hook */
}

static void unix_connect(void **unused)
{
	struct prog_facts p = { .name = "deny_runtime_connect",
				.sec = "cgroup/connect4",
				.type = BPF_PROG_TYPE_CGROUP_SOCK_ADDR };

	assert_int_equal(plan_program(&p, &k618), PLAN_LOAD_UNIX_CONNECT);
	assert_int_equal(plan_program(&p, &k510), PLAN_OFF_NO_UNIX_CONNECT);
	assert_true(plan_skipped(PLAN_OFF_NO_UNIX_CONNECT));
	assert_false(plan_loads(PLAN_OFF_NO_UNIX_CONNECT));
}

static void tracepoints(void **unused)
{
	struct prog_facts p = tp("watch_init_module", "tp/syscalls/sys_enter_init_module", false),
			  q = tp("watch_openat", "tp/syscalls/sys_exit_openat", true),
			  u = tp("watch_uring_complete", "tp/io_uring/io_uring_complete", true);

	assert_int_equal(plan_program(&p, &k618), PLAN_OFF_NO_TRACEPOINT);
	assert_true(plan_skipped(PLAN_OFF_NO_TRACEPOINT));
	assert_int_equal(plan_program(&q, &k618), PLAN_LOAD);
	/* io_uring_complete before 5.15 has no request to judge */
	assert_int_equal(plan_program(&u, &k510), PLAN_OFF_NO_REQ);
	u.tp_has_req = true;
	assert_int_equal(plan_program(&u, &k510), PLAN_LOAD);
	/* a missing tracepoint has no request either: off, counted once */
	u.tp_exists = u.tp_has_req = false;
	assert_int_equal(plan_program(&u, &k618), PLAN_OFF_NO_REQ);
}

static void aggregation_flush(void **unused)
{
	struct prog_facts f = tp("agg_flush", "tp/syscalls/sys_enter_prctl", true);

	assert_int_equal(plan_program(&f, &k618), PLAN_LOAD);
	assert_int_equal(plan_program(&f, &k510), PLAN_OFF_NO_FOR_EACH);
	assert_false(plan_skipped(PLAN_OFF_NO_FOR_EACH)); /* said by dcea run, not a hook gap */
	assert_true(plan_reattach(&f, &k618, false));
	assert_false(plan_reattach(&f, &k510, false));
}

static void lsm_programs(void **unused)
{
	static const struct lsm_prog mount = { "deny_mount", "sb_mount", 5, DCEA_R_MOUNT,
					       DCEA_R_MAX },
				     bpf3 = { "deny_bpf_load3", "bpf", 3, DCEA_R_BPF_LOAD,
					      DCEA_R_MAX };
	struct prog_facts m = { .name = "deny_mount",
				.sec = "lsm/sb_mount",
				.type = BPF_PROG_TYPE_LSM,
				.lsm = &mount,
				.lsm_nargs = 5 },
			  b = { .name = "deny_bpf_load3",
				.sec = "lsm/bpf",
				.type = BPF_PROG_TYPE_LSM,
				.lsm = &bpf3,
				.lsm_nargs = 4 },
			  stray = { .name = "deny_stray",
				    .sec = "lsm/file_open",
				    .type = BPF_PROG_TYPE_LSM,
				    .lsm_nargs = -2 };

	assert_int_equal(plan_program(&m, &k612), PLAN_LOAD);
	assert_int_equal(plan_program(&m, &k618), PLAN_OFF_LSM_NOT_TRIED);
	/* the bpf hook has 4 arguments since 6.9: the 3-argument program stays off */
	assert_int_equal(plan_program(&b, &k612), PLAN_OFF_LSM_ARITY);
	b.lsm_nargs = 3;
	assert_int_equal(plan_program(&b, &k510), PLAN_LOAD);
	/* a hook missing from BTF, and a program the table does not know */
	m.lsm_nargs = -2;
	assert_int_equal(plan_program(&m, &k612), PLAN_OFF_LSM_ARITY);
	assert_int_equal(plan_program(&stray, &k612), PLAN_OFF_LSM_NOT_TRIED);
	assert_false(plan_skipped(PLAN_OFF_LSM_ARITY));
}

static void reattach(void **unused)
{
	struct prog_facts q = tp("watch_openat", "tp/syscalls/sys_exit_openat", true),
			  gone = tp("watch_init_module", "tp/syscalls/sys_enter_init_module",
				    false),
			  btf = { .name = "track_cgroup_rmdir",
				  .sec = "tp_btf/cgroup_rmdir",
				  .type = BPF_PROG_TYPE_TRACING },
			  cg = { .name = "deny_device",
				 .sec = "cgroup/dev",
				 .type = BPF_PROG_TYPE_CGROUP_DEVICE };

	assert_true(plan_reattach(&q, &k510, false)); /* perf attachment: never pinned */
	assert_false(plan_reattach(&q, &k618, true)); /* still pinned: the kernel holds it */
	assert_false(plan_reattach(&gone, &k618, false));
	assert_false(plan_reattach(&btf, &k618, false)); /* BPF links: always pinned */
	assert_false(plan_reattach(&cg, &k618, false));
}

static void cast_pairs(void **unused)
{
	struct prog_facts plain = tp("watch_openat", "tp/syscalls/sys_exit_openat", true),
			  cast = tp("watch_openat_cast", "tp/syscalls/sys_exit_openat", true),
			  single = tp("watch_openat2", "tp/syscalls/sys_exit_openat2", true);
	struct kernel_facts k62 = k618, k61 = k618;

	(void)unused;
	plain.cast_twin = true;
	k62.rdonly_cast = true;
	k61.rdonly_cast = false;
	/* exactly one of the pair loads: the _cast one where bpf_rdonly_cast works */
	assert_int_equal(plan_program(&plain, &k62), PLAN_OFF_CAST_VARIANT);
	assert_int_equal(plan_program(&cast, &k62), PLAN_LOAD);
	assert_int_equal(plan_program(&plain, &k61), PLAN_LOAD);
	assert_int_equal(plan_program(&cast, &k61), PLAN_OFF_CAST_VARIANT);
	assert_int_equal(plan_program(&cast, &k510), PLAN_OFF_CAST_VARIANT);
	assert_false(plan_skipped(PLAN_OFF_CAST_VARIANT)); /* not a hook missing here */
	/* a program without a twin is not affected */
	assert_int_equal(plan_program(&single, &k62), PLAN_LOAD);
	assert_int_equal(plan_program(&single, &k61), PLAN_LOAD);
	/* a restarted loader attaches again only the one that loads */
	assert_true(plan_reattach(&plain, &k510, false));
	assert_false(plan_reattach(&cast, &k510, false));
	assert_false(plan_reattach(&plain, &k62, false));
	assert_true(plan_reattach(&cast, &k62, false));
	assert_true(plan_is_cast_variant("watch_openat_cast"));
	assert_false(plan_is_cast_variant("_cast"));
	assert_false(plan_is_cast_variant("watch_openat"));
}

static void unproven_lsm_rules(void **unused)
{
	enum dcea_effect eff[DCEA_R_MAX];
	__u32 lsm = 1U << DCEA_R_MOUNT | 1U << DCEA_R_CAPSET | 1U << DCEA_R_PTRACE;

	for (int i = 0; i < DCEA_R_MAX; i++)
		eff[i] = DCEA_EFF_DETECT;
	/* bpf not in lsm=: programs attach, deny nothing, every rule goes back */
	assert_int_equal(plan_unproven_lsm(lsm, eff), lsm);
	/* a kill is the fallback's effect, not a proven LSM denial */
	eff[DCEA_R_MOUNT] = DCEA_EFF_DENY;
	eff[DCEA_R_CAPSET] = DCEA_EFF_KILL;
	assert_int_equal(plan_unproven_lsm(lsm, eff), 1U << DCEA_R_CAPSET | 1U << DCEA_R_PTRACE);
	/* rules without an LSM program are never the LSM's to lose */
	eff[DCEA_R_KNOB_WRITE] = DCEA_EFF_UNAVAILABLE;
	eff[DCEA_R_CAPSET] = eff[DCEA_R_PTRACE] = DCEA_EFF_DENY;
	assert_int_equal(plan_unproven_lsm(lsm, eff), 0);
	assert_int_equal(plan_unproven_lsm(0, eff), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cgroup_variants),    cmocka_unit_test(unix_connect),
		cmocka_unit_test(tracepoints),	      cmocka_unit_test(aggregation_flush),
		cmocka_unit_test(lsm_programs),	      cmocka_unit_test(reattach),
		cmocka_unit_test(unproven_lsm_rules), cmocka_unit_test(cast_pairs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
