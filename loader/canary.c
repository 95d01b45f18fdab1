// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "common/log.h"
#include "common/util.h"
#include "loader/canary.h"
#include "loader/canary_outcome.h"
#include "loader/cgroup.h"
#include "loader/nsinfo.h"
#include "rules/rules.h"
#include "loader/state.h"
#include "policy/compile.h"

#define CANARY_KNOB  "dcea-canary-knob"
#define CANARY_SHELL "dcea-canary-sh"	/* listed as a shell for the test: comm after exec */
#define CANARY_CRED  "dcea-canary-cred" /* listed as a credential file name for the test */
#define CANARY_EXE   "x"		/* the child's copy of dcea's binary, in its scratch */

/*
 * Where each child mounts its scratch tmpfs, in its own mount namespace: the first of these that
 * is a directory. Nothing of the loader's is needed there: the child copies dcea's binary from an
 * fd the loader opened through /proc/self/exe, so where dcea lives (under /tmp, a read-only or
 * noexec mount, a deleted file) and whether /run is writable, nodev or noexec change nothing.
 */
static const char *const scratch_dirs[] = { "/tmp", "/var/tmp", "/mnt", "/run", "/root" };

struct canary {
	struct state *st;
	const char *dir;  /* the scratch mount point (the tmpfs is the child's own) */
	int exe_fd;	  /* dcea's own binary, whatever its path */
	char cgpath[300]; /* the canary cgroup */
	__u64 cgid;
	pid_t helper; /* a process in its own UTS namespace: a "host" task to reach */
	int helper_pipe;
	canary_passthrough_fn fn;
	void *fn_ctx;
	int seen[DCEA_R_MAX]; /* 1 + action of the canary's event per rule */
	char core_pattern[256];
	struct {
		__u32 magic;
		char name[28];
	} knob_key;
	char shell_key[DCEA_COMM_LEN];
	struct dcea_path_key cred_key; /* <dir>/cred, listed as a credential file for the test */
	__u32 saved_needs;	       /* dcea_config.path_needs before the test */
	__u64 missing_caps; /* capabilities the loader lacks: its canaries lack them too */
	__u64 cap_full;	    /* dcea_config.cap_full */
	bool no_new_privs;  /* inherited by the canaries: no setuid gain */
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct canary *c = ctx;
	const struct dcea_event *e = data;

	if (size >= sizeof(*e) && e->cgroup_id == c->cgid) {
		if (e->kind == DCEA_EV_RULE && e->rule < DCEA_R_MAX)
			c->seen[e->rule] = 1 + e->action;
		return 0; /* the canary's own container start too */
	}
	return c->fn ? c->fn(c->fn_ctx, data, size) : 0;
}

static int capset_eff(__u64 eff_mask_clear)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[0].effective &= ~(__u32)eff_mask_clear;
	d[1].effective &= ~(__u32)(eff_mask_clear >> 32);
	return syscall(SYS_capset, &h, d);
}

/* The capabilities this kernel has that the loader's effective set lacks. */
static __u64 missing_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	char line[16];
	__u64 full, eff;
	int last = 40; /* CAP_LAST_CAP of 5.9+, when the sysctl cannot be read */

	if (!read_line("/proc/sys/kernel/cap_last_cap", line, sizeof(line)))
		last = atoi(line);
	if (last < 0 || last > 63 || syscall(SYS_capget, &h, d))
		return 0;
	full = last == 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
	eff = (__u64)d[1].effective << 32 | d[0].effective;
	return full & ~eff;
}

static int capset_raise_all(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[0].effective = d[0].permitted;
	d[1].effective = d[1].permitted;
	return syscall(SYS_capset, &h, d);
}

/*
 * Copy all of `in` into a new file `to` with pread: the fd is shared with the loader and the other
 * children, its offset is left alone. -1 with errno on failure.
 */
