// SPDX-License-Identifier: GPL-2.0-only
/*
 * The periodic sweep of namespace trust: a task iterator the loader reads every 500 ms (and
 * anyone can read: `cat /sys/fs/bpf/dcea/links/sweep_tasks`). It checks every container task,
 * reports new findings, and prints the pid of each task to kill; the iterator runs in the reader's
 * context, where bpf_send_signal would hit the reader, so the loader sends the SIGKILL.
 */
#include "bpf/trust.bpf.h"

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
