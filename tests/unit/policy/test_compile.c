// SPDX-License-Identifier: GPL-2.0-only
/* policy/compile.c: what each rule's map value says for a mode, a policy and a self-test result. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rules/rules.h"
#include "policy/compile.h"
#include "policy/parse.h"

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
		assert_int_equal(cfg[i].block, !rule_table[i].alert_default);
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

static const char custom_yaml[] =
	"custom_rules:\n"
	"  - {id: no_curl, kind: exec, path: /usr/bin/curl, action: block}\n"
	"  - {id: ssh_keys, kind: open_read, path: '/etc/ssh/*', exe: /usr/sbin/sshd,\n"
	"     container: {image: 'web:*'}}\n"
	"exceptions:\n"
	"  - {rules: [shell_in_container, no_curl], container: {name: 'debug-*'}}\n"
	"  - {rules: [cred_file_access], exe: /usr/sbin/sshd}\n";

static void test_custom_and_exceptions(void **state)
{
	struct policy_path_entry e[32];
	char leaves[32][POLICY_LEAF_LEN];
	struct dcea_custom cu[DCEA_MAX_CUSTOM];
	struct dcea_exc x[DCEA_MAX_EXC];
	enum dcea_effect eff[DCEA_R_MAX];
	struct policy p;
	int n;

	policy_default(&p);
	assert_int_equal(policy_parse_buffer("c.yaml", custom_yaml, strlen(custom_yaml), &p), 0);
	assert_int_equal(p.n_custom, 2);
	assert_int_equal(p.n_exc, 2);
	/* exceptions name built-in rules by id and custom rules as 32 + their index */
	assert_true(p.exc[0].rules == ((1ULL << DCEA_R_SHELL) | (1ULL << 32)));
	/* "/etc/ssh/<all>" is the prefix key of "/etc/ssh"; the kernel hashes the same bytes */
	assert_int_equal(policy_path_key("/etc/ssh/*").prefix, 1);
	assert_true(policy_path_key("/etc/ssh/*").hash == policy_fnv("/etc/ssh", 8));
	assert_true(policy_fnv("", 0) == DCEA_FNV_OFFSET);
	assert_true(policy_fnv("a", 1) == 0xaf63dc4c8601ec8cULL); /* FNV-1a 64 test vector */
	n = policy_path_entries(&p, e, 32);
	/* 13 default credential files + curl + /etc/ssh + sshd (shared by rule and exception) */
	assert_int_equal(n, 16);
	for (int i = 0; i < n; i++)
		if (!memcmp(&e[i].key, &(struct dcea_path_key){ policy_fnv("/usr/sbin/sshd", 14) },
			    sizeof(e[i].key)))
			assert_true(e[i].bits == ((1ULL << (DCEA_PM_CUSTOM_EXE + 1)) |
						  (1ULL << (DCEA_PM_EXC_EXE + 1))));
	assert_int_equal(policy_path_entries(&p, e, 3), -E2BIG);
	fill(eff, DCEA_EFF_KILL);
	policy_custom_cfg(&p, DCEA_MODE_BLOCK, eff, cu);
	assert_int_equal(cu[0].kind, DCEA_K_EXEC);
	assert_int_equal(cu[0].sel, DCEA_SEL_PATH);
	assert_int_equal(cu[0].enforce, 1);
	assert_int_equal(cu[1].sel, DCEA_SEL_PATH | DCEA_SEL_EXE | DCEA_SEL_CT);
	assert_int_equal(cu[1].enforce, 0); /* action alert */
	assert_int_equal(cu[2].flags, 0);   /* unused slots are off */
	/* a kind whose hook cannot act on this kernel turns its custom rules off */
	eff[DCEA_R_SHELL] = DCEA_EFF_UNAVAILABLE;
	policy_custom_cfg(&p, DCEA_MODE_BLOCK, eff, cu);
	assert_int_equal(cu[0].flags & DCEA_CU_ENABLED, 0);
	policy_exc_cfg(&p, x);
	assert_int_equal(x[0].sel, DCEA_SEL_CT);
	assert_int_equal(x[1].sel, DCEA_SEL_EXE);
	assert_int_equal(policy_custom_kinds(&p), (1U << DCEA_K_EXEC) | (1U << DCEA_K_OPEN_READ));
	/* the prefix pattern of ssh_keys_read makes every open rebuild its path */
	assert_int_equal(policy_path_needs(&p),
			 DCEA_NEED_OPEN | DCEA_NEED_OPEN_ALL | DCEA_NEED_EXEC);
	/* exact open patterns give their file names; "/etc/ssh/<all>" gives none */
	n = policy_leaf_names(&p, leaves, 32);
	assert_int_equal(n, 13); /* the 13 default credential files; curl is an exec rule */
	assert_string_equal(leaves[0], "shadow");
	/* the open programs' filter passes every listed name; most other names stop there */
	{
		__u64 f[DCEA_LEAF_FILTER_WORDS], set = 0;
		const char *others[] = { "passwd", "hosts", "ld.so.cache", "libc.so.6" };

		assert_int_equal(policy_leaf_filter(&p, f), 0);
		for (int i = 0; i < n; i++) {
			__u64 w8 = 0;
			__u32 bit;

			for (size_t k = 0; k < strlen(leaves[i]) && k < 8; k++)
				w8 |= (__u64)(unsigned char)leaves[i][k] << (8 * k);
			bit = DCEA_LEAF_BIT(w8, strlen(leaves[i]));
			assert_true(f[bit / 64] & (1ULL << (bit % 64)));
		}
		for (int i = 0; i < DCEA_LEAF_FILTER_WORDS; i++)
			set += __builtin_popcountll(f[i]);
		assert_true(set > 1 && set <= (__u64)n);
		for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
			__u64 g[DCEA_LEAF_FILTER_WORDS];

			memcpy(g, f, sizeof(g));
			policy_leaf_filter_add(g, others[i]);
			assert_memory_not_equal(g, f, sizeof(g)); /* its bit was clear */
		}
	}
	p.n_custom = 1; /* without ssh_keys_read: only exact patterns, names filter */
	assert_int_equal(policy_path_needs(&p), DCEA_NEED_OPEN | DCEA_NEED_EXEC);
	assert_true(policy_selector_match(&p.exc[0].ct, "debug-1", "busybox", "abc"));
	assert_false(policy_selector_match(&p.exc[0].ct, "web-1", "busybox", "abc"));
	assert_true(policy_selector_match(&p.custom[1].ct, "x", "web:1.2", "abc"));
	assert_false(policy_selector_match(&p.custom[1].ct, "x", "db:1", "abc"));
}

static void test_selector_short_id(void **state)
{
	struct policy_selector sel = { .id = "0123456789ab" };
	const char *full = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

	assert_true(policy_selector_match(&sel, "n", "i", full));
	assert_false(policy_selector_match(&sel, "n", "i", "ffff"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audit_never_enforces),
		cmocka_unit_test(test_block_enforces_deny_and_kill),
		cmocka_unit_test(test_unavailable_is_disabled),
		cmocka_unit_test(test_policy_action_and_enabled),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_custom_and_exceptions),
		cmocka_unit_test(test_selector_short_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
