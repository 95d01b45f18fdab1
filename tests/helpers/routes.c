// SPDX-License-Identifier: GPL-2.0-only
/*
 * dcea-escape route ...: the same escape objects reached by other routes than the classic
 * syscall (issue 14): io_uring operations, pidfd_getfd, reopening through /proc/self/fd, path
 * syscalls through a foreign root, mount arguments the tracepoint cannot read, process_vm_readv
 * and process_madvise. Linked into dcea-escape (tests/helpers/escape.c); the same exit
 * convention: 0 when the step succeeded (what it achieved on stdout), 1 with the errno name on
 * stderr when the kernel refused it, 137 when dcea killed it.
 *
 * io_uring is driven by raw syscalls (no liburing in a static test binary): one ring, one request
 * at a time, or a linked pair.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <sys/un.h>
#include <unistd.h>

#include "routes.h"
#include "uring.h"

static int rdie(const char *what, int err)
{
	fprintf(stderr, "dcea-escape: %s: %s\n", what, strerror(err));
	return 1;
}

static unsigned ring_flags(const char *how)
{
	return how && !strcmp(how, "sqpoll") ? IORING_SETUP_SQPOLL : 0;
}

static unsigned sqe_flags(const char *how)
{
	return how && !strcmp(how, "async") ? IOSQE_ASYNC : 0;
}

/* Print what a read-side route obtained: up to 200 bytes, printable. */
static void show(const char *buf, ssize_t n)
{
	for (ssize_t i = 0; i < n; i++)
		putchar(buf[i] >= 32 && buf[i] < 127 ? buf[i] : buf[i] == '\n' ? '\n' : '.');
	if (n > 0 && buf[n - 1] != '\n')
		putchar('\n');
}

/*
 * uring-open PATH r|w|mem[:ADDR] [DATA] [inline|async|sqpoll]: IORING_OP_OPENAT of PATH, then a
 * read (r: printed), a write of DATA (w), or for /proc/PID/mem a read at the start of the target's
 * first mapping (mem: PATH is /proc/PID/mem, its maps file is read classically first; mem:ADDR
 * reads at ADDR instead, for a backend that refuses the maps read too, so the open itself is
 * what is tried).
 */
static int uring_open(int argc, char **argv, int op)
{
	const char *path = argv[0], *mode = argv[1];
	const char *data = argc > 2 && strcmp(mode, "w") == 0 ? argv[2] : NULL;
	const char *how = argc > (data ? 3 : 2) ? argv[data ? 3 : 2] : "inline";
	int oflags = !strcmp(mode, "w") ? O_WRONLY : O_RDONLY;
	struct open_how oh = { .flags = (unsigned)oflags };
	unsigned long long addr = 0;
	struct ring r;
	char buf[256];
	int fd, n, err;

	if (!strncmp(mode, "mem:", 4)) {
		addr = strtoull(mode + 4, NULL, 16);
	} else if (!strcmp(mode, "mem")) {
		char maps[64];
		FILE *f;

		snprintf(maps, sizeof(maps), "%.*s/maps", (int)(strrchr(path, '/') - path), path);
		f = fopen(maps, "r");
		if (!f || fscanf(f, "%llx", &addr) != 1)
			return rdie(maps, errno ? errno : EINVAL);
		fclose(f);
	}
	err = ring_init(&r, ring_flags(how));
	if (err)
		return rdie("io_uring_setup", -err);
	if (op == IORING_OP_OPENAT2)
		fd = RING_ONE(&r, ({
			sqe->opcode = IORING_OP_OPENAT2;
			sqe->fd = AT_FDCWD;
			sqe->addr = (uintptr_t)path;
			sqe->len = sizeof(oh);
			sqe->off = (uintptr_t)&oh;
			sqe->flags = sqe_flags(how);
		}));
	else
		fd = RING_ONE(&r, ({
			sqe->opcode = IORING_OP_OPENAT;
			sqe->fd = AT_FDCWD;
			sqe->addr = (uintptr_t)path;
			sqe->open_flags = oflags;
			sqe->flags = sqe_flags(how);
		}));
	if (fd < 0)
		return rdie(op == IORING_OP_OPENAT2 ? "io_uring openat2" : "io_uring openat", -fd);
	printf("opened fd %d\n", fd);
	if (data) {
		n = RING_ONE(&r, ({
			sqe->opcode = IORING_OP_WRITE;
			sqe->fd = fd;
			sqe->addr = (uintptr_t)data;
			sqe->len = strlen(data);
			sqe->off = 0;
		}));
		if (n < 0)
			return rdie("io_uring write", -n);
		printf("wrote %d bytes\n", n);
		return 0;
	}
	n = RING_ONE(&r, ({
		sqe->opcode = IORING_OP_READ;
		sqe->fd = fd;
		sqe->addr = (uintptr_t)buf;
		sqe->len = sizeof(buf);
		sqe->off = addr;
	}));
	if (n < 0)
		return rdie("io_uring read", -n);
	show(buf, n);
	return 0;
}

/*
 * uring-open-linked PATH DATA [SLOT [skip]]: IORING_OP_OPENAT into fixed file slot SLOT (default
 * 0) and a linked IORING_OP_WRITE of DATA through that slot, submitted together by one
 * io_uring_enter: the write needs no return to user space after the open. A high SLOT (above
 * 65535) tests that the judge reads the slot the kernel filled, not a truncated index: SLOT + 1
 * empty slots are registered, with RLIMIT_NOFILE raised to allow them (the kernel caps a table by
 * it). "skip" flags the open IOSQE_CQE_SKIP_SUCCESS: a successful open posts no completion (and
 * fires no io_uring_complete tracepoint); only the write's result is waited for.
 */