static int copy_fd(int in, const char *to, mode_t mode)
{
	char buf[65536];
	int out, ret = -1;
	off_t off = 0;
	ssize_t n;

	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
	if (out < 0)
		return -1;
	while ((n = pread(in, buf, sizeof(buf), off)) > 0) {
		if (write(out, buf, n) != n)
			goto cleanup;
		off += n;
	}
	/* fchmod after the writes: a write clears the setuid bit */
	ret = n < 0 ? -1 : fchmod(out, mode);
cleanup:
	if (close(out) && !ret)
		ret = -1;
	return ret;
}

/*
 * The child's scratch: a tmpfs of its own (exec, suid and device nodes allowed) over c->dir and
 * what the rule needs in it. Done before it joins the canary cgroup, so nothing here is watched.
 * -1 with errno on failure.
 */
static int child_scratch(struct canary *c, enum dcea_rule r)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[160];
	int s;

	if (mount("tmpfs", c->dir, "tmpfs", 0, "mode=0755"))
		return -1;
	snprintf(path, sizeof(path), "%s/mnt", c->dir);
	if (mkdir(path, 0700))
		return -1;
	switch (r) {
	case DCEA_R_BLOCK_DEVICE:
		snprintf(path, sizeof(path), "%s/blk", c->dir);
		return mknod(path, S_IFBLK | 0600, makedev(7, 0));
	case DCEA_R_RUNTIME_SOCKET:
		/* left open: the child's own listener, for its connect */
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/docker.sock", c->dir);
		s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		return s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 1) ? -1
											    : 0;
	case DCEA_R_CRED_FILE:
		snprintf(path, sizeof(path), "%s/" CANARY_CRED, c->dir);
		s = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		return s < 0 ? -1 : close(s);
	case DCEA_R_NS_ESCAPE:
	case DCEA_R_SHELL:
	case DCEA_R_PRIV_EXEC:
	case DCEA_R_PRIV_LAUNCH:
	case DCEA_R_DRIFT:
	case DCEA_R_MODULE_LOAD:
	case DCEA_R_KEXEC:
		/* executed or loaded from the child's own mount namespace: a file on a mount of the
		 * namespace it left would be proc_host_access's first; setuid-root for an
		 * unprivileged exec (privilege gain), newer than the "container" (drift) */
		snprintf(path, sizeof(path), "%s/" CANARY_EXE, c->dir);
		if (copy_fd(c->exe_fd, path, r == DCEA_R_PRIV_EXEC ? 04755 : 0755))
			return -1;
		/* a shell name for the test: the name of the exec, not of the file, is judged */
		snprintf(path, sizeof(path), "%s/" CANARY_SHELL, c->dir);
		return r == DCEA_R_SHELL ? symlink(CANARY_EXE, path) : 0;
	default:
		return 0;
	}
}

/* Preparation done before the child is armed (nothing it does then is watched). */
static int child_prepare(struct canary *c, enum dcea_rule r, int *fd)
{
	char path[128];

	switch (r) {
	case DCEA_R_CAPSET:
		return capset_eff(1ULL << CAP_SYS_ADMIN);
	case DCEA_R_SETUID_ROOT:
		return setresuid(-1, 65534, -1);
	case DCEA_R_SETNS:
		snprintf(path, sizeof(path), "/proc/%d/ns/uts", c->helper);
		*fd = open(path, O_RDONLY | O_CLOEXEC);
		return *fd < 0 ? -1 : 0;
	case DCEA_R_DEV_FILE:
		return mount("tmpfs", "/dev", "tmpfs", MS_NOSUID, "mode=0755");
	case DCEA_R_PRIV_EXEC:
		/* the scratch is 0755: every uid reaches the setuid-root copy */
		return setresuid(65534, 65534, 65534);
	case DCEA_R_PRIV_LAUNCH:
		/* a container start of our own: a new root (all of ours, bound), then an exec */
		snprintf(path, sizeof(path), "%s/mnt", c->dir);
		if (mount("/", path, NULL, MS_BIND | MS_REC, NULL) || chdir(path) ||
		    syscall(SYS_pivot_root, ".", ".") || umount2(".", MNT_DETACH) || chdir("/"))
			return -1;
		return 0;
	default:
		return 0;
	}
}

