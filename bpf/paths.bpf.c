// SPDX-License-Identifier: GPL-2.0-only
/*
 * Path operations that open nothing (mkdir, symlink, link, rename, unlink, setxattr, removexattr,
 * chmod, chown, mknod, a unix socket's bind and their *at forms)
 * from a container task (fallback backend): one whose walk goes through another task's
 * /proc/<pid>/ (its root, cwd or fds are the host's files for a host task), or starts in a
 * directory outside the task's mount namespace, is a proc_host_access match (bpf/routes.bpf.h).
 * Killed on entry: the kernel still finishes the operation, then the task dies. A name the program
 * cannot read on entry (a page not yet faulted in) is read again on exit, after the kernel's own
 * copy faulted it in: never a pass. The LSM backend denies the same walks earlier, in
 * ptrace_access_check (the /proc/<pid> magic links check ptrace access).
 */
#include "bpf/routes.bpf.h"

__noinline int walk_check_g(__s64 dfd, __u64 name, __u32 user, __u32 what, __u32 route)
{
	return walk_check_in(dfd, (const char *)name, user, what, route);
}

/* A name unreadable on entry, kept for the exit: its pointer, its dfd, the operation. */
struct walk_later {
	__u64 name;
	__s32 dfd;
	__u32 what;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct walk_later);
} dcea_walklater SEC(".maps");

static __always_inline int walk_enter(long dfd, const char *name, __u32 what)
{
	struct dcea_task *t = current_ct_task();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!t)
		return 0;
	if (walk_check(t, dfd, name, true, what, DCEA_RT_SYSCALL) == -2) {
		struct walk_later l = { .name = (__u64)name, .dfd = dfd, .what = what };

		if (bpf_map_update_elem(&dcea_walklater, &tid, &l, BPF_ANY))
			map_full(DCEA_MAP_WALKLATER); /* unjudged on exit: fails closed */
	}
	return 0;
}

static __always_inline int walk_exit(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct walk_later *l = bpf_map_lookup_elem(&dcea_walklater, &tid);
	struct dcea_task *t;

	if (!l)
		return 0;
	t = current_ct_task();
	/* still unreadable after the kernel's copy: the operation failed on it too */
	if (t)
		walk_check(t, l->dfd, (const char *)l->name, true, l->what, DCEA_RT_SYSCALL);
	bpf_map_delete_elem(&dcea_walklater, &tid);
	return 0;
}

#define AT_FDCWD_L (-100L)

