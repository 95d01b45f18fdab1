// SPDX-License-Identifier: GPL-2.0-only
/* attack: one escape attempt per call, for vmtest payloads (static, no libc in the guest).
 *
 *   attack write PATH DATA        open PATH for writing and write DATA (kernel knobs)
 *   attack read PATH              open PATH and print it (host files through /proc/PID/root,
 * /dev/mem) attack mount TYPE DIR         mount a TYPE file system on DIR attack capset drop
 * CAP_SYS_ADMIN from the effective set, then raise it again attack setuid                 keep
 * capabilities (SECBIT_NO_SETUID_FIXUP), become uid 1000, setuid(0) attack ptrace PID PTRACE_ATTACH
 * to PID attack bpf                    bpf(BPF_PROG_LOAD) of a two-instruction socket filter attack
 * finit_module FILE      finit_module(FILE) attack kexec FILE             kexec_file_load(FILE)
 * without initramfs attack open_by_handle PATH    name_to_handle_at(PATH) then open_by_handle_at
 *   attack move_mount SRC DST     open_tree(SRC, OPEN_TREE_CLONE) and move_mount it onto DST
 *   attack connect PATH           connect to the unix stream socket PATH and send "hello"
 *   attack listen PATH LOG        (host side) accept connections on PATH, one line per one to LOG
 *                                 ("connection: " and the first line the peer sent)
 *   attack truncate PATH          truncate(2) PATH to 0 bytes (by path, no open)
 *   attack route ROUTE ARG...     the other routes to the same objects (io_uring, pidfd_getfd,
 *                                 /proc/self/fd, path syscalls through /proc/PID/root...):
 *                                 tests/helpers/routes.c, linked in (its own exit convention:
 *                                 0 done, 1 refused, 2 usage)
 * Exit status: 0 when the operation succeeded, 1 when it failed (the message names errno, e.g.
 * "Operation not permitted"), 2 when the side effect happened anyway, 3 on a usage or setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
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

static const char *op;

static int failed(const char *what)
{
	int e = errno;

	printf("attack %s: %s failed: %s (errno %d)\n", op, what, strerror(e), e);
	return 1;
}

static int ok(const char *what)
{
	printf("attack %s: %s succeeded\n", op, what);
	return 0;
}

static int caps(struct __user_cap_data_struct d[2], int set)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(set ? SYS_capset : SYS_capget, &h, d);
}

static int do_capset(void)
{
	struct __user_cap_data_struct d[2];
	const unsigned bit = 1u << CAP_SYS_ADMIN;

	if (caps(d, 0))
		return failed("capget");
	d[0].effective &= ~bit;
	if (caps(d, 1)) {
		printf("attack capset: setup: dropping CAP_SYS_ADMIN failed: %s\n",
		       strerror(errno));
		return 3;
	}
	d[0].effective |= bit;
	if (caps(d, 1)) {
		failed("capset raising CAP_SYS_ADMIN");
		if (caps(d, 0) == 0 && (d[0].effective & bit)) {
			printf("attack capset: CAP_SYS_ADMIN is effective anyway\n");
			return 2;
		}
		return 1;
	}
	return ok("capset raising CAP_SYS_ADMIN");
}

static int do_setuid(void)
{
	if (prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED)) {
		printf("attack setuid: setup: securebits: %s\n", strerror(errno));
		return 3;
	}
	if (setresuid(1000, 1000, 1000)) {
		printf("attack setuid: setup: setresuid(1000): %s\n", strerror(errno));
		return 3;
	}
	if (syscall(SYS_setuid, 0)) {
		failed("setuid(0) from uid 1000");
		if (getuid() == 0 || geteuid() == 0) {
			printf("attack setuid: uid %d euid %d anyway\n", getuid(), geteuid());
			return 2;
		}
		return 1;
	}
	return ok("setuid(0) from uid 1000");
}

static int do_bpf(void)
{
	struct bpf_insn insns[2] = {
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
		return failed("bpf(BPF_PROG_LOAD)");
	printf("attack bpf: program fd %d\n", fd);
	return ok("bpf(BPF_PROG_LOAD)");
}

static int do_read(const char *path)
{
	char buf[256];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return failed("open");
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return failed("read");
	buf[n] = 0;
	printf("attack read: read %zd bytes: %.40s\n", n, buf);
	return ok("open and read");
}

static int do_write(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return failed("open for writing");
	if (write(fd, data, strlen(data)) < 0)
		return failed("write");
	return ok("open and write");
}

static int do_listen(const char *path, const char *log)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0), c;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 8))
		return failed("listen");
	printf("attack listen: listening on %s\n", path);
	fflush(stdout);
	for (;;) {
		c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		/* what the peer sent before it closed: a request reached the API */
		char buf[128];
		ssize_t n = read(c, buf, sizeof(buf) - 1), i;
		FILE *f = fopen(log, "a");

		for (i = 0; i < n; i++)
			if (buf[i] == '\r' || buf[i] == '\n')
				break;
		if (f) {
			fprintf(f, "connection: %.*s\n", (int)(i > 0 ? i : 0), buf);
			fclose(f);
		}
		close(c);
	}
}

