// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "rules/rules.h"

#define R(i, n, sev, t, hook, best) [i] = { i, n, sev, t, hook, best, false }
/* threat behaviour: reported by default, blocked only when a policy says so */
#define B(i, n, sev, t, hook, best) [i] = { i, n, sev, t, hook, best, true }

const struct rule_info rule_table[DCEA_R_MAX] = {
	R(DCEA_R_MOUNT, "mount_sensitive", SEV_HIGH,
	  "mount of proc/sysfs/cgroup/debugfs/a device, a bind mount or a remount read-write",
	  "tp/sys_enter_mount", DCEA_EFF_KILL),
	R(DCEA_R_MOUNT_API, "mount_api", SEV_HIGH,
	  "new mount API: fsopen of a watched fs, open_tree(OPEN_TREE_CLONE), move_mount",
	  "tp/sys_enter_fsopen,open_tree,move_mount", DCEA_EFF_KILL),
	R(DCEA_R_DEVICE_CREATE, "device_create", SEV_HIGH,
	  "mknod of a block device or a char device a runtime does not provide", "cgroup/dev",
	  DCEA_EFF_DENY),
	R(DCEA_R_BLOCK_DEVICE, "block_device_access", SEV_CRITICAL,
	  "open or mount of a host block device, /dev/mem, /dev/kmem or /dev/port", "cgroup/dev",
	  DCEA_EFF_DENY),
	R(DCEA_R_CAPSET, "capset_raise", SEV_HIGH,
	  "capset raising effective or inheritable capabilities", "tp/sys_enter_capset",
	  DCEA_EFF_KILL),
	R(DCEA_R_SETUID_ROOT, "setuid_root", SEV_HIGH,
	  "setuid/setgid family to 0 from a non-root process", "tp/sys_enter_set{,re,res}{u,g}id",
	  DCEA_EFF_KILL),
	R(DCEA_R_SYSCTL_WRITE, "kernel_knob_sysctl", SEV_CRITICAL,
	  "write to a kernel knob under /proc/sys (core_pattern, modprobe, hotplug...)",
	  "cgroup/sysctl", DCEA_EFF_DENY),
	R(DCEA_R_KNOB_WRITE, "kernel_knob_file", SEV_CRITICAL,
	  "open for write of release_agent, notify_on_release, devices.allow, binfmt_misc, "
	  "uevent_helper, sysrq-trigger",
	  "tp/sys_exit_open{,at,at2}", DCEA_EFF_KILL),
	R(DCEA_R_SETNS, "setns_foreign", SEV_CRITICAL,
	  "setns into a namespace that is not the container's own", "tp/sys_exit_setns",
	  DCEA_EFF_KILL),
	R(DCEA_R_UNSHARE, "unshare_ns", SEV_MEDIUM,
	  "unshare/clone/clone3 creating new namespaces inside a container",
	  "tp/sys_enter_unshare,clone,clone3", DCEA_EFF_KILL),
	R(DCEA_R_PTRACE, "ptrace_host", SEV_CRITICAL,
	  "ptrace attach or process_vm_writev of a process outside the container",
	  "tp/sys_enter_ptrace,process_vm_writev", DCEA_EFF_KILL),
	R(DCEA_R_PROC_HOST, "proc_host_access", SEV_CRITICAL,
	  "open of a host task's namespace file or memory, or of a file on a host mount",
	  "tp/sys_exit_open{,at,at2,_by_handle_at}", DCEA_EFF_KILL),
	R(DCEA_R_BPF_LOAD, "bpf_load", SEV_HIGH,
	  "bpf() from a container: program loads and any access to BPF objects (dcea's pins)",
	  "tp/sys_enter_bpf", DCEA_EFF_KILL),
	R(DCEA_R_MODULE_LOAD, "module_load", SEV_CRITICAL,
	  "init_module/finit_module from a container", "tp/sys_enter_{,f}init_module",
	  DCEA_EFF_KILL),
	R(DCEA_R_OPEN_BY_HANDLE, "open_by_handle", SEV_CRITICAL,
	  "open_by_handle_at from a container (the 'shocker' escape)",
	  "tp/sys_enter_open_by_handle_at", DCEA_EFF_KILL),
	R(DCEA_R_KEXEC, "kexec_load", SEV_CRITICAL, "kexec_load/kexec_file_load from a container",
	  "tp/sys_enter_kexec{,_file}_load", DCEA_EFF_KILL),
	R(DCEA_R_RUNTIME_SOCKET, "runtime_socket", SEV_CRITICAL,
	  "connect to a container-runtime socket (docker.sock, containerd.sock, crio.sock)",
	  "cgroup/connect_unix (6.7+), tp/sys_exit_connect, io_uring", DCEA_EFF_DENY),
	R(DCEA_R_NS_ESCAPE, "ns_escape", SEV_CRITICAL,
	  "container task in a host namespace it did not start in, above its container's "
	  "capability "
	  "bounding set, or with its root or cwd outside its mount namespace",
	  "tp/sched_process_exec, tp/sys_exit_setns, iter/task sweep (500 ms)", DCEA_EFF_KILL),
	R(DCEA_R_TAMPER, "dcea_tamper", SEV_CRITICAL,
	  "a signal from a container to the dcea loader, or one of dcea's files opened for "
	  "writing",
	  "tp/sys_enter_kill,tgkill, tp/sys_exit_openat", DCEA_EFF_KILL),
	B(DCEA_R_SHELL, "shell_in_container", SEV_MEDIUM,
	  "a shell in a container with a terminal, or started by a process that is not a shell",
	  "tp/sched_process_exec", DCEA_EFF_KILL),
	B(DCEA_R_CRED_FILE, "cred_file_access", SEV_HIGH,
	  "open of /etc/shadow or another credential file (lists.cred_files) in a container",
	  "tp/sys_exit_open{,at,at2}", DCEA_EFF_KILL),
	B(DCEA_R_DEV_FILE, "dev_file_create", SEV_MEDIUM,
	  "creation of a file that is not a device node under /dev (not /dev/shm, /dev/mqueue)",
	  "tp/sys_exit_open{,at,at2}, tp/sys_enter_mknod{,at}", DCEA_EFF_KILL),
	B(DCEA_R_PRIV_EXEC, "privilege_gain_exec", SEV_HIGH,
	  "exec by a non-root process that gains root or capabilities (setuid-root or file "
	  "capabilities)",
	  "tp/sched_process_exec", DCEA_EFF_KILL),
	B(DCEA_R_PRIV_LAUNCH, "privileged_launch", SEV_HIGH,
	  "a container started privileged (every capability only privileged mode grants)",
	  "tp/sched_process_exec", DCEA_EFF_KILL),
	B(DCEA_R_DRIFT, "drift_exec", SEV_HIGH,
	  "exec of a file created or changed after the container started", "tp/sched_process_exec",
	  DCEA_EFF_KILL),
	B(DCEA_R_CUSTOM, "custom", SEV_MEDIUM,
	  "the policy's custom rules (each named by its id in alerts)",
	  "the hook of each rule's kind", DCEA_EFF_KILL),
};

