// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

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
	/* the operation reached the kernel (it succeeded, or the kernel refused it) unseen */
	return DCEA_EFF_UNAVAILABLE;
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
	};
	unsigned int step = why >> 16, err = why & 0xffff;
	const char *name = step < ARRAY_SIZE(steps) && steps[step] ? steps[step] : "unknown";

	if (!why)
		snprintf(buf, size, "%s", "");
	else if (step == DCEA_ST_SIGNAL)
		snprintf(buf, size, "%s: %s", name, strsignal(err));
	else if (step == DCEA_ST_LOST)
		snprintf(buf, size, "%s: exit status %u", name, err);
	else if (err)
		snprintf(buf, size, "%s: %s", name, strerror(err));
	else
		snprintf(buf, size, "%s", name);
	return buf;
}
