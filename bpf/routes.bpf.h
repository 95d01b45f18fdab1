/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a route reached, judged on the kernel object whatever the route (issue 14): a file a
 * container task obtained (an open, an io_uring open, a descriptor taken with pidfd_getfd), and a
 * path walk through another task's /proc/<pid> directory or from a directory outside the task's
 * mount namespace. Shared by the syscall programs (files.bpf.c, paths.bpf.c), the io_uring
 * programs (uring.bpf.c) and the pidfd programs (priv.bpf.c).
 */
#ifndef DCEA_ROUTES_BPF_H
#define DCEA_ROUTES_BPF_H

#include "bpf/judge.bpf.h"
#include "bpf/behave.bpf.h"

#define AT_FDCWD_ (-100)
#define WALK_NAME 256 /* a power of two: indexes are masked with it */

#define FMODE_READ    0x1
#define FMODE_CREATED 0x100000
#define S_IFMT	      00170000
#define S_IFREG	      0100000
#define S_IFDIR	      0040000

/*
 * An fd is below the task's max_fds, which fs.nr_open bounds (1 << 20 by default, up to INT_MAX):
 * the index is masked to 31 bits for the verifier, never to less (a 20-bit mask let an fd above
 * 1 << 20, opened after filling the table on a host with a raised fs.nr_open, be judged as the
 * file in a low slot).
 */
#define FD_MASK 0x7fffffffL

static __always_inline struct file *fd_file(struct task_struct *task, long fd)
{
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	struct file *f = NULL;

	if (fd < 0 || fd >= (long)BPF_CORE_READ(task, files, fdt, max_fds))
		return NULL;
	bpf_core_read(&f, sizeof(f), &fds[fd & FD_MASK]);
	return f;
}

/*
 * The same for the current task (`cur`: current_task_btf()), with direct loads where the kernel
 * allows them: one probe read (the array slot: a pointer to pointers is a plain number to the
 * verifier) instead of seven.
 */
static __always_inline struct file *cur_fd_file(struct task_struct *cur, long fd)
{
	struct file *f = NULL;

	if (!have_task_btf())
		return fd_file(current_task(), fd);
	if (fd >= 0) {
		struct fdtable *fdt = cur->files->fdt;
		struct file **fds = fdt->fd;

		if (fd < (long)fdt->max_fds)
			bpf_probe_read_kernel(&f, sizeof(f), &fds[fd & FD_MASK]);
	}
	return f;
}

/*
 * cur_fd_file() without a helper call, for the _cast variants (bpf_rdonly_cast). The fd array is
 * a pointer to pointers, a plain number to the verifier: its slot is cast to a struct whose first
 * field is a file pointer (struct kiocb's ki_filp), and that field is read, the slot's 8 bytes
 * and nothing more. A kernel that moved ki_filp reads the slot with a probe read.
 */
static __always_inline struct file *cur_fd_file_cast(struct task_struct *cur, long fd)
{
	struct fdtable *fdt = cur->files->fdt;
	void *slot;

	if (fd < 0 || fd >= (long)fdt->max_fds)
		return NULL;
	slot = (void *)fdt->fd + (fd & FD_MASK) * sizeof(void *);
	if (bpf_core_field_offset(struct kiocb, ki_filp) == 0) {
		struct kiocb *k = bpf_rdonly_cast(slot, bpf_core_type_id_kernel(struct kiocb));

		return k->ki_filp;
	}
	return cur_fd_file(cur, fd);
}

static __always_inline struct file *current_fd_file(long fd)
{
	return cur_fd_file(current_task_btf(), fd);
}

/*
 * Is the file name one of the open patterns' exact file names (lists the loader made)? A name
 * kept inline in the dentry is taken from the window file_facts() read (no helper call), and
 * first passes the loader's filter (dcea_config.leaf_filter): most names stop there, before the
 * key is built and looked up. A name too long for a key cannot be listed (the loader rebuilds
 * every path for patterns with one).
 */
