// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "common/util.h"
#include "loader/lsm.h"

const struct lsm_prog lsm_progs[] = {
	{ "deny_mount", "sb_mount", 5, DCEA_R_MOUNT, DCEA_R_MAX },
	{ "deny_move_mount", "move_mount", 2, DCEA_R_MOUNT_API, DCEA_R_MAX },
	{ "deny_file_open", "file_open", 1, DCEA_R_KNOB_WRITE, DCEA_R_PROC_HOST },
	{ "deny_capset", "capset", 5, DCEA_R_CAPSET, DCEA_R_MAX },
	{ "deny_setuid_root", "task_fix_setuid", 3, DCEA_R_SETUID_ROOT, DCEA_R_MAX },
	{ "deny_setgid_root", "task_fix_setgid", 3, DCEA_R_SETUID_ROOT, DCEA_R_MAX },
	{ "deny_ptrace_host", "ptrace_access_check", 2, DCEA_R_PTRACE, DCEA_R_MAX },
	{ "deny_madvise_perfmon", "capable", 4, DCEA_R_PTRACE, DCEA_R_MAX },
	{ "deny_bpf_load3", "bpf", 3, DCEA_R_BPF_LOAD, DCEA_R_MAX },
	{ "deny_bpf_load4", "bpf", 4, DCEA_R_BPF_LOAD, DCEA_R_MAX },
	{ "deny_kernel_load_data", "kernel_load_data", 2, DCEA_R_MODULE_LOAD, DCEA_R_KEXEC },
	{ "deny_kernel_read_file", "kernel_read_file", 3, DCEA_R_MODULE_LOAD, DCEA_R_KEXEC },
	{ "deny_runtime_socket", "unix_stream_connect", 3, DCEA_R_RUNTIME_SOCKET, DCEA_R_MAX },
	{ "deny_signal_loader", "task_kill", 4, DCEA_R_TAMPER, DCEA_R_MAX },
	{ "deny_unlink_guarded", "inode_unlink", 2, DCEA_R_TAMPER, DCEA_R_MAX },
	{ "deny_rmdir_guarded", "inode_rmdir", 2, DCEA_R_TAMPER, DCEA_R_MAX },
	{ "deny_rename_guarded", "inode_rename", 4, DCEA_R_TAMPER, DCEA_R_MAX },
	{ "deny_truncate_guarded", "path_truncate", 1, DCEA_R_TAMPER, DCEA_R_MAX },
	{ "deny_umount_guarded", "sb_umount", 2, DCEA_R_TAMPER, DCEA_R_MAX },
	{ "deny_mkdir_foreign", "path_mkdir", 3, DCEA_R_PROC_HOST, DCEA_R_MAX },
	{ "deny_symlink_foreign", "path_symlink", 3, DCEA_R_PROC_HOST, DCEA_R_MAX },
	{ "deny_link_foreign", "path_link", 3, DCEA_R_PROC_HOST, DCEA_R_MAX },
	{ "deny_unlink_foreign", "path_unlink", 2, DCEA_R_PROC_HOST, DCEA_R_MAX },
	{ "deny_rmdir_foreign", "path_rmdir", 2, DCEA_R_PROC_HOST, DCEA_R_MAX },
	{ "deny_chmod_foreign", "path_chmod", 2, DCEA_R_PROC_HOST, DCEA_R_MAX },
	{ "deny_mknod_foreign", "path_mknod", 4, DCEA_R_PROC_HOST, DCEA_R_MAX },
	{ "deny_rename_foreign4", "path_rename", 4, DCEA_R_PROC_HOST, DCEA_R_MAX },
	{ "deny_rename_foreign5", "path_rename", 5, DCEA_R_PROC_HOST, DCEA_R_MAX },
};
const int n_lsm_progs = ARRAY_SIZE(lsm_progs);

const char *lsm_unusable_reason(void)
{
	static char reason[160];
	char list[512];

	if (read_line("/sys/kernel/security/lsm", list, sizeof(list)))
		return "/sys/kernel/security/lsm is not readable (securityfs not mounted?)";
	/* "lockdown,capability,landlock,yama,apparmor,bpf" */
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ","))
		if (!strcmp(tok, "bpf"))
			goto listed;
	return "'bpf' is not in the active LSM list (boot with lsm=...,bpf)";
listed:
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_LSM, NULL) != 1) {
		snprintf(reason, sizeof(reason), "the kernel refuses BPF LSM programs");
		return reason;
	}
	return NULL;
}

int lsm_hook_nargs(const char *hook)
{
	static struct btf *vmlinux;
	const struct btf_type *t;
	char name[96];
	int id;

	if (!vmlinux) {
		vmlinux = btf__load_vmlinux_btf();
		if (!vmlinux)
			return -errno;
	}
	snprintf(name, sizeof(name), "bpf_lsm_%s", hook);
	id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC);
	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(vmlinux, btf__type_by_id(vmlinux, id)->type);
	return t ? btf_vlen(t) : -ENOENT;
}

const char *lsm_hook_of(enum dcea_rule r, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < n_lsm_progs && n < size; i++) {
		if (lsm_progs[i].rule != r && lsm_progs[i].rule2 != r)
			continue;
		if (n && strstr(buf, lsm_progs[i].hook))
			continue;
		n += snprintf(buf + n, size - n, "%slsm/%s", n ? "," : "", lsm_progs[i].hook);
	}
	return buf;
}
