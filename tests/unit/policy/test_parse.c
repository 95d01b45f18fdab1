// SPDX-License-Identifier: GPL-2.0-only
/* policy/parse.c and policy/show.c: every feature of the schema, every error with its position. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"
#include "rules/rules.h"
#include "policy/parse.h"
#include "policy/show.h"

#define FIX(f)	     FIXTURES "/policy/" f
#define DEFAULT_YAML FIXTURES "/../../policy/default.yaml"

static char errs[8192];

static void capture(const struct policy_diag *d, void *arg)
{
	size_t n = strlen(errs);

	if (d->line)
		snprintf(errs + n, sizeof(errs) - n, "%s:%u:%u: %s\n", d->file, d->line, d->col,
			 d->msg);
	else
		snprintf(errs + n, sizeof(errs) - n, "%s: %s\n", d->file, d->msg);
	(*(int *)arg)++;
}

/* Parse yaml named t.yaml on top of the default; errors land in errs. */
static int parse(const char *yaml, struct policy *p, int *nerr)
{
	errs[0] = 0;
	*nerr = 0;
	policy_default(p);
	return policy_parse("t.yaml", yaml, strlen(yaml), p, capture, nerr);
}

static void assert_policy_equal(const struct policy *a, const struct policy *b)
{
	assert_int_equal(a->mode, b->mode);
	for (int i = 0; i < DCEA_R_MAX; i++) {
		if (i == DCEA_R_CUSTOM)
			continue; /* not a policy key: custom_rules are compared below */
		assert_int_equal(a->rules[i].enabled, b->rules[i].enabled);
		assert_int_equal(a->rules[i].action, b->rules[i].action);
		assert_int_equal(a->rules[i].severity, b->rules[i].severity);
	}
	assert_int_equal(a->n_fstypes, b->n_fstypes);
	assert_int_equal(a->n_sysctls, b->n_sysctls);
	assert_int_equal(a->n_knob_files, b->n_knob_files);
	assert_int_equal(a->n_sockets, b->n_sockets);
	assert_memory_equal(a->fstypes, b->fstypes, a->n_fstypes * sizeof(a->fstypes[0]));
	assert_memory_equal(a->sysctls, b->sysctls, a->n_sysctls * sizeof(a->sysctls[0]));
	assert_memory_equal(a->knob_files, b->knob_files,
			    a->n_knob_files * sizeof(a->knob_files[0]));
	assert_memory_equal(a->sockets, b->sockets, a->n_sockets * sizeof(a->sockets[0]));
}

static void test_empty_is_default(void **state)
{
	static const char *const empties[] = { "", "# nothing\n", "---\n", "{}\n", "~\n" };
	struct policy p, d;
	int n;

	policy_default(&d);
	for (size_t i = 0; i < ARRAY_SIZE(empties); i++) {
		assert_int_equal(parse(empties[i], &p, &n), 0);
		assert_string_equal(errs, "");
		assert_policy_equal(&p, &d);
	}
}

static void test_mode_and_rules(void **state)
{
	struct policy p, d;
	int n;

	assert_int_equal(parse("version: 1\nmode: block\nrules:\n"
			       "  setns_foreign: {enabled: false}\n"
			       "  bpf_load: {action: alert, severity: low}\n"
			       "  kexec_load:\n    enabled: True\n    severity: info\n",
			       &p, &n),
			 0);
	policy_default(&d);
	assert_int_equal(p.mode, DCEA_MODE_BLOCK);
	assert_false(p.rules[DCEA_R_SETNS].enabled);
	assert_int_equal(p.rules[DCEA_R_SETNS].action, POLICY_BLOCK);
	assert_int_equal(p.rules[DCEA_R_SETNS].severity, SEV_CRITICAL);
	assert_true(p.rules[DCEA_R_BPF_LOAD].enabled);
	assert_int_equal(p.rules[DCEA_R_BPF_LOAD].action, POLICY_ALERT);
	assert_int_equal(p.rules[DCEA_R_BPF_LOAD].severity, SEV_LOW);
	assert_int_equal(p.rules[DCEA_R_KEXEC].severity, SEV_INFO);
	/* the rules not named keep the default */
	assert_memory_equal(&p.rules[DCEA_R_MOUNT], &d.rules[DCEA_R_MOUNT], sizeof(p.rules[0]));
	assert_int_equal(parse("mode: audit\n", &p, &n), 0);
	assert_int_equal(p.mode, DCEA_MODE_AUDIT);
	/* shell_in_container's option: unexpected_parent by default, all on request */
	assert_int_equal(p.rules[DCEA_R_SHELL].opts, 0);
	assert_int_equal(parse("rules:\n  shell_in_container: {non_interactive: all}\n", &p, &n),
			 0);
	assert_int_equal(p.rules[DCEA_R_SHELL].opts, DCEA_RO_SHELL_ALL);
	assert_true(p.rules[DCEA_R_SHELL].enabled);
	/* findings become alerts from high up by default */
	assert_int_equal(p.admission.alert_severity, SEV_HIGH);
	assert_int_equal(parse("admission: {alert_severity: medium}\n", &p, &n), 0);
	assert_int_equal(p.admission.alert_severity, SEV_MEDIUM);
}

