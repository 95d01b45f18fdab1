/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BPF-only helpers and the maps every dcea program shares. maps.bpf.c owns the definitions; every
 * other object declares them extern and `bpftool gen object` links them into one.
 */
#ifndef DCEA_COMMON_BPF_H
#define DCEA_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "bpf/dcea.h"

#ifdef DCEA_MAPS_OWNER
#define __dcea_map
#else
#define __dcea_map extern
#endif

#define EPERM	1
#define EEXIST	17
#define SIGKILL 9
#define SIGSTOP 19

/* Maps are pinned by the loader, not by libbpf, so one loader run owns the whole set. */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, DCEA_RINGBUF_SIZE);
} dcea_events SEC(".maps");

/*
 * The reserved ring: deny and kill alerts, alerts of critical severity, container starts and
 * map-full notices. Ordinary alerts cannot fill it, however many a container raises.
 */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, DCEA_RINGBUF_HI_SIZE);
} dcea_events_hi SEC(".maps");

/* enum dcea_drop */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DCEA_DROP_MAX);
	__type(key, __u32);
	__type(value, __u64);
} dcea_drops SEC(".maps");

/* Per rule and action: how often it fired; read by `dcea status`. */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DCEA_R_MAX * 4);
	__type(key, __u32);
	__type(value, __u64);
} dcea_hits SEC(".maps");

__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dcea_config);
} dcea_config SEC(".maps");

__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DCEA_R_MAX);
	__type(key, __u32);
	__type(value, struct dcea_rule_cfg);
} dcea_rules SEC(".maps");

__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DCEA_MAX_CT);
	__type(key, __u64);
	__type(value, struct dcea_container);
} dcea_containers SEC(".maps");

__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DCEA_MAX_TASKS);
	__type(key, __u32);
	__type(value, struct dcea_task);
} dcea_tasks SEC(".maps");

/*
 * A container's mount namespace (inode) -> its cgroup id: set where the container is first seen
 * (track_exec, the loader's adoption), read when a task of no container execs in a mount
 * namespace that is not the host's. Never removed (LRU): a hit counts only when the container
 * still exists with that mount namespace as its baseline.
 */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DCEA_MAX_CT);
	__type(key, __u64);
	__type(value, __u64);
} dcea_ct_mnt SEC(".maps");

/*
 * The same records again as task local storage, where tracing programs can use it (5.12+; the
 * loader tries, see dcea_task_storage): the current task's record is then found from the task
 * itself, without hashing its tid, and a host task, which has no storage at all, stops at one load.
 * dcea_tasks stays the index by tid and the record the sweep, the exec checks and userspace read
 * and write; this copy is kept in step with it: set where a task is tracked (exec, task_newtask),
 * at each exec (its executable's bits), by the sync and sweep iterators (tasks the loader adopted
 * or the self-test added from userspace), cleared at exit and where tracking fails. Only readers
 * of the current task's record use it (the open programs), never to write the record. Where the
 * kernel cannot, the loader turns it into a one-entry hash that nothing reads.
 */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct dcea_task);
} dcea_tasks_ls SEC(".maps");

/*
 * Set by the loader before load: tracing programs here can use task local storage (tried with a
 * real program, never a version compare). A constant once loaded: on a kernel without, every
 * branch that calls a task-storage helper is dead code, never explored by the verifier.
 */
#ifdef DCEA_MAPS_OWNER
const volatile __u32 dcea_task_storage = 0;
#else
extern const volatile __u32 dcea_task_storage;
#endif

/* tgid of a task that pivot_root'ed into a new root: its next exec is a container's entrypoint */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} dcea_setup SEC(".maps");

/* Containers stopped at their entrypoint's exec until the loader's admission verdict */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DCEA_MAX_HELD);
	__type(key, __u64);
	__type(value, struct dcea_hold);
} dcea_held SEC(".maps");

__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dcea_admission);
} dcea_admit SEC(".maps");

/* Kernel knobs under /proc/sys: "kernel/core_pattern" -> rule id */
struct knob_name {
	char name[64];
};
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct knob_name);
	__type(value, __u32);
} dcea_sysctls SEC(".maps");

/* Knob files outside /proc/sys, by file system magic and file name: -> rule id */
struct knob_file {
	__u32 magic;
	char name[28];
};
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct knob_file);
	__type(value, __u32);
} dcea_knobfiles SEC(".maps");

