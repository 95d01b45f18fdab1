// SPDX-License-Identifier: GPL-2.0-only
/*
 * dcea-escape: the one escape-attempt helper, one step per subcommand, for the integration tests
 * (tests/integration/1*-*.sh: built statically by tests/lib/dcea.sh, bind-mounted into test
 * containers) and the kernel matrix (vmtest/dcea/test.sh: built by vmtest/dcea/prepare.sh, copied
 * into the guest's container root). The routes of tests/routes/catalogue.tsv are `route ...`
 * (routes.c). Exit status: 0 when the step succeeded (what it achieved on stdout), 1 with the
 * errno name on stderr ("dcea-escape: WHAT: REASON") when the kernel refused it, 2 when it was
 * refused but its side effect is there anyway, 3 when the step could not be set up (stderr
 * "dcea-escape: setup: ..."); a step stopped by dcea's kill rules never returns (exit status 137).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/io_uring.h>
#include <linux/securebits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "routes.h"

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef KEXEC_FILE_NO_INITRAMFS
#define KEXEC_FILE_NO_INITRAMFS 0x00000004
#endif

static int die(const char *what)
{
	fprintf(stderr, "dcea-escape: %s: %s\n", what, strerror(errno));
	return 1;
}

/* The step could not be prepared: not an answer of the kernel to the attempt. */
static int setup_failed(const char *what)
{
	fprintf(stderr, "dcea-escape: setup: %s: %s\n", what, strerror(errno));
	return 3;
}

/*
 * capset [sys_admin]: drop CAP_CHOWN (or CAP_SYS_ADMIN) from the effective set, then raise it
 * again: the second capset raises. Exit 2 when the raise is refused but the capability is
 * effective anyway.
 */
static int cmd_capset(const char *which)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	bool admin = which && !strcmp(which, "sys_admin");
	unsigned bit = 1u << (admin ? CAP_SYS_ADMIN : CAP_CHOWN);
	const char *name = admin ? "sys_admin" : "chown";

	if (syscall(SYS_capget, &h, d))
		return die("capget");
	if (!(d[0].permitted & bit)) {
		errno = EPERM;
		return setup_failed(admin ? "no CAP_SYS_ADMIN in the permitted set"
					  : "no CAP_CHOWN in the permitted set");
	}
	d[0].effective &= ~bit;
	if (syscall(SYS_capset, &h, d))
		return setup_failed("capset (lower)");
	d[0].effective |= bit;
	if (syscall(SYS_capset, &h, d)) {
		die("capset (raise)");
		if (syscall(SYS_capget, &h, d) == 0 && (d[0].effective & bit)) {
			printf("%s effective anyway\n", name);
			return 2;
		}
		return 1;
	}
	if (syscall(SYS_capget, &h, d))
		return die("capget");
	printf("%s %s\n", name, d[0].effective & bit ? "raised" : "missing");
	return 0;
}

/*
 * setuid: from effective uid 1000 (saved uid 0) back to 0, a non-root process becoming root.
 * setuid keepcaps: keep the capabilities across the change (SECBIT_NO_SETUID_FIXUP), become uid
 * 1000 entirely, then setuid(0) with CAP_SETUID. Exit 2 when refused but uid or euid is 0 anyway.
 */
static int cmd_setuid(const char *how)
{
	if (how && !strcmp(how, "keepcaps")) {
		if (prctl(PR_SET_SECUREBITS,
			  SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED))
			return setup_failed("securebits");
		if (setresuid(1000, 1000, 1000))
			return setup_failed("setresuid(1000, 1000, 1000)");
	} else if (setresuid(1000, 1000, 0)) {
		return die("setresuid(1000, 1000, 0)");
	}
	if (syscall(SYS_setuid, 0)) {
		die("setuid(0)");
		if (getuid() == 0 || geteuid() == 0) {
			printf("uid %d euid %d anyway\n", (int)getuid(), (int)geteuid());
			return 2;
		}
		return 1;
	}
	printf("euid %d\n", (int)geteuid());
	return geteuid() == 0 ? 0 : 1;
}

/* Join the namespaces of process PID through a pidfd (no /proc/PID/ns file is opened), then read
 * FILE there. */
static int cmd_setns(const char *pid, const char *file)
{
	char buf[256];
	ssize_t n;
	int pfd, fd;

	pfd = syscall(SYS_pidfd_open, atoi(pid), 0);
	if (pfd < 0)
		return die("pidfd_open");
	if (setns(pfd, CLONE_NEWNS))
		return die("setns");
	fd = open(file, O_RDONLY);
	if (fd < 0)
		return die(file);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return die("read");
	buf[n] = '\0';
	fputs(buf, stdout);
	return 0;
}