static void test_list_replace(void **state)
{
	struct policy p;
	int n;

	assert_int_equal(
		parse("lists:\n  sysctls: [kernel/core_pattern, net/ipv4/ip_forward]\n"
		      "  runtime_sockets: []\n"
		      "  knob_files:\n    - {fs: 0x1234, name: a}\n    - {name: b, fs: 42}\n",
		      &p, &n),
		0);
	assert_int_equal(p.n_sysctls, 2);
	assert_string_equal(p.sysctls[0], "kernel/core_pattern");
	assert_string_equal(p.sysctls[1], "net/ipv4/ip_forward");
	assert_int_equal(p.n_sockets, 0);
	assert_int_equal(p.n_knob_files, 2);
	assert_int_equal(p.knob_files[0].magic, 0x1234);
	assert_string_equal(p.knob_files[0].name, "a");
	assert_int_equal(p.knob_files[1].magic, 42);
	assert_int_equal(p.n_fstypes, 15); /* untouched */
}

static void test_list_edit(void **state)
{
	struct policy p, d;
	int n;

	policy_default(&d);
	assert_int_equal(
		parse("lists:\n  fstypes: {remove: [proc, bpf], add: [overlay, sysfs, nfs]}\n"
		      "  knob_files:\n    remove: [{fs: cgroup, name: release_agent}]\n"
		      "    add: [{fs: cgroup2, name: cgroup.procs}]\n",
		      &p, &n),
		0);
	/* removed in place, sysfs already there (a no-op), new ones appended in order */
	assert_int_equal(p.n_fstypes, d.n_fstypes);
	assert_string_equal(p.fstypes[0], "sysfs");
	assert_string_equal(p.fstypes[p.n_fstypes - 2], "overlay");
	assert_string_equal(p.fstypes[p.n_fstypes - 1], "nfs");
	for (size_t i = 0; i < p.n_fstypes; i++) {
		assert_string_not_equal(p.fstypes[i], "proc");
		assert_string_not_equal(p.fstypes[i], "bpf");
	}
	assert_int_equal(p.n_knob_files, d.n_knob_files);
	assert_string_equal(p.knob_files[0].name, "notify_on_release");
	assert_int_equal(p.knob_files[p.n_knob_files - 1].magic, 0x63677270);
	assert_int_equal(parse("lists: {sysctls: {}}\n", &p, &n), 0);
	assert_int_equal(p.n_sysctls, d.n_sysctls);
}

/* The longest name each kernel key holds is accepted, one more character is not. */
static void test_key_sizes(void **state)
{
	static const struct {
		const char *list;
		const char *prefix;
		size_t max;
	} t[] = {
		{ "fstypes", "", 31 },
		{ "sysctls", "kernel/", 63 },
		{ "runtime_sockets", "", 31 },
	};
	char yaml[256], name[80], want[512];
	struct policy p;
	int n;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		size_t pl = strlen(t[i].prefix);

		memset(name, 'x', sizeof(name));
		memcpy(name, t[i].prefix, pl);
		name[t[i].max] = 0;
		snprintf(yaml, sizeof(yaml), "lists:\n  %s: [%s]\n", t[i].list, name);
		assert_int_equal(parse(yaml, &p, &n), 0);
		name[t[i].max] = 'x';
		name[t[i].max + 1] = 0;
		snprintf(yaml, sizeof(yaml), "lists:\n  %s: [%s]\n", t[i].list, name);
		assert_int_equal(parse(yaml, &p, &n), -EINVAL);
		snprintf(want, sizeof(want),
			 "t.yaml:2:%zu: '%s' in '%s' is too long for the kernel (at most %zu "
			 "characters)\n",
			 strlen(t[i].list) + 6, name, t[i].list, t[i].max);
		assert_string_equal(errs, want);
	}
	assert_int_equal(
		parse("lists: {knob_files: [{fs: proc, name: xxxxxxxxxxxxxxxxxxxxxxxxxxx}]}\n", &p,
		      &n),
		0);
	assert_int_equal(
		parse("lists: {knob_files: [{fs: proc, name: xxxxxxxxxxxxxxxxxxxxxxxxxxxx}]}\n", &p,
		      &n),
		-EINVAL);
	assert_string_equal(
		errs, "t.yaml:1:39: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxx' in 'knob_files' is too long "
		      "for the kernel (at most 27 characters)\n");
}