static int uring_open_linked(int argc, char **argv)
{
	const char *path = argv[0], *data = argv[1];
	unsigned long slot = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
	bool skip = argc > 3 && !strcmp(argv[3], "skip");
	int res[2] = { -EIO, -EIO }, err, *slots;
	struct io_uring_sqe *s;
	struct rlimit rl;
	struct ring r;

	if (slot >= 1UL << 20)
		return rdie("slot", EINVAL);
	slots = malloc((slot + 1) * sizeof(*slots));
	if (!slots)
		return rdie("malloc", ENOMEM);
	memset(slots, 0xff, (slot + 1) * sizeof(*slots)); /* -1: an empty slot */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur <= slot) {
		rl.rlim_cur = slot + 1;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max =
				rl.rlim_cur; /* CAP_SYS_RESOURCE: the test's containers have it */
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	err = ring_init(&r, 0);
	if (err)
		return rdie("io_uring_setup", -err);
	if (syscall(SYS_io_uring_register, r.fd, IORING_REGISTER_FILES, slots, slot + 1) < 0)
		return rdie("io_uring_register files", errno);
	free(slots);
	s = ring_sqe(&r);
	s->opcode = IORING_OP_OPENAT;
	s->fd = AT_FDCWD;
	s->addr = (uintptr_t)path;
	s->open_flags = O_WRONLY;
	s->file_index = slot + 1;
	s->flags = IOSQE_IO_LINK | (skip ? IOSQE_CQE_SKIP_SUCCESS : 0);
	s->user_data = 0;
	s = ring_sqe(&r);
	s->opcode = IORING_OP_WRITE;
	s->fd = slot;
	s->flags = IOSQE_FIXED_FILE;
	s->addr = (uintptr_t)data;
	s->len = strlen(data);
	s->user_data = 1;
	if (skip)
		res[0] = 0; /* posted only when it fails */
	err = ring_run_wait(&r, 2, skip ? 1 : 2, res);
	if (err)
		return rdie("io_uring_enter", -err);
	if (res[0] < 0)
		return rdie("io_uring openat (fixed)", -res[0]);
	if (res[1] < 0)
		return rdie("io_uring write (linked)", -res[1]);
	printf("wrote %d bytes\n", res[1]);
	return 0;
}

/* uring-connect PATH: IORING_OP_CONNECT to a unix socket, then GET /_ping through SEND/RECV. */
static int uring_connect(const char *path)
{
	static const char req[] = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[512];
	struct ring r;
	int s, n, err;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0)
		return rdie("socket", errno);
	err = ring_init(&r, 0);
	if (err)
		return rdie("io_uring_setup", -err);
	n = RING_ONE(&r, ({
		sqe->opcode = IORING_OP_CONNECT;
		sqe->fd = s;
		sqe->addr = (uintptr_t)&sa;
		sqe->off = sizeof(sa);
	}));
	if (n < 0)
		return rdie("io_uring connect", -n);
	n = RING_ONE(&r, ({
		sqe->opcode = IORING_OP_SEND;
		sqe->fd = s;
		sqe->addr = (uintptr_t)req;
		sqe->len = sizeof(req) - 1;
	}));
	if (n < 0)
		return rdie("io_uring send", -n);
	n = RING_ONE(&r, ({
		sqe->opcode = IORING_OP_RECV;
		sqe->fd = s;
		sqe->addr = (uintptr_t)buf;
		sqe->len = sizeof(buf) - 1;
	}));
	if (n < 0)
		return rdie("io_uring recv", -n);
	buf[n] = '\0';
	fputs(strrchr(buf, '\n') ? strrchr(buf, '\n') + 1 : buf, stdout);
	putchar('\n');
	return 0;
}

#ifndef IORING_OP_BIND
#define IORING_OP_BIND 56 /* 6.11+ */
#endif
#ifndef IORING_OP_FIXED_FD_INSTALL
#define IORING_OP_FIXED_FD_INSTALL 54 /* 6.8+ */
#endif

/* A unix socket and its address PATH, for bind(2) or IORING_OP_BIND; the socket, or -errno. */
static int unix_sock(const char *path, struct sockaddr_un *a)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s", path);
	return s < 0 ? -errno : s;
}

/* IORING_OP_BIND of socket s to address a; 0 or -errno */
static int ring_bind_addr(struct ring *r, int s, const struct sockaddr_un *a)
{
	return RING_ONE(r, ({
				sqe->opcode = IORING_OP_BIND;
				sqe->fd = s;
				sqe->addr = (uintptr_t)a;
				sqe->addr2 = sizeof(*a);
			}));
}

/* IORING_OP_BIND of a unix socket to PATH (relative to the working directory); 0 or -errno */
static int uring_bind(struct ring *r, const char *path)
{
	struct sockaddr_un a;
	int s = unix_sock(path, &a);

	return s < 0 ? s : ring_bind_addr(r, s, &a);
}

/* uring-path mkdir|symlink|link|rename|unlink|bind A [B]: the path operations through io_uring
 * (bind: a unix socket's file A). */
static int uring_path(const char *op, const char *a, const char *b)
{
	struct ring r;
	int n, err;

	err = ring_init(&r, 0);
	if (err)
		return rdie("io_uring_setup", -err);
	if (!strcmp(op, "bind")) {
		n = uring_bind(&r, a);
		if (n < 0)
			return rdie("io_uring bind", -n);
		printf("%s done\n", op);
		return 0;
	}
	n = RING_ONE(&r, ({
		sqe->fd = AT_FDCWD;
		sqe->addr = (uintptr_t)a;
		if (!strcmp(op, "mkdir")) {
			sqe->opcode = IORING_OP_MKDIRAT;
			sqe->len = 0755;
		} else if (!strcmp(op, "unlink")) {
			sqe->opcode = IORING_OP_UNLINKAT;
		} else if (!strcmp(op, "symlink")) {
			/* symlinkat(target a, newdirfd, linkpath b) */
			sqe->opcode = IORING_OP_SYMLINKAT;
			sqe->addr2 = (uintptr_t)b;
		} else if (!strcmp(op, "link")) {
			sqe->opcode = IORING_OP_LINKAT;
			sqe->len = AT_FDCWD;
			sqe->addr2 = (uintptr_t)b;
		} else {
			sqe->opcode = IORING_OP_RENAMEAT;
			sqe->len = AT_FDCWD;
			sqe->addr2 = (uintptr_t)b;
		}
	}));
	if (n < 0)
		return rdie(op, -n);
	printf("%s done\n", op);
	return 0;
}

