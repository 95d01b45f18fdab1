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
	int severity; /* enum dcea_severity */
};

struct policy_knob_file {
	unsigned int magic; /* file system magic, e.g. 0x27e0eb for cgroup v1 */
	char name[28];
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
