// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "common/log.h"
#include "common/util.h"
#include "loader/canary.h"
#include "loader/cgroup.h"
#include "loader/nsinfo.h"
#include "loader/rules.h"
#include "loader/state.h"
#include "policy/compile.h"

#define CANARY_KNOB  "dcea-canary-knob"
#define CANARY_SHELL "dcea-canary-sh"	/* listed as a shell for the test: comm after exec */
#define CANARY_CRED  "dcea-canary-cred" /* listed as a credential file name for the test */
#define CANARY_TMP   "/tmp"		/* mounted over in the child's own mount namespace only */

struct canary {
	struct state *st;
	char dir[64];	  /* private temp dir: mount point, device nodes, socket */
	char cgpath[300]; /* the canary cgroup */
	__u64 cgid;
	pid_t helper; /* a process in its own UTS namespace: a "host" task to reach */
	int helper_pipe;
	canary_passthrough_fn fn;
	void *fn_ctx;
	int seen[DCEA_R_MAX]; /* 1 + action of the canary's event per rule */
	char core_pattern[256];
	char self_exe[256];
	struct {
		__u32 magic;
		char name[28];
	} knob_key;
	char shell_key[DCEA_COMM_LEN];
	struct dcea_path_key cred_key; /* <dir>/cred, listed as a credential file for the test */
	__u32 saved_needs;	       /* dcea_config.path_needs before the test */
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

/* Copy what `in` reads (closed here, whatever happens) into a new file `to`. */
static int copy_fd(int in, const char *to, mode_t mode)
{
	char buf[65536];
	int out = -1, ret = -1;
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
	if (out < 0)
		goto cleanup;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			goto cleanup;
	ret = n < 0 ? -1 : fchmod(out, mode);
cleanup:
	if (out >= 0)
		close(out);
	close(in);
	return ret;
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
	case DCEA_R_DRIFT:
		/* a fresh copy of ourselves in a tmpfs over /tmp of the child's private mount
		 * namespace (a path every uid can reach, whatever the mode of our own directory):
		 * changed after the "container" started (drift), or setuid-root for an
		 * unprivileged exec (privilege gain) */
		/* opened first: the tmpfs hides our own binary when dcea lives under /tmp */
		*fd = open(c->self_exe, O_RDONLY | O_CLOEXEC);
		if (*fd < 0 || mount("tmpfs", CANARY_TMP, "tmpfs", 0, "mode=0755"))
			return -1;
		if (copy_fd(*fd, CANARY_TMP "/x", r == DCEA_R_PRIV_EXEC ? 04755 : 0755)) {
			*fd = -1;
			return -1;
		}
		*fd = -1;
		return r == DCEA_R_PRIV_EXEC ? setresuid(65534, 65534, 65534) : 0;
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
	char path[160];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	union bpf_attr attr;
	int ret = -1, s;

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
		 * kept (the way /proc/<pid>/root and leaked fds reach host files); the ns files
		 * under /proc/<pid> of a host task would be stopped first by ptrace_host's
		 * ptrace_access_check */
		ret = openat(fd, "mnt", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		break;
	case DCEA_R_BPF_LOAD:
		memset(&attr, 0, sizeof(attr));
		ret = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
		break;
	case DCEA_R_MODULE_LOAD:
		/* a real file, so the LSM hook (kernel_read_file) is reached; not a module, so a
		 * kernel that let it through refuses it as ENOEXEC */
		s = open(c->self_exe, O_RDONLY | O_CLOEXEC);
		ret = syscall(SYS_finit_module, s, "", 0);
		break;
	case DCEA_R_OPEN_BY_HANDLE:
		ret = syscall(SYS_open_by_handle_at, -1, NULL, 0);
		break;
	case DCEA_R_KEXEC:
		/* likewise: our own binary is no kernel image (KEXEC_FILE_NO_INITRAMFS = 4) */
		s = open(c->self_exe, O_RDONLY | O_CLOEXEC);
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
		execl(c->self_exe, "dcea", "--version", (char *)NULL);
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
		dup2(open("/dev/null", O_WRONLY | O_CLOEXEC), STDOUT_FILENO);
		execl(CANARY_TMP "/x", "dcea", "--version", (char *)NULL);
		break;
	case DCEA_R_PRIV_LAUNCH:
		dup2(open("/dev/null", O_WRONLY | O_CLOEXEC), STDOUT_FILENO);
		execl(c->self_exe, "dcea", "--version", (char *)NULL);
		break;
	default:
		errno = ENOSYS;
		break;
	}
	return ret >= 0 ? 0 : errno;
}

static void child_main(struct canary *c, enum dcea_rule r, int ready, int go)
{
	char pid[16], path[400];
	int fd = -1, cg, err;
	char b;

	alarm(5);
	if (r == DCEA_R_NS_ESCAPE || r == DCEA_R_PROC_HOST)
		fd = open(c->dir, O_PATH | O_DIRECTORY | O_CLOEXEC); /* still the host's mount */
	if (unshare(CLONE_NEWNS | CLONE_NEWUTS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		_exit(120);
	snprintf(path, sizeof(path), "%s/cgroup.procs", c->cgpath);
	cg = open(path, O_WRONLY | O_CLOEXEC);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (cg < 0 || write(cg, pid, strlen(pid)) < 0)
		_exit(121);
	close(cg);
	if (child_prepare(c, r, &fd))
		_exit(122);
	if (write(ready, "r", 1) != 1 || read(go, &b, 1) != 1)
		_exit(123);
	err = child_attempt(c, r, fd);
	_exit(err > 100 ? 100 : err);
}

static enum dcea_effect run_one(struct canary *c, enum dcea_rule r, struct ring_buffer *rb)
{
	struct dcea_container ct = { .flags = DCEA_CT_CANARY };
	struct dcea_task t = { .cgroup_id = c->cgid, .flags = DCEA_CT_CANARY };
	int ready[2], go[2], status = 0;
	bool killed, denied;
	pid_t pid;
	__u32 key;
	char b;

	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
		return DCEA_EFF_UNAVAILABLE;
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		child_main(c, r, ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	if (pid < 0 || read(ready[0], &b, 1) != 1)
		goto reap;
	if (r == DCEA_R_PRIV_LAUNCH) {
		/* the kernel registers this one at its exec, as any container */
		bpf_map_delete_elem(c->st->fd[M_CONTAINERS], &c->cgid);
	} else {
		/* the child's own namespaces are its container's baseline */
		if (ns_of_pid(pid, ct.ns))
			goto reap;
		ct.init_tgid = pid;
		ct.start_ns =
			r == DCEA_R_DRIFT ? 1 : 0; /* "started" at boot: every file is newer */
		bpf_map_update_elem(c->st->fd[M_CONTAINERS], &c->cgid, &ct, BPF_ANY);
		key = pid;
		bpf_map_update_elem(c->st->fd[M_TASKS], &key, &t, BPF_ANY);
	}
	if (write(go[1], "g", 1) != 1)
		kill(pid, SIGKILL);
reap:
	close(ready[0]);
	close(go[1]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	key = pid;
	bpf_map_delete_elem(c->st->fd[M_TASKS], &key);
	ring_buffer__consume(rb);

	killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	denied = WIFEXITED(status) && WEXITSTATUS(status) == EPERM;
	log_debug("canary '%s': %s (status 0x%x), event %s", rule_table[r].name,
		  killed	      ? "killed"
		  : denied	      ? "EPERM"
		  : WIFEXITED(status) ? "exited"
				      : "signalled",
		  status, c->seen[r] ? action_name(c->seen[r] - 1) : "none");
	if (killed && c->seen[r] == 1 + DCEA_ACT_KILL)
		return DCEA_EFF_KILL;
	if (denied && c->seen[r] == 1 + DCEA_ACT_DENY)
		return DCEA_EFF_DENY;
	return c->seen[r] ? DCEA_EFF_DETECT : DCEA_EFF_UNAVAILABLE;
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

static int setup(struct canary *c)
{
	char root[256], path[160];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct statfs sfs;
	ssize_t n;
	int s, err;

	/* under /run/dcea: the one place under /run the systemd unit (ProtectSystem=strict) lets
	 * dcea write */
	mkdir(DCEA_RUN_DIR, 0755);
	snprintf(c->dir, sizeof(c->dir), "%s/canary.XXXXXX", DCEA_RUN_DIR);
	if (!mkdtemp(c->dir))
		return -errno;
	snprintf(path, sizeof(path), "%s/mnt", c->dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/blk", c->dir);
	if (mknod(path, S_IFBLK | 0600, makedev(7, 0)))
		log_debug("failed to create canary block device '%s': %s", path, strerror(errno));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/docker.sock", c->dir);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 32))
		log_debug("failed to create canary socket: %s", strerror(errno));
	/* the socket fd stays open until exit: close-on-exec, a few bytes */
	err = cgroup_v2_mount(root, sizeof(root));
	if (err)
		return err;
	snprintf(c->cgpath, sizeof(c->cgpath), "%s/dcea-canary-%d", root, getpid());
	if (mkdir(c->cgpath, 0755) && errno != EEXIST)
		return -errno;
	err = cgroup_id_of(c->cgpath + strlen(root), &c->cgid);
	if (err)
		return err;
	if (read_line("/proc/sys/kernel/core_pattern", c->core_pattern, sizeof(c->core_pattern)))
		c->core_pattern[0] = '\0';
	if (statfs(c->dir, &sfs) == 0) {
		__u32 rule = DCEA_R_KNOB_WRITE;

		c->knob_key.magic = sfs.f_type;
		strcpy(c->knob_key.name, CANARY_KNOB);
		bpf_map_update_elem(c->st->fd[M_KNOBFILES], &c->knob_key, &rule, BPF_ANY);
	}
	n = readlink("/proc/self/exe", c->self_exe, sizeof(c->self_exe) - 1);
	c->self_exe[n > 0 ? n : 0] = '\0';
	/* a shell name and a credential file of our own, listed for the test */
	snprintf(path, sizeof(path), "%s/" CANARY_SHELL, c->dir);
	if (symlink(c->self_exe, path) == 0) {
		__u32 rule = DCEA_R_SHELL;

		strcpy(c->shell_key, CANARY_SHELL);
		bpf_map_update_elem(c->st->fd[M_SHELLS], c->shell_key, &rule, BPF_ANY);
	}
	snprintf(path, sizeof(path), "%s/" CANARY_CRED, c->dir);
	s = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (s >= 0) {
		struct dcea_config cf;
		__u64 bits = DCEA_PM_CRED;

		close(s);
		__u32 rule = DCEA_R_CRED_FILE;
		char leaf[POLICY_LEAF_LEN] = CANARY_CRED;

		c->cred_key = policy_path_key(path);
		bpf_map_update_elem(c->st->fd[M_PATHS], &c->cred_key, &bits, BPF_ANY);
		bpf_map_update_elem(c->st->fd[M_LEAVES], leaf, &rule, BPF_ANY);
		if (!state_get_config(c->st, &cf)) {
			c->saved_needs = cf.path_needs;
			cf.path_needs |= DCEA_NEED_OPEN;
			cf.canary_cgid = c->cgid;
			state_set_config(c->st, &cf);
		}
	}
	c->helper = start_helper(&c->helper_pipe);
	return c->helper < 0 ? -errno : 0;
}

static void teardown(struct canary *c)
{
	char path[160];

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
	if (c->dir[0]) {
		snprintf(path, sizeof(path), "%s/mnt", c->dir);
		rmdir(path);
		snprintf(path, sizeof(path), "%s/blk", c->dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/mem", c->dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/docker.sock", c->dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/" CANARY_KNOB, c->dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/" CANARY_SHELL, c->dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/" CANARY_CRED, c->dir);
		unlink(path);
		rmdir(c->dir);
	}
}

int canary_run(struct state *st, canary_passthrough_fn fn, void *ctx, __u32 only,
	       enum dcea_effect eff[DCEA_R_MAX])
{
	struct canary c = { .st = st, .fn = fn, .fn_ctx = ctx, .helper = -1 };
	struct ring_buffer *rb = NULL;
	int err;

	for (int i = 0; i < DCEA_R_MAX; i++)
		if (!only || (only & (1U << i)))
			eff[i] = DCEA_EFF_UNAVAILABLE;
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
	for (int r = 0; r < DCEA_R_MAX; r++)
		if ((!only || (only & (1U << r))) && r != DCEA_R_CUSTOM)
			eff[r] = run_one(&c, r, rb);
	/* custom rules act through the hooks of built-in rules: policy_kind_proxy() */
	if (!only || (only & (1U << DCEA_R_CUSTOM)))
		eff[DCEA_R_CUSTOM] = DCEA_EFF_KILL;
cleanup:
	ring_buffer__free(rb);
	teardown(&c);
	return err;
}