/* path mkdir|symlink|link|rename|unlink|chmod|bind|mknod A [B]: the same through the classic
 * syscalls (chmod: to 04755, a setuid file; bind: a unix socket's file A; mknod: a fifo A). */
static int path_op(const char *op, const char *a, const char *b)
{
	struct sockaddr_un sa;
	int rc, s;

	if (!strcmp(op, "bind")) {
		s = unix_sock(a, &sa);
		rc = s < 0 ? (errno = -s, -1) : bind(s, (struct sockaddr *)&sa, sizeof(sa));
	} else if (!strcmp(op, "mknod"))
		rc = mknod(a, S_IFIFO | 0644, 0);
	else if (!strcmp(op, "mkdir"))
		rc = mkdir(a, 0755);
	else if (!strcmp(op, "unlink"))
		rc = unlink(a);
	else if (!strcmp(op, "symlink"))
		rc = symlink(a, b);
	else if (!strcmp(op, "link"))
		rc = link(a, b);
	else if (!strcmp(op, "chmod"))
		rc = chmod(a, 04755);
	else
		rc = rename(a, b);
	if (rc)
		return rdie(op, errno);
	printf("%s done\n", op);
	return 0;
}

/*
 * pidfd-getfd PID FD r|w|dir [DATA|FILE]: take fd FD of process PID with pidfd_getfd (no ptrace
 * attach, no /proc open), then read it, write DATA to it, or fchdir to it and read FILE there.
 */
static int pidfd_getfd(int argc, char **argv)
{
	int pfd, fd, n;
	char buf[256];

	pfd = syscall(SYS_pidfd_open, atoi(argv[0]), 0);
	if (pfd < 0)
		return rdie("pidfd_open", errno);
	fd = syscall(SYS_pidfd_getfd, pfd, atoi(argv[1]), 0);
	if (fd < 0)
		return rdie("pidfd_getfd", errno);
	printf("got fd %d\n", fd);
	if (!strcmp(argv[2], "w")) {
		n = pwrite(fd, argv[3], strlen(argv[3]), 0);
		if (n < 0)
			return rdie("write", errno);
		printf("wrote %d bytes\n", n);
		return 0;
	}
	if (!strcmp(argv[2], "dir")) {
		if (fchdir(fd))
			return rdie("fchdir", errno);
		fd = open(argv[3], O_RDONLY);
		if (fd < 0)
			return rdie(argv[3], errno);
	}
	n = pread(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return rdie("read", errno);
	show(buf, n);
	return 0;
}

/*
 * xattr|uring-xattr PATH NAME VALUE: set extended attribute NAME of PATH to VALUE with setxattr(2)
 * or IORING_OP_SETXATTR; getxattr PATH NAME (run on the host): print its value.
 */
static int xattr_op(const char *op, const char *path, const char *name, const char *value)
{
	struct ring r;
	char buf[256];
	ssize_t n;
	int err;

	if (!strcmp(op, "getxattr")) {
		n = getxattr(path, name, buf, sizeof(buf) - 1);
		if (n < 0)
			return rdie("getxattr", errno);
		buf[n] = '\0';
		printf("%s\n", buf);
		return 0;
	}
	if (!strcmp(op, "xattr")) {
		if (setxattr(path, name, value, strlen(value), 0))
			return rdie("setxattr", errno);
		printf("xattr set\n");
		return 0;
	}
	err = ring_init(&r, 0);
	if (err)
		return rdie("io_uring_setup", -err);
	err = RING_ONE(&r, ({
		sqe->opcode = IORING_OP_SETXATTR;
		sqe->addr = (uintptr_t)name;
		sqe->addr2 = (uintptr_t)value;
		sqe->addr3 = (uintptr_t)path;
		sqe->len = strlen(value);
		sqe->xattr_flags = 0;
	}));
	if (err < 0)
		return rdie("io_uring setxattr", -err);
	printf("xattr set\n");
	return 0;
}

/* The names of this process's threads, on one line: iou-wrk-N (io-wq), iou-sqp-N (SQPOLL). */
static void show_threads(void)
{
	char path[300], comm[32];
	struct dirent *de;
	DIR *d = opendir("/proc/self/task");
	FILE *f;

	printf("threads:");
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f))
			printf(" %.*s", (int)strcspn(comm, "\n"), comm);
		fclose(f);
	}
	if (d)
		closedir(d);
	putchar('\n');
}

/*
 * uring-hold PATH DATA GO worker|sqpoll: a ring whose kernel threads exist before the attempt (a
 * container running before dcea starts): worker, an io-wq worker made by an IOSQE_ASYNC no-op,
 * idle and kept (io-wq keeps a ring's last worker); sqpoll, the ring's SQPOLL thread. Then it
 * makes GO.ready and waits for GO to exist, and opens PATH for writing through that ring (worker:
 * IOSQE_ASYNC, run by the existing worker) and writes DATA.
 */