/* Basenames of container-runtime sockets: "docker.sock" -> rule id */
struct sock_name {
	char name[32];
};
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct sock_name);
	__type(value, __u32);
} dcea_socks SEC(".maps");

/* File system types whose mount from a container is an escape step: "proc" -> rule id */
struct fs_name {
	char name[32];
};
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct fs_name);
	__type(value, __u32);
} dcea_fstypes SEC(".maps");

/* Path patterns: dcea_path_key -> DCEA_PM_* mask (see dcea.h) */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DCEA_MAX_PATHS);
	__type(key, struct dcea_path_key);
	__type(value, __u64);
} dcea_paths SEC(".maps");

/*
 * File names of the exact open patterns (credential files, custom open rules): an open of any
 * other name skips the path rebuild. Names longer than the key make the loader set
 * DCEA_NEED_OPEN_ALL instead.
 */
struct leaf_name {
	char name[32];
};
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DCEA_MAX_PATHS);
	__type(key, struct leaf_name);
	__type(value, __u32);
} dcea_leaves SEC(".maps");

/* Names a shell runs under (comm after exec: "sh", "bash"...) -> DCEA_R_SHELL */
struct comm_name {
	char name[DCEA_COMM_LEN];
};
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct comm_name);
	__type(value, __u32);
} dcea_shells SEC(".maps");

__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DCEA_MAX_CUSTOM);
	__type(key, __u32);
	__type(value, struct dcea_custom);
} dcea_custom SEC(".maps");

__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DCEA_MAX_EXC);
	__type(key, __u32);
	__type(value, struct dcea_exc);
} dcea_exc SEC(".maps");

/* Per exception: how many matches it suppressed; read by `dcea status`. */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DCEA_MAX_EXC);
	__type(key, __u32);
	__type(value, __u64);
} dcea_exc_hits SEC(".maps");
/* dcea's own files: dev, inode -> 1 (see struct dcea_file_key) */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DCEA_MAX_PROTECT);
	__type(key, struct dcea_file_key);
	__type(value, __u32);
} dcea_protect SEC(".maps");

/*
 * A recvmsg or recvmmsg of the thread on a unix socket is under way (1): task local storage where
 * the kernel allows it (dcea_task_storage; a one-entry hash nothing reads elsewhere, as
 * dcea_tasks_ls), read by the _cast variants; the others keep it in dcea_scratch.
 */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} dcea_recv_ls SEC(".maps");

/*
 * The fd of the thread's connect under way, plus 1 (0: none): task local storage where the kernel
 * allows it, read by the _cast variants (else a one-entry hash nothing reads; dcea_scratch
 * instead).
 */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} dcea_connect_ls SEC(".maps");

/* Per-thread scratch between a syscall's entry and exit (the fd of a connect, of a recvmsg) */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} dcea_scratch SEC(".maps");

/*
 * Threads of container tasks inside a process_madvise of a process outside their container, while
 * the LSM backend owns ptrace_host: tid -> the target's host pid. Set and cleared by the
 * process_madvise tracepoints (priv.bpf.c), read by lsm/capable (lsm.bpf.c).
 */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} dcea_madvise SEC(".maps");

/*
 * The last device event per thread (per cgroup for the legacy cgroup programs): the kernel checks
 * one device access twice (mknod, and opening a block device pass the device cgroup twice on
 * 6.18), so the second identical check within 50 ms is decided but not reported again. Keyed by
 * thread, not CPU: the task may migrate between the two checks.
 */
struct dev_last {
	__u64 ts;
	__u32 major, minor, access;
	__u32 pad;
};
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct dev_last);
} dcea_devlast SEC(".maps");

static __always_inline void count(void *map, __u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(map, &idx);

	if (v)
		*v += 1;
}

static __always_inline struct dcea_config *cfg(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&dcea_config, &zero);
}

/* The container task record of the current thread, NULL for every host task: the early filter. */
static __always_inline struct dcea_task *current_ct_task(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	return bpf_map_lookup_elem(&dcea_tasks, &tid);
}

/*
 * The current task as a plain pointer, read only with CO-RE probe reads (one helper call per
 * field). Hot paths read it directly where the kernel has bpf_get_current_task_btf() (5.11+):
 * see have_task_btf().
 */
