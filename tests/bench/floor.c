// SPDX-License-Identifier: GPL-2.0-only
/*
 * dcea-floor: the bench's "floor" configuration. Attaches one empty BPF program to each hook named
 * on the command line, by the section name of the dcea program attached there, and holds them
 * until SIGTERM or SIGINT:
 *   dcea-floor tp/syscalls/sys_exit_openat tp_btf/cgroup_rmdir cgroup/dev ...
 * tp/CAT/NAME: a tracepoint program (perf event), returning 0. tp_btf/NAME, raw_tp/NAME: a raw
 * tracepoint program, returning 0. cgroup/dev, cgroup/sysctl, cgroup/connect4: attached to the
 * cgroup v2 root given by DCEA_FLOOR_CGROUP (default /sys/fs/cgroup/unified) by a link (like
 * dcea's, so both run), returning 1 (allow: 0 would deny). Prints "ready N" once all are attached.
 * What dcea's programs cost is then measured above this: the price of the hooks themselves.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

/* r0 = ret; exit */
static int empty_prog(enum bpf_prog_type type, enum bpf_attach_type expected, int ret)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = expected);

	return bpf_prog_load(type, "dcea_floor", "GPL", insns, 2, &opts);
}

static int tracepoint_id(const char *cat, const char *name)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[512];

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		FILE *f;
		int id;

		snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[i], cat, name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%d", &id) != 1)
			id = -1;
		fclose(f);
		return id;
	}
	return -1;
}

static int attach_tp(const char *cat, const char *name)
{
	struct perf_event_attr attr = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(attr) };
	int id = tracepoint_id(cat, name), prog, pfd;

	if (id < 0)
		return -ENOENT;
	attr.config = id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	prog = empty_prog(BPF_PROG_TYPE_TRACEPOINT, 0, 0);
	if (prog < 0)
		return -errno;
	pfd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return -errno;
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog) || ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0))
		return -errno;
	return 0;
}

static int attach_cgroup(enum bpf_prog_type type, enum bpf_attach_type at)
{
	const char *cg = getenv("DCEA_FLOOR_CGROUP");
	int prog = empty_prog(type, at, 1), cfd;

	if (prog < 0)
		return -errno;
	cfd = open(cg ? cg : "/sys/fs/cgroup/unified", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cfd < 0)
		return -errno;
	/*
	 * A link, not bpf_prog_attach: the attachment goes with this process. A program attached
	 * to the root cgroup with bpf_prog_attach stays there after its process exits, and every
	 * run left three more on the machine (found: 99 of them).
	 */
	if (bpf_link_create(prog, cfd, at, NULL) < 0)
		return -errno;
	return 0;
}

static int attach_one(const char *sec)
{
	char buf[256], *cat, *name;
	int prog;

	if (!strcmp(sec, "cgroup/dev"))
		return attach_cgroup(BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE);
	if (!strcmp(sec, "cgroup/sysctl"))
		return attach_cgroup(BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL);
	if (!strcmp(sec, "cgroup/connect4"))
		return attach_cgroup(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT);
	if (!strncmp(sec, "tp_btf/", 7) || !strncmp(sec, "raw_tp/", 7)) {
		prog = empty_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0);
		if (prog < 0 || bpf_raw_tracepoint_open(sec + 7, prog) < 0)
			return -errno;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", sec);
	if (strncmp(buf, "tp/", 3) && strncmp(buf, "tracepoint/", 11))
		return -EINVAL;
	cat = strchr(buf, '/') + 1;
	name = strchr(cat, '/');
	if (!name)
		return -EINVAL;
	*name++ = '\0';
	return attach_tp(cat, name);
}

int main(int argc, char **argv)
{
	int n = 0;

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	for (int i = 1; i < argc; i++) {
		int err = attach_one(argv[i]);

		if (err) {
			fprintf(stderr, "dcea-floor: failed to attach '%s': %s\n", argv[i],
				strerror(-err));
			return 1;
		}
		n++;
	}
	printf("ready %d\n", n);
	fflush(stdout);
	while (!stop)
		pause();
	return 0;
}
