// SPDX-License-Identifier: GPL-2.0-only
/* The global functions of bpf/path.bpf.h and bpf/common.bpf.h (see there). */
#include "bpf/behave.bpf.h"

/*
 * Walk up from the dentry and write each name in front of the previous one, from the end of the
 * buffer's first half backwards: one loop, no second pass (a forward copy needs the components
 * first and doubles what the verifier must explore).
 */
__noinline int path_build(__u64 task_p, __u64 vm_p, __u64 dentry_p)
{
	struct task_struct *task = (void *)task_p;
	struct vfsmount *vm = (void *)vm_p;
	struct dentry *d = (void *)dentry_p;
	struct dentry *root_d = BPF_CORE_READ(task, fs, root.dentry);
	struct vfsmount *root_m = BPF_CORE_READ(task, fs, root.mnt);
	struct mount *m = (void *)vm - bpf_core_field_offset(struct mount, mnt);
	struct path_buf *pb = path_buf();
	__u32 off = PATH_HALF - 1;

	if (!pb)
		return -1;
	pb->s[PATH_HALF - 1] = '\0';
	pb->truncated = 1;
	for (int i = 0; i < DCEA_PATH_DEPTH; i++) {
		struct dentry *parent;
		__u32 len;

		if (d == root_d && vm == root_m) {
			pb->truncated = 0;
			break;
		}
		if (d == BPF_CORE_READ(vm, mnt_root)) {
			struct mount *pm = BPF_CORE_READ(m, mnt_parent);

			if (pm == m) { /* the top of a mount tree not under our root */
				pb->truncated = 0;
				break;
			}
			d = BPF_CORE_READ(m, mnt_mountpoint);
			m = pm;
			vm = (void *)m + bpf_core_field_offset(struct mount, mnt);
			continue;
		}
		parent = BPF_CORE_READ(d, d_parent);
		if (parent == d) {
			pb->truncated = 0;
			break;
		}
		len = BPF_CORE_READ(d, d_name.len);
		if (!len || len >= off)
			break;
		off -= len;
		barrier_var(off); /* keep the masks: the verifier needs them */
		bpf_probe_read_kernel(&pb->s[off & (PATH_HALF - 1)], len & (PATH_HALF - 1),
				      BPF_CORE_READ(d, d_name.name));
		off--;
		barrier_var(off);
		pb->s[off & (PATH_HALF - 1)] = '/';
		d = parent;
	}
	if (off == PATH_HALF - 1) { /* the root itself */
		off--;
		pb->s[off & (PATH_HALF - 1)] = '/';
	}
	pb->start = off;
	pb->len = PATH_HALF - 1 - off;
	return 0;
}

static __always_inline int path_set_len(struct path_buf *pb, long n, long max)
{
	pb->start = 0;
	pb->len = n > 0 ? n - 1 : 0;
	pb->truncated = n <= 0 || n >= max;
	if (n <= 0)
		pb->s[0] = '\0';
	return 0;
}

__noinline int path_build_user(__u64 up)
{
	struct path_buf *pb = path_buf();

	if (!pb)
		return -1;
	return path_set_len(pb, bpf_probe_read_user_str(pb->s, PATH_HALF, (void *)up), PATH_HALF);
}

static __always_inline __u64 path_lookup(__u64 hash, __u32 prefix)
{
	struct dcea_path_key k = { .hash = hash, .prefix = prefix };
	__u64 *v = bpf_map_lookup_elem(&dcea_paths, &k);

	return v ? *v : 0;
}

/* Directory prefixes at each '/', the exact path at the end: the hash of policy/compile.c. */
__noinline __u64 path_buf_bits(void)
{
	struct path_buf *pb = path_buf();
	__u64 h = DCEA_FNV_OFFSET, bits = 0;
	__u32 len, start;

	if (!pb || pb->truncated)
		return 0;
	len = pb->len;
	start = pb->start;
	for (__u32 i = 0; i < PATH_HALF; i++) {
		char ch;

		if (i >= len)
			break;
		ch = pb->s[(start + i) & (PATH_BUF - 1)];
		if (!ch)
			break;
		if (ch == '/' && i)
			bits |= path_lookup(h, 1);
		h = (h ^ (__u8)ch) * DCEA_FNV_PRIME;
	}
	return bits | path_lookup(h, 0);
}

__noinline int custom_find_g(__u32 kind, __u64 cgroup_id, __u64 exe, __u64 pbits)
{
	struct dcea_config *c = cfg();
	struct dcea_container *ct;
	__u32 ct_custom;

	if (!c || !(c->custom_kinds & (1U << (kind & 31))))
		return -1;
	ct = bpf_map_lookup_elem(&dcea_containers, &cgroup_id);
	ct_custom = ct ? ct->custom : 0;
	for (int i = 0; i < DCEA_MAX_CUSTOM; i++) {
		__u32 key = i; /* the counter stays in a register: the verifier bounds the loop */
		struct dcea_custom *cr = bpf_map_lookup_elem(&dcea_custom, &key);

		if (!cr || !(cr->flags & DCEA_CU_ENABLED) || cr->kind != kind)
			continue;
		if ((cr->sel & DCEA_SEL_PATH) && !(pbits & (1ULL << (DCEA_PM_CUSTOM_PATH + i))))
			continue;
		if ((cr->sel & DCEA_SEL_EXE) && !(exe & (1ULL << (DCEA_PM_CUSTOM_EXE + i))))
			continue;
		if ((cr->sel & DCEA_SEL_CT) && !(ct_custom & (1U << i)))
			continue;
		return i;
	}
	return -1;
}

__noinline int excepted_g(__u32 bit, __u64 cgroup_id, __u64 exe, __u32 flags)
{
	struct dcea_config *c = cfg();
	struct dcea_container *ct;
	__u32 n, ct_exc;

	n = c ? c->n_exc : 0;
	if (!n || (flags & DCEA_CT_CANARY))
		return 0;
	ct = bpf_map_lookup_elem(&dcea_containers, &cgroup_id);
	ct_exc = ct ? ct->exc : 0;
	for (int i = 0; i < DCEA_MAX_EXC; i++) {
		__u32 key = i; /* the counter stays in a register: the verifier bounds the loop */
		struct dcea_exc *x = bpf_map_lookup_elem(&dcea_exc, &key); /* unused: rules 0 */

		if (!x || !(x->rules & (1ULL << (bit & 63))))
			continue;
		if ((x->sel & DCEA_SEL_EXE) && !(exe & (1ULL << (DCEA_PM_EXC_EXE + i))))
			continue;
		if ((x->sel & DCEA_SEL_CT) && !(ct_exc & (1U << i)))
			continue;
		count(&dcea_exc_hits, key);
		return 1;
	}
	return 0;
}
