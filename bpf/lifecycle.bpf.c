// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which tasks are container tasks. No process-name lists: a task that pivot_root'ed into a new
 * root, in a mount namespace and a cgroup that are not the host's, and then exec'd, is a
 * container's entrypoint (runc, crun, podman, containerd and a plain unshare+pivot_root container
 * all do this). Its cgroup becomes a container and the entrypoint's namespaces its baseline. A task
 * that execs inside a known container's cgroup (docker exec) joins it; children inherit. A task of
 * no container that execs in a container's mount namespace (it entered through setns: nsenter) is
 * judged as that container too (DCEA_CT_ENTERED). The
 * runtime's own set-up work happens before the exec, so no rule fires on it.
 */
#include "bpf/trust.bpf.h"
#include "bpf/behave.bpf.h"

#define S_IFMT	00170000
#define S_IFCHR 0020000

/* inode change time, seconds: i_ctime (< 6.6), __i_ctime (6.6 to 6.10), i_ctime_sec (6.11+) */
struct inode___ts {
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));
struct inode___uts {
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));

static __always_inline __s64 inode_ctime(struct inode *ino)
{
	struct inode___uts *u = (void *)ino;
	struct inode___ts *o = (void *)ino;

	if (bpf_core_field_exists(ino->i_ctime_sec))
		return BPF_CORE_READ(ino, i_ctime_sec);
	if (bpf_core_field_exists(u->__i_ctime))
		return BPF_CORE_READ(u, __i_ctime.tv_sec);
	return BPF_CORE_READ(o, i_ctime.tv_sec);
}

/* stdin a terminal: /dev/tty* (4), /dev/tty, /dev/console (5), a pty slave (136-143) */
static __always_inline bool stdin_is_tty(struct task_struct *task)
{
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	struct file *f = NULL;
	struct inode *ino;
	__u32 major;

	bpf_core_read(&f, sizeof(f), &fds[0]);
	if (!f)
		return false;
	ino = BPF_CORE_READ(f, f_inode);
	if ((BPF_CORE_READ(ino, i_mode) & S_IFMT) != S_IFCHR)
		return false;
	major = BPF_CORE_READ(ino, i_rdev) >> 20;
	return major == 4 || major == 5 || (major >= 136 && major <= 143);
}

/*
 * The command of an init entrypoint (`docker run --init`, tini, dumb-init, catatonit): the
 * entrypoint forks and its child execs the container's command at once. A shell exec'd by a child
 * of the entrypoint within this long of the entrypoint's exec is that command, not a spawn of a
 * running service. Long enough for an admission hold (its timeout_ms, 3 s by default) and a busy
 * node; a later shell of the entrypoint's is judged as any other.
 */
#define INIT_CMD_NS (5ULL * 1000000000ULL)

/*
 * Why a shell exec'd in a container is worth an alert (enum dcea_shell_why), 0 when it is not.
 * A terminal on stdin is someone typing. Without one: the entrypoint (`sh -c` entrypoints are
 * everywhere), the command an init entrypoint starts, and a shell started from outside the
 * container (its parent is no container task: `docker exec`, `kubectl exec`, Kubernetes exec
 * probes and health checks) are quiet, and so is a shell started by a shell (scripts); a shell
 * started by any other container process (a web server, an interpreter: the shape of a remote
 * code execution) is reported. The policy's `non_interactive: all` reports every non-interactive
 * shell but the entrypoint's.
 */
static __always_inline __u32 shell_why(struct task_struct *task, struct dcea_task *t, bool entry)
{
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);
	__u32 rule = DCEA_R_SHELL, ptgid = BPF_CORE_READ(parent, tgid);
	struct dcea_rule_cfg *rc = bpf_map_lookup_elem(&dcea_rules, &rule);
	struct dcea_container *ct = bpf_map_lookup_elem(&dcea_containers, &t->cgroup_id);
	struct comm_name pc = {};

	if (stdin_is_tty(task))
		return DCEA_SHELL_INTERACTIVE;
	if (entry)
		return 0;
	if (ct && ptgid == ct->init_tgid && !(t->flags & DCEA_CT_CANARY) &&
	    bpf_ktime_get_boot_ns() - ct->start_ns < INIT_CMD_NS)
		return 0; /* the command of an init entrypoint */
	if (rc && (rc->opts & DCEA_RO_SHELL_ALL))
		return DCEA_SHELL_POLICY;
	if (t->flags & DCEA_CT_CANARY)
		return DCEA_SHELL_PARENT; /* the self-test's shell: exec'd by the canary itself */
	if (!bpf_map_lookup_elem(&dcea_tasks, &ptgid))
		return 0; /* from the runtime: an exec, a probe */
	bpf_probe_read_kernel_str(pc.name, sizeof(pc.name), &parent->comm);
	return bpf_map_lookup_elem(&dcea_shells, &pc) ? 0 : DCEA_SHELL_PARENT;
}

