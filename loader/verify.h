/* SPDX-License-Identifier: GPL-2.0-only */
/* The userspace sweep of namespace trust, shared by `dcea verify` and `dcea run`. */
#ifndef DCEA_VERIFY_H
#define DCEA_VERIFY_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <linux/types.h>
#include <json-c/json.h>

#include "bpf/dcea.h"

/*
 * Each finding is a JSON object: "type":"verify", "rule":"ns_escape", "finding" (host_ns,
 * ns_changed, capabilities, root, cwd, store), "detail", "pid", "comm", "container" {...}, "ns".
 * The callback borrows it.
 */
typedef void (*verify_cb)(void *ctx, json_object *finding);

struct verify_summary {
	int containers, tasks, findings;
	bool kernel_baselines;
	int store; /* enum ts_status of the trust store read */
};

/*
 * Check every container task; compare with the trust store at `store` (NULL: none) and, with
 * `update`, rewrite it. 0 or negative errno.
 */
int verify_sweep(const char *store, bool update, verify_cb cb, void *ctx,
		 struct verify_summary *sum);

/* A container's baseline, and what was observed of one of its tasks (verify_judge). */
struct verify_base {
	__u64 ns[DCEA_NS_MAX];	 /* the container's namespaces; 0 where unknown */
	__u64 host[DCEA_NS_MAX]; /* the host's */
	__u64 cap_bset;		 /* the container's bounding set; 0 unknown */
	dev_t root_dev;		 /* the container's root directory; root_ino 0 unknown */
	ino_t root_ino;
};

struct verify_obs {
	__u64 ns[DCEA_NS_MAX];
	__u64 cap_eff;
	bool root_known; /* root_dev/root_ino were read */
	dev_t root_dev;
	ino_t root_ino;
	bool cwd_foreign; /* its working directory is on a file system the container does not mount
			   */
};

enum verify_finding {
	VF_HOST_NS = 1 << 0, /* shares a namespace with the host that its container does not */
	VF_CAPS = 1 << 1,    /* effective capabilities beyond the container's bounding set */
	VF_ROOT = 1 << 2,    /* root directory is not its container's */
	VF_CWD = 1 << 3,     /* working directory outside the container's mounts */
};

/*
 * The findings (enum verify_finding bits) for one task; *host_ns gets a bit per enum dcea_ns
 * that VF_HOST_NS is about. Pure: loader/verify_judge.c.
 */
unsigned int verify_judge(const struct verify_base *b, const struct verify_obs *o, __u32 *host_ns);

/* `dcea run --verify-interval SECONDS`: parse and remember; 0 or -EINVAL (logged). */
int verify_set_interval(const char *arg);
/* Called from the streaming loop: run the sweep when the interval has passed, print new findings
 * as alerts ("source":"verify"). */
void verify_periodic(FILE *out, bool json, bool color);
/* Re-check the task of an alert now and add "recheck": {"host_ns": [...], "ok": bool, ...}; ns: the
 * namespaces the alert reports (a recent re-check of the same task and namespaces is reused). */
void verify_recheck(json_object *alert, pid_t pid, const __u64 ns[DCEA_NS_MAX]);

#endif
