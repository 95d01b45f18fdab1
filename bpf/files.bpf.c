// SPDX-License-Identifier: GPL-2.0-only
/*
 * Files a container task opened, judged on the opened file rather than the path string (which a
 * relative path or a symlink bypasses): knob files outside /proc/sys opened for writing
 * (release_agent, binfmt_misc register, uevent_helper, sysrq-trigger...), namespace files and
 * memory of tasks outside the container, and any file on a mount that is not in the task's own
 * mount namespace (/proc/<pid>/root of a host task, a leaked host fd's cwd). The fallback backend
 * kills on syscall exit: the task dies before it can write or read through the fd.
 * Also connects to container-runtime sockets, judged by the listening socket's bound path.
 */
#include "bpf/judge.bpf.h"
#include "bpf/behave.bpf.h"
#include "bpf/routes.bpf.h"

#define AF_UNIX	  1
#define S_IFSOCK_ 0140000

static __always_inline int check_open(long ret)
{
	judge_opened_fd(ret, DCEA_RT_SYSCALL, false);
	return 0;
}

SEC("tp/syscalls/sys_exit_openat")
int watch_openat(struct trace_event_raw_sys_exit *ctx)
{
	return check_open(ctx->ret);
}

/*
 * watch_openat where the kernel has bpf_rdonly_cast (6.2+): the same checks, the file read by
 * plain loads instead of probe reads. openat is how libc opens files: the hot path of every
 * container. The loader attaches one of the two, under watch_openat's name (state.c).
 */
SEC("tp/syscalls/sys_exit_openat")
int watch_openat_cast(struct trace_event_raw_sys_exit *ctx)
{
	judge_opened_fd(ctx->ret, DCEA_RT_SYSCALL, true);
	return 0;
}

SEC("tp/syscalls/sys_exit_openat2")
int watch_openat2(struct trace_event_raw_sys_exit *ctx)
{
	return check_open(ctx->ret);
}

SEC("tp/syscalls/sys_exit_open")
int watch_open(struct trace_event_raw_sys_exit *ctx)
{
	return check_open(ctx->ret);
}

SEC("tp/syscalls/sys_exit_open_by_handle_at")
int watch_open_by_handle_exit(struct trace_event_raw_sys_exit *ctx)
{
	return check_open(ctx->ret);
}

/* A descriptor taken from another process: judged like a file the task opened itself. */
SEC("tp/syscalls/sys_exit_pidfd_getfd")
int watch_pidfd_getfd_exit(struct trace_event_raw_sys_exit *ctx)
{
	judge_opened_fd(ctx->ret, DCEA_RT_PIDFD, false);
	return 0;
}

__noinline int foreign_dir_g(__u64 fds, __u64 idx, __u64 own_ns)
{
	struct file *f = NULL;

	bpf_probe_read_kernel(&f, sizeof(f), (void *)(fds + idx * sizeof(f)));
	if (!f || !mnt_outside(BPF_CORE_READ(f, f_path.mnt), (void *)own_ns))
		return 0;
	return (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) == S_IFDIR;
}

__noinline int foreign_dir_cast_g(__u64 fds, __u64 idx, __u64 own_ns)
{
	struct kiocb *k;
	struct mount *m;
	struct file *f;

	/* the slot as a struct whose first field is a file pointer (cur_fd_file_cast()) */
	if (bpf_core_field_offset(struct kiocb, ki_filp) != 0)
		return foreign_dir_g(fds, idx, own_ns);
	k = bpf_rdonly_cast((void *)(fds + idx * sizeof(void *)),
			    bpf_core_type_id_kernel(struct kiocb));
	f = k->ki_filp;
	if (!f)
		return 0;
	m = bpf_rdonly_cast((void *)f->f_path.mnt - bpf_core_field_offset(struct mount, mnt),
			    bpf_core_type_id_kernel(struct mount));
	if (!mnt_ns_foreign(m->mnt_ns, (void *)own_ns))
		return 0;
	return (f->f_inode->i_mode & S_IFMT) == S_IFDIR;
}

/*
 * recvmsg(2) and recvmmsg(2) of a container task on a unix socket: the thread is marked from
 * entry to exit (an entry in dcea_scratch, like connect's); on exit every directory the task holds
 * is judged (judge_held_dirs()). A mark that cannot be kept (the map full: more container threads
 * in connect and recvmsg at once than it holds, which a container can make on purpose) fails
 * closed: map_full(), the task killed in block mode.
 */