static void test_list_length(void **state)
{
	char yaml[4096];
	size_t off;
	struct policy p;
	int n;

	off = snprintf(yaml, sizeof(yaml), "lists:\n  fstypes:\n");
	for (int i = 0; i < POLICY_MAX_LIST; i++)
		off += snprintf(yaml + off, sizeof(yaml) - off, "    - fs%d\n", i);
	assert_int_equal(parse(yaml, &p, &n), 0);
	assert_int_equal(p.n_fstypes, POLICY_MAX_LIST);
	assert_string_equal(p.fstypes[63], "fs63");
	snprintf(yaml + off, sizeof(yaml) - off, "    - fs64\n    - fs65\n");
	assert_int_equal(parse(yaml, &p, &n), -EINVAL);
	assert_string_equal(errs, "t.yaml:67:7: too many entries in 'fstypes' (at most 64)\n");

	/* add: the default's 15 plus 50 new ones is one too many */
	off = snprintf(yaml, sizeof(yaml), "lists:\n  fstypes:\n    add:\n");
	for (int i = 0; i < 50; i++)
		off += snprintf(yaml + off, sizeof(yaml) - off, "      - fs%d\n", i);
	assert_int_equal(parse(yaml, &p, &n), -EINVAL);
	assert_string_equal(errs, "t.yaml:53:9: too many entries in 'fstypes' (at most 64)\n");
}