/* WALK(syscall, dfd, name, operation), and its exit */
#define WALK(sc, dfd_expr, name_idx, op)                                                           \
	SEC("tp/syscalls/sys_enter_" #sc)                                                          \
	int walk_##sc(struct trace_event_raw_sys_enter *ctx)                                       \
	{                                                                                          \
		return walk_enter(dfd_expr, (const char *)ctx->args[name_idx], op);                \
	}                                                                                          \
	SEC("tp/syscalls/sys_exit_" #sc)                                                           \
	int walk_##sc##_exit(struct trace_event_raw_sys_exit *ctx)                                 \
	{                                                                                          \
		return walk_exit();                                                                \
	}

/* the second name of a two-name operation: checked on entry only (one pending name a thread) */
#define WALK2(sc, dfd1, n1, dfd2, n2, op)                                                          \
	SEC("tp/syscalls/sys_enter_" #sc)                                                          \
	int walk_##sc(struct trace_event_raw_sys_enter *ctx)                                       \
	{                                                                                          \
		walk_enter(dfd2, (const char *)ctx->args[n2], op);                                 \
		return walk_enter(dfd1, (const char *)ctx->args[n1], op);                          \
	}                                                                                          \
	SEC("tp/syscalls/sys_exit_" #sc)                                                           \
	int walk_##sc##_exit(struct trace_event_raw_sys_exit *ctx)                                 \
	{                                                                                          \
		return walk_exit();                                                                \
	}

WALK(mkdir, AT_FDCWD_L, 0, DCEA_WALK_MKDIR)
WALK(mkdirat, ctx->args[0], 1, DCEA_WALK_MKDIR)
WALK(unlink, AT_FDCWD_L, 0, DCEA_WALK_UNLINK)
WALK(rmdir, AT_FDCWD_L, 0, DCEA_WALK_UNLINK)
WALK(unlinkat, ctx->args[0], 1, DCEA_WALK_UNLINK)
/* symlink(target, linkpath): only where the link is made counts */
WALK(symlink, AT_FDCWD_L, 1, DCEA_WALK_SYMLINK)
WALK(symlinkat, ctx->args[1], 2, DCEA_WALK_SYMLINK)
WALK2(link, AT_FDCWD_L, 0, AT_FDCWD_L, 1, DCEA_WALK_LINK)
WALK2(linkat, ctx->args[0], 1, ctx->args[2], 3, DCEA_WALK_LINK)
WALK2(rename, AT_FDCWD_L, 0, AT_FDCWD_L, 1, DCEA_WALK_RENAME)
WALK2(renameat, ctx->args[0], 1, ctx->args[2], 3, DCEA_WALK_RENAME)
WALK2(renameat2, ctx->args[0], 1, ctx->args[2], 3, DCEA_WALK_RENAME)
/* an extended attribute set by path (file capabilities on a host binary: security.capability) */
WALK(setxattr, AT_FDCWD_L, 0, DCEA_WALK_SETXATTR)
WALK(lsetxattr, AT_FDCWD_L, 0, DCEA_WALK_SETXATTR)
WALK(removexattr, AT_FDCWD_L, 0, DCEA_WALK_SETXATTR)
WALK(lremovexattr, AT_FDCWD_L, 0, DCEA_WALK_SETXATTR)
WALK(setxattrat, ctx->args[0], 1, DCEA_WALK_SETXATTR) /* 6.13+: the loader switches it off before */
WALK(removexattrat, ctx->args[0], 1, DCEA_WALK_SETXATTR)
/* a mode or owner changed by path (a setuid bit on a host binary) */
WALK(chmod, AT_FDCWD_L, 0, DCEA_WALK_CHMOD)
WALK(fchmodat, ctx->args[0], 1, DCEA_WALK_CHMOD)
WALK(fchmodat2, ctx->args[0], 1, DCEA_WALK_CHMOD) /* 6.6+ */
WALK(chown, AT_FDCWD_L, 0, DCEA_WALK_CHOWN)
WALK(lchown, AT_FDCWD_L, 0, DCEA_WALK_CHOWN)
WALK(fchownat, ctx->args[0], 1, DCEA_WALK_CHOWN)
/* a fifo or socket node (device nodes are device_create's, bpf/cgroup.bpf.c, and dev_file's) */
WALK(mknod, AT_FDCWD_L, 0, DCEA_WALK_MKNOD)
WALK(mknodat, ctx->args[0], 1, DCEA_WALK_MKNOD)

/*
 * bind(2) of a unix socket to a path makes the socket's file there (unix_bind: the kernel's mknod),
 * a walk like mkdir's from the working directory. An abstract name (sun_path[0] == 0) or an
 * autobind (the family alone) makes no file and is not judged. The kernel's name ends at addrlen;
 * the one read here may run on past it (no NUL within addrlen), but it begins with the kernel's,
 * and what is judged (where a relative walk starts, a leading /proc/<pid>/) is the same for both.
 * A sockaddr unreadable on entry (a page not yet faulted in) is read again on exit, after the
 * kernel's copy; a bind that succeeded on an address still unreadable then is a match (fail closed:
 * the page went away under the program).
 */
#define AF_UNIX_      1
#define SUN_PATH_OFF_ 2 /* offsetof(struct sockaddr_un, sun_path) */

/* 1: a unix socket bound to a path, 0: not, -1: unreadable */
static __always_inline int unix_path_at(const char *addr)
{
	char h[3];
	__u16 family;

	if (bpf_probe_read_user(h, sizeof(h), addr))
		return -1;
	__builtin_memcpy(&family, h, sizeof(family));
	return family == AF_UNIX_ && h[2];
}

SEC("tp/syscalls/sys_enter_bind")
int walk_bind(struct trace_event_raw_sys_enter *ctx)
{
	const char *addr = (const char *)ctx->args[1];
	struct dcea_task *t = current_ct_task();
	int is_unix;

	if (!t || (long)ctx->args[2] <= SUN_PATH_OFF_)
		return 0;
	is_unix = unix_path_at(addr);
	if (is_unix < 0) {
		__u32 tid = (__u32)bpf_get_current_pid_tgid();
		struct walk_later l = { .name = (__u64)(addr + SUN_PATH_OFF_),
					.dfd = AT_FDCWD_L,
					.what = DCEA_WALK_BIND };

		if (bpf_map_update_elem(&dcea_walklater, &tid, &l, BPF_ANY))
			map_full(DCEA_MAP_WALKLATER); /* unjudged on exit: fails closed */
		return 0;
	}
	if (is_unix)
		walk_enter(AT_FDCWD_L, addr + SUN_PATH_OFF_, DCEA_WALK_BIND);
	return 0;
}

SEC("tp/syscalls/sys_exit_bind")
int walk_bind_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct walk_later *l = bpf_map_lookup_elem(&dcea_walklater, &tid);
	struct dcea_task *t;
	struct dcea_event *e;
	int is_unix, action;

	if (!l)
		return 0;
	t = current_ct_task();
	is_unix = unix_path_at((const char *)(l->name - SUN_PATH_OFF_));
	if (t && is_unix > 0 &&
	    walk_check(t, l->dfd, (const char *)l->name, true, DCEA_WALK_BIND, DCEA_RT_SYSCALL) !=
		    -2)
		goto out;
	if (!t || is_unix == 0 || ctx->ret != 0)
		goto out; /* not a unix path, or the bind failed on the address too */
	action = decide(DCEA_R_PROC_HOST, t, DCEA_ACT_KILL);
	if (action < 0)
		goto out;
	e = event_start(DCEA_EV_RULE, DCEA_R_PROC_HOST, action);
	if (e) {
		e->object.kind = DCEA_PH_WALK;
		e->object.op = DCEA_WALK_BIND;
		e->object.route = DCEA_RT_SYSCALL;
		__builtin_memcpy(e->path, "(unreadable)", 13);
		event_submit(e);
	}
	act(action);
out:
	bpf_map_delete_elem(&dcea_walklater, &tid);
	return 0;
}
