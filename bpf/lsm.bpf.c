// SPDX-License-Identifier: GPL-2.0-only
/*
 * The LSM backend: the same judgements as the fallback programs, but the operation fails with
 * -EPERM before it happens. Each program acts only on rules the loader gave to the LSM backend
 * (dcea_rule_cfg.lsm), after the self-test proved that BPF LSM really runs on this kernel: with
 * `bpf` missing from lsm= a program loads and attaches and is never called.
 * Hooks change across kernels; the loader checks each hook's argument count in the kernel's BTF
 * and switches off a program whose hook is missing or different, so BPF_PROG never reads `ret`
 * from the wrong slot. setns and unshare have no LSM hook: the fallback keeps them.
 * dcea's own pins and files are guarded here too (dcea_tamper): the fallback can only see an
 * unlink or umount after it happened and puts the pins back; these hooks refuse it.
 */
#include "bpf/judge.bpf.h"

#define EPERM_RET (-EPERM)

static __always_inline int lsm_decide(__u32 rule, struct dcea_task **tp)
{
	struct dcea_task *t = current_ct_task();

	*tp = t;
	return t ? decide_in(rule, t, DCEA_ACT_DENY, 1) : -1;
}

static __always_inline int verdict(int action)
{
	return action == DCEA_ACT_DENY ? EPERM_RET : 0;
}

SEC("lsm/sb_mount")
int BPF_PROG(deny_mount, const char *dev_name, const struct path *path, const char *type,
	     unsigned long flags, void *data, int ret)
{
	struct fs_name fs = {};
	struct dcea_event *e;
	struct dcea_task *t;
	char dev[5] = {};
	__u32 kind;
	int action;

	if (ret)
		return ret;
	action = lsm_decide(DCEA_R_MOUNT, &t);
	if (action < 0)
		return 0;
	if (type)
		bpf_probe_read_kernel_str(fs.name, sizeof(fs.name), type);
	if (dev_name)
		bpf_probe_read_kernel(dev, sizeof(dev), dev_name);
	kind = classify_mount(flags, &fs, is_dev_path(dev));
	if (kind == DCEA_MK_NONE)
		return 0;
	e = event_start(DCEA_EV_RULE, DCEA_R_MOUNT, action);
	if (e) {
		e->mount.flags = flags;
		e->mount.kind = kind;
		if (dev_name)
			bpf_probe_read_kernel_str(e->path, sizeof(e->path), dev_name);
		__builtin_memcpy(e->str2, fs.name, sizeof(fs.name));
		event_submit(e);
	}
	return verdict(action);
}

/* Attaching a mount made with the new API (fsmount, open_tree clone) or moving one. */
SEC("lsm/move_mount")
int BPF_PROG(deny_move_mount, const struct path *from_path, const struct path *to_path, int ret)
{
	struct dcea_task *t;
	int action;

	if (ret)
		return ret;
	action = lsm_decide(DCEA_R_MOUNT_API, &t);
	if (action < 0)
		return 0;
	report_noact(DCEA_R_MOUNT_API, action, "move_mount", mount_api, .flags = 0);
	return verdict(action);
}

static __always_inline bool name_is(const char n[16], const char *s, int len)
{
	for (int i = 0; i < len; i++)
		if (n[i] != s[i])
			return false;
	return true;
}

/*
 * The host pid of the task whose memory-derived procfs file (environ, auxv, maps, smaps,
 * smaps_rollup, numa_maps, pagemap) `d` is, 0 for any other file. Up to 6.x their open asks
 * ptrace_access_check (PTRACE_MODE_READ), which deny_ptrace_host refuses for a task outside the
 * container; 7.x's mm_access() then also accepts a perfmon_capable() caller, so a privileged
 * container read a host process's environ on 7.2 under a 'deny' alert. Judged here, before the
 * file's own open runs: the same outcome on every kernel.
 */
