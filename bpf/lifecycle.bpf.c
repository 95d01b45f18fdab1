// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which tasks are container tasks. No process-name lists: a task that pivot_root'ed into a new
 * root, in a mount namespace and a cgroup that are not the host's, and then exec'd, is a
 * container's entrypoint (runc, crun, podman, containerd and a plain unshare+pivot_root container
 * all do this). Its cgroup becomes a container and the entrypoint's namespaces its baseline. A task
 * that execs inside a known container's cgroup (docker exec) joins it; children inherit. The
 * runtime's own set-up work happens before the exec, so no rule fires on it.
 */
#include "bpf/trust.bpf.h"

/* 0, or nonzero when the tasks map is full (counted; the caller decides what else to do) */
static __always_inline long track(__u32 tid, __u64 cgid, __u32 flags)
{
	struct dcea_task t = { .cgroup_id = cgid, .flags = flags };
	long err = bpf_map_update_elem(&dcea_tasks, &tid, &t, BPF_ANY);

	if (err)
		count(&dcea_drops, 1); /* counted and reported by the loader */
	return err;
}

static __always_inline bool block_mode(void)
{
	struct dcea_config *c = cfg();

	return c && c->mode == DCEA_MODE_BLOCK;
}

/*
 * A map had no room for the container being set up: report it (never silent), and in block mode
 * kill the current task, the new container's runtime set-up or entrypoint. That fails closed for
 * the new container only: containers already tracked stay enforced. Audit mode lets it run
 * unwatched, as audit mode stops nothing.
 */
static __always_inline void map_full(__u32 map)
{
	int action = block_mode() ? DCEA_ACT_KILL : DCEA_ACT_ALERT;
	struct dcea_event *e = event_start(DCEA_EV_MAP_FULL, 0, action);

	if (e) {
		e->arg[0] = map;
		event_submit(e);
	}
	act(action);
}

/*
 * A new container's entrypoint has just been exec'd and has run no instruction yet. When the
 * streaming loader's policy can refuse containers and the mode is block, stop it (SIGSTOP is
 * delivered before the task returns to user space) and record it in dcea_held: the loader scans
 * the container's configuration and sends SIGCONT or SIGKILL (loader/admission.c). With no
 * loader alive to decide, block mode kills it: fails closed, a refusing policy cannot be checked.
 */
static __always_inline void container_started(__u32 tgid, __u64 cgid)
{
	__u32 zero = 0, what = 0;
	struct dcea_admission *a = bpf_map_lookup_elem(&dcea_admit, &zero);
	__u64 now = bpf_ktime_get_boot_ns();
	int action = DCEA_ACT_ALERT;
	struct dcea_event *e;

	if (a && (a->flags & DCEA_ADM_REFUSE) && block_mode()) {
		if (now > a->heartbeat_ns + DCEA_ADM_STALE_NS) {
			what = DCEA_START_NO_LOADER;
			action = DCEA_ACT_KILL;
		} else {
			struct dcea_hold h = { .start_ns = now, .tgid = tgid };

			if (bpf_map_update_elem(&dcea_held, &cgid, &h, BPF_ANY)) {
				count(&dcea_drops, 3);
				map_full(DCEA_MAP_HELD);
				return;
			}
			what = DCEA_START_HELD;
			bpf_send_signal(SIGSTOP);
		}
	}
	/* lost in a full ring, a hold is still found: the loader also reads dcea_held */
	e = event_start(DCEA_EV_CONTAINER, 0, action);
	if (e) {
		e->arg[0] = what;
		event_submit(e);
	}
	act(action);
}

SEC("tp/syscalls/sys_exit_pivot_root")
int track_pivot_root(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *task;
	struct dcea_config *c;
	__u32 tgid;
	__u64 now;

	if (ctx->ret != 0 || current_ct_task())
		return 0;
	c = cfg();
	if (!c || bpf_get_current_cgroup_id() == c->root_cgroup)
		return 0;
	task = current_task();
	if (BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum) == c->host_ns[DCEA_NS_MNT])
		return 0;
	tgid = bpf_get_current_pid_tgid() >> 32;
	now = bpf_ktime_get_boot_ns();
	if (bpf_map_update_elem(&dcea_setup, &tgid, &now, BPF_ANY)) {
		count(&dcea_drops, 3);
		map_full(DCEA_MAP_SETUP);
	}
	return 0;
}

SEC("tp/sched/sched_process_exec")
int track_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 cgid = bpf_get_current_cgroup_id();
	struct dcea_container *ct, nct = {};
	struct dcea_task *t;
	long err;

	if (bpf_map_lookup_elem(&dcea_setup, &tgid)) {
		bpf_map_delete_elem(&dcea_setup, &tgid);
		ct = bpf_map_lookup_elem(&dcea_containers, &cgid);
		if (!ct) {
			struct task_struct *task = current_task();

			task_ns(task, nct.ns);
			nct.cap_bset = task_caps(task, cap_bset);
			nct.start_ns = bpf_ktime_get_boot_ns();
			nct.init_tgid = tgid;
			err = bpf_map_update_elem(&dcea_containers, &cgid, &nct, BPF_NOEXIST);
			if (err == -EEXIST) /* another entrypoint of this cgroup won the race */
				ct = bpf_map_lookup_elem(&dcea_containers, &cgid);
			if (err && !ct) {
				count(&dcea_drops, 2);
				map_full(DCEA_MAP_CONTAINERS);
				return 0;
			}
			if (!err) {
				ct = &nct;
				container_started(tgid, cgid);
			}
		}
		if (track(tgid, cgid, ct->flags))
			map_full(DCEA_MAP_TASKS);
		return 0;
	}
	t = bpf_map_lookup_elem(&dcea_tasks, &tgid);
	if (!t) {
		ct = bpf_map_lookup_elem(&dcea_containers, &cgid);
		if (!ct)
			return 0;
		track(tgid, cgid, ct->flags);
		t = bpf_map_lookup_elem(&dcea_tasks, &tgid);
		if (!t)
			return 0;
	}
	/* every exec of a container task: still in its namespaces, root and cwd inside? */
	escape_report(current_task(), t, escape_bits(current_task(), t, true), true);
	return 0;
}

SEC("tp/sched/sched_process_fork")
int track_fork(struct trace_event_raw_sched_process_fork *ctx)
{
	__u32 parent = ctx->parent_pid, child = ctx->child_pid;
	struct dcea_task *t = bpf_map_lookup_elem(&dcea_tasks, &parent);

	if (t)
		track(child, t->cgroup_id, t->flags);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int track_exit(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, tgid = id >> 32;

	bpf_map_delete_elem(&dcea_tasks, &tid);
	if (tid == tgid)
		bpf_map_delete_elem(&dcea_setup, &tgid);
	return 0;
}

/* A container's cgroup went away: drop its baseline so nothing leaks over container churn. */
SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(track_cgroup_rmdir, struct cgroup *cgrp, const char *path)
{
	__u64 id;

	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0) /* cgroup v1 hierarchies: other ids */
		return 0;
	id = BPF_CORE_READ(cgrp, kn, id);
	bpf_map_delete_elem(&dcea_containers, &id);
	bpf_map_delete_elem(&dcea_held, &id);
	return 0;
}
