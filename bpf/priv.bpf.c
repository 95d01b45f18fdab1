// SPDX-License-Identifier: GPL-2.0-only
/*
 * Privilege changes and dangerous syscalls from a container task (fallback backend: kill on
 * entry). The task never returns to user space, so a raised capability, a uid 0 or a loaded
 * program is never used by it; a module or kexec image requested is still loaded by the kernel,
 * which the docs and `dcea status` say.
 */
#include "bpf/behave.bpf.h"
#include "bpf/routes.bpf.h"

#define PTRACE_ATTACH 16
#define PTRACE_SEIZE  0x4206
#define BPF_PROG_LOAD 5

static __always_inline int simple(__u32 rule, __u64 arg, const char (*what)[24])
{
	struct dcea_task *t = current_ct_task();
	int action;

	if (!t)
		return 0;
	action = decide(rule, t, DCEA_ACT_KILL);
	if (action >= 0)
		report(rule, action, *what, call, .arg = arg);
	return 0;
}

#define SIMPLE(fn, tp, rule, a0)                                                                   \
	SEC("tp/syscalls/sys_enter_" #tp)                                                          \
	int fn(struct trace_event_raw_sys_enter *ctx)                                              \
	{                                                                                          \
		static const char name[24] = #tp;                                                  \
		return simple(rule, a0, &name);                                                    \
	}

SIMPLE(watch_init_module, init_module, DCEA_R_MODULE_LOAD, ctx->args[1])
SIMPLE(watch_finit_module, finit_module, DCEA_R_MODULE_LOAD, ctx->args[0])
SIMPLE(watch_open_by_handle_at, open_by_handle_at, DCEA_R_OPEN_BY_HANDLE, ctx->args[0])
SIMPLE(watch_kexec_load, kexec_load, DCEA_R_KEXEC, ctx->args[0])
SIMPLE(watch_kexec_file_load, kexec_file_load, DCEA_R_KEXEC, ctx->args[0])

SEC("tp/syscalls/sys_enter_bpf")
int watch_bpf(struct trace_event_raw_sys_enter *ctx)
{
	static const char name[24] = "bpf";

	/* every command: a container has no business with BPF objects, dcea's pins included */
	return simple(DCEA_R_BPF_LOAD, ctx->args[0], &name);
}

/* capset raising the effective or inheritable set beyond what the task has now. */
SEC("tp/syscalls/sys_enter_capset")
int watch_capset(struct trace_event_raw_sys_enter *ctx)
{
	static const char name[24] = "capset";
	struct dcea_task *t = current_ct_task();
	struct task_struct *task;
	__u32 data[6] = {}; /* two struct __user_cap_data_struct: effective, permitted, inheritable
			     */
	__u64 eff, inh, cur_eff, cur_inh;
	int action;

	if (!t || !ctx->args[1])
		return 0;
	if (bpf_probe_read_user(data, sizeof(data), (void *)ctx->args[1])) {
		/* in a page not yet faulted in: judged as raising everything (fails closed) */
		static const char unreadable[24] = "capset (unreadable)";

		action = decide(DCEA_R_CAPSET, t, DCEA_ACT_KILL);
		if (action >= 0)
			report(DCEA_R_CAPSET, action, unreadable, capset, .effective = ~0ULL,
			       .inheritable = ~0ULL,
			       .cur_effective = task_caps(current_task(), cap_effective));
		return 0;
	}
	eff = data[0] | ((__u64)data[3] << 32);
	inh = data[2] | ((__u64)data[5] << 32);
	task = current_task();
	/* kernel_cap_t is a u64 since 6.3 and two u32 before: the same 8 bytes on little endian */
	cur_eff = task_caps(task, cap_effective);
	cur_inh = task_caps(task, cap_inheritable);
	if ((eff & ~cur_eff) | (inh & ~cur_inh)) {
		action = decide(DCEA_R_CAPSET, t, DCEA_ACT_KILL);
		if (action >= 0) {
			report(DCEA_R_CAPSET, action, name, capset, .effective = eff,
			       .inheritable = inh, .cur_effective = cur_eff);
			if (action == DCEA_ACT_KILL)
				return 0;
		}
	}
	act(custom_check(DCEA_K_CAPSET, t, 0, NULL, eff));
	return 0;
}

/* setuid/setgid family to 0 from a task whose effective id is not 0; (uid_t)-1 means unchanged. */
static __always_inline int to_root(__u64 a, __u64 b, __u64 c, int n, bool gid,
				   const char (*what)[24])
{
	struct dcea_task *t = current_ct_task();
	__u32 cur;
	int action;

	if (!t)
		return 0;
	/* the effective id decides what the task may do; bpf_get_current_uid_gid() is the real one
	 */
	if (gid)
		cur = BPF_CORE_READ(current_task(), cred, egid.val);
	else
		cur = BPF_CORE_READ(current_task(), cred, euid.val);
	if (cur != 0 && ((__u32)a == 0 || (n > 1 && (__u32)b == 0) || (n > 2 && (__u32)c == 0))) {
		action = decide(DCEA_R_SETUID_ROOT, t, DCEA_ACT_KILL);
		if (action >= 0) {
			report(DCEA_R_SETUID_ROOT, action, *what, setid, .from = cur, .gid = gid);
			if (action == DCEA_ACT_KILL)
				return 0;
		}
	}
	act(custom_check(DCEA_K_SETUID, t, 0, NULL, a));
	return 0;
}

#define TO_ROOT(tp, n, gid)                                                                        \
	SEC("tp/syscalls/sys_enter_" #tp)                                                          \
	int watch_##tp(struct trace_event_raw_sys_enter *ctx)                                      \
	{                                                                                          \
		static const char name[24] = #tp;                                                  \
		return to_root(ctx->args[0], ctx->args[1], ctx->args[2], n, gid, &name);           \
	}

TO_ROOT(setuid, 1, false)
TO_ROOT(setreuid, 2, false)
TO_ROOT(setresuid, 3, false)
TO_ROOT(setgid, 1, true)
TO_ROOT(setregid, 2, true)
TO_ROOT(setresgid, 3, true)

/*
 * ptrace or process_vm_writev of a process outside the container. A target pid is in the caller's
 * pid namespace: only a container sharing the host's (--pid=host) can name a host process, and
 * there the number is the host pid that keys the tasks map.
 */
static __always_inline int ptrace_foreign(struct dcea_task *t, __u32 target, __u64 req,
					  const char (*what)[24])
{
	int action;

	if (!target || own_task(t, target))
		return 0;
	action = decide(DCEA_R_PTRACE, t, DCEA_ACT_KILL);
	if (action >= 0)
		report(DCEA_R_PTRACE, action, *what, ptrace, .request = req, .target_pid = target);
	return 0;
}

static __always_inline int foreign_target(__u32 target, __u64 req, const char (*what)[24])
{
	struct dcea_task *t = current_ct_task();
	struct dcea_config *c = cfg();

	if (!t || !c || task_pidns(current_task()) != c->host_ns[DCEA_NS_PID])
		return 0;
	return ptrace_foreign(t, target, req, what);
}

SEC("tp/syscalls/sys_enter_ptrace")
int watch_ptrace(struct trace_event_raw_sys_enter *ctx)
{
	static const char name[24] = "ptrace";

	if (ctx->args[0] != PTRACE_ATTACH && ctx->args[0] != PTRACE_SEIZE)
		return 0;
	return foreign_target(ctx->args[1], ctx->args[0], &name);
}

SEC("tp/syscalls/sys_enter_process_vm_writev")
int watch_process_vm_writev(struct trace_event_raw_sys_enter *ctx)
{
	static const char name[24] = "process_vm_writev";

	return foreign_target(ctx->args[0], 0, &name);
}

SEC("tp/syscalls/sys_enter_process_vm_readv")
int watch_process_vm_readv(struct trace_event_raw_sys_enter *ctx)
{
	static const char name[24] = "process_vm_readv";

	return foreign_target(ctx->args[0], 0, &name);
}

#define PID_FS_MAGIC_	     0x50494446
#define ANON_INODE_FS_MAGIC_ 0x09041934

/*
 * The host pid of the process a pidfd refers to, 0 if fd is not a pidfd: the struct pid is the
 * inode's private data on pidfs (6.9+), the file's on an anon inode named "[pidfd]" before. Any
 * other file's private data is something else: never read as a struct pid (a benign call with a
 * wrong fd, which the kernel refuses anyway, is not a foreign target).
 */
static __always_inline __u32 pidfd_target(long fd)
{
	struct file *f = fd_file(current_task(), fd);
	__u64 magic;
	struct pid *p = NULL;
	char n[8] = {};

	if (!f)
		return 0;
	magic = BPF_CORE_READ(f, f_inode, i_sb, s_magic);
	if (magic == PID_FS_MAGIC_) {
		p = BPF_CORE_READ(f, f_inode, i_private);
	} else if (magic == ANON_INODE_FS_MAGIC_) {
		bpf_probe_read_kernel_str(n, sizeof(n),
					  BPF_CORE_READ(f, f_path.dentry, d_name.name));
		if (n[0] == '[' && n[1] == 'p' && n[2] == 'i' && n[3] == 'd' && n[4] == 'f' &&
		    n[5] == 'd' && n[6] == ']')
			p = BPF_CORE_READ(f, private_data);
	}
	return p ? BPF_CORE_READ(p, numbers[0].nr) : 0;
}

/*
 * The pidfd family: pidfd_getfd copies a descriptor out of another process, process_madvise
 * changes its memory; both check ptrace access, which the LSM backend's ptrace_access_check
 * denies. A pidfd names a process whatever pid namespace it was opened in: its host pid decides.
 */
static __always_inline int foreign_pidfd(long fd, __u64 req, const char (*what)[24])
{
	struct dcea_task *t = current_ct_task();

	return t ? ptrace_foreign(t, pidfd_target(fd), req, what) : 0;
}

SEC("tp/syscalls/sys_enter_pidfd_getfd")
int watch_pidfd_getfd(struct trace_event_raw_sys_enter *ctx)
{
	static const char name[24] = "pidfd_getfd";

	return foreign_pidfd(ctx->args[0], ctx->args[1], &name);
}

/*
 * On the LSM backend, a process_madvise of a process outside the container is marked for the
 * length of the syscall (dcea_madvise): 7.x's mm_access() accepts a caller that is
 * perfmon_capable() when its ptrace check failed, so deny_ptrace_host alone does not refuse it
 * there; deny_madvise_perfmon (lsm.bpf.c) refuses those capabilities to a marked thread.
 */
static __always_inline void madvise_mark(long fd)
{
	struct dcea_task *t = current_ct_task();
	__u32 rule = DCEA_R_PTRACE, tid, target;
	struct dcea_rule_cfg *rc;

	if (!t)
		return;
	rc = bpf_map_lookup_elem(&dcea_rules, &rule);
	if (!rc || !rc->enabled || !rc->lsm)
		return;
	target = pidfd_target(fd);
	if (!target || own_task(t, target))
		return;
	tid = (__u32)bpf_get_current_pid_tgid();
	if (bpf_map_update_elem(&dcea_madvise, &tid, &target, BPF_ANY))
		map_full(
			DCEA_MAP_MADVISE); /* deny_madvise_perfmon would not see it: fails closed */
}

SEC("tp/syscalls/sys_enter_process_madvise")
int watch_process_madvise(struct trace_event_raw_sys_enter *ctx)
{
	static const char name[24] = "process_madvise";

	madvise_mark(ctx->args[0]);
	return foreign_pidfd(ctx->args[0], ctx->args[3], &name);
}

SEC("tp/syscalls/sys_exit_process_madvise")
int watch_process_madvise_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&dcea_madvise, &tid);
	return 0;
}