/* Attach to PID with ptrace, then let it go. */
static int cmd_ptrace(const char *pid)
{
	pid_t p = atoi(pid);

	if (ptrace(PTRACE_ATTACH, p, 0, 0))
		return die("ptrace(PTRACE_ATTACH)");
	waitpid(p, NULL, __WALL);
	ptrace(PTRACE_DETACH, p, 0, 0);
	printf("attached %d\n", p);
	return 0;
}

/* Load a two-instruction socket filter: r0 = 0; exit. */
static int cmd_bpf(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (unsigned long)insns;
	a.insn_cnt = 2;
	a.license = (unsigned long)"GPL";
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return die("bpf(BPF_PROG_LOAD)");
	printf("prog fd %d\n", fd);
	return 0;
}

/* The "shocker" step: a handle for FILE, opened again by handle. */
static int cmd_handle(const char *file)
{
	struct {
		struct file_handle fh;
		unsigned char f_handle[MAX_HANDLE_SZ];
	} h;
	int mnt_id, mfd, fd;
	char buf[256];
	ssize_t n;

	h.fh.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, file, &h.fh, &mnt_id, 0))
		return die("name_to_handle_at");
	mfd = open(file, O_RDONLY);
	if (mfd < 0)
		return die(file);
	fd = open_by_handle_at(mfd, &h.fh, O_RDONLY);
	if (fd < 0)
		return die("open_by_handle_at");
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	fputs(buf, stdout);
	return 0;
}

/* A file system context of type FSTYPE through the new mount API. */
static int cmd_fsopen(const char *fstype)
{
	int fd = syscall(SYS_fsopen, fstype, 0);

	if (fd < 0)
		return die("fsopen");
	printf("fsopen fd %d\n", fd);
	return 0;
}

/* Connect to the unix socket PATH and ask the docker API for /_ping. */
static int cmd_connect(const char *path)
{
	static const char req[] = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[512];
	ssize_t n;
	int s;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0)
		return die("socket");
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)))
		return die("connect");
	if (write(s, req, sizeof(req) - 1) < 0)
		return die("write");
	n = read(s, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	/* the last line of the answer: "OK" from dockerd */
	fputs(strrchr(buf, '\n') ? strrchr(buf, '\n') + 1 : buf, stdout);
	putchar('\n');
	return 0;
}

/* module [FILE]: finit_module of FILE, or of fd -1 (the call itself is the attempt). */
static int cmd_module(const char *file)
{
	int fd = -1;

	if (file && (fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return setup_failed(file);
	if (syscall(SYS_finit_module, fd, "", 0))
		return die("finit_module");
	printf("module loaded\n");
	return 0;
}

/* kexec [FILE]: kexec_file_load of FILE (no initramfs), or an empty kexec_load. */
static int cmd_kexec(const char *file)
{
	int fd;

	if (!file) {
		if (syscall(SYS_kexec_load, 0, 0, NULL, 0))
			return die("kexec_load");
		printf("kexec loaded\n");
		return 0;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return setup_failed(file);
	if (syscall(SYS_kexec_file_load, fd, -1, 1, "", KEXEC_FILE_NO_INITRAMFS))
		return die("kexec_file_load");
	printf("kexec loaded\n");
	return 0;
}

/* write PATH DATA: open PATH for writing and write DATA (kernel knobs, dcea's files). */
static int cmd_write(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return die(path);
	n = write(fd, data, strlen(data));
	if (n < 0)
		return die("write");
	printf("wrote %zd bytes\n", n);
	return 0;
}

/* read PATH: open PATH and print the start of it (host files, /dev/mem). */
static int cmd_read(const char *path)
{
	char buf[256];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return die(path);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return die("read");
	buf[n] = '\0';
	printf("read %zd bytes: %.40s\n", n, buf);
	return 0;
}

/* mount TYPE DIR [SOURCE]: mount a TYPE file system on DIR (source "none" unless given). */
static int cmd_mount(const char *type, const char *dir, const char *source)
{
	if (mount(source ? source : "none", dir, type, 0, NULL))
		return die("mount");
	printf("mounted %s on %s\n", type, dir);
	return 0;
}

/* move_mount SRC DST: open_tree(SRC, OPEN_TREE_CLONE) and move_mount it onto DST. */
static int cmd_move_mount(const char *src, const char *dst)
{
	int mnt = syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | O_CLOEXEC);

	if (mnt < 0)
		return die("open_tree(OPEN_TREE_CLONE)");
	if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH))
		return die("move_mount");
	printf("moved %s onto %s\n", src, dst);
	return 0;
}

