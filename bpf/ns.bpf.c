// SPDX-License-Identifier: GPL-2.0-only
/*
 * Namespace changes from a container task. setns has no LSM hook and a tracepoint cannot fail it:
 * on exit we compare the task's namespaces with its container's baseline and kill; the task dies
 * before it runs an instruction in the joined namespace (measured on 6.18). A SIGKILL sent on
 * entry to clone/clone3 makes copy_process() fail, so no child is created in a new namespace.
 */
#include "bpf/trust.bpf.h"

#define CLONE_NEW_ANY                                                                              \
	(0x00000080 /* TIME */ | 0x00020000 /* NS */ | 0x02000000 /* CGROUP */ |                   \
	 0x04000000 /* UTS */ | 0x08000000 /* IPC */ | 0x10000000 /* USER */ |                     \
	 0x20000000 /* PID */ | 0x40000000 /* NET */)

/*
 * The namespaces (bit per enum dcea_ns) in which the current task differs from container
 * `cgroup_id`'s baseline; -1 when the container is unknown. A global function: its caller sees one
 * unknown number, not one verifier state per combination of the eight comparisons (the state
 * count that took watch_setns over the 1M-instruction limit on 5.10).
 */
__noinline int setns_changed_g(__u64 cgroup_id)
{
	struct dcea_container *ct = bpf_map_lookup_elem(&dcea_containers, &cgroup_id);
	__u64 ns[DCEA_NS_MAX] = {};
	int changed = 0;

	if (!ct)
		return -1;
	task_ns(current_task(), ns);
	for (int i = 0; i < DCEA_NS_MAX; i++)
		if (ns[i] != ct->ns[i] && ct->ns[i])
			changed |= 1 << i;
	return changed;
}

SEC("tp/syscalls/sys_exit_setns")
int watch_setns(struct trace_event_raw_sys_exit *ctx)
{
	struct dcea_task *t;
	int changed, action;

	if (ctx->ret != 0)
		return 0;
	t = current_ct_task();
	if (!t)
		return 0;
	changed = setns_changed_g(t->cgroup_id);
	if (changed <= 0)
		return 0; /* back into its own namespaces: allowed */
	escape_report(current_task(), t, escape_bits(current_task(), t, false), true);
	action = decide(DCEA_R_SETNS, t, DCEA_ACT_KILL);
	if (action >= 0)
		report(DCEA_R_SETNS, action, "setns", setns, .changed = changed);
	return 0;
}

static __always_inline int check_new_ns(__u64 flags, const char (*what)[24])
{
	struct dcea_task *t;
	int action;

	if (!(flags & CLONE_NEW_ANY))
		return 0;
	t = current_ct_task();
	if (!t)
		return 0;
	action = decide(DCEA_R_UNSHARE, t, DCEA_ACT_KILL);
	if (action < 0)
		return 0;
	report(DCEA_R_UNSHARE, action, *what, unshare, .flags = flags);
	return 0;
}

SEC("tp/syscalls/sys_enter_unshare")
int watch_unshare(struct trace_event_raw_sys_enter *ctx)
{
	static const char name[24] = "unshare";

	return check_new_ns(ctx->args[0], &name);
}

SEC("tp/syscalls/sys_enter_clone")
int watch_clone(struct trace_event_raw_sys_enter *ctx)
{
	static const char name[24] = "clone";

	return check_new_ns(ctx->args[0], &name);
}

SEC("tp/syscalls/sys_enter_clone3")
int watch_clone3(struct trace_event_raw_sys_enter *ctx)
{
	static const char name[24] = "clone3";
	static const char unreadable[24] = "clone3 (unreadable)";
	__u64 flags = 0;

	/*
	 * struct clone_args starts with the 64-bit flags. Arguments in a page not yet faulted in
	 * cannot be read here, while the kernel's own copy faults it in: judged as asking for every
	 * namespace, so a container task cannot hide its flags that way (fails closed).
	 */
	if (bpf_probe_read_user(&flags, sizeof(flags), (void *)ctx->args[0]))
		return check_new_ns(CLONE_NEW_ANY, &unreadable);
	return check_new_ns(flags, &name);
}
