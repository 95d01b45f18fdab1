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
#include "bpf/common.bpf.h"

#define FMODE_WRITE	 0x2
#define NSFS_MAGIC	 0x6e736673
#define PROC_SUPER_MAGIC 0x9fa0
#define AF_UNIX		 1

/* PROC_HOST sub-kinds, in arg[0] */
enum { PH_NSFILE = 1, PH_FOREIGN_MOUNT = 2, PH_PROC_MEM = 3 };

static __always_inline struct file *fd_file(struct task_struct *task, long fd)
{
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	struct file *f = NULL;

	if (fd < 0 || fd >= (long)BPF_CORE_READ(task, files, fdt, max_fds))
		return NULL;
	bpf_core_read(&f, sizeof(f), &fds[fd & 0xfffff]);
	return f;
}

static __always_inline void file_report(__u32 rule, int action, struct dentry *d, __u64 a0, __u64 a1)
{
	struct dcea_event *e = event_start(DCEA_EV_RULE, rule, action);
	const unsigned char *name;

	if (e) {
		e->arg[0] = a0;
		e->arg[1] = a1;
		name = BPF_CORE_READ(d, d_parent, d_name.name);
		bpf_probe_read_kernel_str(e->str2, sizeof(e->str2), name);
		name = BPF_CORE_READ(d, d_name.name);
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), name);
		bpf_ringbuf_submit(e, 0);
	}
	act(action);
}

static __always_inline bool in_baseline(struct dcea_task *t, __u64 ino)
{
	struct dcea_container *ct = bpf_map_lookup_elem(&dcea_containers, &t->cgroup_id);

	if (!ct)
		return true; /* no baseline (adopted without one): fail open, the setns rule still runs */
	for (int i = 0; i < DCEA_NS_MAX; i++)
		if (ct->ns[i] == ino)
			return true;
	return false;
}

static __always_inline int check_open(long ret)
{
	struct dcea_task *t;
	struct task_struct *task;
	struct file *f;
	struct dentry *d;
	struct knob_file key = {};
	struct mount *m;
	void *mnt_ns, *own_ns;
	__u32 *rule;
	__u64 magic;
	int action;

	if (ret < 0)
		return 0;
	t = current_ct_task();
	if (!t)
		return 0;
	task = bpf_get_current_task_btf();
	f = fd_file(task, ret);
	if (!f)
		return 0;
	d = BPF_CORE_READ(f, f_path.dentry);
	magic = BPF_CORE_READ(d, d_sb, s_magic);

	if (BPF_CORE_READ(f, f_mode) & FMODE_WRITE) {
		key.magic = magic;
		bpf_probe_read_kernel_str(key.name, sizeof(key.name), BPF_CORE_READ(d, d_name.name));
		rule = bpf_map_lookup_elem(&dcea_knobfiles, &key);
		if (rule) {
			action = decide(*rule, t, DCEA_ACT_KILL);
			if (action >= 0)
				file_report(*rule, action, d, magic, 0);
			return 0;
		}
	}
	if (magic == NSFS_MAGIC) {
		__u64 ino = BPF_CORE_READ(d, d_inode, i_ino);

		if (in_baseline(t, ino))
			return 0;
		action = decide(DCEA_R_PROC_HOST, t, DCEA_ACT_KILL);
		if (action >= 0)
			file_report(DCEA_R_PROC_HOST, action, d, PH_NSFILE, ino);
		return 0;
	}
	if (magic == PROC_SUPER_MAGIC) {
		const unsigned char *name = BPF_CORE_READ(d, d_name.name);
		char n[4] = {};

		bpf_probe_read_kernel(n, sizeof(n), name);
		if (n[0] == 'm' && n[1] == 'e' && n[2] == 'm' && n[3] == 0) {
			struct inode *ino = BPF_CORE_READ(d, d_inode);
			struct proc_inode *pi = (void *)ino - bpf_core_field_offset(struct proc_inode, vfs_inode);
			__u32 host_pid = BPF_CORE_READ(pi, pid, numbers[0].nr);
			struct dcea_task *tt = bpf_map_lookup_elem(&dcea_tasks, &host_pid);

			if (tt && tt->cgroup_id == t->cgroup_id)
				return 0;
			action = decide(DCEA_R_PROC_HOST, t, DCEA_ACT_KILL);
			if (action >= 0)
				file_report(DCEA_R_PROC_HOST, action, d, PH_PROC_MEM, host_pid);
			return 0;
		}
	}
	/* struct mount embeds the vfsmount; internal mounts (pipes, sockets) carry an error pointer */
	m = (void *)BPF_CORE_READ(f, f_path.mnt) - bpf_core_field_offset(struct mount, mnt);
	mnt_ns = BPF_CORE_READ(m, mnt_ns);
	own_ns = BPF_CORE_READ(task, nsproxy, mnt_ns);
	if (!mnt_ns || (unsigned long)mnt_ns >= (unsigned long)-4095 || mnt_ns == own_ns)
		return 0;
	action = decide(DCEA_R_PROC_HOST, t, DCEA_ACT_KILL);
	if (action >= 0)
		file_report(DCEA_R_PROC_HOST, action, d, PH_FOREIGN_MOUNT, BPF_CORE_READ((struct mnt_namespace *)mnt_ns, ns.inum));
	return 0;
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
	struct unix_sock *us, *peer;
	struct unix_address *addr;
	struct sock_name key = {};
	struct dcea_task *t;
	struct dcea_event *e;
	struct socket *sock;
	struct file *f;
	__u64 *fdp;
	char path[108];
	int action, i, slash = -1;
	long fd;

	fdp = bpf_map_lookup_elem(&dcea_scratch, &tid);
	if (!fdp)
		return 0;
	fd = *fdp;
	bpf_map_delete_elem(&dcea_scratch, &tid);
	t = current_ct_task();
	if (ctx->ret != 0 || !t)
		return 0;
	f = fd_file(bpf_get_current_task_btf(), fd);
	sock = f ? BPF_CORE_READ(f, private_data) : NULL;
	if (!sock || BPF_CORE_READ(sock, sk, __sk_common.skc_family) != AF_UNIX)
		return 0;
	/* the server side of a connected stream socket carries the listener's bound address */
	us = (struct unix_sock *)BPF_CORE_READ(sock, sk);
	peer = (struct unix_sock *)BPF_CORE_READ(us, peer);
	addr = BPF_CORE_READ(peer, addr);
	if (!addr)
		return 0;
	if (bpf_probe_read_kernel_str(path, sizeof(path), &addr->name[0].sun_path) <= 0)
		return 0;
	for (i = 0; i < (int)sizeof(path) && path[i]; i++)
		if (path[i] == '/')
			slash = i;
	bpf_probe_read_kernel_str(key.name, sizeof(key.name),
				  (void *)&addr->name[0].sun_path + ((slash + 1) & 0x7f));
	if (!bpf_map_lookup_elem(&dcea_socks, &key))
		return 0;
	action = decide(DCEA_R_RUNTIME_SOCKET, t, DCEA_ACT_KILL);
	if (action < 0)
		return 0;
	e = event_start(DCEA_EV_RULE, DCEA_R_RUNTIME_SOCKET, action);
	if (e) {
		e->arg[0] = fd;
		__builtin_memcpy(e->path, path, sizeof(path));
		__builtin_memcpy(e->str2, key.name, sizeof(key.name));
		bpf_ringbuf_submit(e, 0);
	}
	act(action);
	return 0;
}
