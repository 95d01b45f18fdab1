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

#define AF_UNIX 1

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

SEC("tp/syscalls/sys_enter_connect")
int stash_connect(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 fd = ctx->args[0];

	if (current_ct_task())
		bpf_map_update_elem(&dcea_scratch, &tid, &fd, BPF_ANY);
	return 0;
}

SEC("tp/syscalls/sys_exit_connect")
int watch_connect(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sock_name key = {};
	struct unix_sock *us;
	struct dcea_task *t;
	struct socket *sock;
	struct file *f;
	char path[108] = {};
	__u64 *fdp;
	int action;
	long fd;

	fdp = bpf_map_lookup_elem(&dcea_scratch, &tid);
	if (!fdp)
		return 0;
	fd = *fdp;
	bpf_map_delete_elem(&dcea_scratch, &tid);
	t = current_ct_task();
	if (ctx->ret != 0 || !t)
		return 0;
	f = fd_file(current_task(), fd);
	sock = f ? BPF_CORE_READ(f, private_data) : NULL;
	if (!sock || BPF_CORE_READ(sock, sk, __sk_common.skc_family) != AF_UNIX)
		return 0;
	/* the server side of a connected stream socket carries the listener's bound address */
	us = (struct unix_sock *)BPF_CORE_READ(sock, sk);
	us = (struct unix_sock *)BPF_CORE_READ(us, peer);
	if (runtime_socket(us, path, &key)) {
		action = decide(DCEA_R_RUNTIME_SOCKET, t, DCEA_ACT_KILL);
		if (action >= 0) {
			socket_report(action, path, &key, fd, DCEA_RT_SYSCALL);
			act(action);
			if (action == DCEA_ACT_KILL)
				return 0;
		}
	}
	if (path[0] == '/') {
		struct path_buf *pb = path_buf();
		long n;

		if (!pb)
			return 0;
		n = bpf_probe_read_kernel_str(pb->s, sizeof(path), path);
		pb->start = 0;
		pb->len = n > 0 ? n - 1 : 0;
		pb->truncated = n <= 0;
		act(custom_check(DCEA_K_CONNECT, t, path_buf_match(pb), path_str(pb), fd));
	}
	return 0;
}