/* Each invalid policy with its exact message and position (one case per line: no reflow). */
static const struct {
	const char *yaml;
	const char *errs;
} bad[] = {
	/* clang-format off */
	/* malformed YAML */
	{ "mode: audit\n  rules: x\n",
	  "t.yaml:2:8: invalid YAML: mapping values are not allowed in this context\n" },
	{ "lists: {sysctls: [a/b}\n",
	  "t.yaml:1:22: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 1:18)\n" },
	{ "mode: audit\n---\nmode: block\n",
	  "t.yaml:3:1: a policy file holds one YAML document\n" },
	{ "mode: \"\xff\"\n",
	  "t.yaml: invalid YAML: invalid leading UTF-8 octet at byte 7\n" },
	{ "[mode, audit]\n",
	  "t.yaml:1:1: a policy must be a mapping with mode, rules and lists\n" },
	/* unknown and duplicate keys */
	{ "mode: audit\ncolour: red\n",
	  "t.yaml:2:1: unknown key 'colour' in 'policy' (known: version, mode, rules, lists, custom_rules, exceptions, admission)\n" },
	{ "mode: audit\nmode: block\n",
	  "t.yaml:2:1: duplicate key 'mode' in 'policy'\n" },
	{ "rules:\n  bpf_load: {enabled: true, colour: red}\n",
	  "t.yaml:2:29: unknown key 'colour' in 'bpf_load' (known: enabled, action, severity, non_interactive)\n" },
	{ "rules:\n  bpf_load: {non_interactive: all}\n",
	  "t.yaml:2:14: 'non_interactive' is an option of shell_in_container only\n" },
	{ "rules:\n  shell_in_container: {non_interactive: some}\n",
	  "t.yaml:2:41: 'non_interactive' must be unexpected_parent or all, not 'some'\n" },
	{ "admission:\n  alert_severity: info\n",
	  "t.yaml:2:19: 'alert_severity' must be low, medium, high or critical, not 'info'\n" },
	{ "rules:\n  bpf_load: {action: alert, action: block}\n",
	  "t.yaml:2:29: duplicate key 'action' in 'bpf_load'\n" },
	{ "lists:\n  capabilities: [CAP_SYS_ADMIN]\n",
	  "t.yaml:2:3: unknown key 'capabilities' in 'lists' (known: fstypes, sysctls, knob_files, runtime_sockets, shells, cred_files)\n" },
	{ "lists:\n  fstypes: {add: [a], replace: [b]}\n",
	  "t.yaml:2:23: unknown key 'replace' in 'fstypes' (known: add, remove)\n" },
	{ "lists:\n  knob_files: [{fs: proc, name: a, mode: w}]\n",
	  "t.yaml:2:36: unknown key 'mode' in 'knob_files' (known: fs, name)\n" },
	{ "? [a]\n: b\n",
	  "t.yaml:1:3: keys of 'policy' must be strings\n" },
	{ "custom_rules:\n  - {id: a, kind: chmod}\n",
	  "t.yaml:2:19: unknown kind 'chmod' (known: exec, open_read, open_write, mount, mknod, setuid, capset, connect, io_uring)\n" },
	{ "custom_rules:\n  - {id: bpf_load, kind: exec}\n",
	  "t.yaml:2:10: custom rule id 'bpf_load' is the name of a built-in rule\n" },
	{ "custom_rules:\n  - {id: a, kind: exec}\n  - {id: a, kind: mount}\n",
	  "t.yaml:3:10: duplicate custom rule id 'a'\n" },
	{ "custom_rules:\n  - {id: a, kind: exec, path: '/usr/*/curl'}\n",
	  "t.yaml:2:31: 'path' has a glob the kernel side cannot hold (only a final '/*' for everything below a directory): '/usr/*/curl'\n" },
	{ "custom_rules:\n  - {id: a, kind: open_read, path: etc/shadow}\n",
	  "t.yaml:2:36: 'path' must be an absolute path: 'etc/shadow'\n" },
	{ "custom_rules:\n  - {id: a, kind: setuid, path: /bin/su}\n",
	  "t.yaml:2:5: custom rule 'a': kind setuid has no path\n" },
	{ "custom_rules:\n  - {id: Bad-Id, kind: exec}\n",
	  "t.yaml:2:10: custom rule id 'Bad-Id' must be 1 to 63 characters of a-z, 0-9 and _\n" },
	{ "custom_rules:\n  - {kind: exec}\n",
	  "t.yaml:2:5: missing key 'id' in 'custom rule'\n" },
	{ "custom_rules: {id: a}\n",
	  "t.yaml:1:15: 'custom_rules' must be a sequence of rules\n" },
	{ "exceptions:\n  - {rules: [shell_in_container]}\n",
	  "t.yaml:2:5: an exception needs 'container' or 'exe' (turn a rule off with enabled: false instead)\n" },
	{ "exceptions:\n  - {rules: [no_such], exe: /bin/sh}\n",
	  "t.yaml:2:14: unknown rule 'no_such' (a built-in rule or a custom rule id)\n" },
	{ "exceptions:\n  - {rules: [shell_in_container], container: {}}\n",
	  "t.yaml:2:46: 'container' needs at least one of name, image, id\n" },
	{ "exceptions:\n  - {rules: [], exe: /bin/sh}\n",
	  "t.yaml:2:13: 'rules' must be a non-empty sequence of rule names\n" },
	{ "exceptions:\n  - {rules: [a], exe: /bin/sh}\ncustom_rules:\n  - {id: b, kind: exec}\n",
	  "t.yaml:2:14: unknown rule 'a' (a built-in rule or a custom rule id)\n" },
	{ "lists:\n  cred_files: [/etc/../shadow]\n",
	  "t.yaml:2:16: '/etc/../shadow' in 'cred_files' has an empty, '.' or '..' component (the kernel matches the real path)\n" },
	{ "lists:\n  shells: [averyveryverylongname]\n",
	  "t.yaml:2:12: 'averyveryverylongname' in 'shells' is too long for the kernel (at most 15 characters)\n" },
	{ "rules:\n  custom: {enabled: false}\n",
	  "t.yaml:2:3: unknown rule 'custom'\n" },
	{ "custom_rules:\n  - {id: a, kind: exec, exe: '/*'}\n",
	  "t.yaml:2:30: 'exe' has a glob the kernel side cannot hold (only a final '/*' for everything below a directory): '/*'\n" },
	/* rules */
	{ "rules:\n  mount_everything: {enabled: false}\n",
	  "t.yaml:2:3: unknown rule 'mount_everything'\n" },
	{ "rules:\n  setns_foreign: {enabled: false}\n  setns_foreign: {}\n",
	  "t.yaml:3:3: duplicate rule 'setns_foreign'\n" },
	/* wrong types */
	{ "rules: [mount_api]\n",
	  "t.yaml:1:8: 'rules' must be a mapping\n" },
	{ "rules:\n  mount_api: false\n",
	  "t.yaml:2:14: 'mount_api' must be a mapping\n" },
	{ "rules:\n  mount_api: {enabled: yes}\n",
	  "t.yaml:2:24: 'enabled' must be true or false\n" },
	{ "rules:\n  mount_api: {enabled: 'true'}\n",
	  "t.yaml:2:24: 'enabled' must be true or false\n" },
	{ "mode: [audit]\n",
	  "t.yaml:1:7: 'mode' must be a string\n" },
	{ "mode:\n",
	  "t.yaml:1:6: 'mode' must be a string\n" },
	{ "lists: [sysctls]\n",
	  "t.yaml:1:8: 'lists' must be a mapping\n" },
	{ "lists:\n  sysctls: kernel/core_pattern\n",
	  "t.yaml:2:12: 'sysctls' must be a sequence (replacing the list) or a mapping with add/remove\n" },
	{ "lists:\n  sysctls: {add: kernel/x}\n",
	  "t.yaml:2:18: 'sysctls.add' must be a sequence\n" },
	{ "lists:\n  fstypes: [[proc]]\n",
	  "t.yaml:2:13: entries of 'fstypes' must be strings\n" },
	{ "lists:\n  fstypes: [proc, ~]\n",
	  "t.yaml:2:19: empty entry in 'fstypes'\n" },
	{ "lists:\n  knob_files: [release_agent]\n",
	  "t.yaml:2:16: entries of 'knob_files' must be {fs: FS, name: NAME} mappings\n" },
	{ "lists:\n  knob_files: [{fs: cgroup}]\n",
	  "t.yaml:2:16: missing key 'name' in 'knob_files'\n" },
	/* bad values */
	{ "version: 2\n",
	  "t.yaml:1:10: 'version' must be 1\n" },
	{ "mode: enforce\n",
	  "t.yaml:1:7: 'mode' must be audit or block, not 'enforce'\n" },
	{ "rules:\n  mount_api: {action: deny}\n",
	  "t.yaml:2:23: 'action' must be alert or block, not 'deny'\n" },
	{ "rules:\n  mount_api: {severity: urgent}\n",
	  "t.yaml:2:25: 'severity' must be info, low, medium, high or critical, not 'urgent'\n" },
	{ "lists:\n  sysctls: [/proc/sys/kernel/core_pattern]\n",
	  "t.yaml:2:13: '/proc/sys/kernel/core_pattern' in 'sysctls' is not a path under /proc/sys like 'kernel/core_pattern'\n" },
	{ "lists:\n  sysctls: [kernel.core_pattern]\n",
	  "t.yaml:2:13: 'kernel.core_pattern' in 'sysctls' is not a path under /proc/sys like 'kernel/core_pattern'\n" },
	{ "lists:\n  runtime_sockets: [/run/docker.sock]\n",
	  "t.yaml:2:21: '/run/docker.sock' in 'runtime_sockets' is not a socket file name like 'docker.sock'\n" },
	{ "lists:\n  fstypes: ['fuse sshfs']\n",
	  "t.yaml:2:13: 'fuse sshfs' in 'fstypes' is not a file system type like 'proc'\n" },
	{ "lists:\n  knob_files: [{fs: ext9, name: x}]\n",
	  "t.yaml:2:21: unknown file system 'ext9' (a name like proc or a number like 0x9fa0)\n" },
	{ "lists:\n  knob_files: [{fs: 0x100000000, name: x}]\n",
	  "t.yaml:2:21: unknown file system '0x100000000' (a name like proc or a number like 0x9fa0)\n" },
	{ "lists:\n  sysctls: [kernel/a, kernel/b, kernel/a]\n",
	  "t.yaml:2:33: duplicate entry 'kernel/a' in 'sysctls'\n" },
	{ "lists:\n  knob_files: [{fs: proc, name: a}, {name: a, fs: 0x9fa0}]\n",
	  "t.yaml:2:37: duplicate entry 'proc:a' in 'knob_files'\n" },
	{ "lists:\n  fstypes: {remove: [nfs]}\n",
	  "t.yaml:2:22: cannot remove 'nfs': it is not in 'fstypes'\n" },
	{ "lists:\n  fstypes: {remove: [proc], add: [proc]}\n",
	  "t.yaml:2:22: 'proc' is both added to and removed from 'fstypes'\n" },
	/* several problems: all reported, in order */
	{ "mode: blok\nrules:\n  nope: {}\n  bpf_load: {enabled: 1}\n",
	  "t.yaml:1:7: 'mode' must be audit or block, not 'blok'\n"
	  "t.yaml:3:3: unknown rule 'nope'\n"
	  "t.yaml:4:23: 'enabled' must be true or false\n" },
	/* clang-format on */
};

