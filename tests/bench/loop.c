// SPDX-License-Identifier: GPL-2.0-only
/*
 * dcea-bench: a static micro-benchmark run inside a container. Prints the mean ns per operation.
 *   dcea-bench open|stat|forkexec|mount|uring-open|uring-read|uring-net|unix-msg N
 * uring-open: IORING_OP_OPENAT then IORING_OP_CLOSE of /etc/passwd; uring-read: IORING_OP_READ of
 * 4 KiB from an open file; uring-net: IORING_OP_SEND of 64 bytes on a loopback TCP connection and
 * IORING_OP_RECV of them at the other end (issue 14: benign io_uring must not be slowed
 * measurably); unix-msg: sendmsg(2) and recvmsg(2) of 64 bytes on a unix socketpair (every
 * recvmsg of a container task on a unix socket has its descriptors looked at for a received host
 * directory).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../helpers/uring.h"

/* A connected loopback TCP pair: fds[0] the client, fds[1] the accepted end; 0 or -1. */
static int tcp_pair(int fds[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &len))
		return -1;
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[0] < 0 || connect(fds[0], (struct sockaddr *)&a, sizeof(a)))
		return -1;
	fds[1] = accept(l, NULL, NULL);
	close(l);
	return fds[1] < 0 ? -1 : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 100000;
	struct stat st;
	struct ring r = { .fd = -1 };
	static char buf[4096];
	double t0, t1;
	int rfd = -1, tcp[2] = { -1, -1 }, ux[2] = { -1, -1 };

	if (argc < 2 || n <= 0) {
		fprintf(stderr, "usage: dcea-bench open|stat|forkexec|mount N\n");
		return 2;
	}
	if (!strcmp(argv[1], "mount"))
		mkdir("/tmp/bench-mnt", 0700);
	if (!strncmp(argv[1], "uring-", 6) && ring_init(&r, 0))
		return 1;
	if (!strcmp(argv[1], "uring-read") && (rfd = open("/etc/passwd", O_RDONLY)) < 0)
		return 1;
	if (!strcmp(argv[1], "uring-net") && tcp_pair(tcp))
		return 1;
	if (!strcmp(argv[1], "unix-msg") && socketpair(AF_UNIX, SOCK_STREAM, 0, ux))
		return 1;
	t0 = now();
	for (long i = 0; i < n; i++) {
		if (!strcmp(argv[1], "open")) {
			int fd = open("/etc/passwd", O_RDONLY);

			if (fd < 0)
				return 1;
			close(fd);
		} else if (!strcmp(argv[1], "stat")) {
			if (stat("/etc/passwd", &st))
				return 1;
		} else if (!strcmp(argv[1], "forkexec")) {
			pid_t pid = fork();

			if (pid == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			if (pid < 0 || waitpid(pid, NULL, 0) < 0)
				return 1;
		} else if (!strcmp(argv[1], "mount")) {
			if (mount("none", "/tmp/bench-mnt", "tmpfs", 0, NULL) ||
			    umount("/tmp/bench-mnt"))
				return 1;
		} else if (!strcmp(argv[1], "uring-open")) {
			int fd = RING_ONE(&r, ({
				sqe->opcode = IORING_OP_OPENAT;
				sqe->fd = AT_FDCWD;
				sqe->addr = (unsigned long)"/etc/passwd";
				sqe->open_flags = O_RDONLY;
			}));

			if (fd < 0 || RING_ONE(&r, ({
					      sqe->opcode = IORING_OP_CLOSE;
					      sqe->fd = fd;
				      })) < 0)
				return 1;
		} else if (!strcmp(argv[1], "uring-read")) {
			if (RING_ONE(&r, ({
				    sqe->opcode = IORING_OP_READ;
				    sqe->fd = rfd;
				    sqe->addr = (unsigned long)buf;
				    sqe->len = sizeof(buf);
				    sqe->off = 0;
			    })) < 0)
				return 1;
		} else if (!strcmp(argv[1], "uring-net")) {
			if (RING_ONE(&r, ({
				    sqe->opcode = IORING_OP_SEND;
				    sqe->fd = tcp[0];
				    sqe->addr = (unsigned long)buf;
				    sqe->len = 64;
			    })) != 64 ||
			    RING_ONE(&r, ({
				    sqe->opcode = IORING_OP_RECV;
				    sqe->fd = tcp[1];
				    sqe->addr = (unsigned long)buf;
				    sqe->len = 64;
				    sqe->msg_flags = MSG_WAITALL;
			    })) != 64)
				return 1;
		} else if (!strcmp(argv[1], "unix-msg")) {
			struct iovec iov = { .iov_base = buf, .iov_len = 64 };
			struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

			if (sendmsg(ux[0], &m, 0) != 64 || recvmsg(ux[1], &m, 0) != 64)
				return 1;
		} else {
			return 2;
		}
	}
	t1 = now();
	printf("%.1f\n", (t1 - t0) / n);
	return 0;
}