/*
 * Tamper resistance: a signal from a container to the dcea loader (a container sharing the host's
 * pid namespace can name it). Killed on entry, so the signal is never sent.
 */
static __always_inline int to_loader(__u32 target, __u64 sig, const char (*what)[24])
{
	struct dcea_task *t = current_ct_task();
	struct dcea_config *c = cfg();
	int action;

	if (!t || !c || !c->loader_tgid || target != c->loader_tgid)
		return 0;
	action = decide(DCEA_R_TAMPER, t, DCEA_ACT_KILL);
	if (action < 0)
		return 0;
	/*
	 * The kill on entry does not stop the signal (the kernel finishes the syscall): name the
	 * sender so that the loader ignores what it receives from it.
	 */
	if (action == DCEA_ACT_KILL)
		c->tamper_tgid = bpf_get_current_pid_tgid() >> 32;
	report(DCEA_R_TAMPER, action, *what, object, .signal = sig, .target_pid = target);
	return 0;
}

SEC("tp/syscalls/sys_enter_kill")
int watch_kill(struct trace_event_raw_sys_enter *ctx)
{
	static const char name[24] = "kill";

	return to_loader(ctx->args[0], ctx->args[1], &name);
}

SEC("tp/syscalls/sys_enter_tgkill")
int watch_tgkill(struct trace_event_raw_sys_enter *ctx)
{
	static const char name[24] = "tgkill";

	return to_loader(ctx->args[0], ctx->args[2], &name);
}
