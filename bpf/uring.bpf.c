// SPDX-License-Identifier: GPL-2.0-only
/*
 * io_uring requests of container tasks (fallback backend). io_uring operations reach the same
 * kernel objects as the classic syscalls without their syscall tracepoints: an IORING_OP_OPENAT of
 * release_agent fires no sys_exit_openat. They are judged on the objects, as the classic routes
 * are:
 * - on completion (io_uring_complete), an opened file (an fd, or a direct descriptor in the
 *   ring's fixed-file table) is classified like any opened file, a connected unix socket by its
 *   listening peer: the task is killed before it runs another instruction;
 * - on submission (io_uring_submit_req, after the request was prepared: its path names are the
 *   kernel's own copies, no user memory to fault or race), a path operation (mkdir, symlink, link,
 *   rename, unlink) through another task's /proc/<pid> directory is a proc_host_access match.
 * The submitter is a container task, or one of the kernel threads that work for it (io-wq
 * workers, the SQPOLL thread: tracked through task_newtask, bpf/lifecycle.bpf.c). A tracepoint
 * cannot fail the request: these are kill rules, and what the kernel does between the request's
 * issue and the kill (the open itself; an operation linked to it in the same submission) is the
 * residual docs/ROUTES.md measures.
 */
#include "bpf/routes.bpf.h"

#define IORING_OP_RECVMSG	   10
#define IORING_OP_CONNECT	   16
#define IORING_OP_OPENAT	   18
#define IORING_OP_OPENAT2	   28
#define IORING_OP_RENAMEAT	   35
#define IORING_OP_UNLINKAT	   36
#define IORING_OP_MKDIRAT	   37
#define IORING_OP_SYMLINKAT	   38
#define IORING_OP_LINKAT	   39
#define IORING_OP_SETXATTR	   42
#define IORING_OP_FIXED_FD_INSTALL 54
#define IORING_OP_BIND		   56
#define IORING_FILE_INDEX_ALLOC	   (~0U)
#define AF_UNIX			   1

/*
 * Requests already judged (and reported) on submission, so that their completion does not report
 * the same attempt again: keyed by the request's address, removed on completion.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u32);
} dcea_uring_seen SEC(".maps");

/* The prepared requests (io_uring/openclose.c, fs.c): every one starts with the request's file. */
struct io_open___dcea {
	struct file *file;
	int dfd;
	__u32 file_slot;
	struct filename *filename;
	struct open_how how;
} __attribute__((preserve_access_index));

struct io_mkdir___dcea {
	struct file *file;
	int dfd;
	struct filename *filename;
} __attribute__((preserve_access_index));

struct io_unlink___dcea {
	struct file *file;
	int dfd;
	struct filename *filename;
} __attribute__((preserve_access_index));

struct io_rename___dcea { /* also linkat: io_link has the same fields */
	struct file *file;
	int old_dfd;
	int new_dfd;
	struct filename *oldpath;
	struct filename *newpath;
} __attribute__((preserve_access_index));

struct io_link___dcea {
	struct file *file;
	int old_dfd;
	int new_dfd;
	struct filename *oldpath;
	struct filename *newpath;
} __attribute__((preserve_access_index));

/*
 * 7.x holds the names in a struct delayed_filename (the filename pointer inside it) instead of a
 * struct filename pointer. Each layout is read only where CO-RE finds it: a relocation of the
 * other layout fails on the running kernel, and the verifier must never reach it (it refused to
 * load the whole object on 7.2, LSM programs included).
 */
struct delayed_filename___dcea {
	struct filename *__incomplete_filename;
} __attribute__((preserve_access_index));

struct io_open___dly {
	int dfd;
	struct delayed_filename___dcea filename;
} __attribute__((preserve_access_index));

struct io_mkdir___dly {
	int dfd;
	struct delayed_filename___dcea filename;
} __attribute__((preserve_access_index));