static __always_inline void stash_recv(long fd)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct socket *sock;
	struct file *f;
	__u64 v = fd;

	if (!current_ct_task())
		return;
	f = current_fd_file(fd);
	if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK_)
		return;
	sock = BPF_CORE_READ(f, private_data);
	if (!sock || BPF_CORE_READ(sock, sk, __sk_common.skc_family) != AF_UNIX)
		return;
	if (bpf_map_update_elem(&dcea_scratch, &tid, &v, BPF_ANY))
		map_full(DCEA_MAP_SCRATCH);
}

/*
 * stash_recv() where the kernel has bpf_rdonly_cast (6.2+): the socket's family by plain loads, the
 * mark in the thread's local storage instead of a hash entry (a recvmsg on a unix socket cost 0.5
 * us more here with the hash and probe reads).
 */
static __always_inline void stash_recv_cast(long fd)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct socket *sock;
	struct file *f;
	__u32 *v;

	if (!dcea_task_storage) {
		stash_recv(fd);
		return;
	}
	if (!ct_task_of(cur))
		return;
	f = cur_fd_file_cast(cur, fd);
	if (!f || (f->f_inode->i_mode & S_IFMT) != S_IFSOCK_)
		return;
	sock = bpf_rdonly_cast(f->private_data, bpf_core_type_id_kernel(struct socket));
	if (!sock->sk || sock->sk->__sk_common.skc_family != AF_UNIX)
		return;
	v = bpf_task_storage_get(&dcea_recv_ls, cur, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (v)
		*v = 1;
	else
		map_full(DCEA_MAP_SCRATCH); /* no memory for the mark */
}

static __always_inline void recv_done(long ret, bool loop)
{
	__u32 tid;

	if (loop && dcea_task_storage) {
		struct task_struct *cur = bpf_get_current_task_btf();
		__u32 *v;

		if (ls_none(cur))
			return;
		v = bpf_task_storage_get(&dcea_recv_ls, cur, 0, 0);
		if (!v || !*v)
			return;
		*v = 0;
		if (ret >= 0)
			judge_held_dirs(ct_task_of(cur), DCEA_RT_SCM, loop);
		return;
	}
	tid = (__u32)bpf_get_current_pid_tgid();
	if (!bpf_map_lookup_elem(&dcea_scratch, &tid))
		return;
	bpf_map_delete_elem(&dcea_scratch, &tid);
	if (ret >= 0)
		judge_held_dirs(current_ct_task(), DCEA_RT_SCM, loop);
}

SEC("tp/syscalls/sys_enter_recvmsg")
int stash_recvmsg(struct trace_event_raw_sys_enter *ctx)
{
	stash_recv(ctx->args[0]);
	return 0;
}

SEC("tp/syscalls/sys_enter_recvmsg")
int stash_recvmsg_cast(struct trace_event_raw_sys_enter *ctx)
{
	stash_recv_cast(ctx->args[0]);
	return 0;
}

SEC("tp/syscalls/sys_enter_recvmmsg")
int stash_recvmmsg(struct trace_event_raw_sys_enter *ctx)
{
	stash_recv(ctx->args[0]);
	return 0;
}

SEC("tp/syscalls/sys_enter_recvmmsg")
int stash_recvmmsg_cast(struct trace_event_raw_sys_enter *ctx)
{
	stash_recv_cast(ctx->args[0]);
	return 0;
}

/*
 * A program on a syscall's exit and its _cast twin (the one that loads where the kernel has
 * bpf_rdonly_cast, and with it bpf_loop: the whole descriptor table), both calling fn(ret, loop).
 */