static __always_inline bool leaf_listed(const struct dcea_config *c, const struct file_facts *ff)
{
	struct leaf_name key = {};
	__u32 len = ff->name_len;

	if (len >= sizeof(key.name))
		return false;
	/* the same constant offsets as file_facts(): the verifier sees each byte's place */
	if (ff->name_inline &&
	    dentry_name_off() + sizeof(key.name) <= dentry_win_lo() + DENTRY_WIN) {
		const unsigned char *src =
			(const unsigned char *)ff->dwin + (dentry_name_off() - dentry_win_lo());
		__u64 w8 = 0;
		__u32 bit;

		if (!((dentry_name_off() - dentry_win_lo()) & 7)) {
			/* the common layout: the first 8 bytes in one load, masked to the length
			 * (an unrolled loop of 8 byte loads cost ~20 ns per open here) */
			w8 = ff->dwin[(dentry_name_off() - dentry_win_lo()) / 8];
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			w8 = __builtin_bswap64(w8);
#endif
			w8 &= len >= 8 ? ~0ULL : (1ULL << (8 * len)) - 1;
		} else {
#pragma unroll
			for (__u32 i = 0; i < 8; i++)
				w8 |= i < len ? (__u64)src[i] << (8 * i) : 0;
		}
		bit = DCEA_LEAF_BIT(w8, len);
		if (!(c->leaf_filter[(bit / 64) & (DCEA_LEAF_FILTER_WORDS - 1)] &
		      (1ULL << (bit % 64))))
			return false;
#pragma unroll
		for (__u32 i = 0; i < sizeof(key.name); i++)
			key.name[i] = i < len ? src[i] : 0;
	} else {
		struct dentry *d = ff->d; /* a local: BPF_CORE_READ would relocate ff->d itself */

		bpf_probe_read_kernel_str(key.name, sizeof(key.name),
					  BPF_CORE_READ(d, d_name.name));
	}
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
 * path is rebuilt only when the policy needs it, or for a file this open created. What it acts on
 * must pass open_may_matter() too.
 */
static __always_inline int open_behaviour(struct dcea_task *t, struct file *f,
					  const struct file_facts *ff)
{
	__u32 fmode = ff->fmode;
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
	    ((c->path_needs & DCEA_NEED_OPEN) && leaf_listed(c, ff))) {
		pb = path_of_file(current_task(), f);
		if (!pb)
			return 0;
		bits = path_buf_match(pb);
	}
	if (!pb) {
		/* the common case: no name matched, the policy has no custom open rule */
		if (!(c->custom_kinds & ((1U << DCEA_K_OPEN_WRITE) | (1U << DCEA_K_OPEN_READ))))
			return 0;
		goto custom;
	}
	if (created && !pb->truncated && has_prefix(path_str(pb), "/dev/", 5) &&
	    !has_prefix(path_str(pb), "/dev/shm/", 9) &&
	    !has_prefix(path_str(pb), "/dev/mqueue/", 12)) {
		action = decide(DCEA_R_DEV_FILE, t, DCEA_ACT_KILL);
		if (action >= 0) {
			path_report(DCEA_R_DEV_FILE, action, pb, dev_file, .mode = S_IFREG);
			act(action);
			if (action == DCEA_ACT_KILL)
				return 0;
		}
	}
	if (bits & DCEA_PM_CRED) {
		action = decide(DCEA_R_CRED_FILE, t, DCEA_ACT_KILL);
		if (action >= 0) {
			path_report(DCEA_R_CRED_FILE, action, pb, cred,
				    .write = !!(fmode & FMODE_WRITE));
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

/*
 * Can an open of this file matter to any rule, whoever opened it? False only for the common case:
 * a file opened for reading, not created, on a mount of the task's own mount namespace
 * (`own_ns`), neither on nsfs nor on procfs, whose name no open pattern lists, under a policy
 * with no custom open rule. What classify_facts() and open_behaviour() look at, without the
 * task's record: true wherever either of them could act (a superset; keep it one when they
 * change). Facts from file_facts_cast(), which reads the mount's namespace.
 */
static __always_inline bool open_may_matter(const struct file_facts *ff, void *own_ns)
{
	struct dcea_config *c = cfg();
	void *ns = ff->mnt_ns;

	if (!c || !ff->mnt_ns_read)
		return true;
	/* classify_facts(): opened for writing (created: open_behaviour's), nsfs, procfs */
	if ((ff->fmode & (FMODE_WRITE | FMODE_CREATED)) || ff->magic == NSFS_MAGIC ||
	    ff->magic == PROC_SUPER_MAGIC)
		return true;
	/* classify_facts(): a mount outside the task's mount namespace */
	if (mnt_ns_foreign(ns, own_ns))
		return true;
	/* open_behaviour(): every path, custom open rules, a listed file name */
	if (c->path_needs & (DCEA_NEED_OPEN_ALL | DCEA_NEED_OPEN_ANY))
		return true;
	if (c->custom_kinds & ((1U << DCEA_K_OPEN_WRITE) | (1U << DCEA_K_OPEN_READ)))
		return true;
	return (c->path_needs & DCEA_NEED_OPEN) && leaf_listed(c, ff);
}

/*
 * The checks of an opened file `f` whose facts `ff` are read (see judge_opened_cur()). Inlined: as
 * a subprogram its stack adds to the callers' (watch_openat2 went over the 512 bytes).
 */
static __always_inline int judge_facts(struct dcea_task *t, struct file *f,
				       const struct file_facts *ff, void *own_ns, __u32 route)
{
	struct file_verdict v;
	int action;

	if (classify_facts(t, own_ns, ff, &v)) {
		action = decide(v.rule, t, DCEA_ACT_KILL);
		if (action >= 0) {
			file_report_route(v.rule, action, f, v.a0, v.a1, route);
			act(action);
			if (action == DCEA_ACT_KILL)
				return 0;
		}
	}
	open_behaviour(t, f, ff);
	return 0;
}

/* `cur`: current_task_btf(); `cast`: a _cast variant (bpf_rdonly_cast), a constant */
static __always_inline void judge_opened_cur(struct dcea_task *t, struct task_struct *cur,
					     struct file *f, __u32 route, bool cast)
{
	struct file_facts ff;
	void *own_ns;

	if (!f)
		return;
	if (cast)
		file_facts_cast(f, &ff);
	else
		file_facts(f, &ff, cur);
	own_ns = have_task_btf() ? cur->nsproxy->mnt_ns : current_mnt_ns();
	judge_facts(t, f, &ff, own_ns, route);
}

static __always_inline void judge_opened(struct dcea_task *t, struct file *f, __u32 route)
{
	judge_opened_cur(t, current_task_btf(), f, route, false);
}

/*
 * judge_opened_cur() of the current task (`cur`, a BTF pointer) whose record is looked up only
 * when the file may matter (open_may_matter()): the record is a helper call, the file's facts are
 * plain loads (_cast variants). For an open of a container task that matches nothing (almost
 * every open) the record is never read: ~20 ns less per open here.
 */
static __always_inline void judge_opened_late(struct task_struct *cur, struct file *f, __u32 route)
{
	struct file_facts ff;
	struct dcea_task *t;
	void *own_ns;

	if (!f)
		return;
	file_facts_cast(f, &ff);
	own_ns = cur->nsproxy->mnt_ns;
	if (!open_may_matter(&ff, own_ns))
		return;
	t = ct_task_of(cur);
	if (t)
		judge_facts(t, f, &ff, own_ns, route);
}

/*
 * A file the current task obtained as descriptor `fd` (an open's or pidfd_getfd's result): the
 * task's record, its file and its mount namespace from one BTF pointer where the kernel has one.
 * With task local storage, a task that has none (a host task) stops at one load, and the record
 * of one that has is read only when the file may matter (judge_opened_late()).
 */
static __always_inline void judge_opened_fd(long fd, __u32 route, bool cast)
{
	struct task_struct *cur;
	struct dcea_task *t;

	if (fd < 0)
		return;
	cur = current_task_btf();
	if (cast && dcea_task_storage) {
		if (!ls_none(cur))
			judge_opened_late(cur, cur_fd_file_cast(cur, fd), route);
		return;
	}
	t = ct_task_of(cur);
	if (t && cast)
		judge_opened_cur(t, cur, cur_fd_file_cast(cur, fd), route, true);
	else if (t)
		judge_opened_cur(t, cur, cur_fd_file(cur, fd), route, false);
}

/*
 * Descriptors a task received (SCM_RIGHTS over a unix socket, by recvmsg(2), recvmmsg(2) or an
 * io_uring RECVMSG). Which descriptors are new only the message says, in user memory that another
 * thread of the task can rewrite before a program reads it; so every descriptor the task holds is
 * looked at, and a directory on a mount outside its mount namespace (a host directory: every walk
 * from it leaves the container, whatever name the walk is given later: a relative one, a symlink
 * to /proc/self/fd/N, another process's /proc/<pid>/fd/N) is judged as the file it is
 * (judge_opened(): proc_host_access, foreign mount). Internal mounts (sockets, pipes, memfds)
 * carry an error pointer as their namespace and are no directories. Also on the return of every
 * exec of a container task (files.bpf.c): a directory held across it. True when one was found.
 */
#define HELD_WORDS_LOOP	   (1U << 16) /* with bpf_loop (the _cast variants, 6.2+): fds 0 to 4M */
#define HELD_WORDS_BOUNDED 16	      /* without: descriptors 0 to 1023 */

struct held_scan {
	__u64 fds;	/* struct file ** */
	__u64 open_fds; /* unsigned long * */
	__u64 own_ns;
	__u32 words;
	/*
	 * the word of open_fds that holds a foreign directory, or -1; not the descriptor: a value
	 * that differs with the bit would keep the verifier's states of bpf_loop's callback from
	 * ever converging
	 */
	long found;
};

/*
 * Is descriptor `idx` of the table `fds` (struct file **) a directory on a mount outside `own_ns`?
 * A global function (bpf/files.bpf.c), checked once: inlined in held_word()'s loop its branches
 * multiplied the verifier's pending states past its limit.
 */
extern int foreign_dir_g(__u64 fds, __u64 idx, __u64 own_ns);

/* foreign_dir_g() by plain loads through bpf_rdonly_cast (6.2+: the _cast variants' callback) */
extern int foreign_dir_cast_g(__u64 fds, __u64 idx, __u64 own_ns);

/* one word of open_fds: 0 to go on, 1 to stop (bpf_loop's callback convention) */
static __always_inline int held_word_in(__u32 i, struct held_scan *s, bool cast)
{
	unsigned long w = 0;

	if (i >= s->words)
		return 1;
	bpf_probe_read_kernel(&w, sizeof(w), (void *)(s->open_fds + i * sizeof(w)));
	for (int b = 0; b < 64; b++) {
		if (!(w >> b))
			break; /* no descriptor above */
		if (!(w & (1UL << b)))
			continue;
		if (cast ? foreign_dir_cast_g(s->fds, (__u64)i * 64 + b, s->own_ns)
			 : foreign_dir_g(s->fds, (__u64)i * 64 + b, s->own_ns)) {
			s->found = i;
			return 1;
		}
	}
	return 0;
}

static int held_word(__u32 i, void *ctx)
{
	return held_word_in(i, ctx, false);
}

static int held_word_cast(__u32 i, void *ctx)
{
	return held_word_in(i, ctx, true);
}

/*
 * Walk the descriptor table of `task` (a BTF pointer with `loop`, else any task pointer) for a
 * directory on a mount outside its mount namespace: true when one was found (s->found its word).
 * `loop` (a constant): walk the whole table with bpf_loop, only in programs that load where the
 * kernel has it (the _cast variants); a kernel without bpf_loop refuses a program that names it.
 */
static __always_inline bool held_scan_task(struct task_struct *task, struct held_scan *s, bool loop)
{
	struct fdtable *fdt;

	if (loop) {
		/* the _cast variants: plain loads from the task's BTF pointer */
		fdt = task->files->fdt;
		/* as numbers, which global functions take: read, not loaded (a load is a pointer)
		 */
		bpf_probe_read_kernel(&s->fds, sizeof(s->fds), &fdt->fd);
		bpf_probe_read_kernel(&s->open_fds, sizeof(s->open_fds), &fdt->open_fds);
		bpf_probe_read_kernel(&s->own_ns, sizeof(s->own_ns), &task->nsproxy->mnt_ns);
		s->words = (fdt->max_fds + 63) / 64;
	} else {
		fdt = BPF_CORE_READ(task, files, fdt);
		if (!fdt)
			return false;
		s->fds = (__u64)BPF_CORE_READ(fdt, fd);
		s->open_fds = (__u64)BPF_CORE_READ(fdt, open_fds);
		s->own_ns = (__u64)BPF_CORE_READ(task, nsproxy, mnt_ns);
		s->words = (BPF_CORE_READ(fdt, max_fds) + 63) / 64;
	}
	if (loop) {
		bpf_loop(s->words < HELD_WORDS_LOOP ? s->words : HELD_WORDS_LOOP, held_word_cast, s,
			 0);
	} else {
		for (__u32 i = 0; i < HELD_WORDS_BOUNDED; i++)
			if (held_word(i, s))
				break;
	}
	return s->found >= 0;
}

static __always_inline bool judge_held_dirs(struct dcea_task *t, __u32 route, bool loop)
{
	struct task_struct *task = current_task();
	struct held_scan s = { .found = -1 };
	unsigned long w = 0;
	__u64 word;

	if (!t)
		return false;
	if (!held_scan_task(loop ? bpf_get_current_task_btf() : task, &s, loop))
		return false;
	/* the descriptor: the word's first foreign directory again */
	word = s.found & 0xffffffL;
	bpf_probe_read_kernel(&w, sizeof(w), (void *)(s.open_fds + word * sizeof(w)));
	for (int b = 0; b < 64; b++)
		if ((w & (1UL << b)) && foreign_dir_g(s.fds, word * 64 + b, s.own_ns)) {
			judge_opened(t, fd_file(task, word * 64 + b), route);
			return true;
		}
	return false;
}

/* Is host pid `pid` a task of t's container? Only meaningful in the host's pid namespace. */
static __always_inline bool own_task(struct dcea_task *t, __u32 pid)
{
	struct dcea_task *tt = bpf_map_lookup_elem(&dcea_tasks, &pid);

	return tt && tt->cgroup_id == t->cgroup_id;
}

/* A directory the walk starts from is on a mount outside the task's mount namespace. */
static __always_inline bool foreign_dir(struct task_struct *task, struct vfsmount *vm)
{
	return mnt_outside(vm, BPF_CORE_READ(task, nsproxy, mnt_ns));
}

/* Parse a pid at s[i...] ending in '/' or the string's end: the number, 0 if none. */
static __always_inline __u32 pid_at(const char *s, int i)
{
	__u32 n = 0;
	int k;

	for (k = 0; k < 8; k++) {
		char c = s[(i + k) & (WALK_NAME - 1)];

		if (c == '/' || c == '\0')
			return k ? n : 0;
		if (c < '0' || c > '9')
			return 0;
		n = n * 10 + (c - '0');
	}
	return 0;
}

/* Digits at s[i...]: how many (a pid ends at '/' or the string's end), 0 if none. */
static __always_inline int digits_at(const char *s, int i)
{
	int k;

	for (k = 0; k < 8; k++) {
		char c = s[(i + k) & (WALK_NAME - 1)];

		if (c < '0' || c > '9')
			return k;
	}
	return k;
}

static __always_inline bool word_at(const char *s, int i, const char *w, int n)
{
	char end;

	for (int k = 0; k < n; k++)
		if (s[(i + k) & (WALK_NAME - 1)] != w[k])
			return false;
	end = s[(i + n) & (WALK_NAME - 1)];
	return end == '/' || end == '\0';
}

/*
 * Is the component at s[i] one that reaches another task's files or memory: root, cwd, fd,
 * map_files, mem, ns, or task/<tid>/ followed by one of those? (An open of /proc/<pid>/stat is
 * not: monitoring agents read those.)
 */
static __always_inline bool sensitive_at(const char *s, int i)
{
	if (word_at(s, i, "task", 4)) {
		int n = digits_at(s, i + 5);

		if (!n)
			return false;
		i += 5 + n + 1;
	}
	return word_at(s, i, "root", 4) || word_at(s, i, "cwd", 3) || word_at(s, i, "fd", 2) ||
	       word_at(s, i, "map_files", 9) || word_at(s, i, "mem", 3) || word_at(s, i, "ns", 2);
}

/* A struct pid's number in its own (innermost) namespace: the number a /proc there shows. */
static __always_inline __u32 pid_nr_own(struct pid *p)
{
	unsigned int level = BPF_CORE_READ(p, level);
	int nr = 0;

	bpf_core_read(&nr, sizeof(nr), &p->numbers[level & 31].nr);
	return nr;
}

/*
 * Does name s (read whole) walk through one of the task's own magic links to a directory on a mount
 * outside its mount namespace: /proc/self/fd/N/..., /proc/thread-self/fd/N/..., /proc/<its pid or
 * tid>[/task/<tid>]/fd/N/..., /dev/fd/N/... (docker's /dev/fd is a symlink to /proc/self/fd), or
 * /proc/self/cwd/... with a working directory outside? The same walk as a relative one from dfd N
 * (or the cwd), spelled absolutely: the magic link is followed by the kernel, so the string alone
 * says nothing. Pids are the task's own in its pid namespace, the one its /proc shows; another
 * task's fd table is not looked at (a leaked fd held by another process of the container, and a
 * symlink to the magic link, remain: docs/ROUTES.md).
 */
static __always_inline bool own_magic_foreign(struct task_struct *task, const char *s)
{
	struct vfsmount *vm = NULL;
	struct file *f;
	int i = 8, n;

	if (!has_prefix(s, "/dev/fd/", 8)) {
		if (word_at(s, 6, "self", 4)) {
			i = 11;
		} else if (word_at(s, 6, "thread-self", 11)) {
			i = 18;
		} else {
			__u32 pid;

			n = digits_at(s, 6);
			pid = pid_at(s, 6);
			if (!n ||
			    (pid != pid_nr_own(BPF_CORE_READ(task, thread_pid)) &&
			     pid != pid_nr_own(BPF_CORE_READ(task, group_leader, thread_pid))))
				return false;
			i = 6 + n + 1;
		}
		/* /proc/self/task/<tid>/: a thread of the process, which shares its fd table */
		if (word_at(s, i, "task", 4)) {
			n = digits_at(s, i + 5);
			if (!n)
				return false;
			i += 5 + n + 1;
		}
		if (word_at(s, i, "cwd", 3)) {
			vm = BPF_CORE_READ(task, fs, pwd.mnt);
			return vm && foreign_dir(task, vm);
		}
		if (!word_at(s, i, "fd", 2))
			return false;
		i += 3;
	}
	n = digits_at(s, i);
	if (!n || n > 7)
		return false;
	{
		char end = s[(i + n) & (WALK_NAME - 1)];

		if (end != '/' && end != '\0')
			return false;
	}
	f = fd_file(task, pid_at(s, i));
	if (f)
		vm = BPF_CORE_READ(f, f_path.mnt);
	return vm && foreign_dir(task, vm);
}

struct walk_buf {
	char s[WALK_NAME];
};
__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct walk_buf);
} dcea_walkbuf SEC(".maps");

/*
 * A path operation's walk (mkdir, symlink, link, rename, unlink; `name` relative to `dfd`) goes
 * through /proc/<pid>/ of a task outside the container (its root, cwd, fds: the host's files for a
 * host task), or starts in a directory outside the task's mount namespace (a leaked host fd, a cwd
 * outside). A procfs is recognised at /proc and as the starting directory. Pid numbers are in the
 * task's pid namespace: only a container that shares the host's can name a host task there.
 * Reports and acts; returns the action, -1 for no match, -2 when the name cannot be read (the
 * caller may look again once the kernel has faulted it in).
 */
static __always_inline int walk_check_in(int dfd, const char *name, bool user, __u32 what,
					 __u32 route)
{
	struct dcea_task *t = current_ct_task();
	struct task_struct *task = current_task();
	struct dcea_config *c = cfg();
	__u32 zero = 0, pid = 0;
	struct walk_buf *b = bpf_map_lookup_elem(&dcea_walkbuf, &zero);
	struct dentry *start = NULL;
	struct vfsmount *vm = NULL;
	struct dcea_event *e;
	__u64 a1 = 0;
	__u32 kind = 0;
	long n;
	int action;

	char first = 0;
	bool hostpid, magic;

	if (!b || !c || !t)
		return -1;
	/*
	 * The whole name is read only when it can matter: a task outside the host's pid namespace
	 * cannot name another task's /proc/<pid>, so for it only where a relative walk starts
	 * counts (most unlinks and mkdirs of a container stop after one byte).
	 */
	if (user ? bpf_probe_read_user(&first, 1, name) : bpf_probe_read_kernel(&first, 1, name))
		return -2;
	hostpid = task_pidns(task) == c->host_ns[DCEA_NS_PID];
	/*
	 * An absolute name from a task outside the host's pid namespace counts only through one of
	 * its own magic links (/proc/self/fd/N/...): those start "/proc/" or "/dev/fd/", read first
	 * (an open is judged on the file it opened instead).
	 */
	magic = first == '/' && what != DCEA_WALK_OPEN;
	if (first == '/' && !hostpid) {
		if (!magic)
			return -1;
		n = user ? bpf_probe_read_user_str(b->s, 9, name)
			 : bpf_probe_read_kernel_str(b->s, 9, name);
		if (n <= 0)
			return -2;
		if (!has_prefix(b->s, "/proc/", 6) && !has_prefix(b->s, "/dev/fd/", 8))
			return -1;
	}
	if (first != '/') {
		if (dfd == AT_FDCWD_) {
			vm = BPF_CORE_READ(task, fs, pwd.mnt);
			start = BPF_CORE_READ(task, fs, pwd.dentry);
		} else {
			struct file *f = fd_file(task, dfd);

			if (f) {
				vm = BPF_CORE_READ(f, f_path.mnt);
				start = BPF_CORE_READ(f, f_path.dentry);
			}
		}
		if (vm && foreign_dir(task, vm))
			kind = DCEA_PH_WALK; /* target pid 0: from a directory outside */
	}
	if (!kind && !hostpid && !magic)
		return -1;
	n = user ? bpf_probe_read_user_str(b->s, sizeof(b->s), name)
		 : bpf_probe_read_kernel_str(b->s, sizeof(b->s), name);
	if (n <= 0)
		return -2;
	if (!kind && magic && (has_prefix(b->s, "/proc/", 6) || has_prefix(b->s, "/dev/fd/", 8)) &&
	    own_magic_foreign(task, b->s))
		kind = DCEA_PH_WALK; /* target pid 0: from a directory outside */
	if (!kind && !hostpid)
		return -1;
	if (!kind) {
		int ci = -1; /* where the component after /proc/<pid>/ starts */

		if (b->s[0] == '/' && b->s[1] == 'p' && b->s[2] == 'r' && b->s[3] == 'o' &&
		    b->s[4] == 'c' && b->s[5] == '/') {
			pid = pid_at(b->s, 6);
			ci = 6 + digits_at(b->s, 6) + 1;
		} else if (start && BPF_CORE_READ(start, d_sb, s_magic) == PROC_SUPER_MAGIC) {
			if (start == BPF_CORE_READ(start, d_sb, s_root)) {
				pid = pid_at(b->s, 0); /* from /proc itself: "<pid>/root/..." */
				ci = digits_at(b->s, 0) + 1;
			} else if (BPF_CORE_READ(start, d_parent) ==
				   BPF_CORE_READ(start, d_sb, s_root)) {
				char d[16] = {};

				/* from /proc/<pid>: "root/...", "cwd/..." */
				bpf_probe_read_kernel_str(d, sizeof(d),
							  BPF_CORE_READ(start, d_name.name));
				d[15] = 0;
				pid = 0;
				for (int k = 0; k < 10 && d[k] >= '0' && d[k] <= '9'; k++)
					pid = pid * 10 + (d[k] - '0');
				ci = 0;
			}
		}
		/* an open is judged again on its file: here only what reaches another task */
		if (what == DCEA_WALK_OPEN && (ci < 0 || !sensitive_at(b->s, ci)))
			pid = 0;
		if (pid && !own_task(t, pid)) {
			kind = DCEA_PH_WALK;
			a1 = pid;
		}
	}
	if (!kind)
		return -1;
	/*
	 * setxattr and chown in a directory outside: no LSM hook of the LSM backend sees them
	 * (inode_setxattr has no mount, path_chown's struct arguments stop 5.10), so this program
	 * judges them on either backend (kill, after the kernel made the change). A walk through a
	 * host task's /proc/<pid> (a1) is the LSM backend's (ptrace_access_check denies it).
	 */
	if (!a1 && (what == DCEA_WALK_SETXATTR || what == DCEA_WALK_CHOWN))
		action = decide_in(DCEA_R_PROC_HOST, t, DCEA_ACT_KILL, DCEA_DECIDE_EITHER);
	else
		action = decide(DCEA_R_PROC_HOST, t, DCEA_ACT_KILL);
	if (action < 0)
		return -1;
	e = event_start(DCEA_EV_RULE, DCEA_R_PROC_HOST, action);
	if (e) {
		e->object.kind = kind;
		e->object.target_pid = a1;
		e->object.op = what;
		e->object.route = route;
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), b->s);
		event_submit(e);
	}
	act(action);
	return action;
}

/*
 * The same as a global function (bpf/paths.bpf.c), checked by the verifier once instead of at
 * every call site: the io_uring and syscall programs that call it stay far below its limits.
 */
extern int walk_check_g(__s64 dfd, __u64 name, __u32 user, __u32 what, __u32 route);

static __always_inline int walk_check(struct dcea_task *t, int dfd, const char *name, bool user,
				      __u32 what, __u32 route)
{
	return walk_check_g(dfd, (__u64)name, user, what, route);
}

#endif