struct io_unlink___dly {
	int dfd;
	struct delayed_filename___dcea filename;
} __attribute__((preserve_access_index));

struct io_rename___dly { /* io_link has the same fields */
	int old_dfd;
	int new_dfd;
	struct delayed_filename___dcea oldpath;
	struct delayed_filename___dcea newpath;
} __attribute__((preserve_access_index));

/* IORING_OP_SETXATTR (5.19+, io_uring/xattr.c): the path, relative to the working directory */
struct io_xattr___dcea {
	struct file *file;
	struct filename *filename;
} __attribute__((preserve_access_index));

struct io_xattr___dly {
	struct delayed_filename___dcea filename;
} __attribute__((preserve_access_index));

/* IORING_OP_BIND (6.11+, io_uring/net.c): the address is copied at preparation into the request's
 * async data (bind_name_check_g below), its length here */
struct io_bind___dcea {
	struct file *file;
	int addr_len;
} __attribute__((preserve_access_index));

/* The struct filename of field `f` of a prepared request, whichever layout the kernel has. */
#define REQ_FILENAME(req, old_t, dly_t, f)                                                         \
	(bpf_core_field_exists(((struct dly_t *)0)->f)                                             \
		 ? BPF_CORE_READ((struct dly_t *)(req), f.__incomplete_filename)                   \
		 : BPF_CORE_READ((struct old_t *)(req), f))

/* The fixed-file table: nodes since 6.13, an array of io_fixed_file before. */
struct io_rsrc_node___dcea {
	unsigned long file_ptr;
} __attribute__((preserve_access_index));
struct io_rsrc_data___dcea {
	unsigned int nr;
	struct io_rsrc_node___dcea **nodes;
} __attribute__((preserve_access_index));
struct io_file_table___new {
	struct io_rsrc_data___dcea data;
} __attribute__((preserve_access_index));
struct io_fixed_file___old {
	unsigned long file_ptr;
} __attribute__((preserve_access_index));
struct io_file_table___old {
	struct io_fixed_file___old *files;
} __attribute__((preserve_access_index));
struct io_ring_ctx___dcea {
	struct io_file_table___new file_table;
} __attribute__((preserve_access_index));
struct io_ring_ctx___old {
	struct io_file_table___old file_table;
} __attribute__((preserve_access_index));
#define FFS_MASK (~3UL) /* FFS_NOWAIT | FFS_ISREG live in the low bits of file_ptr */
/*
 * A fixed-file slot is below IORING_MAX_FIXED_FILES (1 << 20 since 5.13; 1 << 15 before): the
 * index is masked to 20 bits, never to less (a 16-bit mask judged an open into slot 70000 by the
 * file in slot 70000 - 65536: tests/routes/catalogue.tsv, uring-open-slot-symlink).
 */
#define SLOT_MASK 0xfffff

static __always_inline struct file *fixed_file(struct io_kiocb *req, __u32 slot)
{
	void *ctx = BPF_CORE_READ(req, ctx);
	unsigned long ptr = 0;

	if (bpf_core_field_exists(((struct io_ring_ctx___dcea *)0)->file_table.data)) {
		struct io_ring_ctx___dcea *c = ctx;
		struct io_rsrc_node___dcea **nodes = BPF_CORE_READ(c, file_table.data.nodes);
		struct io_rsrc_node___dcea *node = NULL;

		if (slot >= BPF_CORE_READ(c, file_table.data.nr))
			return NULL;
		bpf_core_read(&node, sizeof(node), &nodes[slot & SLOT_MASK]);
		ptr = BPF_CORE_READ(node, file_ptr);
	} else if (bpf_core_field_exists(((struct io_ring_ctx___old *)0)->file_table.files)) {
		struct io_ring_ctx___old *c = ctx;
		struct io_fixed_file___old *files = BPF_CORE_READ(c, file_table.files);

		bpf_core_read(&ptr, sizeof(ptr), &files[slot & SLOT_MASK].file_ptr);
	}
	return (struct file *)(ptr & FFS_MASK);
}

