// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <bpf/bpf.h>

#include "common/log.h"
#include "common/util.h"
#include "loader/containers.h"
#include "loader/enforcer.h"
#include "loader/nsinfo.h"
#include "rules/rules.h"
#include "loader/state.h"
#include "policy/compile.h"

/*
 * Make a hash map hold exactly the n keys given, each with its value: the new entries first, then
 * the stale ones go, so a key the old and the new policy share is never missing (a reload leaves no
 * moment without it).
 */
static int map_sync(int fd, const char *keys, size_t ksz, const char *vals, size_t vsz, size_t n)
{
	char cur[POLICY_PATH_LEN], next[POLICY_PATH_LEN];
	char *stale = NULL;
	size_t n_stale = 0, cap = 0;
	int err = 0;

	if (ksz > sizeof(cur))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (bpf_map_update_elem(fd, keys + i * ksz, vals + i * vsz, BPF_ANY))
			return -errno;
	for (void *prev = NULL; !bpf_map_get_next_key(fd, prev, next); prev = cur) {
		bool keep = false;

		for (size_t i = 0; i < n && !keep; i++)
			keep = !memcmp(keys + i * ksz, next, ksz);
		if (!keep) {
			if (n_stale == cap) {
				char *m = realloc(stale, (cap = cap ? cap * 2 : 16) * ksz);

				if (!m) {
					err = -ENOMEM;
					goto cleanup;
				}
				stale = m;
			}
			memcpy(stale + n_stale++ * ksz, next, ksz);
		}
		memcpy(cur, next, ksz);
	}
	for (size_t i = 0; i < n_stale; i++)
		bpf_map_delete_elem(fd, stale + i * ksz);
cleanup:
	free(stale);
	return err;
}

/* A name list into a string-keyed map: keys of key_size (after a prefix), every value `rule`. */
static int sync_names(int fd, const char *names, size_t stride, size_t n, size_t key_size,
		      const __u32 *prefixes, __u32 rule)
{
	size_t plen = prefixes ? sizeof(__u32) : 0, ksz = plen + key_size;
	char *keys = calloc(n ? n : 1, ksz);
	__u32 *vals = calloc(n ? n : 1, sizeof(*vals));
	int err = 0;

	if (!keys || !vals) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < n && !err; i++) {
		const char *name = names + i * stride;

		if (plen)
			memcpy(keys + i * ksz, &prefixes[i], plen);
		err = policy_key(name, keys + i * ksz + plen, key_size);
		if (err)
			log_err("policy entry '%s' is longer than the kernel key (%zu bytes)", name,
				key_size - 1);
		vals[i] = rule;
	}
	if (!err)
		err = map_sync(fd, keys, ksz, (const char *)vals, sizeof(*vals), n);
cleanup:
	free(keys);
	free(vals);
	return err;
}

static int sync_knob_files(struct state *st, const struct policy *pol)
{
	__u32 magics[POLICY_MAX_LIST];
	char names[POLICY_MAX_LIST][28];

	for (size_t i = 0; i < pol->n_knob_files; i++) {
		magics[i] = pol->knob_files[i].magic;
		memcpy(names[i], pol->knob_files[i].name, sizeof(names[i]));
	}
	return sync_names(st->fd[M_KNOBFILES], names[0], sizeof(names[0]), pol->n_knob_files, 28,
			  magics, DCEA_R_KNOB_WRITE);
}

static int sync_paths(struct state *st, const struct policy *pol)
{
	struct policy_path_entry *e = calloc(DCEA_MAX_PATHS, sizeof(*e));
	struct dcea_path_key *keys = calloc(DCEA_MAX_PATHS, sizeof(*keys));
	__u64 *bits = calloc(DCEA_MAX_PATHS, sizeof(*bits));
	int n, err;

	if (!e || !keys || !bits) {
		err = -ENOMEM;
		goto cleanup;
	}
	n = policy_path_entries(pol, e, DCEA_MAX_PATHS);
	if (n < 0) {
		err = n;
		goto cleanup;
	}
	for (int i = 0; i < n; i++) {
		keys[i] = e[i].key;
		bits[i] = e[i].bits;
	}
	err = map_sync(st->fd[M_PATHS], (const char *)keys, sizeof(*keys), (const char *)bits,
		       sizeof(*bits), n);
cleanup:
	free(e);
	free(keys);
	free(bits);
	return err;
}