static int uring_hold(const char *path, const char *data, const char *go, const char *how)
{
	bool sqpoll = !strcmp(how, "sqpoll");
	char ready[256];
	struct ring r;
	int fd, n, err;

	err = ring_init(&r, sqpoll ? IORING_SETUP_SQPOLL : 0);
	if (err)
		return rdie("io_uring_setup", -err);
	n = RING_ONE(&r, ({
		sqe->opcode = IORING_OP_NOP;
		sqe->flags = sqpoll ? 0 : IOSQE_ASYNC;
	}));
	if (n < 0)
		return rdie("io_uring nop", -n);
	show_threads();
	snprintf(ready, sizeof(ready), "%s.ready", go);
	fd = open(ready, O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		return rdie(ready, errno);
	close(fd);
	while (access(go, F_OK))
		usleep(50000);
	fd = RING_ONE(&r, ({
		sqe->opcode = IORING_OP_OPENAT;
		sqe->fd = AT_FDCWD;
		sqe->addr = (uintptr_t)path;
		sqe->open_flags = O_WRONLY;
		sqe->flags = sqpoll ? 0 : IOSQE_ASYNC;
	}));
	if (fd < 0)
		return rdie("io_uring openat", -fd);
	n = RING_ONE(&r, ({
		sqe->opcode = IORING_OP_WRITE;
		sqe->fd = fd;
		sqe->addr = (uintptr_t)data;
		sqe->len = strlen(data);
		sqe->flags = sqpoll ? 0 : IOSQE_ASYNC;
	}));
	if (n < 0)
		return rdie("io_uring write", -n);
	printf("wrote %d bytes\n", n);
	return 0;
}

/*
 * The directory fd a leaky host agent hands out on the unix socket `sock` (SCM_RIGHTS), received
 * by `how`: "recvmsg" (recvmsg(2)), "recvmmsg" (recvmmsg(2)) or "uring" (IORING_OP_RECVMSG).
 */
static int leaked_fd(const char *sock, const char *how)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char c, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int s, fd = -1, n;

	/* fd:N: one the process was started with (inherited across exec) */
	if (!strncmp(sock, "fd:", 3))
		return fcntl(atoi(sock + 3), F_GETFD) < 0 ? -errno : atoi(sock + 3);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)))
		return -errno;
	if (!strcmp(how, "recvmmsg")) {
		struct mmsghdr mm = { .msg_hdr = m };

		n = recvmmsg(s, &mm, 1, 0, NULL);
		m = mm.msg_hdr;
	} else if (!strcmp(how, "uring")) {
		struct ring r;

		n = ring_init(&r, 0);
		if (n)
			return n;
		n = RING_ONE(&r, ({
			sqe->opcode = IORING_OP_RECVMSG;
			sqe->fd = s;
			sqe->addr = (uintptr_t)&m;
		}));
		if (n < 0)
			return n;
	} else {
		n = recvmsg(s, &m, 0);
	}
	if (n <= 0)
		return n < 0 ? -errno : -ENODATA;
	cm = CMSG_FIRSTHDR(&m);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	close(s);
	return fd >= 0 ? fd : -EBADMSG;
}

/*
 * fdpass DIR: what a benign program does with SCM_RIGHTS: pass an fd of DIR (a directory of its
 * own container), a pipe and a socket to itself over a socketpair, then list DIR through the fd
 * it received.
 */
static int fdpass(const char *dir)
{
	int sp[2], pp[2], fds[3], got[3], n = 0;
	char c = 'x', cbuf[CMSG_SPACE(sizeof(fds))];
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	struct dirent *de;
	DIR *d;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) || pipe(pp))
		return rdie("socketpair", errno);
	fds[0] = open(dir, O_RDONLY | O_DIRECTORY);
	fds[1] = pp[0];
	fds[2] = sp[0];
	if (fds[0] < 0)
		return rdie(dir, errno);
	memset(cbuf, 0, sizeof(cbuf));
	m.msg_control = cbuf;
	m.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	if (sendmsg(sp[0], &m, 0) != 1)
		return rdie("sendmsg", errno);
	m.msg_controllen = sizeof(cbuf);
	if (recvmsg(sp[1], &m, 0) != 1)
		return rdie("recvmsg", errno);
	cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(got)))
		return rdie("recvmsg: no SCM_RIGHTS", EBADMSG);
	memcpy(got, CMSG_DATA(cm), sizeof(got));
	d = fdopendir(got[0]);
	if (!d)
		return rdie("fdopendir", errno);
	while ((de = readdir(d)))
		n++;
	printf("received 3 fds, %d entries\n", n);
	return 0;
}

/*
 * A name of the leaked-fd routes with %FD, %PID and %TID replaced by the fd's number, the process's
 * and the thread's ids (in its own pid namespace): "/proc/self/fd/%FD/x" names x in the leaked
 * directory by an absolute name, through the fd's magic link.
 */
static const char *fd_name(const char *in, int fd, char *out, size_t size)
{
	static const char *const keys[] = { "%FD", "%PID", "%TID" };
	size_t o = 0;

	while (*in && o + 12 < size) {
		size_t k;

		for (k = 0; k < 3; k++)
			if (!strncmp(in, keys[k], strlen(keys[k])))
				break;
		if (k == 3) {
			out[o++] = *in++;
			continue;
		}
		o += snprintf(out + o, size - o, "%d",
			      k == 0   ? fd
			      : k == 1 ? (int)getpid()
				       : (int)syscall(SYS_gettid));
		in += strlen(keys[k]);
	}
	out[o] = '\0';
	return out;
}

/*
 * leaked-fd SOCK OP A [B]: take the host directory fd a leaky agent hands out on SOCK (dcea-escape
 * fdserve; SOCK fd:N: the fd N the process was started with), then use it. OP open, chdir-open,
 * uring-open: read file A relative to it (openat, fchdir and open, IORING_OP_OPENAT with it as the
 * dfd); mkdir, uring-mkdir, symlink (target A, link B), unlink, rename, link, chmod (to 04755),
 * chown (to 4242:4242), mknod (a fifo): the path operation relative to it; chdir-mkdir: fchdir to
 * it, then mkdir(2) of A; xattr: setxattr(2) of trusted.dcea of file A to B, a relative A after an
 * fchdir to it (setxattr has no dfd before 6.13); bind, uring-bind: bind(2) or IORING_OP_BIND of a
 * unix socket to name A, a relative one after an fchdir to it. A and B may name the fd as %FD
 * (fd_name): absolute names through /proc/self/fd/%FD/, /proc/%PID/fd/%FD/, /dev/fd/%FD/ reach the
 * same directory. link-mkdir: symlink(2) LINK to A (a name of the fd's magic link), then mkdir(2)
 * of B, LINK/NAME: no name given to a syscall says the leaked fd. OP prefixed recvmmsg: or
 * uring-recv: receives the fd by recvmmsg(2) or IORING_OP_RECVMSG instead of recvmsg(2);
 * uring-install: SOCK is fd:N, an io_uring ring the process was started with (dcea-escape
 * ringhold), and the directory is taken out of slot 0 of the ring's fixed-file table with
 * IORING_OP_FIXED_FD_INSTALL (6.8+).
 */
