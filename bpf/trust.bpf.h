/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Namespace trust (module 4 of the DCEA paper): an escaped process must leave its container, so a
 * container task found in one of the host's namespaces that its container does not share, with
 * capabilities beyond its container's bounding set, or with its root or working directory on a
 * mount outside its mount namespace, has escaped — whatever syscalls got it there (a kernel
 * exploit calling commit_creds(init_cred) and switch_task_namespaces(init_nsproxy) passes no
 * watched syscall at all).
 */
#ifndef DCEA_TRUST_BPF_H
#define DCEA_TRUST_BPF_H

#include "bpf/common.bpf.h"

/* DCEA_ESC_* and host-namespace bits for `task`, 0 when it is where its container put it. */
static __always_inline __u64 escape_bits(struct task_struct *task, struct dcea_task *t,
					 bool check_fs)
{
	struct dcea_container *ct = bpf_map_lookup_elem(&dcea_containers, &t->cgroup_id);
	struct dcea_config *c = cfg();
	__u64 ns[DCEA_NS_MAX] = {}, bits = 0, eff = 0;
	void *own_mnt;

	if (!ct || !c)
		return 0;
	/* a task that entered from outside never had the container's namespaces or capabilities */
	if (!(t->flags & DCEA_CT_ENTERED)) {
		task_ns(task, ns);
		for (int i = 0; i < DCEA_NS_MAX; i++)
			if (ns[i] != ct->ns[i] && ns[i] == c->host_ns[i] && ns[i])
				bits |= 1ULL << i;
		/*
		 * The objective credentials: task->cred is overridden while the kernel works on
		 * the task's behalf (overlayfs copy-up runs with the mounter's, i.e. dockerd's,
		 * full capabilities), and a sweep that samples it then would see every busy
		 * container task "escalated".
		 */
		eff = task_caps(task, cap_effective);
		if (ct->cap_bset && (eff & ~ct->cap_bset))
			bits |= DCEA_ESC_CAPS;
	}
	if (check_fs) {
		own_mnt = BPF_CORE_READ(task, nsproxy, mnt_ns);
		if (mnt_outside(BPF_CORE_READ(task, fs, root.mnt), own_mnt))
			bits |= DCEA_ESC_ROOT;
		if (mnt_outside(BPF_CORE_READ(task, fs, pwd.mnt), own_mnt))
			bits |= DCEA_ESC_CWD;
	}
	return bits;
}

/* Report (once per finding and task) and act; returns the action or -1. */
static __always_inline int escape_report(struct task_struct *task, struct dcea_task *t, __u64 bits,
					 bool can_kill_current)
{
	__u64 fresh = bits & ~(__u64)t->reported;
	struct dcea_event *e;
	int action;

	if (!bits)
		return -1;
	action = decide(DCEA_R_NS_ESCAPE, t, DCEA_ACT_KILL);
	if (action < 0)
		return -1;
	if (fresh) {
		t->reported |= (__u32)fresh;
		e = event_start_task(task, DCEA_EV_RULE, DCEA_R_NS_ESCAPE, action);
		if (e) {
			struct dcea_container *ct =
				bpf_map_lookup_elem(&dcea_containers, &t->cgroup_id);

			e->escape.bits = bits;
			e->escape.cap_effective = task_caps(task, cap_effective);
			e->escape.cap_bset = ct ? ct->cap_bset : 0;
			event_submit(e);
		}
	}
	if (can_kill_current)
		act(action);
	return action;
}

#endif
