// SPDX-License-Identifier: GPL-2.0-only
/* Canary for the BPF LSM: deny opening one file, for one process, with -EPERM. The loader
 * proves the LSM is live by a real denial, because with `bpf` missing from lsm= this program
 * loads and attaches without error and is simply never called.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define EPERM 1

/* Set before load: the canary's inode, its superblock's kernel dev_t, and the probe's tgid. */
const volatile __u64 canary_ino = 0;
const volatile __u32 canary_dev = 0;
const volatile __u32 probe_tgid = 0;

/* Calls of the hook seen for the probe's process, and denials made; read by the loader. */
__u64 calls = 0;
__u64 denials = 0;

SEC("lsm/file_open")
int BPF_PROG(deny_canary_open, struct file *file, int ret)
{
	struct inode *inode;

	if (ret)
		return ret;
	/* Only the probe's own opens: anything else on the machine is never touched. */
	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != probe_tgid)
		return 0;
	__sync_fetch_and_add(&calls, 1);
	inode = BPF_CORE_READ(file, f_inode);
	if (BPF_CORE_READ(inode, i_ino) != canary_ino ||
	    BPF_CORE_READ(inode, i_sb, s_dev) != canary_dev)
		return 0;
	__sync_fetch_and_add(&denials, 1);
	return -EPERM;
}

char LICENSE[] SEC("license") = "GPL";
