/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The self-test: before dcea claims to enforce anything it attempts every rule's operation from a
 * throw-away "container" (a child in its own cgroup, mount and UTS namespace, flagged as canary
 * so the kernel enforces it in any mode) and records what really happened on this kernel.
 */
#ifndef DCEA_CANARY_H
#define DCEA_CANARY_H

#include <linux/types.h>
#include "bpf/dcea.h"

struct state;

/* Called for every event the canary drains that is not its own. */
typedef int (*canary_passthrough_fn)(void *ctx, void *data, size_t size);

/*
 * Fill eff[] for the rules in `only` (bit per rule, 0: all); 0 or negative errno when the test
 * could not run at all.
 */
int canary_run(struct state *st, canary_passthrough_fn fn, void *ctx, __u32 only,
	       enum dcea_effect eff[DCEA_R_MAX]);

#endif