/*
 * What an exec in a container says about it (threat behaviour): custom exec rules, a shell
 * (shell_why() says which), privileges gained through a setuid-root or file-capability binary,
 * and drift: a program changed after the container started. Killing here stops the new program
 * before its first instruction.
 */
static __always_inline void exec_checks(struct dcea_task *t, bool entry)
{
	struct task_struct *task = current_task();
	struct dcea_config *c = cfg();
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	struct dcea_container *ct;
	struct path_buf *pb = NULL;
	struct comm_name comm = {};
	__u32 uid, euid;
	__u64 eff;
	int action;

	if (!c || !exe)
		return;
	t->exe = 0;
	if (c->path_needs & DCEA_NEED_EXEC) {
		pb = path_of_file(task, exe);
		t->exe = path_buf_match(pb);
	}
	action = custom_check(DCEA_K_EXEC, t, t->exe, pb ? path_str(pb) : NULL, 0);
	act(action);
	if (action == DCEA_ACT_KILL)
		return;

	bpf_get_current_comm(comm.name, sizeof(comm.name));
	if (bpf_map_lookup_elem(&dcea_shells, &comm)) {
		__u32 why = shell_why(task, t, entry);

		action = why ? decide(DCEA_R_SHELL, t, DCEA_ACT_KILL) : -1;
		if (action >= 0) {
			path_report(DCEA_R_SHELL, action, pb, shell,
				    .interactive = why == DCEA_SHELL_INTERACTIVE,
				    .entrypoint = entry, .why = why);
			act(action);
			if (action == DCEA_ACT_KILL)
				return;
		}
	}

	uid = BPF_CORE_READ(task, real_cred, uid.val);
	euid = BPF_CORE_READ(task, real_cred, euid.val);
	eff = task_caps(task, cap_effective);
	if (uid != 0 && (euid == 0 || eff)) {
		action = decide(DCEA_R_PRIV_EXEC, t, DCEA_ACT_KILL);
		if (action >= 0) {
			path_report(DCEA_R_PRIV_EXEC, action, pb, priv_exec, .uid = uid,
				    .euid = euid, .cap_effective = eff);
			act(action);
			if (action == DCEA_ACT_KILL)
				return;
		}
	}

	ct = bpf_map_lookup_elem(&dcea_containers, &t->cgroup_id);
	if (!entry && ct && ct->start_ns) {
		__s64 changed = inode_ctime(BPF_CORE_READ(exe, f_inode));
		__s64 started = (__s64)((ct->start_ns + (__u64)c->boot_to_real) / 1000000000ULL);

		if (changed > started) {
			action = decide(DCEA_R_DRIFT, t, DCEA_ACT_KILL);
			if (action >= 0) {
				path_report(DCEA_R_DRIFT, action, pb, drift, .changed = changed,
					    .started = started);
				act(action);
			}
		}
	}
}

/* A new container whose bounding set holds every privileged-only capability: privileged. */
static __always_inline void launch_checks(struct dcea_task *t, struct dcea_container *ct)
{
	struct dcea_config *c = cfg();
	int action;

	if (!c || !c->cap_full || (ct->cap_bset & c->cap_full) != c->cap_full)
		return;
	action = decide(DCEA_R_PRIV_LAUNCH, t, DCEA_ACT_KILL);
	if (action >= 0) {
		path_report(DCEA_R_PRIV_LAUNCH, action, NULL, priv_launch,
			    .cap_effective = task_caps(current_task(), cap_effective),
			    .cap_bset = ct->cap_bset);
		act(action);
	}
}

/* 0, or nonzero when the tasks map is full (counted; the caller decides what else to do) */
static __always_inline long track(__u32 tid, __u64 cgid, __u32 flags, __u64 exe)
{
	struct dcea_task t = { .cgroup_id = cgid, .flags = flags, .exe = exe };
	long err = bpf_map_update_elem(&dcea_tasks, &tid, &t, BPF_ANY);

	if (err)
		count(&dcea_drops, DCEA_DROP_TASKS); /* counted and reported by the loader */
	return err;
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
				count(&dcea_drops, DCEA_DROP_SETUP);
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
		e->start.flags = what;
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
		count(&dcea_drops, DCEA_DROP_SETUP);
		map_full(DCEA_MAP_SETUP);
	}
	return 0;
}

/* The mount namespace (inode) of a task of no container when it is not the host's, else 0. */
static __always_inline __u64 entered_mnt(struct task_struct *task)
{
	__u64 mnt = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	struct dcea_config *c = cfg();

	return c && mnt != c->host_ns[DCEA_NS_MNT] ? mnt : 0;
}