/*
 * What makes a container privileged, as dcea_config.cap_full: holding every capability that only
 * privileged mode grants (no runtime's default set has any of these), as far as this host's init
 * has them. "Every capability the kernel knows" would miss privileged containers of a runtime that
 * predates the newest capabilities (docker 20.10 grants none above CAP_AUDIT_READ) and those on a
 * host that drops one for everyone (this one drops CAP_SYS_RESOURCE).
 */
static int sync_leaves(struct state *st, const struct policy *pol)
{
	char(*names)[POLICY_LEAF_LEN] = calloc(DCEA_MAX_PATHS, POLICY_LEAF_LEN);
	int n, err;

	if (!names)
		return -ENOMEM;
	n = policy_leaf_names(pol, names, DCEA_MAX_PATHS);
	err = n < 0 ? n
		    : sync_names(st->fd[M_LEAVES], names[0], POLICY_LEAF_LEN, n, POLICY_LEAF_LEN,
				 NULL, DCEA_R_CRED_FILE);
	free(names);
	return err;
}

static __u64 cap_full(void)
{
	static const int privileged_only[] = {
		2,  /* DAC_READ_SEARCH */ 12, /* NET_ADMIN */ 16,  /* SYS_MODULE */
		17, /* SYS_RAWIO */ 19,	      /* SYS_PTRACE */ 21, /* SYS_ADMIN */
		22, /* SYS_BOOT */ 25,	      /* SYS_TIME */ 33,   /* MAC_ADMIN */
	};
	__u64 init_bset = proc_status_hex(1, "CapBnd:"), mask = 0;

	for (size_t i = 0; i < ARRAY_SIZE(privileged_only); i++)
		mask |= 1ULL << privileged_only[i];
	return init_bset ? mask & init_bset : mask;
}

int enforcer_write_lists(struct state *st, const struct policy *pol)
{
	struct dcea_exc exc[DCEA_MAX_EXC];
	struct timespec rt, bt;
	struct dcea_config c;
	int err;

	err = sync_names(st->fd[M_FSTYPES], pol->fstypes[0], sizeof(pol->fstypes[0]),
			 pol->n_fstypes, 32, NULL, DCEA_R_MOUNT);
	err = err
		      ?: sync_names(st->fd[M_SYSCTLS], pol->sysctls[0], sizeof(pol->sysctls[0]),
				    pol->n_sysctls, 64, NULL, DCEA_R_SYSCTL_WRITE);
	err = err ?: sync_knob_files(st, pol);
	err = err
		      ?: sync_names(st->fd[M_SOCKS], pol->sockets[0], sizeof(pol->sockets[0]),
				    pol->n_sockets, 32, NULL, DCEA_R_RUNTIME_SOCKET);
	err = err
		      ?: sync_names(st->fd[M_SHELLS], pol->shells[0], sizeof(pol->shells[0]),
				    pol->n_shells, DCEA_COMM_LEN, NULL, DCEA_R_SHELL);
	err = err ?: sync_paths(st, pol);
	err = err ?: sync_leaves(st, pol);
	policy_exc_cfg(pol, exc);
	for (__u32 i = 0; i < DCEA_MAX_EXC && !err; i++)
		if (bpf_map_update_elem(st->fd[M_EXC], &i, &exc[i], BPF_ANY))
			err = -errno;
	err = err ?: state_get_config(st, &c);
	if (!err) {
		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_BOOTTIME, &bt);
		c.boot_to_real =
			((__s64)rt.tv_sec - bt.tv_sec) * 1000000000LL + (rt.tv_nsec - bt.tv_nsec);
		c.cap_full = cap_full();
		c.custom_kinds = policy_custom_kinds(pol);
		c.path_needs = policy_path_needs(pol);
		c.n_exc = pol->n_exc;
		err = policy_leaf_filter(pol, c.leaf_filter);
		err = err ?: state_set_config(st, &c);
	}
	if (err)
		log_err("failed to write the policy's lists: %s", strerror(-err));
	return err;
}

