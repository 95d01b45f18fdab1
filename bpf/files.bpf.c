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

#define AF_UNIX	      1
#define FMODE_READ    0x1
#define FMODE_CREATED 0x100000
#define S_IFMT	      00170000
#define S_IFREG	      0100000

static __always_inline struct file *fd_file(struct task_struct *task, long fd)
{
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	struct file *f = NULL;

	if (fd < 0 || fd >= (long)BPF_CORE_READ(task, files, fdt, max_fds))
		return NULL;
	bpf_core_read(&f, sizeof(f), &fds[fd & 0xfffff]);
	return f;
}

/* Is the file name one of the open patterns' exact file names (lists the loader made)? */
static __always_inline bool leaf_listed(struct dentry *d)
{
	struct leaf_name key = {};

	bpf_probe_read_kernel_str(key.name, sizeof(key.name), BPF_CORE_READ(d, d_name.name));
	return bpf_map_lookup_elem(&dcea_leaves, &key) != NULL;
}

static __always_inline bool has_prefix(const char *s, const char *p, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] != p[i])
			return false;
	return true;
}

/*
 * Behaviour rules and custom rules on an opened file, by its full path: a credential file, a file
 * (not a device node) created under /dev outside /dev/shm and /dev/mqueue, custom open rules. The
 * path is rebuilt only when the policy needs it, or for a file this open created.
 */
static __always_inline int open_behaviour(struct dcea_task *t, struct task_struct *task,
					  struct file *f)
{
	__u32 fmode = BPF_CORE_READ(f, f_mode);
	struct dcea_config *c = cfg();
	struct path_buf *pb;
	bool created;
	__u64 bits;
	int action;

	if (!c)
		return 0;
	created =
		(fmode & FMODE_CREATED) && (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) == S_IFREG;
	if (!created && !(c->path_needs & (DCEA_NEED_OPEN | DCEA_NEED_OPEN_ANY)))
		return 0;
	/* the full path only when its file name can match (a prefix pattern needs it always) */
	pb = NULL;
	bits = 0;
	if (created || (c->path_needs & DCEA_NEED_OPEN_ALL) ||
	    ((c->path_needs & DCEA_NEED_OPEN) && leaf_listed(BPF_CORE_READ(f, f_path.dentry)))) {
		pb = path_of_file(task, f);
		if (!pb)
			return 0;
		bits = path_buf_match(pb);
	}
	if (!pb)
		goto custom;
	if (created && !pb->truncated && has_prefix(path_str(pb), "/dev/", 5) &&
	    !has_prefix(path_str(pb), "/dev/shm/", 9) &&
	    !has_prefix(path_str(pb), "/dev/mqueue/", 12)) {
		action = decide(DCEA_R_DEV_FILE, t, DCEA_ACT_KILL);
		if (action >= 0) {
			path_report(DCEA_R_DEV_FILE, action, pb, S_IFREG, 0, 0);
			act(action);
			if (action == DCEA_ACT_KILL)
				return 0;
		}
	}
	if (bits & DCEA_PM_CRED) {
		action = decide(DCEA_R_CRED_FILE, t, DCEA_ACT_KILL);
		if (action >= 0) {
			path_report(DCEA_R_CRED_FILE, action, pb, !!(fmode & FMODE_WRITE), 0, 0);
			act(action);
			if (action == DCEA_ACT_KILL)
				return 0;
		}
	}
custom:
	action = -1;
	if (fmode & FMODE_WRITE)
		action = custom_check(DCEA_K_OPEN_WRITE, t, bits, pb ? path_str(pb) : NULL, fmode);
	if (action < 0 && (fmode & FMODE_READ))
		action = custom_check(DCEA_K_OPEN_READ, t, bits, pb ? path_str(pb) : NULL, fmode);
	act(action);
	return 0;
}

static __always_inline int check_open(long ret)
{
	struct task_struct *task;
	struct file_verdict v;
	struct dcea_task *t;
	struct file *f;
	int action;

	if (ret < 0)
		return 0;
	t = current_ct_task();
	if (!t)
		return 0;
	task = current_task();
	f = fd_file(task, ret);
	if (!f)
		return 0;
	if (classify_file(t, task, f, &v)) {
		action = decide(v.rule, t, DCEA_ACT_KILL);
		if (action >= 0) {
			file_report(v.rule, action, f, v.a0, v.a1);
			act(action);
			if (action == DCEA_ACT_KILL)
				return 0;
		}
	}
	return open_behaviour(t, task, f);
}

SEC("tp/syscalls/sys_exit_openat")
int watch_openat(struct trace_event_raw_sys_exit *ctx)
{
	return check_open(ctx->ret);
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
			socket_report(action, path, &key, fd);
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
