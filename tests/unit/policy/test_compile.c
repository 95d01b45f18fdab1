// SPDX-License-Identifier: GPL-2.0-only
/* policy/compile.c: what each rule's map value says for a mode, a policy and a self-test result. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "policy/compile.h"

static void fill(enum dcea_effect eff[DCEA_R_MAX], enum dcea_effect e)
{
	for (int i = 0; i < DCEA_R_MAX; i++)
		eff[i] = e;
}

static void test_audit_never_enforces(void **state)
{
	struct dcea_rule_cfg cfg[DCEA_R_MAX];
	enum dcea_effect eff[DCEA_R_MAX];
	struct policy p;

	policy_default(&p);
	fill(eff, DCEA_EFF_DENY);
	policy_rule_cfg(&p, DCEA_MODE_AUDIT, eff, cfg);
	for (int i = 0; i < DCEA_R_MAX; i++) {
		assert_int_equal(cfg[i].enabled, 1);
		assert_int_equal(cfg[i].block, 1);
		assert_int_equal(cfg[i].enforce, 0);
		assert_int_equal(cfg[i].effective, DCEA_EFF_DENY);
	}
}

static void test_block_enforces_deny_and_kill(void **state)
{
	struct dcea_rule_cfg cfg[DCEA_R_MAX];
	enum dcea_effect eff[DCEA_R_MAX];
	struct policy p;

	policy_default(&p);
	fill(eff, DCEA_EFF_KILL);
	eff[DCEA_R_SYSCTL_WRITE] = DCEA_EFF_DENY;
	eff[DCEA_R_BPF_LOAD] = DCEA_EFF_DETECT;
	policy_rule_cfg(&p, DCEA_MODE_BLOCK, eff, cfg);
	assert_int_equal(cfg[DCEA_R_SETNS].enforce, 1);
	assert_int_equal(cfg[DCEA_R_SETNS].effective, DCEA_EFF_KILL);
	assert_int_equal(cfg[DCEA_R_SYSCTL_WRITE].enforce, 1);
	/* detect only: reported, never enforced */
	assert_int_equal(cfg[DCEA_R_BPF_LOAD].enabled, 1);
	assert_int_equal(cfg[DCEA_R_BPF_LOAD].enforce, 0);
}

static void test_unavailable_is_disabled(void **state)
{
	struct dcea_rule_cfg cfg[DCEA_R_MAX];
	enum dcea_effect eff[DCEA_R_MAX];
	struct policy p;

	policy_default(&p);
	fill(eff, DCEA_EFF_DENY);
	eff[DCEA_R_MOUNT_API] = DCEA_EFF_UNAVAILABLE;
	policy_rule_cfg(&p, DCEA_MODE_BLOCK, eff, cfg);
	assert_int_equal(cfg[DCEA_R_MOUNT_API].enabled, 0);
	assert_int_equal(cfg[DCEA_R_MOUNT_API].enforce, 0);
	assert_int_equal(cfg[DCEA_R_MOUNT_API].effective, DCEA_EFF_UNAVAILABLE);
	assert_int_equal(cfg[DCEA_R_MOUNT].enforce, 1);
}

static void test_policy_action_and_enabled(void **state)
{
	struct dcea_rule_cfg cfg[DCEA_R_MAX];
	enum dcea_effect eff[DCEA_R_MAX];
	struct policy p;

	policy_default(&p);
	p.rules[DCEA_R_PTRACE].action = POLICY_ALERT;
	p.rules[DCEA_R_KEXEC].enabled = false;
	fill(eff, DCEA_EFF_KILL);
	policy_rule_cfg(&p, DCEA_MODE_BLOCK, eff, cfg);
	/* alert in block mode: on, reported, not enforced */
	assert_int_equal(cfg[DCEA_R_PTRACE].enabled, 1);
	assert_int_equal(cfg[DCEA_R_PTRACE].block, 0);
	assert_int_equal(cfg[DCEA_R_PTRACE].enforce, 0);
	/* disabled: off even though the kernel could kill */
	assert_int_equal(cfg[DCEA_R_KEXEC].enabled, 0);
	assert_int_equal(cfg[DCEA_R_KEXEC].enforce, 0);
	assert_int_equal(cfg[DCEA_R_MODULE_LOAD].enforce, 1);
}

static void test_key(void **state)
{
	char key[32], want[32] = "docker.sock";

	memset(key, 0xff, sizeof(key));
	assert_int_equal(policy_key("docker.sock", key, sizeof(key)), 0);
	assert_memory_equal(key, want, sizeof(key)); /* zero-padded: the hash compares every byte */
	assert_int_equal(policy_key("0123456789012345678901234567890", key, sizeof(key)), 0);
	assert_int_equal(policy_key("01234567890123456789012345678901", key, sizeof(key)),
			 -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audit_never_enforces),
		cmocka_unit_test(test_block_enforces_deny_and_kill),
		cmocka_unit_test(test_unavailable_is_disabled),
		cmocka_unit_test(test_policy_action_and_enabled),
		cmocka_unit_test(test_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