static __always_inline struct task_struct *current_task(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

/*
 * Does this kernel have bpf_get_current_task_btf()? A CO-RE probe of the helper's id, a constant
 * once loaded: on 5.10 the branch that calls it is dead code, never explored by the verifier and
 * removed before the helper is looked up. Its result is a BTF pointer whose fields are plain
 * loads (faults are caught like a probe read's) and whose pointers can be followed the same way.
 */
#define have_task_btf() bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf)

/*
 * The current task as a BTF pointer where the kernel has one, NULL where not: read it once per
 * program and pass it on (every helper call costs here: a call and a return).
 */
static __always_inline struct task_struct *current_task_btf(void)
{
	if (have_task_btf())
		return bpf_get_current_task_btf();
	return NULL;
}

/*
 * Does the task have no local storage of any map? Its bpf_storage pointer, a plain load from a BTF
 * pointer: NULL for every task no BPF program gave storage, i.e. every host task while no other
 * tool uses task storage. True only when it can tell.
 */
/*
 * Is `ns`, a mount's namespace, a real one other than `own_ns`? Internal mounts (pipes, sockets,
 * memfds) carry an error pointer there, and a mount that has none, NULL: neither is outside.
 */
static __always_inline bool mnt_ns_foreign(void *ns, void *own_ns)
{
	return ns && (unsigned long)ns < (unsigned long)-4095 && ns != own_ns;
}

/* Is the mount `vm` in a mount namespace other than `own_ns` (mnt_ns_foreign())? */
static __always_inline bool mnt_outside(struct vfsmount *vm, void *own_ns)
{
	struct mount *m = (void *)vm - bpf_core_field_offset(struct mount, mnt);

	return mnt_ns_foreign(BPF_CORE_READ(m, mnt_ns), own_ns);
}

static __always_inline bool ls_none(struct task_struct *task)
{
	if (bpf_core_field_exists(task->bpf_storage))
		return !task->bpf_storage;
	return false;
}

/*
 * current_ct_task() by `cur` (current_task_btf()): from its task local storage where the kernel
 * allows it, else by its tid, a direct load, in dcea_tasks. Read only: see dcea_tasks_ls.
 */
static __always_inline struct dcea_task *ct_task_of(struct task_struct *cur)
{
	__u32 tid;

	if (!have_task_btf())
		return current_ct_task();
	if (dcea_task_storage) {
		if (ls_none(cur))
			return NULL;
		return bpf_task_storage_get(&dcea_tasks_ls, cur, 0, 0);
	}
	tid = cur->pid;
	return bpf_map_lookup_elem(&dcea_tasks, &tid);
}

/*
 * Mirror the record `t` of `task` (a BTF pointer) into its task local storage; 0, or nonzero when
 * the storage could not be made (counted with the tasks not tracked: a container task the open
 * programs would take for a host task). `task`'s fields are not read: any trusted task pointer.
 */
static __always_inline long ls_set(struct task_struct *task, const struct dcea_task *t)
{
	struct dcea_task *s;

	if (!dcea_task_storage)
		return 0;
	s = bpf_task_storage_get(&dcea_tasks_ls, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s) {
		count(&dcea_drops, DCEA_DROP_TASKS);
		return -1;
	}
	s->cgroup_id = t->cgroup_id;
	s->flags = t->flags;
	s->exe = t->exe;
	return 0;
}

/* The task is no longer tracked: drop its storage record (a host task has none: no call). */
static __always_inline void ls_clear(struct task_struct *task)
{
	if (dcea_task_storage && !ls_none(task))
		bpf_task_storage_delete(&dcea_tasks_ls, task);
}

/* The current task's mount namespace: compared with a file's, on every open of a container task. */
static __always_inline void *current_mnt_ns(void)
{
	if (have_task_btf())
		return bpf_get_current_task_btf()->nsproxy->mnt_ns;
	return BPF_CORE_READ(current_task(), nsproxy, mnt_ns);
}

/*
 * A capability set of a task's objective credentials (kernel_cap_t: a u64 since 6.3, two u32
 * before: the same 8 bytes on little endian).
 */
#define task_caps(task, field)                                                                     \
	({                                                                                         \
		const struct cred *__cr = BPF_CORE_READ(task, real_cred);                          \
		__u64 __v = 0;                                                                     \
		bpf_core_read(&__v, sizeof(__v), &__cr->field);                                    \
		__v;                                                                               \
	})

static __always_inline __u64 task_pidns(struct task_struct *t)
{
	struct pid *p = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(p, level);
	struct upid up = {};

	bpf_core_read(&up, sizeof(up), &p->numbers[level & 31]);
	return BPF_CORE_READ(up.ns, ns.inum);
}

static __always_inline void task_ns(struct task_struct *t, __u64 ns[DCEA_NS_MAX])
{
	struct nsproxy *nsp = BPF_CORE_READ(t, nsproxy);

	ns[DCEA_NS_MNT] = BPF_CORE_READ(nsp, mnt_ns, ns.inum);
	ns[DCEA_NS_PID] = task_pidns(t);
	ns[DCEA_NS_NET] = BPF_CORE_READ(nsp, net_ns, ns.inum);
	ns[DCEA_NS_UTS] = BPF_CORE_READ(nsp, uts_ns, ns.inum);
	ns[DCEA_NS_IPC] = BPF_CORE_READ(nsp, ipc_ns, ns.inum);
	ns[DCEA_NS_USER] = BPF_CORE_READ(t, real_cred, user_ns, ns.inum);
	ns[DCEA_NS_CGROUP] = BPF_CORE_READ(nsp, cgroup_ns, ns.inum);
	if (bpf_core_field_exists(nsp->time_ns))
		ns[DCEA_NS_TIME] = BPF_CORE_READ(nsp, time_ns, ns.inum);
}

/*
 * Whether one of the policy's exceptions covers `bit` (a rule id, or 32 + a custom rule's index)
 * for a task: every selector the exception has (executable, container) must match. A suppressed
 * match is counted per exception. A global function (bpf/path.bpf.c), checked once.
 */
extern int excepted_g(__u32 bit, __u64 cgroup_id, __u64 exe, __u32 flags);

static __always_inline bool excepted(__u32 bit, struct dcea_task *t)
{
	return excepted_g(bit, t->cgroup_id, t->exe, t->flags);
}

/*
 * What to do about a match of `rule` by task `t` seen by a program of the LSM backend (lsm=1) or of
 * the fallback backend (lsm=0): DCEA_ACT_* or -1 when the rule is off or the other backend owns
 * it. DCEA_DECIDE_EITHER: a fallback program judging what no LSM hook sees, for whichever backend
 * owns the rule. The loader's canary containers are always enforced so the self-test proves what
 * block mode would do.
 */
#define DCEA_DECIDE_EITHER 2

static __always_inline int decide_in(__u32 rule, struct dcea_task *t, int enforce_action, __u32 lsm)
{
	struct dcea_rule_cfg *rc = bpf_map_lookup_elem(&dcea_rules, &rule);

	if (!rc || !rc->enabled || (lsm != DCEA_DECIDE_EITHER && rc->lsm != lsm))
		return -1;
	if (excepted(rule, t))
		return -1;
	if (rc->enforce || (t->flags & DCEA_CT_CANARY))
		return enforce_action;
	return DCEA_ACT_ALERT;
}

#define decide(rule, t, action) decide_in(rule, t, action, 0)

/*
 * Events are built in a per-CPU buffer and copied into the ring buffer by event_submit(), not
 * reserved in it: a reserved record is a reference the verifier must see released on every path,
 * and verifiers before 6.2 lose track of it through the inlined helpers here ("Unreleased
 * reference" on 6.1). Events are rare; the copy is cheap.
 */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dcea_event);
} dcea_evbuf SEC(".maps");