#define EXIT_TWINS(name, sc, fn)                                                                   \
	SEC("tp/syscalls/sys_exit_" #sc)                                                           \
	int name(struct trace_event_raw_sys_exit *ctx)                                             \
	{                                                                                          \
		fn(ctx->ret, false);                                                               \
		return 0;                                                                          \
	}                                                                                          \
	SEC("tp/syscalls/sys_exit_" #sc)                                                           \
	int name##_cast(struct trace_event_raw_sys_exit *ctx)                                      \
	{                                                                                          \
		fn(ctx->ret, true);                                                                \
		return 0;                                                                          \
	}

EXIT_TWINS(watch_recvmsg, recvmsg, recv_done)
EXIT_TWINS(watch_recvmmsg, recvmmsg, recv_done)

/*
 * A directory of the host held across an exec (close-on-exec ones are closed by then): an fd a
 * runtime or an agent leaked into the container (CVE-2024-21626's), judged like one received, on
 * the exec's return: after track_exec (sched_process_exec) made the task a container's, before the
 * new program's first instruction. A program of its own: inlined into track_exec, the judgement's
 * stack went over the 512 bytes.
 */
static __always_inline void exec_done(long ret, bool loop)
{
	if (ret == 0)
		judge_held_dirs(current_ct_task(), DCEA_RT_INHERIT, loop);
}

EXIT_TWINS(watch_execve_fds, execve, exec_done)
EXIT_TWINS(watch_execveat_fds, execveat, exec_done)

/*
 * connect(2) of a container task: the fd is kept from entry to exit (dcea_scratch, or with task
 * local storage the thread's dcea_connect_ls: no map a container could fill for the others) and
 * the connected socket judged on exit: its peer's bound path (a runtime socket by a name the entry
 * could not see: a symlink) and the custom connect rules. A mark that cannot be kept fails closed
 * as stash_recv()'s does: an unmarked connect's exit is not judged.
 */
static __always_inline void connect_done(struct dcea_task *t, long ret, long fd)
{
	struct sock_name key = {};
	struct unix_sock *us;
	struct socket *sock;
	struct file *f;
	char path[108] = {};
	int action;

	if (ret != 0 || !t)
		return;
	f = fd_file(current_task(), fd);
	sock = f ? BPF_CORE_READ(f, private_data) : NULL;
	if (!sock || BPF_CORE_READ(sock, sk, __sk_common.skc_family) != AF_UNIX)
		return;
	/* the server side of a connected stream socket carries the listener's bound address */
	us = (struct unix_sock *)BPF_CORE_READ(sock, sk);
	us = (struct unix_sock *)BPF_CORE_READ(us, peer);
	if (runtime_socket(us, path, &key)) {
		action = decide(DCEA_R_RUNTIME_SOCKET, t, DCEA_ACT_KILL);
		if (action >= 0) {
			socket_report(action, path, &key, fd, DCEA_RT_SYSCALL);
			act(action);
			if (action == DCEA_ACT_KILL)
				return;
		}
	}
	if (path[0] == '/') {
		struct path_buf *pb = path_buf();
		long n;

		if (!pb)
			return;
		n = bpf_probe_read_kernel_str(pb->s, sizeof(path), path);
		pb->start = 0;
		pb->len = n > 0 ? n - 1 : 0;
		pb->truncated = n <= 0;
		act(custom_check(DCEA_K_CONNECT, t, path_buf_match(pb), path_str(pb), fd));
	}
}

static __always_inline void connect_stash_map(long fd)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 v = fd;

	if (current_ct_task() && bpf_map_update_elem(&dcea_scratch, &tid, &v, BPF_ANY))
		map_full(DCEA_MAP_SCRATCH);
}

static __always_inline void connect_done_map(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *fdp = bpf_map_lookup_elem(&dcea_scratch, &tid);
	long fd;

	if (!fdp)
		return;
	fd = *fdp;
	bpf_map_delete_elem(&dcea_scratch, &tid);
	connect_done(current_ct_task(), ret, fd);
}

SEC("tp/syscalls/sys_enter_connect")
int stash_connect(struct trace_event_raw_sys_enter *ctx)
{
	connect_stash_map(ctx->args[0]);
	return 0;
}

/* stash_connect() where the kernel has bpf_rdonly_cast (6.2+), in the thread's local storage */
SEC("tp/syscalls/sys_enter_connect")
int stash_connect_cast(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	__u64 *v;

	if (!dcea_task_storage) {
		connect_stash_map(ctx->args[0]);
		return 0;
	}
	if (!ct_task_of(cur))
		return 0;
	v = bpf_task_storage_get(&dcea_connect_ls, cur, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (v)
		*v = (__u64)ctx->args[0] + 1; /* 0: no connect under way */
	else
		map_full(DCEA_MAP_SCRATCH); /* no memory for the mark */
	return 0;
}

SEC("tp/syscalls/sys_exit_connect")
int watch_connect(struct trace_event_raw_sys_exit *ctx)
{
	connect_done_map(ctx->ret);
	return 0;
}

SEC("tp/syscalls/sys_exit_connect")
int watch_connect_cast(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	__u64 *v;
	long fd;

	if (!dcea_task_storage) {
		connect_done_map(ctx->ret);
		return 0;
	}
	if (ls_none(cur))
		return 0;
	v = bpf_task_storage_get(&dcea_connect_ls, cur, 0, 0);
	if (!v || !*v)
		return 0;
	fd = (long)(*v - 1);
	*v = 0;
	connect_done(ct_task_of(cur), ctx->ret, fd);
	return 0;
}
