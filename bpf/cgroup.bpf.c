// SPDX-License-Identifier: GPL-2.0-only
/*
 * Deny with EPERM where the fallback backend can: cgroup/dev (device mknod, open, block-device
 * mount) and cgroup/sysctl (writes under /proc/sys). Both are attached with links at the cgroup v2
 * root, so they run for every task and let runtimes add their own device programs below. Host
 * tasks are always allowed (return 1).
 *
 * Two variants of each. Recent kernels give cgroup programs the task helpers
 * (bpf_get_current_task, probed by the loader), and alerts carry everything a tracepoint's do.
 * Older ones do not (5.10: not even bpf_get_current_pid_tgid, "unknown func"), so the legacy
 * variant knows a container task by its cgroup alone (a cgroup becomes a container at its
 * entrypoint's exec, so runc's own device nodes made before it are not seen either); its alerts
 * carry no pid, and the loader adds what /proc still shows.
 */
#include "bpf/judge.bpf.h"

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

/* The container task record for a cgroup program: by tid where the helper exists, else by cgroup.
 */
static __always_inline struct dcea_task *cgroup_prog_task(bool legacy, struct dcea_task *scratch)
{
	struct dcea_container *ct;
	__u64 cgid;

	if (!legacy)
		return current_ct_task();
	cgid = bpf_get_current_cgroup_id();
	ct = bpf_map_lookup_elem(&dcea_containers, &cgid);
	if (!ct)
		return NULL;
	scratch->cgroup_id = cgid;
	scratch->flags = ct->flags;
	scratch->reported = 0;
	scratch->exe = 0; /* no task here: exceptions by executable do not apply */
	return scratch;
}

static __always_inline struct dcea_event *cgroup_event(bool legacy, struct dcea_task *t, __u32 rule,
						       int action)
{
	struct dcea_event *e;

	if (!legacy)
		return event_start(DCEA_EV_RULE, rule, action);
	count(&dcea_hits, (rule * 4 + action) % (DCEA_R_MAX * 4));
	e = event_new();
	if (!e)
		return NULL;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_boot_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = t->cgroup_id;
	e->kind = DCEA_EV_RULE;
	e->rule = rule;
	e->action = action;
	e->uid = (__u32)bpf_get_current_uid_gid();
	return e;
}

static __always_inline __u64 bpf_get_current_pid_tgid_or(bool legacy)
{
	return legacy ? 0 : bpf_get_current_pid_tgid();
}

static __always_inline bool repeated(__u64 who, struct bpf_cgroup_dev_ctx *ctx)
{
	struct dev_last now = {
		.ts = bpf_ktime_get_boot_ns(),
		.major = ctx->major,
		.minor = ctx->minor,
		.access = ctx->access_type,
	};
	struct dev_last *l = bpf_map_lookup_elem(&dcea_devlast, &who);
	bool same = l && l->major == now.major && l->minor == now.minor &&
		    l->access == now.access && now.ts - l->ts < 50000000;

	bpf_map_update_elem(&dcea_devlast, &who, &now, BPF_ANY);
	return same;
}

static __always_inline int device(struct bpf_cgroup_dev_ctx *ctx, bool legacy)
{
	__u32 type = ctx->access_type & 0xffff, access = ctx->access_type >> 16;
	struct dcea_task scratch, *t = cgroup_prog_task(legacy, &scratch);
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
	if (repeated(legacy ? t->cgroup_id : bpf_get_current_pid_tgid_or(legacy), ctx))
		return action == DCEA_ACT_DENY ? 0 : 1;
	e = cgroup_event(legacy, t, rule, action);
	if (e) {
		e->device.major = ctx->major;
		e->device.minor = ctx->minor;
		e->device.access = ctx->access_type;
		event_submit(e);
	}
	return action == DCEA_ACT_DENY ? 0 : 1;
}

SEC("cgroup/dev")
int deny_device(struct bpf_cgroup_dev_ctx *ctx)
{
	return device(ctx, false);
}

SEC("cgroup/dev")
int deny_device_legacy(struct bpf_cgroup_dev_ctx *ctx)
{
	return device(ctx, true);
}

static __always_inline int sysctl(struct bpf_sysctl *ctx, bool legacy)
{
	struct dcea_task scratch, *t;
	struct knob_name key = {};
	struct dcea_event *e;
	__u32 *rule;
	int action;

	if (!ctx->write)
		return 1;
	t = cgroup_prog_task(legacy, &scratch);
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
	e = cgroup_event(legacy, t, *rule, action);
	if (e) {
		__builtin_memcpy(e->path, "/proc/sys/", 10);
		__builtin_memcpy(e->path + 10, key.name, sizeof(key.name));
		/* the new value, for the alert; a failure leaves it empty */
		bpf_sysctl_get_new_value(ctx, e->str2, sizeof(e->str2));
		event_submit(e);
	}
	return action == DCEA_ACT_DENY ? 0 : 1;
}

SEC("cgroup/sysctl")
int deny_sysctl_write(struct bpf_sysctl *ctx)
{
	return sysctl(ctx, false);
}

SEC("cgroup/sysctl")
int deny_sysctl_write_legacy(struct bpf_sysctl *ctx)
{
	return sysctl(ctx, true);
}

/*
 * A connect to a container runtime's socket, denied with EPERM by any route (connect(2),
 * io_uring's IORING_OP_CONNECT, sendmsg with an address): cgroup/connect_unix runs in the kernel's
 * unix connect itself (6.7+). Attached as BPF_CGROUP_UNIX_CONNECT by the loader where the kernel
 * has the hook (the section name is what libbpf 1.1 knows for this program type). It sees the
 * address as given, not the socket it resolves to: a name that does not say docker.sock (a
 * symlink) passes here and is killed on the connect's exit by the peer's bound path, as before.
 * Block mode only: audit mode reports through those same programs, once.
 */
/* weak: 6.2+, and the program is off where the hook (6.7+) is missing */
extern void *bpf_cast_to_kern_ctx(void *obj) __ksym __weak;

SEC("cgroup/connect4")
int deny_runtime_connect(struct bpf_sock_addr *ctx)
{
	struct bpf_sock_addr_kern *k = bpf_cast_to_kern_ctx(ctx);
	struct dcea_task *t = current_ct_task();
	struct sock_name key = {};
	struct sockaddr_un *sun;
	char path[108] = {};
	int i, slash = -1, action;

	if (!t)
		return 1;
	sun = (struct sockaddr_un *)k->uaddr;
	if (bpf_probe_read_kernel_str(path, sizeof(path), sun->sun_path) <= 0)
		return 1;
	for (i = 0; i < 107 && path[i]; i++)
		if (path[i] == '/')
			slash = i;
	bpf_probe_read_kernel_str(key.name, sizeof(key.name), &sun->sun_path[(slash + 1) & 0x7f]);
	if (!bpf_map_lookup_elem(&dcea_socks, &key))
		return 1;
	action = decide(DCEA_R_RUNTIME_SOCKET, t, DCEA_ACT_DENY);
	if (action != DCEA_ACT_DENY)
		return 1;
	/* an io_uring connect in an io-wq worker says so (route_of); inline, it is not told apart
	 */
	socket_report(action, path, &key, (__u64)-1, DCEA_RT_SYSCALL);
	return 0;
}