/*
 * Aggregation entries (bpf/agg.bpf.c): what makes two alerts the same, and their absorbed repeats.
 * A hash, not an LRU: an entry holding repeats not yet reported is never evicted. When it is full
 * an alert of a new key is delivered as it is (counted in DCEA_DROP_AGG_FULL).
 */
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DCEA_MAX_AGG);
	__type(key, struct dcea_agg_key);
	__type(value, struct dcea_agg);
} dcea_agg SEC(".maps");

/*
 * Deliver the event in the per-CPU buffer: absorbed into its aggregation entry when the same alert
 * was delivered within DCEA_AGG_WINDOW_NS, else copied into its ring (the reserved one for deny,
 * kill, critical and lifecycle events); a full ring is counted, never silent. Global.
 */
extern int event_submit_g(void);

/* An empty event from the per-CPU buffer, NULL only if the map lookup fails. */
static __always_inline struct dcea_event *event_new(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&dcea_evbuf, &zero);
}

/* `e` is the per-CPU buffer event_new() returned. */
static __always_inline void event_submit(struct dcea_event *e)
{
	event_submit_g();
}

/*
 * Start an event with what every alert carries. The caller fills the rule's details and calls
 * event_submit.
 */
static __always_inline struct dcea_event *event_start_task(struct task_struct *task, __u32 kind,
							   __u32 rule, int action)
{
	struct dcea_event *e;
	const unsigned char *name;

	if (kind == DCEA_EV_RULE)
		count(&dcea_hits, (rule * 4 + (action & 3)) % (DCEA_R_MAX * 4));
	e = event_new();
	if (!e)
		return NULL;
	e->ts_boot_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	task_ns(task, e->ns);
	e->raw[0] = e->raw[1] = e->raw[2] = e->raw[3] = 0;
	e->count = e->first_ns = e->last_ns = 0;
	e->kind = kind;
	e->rule = rule;
	e->action = action;
	e->pid = BPF_CORE_READ(task, tgid);
	e->tid = BPF_CORE_READ(task, pid);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = BPF_CORE_READ(task, real_cred, uid.val);
	e->ret = 0;
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), &task->comm);
	name = BPF_CORE_READ(task, mm, exe_file, f_path.dentry, d_name.name);
	if (bpf_probe_read_kernel_str(e->exe, sizeof(e->exe), name) < 0)
		e->exe[0] = '\0';
	name = (const unsigned char *)BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, name);
	if (bpf_probe_read_kernel_str(e->cgname, sizeof(e->cgname), name) < 0)
		e->cgname[0] = '\0';
	e->path[0] = '\0';
	e->str2[0] = '\0';
	{
		__u32 tid = e->tid;
		struct dcea_task *t = bpf_map_lookup_elem(&dcea_tasks, &tid);

		/* a task that entered a container from outside: the container's alert, not its
		 * own cgroup's (the loader names the cgroup by its id) */
		if (t && (t->flags & DCEA_CT_ENTERED)) {
			e->cgroup_id = t->cgroup_id;
			e->cgname[0] = '\0';
		}
	}
	return e;
}

