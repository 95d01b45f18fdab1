// SPDX-License-Identifier: GPL-2.0-only
/* The built-in default policy, used when no --policy is given. */
#include <string.h>

#include "common/util.h"
#include "rules/rules.h"
#include "policy/policy.h"

#define CGROUP_SUPER_MAGIC 0x27e0eb
#define SYSFS_MAGIC	   0x62656572
#define PROC_SUPER_MAGIC   0x9fa0
#define BINFMTFS_MAGIC	   0x42494e4d

static const char *const fstypes[] = {
	"proc",	    "sysfs",	   "cgroup",  "cgroup2",  "securityfs",
	"debugfs",  "tracefs",	   "bpf",     "devtmpfs", "configfs",
	"efivarfs", "binfmt_misc", "fusectl", "pstore",	  "hugetlbfs",
};

static const char *const sysctls[] = {
	"kernel/core_pattern",
	"kernel/modprobe",
	"kernel/hotplug",
	"kernel/poweroff_cmd",
	"kernel/sysrq",
	"kernel/kptr_restrict",
	"kernel/dmesg_restrict",
	"kernel/kexec_load_disabled",
	"kernel/modules_disabled",
	"kernel/unprivileged_bpf_disabled",
	"kernel/yama/ptrace_scope",
	"kernel/randomize_va_space",
	"kernel/panic",
	"kernel/core_uses_pid",
	"fs/suid_dumpable",
	"fs/protected_symlinks",
	"fs/protected_hardlinks",
	"vm/mmap_min_addr",
};

static const struct policy_knob_file knob_files[] = {
	{ CGROUP_SUPER_MAGIC, "release_agent" },
	{ CGROUP_SUPER_MAGIC, "notify_on_release" },
	{ CGROUP_SUPER_MAGIC, "devices.allow" },
	{ SYSFS_MAGIC, "uevent_helper" },
	{ PROC_SUPER_MAGIC, "sysrq-trigger" },
	{ BINFMTFS_MAGIC, "register" },
	{ BINFMTFS_MAGIC, "status" },
};

static const char *const sockets[] = {
	"docker.sock", "containerd.sock", "containerd.sock.ttrpc", "crio.sock",
	"podman.sock", "dockershim.sock", "cri-dockerd.sock",	   "kubelet.sock",
};

static const char *const shells[] = {
	"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "csh", "tcsh", "fish", "busybox",
};

/* exact paths: an open of any other file name skips the path rebuild (docs/POLICY.md) */
static const char *const cred_files[] = {
	"/etc/shadow",
	"/etc/shadow-",
	"/etc/gshadow",
	"/etc/gshadow-",
	"/etc/sudoers",
	"/etc/security/opasswd",
	"/root/.ssh/authorized_keys",
	"/root/.ssh/id_rsa",
	"/root/.ssh/id_ecdsa",
	"/root/.ssh/id_ed25519",
	"/etc/ssh/ssh_host_rsa_key",
	"/etc/ssh/ssh_host_ecdsa_key",
	"/etc/ssh/ssh_host_ed25519_key",
};

void policy_default(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = DCEA_MODE_AUDIT;
	for (int i = 0; i < DCEA_R_MAX; i++) {
		p->rules[i].enabled = true;
		p->rules[i].action = rule_table[i].alert_default ? POLICY_ALERT : POLICY_BLOCK;
		p->rules[i].severity = rule_table[i].severity;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fstypes); i++)
		strncpy(p->fstypes[p->n_fstypes++], fstypes[i], sizeof(p->fstypes[0]) - 1);
	for (size_t i = 0; i < ARRAY_SIZE(sysctls); i++)
		strncpy(p->sysctls[p->n_sysctls++], sysctls[i], sizeof(p->sysctls[0]) - 1);
	for (size_t i = 0; i < ARRAY_SIZE(knob_files); i++)
		p->knob_files[p->n_knob_files++] = knob_files[i];
	for (size_t i = 0; i < ARRAY_SIZE(sockets); i++)
		strncpy(p->sockets[p->n_sockets++], sockets[i], sizeof(p->sockets[0]) - 1);
	for (size_t i = 0; i < ARRAY_SIZE(shells); i++)
		strncpy(p->shells[p->n_shells++], shells[i], sizeof(p->shells[0]) - 1);
	for (size_t i = 0; i < ARRAY_SIZE(cred_files); i++)
		strncpy(p->cred_files[p->n_cred_files++], cred_files[i],
			sizeof(p->cred_files[0]) - 1);
	policy_admission_default(&p->admission);
}
