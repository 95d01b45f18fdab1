// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "common/log.h"
#include "loader/enforcer.h"
#include "loader/rules.h"
#include "loader/state.h"
#include "policy/compile.h"

static int put_name(int fd, const char *name, size_t key_size, const void *prefix, size_t plen,
		    __u32 rule)
{
	char key[64];
	int err;

	if (plen + key_size > sizeof(key))
		return -EINVAL;
	if (plen)
		memcpy(key, prefix, plen);
	err = policy_key(name, key + plen, key_size);
	if (err) {
		log_err("policy entry '%s' is longer than the kernel key (%zu bytes)", name,
			key_size - 1);
		return err;
	}
	return bpf_map_update_elem(fd, key, &rule, BPF_ANY) ? -errno : 0;
}

int enforcer_write_lists(struct state *st, const struct policy *pol)
{
	int err = 0;

	for (size_t i = 0; i < pol->n_fstypes && !err; i++)
		err = put_name(st->fd[M_FSTYPES], pol->fstypes[i], 32, NULL, 0, DCEA_R_MOUNT);
	for (size_t i = 0; i < pol->n_sysctls && !err; i++)
		err = put_name(st->fd[M_SYSCTLS], pol->sysctls[i], 64, NULL, 0,
			       DCEA_R_SYSCTL_WRITE);
	for (size_t i = 0; i < pol->n_knob_files && !err; i++) {
		__u32 magic = pol->knob_files[i].magic;

		err = put_name(st->fd[M_KNOBFILES], pol->knob_files[i].name, 28, &magic,
			       sizeof(magic), DCEA_R_KNOB_WRITE);
	}
	for (size_t i = 0; i < pol->n_sockets && !err; i++)
		err = put_name(st->fd[M_SOCKS], pol->sockets[i], 32, NULL, 0,
			       DCEA_R_RUNTIME_SOCKET);
	if (err)
		log_err("failed to write the policy's lists: %s", strerror(-err));
	return err;
}

/* Write the rules map, then the mode that goes with it. */
static int commit_rules(struct state *st, const struct dcea_rule_cfg cfg[DCEA_R_MAX],
			enum dcea_mode mode)
{
	struct dcea_config c;
	int err;

	for (__u32 i = 0; i < DCEA_R_MAX; i++)
		if (bpf_map_update_elem(st->fd[M_RULES], &i, &cfg[i], BPF_ANY))
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

	policy_rule_cfg(pol, mode, eff, cfg);
	for (int i = 0; i < DCEA_R_MAX; i++)
		cfg[i].lsm = !!(lsm_rules & (1U << i));
	return commit_rules(st, cfg, mode);
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
	int err = enforcer_read_rules(st, cfg);

	if (err)
		return err;
	for (int i = 0; i < DCEA_R_MAX; i++)
		cfg[i].enforce = rule_enforced(&cfg[i], mode);
	return commit_rules(st, cfg, mode);
}
