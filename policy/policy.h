/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The policy as plain C structs: what the YAML file says (policy/parse.c) or the built-in default
 * (policy/default.c). policy/compile.c turns it into map entries; neither half touches BPF.
 */
#ifndef DCEA_POLICY_H
#define DCEA_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "bpf/dcea.h"
#include "policy/admission.h"

#define POLICY_MAX_LIST 64
#define POLICY_NAME_LEN 64

enum policy_action {
	POLICY_ALERT = 0, /* report only, even in block mode */
	POLICY_BLOCK = 1, /* deny or kill in block mode, report in audit mode */
};

struct policy_rule {
	bool enabled;
	enum policy_action action;
	int severity;	   /* enum dcea_severity */
	unsigned int opts; /* DCEA_RO_*: shell_in_container's non_interactive: all */
};

struct policy_knob_file {
	unsigned int magic; /* file system magic, e.g. 0x27e0eb for cgroup v1 */
	char name[28];
};

#define POLICY_PATH_LEN 256 /* the kernel rebuilds and matches paths up to 255 characters */
#define POLICY_GLOB_LEN 128

/* Which containers: every glob given must match (fnmatch); id matches the full or short id. */
struct policy_selector {
	char name[POLICY_GLOB_LEN];
	char image[POLICY_GLOB_LEN];
	char id[POLICY_GLOB_LEN];
};

/* A rule an administrator builds from the kernel side's blocks (docs/POLICY.md). */
struct policy_custom {
	char id[POLICY_NAME_LEN];
	char description[POLICY_GLOB_LEN];
	int kind;		    /* enum dcea_kind */
	char path[POLICY_PATH_LEN]; /* "" or an exact path or a directory ("/dir/" then "*") */
	char exe[POLICY_PATH_LEN];  /* likewise, the acting executable */
	struct policy_selector ct;
	bool has_ct;
	bool enabled;
	enum policy_action action;
	int severity;
};

/* Matches a rule (or every rule) for a container and/or an executable: not reported, counted. */
struct policy_exception {
	char comment[POLICY_GLOB_LEN];
	__u64 rules; /* bit per rule id, 32 + i for custom rule i */
	char exe[POLICY_PATH_LEN];
	struct policy_selector ct;
	bool has_ct;
};

struct policy {
	enum dcea_mode mode;
	struct policy_rule rules[DCEA_R_MAX];
	/* lists the rules use */
	char fstypes[POLICY_MAX_LIST][32]; /* mount_sensitive, mount_api */
	size_t n_fstypes;
	char sysctls[POLICY_MAX_LIST][64]; /* kernel_knob_sysctl: "kernel/core_pattern" */
	size_t n_sysctls;
	struct policy_knob_file knob_files[POLICY_MAX_LIST]; /* kernel_knob_file */
	size_t n_knob_files;
	char sockets[POLICY_MAX_LIST][32]; /* runtime_socket: basenames */
	size_t n_sockets;
	char shells[POLICY_MAX_LIST][DCEA_COMM_LEN]; /* shell_in_container: names after exec */
	size_t n_shells;
	char cred_files[POLICY_MAX_LIST][POLICY_PATH_LEN]; /* cred_file_access: path patterns */
	size_t n_cred_files;
	struct policy_custom custom[DCEA_MAX_CUSTOM];
	size_t n_custom;
	struct policy_exception exc[DCEA_MAX_EXC];
	size_t n_exc;
	struct policy_admission admission; /* findings that refuse new containers */
};

/* The built-in default policy: every rule on, action block, the lists below. */
void policy_default(struct policy *p);

/*
 * Load a YAML policy file on top of the default (policy/parse.c); 0 or negative errno. Errors are
 * printed as FILE:LINE:COL: what is wrong.
 */
int policy_load(const char *path, struct policy *p);

#endif
