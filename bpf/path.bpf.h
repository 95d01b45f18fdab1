/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Full paths, as the task sees them, rebuilt from a struct path (bpf_d_path is not allowed in
 * tracepoints), and their match against the policy's path patterns. A path is walked up to
 * DCEA_PATH_DEPTH components, crossing mounts up to the task's root; a deeper or longer path is
 * marked truncated ('...' first) and matches no pattern. Patterns are exact paths and directory
 * prefixes ("/etc/ssh/<anything>"), looked up by the FNV-1a hash of the path so far at every '/'
 * and of the whole path at the end: one hash lookup per component, whatever the number of patterns.
 */
#ifndef DCEA_PATH_BPF_H
#define DCEA_PATH_BPF_H

#include "bpf/common.bpf.h"

#define PATH_BUF  512 /* twice the longest path kept, so every masked access stays inside */
#define PATH_HALF (PATH_BUF / 2)

struct path_buf {
	char s[PATH_BUF];
	__u32 start; /* the path is s[start] to s[start + len], NUL-terminated, start < PATH_HALF */
	__u32 len;
	__u32 truncated;
	__u32 pad;
};

__dcea_map struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_buf);
} dcea_pathbuf SEC(".maps");

static __always_inline struct path_buf *path_buf(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&dcea_pathbuf, &zero);
}

/*
 * Global functions (bpf/path.bpf.c): the verifier checks each once on its own instead of at every
 * call site, which keeps the hooks that call them far below its complexity limit. Pointers are
 * passed as integers (a global function takes only scalars); results are in the per-CPU buffer.
 */

/* Rebuild the path of (vfsmount, dentry) as `task` sees it; 0, or -1 without a buffer. */
extern int path_build(__u64 task, __u64 vfsmount, __u64 dentry);
/* A user-space string (a mount target, a mknod path), as given; 0 or -1. */
extern int path_build_user(__u64 uptr);
/* DCEA_PM_* bits of every pattern the buffer's path matches; 0 when truncated. */
extern __u64 path_buf_bits(void);

static __always_inline struct path_buf *path_of_file(struct task_struct *task, struct file *f)
{
	if (path_build((__u64)task, (__u64)BPF_CORE_READ(f, f_path.mnt),
		       (__u64)BPF_CORE_READ(f, f_path.dentry)))
		return NULL;
	return path_buf();
}

static __always_inline struct path_buf *path_of_user(const char *up)
{
	return path_build_user((__u64)up) ? NULL : path_buf();
}

/* The path in the buffer (a kernel pointer that stays inside it). */
static __always_inline const char *path_str(struct path_buf *pb)
{
	return &pb->s[pb->start & (PATH_HALF - 1)];
}

/* The same for a path the kernel rebuilt; a truncated one matches nothing. */
static __always_inline __u64 path_buf_match(struct path_buf *pb)
{
	return pb ? path_buf_bits() : 0;
}

#endif