/* Write the rules and custom rules maps, then the mode that goes with them. */
static int commit_rules(struct state *st, const struct dcea_rule_cfg cfg[DCEA_R_MAX],
			const struct dcea_custom cu[DCEA_MAX_CUSTOM], enum dcea_mode mode)
{
	struct dcea_config c;
	int err;

	for (__u32 i = 0; i < DCEA_R_MAX; i++)
		if (bpf_map_update_elem(st->fd[M_RULES], &i, &cfg[i], BPF_ANY))
			return -errno;
	for (__u32 i = 0; i < DCEA_MAX_CUSTOM; i++)
		if (bpf_map_update_elem(st->fd[M_CUSTOM], &i, &cu[i], BPF_ANY))
			return -errno;
	err = state_get_config(st, &c);
	if (err)
		return err;
	c.mode = mode;
	return state_set_config(st, &c);
}

int enforcer_write_rules(struct state *st, const struct policy *pol, enum dcea_mode mode,
			 const enum dcea_effect eff[DCEA_R_MAX], __u32 lsm_rules)
{
	struct dcea_rule_cfg cfg[DCEA_R_MAX];
	struct dcea_custom cu[DCEA_MAX_CUSTOM];

	policy_rule_cfg(pol, mode, eff, cfg);
	for (int i = 0; i < DCEA_R_MAX; i++)
		cfg[i].lsm = !!(lsm_rules & (1U << i));
	/* the custom rule id is on when the policy has custom rules, and does what they say */
	cfg[DCEA_R_CUSTOM].enabled = pol->n_custom > 0;
	cfg[DCEA_R_CUSTOM].enforce = 0;
	policy_custom_cfg(pol, mode, eff, cu);
	return commit_rules(st, cfg, cu, mode);
}

int enforcer_read_rules(struct state *st, struct dcea_rule_cfg out[DCEA_R_MAX])
{
	for (__u32 i = 0; i < DCEA_R_MAX; i++)
		if (bpf_map_lookup_elem(st->fd[M_RULES], &i, &out[i]))
			return -errno;
	return 0;
}

int enforcer_set_mode(struct state *st, enum dcea_mode mode)
{
	struct dcea_rule_cfg cfg[DCEA_R_MAX];
	struct dcea_custom cu[DCEA_MAX_CUSTOM];
	enum dcea_effect eff[DCEA_R_MAX];
	int err = enforcer_read_rules(st, cfg);

	if (err)
		return err;
	for (int i = 0; i < DCEA_R_MAX; i++) {
		eff[i] = cfg[i].effective;
		if (i != DCEA_R_CUSTOM)
			cfg[i].enforce = rule_enforced(&cfg[i], mode);
	}
	for (__u32 i = 0; i < DCEA_MAX_CUSTOM; i++) {
		if (bpf_map_lookup_elem(st->fd[M_CUSTOM], &i, &cu[i]))
			return -errno;
		cu[i].enforce = custom_enforced(&cu[i], mode, eff);
	}
	return commit_rules(st, cfg, cu, mode);
}

int enforcer_apply_container(struct state *st, const struct policy *pol, __u64 cgroup_id,
			     const struct ct_info *ci)
{
	struct dcea_container ct;
	__u32 exc = 0, custom = 0;

	if (bpf_map_lookup_elem(st->fd[M_CONTAINERS], &cgroup_id, &ct))
		return -ENOENT;
	for (size_t i = 0; i < pol->n_exc; i++)
		if (pol->exc[i].has_ct &&
		    policy_selector_match(&pol->exc[i].ct, ci->name, ci->image, ci->id))
			exc |= 1U << i;
	for (size_t i = 0; i < pol->n_custom; i++)
		if (pol->custom[i].has_ct &&
		    policy_selector_match(&pol->custom[i].ct, ci->name, ci->image, ci->id))
			custom |= 1U << i;
	if (ct.exc == exc && ct.custom == custom)
		return 0;
	ct.exc = exc;
	ct.custom = custom;
	return bpf_map_update_elem(st->fd[M_CONTAINERS], &cgroup_id, &ct, BPF_EXIST) ? -errno : 0;
}