static __always_inline void judge_connected(struct dcea_task *t, struct file *f)
{
	struct socket *sock = f ? BPF_CORE_READ(f, private_data) : NULL;
	struct sock_name key = {};
	struct unix_sock *us;
	char path[108] = {};
	int action;

	if (!sock || BPF_CORE_READ(sock, sk, __sk_common.skc_family) != AF_UNIX)
		return;
	us = (struct unix_sock *)BPF_CORE_READ(sock, sk);
	us = (struct unix_sock *)BPF_CORE_READ(us, peer);
	if (!runtime_socket(us, path, &key))
		return;
	action = decide(DCEA_R_RUNTIME_SOCKET, t, DCEA_ACT_KILL);
	if (action >= 0) {
		socket_report(action, path, &key, (__u64)-1, DCEA_RT_IO_URING);
		act(action);
	}
}

/*
 * The policy switch for what the fallback cannot stop before it happens (docs/ROUTES.md): a
 * custom rule of kind io_uring refuses io_uring in the containers it names. Killed on entry to
 * io_uring_setup: the pending SIGKILL is there before the ring's fd exists, so no thread of the
 * process returns to user space to use it.
 */
SEC("tp/syscalls/sys_enter_io_uring_setup")
int watch_uring_setup(struct trace_event_raw_sys_enter *ctx)
{
	struct dcea_task *t = current_ct_task();

	if (t)
		act(custom_check(DCEA_K_IO_URING, t, 0, NULL, ctx->args[1]));
	return 0;
}

SEC("tp/io_uring/io_uring_complete")
int watch_uring_complete(struct trace_event_raw_io_uring_complete *ctx)
{
	struct dcea_task *t;
	struct io_kiocb *req;
	__u32 *seen;
	__u8 op;
	int res;

	if (!bpf_core_field_exists(ctx->req))
		return 0;
	req = BPF_CORE_READ(ctx, req);
	if (!req)
		return 0;
	/*
	 * only opens, connects and receipts of descriptors are judged or marked: the rest (reads,
	 * sends) leave at once
	 */
	op = BPF_CORE_READ(req, opcode);
	if (op != IORING_OP_OPENAT && op != IORING_OP_OPENAT2 && op != IORING_OP_CONNECT &&
	    op != IORING_OP_RECVMSG && op != IORING_OP_FIXED_FD_INSTALL)
		return 0;
	t = current_ct_task();
	if (!t)
		return 0;
	res = BPF_CORE_READ(ctx, res);
	/*
	 * Judged on submission already? Requests are recycled: the mark is dropped on every
	 * completion (a cancelled one included) and names the process and operation it was for.
	 */
	seen = bpf_map_lookup_elem(&dcea_uring_seen, &req);
	if (seen) {
		__u32 mine = *seen == ((bpf_get_current_pid_tgid() >> 32) << 8 | op);

		bpf_map_delete_elem(&dcea_uring_seen, &req);
		if (mine)
			return 0;
	}
	if (res < 0)
		return 0;
	if (op == IORING_OP_OPENAT || op == IORING_OP_OPENAT2) {
		struct io_open___dcea *o = (void *)req;
		__u32 slot = 0;

		if (bpf_core_field_exists(o->file_slot))
			slot = BPF_CORE_READ(o, file_slot);
		if (!slot)
			judge_opened(t, current_fd_file(res), DCEA_RT_IO_URING);
		else
			judge_opened(
				t,
				fixed_file(req, slot == IORING_FILE_INDEX_ALLOC ? res : slot - 1),
				DCEA_RT_IO_URING);
	} else if (op == IORING_OP_FIXED_FD_INSTALL) {
		/*
		 * A file of the ring's fixed-file table, now descriptor `res`: the ring's files
		 * were judged when this task opened them, but not when the ring came from elsewhere
		 * (a host process's ring held across an exec, with a host directory registered)
		 */
		judge_opened(t, current_fd_file(res), DCEA_RT_IO_URING);
	} else if (op == IORING_OP_CONNECT && res == 0) {
		judge_connected(t, BPF_CORE_READ(req, file));
	} else if (op == IORING_OP_RECVMSG) {
		/* SCM_RIGHTS on a unix socket: into the table the ring's tasks share (io threads
		 * are made with CLONE_FILES) */
		struct socket *sock = BPF_CORE_READ(req, file, private_data);

		if (sock && BPF_CORE_READ(sock, sk, __sk_common.skc_family) == AF_UNIX)
			judge_held_dirs(t, DCEA_RT_IO_URING, false);
	}
	return 0;
}

