// SPDX-License-Identifier: GPL-2.0-only
/*
 * The periodic sweep of namespace trust: a task iterator the loader reads every 500 ms (and
 * anyone can read: `cat /sys/fs/bpf/dcea/links/sweep_tasks`). It checks every container task,
 * reports new findings, and prints the pid of each task to kill; the iterator runs in the reader's
 * context, where bpf_send_signal would hit the reader, so the loader sends the SIGKILL.
 */
#include "bpf/trust.bpf.h"
#include "bpf/routes.bpf.h"

SEC("iter/task")
int sweep_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct dcea_task *t;
	__u32 tid;
	__u64 bits;
	int action;

	if (!task)
		return 0;
	tid = task->pid;
	t = bpf_map_lookup_elem(&dcea_tasks, &tid);
	if (!t)
		return 0;
	ls_set(task, t); /* a storage copy made again if it failed (see dcea_tasks_ls) */
	if (t->flags & DCEA_CT_CANARY)
		return 0;
	bits = escape_bits(task, t, false);
	action = escape_report(task, t, bits, false);
	if (action == DCEA_ACT_KILL)
		BPF_SEQ_PRINTF(ctx->meta->seq, "%d\n", task->tgid);
	return 0;
}

/*
 * Task local storage for every task with a record in dcea_tasks (see dcea_tasks_ls): read by the
 * loader at once after it wrote records from userspace (the running containers it adopted, the
 * self-test's canary), so that the open programs see those tasks before the next sweep. Prints
 * nothing, acts on nothing.
 */
SEC("iter/task")
int sync_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct dcea_task *t;
	__u32 tid;

	if (!task || !dcea_task_storage)
		return 0;
	tid = task->pid;
	t = bpf_map_lookup_elem(&dcea_tasks, &tid);
	if (t)
		ls_set(task, t);
	return 0;
}

/*
 * The same sweep for descriptors: a container task holding a directory on a mount outside its mount
 * namespace (DCEA_ESC_FD), whatever brought it there: held before dcea loaded (the receipt and exec
 * programs judge one when it arrives), or by a route no program sees (a seccomp agent's
 * SECCOMP_IOCTL_NOTIF_ADDFD, a kernel exploit). One look per descriptor table: a thread that shares
 * its leader's is skipped. The loader reads it with sweep_tasks. The fallback's: see below.
 */
static __always_inline int sweep_held_in(struct bpf_iter__task *ctx, bool loop)
{
	struct task_struct *task = ctx->task;
	struct held_scan s = { .found = -1 };
	__u32 tid, rule = DCEA_R_PROC_HOST;
	struct dcea_container *ct;
	struct dcea_rule_cfg *rc;
	struct dcea_task *t;

	if (!task || (task->flags & PF_EXITING_))
		return 0;
	/*
	 * As the receipt and exec checks: where the LSM backend owns proc_host_access, its hooks
	 * judge the directory's uses (and deny them) instead of the descriptor's presence.
	 */
	rc = bpf_map_lookup_elem(&dcea_rules, &rule);
	if (!rc || rc->lsm)
		return 0;
	if (task->pid != task->tgid && task->files == task->group_leader->files)
		return 0;
	tid = task->pid;
	t = bpf_map_lookup_elem(&dcea_tasks, &tid);
	if (!t || (t->flags & DCEA_CT_CANARY))
		return 0;
	/*
	 * Only a task in its container's mount namespace: one in a namespace it made inside the
	 * container (a build sandbox, systemd's PrivateTmp) may hold the container's own
	 * directories, outside its namespace but inside the container. Its descriptors are still
	 * judged when they arrive (receipt, exec).
	 */
	ct = bpf_map_lookup_elem(&dcea_containers, &t->cgroup_id);
	if (!ct || BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum) != ct->ns[DCEA_NS_MNT])
		return 0;
	if (!held_scan_task(task, &s, loop))
		return 0;
	if (escape_report(task, t, DCEA_ESC_FD, false) == DCEA_ACT_KILL)
		BPF_SEQ_PRINTF(ctx->meta->seq, "%d\n", task->tgid);
	return 0;
}

SEC("iter/task")
int sweep_held(struct bpf_iter__task *ctx)
{
	return sweep_held_in(ctx, false);
}

/* where the kernel has bpf_rdonly_cast and bpf_loop: the whole table, not descriptors 0-1023 */
SEC("iter/task")
int sweep_held_cast(struct bpf_iter__task *ctx)
{
	return sweep_held_in(ctx, true);
}