/* The exec's tracking and checks: the task's record after them, NULL when it has none. */
static __always_inline struct dcea_task *exec_track(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 cgid = bpf_get_current_cgroup_id();
	struct dcea_container *ct, nct = {};
	struct dcea_task *t;
	long err;

	if (bpf_map_lookup_elem(&dcea_setup, &tgid)) {
		bool fresh = false;

		bpf_map_delete_elem(&dcea_setup, &tgid);
		ct = bpf_map_lookup_elem(&dcea_containers, &cgid);
		if (!ct) {
			struct task_struct *task = current_task();
			struct dcea_config *c = cfg();

			if (c && c->canary_cgid == cgid)
				nct.flags = DCEA_CT_CANARY;
			task_ns(task, nct.ns);
			nct.cap_bset = task_caps(task, cap_bset);
			nct.start_ns = bpf_ktime_get_boot_ns();
			nct.init_tgid = tgid;
			err = bpf_map_update_elem(&dcea_containers, &cgid, &nct, BPF_NOEXIST);
			if (err == -EEXIST) /* another entrypoint of this cgroup won the race */
				ct = bpf_map_lookup_elem(&dcea_containers, &cgid);
			if (err && !ct) {
				count(&dcea_drops, DCEA_DROP_CONTAINERS);
				map_full(DCEA_MAP_CONTAINERS);
				return NULL;
			}
			if (!err) {
				ct = &nct;
				fresh = true;
				container_started(tgid, cgid);
				bpf_map_update_elem(&dcea_ct_mnt, &nct.ns[DCEA_NS_MNT], &cgid,
						    BPF_ANY);
			}
		}
		if (track(tgid, cgid, ct->flags, 0)) {
			map_full(DCEA_MAP_TASKS);
			return NULL;
		}
		t = bpf_map_lookup_elem(&dcea_tasks, &tgid);
		if (!t)
			return NULL;
		if (fresh)
			launch_checks(t, &nct);
		exec_checks(t, true);
		return t;
	}
	t = bpf_map_lookup_elem(&dcea_tasks, &tgid);
	if (!t) {
		__u32 flags = 0;

		ct = bpf_map_lookup_elem(&dcea_containers, &cgid);
		if (!ct) {
			/* entered through setns: exec'd in a container's mount namespace */
			__u64 mnt = entered_mnt(current_task()), *c;

			c = mnt ? bpf_map_lookup_elem(&dcea_ct_mnt, &mnt) : NULL;
			if (!c)
				return NULL;
			cgid = *c;
			ct = bpf_map_lookup_elem(&dcea_containers, &cgid);
			if (!ct || ct->ns[DCEA_NS_MNT] != mnt)
				return NULL;
			flags = DCEA_CT_ENTERED;
		}
		track(tgid, cgid, ct->flags | flags, 0);
		t = bpf_map_lookup_elem(&dcea_tasks, &tgid);
		if (!t)
			return NULL;
	}
	/* every exec of a container task: still in its namespaces, root and cwd inside? */
	if (escape_report(current_task(), t, escape_bits(current_task(), t, true), true) ==
	    DCEA_ACT_KILL)
		return t;
	exec_checks(t, false);
	return t;
}

/*
 * The task's storage copy follows its record: made or refreshed (the executable's bits change at
 * every exec), or dropped when it has none (a host task has no storage: no call).
 */
SEC("tp/sched/sched_process_exec")
int track_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct dcea_task *t = exec_track();

	if (dcea_task_storage) {
		struct task_struct *cur = bpf_get_current_task_btf();

		if (!t)
			ls_clear(cur);
		else if (ls_set(cur, t))
			map_full(DCEA_MAP_TASKS);
	}
	return 0;
}

/*
 * Every task a container task creates is a container task: fork, clone, threads, and the threads
 * the kernel creates on its behalf without a fork (io_uring's io-wq workers and SQPOLL thread,
 * made by create_io_thread() in the context of the ring's task: sched_process_fork does not fire
 * for them, task_newtask does). A worker that does the container's io_uring work is then judged
 * as the container by every hook, LSM and fallback alike. Runs in the creator's context, before
 * the new task can run.
 */
SEC("tp_btf/task_newtask")
int BPF_PROG(track_newtask, struct task_struct *task, unsigned long clone_flags)
{
	struct dcea_task *t = current_ct_task();
	struct dcea_task nt;

	if (!t)
		return 0;
	nt = (struct dcea_task){ .cgroup_id = t->cgroup_id, .flags = t->flags, .exe = t->exe };
	if (!track(task->pid, nt.cgroup_id, nt.flags, nt.exe))
		ls_set(task, &nt);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int track_exit(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, tgid = id >> 32;

	bpf_map_delete_elem(&dcea_tasks, &tid);
	if (dcea_task_storage)
		ls_clear(bpf_get_current_task_btf());
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