/* The attempt itself; returns 0 when the operation succeeded, else errno. */
static int child_attempt(struct canary *c, enum dcea_rule r, int fd)
{
	char path[160], exe[160];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	union bpf_attr attr;
	int ret = -1, s;

	snprintf(exe, sizeof(exe), "%s/" CANARY_EXE, c->dir);
	switch (r) {
	case DCEA_R_MOUNT:
		snprintf(path, sizeof(path), "%s/mnt", c->dir);
		ret = mount("proc", path, "proc", 0, NULL);
		break;
	case DCEA_R_MOUNT_API:
		/* a detached copy of a tree, attached elsewhere: the fallback kills at open_tree,
		 * the LSM backend denies the move_mount */
		snprintf(path, sizeof(path), "%s/mnt", c->dir);
		s = syscall(SYS_open_tree, AT_FDCWD, c->dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		ret = s < 0 ? -1
			    : syscall(SYS_move_mount, s, "", AT_FDCWD, path,
				      MOVE_MOUNT_F_EMPTY_PATH);
		break;
	case DCEA_R_DEVICE_CREATE:
		snprintf(path, sizeof(path), "%s/mem", c->dir);
		ret = mknod(path, S_IFCHR | 0600, makedev(1, 1));
		break;
	case DCEA_R_BLOCK_DEVICE:
		snprintf(path, sizeof(path), "%s/blk", c->dir);
		ret = open(path, O_RDONLY | O_CLOEXEC);
		break;
	case DCEA_R_CAPSET:
		ret = capset_raise_all();
		break;
	case DCEA_R_SETUID_ROOT:
		ret = setuid(0);
		break;
	case DCEA_R_SYSCTL_WRITE:
		s = open("/proc/sys/kernel/core_pattern", O_WRONLY | O_CLOEXEC);
		if (s < 0)
			break;
		/* the value it already has: harmless if nothing denies it */
		ret = write(s, c->core_pattern, strlen(c->core_pattern)) < 0 ? -1 : 0;
		break;
	case DCEA_R_KNOB_WRITE:
		/* a knob file of our own, listed for the test: the real ones may not exist here */
		snprintf(path, sizeof(path), "%s/" CANARY_KNOB, c->dir);
		ret = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		break;
	case DCEA_R_SETNS:
		ret = setns(fd, CLONE_NEWUTS);
		break;
	case DCEA_R_UNSHARE:
		ret = unshare(CLONE_NEWUTS);
		break;
	case DCEA_R_PTRACE:
		ret = ptrace(PTRACE_ATTACH, c->helper, NULL, NULL);
		if (!ret)
			ptrace(PTRACE_DETACH, c->helper, NULL, NULL);
		break;
	case DCEA_R_PROC_HOST:
		/* a file on a mount of the namespace it left, reached through a directory fd it
		 * kept (the way /proc/<pid>/root and leaked fds reach host files): the host's root;
		 * the ns files under /proc/<pid> of a host task would be stopped first by
		 * ptrace_host's ptrace_access_check */
		ret = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		break;
	case DCEA_R_BPF_LOAD:
		memset(&attr, 0, sizeof(attr));
		ret = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
		break;
	case DCEA_R_MODULE_LOAD:
		/* a real file, so the LSM hook (kernel_read_file) is reached; not a module, so a
		 * kernel that let it through refuses it as ENOEXEC */
		s = open(exe, O_RDONLY | O_CLOEXEC);
		ret = syscall(SYS_finit_module, s, "", 0);
		break;
	case DCEA_R_OPEN_BY_HANDLE:
		ret = syscall(SYS_open_by_handle_at, -1, NULL, 0);
		break;
	case DCEA_R_KEXEC:
		/* likewise: our own binary is no kernel image (KEXEC_FILE_NO_INITRAMFS = 4) */
		s = open(exe, O_RDONLY | O_CLOEXEC);
		ret = syscall(SYS_kexec_file_load, s, -1, 0UL, "", 4UL);
		break;
	case DCEA_R_NS_ESCAPE:
		/* a working directory on a mount of the namespace it left, then an exec: the leaked
		 * fd of CVE-2024-21626 */
		if (fchdir(fd))
			break;
		dup2(open("/dev/null", O_WRONLY | O_CLOEXEC), STDOUT_FILENO);
		/* by path, through its own mount namespace: /proc/self/exe would be a file on a
		 * mount of the namespace it left, which proc_host_access denies first */
		execl(exe, "dcea", "--version", (char *)NULL);
		break;
	case DCEA_R_TAMPER:
		ret = kill(getppid(), 0); /* the loader; signal 0 only asks whether it exists */
		break;
	case DCEA_R_RUNTIME_SOCKET:
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/docker.sock", c->dir);
		s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ret = s < 0 ? -1 : connect(s, (struct sockaddr *)&sa, sizeof(sa));
		break;
	case DCEA_R_SHELL:
		snprintf(path, sizeof(path), "%s/" CANARY_SHELL, c->dir);
		dup2(open("/dev/null", O_WRONLY | O_CLOEXEC), STDOUT_FILENO);
		execl(path, CANARY_SHELL, "--version", (char *)NULL);
		break;
	case DCEA_R_CRED_FILE:
		snprintf(path, sizeof(path), "%s/" CANARY_CRED, c->dir);
		ret = open(path, O_RDONLY | O_CLOEXEC);
		break;
	case DCEA_R_DEV_FILE:
		ret = open("/dev/dcea-canary", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		break;
	case DCEA_R_PRIV_EXEC:
	case DCEA_R_DRIFT:
	case DCEA_R_PRIV_LAUNCH: /* the scratch is bound into its new root at the same place */
		dup2(open("/dev/null", O_WRONLY | O_CLOEXEC), STDOUT_FILENO);
		execl(exe, "dcea", "--version", (char *)NULL);
		break;
	default:
		errno = ENOSYS;
		break;
	}
	return ret >= 0 ? 0 : errno;
}

/* What a child writes on its "ready" pipe: 'r', or 'f' with the step that failed and its errno. */
struct child_msg {
	char tag;
	int step;
	int err;
};

static void child_fail(int ready, int step)
{
	struct child_msg m = { .tag = 'f', .step = step, .err = errno };

	if (write(ready, &m, sizeof(m)) < 0)
		_exit(126);
	_exit(125);
}

static void child_main(struct canary *c, enum dcea_rule r, int ready, int go)
{
	struct child_msg m = { .tag = 'r' };
	char pid[16], path[400];
	int fd = -1, cg, err;
	char b;

	alarm(5);
	if (r == DCEA_R_NS_ESCAPE || r == DCEA_R_PROC_HOST)
		fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC); /* still the host's mount */
	if (unshare(CLONE_NEWNS | CLONE_NEWUTS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		child_fail(ready, DCEA_ST_NS);
	if (child_scratch(c, r))
		child_fail(ready, DCEA_ST_SCRATCH);
	snprintf(path, sizeof(path), "%s/cgroup.procs", c->cgpath);
	cg = open(path, O_WRONLY | O_CLOEXEC);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (cg < 0 || write(cg, pid, strlen(pid)) < 0)
		child_fail(ready, DCEA_ST_CGROUP);
	close(cg);
	if (child_prepare(c, r, &fd))
		child_fail(ready, DCEA_ST_PREPARE);
	if (write(ready, &m, sizeof(m)) != sizeof(m) || read(go, &b, 1) != 1)
		_exit(124);
	err = child_attempt(c, r, fd);
	_exit(err > CANARY_EXIT_MAX ? CANARY_EXIT_MAX : err);
}

/* Run rule r's canary; returns its effect, *why as canary_classify() sets it. */
static enum dcea_effect run_one(struct canary *c, enum dcea_rule r, struct ring_buffer *rb,
				__u32 *why)
{
	struct dcea_container ct = { .flags = DCEA_CT_CANARY };
	struct dcea_task t = { .cgroup_id = c->cgid, .flags = DCEA_CT_CANARY };
	struct canary_outcome o = { .missing_caps = c->missing_caps,
				    .cap_full = c->cap_full,
				    .no_new_privs = c->no_new_privs };
	struct child_msg m = { 0 };
	int ready[2], go[2], err;
	enum dcea_effect eff;
	pid_t pid;
	__u32 key;

	if (pipe2(ready, O_CLOEXEC)) {
		o.step = DCEA_ST_PARENT, o.err = errno;
		return canary_classify(r, &o, why);
	}
	if (pipe2(go, O_CLOEXEC)) {
		o.step = DCEA_ST_PARENT, o.err = errno;
		close(ready[0]);
		close(ready[1]);
		return canary_classify(r, &o, why);
	}
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		child_main(c, r, ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	if (pid < 0) {
		o.step = DCEA_ST_PARENT, o.err = errno;
		goto reap;
	}
	if (read(ready[0], &m, sizeof(m)) != sizeof(m) || m.tag != 'r') {
		if (m.tag == 'f')
			o.step = m.step, o.err = m.err;
		goto reap; /* not ready: the status says the rest */
	}
	if (r == DCEA_R_PRIV_LAUNCH) {
		/* the kernel registers this one at its exec, as any container */
		bpf_map_delete_elem(c->st->fd[M_CONTAINERS], &c->cgid);
	} else {
		/* the child's own namespaces are its container's baseline */
		err = ns_of_pid(pid, ct.ns);
		if (err) {
			o.step = DCEA_ST_PARENT, o.err = -err;
			kill(pid, SIGKILL);
			goto reap;
		}
		ct.init_tgid = pid;
		ct.start_ns =
			r == DCEA_R_DRIFT ? 1 : 0; /* "started" at boot: every file is newer */
		bpf_map_update_elem(c->st->fd[M_CONTAINERS], &c->cgid, &ct, BPF_ANY);
		key = pid;
		bpf_map_update_elem(c->st->fd[M_TASKS], &key, &t, BPF_ANY);
		state_sync_tasks(); /* its task storage copy, before it acts */
	}
	if (write(go[1], "g", 1) != 1) {
		o.step = DCEA_ST_PARENT, o.err = errno;
		kill(pid, SIGKILL);
		goto reap;
	}
	o.ready = true;
reap:
	close(ready[0]);
	close(go[1]);
	if (pid > 0)
		waitpid(pid, &o.status, 0);
	key = pid;
	bpf_map_delete_elem(c->st->fd[M_TASKS], &key);
	ring_buffer__consume(rb);

	o.seen = c->seen[r];
	eff = canary_classify(r, &o, why);
	log_debug("canary '%s': status 0x%x, event %s: %s", rule_table[r].name, o.status,
		  o.seen ? action_name(o.seen - 1) : "none", effect_name(eff));
	return eff;
}

static pid_t start_helper(int *pipe_w)
{
	int p[2];
	pid_t pid;
	char b;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		if (unshare(CLONE_NEWUTS))
			_exit(1);
		read(p[0], &b, 1); /* until the loader closes its end */
		_exit(0);
	}
	close(p[0]);
	*pipe_w = p[1];
	usleep(20000); /* let it unshare before anyone opens its namespace */
	return pid;
}

/*
 * Remove the canary cgroups of loaders that died in their self-test (killed, or a crash): empty,
 * named for a process that is gone. rmdir refuses a cgroup that still holds a task.
 */
static void remove_stale_cgroups(const char *root)
{
	char path[sizeof(((struct dirent *)0)->d_name) + 256];
	struct dirent *de;
	DIR *d = opendir(root);
	char *end;
	long pid;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "dcea-canary-", 12))
			continue;
		pid = strtol(de->d_name + 12, &end, 10);
		if (*end || pid <= 0 || pid == getpid() || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, de->d_name);
		if (rmdir(path) == 0)
			log_info("removed '%s', the self-test cgroup of a loader that is gone",
				 path);
	}
	closedir(d);
}