static int leaked(int argc, char **argv)
{
	const char *op = argv[1], *how = "recvmsg", *a, *b;
	int dfd, fd = -1, rc = 0, n;
	char buf[256], an[256], bn[256];
	struct ring r = { .fd = -1 };

	if (!strncmp(op, "recvmmsg:", 9))
		how = "recvmmsg", op += 9;
	else if (!strncmp(op, "uring-recv:", 11))
		how = "uring", op += 11;
	else if (!strncmp(op, "uring-install:", 14))
		how = "ring", op += 14;
	if (!strcmp(how, "ring")) {
		/* the layout of a ring of 4 entries, as dcea-escape ringhold made it, from one made
		 * here */
		struct io_uring_params p = { 0 };
		int probe = syscall(SYS_io_uring_setup, 4, &p);

		rc = strncmp(argv[0], "fd:", 3) ? -EINVAL : atoi(argv[0] + 3);
		if (probe < 0 || rc < 0 || fcntl(rc, F_GETFD) < 0 || ring_attach(&r, rc, &p)) {
			fprintf(stderr, "dcea-escape: setup: the ring %s (fd:N only): %s\n",
				argv[0], strerror(rc < 0 ? -rc : errno));
			return 3;
		}
		close(probe);
		printf("ring fd %d\n", rc);
		/* slot 0 of its fixed-file table into this process's table: the agent's directory
		 */
		dfd = RING_ONE(&r, ({
			sqe->opcode = IORING_OP_FIXED_FD_INSTALL;
			sqe->fd = 0;
			sqe->flags = IOSQE_FIXED_FILE;
		}));
		if (dfd < 0)
			return rdie("io_uring fixed fd install", -dfd);
		rc = 0;
	} else {
		dfd = leaked_fd(argv[0], how);
	}
	if (dfd < 0) {
		fprintf(stderr, "dcea-escape: setup: receive a directory fd on %s: %s\n", argv[0],
			strerror(-dfd));
		return 3;
	}
	printf("got fd %d\n", dfd);
	a = fd_name(argv[2], dfd, an, sizeof(an));
	b = fd_name(argc > 3 ? argv[3] : "", dfd, bn, sizeof(bn));
	if (!strcmp(op, "hold")) {
		/* a task that got the fd while no dcea ran, and keeps it (24-held-sweep.sh) */
		for (;;)
			pause();
	} else if (!strcmp(op, "open")) {
		fd = openat(dfd, a, O_RDONLY);
	} else if (!strcmp(op, "link-mkdir")) {
		char lnk[256], *slash;

		snprintf(lnk, sizeof(lnk), "%s", b);
		slash = strrchr(lnk, '/');
		if (!slash || slash == lnk)
			return rdie("link-mkdir: B must be LINK/NAME", EINVAL);
		*slash = '\0';
		if (symlink(a, lnk))
			return rdie("symlink", errno);
		if (mkdir(b, 0755))
			return rdie("mkdir", errno);
		printf("%s done\n", op);
		return 0;
	} else if (!strcmp(op, "chdir-open")) {
		if (fchdir(dfd))
			return rdie("fchdir", errno);
		fd = open(a, O_RDONLY);
	} else if (!strcmp(op, "chdir-mkdir") || !strcmp(op, "xattr")) {
		if ((op[0] == 'c' || a[0] != '/') && fchdir(dfd))
			return rdie("fchdir", errno);
		if (op[0] == 'c' ? mkdir(a, 0755) : setxattr(a, "trusted.dcea", b, strlen(b), 0))
			return rdie(op, errno);
		printf("%s done\n", op);
		return 0;
	} else if (!strcmp(op, "bind") || !strcmp(op, "uring-bind")) {
		struct sockaddr_un sa;
		int s = unix_sock(a, &sa);

		if (a[0] != '/' && fchdir(dfd))
			return rdie("fchdir", errno);
		if (s < 0)
			return rdie("socket", -s);
		if (op[0] == 'b') {
			if (bind(s, (struct sockaddr *)&sa, sizeof(sa)))
				return rdie(op, errno);
		} else {
			rc = ring_init(&r, 0);
			if (rc)
				return rdie("io_uring_setup", -rc);
			close(s);
			rc = uring_bind(&r, a);
			if (rc < 0)
				return rdie(op, -rc);
		}
		printf("%s done\n", op);
		return 0;
	} else if (!strncmp(op, "uring-", 6)) {
		rc = ring_init(&r, 0);
		if (rc)
			return rdie("io_uring_setup", -rc);
		rc = RING_ONE(&r, ({
			sqe->opcode =
				!strcmp(op, "uring-open") ? IORING_OP_OPENAT : IORING_OP_MKDIRAT;
			sqe->fd = dfd;
			sqe->addr = (uintptr_t)a;
			if (sqe->opcode == IORING_OP_MKDIRAT)
				sqe->len = 0755;
			else
				sqe->open_flags = O_RDONLY;
		}));
		if (rc < 0)
			return rdie(op, -rc);
		if (strcmp(op, "uring-open")) {
			printf("%s done\n", op);
			return 0;
		}
		fd = rc;
	} else {
		if (!strcmp(op, "mkdir"))
			rc = mkdirat(dfd, a, 0755);
		else if (!strcmp(op, "symlink"))
			rc = symlinkat(a, dfd, b);
		else if (!strcmp(op, "unlink"))
			rc = unlinkat(dfd, a, 0);
		else if (!strcmp(op, "rename"))
			rc = renameat(dfd, a, dfd, b);
		else if (!strcmp(op, "link"))
			rc = linkat(dfd, a, dfd, b, 0);
		else if (!strcmp(op, "chmod"))
			rc = fchmodat(dfd, a, 04755, 0);
		else if (!strcmp(op, "chown"))
			rc = fchownat(dfd, a, 4242, 4242, 0);
		else if (!strcmp(op, "mknod"))
			rc = mknodat(dfd, a, S_IFIFO | 0644, 0);
		else
			return rdie(op, EINVAL);
		if (rc)
			return rdie(op, errno);
		printf("%s done\n", op);
		return 0;
	}
	if (fd < 0)
		return rdie(a, errno);
	n = pread(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return rdie("read", errno);
	show(buf, n);
	return 0;
}

/* reopen PATH DATA: open PATH with O_PATH, then reopen /proc/self/fd/N for writing DATA. */
static int reopen(const char *path, const char *data)
{
	char proc[64];
	int fd, wfd, n;

	fd = open(path, O_PATH);
	if (fd < 0)
		return rdie("open O_PATH", errno);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	wfd = open(proc, O_WRONLY);
	if (wfd < 0)
		return rdie("reopen", errno);
	n = write(wfd, data, strlen(data));
	if (n < 0)
		return rdie("write", errno);
	printf("wrote %d bytes\n", n);
	return 0;
}

/*
 * Bytes on a page the program has not touched: a private mapping of a file holding them. The
 * kernel's copy faults the page in; a tracepoint reading it without faults reads nothing.
 */
static void *unfaulted_bytes(const void *b, size_t len)
{
	char tmpl[] = "/tmp/dcea-unfaulted-XXXXXX";
	int fd = mkstemp(tmpl);
	void *p;

	if (fd < 0 || write(fd, b, len) != (ssize_t)len)
		return NULL;
	unlink(tmpl);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/* A string on an untouched page. */
static const char *unfaulted(const char *s)
{
	return unfaulted_bytes(s, strlen(s) + 1);
}

/* mount-unfaulted FSTYPE SOURCE TARGET: mount(2) with every string on an untouched page. */
static int mount_unfaulted(const char *type, const char *src, const char *target)
{
	const char *t = unfaulted(type), *s = unfaulted(src), *d = unfaulted(target);

	if (!t || !s || !d)
		return rdie("mapping the strings", errno);
	if (syscall(SYS_mount, s, d, t, 0UL, NULL))
		return rdie("mount", errno);
	printf("mounted %s\n", type);
	return 0;
}

/* mkdir-unfaulted PATH: mkdir(2) with PATH on an untouched page. */
static int mkdir_unfaulted(const char *path)
{
	const char *p = unfaulted(path);

	if (!p)
		return rdie("mapping the name", errno);
	if (mkdir(p, 0755))
		return rdie("mkdir", errno);
	printf("made %s\n", path);
	return 0;
}

/*
 * fsopen-unfaulted FSTYPE [TARGET]: fsopen(2) with the file system's name on an untouched page;
 * with TARGET, the mount is finished through the new API (fsconfig create, fsmount, move_mount
 * onto TARGET): what the escape obtains.
 */
static int fsopen_unfaulted(const char *type, const char *target)
{
	const char *t = unfaulted(type);
	int fd, mfd;

	if (!t)
		return rdie("mapping the name", errno);
	fd = syscall(SYS_fsopen, t, 0);
	if (fd < 0)
		return rdie("fsopen", errno);
	printf("fsopen %s: fd %d\n", type, fd);
	if (!target)
		return 0;
	if (syscall(SYS_fsconfig, fd, 6 /* FSCONFIG_CMD_CREATE */, NULL, NULL, 0))
		return rdie("fsconfig (create)", errno);
	mfd = syscall(SYS_fsmount, fd, 0, 0);
	if (mfd < 0)
		return rdie("fsmount", errno);
	if (syscall(SYS_move_mount, mfd, "", AT_FDCWD, target, 0x4 /* MOVE_MOUNT_F_EMPTY_PATH */))
		return rdie("move_mount", errno);
	printf("mounted %s on %s\n", type, target);
	return 0;
}

/*
 * clone3-unfaulted: clone3(2) asking for a new user and mount namespace, its struct clone_args on
 * an untouched page. The child exits at once.
 */
static int clone3_unfaulted(void)
{
	uint64_t args[11] = { 0x10000000ULL | 0x00020000ULL, 0, 0, 0, 17 /* SIGCHLD */ };
	void *a = unfaulted_bytes(args, sizeof(args));
	long pid;

	if (!a)
		return rdie("mapping the arguments", errno);
	pid = syscall(SYS_clone3, a, sizeof(args));
	if (pid < 0)
		return rdie("clone3", errno);
	if (pid == 0)
		_exit(0);
	printf("clone3: child %ld in new namespaces\n", pid);
	return 0;
}

/*
 * capset-unfaulted: drop CAP_CHOWN from the effective set, then raise it again by a capset(2)
 * whose data sits on an untouched page (the raise, as `dcea-escape capset` does it).
 */
static int capset_unfaulted(void)
{
	uint32_t hdr[2] = { 0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0 };
	uint32_t data[6] = { 0 }, bit = 1U << 0 /* CAP_CHOWN */;
	void *d;

	if (syscall(SYS_capget, hdr, data))
		return rdie("capget", errno);
	if (!(data[1] & bit))
		return rdie("no CAP_CHOWN in the permitted set", EPERM);
	data[0] &= ~bit;
	if (syscall(SYS_capset, hdr, data))
		return rdie("capset (lower)", errno);
	data[0] |= bit;
	d = unfaulted_bytes(data, sizeof(data));
	if (!d)
		return rdie("mapping the data", errno);
	if (syscall(SYS_capset, hdr, d))
		return rdie("capset", errno);
	if (syscall(SYS_capget, hdr, data) || !(data[0] & bit))
		return rdie("capget (after the raise)", EIO);
	printf("capset: chown raised\n");
	return 0;
}

/*
 * First mapping of PID: its start address, from /proc/PID/maps, or `addr` (hex) when given: a
 * backend that refuses the maps read would otherwise stop the route before its own syscall.
 */
static unsigned long first_map(const char *pid, const char *addr)
{
	unsigned long a = 0;
	char maps[64];
	FILE *f;

	if (addr)
		return strtoul(addr, NULL, 16);
	snprintf(maps, sizeof(maps), "/proc/%s/maps", pid);
	f = fopen(maps, "r");
	if (f) {
		if (fscanf(f, "%lx", &a) != 1)
			a = 0;
		fclose(f);
	}
	return a;
}

/* vm-readv PID [ADDR]: process_vm_readv of 16 bytes at the start of PID's first mapping. */
static int vm_readv(const char *pid, const char *addr)
{
	char buf[16];
	struct iovec l = { buf, sizeof(buf) }, r = { (void *)first_map(pid, addr), sizeof(buf) };
	ssize_t n;

	if (!r.iov_base)
		return rdie("maps", errno ? errno : ENOENT);
	n = syscall(SYS_process_vm_readv, atoi(pid), &l, 1, &r, 1, 0);
	if (n < 0)
		return rdie("process_vm_readv", errno);
	printf("read %zd bytes\n", n);
	return 0;
}

/* madvise PID [ADDR]: process_madvise(MADV_COLD) over PID's first page. */
static int pmadvise(const char *pid, const char *addr)
{
	struct iovec r = { (void *)first_map(pid, addr), 4096 };
	int pfd;
	ssize_t n;

	if (!r.iov_base)
		return rdie("maps", errno ? errno : ENOENT);
	pfd = syscall(SYS_pidfd_open, atoi(pid), 0);
	if (pfd < 0)
		return rdie("pidfd_open", errno);
	n = syscall(SYS_process_madvise, pfd, &r, 1, 20 /* MADV_COLD */, 0);
	if (n < 0)
		return rdie("process_madvise", errno);
	printf("advised %zd bytes\n", n);
	return 0;
}

/*
 * uring-copy SRC DST: a benign io_uring file copy (READ then WRITE in 64 KiB steps), and
 * uring-echo: a loopback TCP and a unix socketpair round trip through io_uring. Both print "ok".
 */
static int uring_copy(const char *src, const char *dst)
{
	static char buf[65536];
	int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct ring r;
	long long off = 0;
	int n, err;

	if (in < 0 || out < 0)
		return rdie("open", errno);
	err = ring_init(&r, 0);
	if (err)
		return rdie("io_uring_setup", -err);
	for (;;) {
		n = RING_ONE(&r, ({
			sqe->opcode = IORING_OP_READ;
			sqe->fd = in;
			sqe->addr = (uintptr_t)buf;
			sqe->len = sizeof(buf);
			sqe->off = off;
		}));
		if (n < 0)
			return rdie("io_uring read", -n);
		if (n == 0)
			break;
		n = RING_ONE(&r, ({
			sqe->opcode = IORING_OP_WRITE;
			sqe->fd = out;
			sqe->addr = (uintptr_t)buf;
			sqe->len = n;
			sqe->off = off;
		}));
		if (n < 0)
			return rdie("io_uring write", -n);
		off += n;
	}
	printf("ok %lld bytes\n", off);
	return 0;
}

static int uring_pair(struct ring *r, int a, int b)
{
	char out[] = "ping", in[8] = {};
	int n;

	n = RING_ONE(r, ({
			     sqe->opcode = IORING_OP_SEND;
			     sqe->fd = a;
			     sqe->addr = (uintptr_t)out;
			     sqe->len = 4;
		     }));
	if (n != 4)
		return n < 0 ? n : -EIO;
	n = RING_ONE(r, ({
			     sqe->opcode = IORING_OP_RECV;
			     sqe->fd = b;
			     sqe->addr = (uintptr_t)in;
			     sqe->len = 4;
		     }));
	if (n != 4 || memcmp(in, "ping", 4))
		return n < 0 ? n : -EIO;
	return 0;
}

/*
 * The container's own unix sockets bound by name: a path in its /tmp by IORING_OP_BIND (where the
 * kernel has it, 6.11+), a name relative to its working directory by bind(2), and abstract names
 * (no file) by both. 0, or the helper's exit status.
 */
static int own_binds(struct ring *r)
{
	char path[64], abs[32];
	struct sockaddr_un a;
	int s, n;

	snprintf(path, sizeof(path), "/tmp/dcea-ubind-%d.sock", (int)getpid());
	n = uring_bind(r, path);
	if (n < 0 && n != -EINVAL)
		return rdie("io_uring bind", -n);
	unlink(path);
	if (chdir("/tmp"))
		return rdie("chdir /tmp", errno);
	snprintf(path, sizeof(path), "dcea-rbind-%d.sock", (int)getpid());
	s = unix_sock(path, &a);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)))
		return rdie("bind (relative)", s < 0 ? -s : errno);
	unlink(path);
	snprintf(abs, sizeof(abs), "@dcea-abs-%d", (int)getpid());
	for (int i = 0; i < 2; i++) {
		abs[1] = i ? 'D' : 'd'; /* two names: one bound by each */
		s = unix_sock(abs, &a);
		a.sun_path[0] = 0;
		if (s < 0)
			return rdie("socket", -s);
		if (i)
			n = bind(s, (struct sockaddr *)&a, sizeof(a)) ? -errno : 0;
		else
			n = ring_bind_addr(r, s, &a);
		if (n < 0 && !(i == 0 && n == -EINVAL))
			return rdie("bind (abstract)", -n);
	}
	return 0;
}

