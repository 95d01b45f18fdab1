// SPDX-License-Identifier: GPL-2.0-only
/* ctr: start a container the way runc does, for vmtest guests (static, no libc there).
 *
 * One process joins the cgroup, unshares mnt/uts/ipc/net/pid, forks the container's PID 1, which
 * makes its mounts private, pivot_roots into ROOTFS and detaches the old root, mounts /proc, /sys
 * (read-only) and a /dev tmpfs with a null device and execs CMD. pivot_root and the exec happen in
 * the same process, as with runtimes, which is what tells dcea that CMD is a container entrypoint
 * (a shell doing `pivot_root` with a separate program does not).
 *
 * EXAMPLES
 *   ctr -n web -c /sys/fs/cgroup/vmtest/web /tmp/rootfs /bin/sh -c 'mount -t tmpfs x /mnt'
 *   ctr -p -n top /tmp/rootfs ps         # -p: keep the host's PID namespace (docker run --pid=host)
 * Exit status: CMD's, 125 when the container could not be set up.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define SETUP_FAILED 125

static int fail(const char *what, const char *subject)
{
	fprintf(stderr, "ctr: failed to %s '%s': %s\n", what, subject, strerror(errno));
	return SETUP_FAILED;
}

static int join_cgroup(const char *dir)
{
	char path[4096], pid[32];
	int fd, n, err = 0;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return fail("create", dir);
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open", path);
	n = snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (write(fd, pid, n) != n)
		err = fail("write", path);
	close(fd);
	return err;
}

/* The container's PID 1: never returns on success. */
static int init_container(const char *name, const char *rootfs, char **argv)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return fail("make private", "/");
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL))
		return fail("bind mount", rootfs);
	if (chdir(rootfs))
		return fail("enter", rootfs);
	/*
	 * As runc: the old root stacked on the new one (no directory in the rootfs for it, which
	 * containers sharing a rootfs would race on: one's rmdir detaches the other's old root)
	 * and detached at once.
	 */
	if (syscall(SYS_pivot_root, ".", "."))
		return fail("pivot_root into", rootfs);
	if (umount2(".", MNT_DETACH))
		return fail("detach", "the old root");
	if (chdir("/"))
		return fail("enter", "/");
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mkdir("/dev", 0755);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return fail("mount", "/proc");
	if (mount("sysfs", "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return fail("mount", "/sys");
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID, "mode=755"))
		return fail("mount", "/dev");
	if (mknod("/dev/null", S_IFCHR | 0666, makedev(1, 3)))
		return fail("create", "/dev/null");
	if (sethostname(name, strlen(name)))
		return fail("set hostname", name);
	execvp(argv[0], argv);
	return fail("exec", argv[0]);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: ctr [-p] [-n NAME] [-c CGROUP_DIR] ROOTFS CMD [ARG...]\n");
}

int main(int argc, char **argv)
{
	const char *name = "ctr", *cgroup = NULL;
	int opt, status, flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+pn:c:h")) != -1) {
		switch (opt) {
		case 'n':
			name = optarg;
			break;
		case 'c':
			cgroup = optarg;
			break;
		case 'p':
			flags &= ~CLONE_NEWPID;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind < 2) {
		usage(stderr);
		return 2;
	}
	if (cgroup && join_cgroup(cgroup))
		return SETUP_FAILED;
	if (unshare(flags))
		return fail("unshare", "mnt,uts,ipc,net,pid");
	pid = fork();
	if (pid < 0)
		return fail("fork", name);
	if (pid == 0)
		_exit(init_container(name, argv[optind], argv + optind + 1));
	if (waitpid(pid, &status, 0) < 0)
		return fail("wait for", name);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
