// SPDX-License-Identifier: GPL-2.0-only
/* Namespace trust's userspace decision for one task (see verify.h); the sweep gathers the facts. */
#include "loader/verify.h"

unsigned int verify_judge(const struct verify_base *b, const struct verify_obs *o, __u32 *host_ns)
{
	unsigned int f = 0;
	__u32 hn = 0;

	/* a namespace that changed to the host's; one the baseline does not know proves nothing */
	for (int i = 0; i < DCEA_NS_MAX; i++)
		if (b->ns[i] && o->ns[i] != b->ns[i] && o->ns[i] == b->host[i])
			hn |= 1U << i;
	if (hn)
		f |= VF_HOST_NS;
	if (b->cap_bset && (o->cap_eff & ~b->cap_bset))
		f |= VF_CAPS;
	if (o->root_known && b->root_ino &&
	    (o->root_dev != b->root_dev || o->root_ino != b->root_ino))
		f |= VF_ROOT;
	if (o->cwd_foreign)
		f |= VF_CWD;
	*host_ns = hn;
	return f;
}
