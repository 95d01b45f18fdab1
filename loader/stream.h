/* SPDX-License-Identifier: GPL-2.0-only */
/* `dcea run`'s streaming half: the loop (stream.c) and the policy in force (reload.c). */
#ifndef DCEA_STREAM_H
#define DCEA_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>
#include "loader/guard.h"
#include "loader/ring.h"
#include "policy/policy.h"

struct state;
struct admission;

struct streamer {
	struct state *st;
	struct policy pol;
	const char *policy_path; /* NULL: the built-in default */
	FILE *out;
	bool json, color;
	int64_t clock_off;
	unsigned long long drops_seen, drops_hi_seen, delivered;
	bool batching; /* inside a ring batch: written out once, before its space is released */
	struct ring rings[2];  /* the reserved ring first */
	struct ring aggout;    /* aggregation reports (fd 0: not mapped) */
	struct admission *adm; /* NULL during the self-test */
	struct guard guard;
};

/* Stream until SIGINT/SIGTERM (SIGUSR1/SIGUSR2 switch the mode, SIGHUP reloads); 0 or -errno. */
int stream_run(struct streamer *s);
/* One record of a ring: an alert out (also the self-test's callback); always 0. */
int stream_handle_event(void *ctx, void *data, size_t size);
/* Write one alert to the output and the extra outputs (a callback for admission and guard). */
void stream_emit_cb(void *ctx, json_object *o);
/* The policy's container selectors for one container (a ct_for_each_known callback). */
void stream_apply_selectors(uint64_t cgroup_id, const char *cgname, void *arg);

/* The policy in force, for `dcea status` (exception and custom rule names). */
void stream_write_policy(const struct policy *p);
/* Read the policy file again and swap it in; 0 or -errno (said in RELOAD_STATUS). */
int stream_reload(struct streamer *s);

#endif