#define O_ACCMODE_ 3 /* O_WRONLY or O_RDWR: opened for writing */

/*
 * On submission, before an io-wq worker runs the request: the same objects judged by name (the
 * kernel's own copy). The kill is then sent by the submitting task itself, before it can make
 * another request; the judgement on completion, by the object, stays for names this cannot see
 * through (a symlink to a knob file), where the worker's kill can come after the process's next
 * request (docs/ROUTES.md: kill-race).
 */
__noinline int knob_name_check_g(__u64 name_p)
{
	const char *name = (const char *)name_p;
	struct dcea_task *t = current_ct_task();
	static const __u32 magics[] = { 0x27e0eb /* cgroup */,
					0x63677270 /* cgroup2 */,
					0x62656572 /* sysfs */,
					0x9fa0 /* proc */,
					0x42494e4d /* binfmt_misc */,
					0x73636673 /* securityfs */,
					0x64626720 /* debugfs */,
					0x74726163 /* tracefs */,
					0x62656570 /* configfs */ };
	__u32 zero = 0, base = 0, *rule = NULL;
	struct walk_buf *b = bpf_map_lookup_elem(&dcea_walkbuf, &zero);
	struct knob_file key = {};
	struct dcea_event *e;
	int i, action;
	long n;

	n = t && b ? bpf_probe_read_kernel_str(b->s, sizeof(b->s), name) : 0;
	if (n <= 0)
		return -1;
	/* the last '/', searched from the end: one pass, no state per position for the verifier */
	for (i = 0; i < WALK_NAME - 1; i++) {
		int j = (int)n - 2 - i;

		if (j < 0)
			break;
		if (b->s[j & (WALK_NAME - 1)] == '/') {
			base = j + 1;
			break;
		}
	}
	bpf_probe_read_kernel_str(key.name, sizeof(key.name), &b->s[base & (WALK_NAME - 1)]);
	for (i = 0; i < (int)(sizeof(magics) / sizeof(magics[0])); i++) {
		key.magic = magics[i];
		rule = bpf_map_lookup_elem(&dcea_knobfiles, &key);
		if (rule)
			break;
	}
	if (!rule)
		return -1;
	action = decide(*rule, t, DCEA_ACT_KILL);
	if (action < 0)
		return -1;
	e = event_start(DCEA_EV_RULE, *rule, action);
	if (e) {
		e->object.fs_magic = key.magic;
		e->object.route = DCEA_RT_IO_URING;
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), b->s);
		event_submit(e);
	}
	act(action);
	return action;
}

/* The prepared address of an IORING_OP_CONNECT (its async data), 6.10+ layout. */
struct io_async_msghdr___dcea {
	struct __kernel_sockaddr_storage addr;
} __attribute__((preserve_access_index));

