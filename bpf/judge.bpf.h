/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What makes a mount, an opened file or a unix-socket peer an escape step. Shared by the fallback
 * programs (tracepoints) and the LSM programs, which differ only in how they act.
 */
#ifndef DCEA_JUDGE_BPF_H
#define DCEA_JUDGE_BPF_H

#include "bpf/common.bpf.h"

#define MS_RDONLY  1
#define MS_REMOUNT 32
#define MS_BIND	   4096
#define MS_MOVE	   8192
#define MS_PROPAGATION                                                                             \
	((1 << 17) | (1 << 18) | (1 << 19) | (1 << 20)) /* UNBINDABLE|PRIVATE|SLAVE|SHARED */
#define FMODE_WRITE	 0x2
#define NSFS_MAGIC	 0x6e736673
#define PROC_SUPER_MAGIC 0x9fa0

/*
 * enum dcea_mount_kind of a mount. Propagation-only changes (MS_PRIVATE, MS_SLAVE, MS_SHARED,
 * MS_UNBINDABLE) are ignored: every runtime and init system makes them. `dev_is_path`: the source
 * starts with "/dev/".
 */
static __always_inline __u32 classify_mount(__u64 flags, struct fs_name *fs, bool dev_is_path)
{
	if (flags & MS_REMOUNT)
		return !(flags & MS_RDONLY) && !(flags & MS_BIND) ? DCEA_MK_REMOUNT_RW
								  : DCEA_MK_NONE;
	if (flags & (MS_BIND | MS_MOVE))
		return DCEA_MK_BIND;
	if (flags & MS_PROPAGATION)
		return DCEA_MK_NONE;
	if (bpf_map_lookup_elem(&dcea_fstypes, fs))
		return DCEA_MK_FSTYPE;
	return dev_is_path && fs->name[0] ? DCEA_MK_DISK : DCEA_MK_NONE;
}

static __always_inline bool is_dev_path(const char *s)
{
	return s[0] == '/' && s[1] == 'd' && s[2] == 'e' && s[3] == 'v' && s[4] == '/';
}

static __always_inline bool in_baseline(struct dcea_task *t, __u64 ino)
{
	struct dcea_container *ct = bpf_map_lookup_elem(&dcea_containers, &t->cgroup_id);

	if (!ct)
		return true; /* no baseline (adopted without one): fail open, the setns rule still
				runs */
	for (int i = 0; i < DCEA_NS_MAX; i++)
		if (ct->ns[i] == ino)
			return true;
	return false;
}

/* a0, a1: dcea_ev_object's `what` and `id` */
struct file_verdict {
	__u32 rule;
	__u64 a0, a1;
};

/* struct dentry's inline name: d_iname before 6.14, d_shortname since */
struct dentry___iname {
	unsigned char d_iname[32];
} __attribute__((preserve_access_index));

#define FILE_WIN   96 /* bytes of struct file read at once: f_mode and f_path */
#define DENTRY_WIN 96 /* bytes of struct dentry read at once: d_name, the inline name, d_sb */
#define LEAF_LEN   32 /* sizeof(struct leaf_name) */

/*
 * What the checks on an opened file read of it, each field read once. A probe read costs about
 * as much as a hash lookup here (25-70 ns, measured on 6.18), so neighbouring fields are read as
 * one window where every kernel's layout keeps them close (CO-RE offsets, a constant once loaded:
 * the other branch is dead), one by one otherwise.
 */
struct file_facts {
	struct vfsmount *mnt;
	struct dentry *d;
	__u64 magic;
	__u32 fmode;
	__u32 name_len;
	__u32 name_inline; /* the name is the dentry's inline one, in dwin */
	__u32 mnt_ns_read; /* mnt_ns is the mount's namespace (file_facts_cast()) */
	void *mnt_ns;
	__u64 dwin[DENTRY_WIN / 8];
};

static __always_inline __u32 dentry_name_off(void)
{
	struct dentry___iname *o = (void *)0;

	if (bpf_core_field_exists(((struct dentry *)0)->d_shortname))
		return bpf_core_field_offset(struct dentry, d_shortname);
	return bpf_core_field_offset(o->d_iname);
}

