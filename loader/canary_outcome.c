// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "common/util.h"
#include "loader/canary_outcome.h"

#define WHY(step, err) ((__u32)(step) << 16 | ((__u32)(err)&0xffff))

bool canary_rule_execs(enum dcea_rule r)
{
	switch (r) {
	case DCEA_R_NS_ESCAPE:
	case DCEA_R_SHELL:
	case DCEA_R_PRIV_EXEC:
	case DCEA_R_PRIV_LAUNCH:
	case DCEA_R_DRIFT:
		return true;
	default:
		return false;
	}
}

__u64 canary_rule_caps(enum dcea_rule r, __u64 cap_full)
{
	switch (r) {
	case DCEA_R_MOUNT:
	case DCEA_R_MOUNT_API:
	case DCEA_R_SETNS:
	case DCEA_R_UNSHARE:
	case DCEA_R_DEV_FILE:
		return 1ULL << CAP_SYS_ADMIN;
	case DCEA_R_DEVICE_CREATE:
	case DCEA_R_BLOCK_DEVICE:
		return 1ULL << CAP_MKNOD; /* mknod checks it before the device cgroup */
	case DCEA_R_SETUID_ROOT:
	case DCEA_R_PRIV_EXEC:
		return 1ULL << CAP_SETUID;
	case DCEA_R_PTRACE:
		return 1ULL << CAP_SYS_PTRACE;
	case DCEA_R_MODULE_LOAD:
		return 1ULL << CAP_SYS_MODULE; /* before the LSM's kernel_read_file */
	case DCEA_R_KEXEC:
		return 1ULL << CAP_SYS_BOOT;
	case DCEA_R_OPEN_BY_HANDLE:
		return 1ULL << CAP_DAC_READ_SEARCH;
	case DCEA_R_PRIV_LAUNCH:
		return cap_full; /* dcea's own capabilities are the canary's */
	default:
		return 0;
	}
}

enum dcea_effect canary_classify(enum dcea_rule r, const struct canary_outcome *o, __u32 *why)
{
	int st = o->status;
	bool killed = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	bool denied = WIFEXITED(st) && WEXITSTATUS(st) == EPERM;

	*why = 0;
	if (o->step != DCEA_ST_NONE) {
		*why = WHY(o->step, o->err);
		return DCEA_EFF_SELFTEST_FAILED;
	}
	if (!o->ready) {
		/* it ended before it was ready: its status is all there is to say (128 + signal
		 * as a shell says it) */
		*why = WHY(DCEA_ST_LOST, WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st));
		return DCEA_EFF_SELFTEST_FAILED;
	}
	if (killed && o->seen == 1 + DCEA_ACT_KILL)
		return DCEA_EFF_KILL;
	if (denied && o->seen == 1 + DCEA_ACT_DENY)
		return DCEA_EFF_DENY;
	if (o->seen)
		return DCEA_EFF_DETECT;
	/* nothing of dcea's saw the attempt: was it the kernel, or did the attempt not happen? */
	if (killed) {
		/* only dcea kills a canary, and its event was lost */
		*why = WHY(DCEA_ST_NO_EVENT, 0);
		return DCEA_EFF_SELFTEST_FAILED;
	}
	if (WIFSIGNALED(st)) {
		*why = WTERMSIG(st) == SIGALRM ? WHY(DCEA_ST_TIMEOUT, 0)
					       : WHY(DCEA_ST_SIGNAL, WTERMSIG(st));
		return DCEA_EFF_SELFTEST_FAILED;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) != 0 && canary_rule_execs(r)) {
		/* the exec returned: the program never ran, no exec hook was reached */
		*why = WHY(DCEA_ST_EXEC, WEXITSTATUS(st));
		return DCEA_EFF_SELFTEST_FAILED;
	}
	if (o->missing_caps & canary_rule_caps(r, o->cap_full)) {
		/* a capability check of its own may have refused it before the hook */
		*why = WHY(DCEA_ST_CAPS,
			   __builtin_ctzll(o->missing_caps & canary_rule_caps(r, o->cap_full)));
		return DCEA_EFF_SELFTEST_FAILED;
	}
	if (r == DCEA_R_PRIV_EXEC && o->no_new_privs) {
		/* the setuid copy ran without gaining anything: there was nothing to see */
		*why = WHY(DCEA_ST_NNP, 0);
		return DCEA_EFF_SELFTEST_FAILED;
	}
	/* the operation reached the kernel (it succeeded, or the kernel refused it) unseen */
	return DCEA_EFF_UNAVAILABLE;
}

static const char *cap_name(unsigned int cap)
{
	static const char *const n[] = {
		[CAP_DAC_READ_SEARCH] = "CAP_DAC_READ_SEARCH",
		[CAP_SETUID] = "CAP_SETUID",
		[CAP_SYS_MODULE] = "CAP_SYS_MODULE",
		[CAP_SYS_PTRACE] = "CAP_SYS_PTRACE",
		[CAP_SYS_ADMIN] = "CAP_SYS_ADMIN",
		[CAP_SYS_BOOT] = "CAP_SYS_BOOT",
		[CAP_MKNOD] = "CAP_MKNOD",
	};

	return cap < ARRAY_SIZE(n) ? n[cap] : NULL;
}

const char *canary_why_str(__u32 why, char *buf, size_t size)
{
	static const char *const steps[DCEA_ST_MAX] = {
		[DCEA_ST_NONE] = "",
		[DCEA_ST_SETUP] = "setup",
		[DCEA_ST_PARENT] = "loader",
		[DCEA_ST_NS] = "namespaces",
		[DCEA_ST_CGROUP] = "cgroup",
		[DCEA_ST_SCRATCH] = "scratch",
		[DCEA_ST_PREPARE] = "prepare",
		[DCEA_ST_EXEC] = "exec",
		[DCEA_ST_TIMEOUT] = "timeout",
		[DCEA_ST_SIGNAL] = "signal",
		[DCEA_ST_NO_EVENT] = "killed without an event",
		[DCEA_ST_LOST] = "child lost",
		[DCEA_ST_CAPS] = "dcea lacks a capability",
		[DCEA_ST_NNP] = "dcea runs with no_new_privs (NoNewPrivileges=)",
	};
	unsigned int step = why >> 16, err = why & 0xffff;
	const char *name = step < ARRAY_SIZE(steps) && steps[step] ? steps[step] : "unknown";

	if (!why)
		snprintf(buf, size, "%s", "");
	else if (step == DCEA_ST_SIGNAL)
		snprintf(buf, size, "%s: %s", name, strsignal(err));
	else if (step == DCEA_ST_CAPS && cap_name(err))
		snprintf(buf, size, "%s: %s", name, cap_name(err));
	else if (step == DCEA_ST_CAPS)
		snprintf(buf, size, "%s: capability %u", name, err);
	else if (step == DCEA_ST_LOST)
		snprintf(buf, size, "%s: exit status %u", name, err);
	else if (err)
		snprintf(buf, size, "%s: %s", name, strerror(err));
	else
		snprintf(buf, size, "%s", name);
	return buf;
}