__noinline int connect_name_check_g(__u64 req_p)
{
	struct io_kiocb *req = (struct io_kiocb *)req_p;
	struct dcea_task *t = current_ct_task();
	struct io_async_msghdr___dcea *io = BPF_CORE_READ(req, async_data);
	struct sock_name key = {};
	struct sockaddr_un *sun;
	char path[108] = {};
	int i, slash = -1, action;

	/* the msghdr's copy only: where the kernel keeps the bare address (bind_name_check_g), it
	 * also has cgroup/connect_unix (6.7+), which denies the connect first */
	if (!t || !io || !bpf_core_field_exists(io->addr))
		return -1;
	sun = (void *)&io->addr;
	if (BPF_CORE_READ(sun, sun_family) != AF_UNIX)
		return -1;
	if (bpf_probe_read_kernel_str(path, sizeof(path), &sun->sun_path) <= 0)
		return -1;
	for (i = 0; i < 107 && path[i]; i++)
		if (path[i] == '/')
			slash = i;
	bpf_probe_read_kernel_str(key.name, sizeof(key.name), &sun->sun_path[(slash + 1) & 0x7f]);
	if (!bpf_map_lookup_elem(&dcea_socks, &key))
		return -1;
	action = decide(DCEA_R_RUNTIME_SOCKET, t, DCEA_ACT_KILL);
	if (action >= 0) {
		socket_report(action, path, &key, (__u64)-1, DCEA_RT_IO_URING);
		act(action);
	}
	return action;
}

/* A unix socket's address bound to a path (not abstract): judged as bind(2)'s; -1 when not one */
static __always_inline int bind_addr_check(struct dcea_task *t, struct sockaddr_un *sun)
{
	char first = 0;

	if (BPF_CORE_READ(sun, sun_family) != AF_UNIX ||
	    bpf_probe_read_kernel(&first, 1, &sun->sun_path) || !first)
		return -1;
	return walk_check(t, AT_FDCWD_, sun->sun_path, false, DCEA_WALK_BIND, DCEA_RT_IO_URING);
}

/*
 * An open or connect whose name did not say what it reaches is judged on completion, by the
 * object; a request flagged IOSQE_CQE_SKIP_SUCCESS posts no completion when it succeeds, so
 * io_uring_complete never fires for it and nothing would judge it (a symlink to release_agent
 * opened into a fixed slot with a linked write). Such a request from a container task fails
 * closed on submission: judged as the worst its object could be (a knob file for an open for
 * writing, a host file otherwise, a runtime socket for a connect), the name reported with
 * "(completion untraced)". REQ_F_CQE_SKIP is the sqe flag's own bit (5.17+; earlier kernels
 * refuse the flag).
 */
#define REQ_CQE_SKIP_ (1U << 6) /* IOSQE_CQE_SKIP_SUCCESS_BIT */

__noinline int untraced_check_g(__u64 name_p, __u32 rule)
{
	static const char tag[] = " (completion untraced)";
	struct dcea_task *t = current_ct_task();
	struct dcea_event *e;
	__u32 off;
	int action;
	long n;

	if (!t || rule >= DCEA_R_MAX)
		return -1;
	action = decide(rule, t, DCEA_ACT_KILL);
	if (action < 0)
		return -1;
	e = event_start(DCEA_EV_RULE, rule, action);
	if (e) {
		e->object.route = DCEA_RT_IO_URING;
		n = name_p ? bpf_probe_read_kernel_str(e->path, sizeof(e->path) - sizeof(tag),
						       (const char *)name_p)
			   : 0;
		off = n > 1 ? (__u32)(n - 1) : 0;
		if (off > sizeof(e->path) - sizeof(tag))
			off = sizeof(e->path) - sizeof(tag);
		bpf_probe_read_kernel(&e->path[off], sizeof(tag), tag);
		event_submit(e);
	}
	act(action);
	return action;
}