static __always_inline __u32 proc_mm_file_pid(struct dentry *d)
{
	struct proc_inode *pi;
	struct inode *ino;
	char n[16] = {};

	if (BPF_CORE_READ(d, d_sb, s_magic) != PROC_SUPER_MAGIC)
		return 0;
	bpf_probe_read_kernel_str(n, sizeof(n), BPF_CORE_READ(d, d_name.name));
	if (!name_is(n, "environ", 8) && !name_is(n, "auxv", 5) && !name_is(n, "maps", 5) &&
	    !name_is(n, "smaps", 6) && !name_is(n, "smaps_rollup", 13) &&
	    !name_is(n, "numa_maps", 10) && !name_is(n, "pagemap", 8))
		return 0;
	ino = BPF_CORE_READ(d, d_inode);
	pi = (void *)ino - bpf_core_field_offset(struct proc_inode, vfs_inode);
	return BPF_CORE_READ(pi, pid, numbers[0].nr);
}

SEC("lsm/file_open")
int BPF_PROG(deny_file_open, struct file *file, int ret)
{
	struct dcea_task *t = current_ct_task();
	struct file_verdict v;
	int action;

	if (ret || !t)
		return ret;
	if (!classify_file(t, current_task(), file, &v)) {
		__u32 pid = proc_mm_file_pid(BPF_CORE_READ(file, f_path.dentry));
		struct dcea_task *tt;

		if (!pid)
			return 0;
		tt = bpf_map_lookup_elem(&dcea_tasks, &pid);
		if (tt && tt->cgroup_id == t->cgroup_id)
			return 0;
		action = decide_in(DCEA_R_PTRACE, t, DCEA_ACT_DENY, 1);
		if (action < 0)
			return 0;
		report_noact(DCEA_R_PTRACE, action, "proc_mm_file", ptrace, .target_pid = pid);
		return verdict(action);
	}
	action = decide_in(v.rule, t, DCEA_ACT_DENY, 1);
	if (action < 0)
		return 0;
	file_report(v.rule, action, file, v.a0, v.a1);
	return verdict(action);
}

SEC("lsm/capset")
int BPF_PROG(deny_capset, struct cred *new, const struct cred *old, const kernel_cap_t *effective,
	     const kernel_cap_t *inheritable, const kernel_cap_t *permitted, int ret)
{
	__u64 eff = 0, inh = 0, cur_eff = 0, cur_inh = 0;
	struct dcea_task *t;
	int action;

	if (ret)
		return ret;
	action = lsm_decide(DCEA_R_CAPSET, &t);
	if (action < 0)
		return 0;
	/* kernel_cap_t is a u64 since 6.3 and two u32 before: the same 8 bytes on little endian */
	bpf_probe_read_kernel(&eff, sizeof(eff), effective);
	bpf_probe_read_kernel(&inh, sizeof(inh), inheritable);
	bpf_core_read(&cur_eff, sizeof(cur_eff), &old->cap_effective);
	bpf_core_read(&cur_inh, sizeof(cur_inh), &old->cap_inheritable);
	if (!((eff & ~cur_eff) | (inh & ~cur_inh)))
		return 0;
	report_noact(DCEA_R_CAPSET, action, "capset", capset, .effective = eff, .inheritable = inh,
		     .cur_effective = cur_eff);
	return verdict(action);
}

SEC("lsm/task_fix_setuid")
int BPF_PROG(deny_setuid_root, struct cred *new, const struct cred *old, int flags, int ret)
{
	struct dcea_task *t;
	__u32 from;
	int action;

	if (ret)
		return ret;
	from = BPF_CORE_READ(old, euid.val);
	if (from == 0 || (BPF_CORE_READ(new, euid.val) != 0 && BPF_CORE_READ(new, uid.val) != 0 &&
			  BPF_CORE_READ(new, suid.val) != 0))
		return 0;
	action = lsm_decide(DCEA_R_SETUID_ROOT, &t);
	if (action < 0)
		return 0;
	report_noact(DCEA_R_SETUID_ROOT, action, "setuid", setid, .from = from, .gid = 0);
	return verdict(action);
}

