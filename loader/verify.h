/* SPDX-License-Identifier: GPL-2.0-only */
/* The userspace sweep of namespace trust, shared by `dcea verify` and `dcea run`. */
#ifndef DCEA_VERIFY_H
#define DCEA_VERIFY_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
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

/* `dcea run --verify-interval SECONDS`: parse and remember; 0 or -EINVAL (logged). */
int verify_set_interval(const char *arg);
/* Called from the streaming loop: run the sweep when the interval has passed, print new findings
 * as alerts ("source":"verify"). */
void verify_periodic(FILE *out, bool json, bool color);
/* Re-check the task of an alert now and add "recheck": {"host_ns": [...], "ok": bool, ...}; ns: the
 * namespaces the alert reports (a recent re-check of the same task and namespaces is reused). */
void verify_recheck(json_object *alert, pid_t pid, const __u64 ns[DCEA_NS_MAX]);

#endif