/* Where the dentry window starts: the lowest of the three fields, 8-aligned. */
static __always_inline __u32 dentry_win_lo(void)
{
	__u32 dn = bpf_core_field_offset(struct dentry, d_name);
	__u32 dsb = bpf_core_field_offset(struct dentry, d_sb);
	__u32 din = dentry_name_off();

	return (dn < dsb ? (dn < din ? dn : din) : (dsb < din ? dsb : din)) & ~7U;
}

/* `cur`: current_task_btf() */
static __always_inline void file_facts(struct file *f, struct file_facts *ff,
				       struct task_struct *cur)
{
	__u32 om = bpf_core_field_offset(struct file, f_mode);
	__u32 op = bpf_core_field_offset(struct file, f_path);
	__u32 flo = (om < op ? om : op) & ~7U;
	__u32 dn = bpf_core_field_offset(struct dentry, d_name);
	__u32 dsb = bpf_core_field_offset(struct dentry, d_sb);
	__u32 din = dentry_name_off();
	__u32 dlo = dentry_win_lo();
	struct dentry *d;
	struct super_block *sb;
	const unsigned char *name;

	ff->name_inline = 0;
	ff->name_len = 0;
	ff->mnt_ns_read = 0;
	if (om + 4 <= flo + FILE_WIN && op + 16 <= flo + FILE_WIN) {
		__u64 w[FILE_WIN / 8];

		bpf_probe_read_kernel(w, sizeof(w), (void *)f + flo);
		ff->fmode = *(__u32 *)((void *)w + (om - flo));
		ff->mnt = *(struct vfsmount **)((void *)w + (op - flo));
		ff->d = *(struct dentry **)((void *)w + (op - flo) + 8);
	} else {
		struct path p = {};

		bpf_core_read(&p, sizeof(p), &f->f_path);
		ff->mnt = p.mnt;
		ff->d = p.dentry;
		ff->fmode = BPF_CORE_READ(f, f_mode);
	}
	d = ff->d;
	if (dn + 16 <= dlo + DENTRY_WIN && dsb + 8 <= dlo + DENTRY_WIN &&
	    din + LEAF_LEN <= dlo + DENTRY_WIN) {
		bpf_probe_read_kernel(ff->dwin, sizeof(ff->dwin), (void *)d + dlo);
		/* struct qstr: the 64-bit hash_len (length in the upper half), then the pointer */
		ff->name_len = *(__u64 *)((void *)ff->dwin + (dn - dlo)) >> 32;
		name = *(const unsigned char **)((void *)ff->dwin + (dn - dlo) + 8);
		sb = *(struct super_block **)((void *)ff->dwin + (dsb - dlo));
		ff->name_inline = (void *)name == (void *)d + din;
	} else {
		sb = BPF_CORE_READ(d, d_sb);
	}
	/* most files a container opens are on its root file system, whose magic is a direct load */
	if (have_task_btf()) {
		struct super_block *rsb = cur->fs->root.mnt->mnt_sb;

		if (sb == rsb) {
			ff->magic = rsb->s_magic;
			return;
		}
	}
	ff->magic = BPF_CORE_READ(sb, s_magic);
}

/*
 * bpf_rdonly_cast (6.2+): any address as a read-only BTF pointer of a type, its fields read by
 * plain loads that the kernel guards like a probe read's (a fault reads zero). Weak: only the
 * open programs' _cast variants call it, and the loader turns those off where it is missing
 * (state.c). The verifier replaces the call with a register move.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/*
 * file_facts() without a helper call, for the _cast variants: the file, its dentry, super block
 * and mount are BTF pointers, read by plain loads; the mount's namespace is read here too
 * (classify_facts() needs it for all but a few files). The inline name's first LEAF_LEN bytes go
 * where file_facts() puts them in the dentry window, so leaf_listed() reads them the same way.
 */