int main(int argc, char **argv)
{
	int fd, mnt;

	if (argc < 2) {
		fprintf(stderr, "usage: attack OP [ARG...] (see attack.c)\n");
		return 3;
	}
	op = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(op, "write") && argc == 4)
		return do_write(argv[2], argv[3]);
	if (!strcmp(op, "read") && argc == 3)
		return do_read(argv[2]);
	if (!strcmp(op, "mount") && argc == 4) {
		if (mount("none", argv[3], argv[2], 0, NULL))
			return failed("mount");
		return ok("mount");
	}
	if (!strcmp(op, "capset"))
		return do_capset();
	if (!strcmp(op, "setuid"))
		return do_setuid();
	if (!strcmp(op, "bpf"))
		return do_bpf();
	if (!strcmp(op, "ptrace") && argc == 3) {
		if (ptrace(PTRACE_ATTACH, atoi(argv[2]), NULL, NULL))
			return failed("PTRACE_ATTACH");
		ok("PTRACE_ATTACH");
		ptrace(PTRACE_DETACH, atoi(argv[2]), NULL, NULL);
		return 0;
	}
	if ((!strcmp(op, "finit_module") || !strcmp(op, "kexec")) && argc == 3) {
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			printf("attack %s: setup: open %s: %s\n", op, argv[2], strerror(errno));
			return 3;
		}
		if (!strcmp(op, "finit_module")
			    ? syscall(SYS_finit_module, fd, "", 0)
			    : syscall(SYS_kexec_file_load, fd, -1, 1, "", KEXEC_FILE_NO_INITRAMFS))
			return failed(op);
		return ok(op);
	}
	if (!strcmp(op, "open_by_handle") && argc == 3) {
		struct {
			struct file_handle h;
			unsigned char b[128];
		} fh = { .h.handle_bytes = 128 };
		int mid;

		if (name_to_handle_at(AT_FDCWD, argv[2], &fh.h, &mid, 0)) {
			printf("attack open_by_handle: setup: name_to_handle_at: %s\n",
			       strerror(errno));
			return 3;
		}
		fd = open("/", O_RDONLY | O_DIRECTORY);
		if (open_by_handle_at(fd, &fh.h, O_RDONLY) < 0)
			return failed("open_by_handle_at");
		return ok("open_by_handle_at");
	}
	if (!strcmp(op, "move_mount") && argc == 4) {
		mnt = syscall(SYS_open_tree, AT_FDCWD, argv[2], OPEN_TREE_CLONE | O_CLOEXEC);
		if (mnt < 0)
			return failed("open_tree(OPEN_TREE_CLONE)");
		if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, argv[3], MOVE_MOUNT_F_EMPTY_PATH))
			return failed("move_mount");
		return ok("move_mount");
	}
	if (!strcmp(op, "connect") && argc == 3) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };

		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", argv[2]);
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
			return failed("connect");
		return ok("connect");
	}
	if (!strcmp(op, "listen") && argc == 4)
		return do_listen(argv[2], argv[3]);
	if (!strcmp(op, "route"))
		return route_main(argc - 2, argv + 2);
	if (!strcmp(op, "truncate") && argc == 3) {
		if (truncate(argv[2], 0))
			return failed("truncate");
		return ok("truncate");
	}
	fprintf(stderr, "attack: unknown operation or arguments: %s\n", op);
	return 3;
}