static __always_inline struct dcea_event *event_start(__u32 kind, __u32 rule, int action)
{
	return event_start_task(current_task(), kind, rule, action);
}

/* Kill the whole thread group: a pending SIGKILL also makes a fork in progress fail. */
static __always_inline void act(int action)
{
	if (action == DCEA_ACT_KILL)
		bpf_send_signal(SIGKILL);
}

static __always_inline bool block_mode(void)
{
	struct dcea_config *c = cfg();

	return c && c->mode == DCEA_MODE_BLOCK;
}

/*
 * A map had no room for what the current task does: report it (never silent), and in block mode
 * kill the task. For a container being set up (the new container's runtime set-up or entrypoint)
 * that fails closed for the new container only: containers already tracked stay enforced. For a
 * container task's connect or recvmsg that could not be marked (dcea_scratch, dcea_recv_ls), it
 * fails closed for that task: its exit would not be judged. Audit mode lets it run unwatched, as
 * audit mode stops nothing.
 */
static __always_inline void map_full(__u32 map)
{
	int action = block_mode() ? DCEA_ACT_KILL : DCEA_ACT_ALERT;
	struct dcea_event *e = event_start(DCEA_EV_MAP_FULL, 0, action);

	if (e) {
		e->map_full.map = map;
		event_submit(e);
	}
	act(action);
}

/*
 * Report a match that carries no strings but the syscall's name (a literal); no action taken.
 * The rule's numbers: `member` of the event's union and its fields, e.g.
 * report_noact(DCEA_R_SETNS, action, "setns", setns, .changed = changed).
 */
#define report_noact(rule, action, what, member, ...)                                              \
	({                                                                                         \
		struct dcea_event *__e = event_start(DCEA_EV_RULE, rule, action);                  \
		_Static_assert(sizeof(what) <= DCEA_STR2_LEN, "name too long");                    \
		if (__e) {                                                                         \
			__e->member = (typeof(__e->member)){ __VA_ARGS__ };                        \
			__builtin_memcpy(__e->str2, what, sizeof(what));                           \
			event_submit(__e);                                                         \
		}                                                                                  \
	})

/* The same, then kill when that is the action (the fallback backend's syscall rules). */
#define report(rule, action, what, member, ...)                                                    \
	({                                                                                         \
		report_noact(rule, action, what, member, __VA_ARGS__);                             \
		act(action);                                                                       \
	})

#endif
