// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "policy/compile.h"

void policy_rule_cfg(const struct policy *p, enum dcea_mode mode,
		     const enum dcea_effect effective[DCEA_R_MAX],
		     struct dcea_rule_cfg out[DCEA_R_MAX])
{
	for (int i = 0; i < DCEA_R_MAX; i++) {
		const struct policy_rule *r = &p->rules[i];
		bool enforceable = effective[i] == DCEA_EFF_DENY || effective[i] == DCEA_EFF_KILL;

		out[i].enabled = r->enabled && effective[i] != DCEA_EFF_UNAVAILABLE;
		out[i].block = r->action == POLICY_BLOCK;
		out[i].enforce =
			out[i].enabled && mode == DCEA_MODE_BLOCK && out[i].block && enforceable;
		out[i].effective = effective[i];
	}
}

int policy_key(const char *name, char *key, size_t key_size)
{
	size_t n = strlen(name);

	if (n >= key_size)
		return -ENAMETOOLONG;
	memset(key, 0, key_size);
	memcpy(key, name, n);
	return 0;
}