/*
 * The prepared address of an IORING_OP_BIND: a unix socket bound to a path makes its file there
 * (unix_bind), a walk from the working directory (the io-wq worker shares it), judged as bind(2)
 * is (bpf/paths.bpf.c); an abstract name or an autobind makes none. Kernels without the opcode
 * have no io_bind to relocate against: skipped.
 * Where the kernel's copy is: the request's async data is an io_async_msghdr (its addr field) or,
 * since "io_uring/net: Avoid msghdr on op_connect/op_bind async data" (7.1, backported to stable
 * kernels: this host's 6.18 and the matrix's 6.12 have it), the bare sockaddr_storage. Their BTF is
 * the same, and the kernel's table of async sizes (io_issue_defs) is data that kallsyms lists only
 * with CONFIG_KALLSYMS_ALL. So both places are judged, the bare address first: one of them is the
 * kernel's copy, so no bind is missed. The other is stale or unrelated memory (a msghdr's first
 * iovec; past the end of a 128-byte sockaddr_storage): it can only add a match, and only if it
 * reads as a unix path that goes through another task's /proc/<pid>/ or starts from a working
 * directory outside the container, which a container's own binds never do.
 */
__noinline int bind_name_check_g(__u64 req_p)
{
	struct io_kiocb *req = (struct io_kiocb *)req_p;
	struct io_bind___dcea *b = (void *)req;
	struct dcea_task *t = current_ct_task();
	struct io_async_msghdr___dcea *io;
	int judged;

	if (!t || !req || !bpf_core_type_exists(struct io_bind___dcea) ||
	    BPF_CORE_READ(b, addr_len) <= 2)
		return -1;
	io = BPF_CORE_READ(req, async_data);
	if (!io)
		return -1;
	judged = bind_addr_check(t, (void *)io);
	if (judged < 0 && bpf_core_field_exists(io->addr))
		judged = bind_addr_check(t, (void *)&io->addr);
	return judged;
}

/* A path operation through another task's /proc/<pid>: the walk starts at dfd (kernel copy). */
static __always_inline void judge_walk(struct dcea_task *t, int dfd, struct filename *fn,
				       __u32 what)
{
	const char *name = fn ? BPF_CORE_READ(fn, name) : NULL;

	if (name)
		walk_check(t, dfd, name, false, what, DCEA_RT_IO_URING);
}

