// SPDX-License-Identifier: GPL-2.0-only
/* Routes to the rules' kernel objects and their effect here: see routes.h and docs/ROUTES.md. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "loader/routes.h"
#include "rules/rules.h"

/*
 * fallback: what the fallback backend does when `prog` is attached (kill: the task dies before it
 * uses what it reached; kill-after: the kernel had finished the operation, a gap). With the LSM
 * backend owning the rule, the LSM hook denies every route (kernel matrix).
 */
struct route_info {
	const char *id;
	enum dcea_rule rule;
	const char *route;
	const char *prog; /* the fallback program that sees it (or its _sqe twin, before 6.3) */
	const char *fallback;
	const char *deny_prog; /* a fallback program that denies it where the kernel has its hook */
	const char *deny_prog2;
	const char *lsm_prog; /* the LSM program that denies it, when not file_open's judgement */
	bool both;	      /* no LSM hook sees it: `prog` judges it on the LSM backend too */
};

static const struct route_info routes[] = {
	{ "uring-open-knob", DCEA_R_KNOB_WRITE, "io_uring open of a knob file",
	  "watch_uring_submit", "kill" },
	{ "uring-open-linked-knob", DCEA_R_KNOB_WRITE,
	  "io_uring open into a fixed slot with a linked write", "watch_uring_submit", "kill" },
	{ "uring-open-knob-symlink", DCEA_R_KNOB_WRITE,
	  "io_uring open of a knob file by a name that does not say it (a symlink)",
	  "watch_uring_complete", "kill-race" },
	{ "uring-open-skip-symlink", DCEA_R_KNOB_WRITE,
	  "io_uring open that posts no completion (IOSQE_CQE_SKIP_SUCCESS): fails closed",
	  "watch_uring_submit", "kill-race" },
	{ "reopen-knob", DCEA_R_KNOB_WRITE, "reopen through /proc/self/fd", "watch_openat",
	  "kill" },
	{ "uring-open-root", DCEA_R_PROC_HOST, "io_uring open through /proc/<pid>/root",
	  "watch_uring_submit", "kill" },
	{ "uring-open-mem", DCEA_R_PROC_HOST, "io_uring open of /proc/<pid>/mem",
	  "watch_uring_submit", "kill" },
	{ "uring-connect-sock", DCEA_R_RUNTIME_SOCKET, "io_uring connect to a runtime socket",
	  "watch_uring_complete", "kill", "deny_runtime_connect" },
	{ "uring-open-sysctl", DCEA_R_SYSCTL_WRITE, "io_uring write to a /proc/sys knob",
	  "deny_sysctl_write", "deny", "deny_sysctl_write", "deny_sysctl_write_legacy" },
	{ "uring-path-root", DCEA_R_PROC_HOST,
	  "io_uring mkdir/symlink/link/rename/unlink/setxattr/bind through /proc/<pid>/root",
	  "watch_uring_submit", "kill-race" },
	{ "proc-cwd", DCEA_R_PROC_HOST, "open (or io_uring open) through /proc/<pid>/cwd",
	  "watch_openat", "kill" },
	{ "path-root", DCEA_R_PROC_HOST,
	  "mkdir/symlink/link/rename/unlink/setxattr/chmod/mknod/bind(2) through /proc/<pid>/root or cwd",
	  "walk_mkdir", "kill-after" },
	{ "pidfd-getfd", DCEA_R_PTRACE, "pidfd_getfd of a host process's fd", "watch_pidfd_getfd",
	  "kill" },
	{ "vm-readv", DCEA_R_PTRACE, "process_vm_readv of a host process", "watch_process_vm_readv",
	  "kill" },
	{ "process-madvise", DCEA_R_PTRACE, "process_madvise of a host process",
	  "watch_process_madvise", "kill-after" },
	{ "mount-unfaulted", DCEA_R_MOUNT, "mount(2) with arguments on unfaulted pages",
	  "watch_mount", "kill-after" },
	{ "pidfd-setns", DCEA_R_SETNS, "setns by a pidfd of a host process", "watch_setns",
	  "kill" },
	{ "fsopen-unfaulted", DCEA_R_MOUNT_API, "fsopen(2) with its name on an unfaulted page",
	  "watch_fsopen", "kill" },
	{ "clone3-unfaulted", DCEA_R_UNSHARE, "clone3(2) with clone_args on an unfaulted page",
	  "watch_clone3", "kill" },
	{ "capset-unfaulted", DCEA_R_CAPSET, "capset(2) with its data on an unfaulted page",
	  "watch_capset", "kill" },
	{ "leaked-fd-receipt", DCEA_R_PROC_HOST,
	  "a host directory fd received over a unix socket (recvmsg, recvmmsg, io_uring RECVMSG): every directory the task holds is judged on receipt (before 6.2, and for io_uring: descriptors 0 to 1023)",
	  "watch_recvmsg", "kill" },
	{ "leaked-fd-inherited", DCEA_R_PROC_HOST,
	  "a host directory fd held across an exec into the container (a runtime's or an agent's leak, CVE-2024-21626): judged on the exec's return",
	  "watch_execve_fds", "kill" },
	{ "leaked-fd-uring-install", DCEA_R_PROC_HOST,
	  "a host directory taken out of the fixed-file table of an io_uring ring held across an exec (IORING_OP_FIXED_FD_INSTALL, 6.8+): judged on its completion",
	  "watch_uring_complete", "kill" },
	{ "leaked-fd-open", DCEA_R_PROC_HOST,
	  "open (fchdir, io_uring open) relative to a host directory fd leaked into the container and not judged on its receipt (held before dcea loaded; above 1023 before 6.2)",
	  "watch_openat", "kill" },
	{ "leaked-fd-path", DCEA_R_PROC_HOST,
	  "mkdir/symlink/link/rename/unlink/chmod/mknod/bind(2) relative to a leaked host directory fd not judged on its receipt (or through its /proc/self/fd/N)",
	  "walk_mkdir", "kill-after", .lsm_prog = "deny_mkdir_foreign" },
	{ "leaked-fd-attr", DCEA_R_PROC_HOST,
	  "setxattr/chown(2) in a leaked host directory (relative, or through /proc/self/fd/N)",
	  "walk_setxattr", "kill-after", .both = true },
	{ "leaked-fd-uring-path", DCEA_R_PROC_HOST,
	  "io_uring mkdir/bind relative to a leaked host directory fd", "watch_uring_submit",
	  "kill-race", .lsm_prog = "deny_mkdir_foreign" },
};