/* truncate PATH: truncate(2) PATH to 0 bytes (by path, no open). */
static int cmd_truncate(const char *path)
{
	if (truncate(path, 0))
		return die("truncate");
	printf("truncated %s\n", path);
	return 0;
}

/*
 * listen PATH LOG (the host side of runtime_socket in the kernel matrix): accept connections on
 * the unix socket PATH forever, one line per connection to LOG: "connection: " and the first
 * line the peer sent (a request reached the API).
 */
static int cmd_listen(const char *path, const char *log)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 8))
		return die("listen");
	printf("listening on %s\n", path);
	for (;;) {
		char buf[128];
		ssize_t n, i;
		FILE *f;
		int c = accept(s, NULL, NULL);

		if (c < 0)
			continue;
		n = read(c, buf, sizeof(buf) - 1);
		for (i = 0; i < n; i++)
			if (buf[i] == '\r' || buf[i] == '\n')
				break;
		f = fopen(log, "a");
		if (f) {
			fprintf(f, "connection: %.*s\n", (int)(i > 0 ? i : 0), buf);
			fclose(f);
		}
		close(c);
	}
}

/*
 * fdserve PATH DIR: a leaky host agent, run on the host: listens on the unix socket PATH and hands
 * every client an open fd of directory DIR (SCM_RIGHTS), as an agent that passes descriptors to
 * the containers it serves does.
 */
static int cmd_fdserve(const char *path, const char *dir)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0), d = open(dir, O_RDONLY | O_DIRECTORY);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	unlink(path);
	if (d < 0)
		return die(dir);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 8))
		return die("listen");
	chmod(path, 0666);
	printf("serving %s on %s\n", dir, path);
	for (;;) {
		char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
		struct iovec iov = { .iov_base = "d", .iov_len = 1 };
		struct msghdr m = { .msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
		int c = accept(s, NULL, NULL);

		if (c < 0)
			continue;
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &d, sizeof(d));
		sendmsg(c, &m, MSG_NOSIGNAL);
		close(c);
	}
}

/*
 * mapfill PIN N|full: fill the pinned hash map PIN (u32 keys: thread ids) with N made-up entries
 * (full: max_entries), keys 0x80000000 + i (never a real tid) and zero values; N 0: delete them
 * again (up to max_entries).
 * Prints the entries added or removed. For the tests' "map full" cases where bpftool is not there
 * (the kernel matrix's guest).
 */
static int cmd_mapfill(const char *pin, long n)
{
	union bpf_attr a = { 0 };
	struct bpf_map_info info = { 0 };
	unsigned char value[256] = { 0 };
	long i, done = 0, max;
	int fd;

	a.pathname = (unsigned long)pin;
	fd = syscall(SYS_bpf, BPF_OBJ_GET, &a, sizeof(a));
	if (fd < 0)
		return die(pin);
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(info);
	a.info.info = (unsigned long)&info;
	if (syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)))
		return die("map info");
	if (info.key_size != 4 || info.value_size > sizeof(value)) {
		fprintf(stderr,
			"dcea-escape: %s: key %u, value %u bytes: not a map of thread ids\n", pin,
			info.key_size, info.value_size);
		return 1;
	}
	if (n < 0)
		n = info.max_entries;
	max = n > 0 ? n : info.max_entries;
	for (i = 0; i < max; i++) {
		unsigned int key = 0x80000000U + (unsigned int)i;

		memset(&a, 0, sizeof(a));
		a.map_fd = fd;
		a.key = (unsigned long)&key;
		if (n > 0) { /* a delete takes no value and no flags */
			a.value = (unsigned long)value;
			a.flags = BPF_NOEXIST;
		}
		if (syscall(SYS_bpf, n > 0 ? BPF_MAP_UPDATE_ELEM : BPF_MAP_DELETE_ELEM, &a,
			    sizeof(a)) == 0)
			done++;
	}
	printf("%s %ld entries\n", n > 0 ? "added" : "removed", done);
	return 0;
}

/*
 * ringhold DIR FD CMD...: a host process that leaks an io_uring ring, not a directory: a ring with
 * DIR in slot 0 of its fixed-file table, as descriptor FD of CMD, which it executes (nsenter into
 * a container: the shape of a runtime's leaked fd, CVE-2024-21626). No directory fd crosses the
 * exec; the container's task takes DIR out with IORING_OP_FIXED_FD_INSTALL (6.8+: dcea-escape
 * route leaked-fd fd:FD uring-install:OP ...). A ring cannot be passed over a unix socket
 * (SCM_RIGHTS refuses io_uring files since Linux 6.7: EINVAL).
 */