static int uring_echo(void)
{
	struct sockaddr_un ua = { .sun_family = AF_UNIX };
	struct sockaddr_in { /* avoid <netinet/in.h> clashes with linux headers */
		unsigned short sin_family, sin_port;
		unsigned sin_addr;
		char zero[8];
	} ta = { 2 /* AF_INET */, 0, 0x0100007f, {} };
	socklen_t tl = sizeof(ta);
	int sp[2], l, c, a, ul, uc, ua_fd, n, err;
	struct ring r;

	err = ring_init(&r, 0);
	if (err)
		return rdie("io_uring_setup", -err);
	/* a socketpair */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp))
		return rdie("socketpair", errno);
	if ((err = uring_pair(&r, sp[0], sp[1])))
		return rdie("socketpair round trip", -err);
	/* loopback TCP: accept and connect through the ring */
	l = socket(2, SOCK_STREAM, 0);
	c = socket(2, SOCK_STREAM, 0);
	if (l < 0 || c < 0 || bind(l, (void *)&ta, sizeof(ta)) || listen(l, 1) ||
	    getsockname(l, (void *)&ta, &tl))
		return rdie("tcp listen", errno);
	n = RING_ONE(&r, ({
		sqe->opcode = IORING_OP_CONNECT;
		sqe->fd = c;
		sqe->addr = (uintptr_t)&ta;
		sqe->off = sizeof(ta);
	}));
	if (n < 0)
		return rdie("io_uring tcp connect", -n);
	a = RING_ONE(&r, ({
		sqe->opcode = IORING_OP_ACCEPT;
		sqe->fd = l;
	}));
	if (a < 0)
		return rdie("io_uring accept", -a);
	if ((err = uring_pair(&r, c, a)))
		return rdie("tcp round trip", -err);
	/* the container's own unix socket, by path */
	snprintf(ua.sun_path, sizeof(ua.sun_path), "/tmp/dcea-uring-%d.sock", (int)getpid());
	unlink(ua.sun_path);
	ul = socket(AF_UNIX, SOCK_STREAM, 0);
	uc = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ul < 0 || uc < 0 || bind(ul, (void *)&ua, sizeof(ua)) || listen(ul, 1))
		return rdie("unix listen", errno);
	n = RING_ONE(&r, ({
		sqe->opcode = IORING_OP_CONNECT;
		sqe->fd = uc;
		sqe->addr = (uintptr_t)&ua;
		sqe->off = sizeof(ua);
	}));
	if (n < 0)
		return rdie("io_uring unix connect", -n);
	ua_fd = accept(ul, NULL, NULL);
	if (ua_fd < 0)
		return rdie("accept", errno);
	if ((err = uring_pair(&r, uc, ua_fd)))
		return rdie("unix round trip", -err);
	unlink(ua.sun_path);
	if ((err = own_binds(&r)))
		return err;
	printf("ok\n");
	return 0;
}

