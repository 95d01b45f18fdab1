// SPDX-License-Identifier: GPL-2.0-only
/* loader/canary_outcome.c: what a canary's end proves about its rule. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/capability.h>

#include "loader/canary_outcome.h"

/* wait statuses as waitpid() builds them */
#define EXITED(code)   (((code)&0xff) << 8)
#define SIGNALLED(sig) ((sig)&0x7f)
#define SEEN(act)      (1 + (act))

static enum dcea_effect classify(enum dcea_rule r, int status, int seen, __u32 *why)
{
	struct canary_outcome o = { .ready = true, .status = status, .seen = seen };

	return canary_classify(r, &o, why);
}

/* killed with a kill event: kill; refused with EPERM and a deny event: deny */
static void test_enforced(void **state)
{
	__u32 why = 1;

	(void)state;
	assert_int_equal(classify(DCEA_R_MOUNT, SIGNALLED(SIGKILL), SEEN(DCEA_ACT_KILL), &why),
			 DCEA_EFF_KILL);
	assert_int_equal(why, 0);
	assert_int_equal(classify(DCEA_R_DRIFT, SIGNALLED(SIGKILL), SEEN(DCEA_ACT_KILL), &why),
			 DCEA_EFF_KILL);
	assert_int_equal(classify(DCEA_R_SYSCTL_WRITE, EXITED(EPERM), SEEN(DCEA_ACT_DENY), &why),
			 DCEA_EFF_DENY);
	assert_int_equal(classify(DCEA_R_PRIV_EXEC, EXITED(EPERM), SEEN(DCEA_ACT_DENY), &why),
			 DCEA_EFF_DENY);
	assert_int_equal(why, 0);
}

/* an event whose action the child's end does not bear out proves detection only */
static void test_detect(void **state)
{
	__u32 why = 1;

	(void)state;
	/* alert, the operation went through */
	assert_int_equal(classify(DCEA_R_BPF_LOAD, EXITED(0), SEEN(DCEA_ACT_ALERT), &why),
			 DCEA_EFF_DETECT);
	assert_int_equal(why, 0);
	/* a kill event, but the child exited: the kill did not land */
	assert_int_equal(classify(DCEA_R_MOUNT, EXITED(0), SEEN(DCEA_ACT_KILL), &why),
			 DCEA_EFF_DETECT);
	/* a deny event, but the operation failed otherwise */
	assert_int_equal(classify(DCEA_R_SETNS, EXITED(EINVAL), SEEN(DCEA_ACT_DENY), &why),
			 DCEA_EFF_DETECT);
	/* killed, the event said deny */
	assert_int_equal(classify(DCEA_R_SETNS, SIGNALLED(SIGKILL), SEEN(DCEA_ACT_DENY), &why),
			 DCEA_EFF_DETECT);
	/* an exec rule that alerted, then timed out: the kernel saw it */
	assert_int_equal(classify(DCEA_R_SHELL, SIGNALLED(SIGALRM), SEEN(DCEA_ACT_ALERT), &why),
			 DCEA_EFF_DETECT);
	assert_int_equal(why, 0);
}

/* the attempt reached the kernel and nothing saw it: the kernel lacks the hook */
static void test_unavailable(void **state)
{
	__u32 why = 1;

	(void)state;
	assert_int_equal(classify(DCEA_R_MODULE_LOAD, EXITED(ENOEXEC), 0, &why),
			 DCEA_EFF_UNAVAILABLE);
	assert_int_equal(why, 0);
	assert_int_equal(classify(DCEA_R_BPF_LOAD, EXITED(0), 0, &why), DCEA_EFF_UNAVAILABLE);
	/* refused by something that is not dcea, unseen: still the kernel's answer */
	assert_int_equal(classify(DCEA_R_MOUNT, EXITED(EPERM), 0, &why), DCEA_EFF_UNAVAILABLE);
	/* an exec that ran (dcea --version exited 0), unseen */
	assert_int_equal(classify(DCEA_R_DRIFT, EXITED(0), 0, &why), DCEA_EFF_UNAVAILABLE);
	assert_int_equal(classify(DCEA_R_PRIV_EXEC, EXITED(0), 0, &why), DCEA_EFF_UNAVAILABLE);
	assert_int_equal(why, 0);
}