SEC("lsm/task_fix_setgid")
int BPF_PROG(deny_setgid_root, struct cred *new, const struct cred *old, int flags, int ret)
{
	struct dcea_task *t;
	__u32 from;
	int action;

	if (ret)
		return ret;
	from = BPF_CORE_READ(old, egid.val);
	if (from == 0 || (BPF_CORE_READ(new, egid.val) != 0 && BPF_CORE_READ(new, gid.val) != 0 &&
			  BPF_CORE_READ(new, sgid.val) != 0))
		return 0;
	action = lsm_decide(DCEA_R_SETUID_ROOT, &t);
	if (action < 0)
		return 0;
	report_noact(DCEA_R_SETUID_ROOT, action, "setgid", setid, .from = from, .gid = 1);
	return verdict(action);
}

/* ptrace (and process_vm_writev, which checks PTRACE_MODE_ATTACH) of a task outside the container
 */
SEC("lsm/ptrace_access_check")
int BPF_PROG(deny_ptrace_host, struct task_struct *child, unsigned int mode, int ret)
{
	struct dcea_task *t, *tt;
	__u32 target;
	int action;

	if (ret)
		return ret;
	action = lsm_decide(DCEA_R_PTRACE, &t);
	if (action < 0)
		return 0;
	target = BPF_CORE_READ(child, pid);
	tt = bpf_map_lookup_elem(&dcea_tasks, &target);
	if (tt && tt->cgroup_id == t->cgroup_id)
		return 0;
	report_noact(DCEA_R_PTRACE, action, "ptrace", ptrace, .request = mode,
		     .target_pid = BPF_CORE_READ(child, tgid));
	return verdict(action);
}

/*
 * process_madvise of a task outside the container on 7.x: mm_access() grants PTRACE_MODE_READ
 * access to a caller that is perfmon_capable() (CAP_PERFMON, else CAP_SYS_ADMIN) even when
 * ptrace_access_check refused it, so the denial above (already reported) did not stop the advice
 * (measured on 7.2 from a privileged container). For the length of such a call (dcea_madvise, set
 * and cleared by the process_madvise tracepoints, priv.bpf.c) those two capabilities are refused
 * to the thread: mm_access() then fails with EACCES. The syscall needs neither otherwise; before
 * 7.x the ptrace denial ends the call first. Unmarked threads pay one map lookup, and only for
 * these two capabilities.
 */
#define CAP_SYS_ADMIN_ 21
#define CAP_PERFMON_   38

SEC("lsm/capable")
int BPF_PROG(deny_madvise_perfmon, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct dcea_task *t;
	int action;

	if (ret)
		return ret;
	if ((cap != CAP_PERFMON_ && cap != CAP_SYS_ADMIN_) ||
	    !bpf_map_lookup_elem(&dcea_madvise, &tid))
		return 0;
	action = lsm_decide(DCEA_R_PTRACE, &t);
	return action < 0 ? 0 : verdict(action);
}

/* The bpf hook has 3 arguments before 6.9 and 4 after (a `kernel` flag): one program each. */
static __always_inline int bpf_cmd(int cmd, int ret)
{
	struct dcea_task *t;
	int action;

	if (ret)
		return ret;
	action = lsm_decide(DCEA_R_BPF_LOAD, &t);
	if (action < 0)
		return 0;
	report_noact(DCEA_R_BPF_LOAD, action, "bpf", call, .arg = cmd);
	return verdict(action);
}

SEC("lsm/bpf")
int BPF_PROG(deny_bpf_load3, int cmd, union bpf_attr *attr, unsigned int size, int ret)
{
	return bpf_cmd(cmd, ret);
}

SEC("lsm/bpf")
int BPF_PROG(deny_bpf_load4, int cmd, union bpf_attr *attr, unsigned int size, bool kernel, int ret)
{
	return bpf_cmd(cmd, ret);
}