int route_main(int argc, char **argv)
{
	const char *c = argc > 0 ? argv[0] : "";

	argc--, argv++;
	if (!strcmp(c, "uring-open") && argc >= 2)
		return uring_open(argc, argv, IORING_OP_OPENAT);
	if (!strcmp(c, "uring-open2") && argc >= 2)
		return uring_open(argc, argv, IORING_OP_OPENAT2);
	if (!strcmp(c, "uring-open-linked") && argc >= 2 && argc <= 4)
		return uring_open_linked(argc, argv);
	if (!strcmp(c, "uring-connect") && argc == 1)
		return uring_connect(argv[0]);
	if (!strcmp(c, "uring-path") && argc >= 2)
		return uring_path(argv[0], argv[1], argc > 2 ? argv[2] : NULL);
	if (!strcmp(c, "path") && argc >= 2)
		return path_op(argv[0], argv[1], argc > 2 ? argv[2] : NULL);
	if (!strcmp(c, "pidfd-getfd") && argc >= 3)
		return pidfd_getfd(argc, argv);
	if ((!strcmp(c, "xattr") || !strcmp(c, "uring-xattr")) && argc == 3)
		return xattr_op(c, argv[0], argv[1], argv[2]);
	if (!strcmp(c, "getxattr") && argc == 2)
		return xattr_op(c, argv[0], argv[1], NULL);
	if (!strcmp(c, "uring-hold") && argc == 4)
		return uring_hold(argv[0], argv[1], argv[2], argv[3]);
	if (!strcmp(c, "leaked-fd") && (argc == 3 || argc == 4))
		return leaked(argc, argv);
	if (!strcmp(c, "fdpass") && argc == 1)
		return fdpass(argv[0]);
	if (!strcmp(c, "reopen") && argc == 2)
		return reopen(argv[0], argv[1]);
	if (!strcmp(c, "mount-unfaulted") && argc == 3)
		return mount_unfaulted(argv[0], argv[1], argv[2]);
	if (!strcmp(c, "mkdir-unfaulted") && argc == 1)
		return mkdir_unfaulted(argv[0]);
	if (!strcmp(c, "fsopen-unfaulted") && (argc == 1 || argc == 2))
		return fsopen_unfaulted(argv[0], argc == 2 ? argv[1] : NULL);
	if (!strcmp(c, "clone3-unfaulted") && argc == 0)
		return clone3_unfaulted();
	if (!strcmp(c, "capset-unfaulted") && argc == 0)
		return capset_unfaulted();
	if (!strcmp(c, "vm-readv") && (argc == 1 || argc == 2))
		return vm_readv(argv[0], argc == 2 ? argv[1] : NULL);
	if (!strcmp(c, "madvise") && (argc == 1 || argc == 2))
		return pmadvise(argv[0], argc == 2 ? argv[1] : NULL);
	if (!strcmp(c, "uring-copy") && argc == 2)
		return uring_copy(argv[0], argv[1]);
	if (!strcmp(c, "uring-echo"))
		return uring_echo();
	fprintf(stderr,
		"usage: dcea-escape route uring-open|uring-open2 PATH r|w|mem[:ADDR] [DATA] [inline|async|sqpoll]\n"
		"       | uring-open-linked PATH DATA [SLOT [skip]] | uring-connect SOCK\n"
		"       | uring-path|path mkdir|symlink|link|rename|unlink|chmod|bind|mknod A [B]\n"
		"       | pidfd-getfd PID FD r|w|dir [DATA|FILE] | reopen PATH DATA\n"
		"       | xattr|uring-xattr PATH NAME VALUE | getxattr PATH NAME\n"
		"       | uring-hold PATH DATA GO worker|sqpoll\n"
		"       | leaked-fd SOCK open|chdir-open|uring-open|mkdir|chdir-mkdir|uring-mkdir|symlink|unlink\n"
		"         |rename|link|chmod|chown|xattr|mknod|bind|uring-bind|link-mkdir A [B] (A, B: %%FD the\n"
		"         fd; OP prefixed recvmmsg: or uring-recv: receives it by recvmmsg or io_uring)\n"
		"       | mount-unfaulted FSTYPE SOURCE TARGET | mkdir-unfaulted PATH\n"
		"       | vm-readv PID [ADDR] | madvise PID [ADDR]\n"
		"       | uring-copy SRC DST | uring-echo | fdpass DIR\n"
		"       | fsopen-unfaulted FSTYPE [TARGET] | clone3-unfaulted | capset-unfaulted\n");
	return 2;
}
