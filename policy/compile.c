// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "policy/compile.h"

bool rule_enforced(const struct dcea_rule_cfg *c, enum dcea_mode mode)
{
	return c->enabled && mode == DCEA_MODE_BLOCK && c->block &&
	       (c->effective == DCEA_EFF_DENY || c->effective == DCEA_EFF_KILL);
}

void policy_rule_cfg(const struct policy *p, enum dcea_mode mode,
		     const enum dcea_effect effective[DCEA_R_MAX],
		     struct dcea_rule_cfg out[DCEA_R_MAX])
{
	memset(out, 0, sizeof(*out) * DCEA_R_MAX);
	for (int i = 0; i < DCEA_R_MAX; i++) {
		const struct policy_rule *r = &p->rules[i];

		out[i].enabled = r->enabled && effective[i] != DCEA_EFF_UNAVAILABLE;
		out[i].block = r->action == POLICY_BLOCK;
		out[i].effective = effective[i];
		out[i].enforce = rule_enforced(&out[i], mode);
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