/* Kernel modules and kexec images, by buffer (init_module, kexec_load) or by file. */
static __always_inline int load_id(int id, int ret)
{
	struct dcea_task *t;
	__u32 rule;
	int action;

	if (ret)
		return ret;
	/* enum kernel_read_file_id / kernel_load_data_id: 1 FIRMWARE, 2 MODULE, 3 KEXEC_IMAGE,
	 * 4 KEXEC_INITRAMFS, 5 POLICY, 6 X509_CERTIFICATE */
	if (id == 2)
		rule = DCEA_R_MODULE_LOAD;
	else if (id == 3 || id == 4)
		rule = DCEA_R_KEXEC;
	else
		return 0;
	action = lsm_decide(rule, &t);
	if (action < 0)
		return 0;
	report_noact(rule, action, "kernel_load", call, .arg = id);
	return verdict(action);
}

SEC("lsm/kernel_load_data")
int BPF_PROG(deny_kernel_load_data, int id, bool contents, int ret)
{
	return load_id(id, ret);
}

SEC("lsm/kernel_read_file")
int BPF_PROG(deny_kernel_read_file, struct file *file, int id, bool contents, int ret)
{
	return load_id(id, ret);
}

/* Judged on the listening socket, so a symlink or a relative path changes nothing. */
SEC("lsm/unix_stream_connect")
int BPF_PROG(deny_runtime_socket, struct sock *sock, struct sock *other, struct sock *newsk,
	     int ret)
{
	struct sock_name key = {};
	struct dcea_task *t;
	char path[108];
	int action;

	if (ret)
		return ret;
	action = lsm_decide(DCEA_R_RUNTIME_SOCKET, &t);
	if (action < 0)
		return 0;
	if (!runtime_socket((struct unix_sock *)other, path, &key))
		return 0;
	socket_report(action, path, &key, 0, DCEA_RT_SYSCALL);
	return verdict(action);
}

/* A signal from a container to the dcea loader, by any syscall (kill, tgkill, pidfd_send_signal).
 */
SEC("lsm/task_kill")
int BPF_PROG(deny_signal_loader, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred, int ret)
{
	struct dcea_config *c = cfg();
	struct dcea_task *t;
	__u32 target;
	int action;

	if (ret)
		return ret;
	target = BPF_CORE_READ(p, tgid);
	if (!c || !c->loader_tgid || target != c->loader_tgid)
		return 0;
	action = lsm_decide(DCEA_R_TAMPER, &t);
	if (action < 0)
		return 0;
	report_noact(DCEA_R_TAMPER, action, "signal", object, .signal = sig, .target_pid = target);
	return verdict(action);
}

/* --- path operations in a directory on a mount outside the task's mount namespace ------------
 * (proc_host_access): a host directory fd leaked into the container (passed over a unix socket, a
 * working directory outside) reaches host files with mkdirat/symlinkat/linkat/unlinkat/renameat
 * and fchmodat, and no /proc/<pid> link is walked, so ptrace_access_check never asks. The same
 * judgement as file_open's of a file on a foreign mount (classify_facts) and the fallback's
 * walk_check; here the operation fails with EPERM before the kernel makes it. An internal mount
 * (error pointer) or one of no namespace is not judged (fail open: nothing a container can walk
 * to). */
static __always_inline int deny_foreign_dir(const struct path *dir, struct dentry *d, __u32 what,
					    int ret)
{
	struct mount *m;
	struct dcea_event *e;
	struct dcea_task *t;
	void *ns;
	int action;

	if (ret)
		return ret;
	t = current_ct_task();
	if (!t || !dir)
		return 0;
	m = (void *)BPF_CORE_READ(dir, mnt) - bpf_core_field_offset(struct mount, mnt);
	ns = BPF_CORE_READ(m, mnt_ns);
	if (!mnt_ns_foreign(ns, BPF_CORE_READ(current_task(), nsproxy, mnt_ns)))
		return 0;
	action = decide_in(DCEA_R_PROC_HOST, t, DCEA_ACT_DENY, 1);
	if (action < 0)
		return 0;
	e = event_start(DCEA_EV_RULE, DCEA_R_PROC_HOST, action);
	if (e) {
		e->object.kind = DCEA_PH_WALK; /* target pid 0: from a directory outside */
		e->object.op = what;
		e->object.route = route_of(DCEA_RT_SYSCALL);
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), BPF_CORE_READ(d, d_name.name));
		event_submit(e);
	}
	return verdict(action);
}