/* an exec that returned never ran the program: the test, not the kernel */
static void test_exec_failed(void **state)
{
	static const enum dcea_rule execs[] = { DCEA_R_NS_ESCAPE, DCEA_R_SHELL, DCEA_R_PRIV_EXEC,
						DCEA_R_PRIV_LAUNCH, DCEA_R_DRIFT };
	char buf[128];
	__u32 why;

	(void)state;
	for (size_t i = 0; i < sizeof(execs) / sizeof(execs[0]); i++) {
		assert_true(canary_rule_execs(execs[i]));
		assert_int_equal(classify(execs[i], EXITED(ENOENT), 0, &why),
				 DCEA_EFF_SELFTEST_FAILED);
		assert_int_equal(why, (__u32)DCEA_ST_EXEC << 16 | ENOENT);
		assert_int_equal(classify(execs[i], EXITED(EACCES), 0, &why),
				 DCEA_EFF_SELFTEST_FAILED);
		assert_int_equal(why & 0xffff, EACCES);
	}
	assert_false(canary_rule_execs(DCEA_R_MOUNT));
	assert_false(canary_rule_execs(DCEA_R_MODULE_LOAD));
	classify(DCEA_R_DRIFT, EXITED(EACCES), 0, &why);
	assert_string_equal(canary_why_str(why, buf, sizeof(buf)), "exec: Permission denied");
}

/* set-up steps that failed, reported by the child or the loader */
static void test_setup_failed(void **state)
{
	struct canary_outcome o = { .step = DCEA_ST_SCRATCH, .err = EROFS, .status = EXITED(125) };
	char buf[128];
	__u32 why;

	(void)state;
	assert_int_equal(canary_classify(DCEA_R_MOUNT, &o, &why), DCEA_EFF_SELFTEST_FAILED);
	assert_int_equal(why, (__u32)DCEA_ST_SCRATCH << 16 | EROFS);
	assert_string_equal(canary_why_str(why, buf, sizeof(buf)),
			    "scratch: Read-only file system");
	/* a failed step wins over whatever the status and the events say */
	o.step = DCEA_ST_PARENT;
	o.err = EAGAIN;
	o.ready = true;
	o.status = SIGNALLED(SIGKILL);
	o.seen = SEEN(DCEA_ACT_KILL);
	assert_int_equal(canary_classify(DCEA_R_MOUNT, &o, &why), DCEA_EFF_SELFTEST_FAILED);
	assert_int_equal(why >> 16, DCEA_ST_PARENT);
	o = (struct canary_outcome){ .step = DCEA_ST_PREPARE, .err = EPERM };
	canary_classify(DCEA_R_PRIV_LAUNCH, &o, &why);
	assert_string_equal(canary_why_str(why, buf, sizeof(buf)),
			    "prepare: Operation not permitted");
}

/* ended before it said it was ready, without saying why */
static void test_lost(void **state)
{
	struct canary_outcome o = { .ready = false, .status = SIGNALLED(SIGSEGV) };
	char buf[128];
	__u32 why;

	(void)state;
	assert_int_equal(canary_classify(DCEA_R_CAPSET, &o, &why), DCEA_EFF_SELFTEST_FAILED);
	assert_string_equal(canary_why_str(why, buf, sizeof(buf)), "child lost: exit status 139");
	o.status = EXITED(124);
	o.seen = SEEN(DCEA_ACT_KILL); /* an event cannot make up for a child never let go */
	assert_int_equal(canary_classify(DCEA_R_CAPSET, &o, &why), DCEA_EFF_SELFTEST_FAILED);
	assert_string_equal(canary_why_str(why, buf, sizeof(buf)), "child lost: exit status 124");
}

/* unseen deaths: a timeout, a stray signal, a kill whose event was lost */
static void test_unseen_deaths(void **state)
{
	char buf[128];
	__u32 why;

	(void)state;
	assert_int_equal(classify(DCEA_R_PTRACE, SIGNALLED(SIGALRM), 0, &why),
			 DCEA_EFF_SELFTEST_FAILED);
	assert_string_equal(canary_why_str(why, buf, sizeof(buf)), "timeout");
	assert_int_equal(classify(DCEA_R_PTRACE, SIGNALLED(SIGSEGV), 0, &why),
			 DCEA_EFF_SELFTEST_FAILED);
	assert_int_equal(why, (__u32)DCEA_ST_SIGNAL << 16 | SIGSEGV);
	assert_string_equal(canary_why_str(why, buf, sizeof(buf)), "signal: Segmentation fault");
	assert_int_equal(classify(DCEA_R_MOUNT, SIGNALLED(SIGKILL), 0, &why),
			 DCEA_EFF_SELFTEST_FAILED);
	assert_string_equal(canary_why_str(why, buf, sizeof(buf)), "killed without an event");
}