const struct rule_info *rule_by_name(const char *name)
{
	for (int i = 0; i < DCEA_R_MAX; i++)
		if (!strcmp(rule_table[i].name, name))
			return &rule_table[i];
	return NULL;
}

const char *effect_name(enum dcea_effect e)
{
	static const char *const n[] = { "unavailable", "detect", "kill", "deny",
					 "selftest-failed" };

	return (unsigned)e < ARRAY_SIZE(n) ? n[e] : "unknown";
}

const char *action_name(enum dcea_action a)
{
	static const char *const n[] = { "alert", "deny", "kill" };

	return (unsigned)a < ARRAY_SIZE(n) ? n[a] : "unknown";
}

const char *mode_name(enum dcea_mode m)
{
	return m == DCEA_MODE_BLOCK ? "block" : "audit";
}

const char *ns_name(enum dcea_ns n)
{
	static const char *const names[] = { "mnt", "pid",  "net",    "uts",
					     "ipc", "user", "cgroup", "time" };

	return (unsigned)n < ARRAY_SIZE(names) ? names[n] : "?";
}

int rules_print_markdown(FILE *f)
{
	fputs("<!-- SPDX-License-Identifier: GPL-2.0-only -->\n"
	      "<!-- GENERATED by `make rules-doc` from rules/rules.c: edit the catalogue, not this "
	      "page -->\n"
	      "# The rule catalogue\n\n"
	      "Every runtime rule, as `rules/rules.c` defines it for the loader, the policy and "
	      "this "
	      "page.\n"
	      "*default*: the built-in policy's action (`alert` rules are reported and blocked "
	      "only "
	      "when a\n"
	      "policy says so). *fallback*: the most the fallback backend (tracepoints, cgroup "
	      "programs) can\n"
	      "do; `dcea status` shows what the self-test proved on the running kernel.\n\n"
	      "| rule | severity | default | fallback | fallback hook | what |\n"
	      "|---|---|---|---|---|---|\n",
	      f);
	for (int i = 0; i < DCEA_R_MAX; i++) {
		const struct rule_info *r = &rule_table[i];

		fprintf(f, "| `%s` | %s | %s | %s | `%s` | %s |\n", r->name,
			severity_name(r->severity), r->alert_default ? "alert" : "block",
			effect_name(r->fallback_best), r->fallback_hook, r->title);
	}
	return ferror(f) ? -EIO : 0;
}