static int setup(struct canary *c)
{
	char root[256], path[160];
	struct dcea_config cf;
	__u32 rule;
	struct stat sb;
	__u64 bits = DCEA_PM_CRED;
	char leaf[POLICY_LEAF_LEN] = CANARY_CRED;
	int err;

	for (size_t i = 0; i < ARRAY_SIZE(scratch_dirs) && !c->dir; i++)
		if (stat(scratch_dirs[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			c->dir = scratch_dirs[i];
	if (!c->dir)
		return -ENOENT;
	/* through the magic link: the file itself, even when its path is hidden or gone */
	c->exe_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (c->exe_fd < 0)
		return -errno;
	err = cgroup_v2_mount(root, sizeof(root));
	if (err)
		return err;
	remove_stale_cgroups(root);
	snprintf(c->cgpath, sizeof(c->cgpath), "%s/dcea-canary-%d", root, getpid());
	if (mkdir(c->cgpath, 0755) && errno != EEXIST)
		return -errno;
	err = cgroup_id_of(c->cgpath + strlen(root), &c->cgid);
	if (err)
		return err;
	if (read_line("/proc/sys/kernel/core_pattern", c->core_pattern, sizeof(c->core_pattern)))
		c->core_pattern[0] = '\0';
	c->missing_caps = missing_caps();
	c->no_new_privs = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
	if (c->missing_caps)
		log_debug(
			"dcea lacks capabilities 0x%llx: a rule whose attempt needs one of them and that nothing saw is 'selftest-failed', not 'unavailable'",
			(unsigned long long)c->missing_caps);
	/* a knob file, a shell name and a credential file of our own, listed for the test: on the
	 * children's scratch tmpfs */
	rule = DCEA_R_KNOB_WRITE;
	c->knob_key.magic = TMPFS_MAGIC;
	strcpy(c->knob_key.name, CANARY_KNOB);
	bpf_map_update_elem(c->st->fd[M_KNOBFILES], &c->knob_key, &rule, BPF_ANY);
	rule = DCEA_R_SHELL;
	strcpy(c->shell_key, CANARY_SHELL);
	bpf_map_update_elem(c->st->fd[M_SHELLS], c->shell_key, &rule, BPF_ANY);
	snprintf(path, sizeof(path), "%s/" CANARY_CRED, c->dir);
	rule = DCEA_R_CRED_FILE;
	c->cred_key = policy_path_key(path);
	bpf_map_update_elem(c->st->fd[M_PATHS], &c->cred_key, &bits, BPF_ANY);
	bpf_map_update_elem(c->st->fd[M_LEAVES], leaf, &rule, BPF_ANY);
	if (!state_get_config(c->st, &cf)) {
		c->saved_needs = cf.path_needs;
		c->cap_full = cf.cap_full;
		cf.path_needs |= DCEA_NEED_OPEN;
		/* left set at teardown: a set bit only costs a lookup, a clear one hides */
		policy_leaf_filter_add(cf.leaf_filter, leaf);
		cf.canary_cgid = c->cgid;
		state_set_config(c->st, &cf);
	}
	c->helper = start_helper(&c->helper_pipe);
	return c->helper < 0 ? -errno : 0;
}

static void teardown(struct canary *c)
{
	if (c->helper > 0) {
		close(c->helper_pipe);
		kill(c->helper, SIGKILL);
		waitpid(c->helper, NULL, 0);
	}
	if (c->cgid)
		bpf_map_delete_elem(c->st->fd[M_CONTAINERS], &c->cgid);
	if (c->knob_key.magic)
		bpf_map_delete_elem(c->st->fd[M_KNOBFILES], &c->knob_key);
	if (c->shell_key[0])
		bpf_map_delete_elem(c->st->fd[M_SHELLS], c->shell_key);
	if (c->cred_key.hash) {
		char leaf[POLICY_LEAF_LEN] = CANARY_CRED;
		struct dcea_config cf;

		bpf_map_delete_elem(c->st->fd[M_PATHS], &c->cred_key);
		bpf_map_delete_elem(c->st->fd[M_LEAVES], leaf);
		if (!state_get_config(c->st, &cf)) {
			cf.path_needs = c->saved_needs;
			cf.canary_cgid = 0;
			state_set_config(c->st, &cf);
		}
	}
	if (c->cgpath[0])
		rmdir(c->cgpath);
	if (c->exe_fd >= 0)
		close(c->exe_fd);
}

/* Record in the pinned config why the rules in `only` were or were not proven. */
static void note_why(struct state *st, __u32 only, const __u32 why[DCEA_R_MAX])
{
	struct dcea_config cf;

	if (state_get_config(st, &cf))
		return;
	for (int i = 0; i < DCEA_R_MAX; i++)
		if (!only || (only & (1U << i)))
			cf.selftest[i] = why[i];
	state_set_config(st, &cf);
}

int canary_run(struct state *st, canary_passthrough_fn fn, void *ctx, __u32 only,
	       enum dcea_effect eff[DCEA_R_MAX])
{
	struct canary c = { .st = st, .fn = fn, .fn_ctx = ctx, .helper = -1, .exe_fd = -1 };
	struct ring_buffer *rb = NULL;
	__u32 why[DCEA_R_MAX] = { 0 };
	char buf[128];
	int err;

	err = setup(&c);
	if (err) {
		log_err("failed to set up the self-test: %s", strerror(-err));
		goto cleanup;
	}
	/* deny and kill events come through the reserved ring, the canaries' alerts through the
	 * other */
	rb = ring_buffer__new(st->fd[M_EVENTS_HI], on_event, &c, NULL);
	if (rb && ring_buffer__add(rb, st->fd[M_EVENTS], on_event, &c))
		ring_buffer__free(rb), rb = NULL;
	if (!rb) {
		err = -errno;
		log_err("failed to open the ring buffer: %s", strerror(-err));
		goto cleanup;
	}
	for (int r = 0; r < DCEA_R_MAX; r++) {
		if ((only && !(only & (1U << r))) || r == DCEA_R_CUSTOM)
			continue;
		eff[r] = run_one(&c, r, rb, &why[r]);
		if (eff[r] == DCEA_EFF_SELFTEST_FAILED)
			log_warn("self-test of '%s' failed (%s): it only alerts",
				 rule_table[r].name, canary_why_str(why[r], buf, sizeof(buf)));
	}
	/* custom rules act through the hooks of built-in rules: policy_kind_proxy() */
	if (!only || (only & (1U << DCEA_R_CUSTOM)))
		eff[DCEA_R_CUSTOM] = DCEA_EFF_KILL;
cleanup:
	if (err)
		/* nothing was tried: not a claim about the kernel */
		for (int i = 0; i < DCEA_R_MAX; i++)
			if (!only || (only & (1U << i))) {
				eff[i] = DCEA_EFF_SELFTEST_FAILED;
				why[i] = (__u32)DCEA_ST_SETUP << 16 | (-err & 0xffff);
			}
	note_why(st, only, why);
	ring_buffer__free(rb);
	teardown(&c);
	return err;
}
