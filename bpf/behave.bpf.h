/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The policy's custom rules, and the threat-behaviour rules that share their hooks. A custom rule
 * names an event kind (enum dcea_kind) and up to three selectors: a path pattern, the acting
 * executable's path pattern, a container selector (resolved by the loader into a bit in the
 * container's record). The first enabled rule of the kind whose selectors all match is reported;
 * in block mode the fallback kills the task at the hook (see docs/POLICY.md for what that means per
 * kind).
 */
#ifndef DCEA_BEHAVE_BPF_H
#define DCEA_BEHAVE_BPF_H

#include "bpf/path.bpf.h"

/* The custom rule of `kind` that matches, -1 if none (bpf/path.bpf.c). */
extern int custom_find_g(__u32 kind, __u64 cgroup_id, __u64 exe, __u64 pbits);

static __always_inline int custom_find(__u32 kind, struct dcea_task *t, __u64 pbits)
{
	return custom_find_g(kind, t->cgroup_id, t->exe, pbits);
}

/*
 * Check the custom rules of `kind` for the current task; report a match with `path` (kernel memory,
 * may be NULL) and return the action, -1 if nothing matched. The caller acts.
 */
static __always_inline int custom_check(__u32 kind, struct dcea_task *t, __u64 pbits,
					const char *path, __u64 a1)
{
	struct dcea_rule_cfg *rc;
	struct dcea_custom *cr;
	struct dcea_event *e;
	__u32 rule = DCEA_R_CUSTOM;
	int i, action;

	i = custom_find(kind, t, pbits);
	if (i < 0)
		return -1;
	rc = bpf_map_lookup_elem(&dcea_rules, &rule);
	cr = bpf_map_lookup_elem(&dcea_custom, &i);
	if (!rc || !rc->enabled || !cr || excepted(32 + i, t))
		return -1;
	action = cr->enforce ? DCEA_ACT_KILL : DCEA_ACT_ALERT;
	e = event_start(DCEA_EV_RULE, DCEA_R_CUSTOM, action);
	if (e) {
		e->custom.kind = kind;
		e->custom.value = a1;
		e->custom.index = i;
		if (path)
			bpf_probe_read_kernel_str(e->path, sizeof(e->path), path);
		event_submit(e);
	}
	return action;
}

/* An event for a behaviour rule match with a path from the path buffer (may be NULL). */
static __always_inline struct dcea_event *path_event(__u32 rule, int action, struct path_buf *pb)
{
	struct dcea_event *e = event_start(DCEA_EV_RULE, rule, action);

	if (e && pb)
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), path_str(pb));
	return e;
}

/*
 * Report it, with the rule's numbers: `member` of the event's union and its fields, e.g.
 * path_report(DCEA_R_CRED_FILE, action, pb, cred, .write = 1).
 */
#define path_report(rule, action, pb, member, ...)                                                 \
	({                                                                                         \
		struct dcea_event *__e = path_event(rule, action, pb);                             \
		if (__e) {                                                                         \
			__e->member = (typeof(__e->member)){ __VA_ARGS__ };                        \
			event_submit(__e);                                                         \
		}                                                                                  \
	})

#endif