SEC("lsm/path_mkdir")
int BPF_PROG(deny_mkdir_foreign, const struct path *dir, struct dentry *dentry, umode_t mode,
	     int ret)
{
	return deny_foreign_dir(dir, dentry, DCEA_WALK_MKDIR, ret);
}

SEC("lsm/path_symlink")
int BPF_PROG(deny_symlink_foreign, const struct path *dir, struct dentry *dentry,
	     const char *old_name, int ret)
{
	return deny_foreign_dir(dir, dentry, DCEA_WALK_SYMLINK, ret);
}

SEC("lsm/path_link")
int BPF_PROG(deny_link_foreign, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	return deny_foreign_dir(new_dir, new_dentry, DCEA_WALK_LINK, ret);
}

SEC("lsm/path_unlink")
int BPF_PROG(deny_unlink_foreign, const struct path *dir, struct dentry *dentry, int ret)
{
	return deny_foreign_dir(dir, dentry, DCEA_WALK_UNLINK, ret);
}

SEC("lsm/path_rmdir")
int BPF_PROG(deny_rmdir_foreign, const struct path *dir, struct dentry *dentry, int ret)
{
	return deny_foreign_dir(dir, dentry, DCEA_WALK_UNLINK, ret);
}

/* the object itself on a foreign mount: a mode changed by path (fchmodat) */
SEC("lsm/path_chmod")
int BPF_PROG(deny_chmod_foreign, const struct path *path, umode_t mode, int ret)
{
	return deny_foreign_dir(path, BPF_CORE_READ(path, dentry), DCEA_WALK_CHMOD, ret);
}

/*
 * A node made in a directory: mknod(2) of a fifo or a socket, and bind(2) of a unix socket to a
 * path (unix_bind makes its file through security_path_mknod, S_IFSOCK), by io_uring too
 * (IORING_OP_BIND, 6.11+). Its arguments are pointers and integers on every kernel (no struct by
 * value, which stopped path_chown on 5.10): the program loads wherever path_mknod exists.
 */
#define S_IFMT_	  00170000
#define S_IFSOCK_ 0140000
SEC("lsm/path_mknod")
int BPF_PROG(deny_mknod_foreign, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev, int ret)
{
	return deny_foreign_dir(
		dir, dentry, (mode & S_IFMT_) == S_IFSOCK_ ? DCEA_WALK_BIND : DCEA_WALK_MKNOD, ret);
}

/*
 * No path_chown program: its kuid_t and kgid_t are struct arguments, which BPF trampolines take
 * only from 6.0 (5.10 refuses to load the program, and with it the whole LSM object). The
 * fallback's chown walk stays in force only on the fallback backend: a chown relative to a leaked
 * host directory is not judged by the LSM backend (docs/ROUTES.md).
 */

/* path_rename has 4 arguments before 5.19, 5 after (flags): the loader loads the one that fits */
static __always_inline int rename_foreign(const struct path *old_dir, struct dentry *old_dentry,
					  const struct path *new_dir, struct dentry *new_dentry,
					  int ret)
{
	ret = deny_foreign_dir(old_dir, old_dentry, DCEA_WALK_RENAME, ret);
	return ret ? ret : deny_foreign_dir(new_dir, new_dentry, DCEA_WALK_RENAME, ret);
}

SEC("lsm/path_rename")
int BPF_PROG(deny_rename_foreign4, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, int ret)
{
	return rename_foreign(old_dir, old_dentry, new_dir, new_dentry, ret);
}

SEC("lsm/path_rename")
int BPF_PROG(deny_rename_foreign5, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	return rename_foreign(old_dir, old_dentry, new_dir, new_dentry, ret);
}