static void test_invalid(void **state)
{
	struct policy p, d;
	int n, wrong = 0;

	/* every case is run and every mismatch shown before failing */
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int err = parse(bad[i].yaml, &p, &n);

		if (strcmp(errs, bad[i].errs) || err != -EINVAL || !n) {
			print_error("case %zu (%d):\n%s--- want:\n%s--- got:\n%s", i, err,
				    bad[i].yaml, bad[i].errs, errs);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
	/* all or nothing: an invalid file leaves the policy as it was */
	assert_int_equal(parse("mode: block\nlists: {sysctls: []}\nrules: {nope: {}}\n", &p, &n),
			 -EINVAL);
	policy_default(&d);
	assert_policy_equal(&p, &d);
}

static void test_fixture_full(void **state)
{
	struct policy p, d;
	int n = 0;

	policy_default(&p);
	policy_default(&d);
	errs[0] = 0;
	assert_int_equal(policy_load_diag(FIX("full.yaml"), &p, capture, &n), 0);
	assert_string_equal(errs, "");
	assert_int_equal(p.mode, DCEA_MODE_BLOCK);
	assert_false(p.rules[DCEA_R_MOUNT].enabled);
	assert_int_equal(p.rules[DCEA_R_UNSHARE].action, POLICY_ALERT);
	assert_int_equal(p.rules[DCEA_R_UNSHARE].severity, SEV_LOW);
	assert_int_equal(p.rules[DCEA_R_RUNTIME_SOCKET].severity, SEV_INFO);
	assert_int_equal(p.n_fstypes, d.n_fstypes);
	assert_string_equal(p.fstypes[p.n_fstypes - 1], "nfs4");
	assert_int_equal(p.n_sysctls, 2);
	assert_string_equal(p.sysctls[1], "net/ipv4/ip_forward");
	assert_int_equal(p.n_knob_files, d.n_knob_files + 1);
	assert_int_equal(p.knob_files[p.n_knob_files - 1].magic, 0x1234abcd);
	assert_int_equal(p.n_sockets, 0);
}

static void test_fixture_errors(void **state)
{
	struct policy p;
	int n = 0;

	policy_default(&p);
	errs[0] = 0;
	assert_int_equal(policy_load_diag(FIX("bad-types.yaml"), &p, capture, &n), -EINVAL);
	assert_string_equal(
		errs, FIX("bad-types.yaml") ":3:18: 'setns_foreign' must be a mapping\n" FIX(
			      "bad-types.yaml") ":5:12: 'sysctls' must be a sequence (replacing "
						"the list) or a mapping with add/remove\n");
	errs[0] = 0;
	assert_int_equal(policy_load_diag(FIX("malformed.yaml"), &p, capture, &n), -EINVAL);
	assert_string_equal(
		errs, FIX("malformed.yaml") ":4:1: invalid YAML: did not find expected ',' or '}' "
					    "(while parsing a flow mapping at 3:13)\n");
	errs[0] = 0;
	assert_int_equal(policy_load_diag(FIX("missing.yaml"), &p, capture, &n), -ENOENT);
	assert_string_equal(
		errs,
		FIX("missing.yaml") ": failed to read the policy: No such file or directory\n");
}

/* policy/default.yaml is the built-in default written out: it parses to it and is what show prints.
 */
static void test_default_yaml(void **state)
{
	_cleanup_free_ char *file = NULL, *out = NULL;
	struct policy p, d;
	size_t len, olen;
	FILE *f;
	int n = 0;

	policy_default(&d);
	memset(&p, 0, sizeof(p)); /* everything off and empty: the file must say it all */
	errs[0] = 0;
	assert_int_equal(policy_load_diag(DEFAULT_YAML, &p, capture, &n), 0);
	assert_string_equal(errs, "");
	assert_policy_equal(&p, &d);

	assert_int_equal(read_file(DEFAULT_YAML, &file, &len), 0);
	f = open_memstream(&out, &olen);
	assert_non_null(f);
	policy_print_yaml(f, &d);
	fclose(f);
	assert_string_equal(out, file);
}

/* show prints what parse reads back, odd names quoted */
static void test_show_round_trip(void **state)
{
	_cleanup_free_ char *out = NULL;
	struct policy p, q;
	size_t olen;
	FILE *f;
	int n;

	assert_int_equal(parse("mode: block\nrules: {bpf_load: {enabled: false, action: alert, "
			       "severity: info}}\n"
			       "lists:\n  fstypes: ['-x', 'null', 'a#b', \"it's\", '[x]', '123']\n"
			       "  knob_files: [{fs: 0xabc, name: k}]\n  runtime_sockets: []\n",
			       &p, &n),
			 0);
	f = open_memstream(&out, &olen);
	assert_non_null(f);
	policy_print_yaml(f, &p);
	fclose(f);
	memset(&q, 0, sizeof(q));
	errs[0] = 0;
	n = 0;
	assert_int_equal(policy_parse("out.yaml", out, olen, &q, capture, &n), 0);
	assert_string_equal(errs, "");
	assert_policy_equal(&p, &q);
	assert_string_equal(q.fstypes[3], "it's");
}

static void test_json(void **state)
{
	struct policy p;
	json_object *o, *v, *l;

	policy_default(&p);
	o = policy_to_json(&p);
	assert_true(json_object_object_get_ex(o, "mode", &v));
	assert_string_equal(json_object_get_string(v), "audit");
	assert_true(json_object_object_get_ex(o, "rules", &v));
	assert_int_equal(json_object_object_length(v), DCEA_R_MAX - 1); /* custom: custom_rules */
	assert_true(json_object_object_get_ex(v, "setns_foreign", &v));
	assert_true(json_object_object_get_ex(v, "severity", &v));
	assert_string_equal(json_object_get_string(v), "critical");
	assert_true(json_object_object_get_ex(o, "lists", &l));
	assert_true(json_object_object_get_ex(l, "knob_files", &v));
	assert_int_equal(json_object_array_length(v), p.n_knob_files);
	v = json_object_array_get_idx(v, 0);
	assert_true(json_object_object_get_ex(v, "fs", &v));
	assert_string_equal(json_object_get_string(v), "cgroup");
	json_object_put(o);
}

static void test_fs_names(void **state)
{
	unsigned int m;

	assert_int_equal(policy_fs_parse("cgroup", &m), 0);
	assert_int_equal(m, 0x27e0eb);
	assert_int_equal(policy_fs_parse("0X9FA0", &m), 0);
	assert_string_equal(policy_fs_name(m), "proc");
	assert_int_equal(policy_fs_parse("4294967295", &m), 0);
	assert_int_equal(policy_fs_parse("0", &m), -EINVAL);
	assert_int_equal(policy_fs_parse("0x", &m), -EINVAL);
	assert_int_equal(policy_fs_parse("12z", &m), -EINVAL);
	assert_int_equal(policy_fs_parse("-1", &m), -EINVAL);
	assert_null(policy_fs_name(0xdead));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_default), cmocka_unit_test(test_mode_and_rules),
		cmocka_unit_test(test_list_replace),	 cmocka_unit_test(test_list_edit),
		cmocka_unit_test(test_key_sizes),	 cmocka_unit_test(test_list_length),
		cmocka_unit_test(test_invalid),		 cmocka_unit_test(test_fixture_full),
		cmocka_unit_test(test_fixture_errors),	 cmocka_unit_test(test_default_yaml),
		cmocka_unit_test(test_show_round_trip),	 cmocka_unit_test(test_json),
		cmocka_unit_test(test_fs_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
