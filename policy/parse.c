// SPDX-License-Identifier: GPL-2.0-only
/* YAML policy files: being written (issue "YAML policy and threat-behaviour rules"). */
#include <errno.h>

#include "common/log.h"
#include "policy/policy.h"

int policy_load(const char *path, struct policy *p)
{
	log_err("failed to load policy '%s': policy files are not supported yet", path);
	return -EOPNOTSUPP;
}