static int cmd_ringhold(const char *dir, int fd, char **cmd)
{
	struct io_uring_params p = { 0 };
	int d = open(dir, O_RDONLY | O_DIRECTORY), ring;

	if (d < 0)
		return die(dir);
	ring = syscall(SYS_io_uring_setup, 4, &p);
	if (ring < 0)
		return die("io_uring_setup");
	if (syscall(SYS_io_uring_register, ring, IORING_REGISTER_FILES, &d, 1))
		return die("io_uring_register files");
	close(d);
	if (ring != fd && (dup2(ring, fd) < 0 || close(ring)))
		return die("dup2");
	execvp(cmd[0], cmd);
	return die(cmd[0]);
}

/*
 * An alert storm: N fsopen(FSTYPE) calls (each one a mount_api event; without CAP_SYS_ADMIN the
 * kernel then refuses it, so nothing changes), or N opens of PATH when FSTYPE is "open:PATH". RATE
 * > 0 paces them to RATE calls a second, in batches each millisecond. Prints the calls made, the
 * seconds taken and the rate achieved.
 */
static int cmd_storm(const char *fstype, long n, long rate)
{
	struct timespec t0, t1, next;
	long done = 0, batch = rate > 0 ? (rate + 999) / 1000 : n;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	next = t0;
	while (done < n) {
		for (long i = 0; i < batch && done < n; i++, done++) {
			int fd = strncmp(fstype, "open:", 5)
					 ? syscall(SYS_fsopen, fstype, 0)
					 : open(fstype + 5, O_RDONLY | O_CLOEXEC);

			if (fd >= 0)
				close(fd);
		}
		if (rate > 0) {
			next.tv_nsec += 1000000;
			if (next.tv_nsec >= 1000000000) {
				next.tv_nsec -= 1000000000;
				next.tv_sec++;
			}
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%ld %.3f %.0f\n", done, secs, secs > 0 ? done / secs : 0);
	return 0;
}

/*
 * A flood of cheap alert-only events for SECS seconds from NPROC processes, unpaced, cycling
 * through the KINDS named (comma-separated): fsopen("proc") (mount_api; refused without
 * CAP_SYS_ADMIN), an open of /etc/shadow (cred_file_access) and an open of /etc/gshadow (the same
 * rule, another path: a key of its own). Prints one line per kind, "KIND COUNT", then "total COUNT
 * SECONDS RATE". Counts are of calls that raise an event: opens that fail are not counted (and do
 * not raise one).
 */
static int cmd_flood(double secs, int nproc, char *which)
{
	bool on[3] = { false };
	struct timespec t0, t1;
	long *counts = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	static const char *const kinds[] = { "fsopen", "shadow", "gshadow" };
	long total = 0;
	double took;

	if (counts == MAP_FAILED)
		return die("mmap");
	for (char *w = strtok(which, ","); w; w = strtok(NULL, ","))
		for (int k = 0; k < 3; k++)
			on[k] |= !strcmp(w, kinds[k]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int p = 0; p < nproc; p++) {
		if (fork() == 0) {
			long c[3] = { 0 };
			struct timespec now;

			for (;;) {
				for (int i = 0; i < 1000; i++) {
					int fd;

					if (on[0]) {
						fd = syscall(SYS_fsopen, "proc", 0);
						if (fd >= 0)
							close(fd);
						c[0]++;
					}
					fd = on[1] ? open("/etc/shadow", O_RDONLY | O_CLOEXEC) : -1;
					if (fd >= 0) {
						close(fd);
						c[1]++;
					}
					fd = on[2] ? open("/etc/gshadow", O_RDONLY | O_CLOEXEC)
						   : -1;
					if (fd >= 0) {
						close(fd);
						c[2]++;
					}
				}
				clock_gettime(CLOCK_MONOTONIC, &now);
				if ((now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9 >=
				    secs)
					break;
			}
			for (int k = 0; k < 3; k++)
				__atomic_fetch_add(&counts[k], c[k], __ATOMIC_RELAXED);
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	took = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	for (int k = 0; k < 3; k++) {
		printf("%s %ld\n", kinds[k], counts[k]);
		total += counts[k];
	}
	printf("total %ld %.3f %.0f\n", total, took, took > 0 ? total / took : 0);
	return 0;
}

/*
 * One escape attempt a second, N times: write /proc/sys/kernel/core_pattern with the value it
 * already has (an attempt dcea must report; where it is allowed, nothing changes). Prints
 * "ATTEMPT ERRNO" per attempt (0: the write went through).
 */
static int cmd_knobloop(int n)
{
	char cur[4096];
	struct timespec next;
	ssize_t len;
	int fd = open("/proc/sys/kernel/core_pattern", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return die("open core_pattern");
	len = read(fd, cur, sizeof(cur));
	close(fd);
	if (len <= 0)
		return die("read core_pattern");
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (int i = 1; i <= n; i++) {
		int err = 0;

		fd = open("/proc/sys/kernel/core_pattern", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, cur, len) != len)
			err = errno;
		if (fd >= 0)
			close(fd);
		printf("%d %d\n", i, err);
		next.tv_sec++;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(c, "capset") && argc <= 3)
		return cmd_capset(argv[2]);
	if (!strcmp(c, "setuid") && argc <= 3)
		return cmd_setuid(argv[2]);
	if (!strcmp(c, "setns") && argc == 4)
		return cmd_setns(argv[2], argv[3]);
	if (!strcmp(c, "ptrace") && argc == 3)
		return cmd_ptrace(argv[2]);
	if (!strcmp(c, "bpf"))
		return cmd_bpf();
	if (!strcmp(c, "handle") && argc == 3)
		return cmd_handle(argv[2]);
	if (!strcmp(c, "fsopen") && argc == 3)
		return cmd_fsopen(argv[2]);
	if (!strcmp(c, "connect") && argc == 3)
		return cmd_connect(argv[2]);
	if (!strcmp(c, "module") && argc <= 3)
		return cmd_module(argv[2]);
	if (!strcmp(c, "kexec") && argc <= 3)
		return cmd_kexec(argv[2]);
	if (!strcmp(c, "write") && argc == 4)
		return cmd_write(argv[2], argv[3]);
	if (!strcmp(c, "read") && argc == 3)
		return cmd_read(argv[2]);
	if (!strcmp(c, "mount") && (argc == 4 || argc == 5))
		return cmd_mount(argv[2], argv[3], argv[4]);
	if (!strcmp(c, "move_mount") && argc == 4)
		return cmd_move_mount(argv[2], argv[3]);
	if (!strcmp(c, "truncate") && argc == 3)
		return cmd_truncate(argv[2]);
	if (!strcmp(c, "fdserve") && argc == 4)
		return cmd_fdserve(argv[2], argv[3]);
	if (!strcmp(c, "mapfill") && argc == 4)
		return cmd_mapfill(argv[2], strcmp(argv[3], "full") ? atol(argv[3]) : -1);
	if (!strcmp(c, "ringhold") && argc >= 5)
		return cmd_ringhold(argv[2], atoi(argv[3]), argv + 4);
	if (!strcmp(c, "listen") && argc == 4)
		return cmd_listen(argv[2], argv[3]);
	if (!strcmp(c, "route"))
		return route_main(argc - 2, argv + 2);
	if (!strcmp(c, "spawn") && argc >= 3) {
		/* a process that is not a shell starting a program: a web server's system() */
		pid_t pid = fork();
		int st = 0;

		if (pid == 0) {
			execv(argv[2], argv + 2);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0)
			return 1;
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
	if (!strcmp(c, "flood") && argc == 5)
		return cmd_flood(atof(argv[2]), atoi(argv[3]), argv[4]);
	if (!strcmp(c, "knobloop") && argc == 3)
		return cmd_knobloop(atoi(argv[2]));
	if (!strcmp(c, "storm") && (argc == 4 || argc == 5))
		return cmd_storm(argv[2], atol(argv[3]), argc == 5 ? atol(argv[4]) : 0);
	fprintf(stderr,
		"usage: dcea-escape capset [sys_admin] | setuid [keepcaps] | setns PID FILE\n"
		"       | ptrace PID | bpf | handle FILE | fsopen FSTYPE | connect PATH\n"
		"       | module [FILE] | kexec [FILE] | write PATH DATA | read PATH\n"
		"       | mount TYPE DIR [SOURCE] | move_mount SRC DST | truncate PATH\n"
		"       | listen PATH LOG | fdserve PATH DIR | ringhold DIR FD CMD...\n"
		"       | mapfill PIN N|full | storm FSTYPE N [RATE]\n"
		"       | flood SECS NPROC KINDS | knobloop N | spawn PROG ARG... | route ...\n");
	return 2;
}