static __always_inline int judge_submit(struct io_kiocb *req, __u8 op)
{
	struct dcea_task *t = current_ct_task();
	int judged = -1;

	if (!t || !req)
		return 0;
	switch (op) {
	case IORING_OP_OPENAT:
	case IORING_OP_OPENAT2: {
		struct io_open___dcea *o = (void *)req;
		struct filename *fn = REQ_FILENAME(req, io_open___dcea, io_open___dly, filename);
		const char *name = fn ? BPF_CORE_READ(fn, name) : NULL;

		if (!name)
			break;
		judged = walk_check(t, BPF_CORE_READ(o, dfd), name, false, DCEA_WALK_OPEN,
				    DCEA_RT_IO_URING);
		if (judged < 0 && bpf_core_field_exists(o->how) &&
		    (BPF_CORE_READ(o, how.flags) & O_ACCMODE_))
			judged = knob_name_check_g((__u64)name);
		if (judged < 0 && (BPF_CORE_READ(req, flags) & REQ_CQE_SKIP_))
			judged = untraced_check_g(
				(__u64)name,
				bpf_core_field_exists(o->how) &&
						(BPF_CORE_READ(o, how.flags) & O_ACCMODE_)
					? DCEA_R_KNOB_WRITE
					: DCEA_R_PROC_HOST);
		break;
	}
	case IORING_OP_CONNECT:
		judged = connect_name_check_g((__u64)req);
		if (judged < 0 && (BPF_CORE_READ(req, flags) & REQ_CQE_SKIP_))
			judged = untraced_check_g(0, DCEA_R_RUNTIME_SOCKET);
		break;
	/* requests of operations the kernel lacks (MKDIRAT, SYMLINKAT, LINKAT before 5.15) have no
	 * type to relocate against: skipped, so the verifier never reaches a failed relocation */
	case IORING_OP_MKDIRAT: {
		struct io_mkdir___dcea *m = (void *)req;

		if (!bpf_core_type_exists(struct io_mkdir___dcea))
			break;

		judge_walk(t, BPF_CORE_READ(m, dfd),
			   REQ_FILENAME(req, io_mkdir___dcea, io_mkdir___dly, filename),
			   DCEA_WALK_MKDIR);
		break;
	}
	case IORING_OP_UNLINKAT: {
		struct io_unlink___dcea *u = (void *)req;

		judge_walk(t, BPF_CORE_READ(u, dfd),
			   REQ_FILENAME(req, io_unlink___dcea, io_unlink___dly, filename),
			   DCEA_WALK_UNLINK);
		break;
	}
	case IORING_OP_SYMLINKAT: {
		/* symlinkat(target, newdfd, linkpath): only where the link is made counts */
		struct io_link___dcea *l = (void *)req;

		if (!bpf_core_type_exists(struct io_link___dcea))
			break;

		judge_walk(t, BPF_CORE_READ(l, new_dfd),
			   REQ_FILENAME(req, io_link___dcea, io_rename___dly, newpath),
			   DCEA_WALK_SYMLINK);
		break;
	}
	case IORING_OP_RENAMEAT:
	case IORING_OP_LINKAT: {
		struct io_rename___dcea *r = (void *)req;
		__u32 what = op == IORING_OP_LINKAT ? DCEA_WALK_LINK : DCEA_WALK_RENAME;

		if (!bpf_core_type_exists(struct io_rename___dcea))
			break;

		judge_walk(t, BPF_CORE_READ(r, old_dfd),
			   REQ_FILENAME(req, io_rename___dcea, io_rename___dly, oldpath), what);
		judge_walk(t, BPF_CORE_READ(r, new_dfd),
			   REQ_FILENAME(req, io_rename___dcea, io_rename___dly, newpath), what);
		break;
	}
	case IORING_OP_SETXATTR:
		/* FSETXATTR works on a file the task opened: judged at that open */
		if (!bpf_core_type_exists(struct io_xattr___dcea))
			break;
		judge_walk(t, AT_FDCWD_,
			   REQ_FILENAME(req, io_xattr___dcea, io_xattr___dly, filename),
			   DCEA_WALK_SETXATTR);
		break;
	case IORING_OP_BIND:
		judged = bind_name_check_g((__u64)req);
		break;
	}
	if (judged >= 0) {
		__u32 mark = (bpf_get_current_pid_tgid() >> 32) << 8 | op;

		bpf_map_update_elem(&dcea_uring_seen, &req, &mark, BPF_ANY);
	} else if (op == IORING_OP_OPENAT || op == IORING_OP_OPENAT2 || op == IORING_OP_CONNECT) {
		/* a request recycled from one that posted no completion keeps no mark of it */
		bpf_map_delete_elem(&dcea_uring_seen, &req);
	}
	return 0;
}

SEC("tp/io_uring/io_uring_submit_req")
int watch_uring_submit(struct trace_event_raw_io_uring_submit_req *ctx)
{
	return judge_submit(BPF_CORE_READ(ctx, req), BPF_CORE_READ(ctx, opcode));
}

/*
 * The same tracepoint before 6.3, named io_uring_submit_sqe (with the same req and opcode; 5.10's
 * stable io_uring has it too). Without it 6.1 ran every io_uring path operation unseen. The
 * loader switches off whichever of the two the kernel lacks.
 */
struct trace_event_raw_io_uring_submit_sqe___dcea {
	void *req;
	__u8 opcode;
} __attribute__((preserve_access_index));

SEC("tp/io_uring/io_uring_submit_sqe")
int watch_uring_submit_sqe(struct trace_event_raw_io_uring_submit_sqe___dcea *ctx)
{
	return judge_submit(BPF_CORE_READ(ctx, req), BPF_CORE_READ(ctx, opcode));
}