/*
 * Attached: its link is pinned, or (before 5.15, where a tracepoint cannot be pinned) the running
 * loader holds it and said so in DCEA_HELD_LINKS.
 */
static bool link_there(const struct dcea_config *c, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/links/%s", DCEA_PIN_DIR, name);
	if (access(path, F_OK) == 0)
		return true;
	return c->loader_tgid && process_running(c->loader_tgid, "dcea") && state_link_held(name);
}

static bool prog_attached(const struct dcea_config *c, const char *prog)
{
	char twin[64];

	if (link_there(c, prog))
		return true;
	/* watch_uring_submit's twin on io_uring_submit_sqe, the tracepoint's name before 6.3 */
	snprintf(twin, sizeof(twin), "%s_sqe", prog);
	return !strcmp(prog, "watch_uring_submit") && link_there(c, twin);
}

/* The effect of route r here, and whether it is a gap. */
static const char *route_effect(const struct route_info *r, const struct dcea_config *c,
				const struct dcea_rule_cfg *cfg, bool *gap)
{
	const struct dcea_rule_cfg *rc = &cfg[r->rule];

	*gap = false;
	if (!rc->enabled)
		return "off";
	if (c->backend == DCEA_BACKEND_LSM && rc->lsm && !r->both) {
		/* a hook this kernel lacks (path_mkdir needs CONFIG_SECURITY_PATH): not watched */
		*gap = r->lsm_prog && !prog_attached(c, r->lsm_prog);
		return *gap ? "gap" : "deny";
	}
	if ((r->deny_prog && prog_attached(c, r->deny_prog)) ||
	    (r->deny_prog2 && prog_attached(c, r->deny_prog2)))
		return "deny";
	if (!prog_attached(c, r->prog)) {
		*gap = true;
		return "gap";
	}
	*gap = strcmp(r->fallback, "kill") && strcmp(r->fallback, "deny"); /* kill-race, -after */
	return r->fallback;
}

json_object *routes_status_json(const struct dcea_config *c, const struct dcea_rule_cfg *cfg)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
		json_object *o = json_object_new_object();
		bool gap;
		const char *eff = route_effect(&routes[i], c, cfg, &gap);

		json_object_object_add(o, "id", json_object_new_string(routes[i].id));
		json_object_object_add(o, "rule",
				       json_object_new_string(rule_table[routes[i].rule].name));
		json_object_object_add(o, "route", json_object_new_string(routes[i].route));
		json_object_object_add(o, "effect", json_object_new_string(eff));
		json_object_object_add(o, "gap", json_object_new_boolean(gap));
		json_object_array_add(a, o);
	}
	return a;
}

void routes_status_print(FILE *f, const struct dcea_config *c, const struct dcea_rule_cfg *cfg)
{
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
		bool gap;
		const char *eff = route_effect(&routes[i], c, cfg, &gap);

		if (!gap)
			continue;
		if (!n++)
			fprintf(f, "\nroute gaps on this kernel (docs/ROUTES.md):\n");
		fprintf(f, "  %-18s %-16s %s: %s\n", rule_table[routes[i].rule].name, routes[i].id,
			routes[i].route,
			!strcmp(eff, "gap") ? "not watched here"
			: !strcmp(eff, "kill-race")
				? "killed, the operation may be done first"
				: "killed, but the kernel finished the operation");
	}
	if (n)
		fprintf(f,
			"  (a custom rule of kind io_uring refuses io_uring in the containers it "
			"names; refuse --pid=host with SYS_PTRACE at admission)\n");
}
