// SPDX-License-Identifier: GPL-2.0-only
/*
 * dcea-bench: a static micro-benchmark run inside a container. Prints the mean ns per operation.
 *   dcea-bench open|stat|forkexec|mount N
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

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
	double t0, t1;

	if (argc < 2 || n <= 0) {
		fprintf(stderr, "usage: dcea-bench open|stat|forkexec|mount N\n");
		return 2;
	}
	if (!strcmp(argv[1], "mount"))
		mkdir("/tmp/bench-mnt", 0700);
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
			if (mount("none", "/tmp/bench-mnt", "tmpfs", 0, NULL) || umount("/tmp/bench-mnt"))
				return 1;
		} else {
			return 2;
		}
	}
	t1 = now();
	printf("%.1f\n", (t1 - t0) / n);
	return 0;
}
