// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mounts from inside a container (fallback backend). A tracepoint cannot fail the syscall, and a
 * SIGKILL sent on entry does not stop a mount already requested: the kernel finishes it, then the
 * task dies (measured on 6.18). So these rules are `kill`, and block-device mounts are also denied
 * with EPERM by the cgroup/dev program. Propagation-only changes (MS_PRIVATE, MS_SLAVE, MS_SHARED,
 * MS_UNBINDABLE) are ignored: every runtime and init system makes them.
 */
#include "bpf/judge.bpf.h"
#include "bpf/behave.bpf.h"

#define OPEN_TREE_CLONE 1

SEC("tp/syscalls/sys_enter_mount")
int watch_mount(struct trace_event_raw_sys_enter *ctx)
{
	struct dcea_task *t = current_ct_task();
	const char *src = (const char *)ctx->args[0], *type = (const char *)ctx->args[2];
	__u64 flags = ctx->args[3];
	struct fs_name fs = {};
	struct dcea_event *e;
	char dev[5] = {};
	bool unreadable = false;
	__u32 kind;
	int action;

	if (!t)
		return 0;
	if (type && bpf_probe_read_user_str(fs.name, sizeof(fs.name), type) < 0)
		unreadable = true;
	if (src && bpf_probe_read_user(dev, sizeof(dev), src) &&
	    bpf_probe_read_user_str(dev, sizeof(dev), src) < 0)
		unreadable = true;
	kind = classify_mount(flags, &fs, is_dev_path(dev));
	/*
	 * An argument on a page not yet faulted in reads as an error here, while the kernel's copy
	 * (taken later, with faults allowed) is the real value: never a pass. Fails closed for
	 * container tasks; propagation-only changes carry no strings that matter.
	 */
	if (kind == DCEA_MK_NONE && unreadable && !(flags & MS_PROPAGATION))
		kind = DCEA_MK_UNREADABLE;
	action = kind == DCEA_MK_NONE ? -1 : decide(DCEA_R_MOUNT, t, DCEA_ACT_KILL);
	if (action >= 0) {
		e = event_start(DCEA_EV_RULE, DCEA_R_MOUNT, action);
		if (e) {
			e->mount.flags = flags;
			e->mount.kind = kind;
			if (src)
				bpf_probe_read_user_str(e->path, sizeof(e->path), src);
			__builtin_memcpy(e->str2, fs.name, sizeof(fs.name));
			event_submit(e);
		}
		act(action);
		if (action == DCEA_ACT_KILL)
			return 0;
	}
	/* custom mount rules match the target as given */
	if (custom_find(DCEA_K_MOUNT, t, ~0ULL) >= 0) {
		struct path_buf *pb = path_of_user((const char *)ctx->args[1]);

		if (pb)
			act(custom_check(DCEA_K_MOUNT, t, path_buf_match(pb), path_str(pb), flags));
	}
	return 0;
}

/* The new mount API: a file system context for a watched type, a detached tree, a move. */
SEC("tp/syscalls/sys_enter_fsopen")
int watch_fsopen(struct trace_event_raw_sys_enter *ctx)
{
	struct dcea_task *t = current_ct_task();
	struct fs_name fs = {};
	struct dcea_event *e;
	int action;

	if (!t)
		return 0;
	/* a name in a page not yet faulted in cannot be read here: fails closed */
	if (bpf_probe_read_user_str(fs.name, sizeof(fs.name), (const char *)ctx->args[0]) < 0)
		__builtin_memcpy(fs.name, "(unreadable)", 13);
	else if (!bpf_map_lookup_elem(&dcea_fstypes, &fs))
		return 0;
	action = decide(DCEA_R_MOUNT_API, t, DCEA_ACT_KILL);
	if (action < 0)
		return 0;
	e = event_start(DCEA_EV_RULE, DCEA_R_MOUNT_API, action);
	if (e) {
		__builtin_memcpy(e->path, "fsopen", 7);
		__builtin_memcpy(e->str2, fs.name, sizeof(fs.name));
		event_submit(e);
	}
	act(action);
	return 0;
}

SEC("tp/syscalls/sys_enter_open_tree")
int watch_open_tree(struct trace_event_raw_sys_enter *ctx)
{
	struct dcea_task *t = current_ct_task();
	int action;

	if (!t || !(ctx->args[2] & OPEN_TREE_CLONE))
		return 0;
	action = decide(DCEA_R_MOUNT_API, t, DCEA_ACT_KILL);
	if (action >= 0)
		report(DCEA_R_MOUNT_API, action, "open_tree", mount_api, .flags = ctx->args[2]);
	return 0;
}

SEC("tp/syscalls/sys_enter_move_mount")
int watch_move_mount(struct trace_event_raw_sys_enter *ctx)
{
	struct dcea_task *t = current_ct_task();
	int action;

	if (!t)
		return 0;
	action = decide(DCEA_R_MOUNT_API, t, DCEA_ACT_KILL);
	if (action >= 0)
		report(DCEA_R_MOUNT_API, action, "move_mount", mount_api, .flags = ctx->args[4]);
	return 0;
}