static __always_inline void file_facts_cast(struct file *fp, struct file_facts *ff)
{
	struct file *f = bpf_rdonly_cast(fp, bpf_core_type_id_kernel(struct file));
	struct dentry *d = f->f_path.dentry;
	__u32 din = dentry_name_off();
	__u32 dlo = dentry_win_lo();
	struct mount *m;

	ff->fmode = f->f_mode;
	ff->mnt = f->f_path.mnt;
	ff->d = d;
	ff->name_len = d->d_name.len;
	ff->name_inline = 0;
	/* 8-byte stores in the window: the verifier refuses a misaligned stack access */
	if (din + LEAF_LEN <= dlo + DENTRY_WIN && !(din & 7) &&
	    (void *)d->d_name.name == (void *)d + din) {
#pragma unroll
		for (__u32 k = 0; k < LEAF_LEN / 8; k++)
			ff->dwin[(din - dlo) / 8 + k] = *(__u64 *)((void *)d + din + 8 * k);
		ff->name_inline = 1;
	}
	ff->magic = d->d_sb->s_magic;
	/* struct mount embeds the vfsmount: the cast takes the address below it */
	m = bpf_rdonly_cast((void *)ff->mnt - bpf_core_field_offset(struct mount, mnt),
			    bpf_core_type_id_kernel(struct mount));
	ff->mnt_ns = m->mnt_ns;
	ff->mnt_ns_read = 1;
}

/*
 * Judge a file a container task opened: a knob file opened for writing, a namespace file or the
 * memory of a task outside its container, or any file on a mount outside its mount namespace
 * (`own_ns`: /proc/<pid>/root of a host task, a leaked host fd). Returns true with `v` filled on a
 * match. A file opened for reading on a mount of its own namespace, neither on nsfs nor procfs,
 * costs one probe read here (its mount's namespace). What it matches must pass open_may_matter()
 * (bpf/routes.bpf.h) too: the open programs skip this for a file that does not.
 */
static __always_inline bool classify_facts(struct dcea_task *t, void *own_ns,
					   const struct file_facts *ff, struct file_verdict *v)
{
	struct dentry *d = ff->d;
	__u64 magic = ff->magic;
	struct knob_file key = {};
	void *mnt_ns;
	struct mount *m;
	__u32 *rule;

	if (ff->fmode & FMODE_WRITE) {
		struct dcea_file_key fk = {
			.dev = BPF_CORE_READ(d, d_sb, s_dev),
			.ino = BPF_CORE_READ(d, d_inode, i_ino),
		};

		/* one of dcea's own files: with O_TRUNC the kernel has truncated it already */
		__u32 *prot = bpf_map_lookup_elem(&dcea_protect, &fk);

		if (prot && (*prot & DCEA_PROT_FILE)) {
			v->rule = DCEA_R_TAMPER;
			v->a0 = DCEA_TAMPER_FILE;
			v->a1 = fk.ino;
			return true;
		}
		key.magic = magic;
		bpf_probe_read_kernel_str(key.name, sizeof(key.name),
					  BPF_CORE_READ(d, d_name.name));
		rule = bpf_map_lookup_elem(&dcea_knobfiles, &key);
		if (rule) {
			v->rule = *rule;
			v->a0 = magic;
			v->a1 = 0;
			return true;
		}
	}
	if (magic == NSFS_MAGIC) {
		__u64 ino = BPF_CORE_READ(d, d_inode, i_ino);

		v->rule = DCEA_R_PROC_HOST;
		v->a0 = DCEA_PH_NSFILE;
		v->a1 = ino;
		return !in_baseline(t, ino);
	}
	if (magic == PROC_SUPER_MAGIC) {
		char n[4] = {};

		bpf_probe_read_kernel(n, sizeof(n), BPF_CORE_READ(d, d_name.name));
		if (n[0] == 'm' && n[1] == 'e' && n[2] == 'm' && n[3] == 0) {
			struct inode *ino = BPF_CORE_READ(d, d_inode);
			struct proc_inode *pi =
				(void *)ino - bpf_core_field_offset(struct proc_inode, vfs_inode);
			__u32 host_pid = BPF_CORE_READ(pi, pid, numbers[0].nr);
			struct dcea_task *tt = bpf_map_lookup_elem(&dcea_tasks, &host_pid);

			v->rule = DCEA_R_PROC_HOST;
			v->a0 = DCEA_PH_PROC_MEM;
			v->a1 = host_pid;
			return !(tt && tt->cgroup_id == t->cgroup_id);
		}
	}
	/* struct mount embeds the vfsmount; internal mounts (pipes, sockets) carry an error pointer
	 */
	if (ff->mnt_ns_read) {
		mnt_ns = ff->mnt_ns;
	} else {
		m = (void *)ff->mnt - bpf_core_field_offset(struct mount, mnt);
		mnt_ns = BPF_CORE_READ(m, mnt_ns);
	}
	if (!mnt_ns_foreign(mnt_ns, own_ns))
		return false;
	v->rule = DCEA_R_PROC_HOST;
	v->a0 = DCEA_PH_FOREIGN_MOUNT;
	v->a1 = BPF_CORE_READ((struct mnt_namespace *)mnt_ns, ns.inum);
	return true;
}

