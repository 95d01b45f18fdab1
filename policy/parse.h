/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * YAML policy files (schema: docs/POLICY.md), parsed with libyaml on top of a policy the caller
 * filled (usually policy_default()). All or nothing: on any error the caller's policy is unchanged.
 */
#ifndef DCEA_POLICY_PARSE_H
#define DCEA_POLICY_PARSE_H

#include <stddef.h>
#include "policy/policy.h"

#define POLICY_VERSION 1

/* One problem in a policy file. line and col count from 1; both are 0 when there is no position. */
struct policy_diag {
	const char *file;
	unsigned int line;
	unsigned int col;
	const char *msg;
};

typedef void (*policy_diag_fn)(const struct policy_diag *d, void *arg);

/*
 * Parse buf (len bytes, need not be NUL-terminated) named `name` in messages. Every problem found
 * is passed to fn (log_err as FILE:LINE:COL: what when fn is NULL). 0, -EINVAL when the policy is
 * invalid, or another negative errno.
 */
int policy_parse(const char *name, const char *buf, size_t len, struct policy *p, policy_diag_fn fn,
		 void *arg);

/* policy_parse with errors through log_err */
int policy_parse_buffer(const char *name, const char *buf, size_t len, struct policy *p);

/* Read and parse a file; a file that cannot be read is one diagnostic without a position. */
int policy_load_diag(const char *path, struct policy *p, policy_diag_fn fn, void *arg);

/* File system names accepted for knob_files: "cgroup" <-> CGROUP_SUPER_MAGIC... */
const char *policy_fs_name(unsigned int magic);		 /* NULL when the magic has no name here */
int policy_fs_parse(const char *s, unsigned int *magic); /* a name or a number; 0 or -EINVAL */

/* Which list a name means in `lists:` ("fstypes", "sysctls", "knob_files", "runtime_sockets") */
enum policy_list {
	POLICY_L_FSTYPES = 0,
	POLICY_L_SYSCTLS,
	POLICY_L_KNOB_FILES,
	POLICY_L_SOCKETS,
	POLICY_L_SHELLS,
	POLICY_L_CRED_FILES,
	POLICY_L_MAX,
};
extern const char *const policy_list_names[POLICY_L_MAX];
size_t policy_list_len(const struct policy *p, enum policy_list l);

/*
 * A path pattern the kernel side can hold: absolute, at most POLICY_PATH_LEN - 1 characters, no
 * '.', '..' or empty components, and no glob but one final "/" "*" (everything below a directory).
 * NULL when good, else what is wrong.
 */
const char *policy_path_problem(const char *s);

/* Custom rule kinds by name: "exec", "open_read"... (enum dcea_kind) */
extern const char *const policy_kind_names[DCEA_K_MAX];

#endif
