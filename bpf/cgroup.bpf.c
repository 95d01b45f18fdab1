// SPDX-License-Identifier: GPL-2.0-only
/*
 * Deny with EPERM where the fallback backend can: cgroup/dev (device mknod, open, block-device
 * mount) and cgroup/sysctl (writes under /proc/sys). Both are attached with links at the cgroup v2
 * root, so they run for every task and let runtimes add their own device programs below. Host
 * tasks are not in the tasks map and are always allowed (return 1).
 */
#include "bpf/common.bpf.h"

#define DEVCG_DEV_BLOCK 1
#define DEVCG_DEV_CHAR	2
#define DEVCG_ACC_MKNOD 1
#define DEVCG_ACC_READ	2
#define DEVCG_ACC_WRITE 4

/* Char devices every container gets from its runtime: null, zero, full, random, urandom, tty... */
static __always_inline bool benign_char(__u32 major, __u32 minor)
{
	if (major == 1)
		return minor == 3 || minor == 5 || minor == 7 || minor == 8 || minor == 9;
	if (major == 5)
		return minor <= 2;					    /* tty, console, ptmx */
	return major == 136 || major == 4 || (major == 10 && minor == 200); /* pts, vt, net/tun */
}

SEC("cgroup/dev")
int deny_device(struct bpf_cgroup_dev_ctx *ctx)
{
	__u32 type = ctx->access_type & 0xffff, access = ctx->access_type >> 16;
	struct dcea_task *t = current_ct_task();
	struct dcea_event *e;
	__u32 rule;
	int action;

	if (!t)
		return 1;
	if (access & DEVCG_ACC_MKNOD) {
		if (type == DEVCG_DEV_CHAR && benign_char(ctx->major, ctx->minor))
			return 1;
		rule = DCEA_R_DEVICE_CREATE;
	} else if (type == DEVCG_DEV_BLOCK ||
		   (ctx->major == 1 && (ctx->minor == 1 || ctx->minor == 2 || ctx->minor == 4))) {
		rule = DCEA_R_BLOCK_DEVICE; /* a disk, or /dev/mem, /dev/kmem, /dev/port */
	} else {
		return 1;
	}
	action = decide(rule, t, DCEA_ACT_DENY);
	if (action < 0)
		return 1;
	count(&dcea_hits, (rule * 4 + action) % (DCEA_R_MAX * 4));
	e = bpf_ringbuf_reserve(&dcea_events, sizeof(*e), 0);
	if (e) {
		__u64 id = bpf_get_current_pid_tgid();

		__builtin_memset(e, 0, sizeof(*e));
		e->ts_boot_ns = bpf_ktime_get_boot_ns();
		e->cgroup_id = t->cgroup_id;
		e->kind = DCEA_EV_RULE;
		e->rule = rule;
		e->action = action;
		e->pid = id >> 32;
		e->tid = (__u32)id;
		e->uid = (__u32)bpf_get_current_uid_gid();
		e->arg[0] = ctx->major;
		e->arg[1] = ctx->minor;
		e->arg[2] = ctx->access_type;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		bpf_ringbuf_submit(e, 0);
	} else {
		count(&dcea_drops, 0);
	}
	return action == DCEA_ACT_DENY ? 0 : 1;
}

SEC("cgroup/sysctl")
int deny_sysctl_write(struct bpf_sysctl *ctx)
{
	struct dcea_task *t;
	struct knob_name key = {};
	struct dcea_event *e;
	__u32 *rule;
	int action;

	if (!ctx->write)
		return 1;
	t = current_ct_task();
	if (!t)
		return 1;
	if (bpf_sysctl_get_name(ctx, key.name, sizeof(key.name), 0) < 0)
		return 1; /* longer than any watched knob */
	rule = bpf_map_lookup_elem(&dcea_sysctls, &key);
	if (!rule)
		return 1;
	action = decide(*rule, t, DCEA_ACT_DENY);
	if (action < 0)
		return 1;
	count(&dcea_hits, (*rule * 4 + action) % (DCEA_R_MAX * 4));
	e = bpf_ringbuf_reserve(&dcea_events, sizeof(*e), 0);
	if (e) {
		__u64 id = bpf_get_current_pid_tgid();

		__builtin_memset(e, 0, sizeof(*e));
		e->ts_boot_ns = bpf_ktime_get_boot_ns();
		e->cgroup_id = t->cgroup_id;
		e->kind = DCEA_EV_RULE;
		e->rule = *rule;
		e->action = action;
		e->pid = id >> 32;
		e->tid = (__u32)id;
		e->uid = (__u32)bpf_get_current_uid_gid();
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		__builtin_memcpy(e->path, "/proc/sys/", 10);
		__builtin_memcpy(e->path + 10, key.name, sizeof(key.name));
		/* the new value, for the alert; a failure leaves it empty */
		bpf_sysctl_get_new_value(ctx, e->str2, sizeof(e->str2));
		bpf_ringbuf_submit(e, 0);
	} else {
		count(&dcea_drops, 0);
	}
	return action == DCEA_ACT_DENY ? 0 : 1;
}
