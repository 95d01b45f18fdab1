// SPDX-License-Identifier: GPL-2.0-only
/*
 * mknod from a container (fallback backend): a node that is not a device (a fifo, a socket, a
 * regular file) created under /dev, and custom mknod rules. Device nodes are judged by the
 * cgroup/dev program (device_create). The path is the one given to the syscall, relative paths as
 * they are; killed on entry, the node is still created.
 */
#include "bpf/behave.bpf.h"

#define S_IFMT	 00170000
#define S_IFCHR	 0020000
#define S_IFBLK	 0060000
#define AT_FDCWD -100

static __always_inline int check_mknod(const char *up, __u64 mode, __u64 dev)
{
	struct dcea_task *t = current_ct_task();
	struct path_buf *pb;
	__u32 type = mode & S_IFMT;
	int action;

	if (!t)
		return 0;
	pb = path_of_user(up);
	if (!pb)
		return 0;
	if (type != S_IFCHR && type != S_IFBLK && pb->s[0] == '/' && pb->s[1] == 'd' &&
	    pb->s[2] == 'e' && pb->s[3] == 'v' && pb->s[4] == '/') {
		action = decide(DCEA_R_DEV_FILE, t, DCEA_ACT_KILL);
		if (action >= 0) {
			path_report(DCEA_R_DEV_FILE, action, pb, dev_file, .mode = mode,
				    .dev = dev);
			act(action);
			if (action == DCEA_ACT_KILL)
				return 0;
		}
	}
	act(custom_check(DCEA_K_MKNOD, t, path_buf_match(pb), path_str(pb), mode));
	return 0;
}

SEC("tp/syscalls/sys_enter_mknod")
int watch_mknod(struct trace_event_raw_sys_enter *ctx)
{
	return check_mknod((const char *)ctx->args[0], ctx->args[1], ctx->args[2]);
}

SEC("tp/syscalls/sys_enter_mknodat")
int watch_mknodat(struct trace_event_raw_sys_enter *ctx)
{
	return check_mknod((const char *)ctx->args[1], ctx->args[2], ctx->args[3]);
}