/* --- dcea's pins and files: unlink, rmdir, rename, truncate, umount (dcea_tamper) -------------
 * Every hook asks first whether the caller is a container task: most of these calls are the
 * host's, and that is one lookup instead of one per inode. */

static __always_inline __u32 protection(struct inode *inode)
{
	struct dcea_file_key k;
	__u32 *v;

	if (!inode)
		return 0;
	k.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	k.ino = BPF_CORE_READ(inode, i_ino);
	v = bpf_map_lookup_elem(&dcea_protect, &k);
	return v ? *v : 0;
}

/* Is removing or renaming `d` out of directory `dir` (NULL: no directory to check) tampering? */
static __always_inline bool guarded_entry(struct inode *dir, struct dentry *d)
{
	return (protection(dir) & DCEA_PROT_DIR) || protection(BPF_CORE_READ(d, d_inode));
}

static __always_inline int guard_verdict(__u32 kind, struct dentry *d, int ret)
{
	struct dcea_event *e;
	struct dcea_task *t;
	int action;

	if (ret)
		return ret;
	action = lsm_decide(DCEA_R_TAMPER, &t);
	if (action < 0)
		return 0;
	e = event_start(DCEA_EV_RULE, DCEA_R_TAMPER, action);
	if (e) {
		e->object.kind = kind;
		e->object.inode = BPF_CORE_READ(d, d_inode, i_ino);
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), BPF_CORE_READ(d, d_name.name));
		bpf_probe_read_kernel_str(e->str2, sizeof(e->str2),
					  BPF_CORE_READ(d, d_parent, d_name.name));
		event_submit(e);
	}
	return verdict(action);
}

SEC("lsm/inode_unlink")
int BPF_PROG(deny_unlink_guarded, struct inode *dir, struct dentry *dentry, int ret)
{
	if (ret || !current_ct_task() || !guarded_entry(dir, dentry))
		return ret;
	return guard_verdict(DCEA_TAMPER_UNLINK, dentry, ret);
}

SEC("lsm/inode_rmdir")
int BPF_PROG(deny_rmdir_guarded, struct inode *dir, struct dentry *dentry, int ret)
{
	if (ret || !current_ct_task() || !guarded_entry(dir, dentry))
		return ret;
	return guard_verdict(DCEA_TAMPER_RMDIR, dentry, ret);
}

/* Out of a pin directory or into one, the guarded entry itself, or over a guarded entry (the
 * atomic replacement of a file by rename). */
SEC("lsm/inode_rename")
int BPF_PROG(deny_rename_guarded, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry, int ret)
{
	if (ret || !current_ct_task())
		return ret;
	if (guarded_entry(old_dir, old_dentry))
		return guard_verdict(DCEA_TAMPER_RENAME, old_dentry, ret);
	if (guarded_entry(new_dir, new_dentry))
		return guard_verdict(DCEA_TAMPER_RENAME, new_dentry, ret);
	return 0;
}

/* truncate(2) by path; an open with O_TRUNC is refused earlier, by file_open. */
SEC("lsm/path_truncate")
int BPF_PROG(deny_truncate_guarded, const struct path *path, int ret)
{
	struct dentry *d = BPF_CORE_READ(path, dentry);

	if (ret || !current_ct_task() || !(protection(BPF_CORE_READ(d, d_inode)) & DCEA_PROT_FILE))
		return ret;
	return guard_verdict(DCEA_TAMPER_TRUNCATE, d, ret);
}

/* The mount of dcea's bpffs (its root) or of a pin directory, as seen in the caller's namespace. */
SEC("lsm/sb_umount")
int BPF_PROG(deny_umount_guarded, struct vfsmount *mnt, int flags, int ret)
{
	struct dentry *root = BPF_CORE_READ(mnt, mnt_root);

	if (ret || !current_ct_task() ||
	    !(protection(BPF_CORE_READ(root, d_inode)) & DCEA_PROT_MOUNT))
		return ret;
	return guard_verdict(DCEA_TAMPER_UMOUNT, root, ret);
}