static __always_inline bool classify_file(struct dcea_task *t, struct task_struct *task,
					  struct file *f, struct file_verdict *v)
{
	struct file_facts ff;

	file_facts(f, &ff, current_task_btf());
	return classify_facts(t, BPF_CORE_READ(task, nsproxy, mnt_ns), &ff, v);
}

#define PF_IO_WORKER_ 0x10
#define PF_EXITING_   0x4

/*
 * How the task reached the object, for hooks that cannot tell (the LSM hooks, the classic
 * open's): an io_uring worker (io-wq or SQPOLL, PF_IO_WORKER) does the work of an io_uring
 * request.
 */
static __always_inline __u32 route_of(__u32 route)
{
	if (route == DCEA_RT_SYSCALL && (BPF_CORE_READ(current_task(), flags) & PF_IO_WORKER_))
		return DCEA_RT_IO_URING;
	return route;
}

/* a0, a1: the event's object.what and object.id; route: enum dcea_route, how the task reached
 * the file */
static __always_inline void file_report_route(__u32 rule, int action, struct file *f, __u64 a0,
					      __u64 a1, __u32 route)
{
	struct dcea_event *e = event_start(DCEA_EV_RULE, rule, action);
	struct dentry *d = BPF_CORE_READ(f, f_path.dentry);

	if (e) {
		e->object.what = a0;
		e->object.id = a1;
		e->object.route = route_of(route);
		bpf_probe_read_kernel_str(e->str2, sizeof(e->str2),
					  BPF_CORE_READ(d, d_parent, d_name.name));
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), BPF_CORE_READ(d, d_name.name));
		event_submit(e);
	}
}

#define file_report(rule, action, f, a0, a1) file_report_route(rule, action, f, a0, a1, 0)

/*
 * The bound path of a listening unix socket (a connected stream socket's peer carries it too) and
 * whether its basename is a watched runtime socket.
 */
static __always_inline bool runtime_socket(struct unix_sock *us, char path[108],
					   struct sock_name *key)
{
	struct unix_address *addr = BPF_CORE_READ(us, addr);
	int i, slash = -1;

	if (!addr)
		return false;
	if (bpf_probe_read_kernel_str(path, 108, &addr->name[0].sun_path) <= 0)
		return false;
	for (i = 0; i < 108 && path[i]; i++)
		if (path[i] == '/')
			slash = i;
	bpf_probe_read_kernel_str(key->name, sizeof(key->name),
				  (void *)&addr->name[0].sun_path + ((slash + 1) & 0x7f));
	return bpf_map_lookup_elem(&dcea_socks, key) != NULL;
}

static __always_inline void socket_report(int action, const char path[108], struct sock_name *key,
					  __u64 fd, __u32 route)
{
	struct dcea_event *e = event_start(DCEA_EV_RULE, DCEA_R_RUNTIME_SOCKET, action);

	if (e) {
		e->object.fd = fd;
		e->object.route = route_of(route);
		__builtin_memcpy(e->path, path, 108);
		__builtin_memcpy(e->str2, key->name, sizeof(key->name));
		event_submit(e);
	}
}

#endif