/* unseen, but dcea itself lacks a capability the attempt needs: dcea's set-up, not the kernel */
static void test_missing_caps(void **state)
{
	struct canary_outcome o = { .ready = true, .status = EXITED(EPERM) };
	char buf[128];
	__u32 why;

	(void)state;
	o.missing_caps = 1ULL << CAP_MKNOD;
	assert_int_equal(canary_classify(DCEA_R_DEVICE_CREATE, &o, &why), DCEA_EFF_SELFTEST_FAILED);
	assert_string_equal(canary_why_str(why, buf, sizeof(buf)),
			    "dcea lacks a capability: CAP_MKNOD");
	/* a rule that does not need it is still the kernel's answer */
	assert_int_equal(canary_classify(DCEA_R_BPF_LOAD, &o, &why), DCEA_EFF_UNAVAILABLE);
	assert_int_equal(why, 0);
	/* seen all the same: proven */
	o.seen = SEEN(DCEA_ACT_ALERT);
	assert_int_equal(canary_classify(DCEA_R_DEVICE_CREATE, &o, &why), DCEA_EFF_DETECT);
	/* a privileged launch needs what makes one privileged (cap_full), nothing more */
	o.seen = 0;
	o.status = EXITED(0);
	o.cap_full = 1ULL << CAP_SYS_PTRACE | 1ULL << CAP_MAC_ADMIN;
	o.missing_caps = 1ULL << CAP_SYS_PTRACE;
	assert_int_equal(canary_classify(DCEA_R_PRIV_LAUNCH, &o, &why), DCEA_EFF_SELFTEST_FAILED);
	assert_string_equal(canary_why_str(why, buf, sizeof(buf)),
			    "dcea lacks a capability: CAP_SYS_PTRACE");
	o.missing_caps = 1ULL << CAP_MAC_ADMIN;
	assert_int_equal(canary_classify(DCEA_R_PRIV_LAUNCH, &o, &why), DCEA_EFF_SELFTEST_FAILED);
	assert_string_equal(canary_why_str(why, buf, sizeof(buf)),
			    "dcea lacks a capability: capability 33");
	/* a host that drops one outside cap_full for everyone (CAP_SYS_RESOURCE here) */
	o.missing_caps = 1ULL << CAP_SYS_RESOURCE;
	assert_int_equal(canary_classify(DCEA_R_PRIV_LAUNCH, &o, &why), DCEA_EFF_UNAVAILABLE);
}

/* a setuid exec under no_new_privs gains nothing: unseen proves nothing */
static void test_no_new_privs(void **state)
{
	struct canary_outcome o = { .ready = true, .status = EXITED(0), .no_new_privs = true };
	char buf[128];
	__u32 why;

	(void)state;
	assert_int_equal(canary_classify(DCEA_R_PRIV_EXEC, &o, &why), DCEA_EFF_SELFTEST_FAILED);
	assert_string_equal(canary_why_str(why, buf, sizeof(buf)),
			    "dcea runs with no_new_privs (NoNewPrivileges=)");
	assert_int_equal(canary_classify(DCEA_R_DRIFT, &o, &why), DCEA_EFF_UNAVAILABLE);
	o.seen = SEEN(DCEA_ACT_KILL);
	o.status = SIGNALLED(SIGKILL);
	assert_int_equal(canary_classify(DCEA_R_PRIV_EXEC, &o, &why), DCEA_EFF_KILL);
	o.seen = 0;
	o.status = EXITED(0);
	o.no_new_privs = false;
	assert_int_equal(canary_classify(DCEA_R_PRIV_EXEC, &o, &why), DCEA_EFF_UNAVAILABLE);
}

static void test_why_str(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(canary_why_str(0, buf, sizeof(buf)), "");
	assert_string_equal(canary_why_str((__u32)DCEA_ST_MAX << 16, buf, sizeof(buf)), "unknown");
	/* truncated, terminated */
	canary_why_str((__u32)DCEA_ST_SETUP << 16 | ENOENT, buf, sizeof(buf));
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	assert_memory_equal(buf, "setup: No such ", 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enforced),      cmocka_unit_test(test_detect),
		cmocka_unit_test(test_unavailable),   cmocka_unit_test(test_exec_failed),
		cmocka_unit_test(test_setup_failed),  cmocka_unit_test(test_lost),
		cmocka_unit_test(test_unseen_deaths), cmocka_unit_test(test_missing_caps),
		cmocka_unit_test(test_no_new_privs),  cmocka_unit_test(test_why_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
