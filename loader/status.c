// SPDX-License-Identifier: GPL-2.0-only
/* dcea status and dcea stop: read and remove the pinned enforcer. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include <bpf/bpf.h>

#include "common/commands.h"
#include "common/log.h"
#include "common/util.h"
#include "loader/routes.h"
#include "loader/admission.h"
#include "loader/canary_outcome.h"
#include "loader/findings.h"
#include "loader/enforcer.h"
#include "rules/rules.h"
#include "loader/run.h"
#include "loader/state.h"

static bool alive(__u32 pid)
{
	return process_running(pid, "dcea");
}

static int parse_simple(int argc, char **argv, const char *cmd, const char *help, bool *json)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = log_json = true;
			break;
		case 'h':
			printf("%s", help);
			return 1;
		default:
			usage_error(cmd, c, argv);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		log_err("unexpected argument '%s'; see 'dcea %s --help'", argv[optind], cmd);
		return -EINVAL;
	}
	return 0;
}

#define POLICY_IN_FORCE "/run/dcea/policy.json"

/*
 * The policy's exceptions (with how many matches each suppressed) and custom rules (with what
 * each does now), named from the policy the loader wrote to POLICY_IN_FORCE.
 */
static json_object *policy_status(struct state *st)
{
	json_object *out = json_object_new_object(), *pol = json_object_from_file(POLICY_IN_FORCE);
	json_object *exc = json_object_new_array(), *cr = json_object_new_array(), *a;

	if (pol && json_object_object_get_ex(pol, "exceptions", &a))
		for (size_t i = 0; i < json_object_array_length(a) && i < DCEA_MAX_EXC; i++) {
			json_object *x = json_object_get(json_object_array_get_idx(a, i));

			json_object_object_add(
				x, "suppressed",
				json_object_new_int64(state_percpu_sum(st, M_EXC_HITS, i)));
			json_object_array_add(exc, x);
		}
	if (pol && json_object_object_get_ex(pol, "custom_rules", &a))
		for (__u32 i = 0; i < json_object_array_length(a) && i < DCEA_MAX_CUSTOM; i++) {
			json_object *r = json_object_get(json_object_array_get_idx(a, i));
			struct dcea_custom cu = {};

			bpf_map_lookup_elem(st->fd[M_CUSTOM], &i, &cu);
			json_object_object_add(r, "now",
					       json_object_new_string(!(cu.flags & DCEA_CU_ENABLED)
									      ? "off"
								      : cu.enforce ? "kill"
										   : "alert"));
			json_object_array_add(cr, r);
		}
	json_object_put(pol);
	json_object_object_add(out, "exceptions", exc);
	json_object_object_add(out, "custom_rules", cr);
	return out;
}

static void policy_status_print(FILE *f, json_object *ps)
{
	json_object *a, *v;

	if (json_object_object_get_ex(ps, "custom_rules", &a) && json_object_array_length(a)) {
		fprintf(f, "\n%-24s %-11s %-6s %s\n", "CUSTOM RULE", "KIND", "NOW", "PATH");
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			json_object *r = json_object_array_get_idx(a, i), *k, *n, *p;

			json_object_object_get_ex(r, "id", &v);
			json_object_object_get_ex(r, "kind", &k);
			json_object_object_get_ex(r, "now", &n);
			fprintf(f, "%-24s %-11s %-6s %s\n", json_object_get_string(v),
				json_object_get_string(k), json_object_get_string(n),
				json_object_object_get_ex(r, "path", &p) ? json_object_get_string(p)
									 : "-");
		}
	}
	if (json_object_object_get_ex(ps, "exceptions", &a) && json_object_array_length(a)) {
		fprintf(f, "\n%-10s %-40s %s\n", "SUPPRESSED", "EXCEPTION (rules)", "SELECTORS");
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			json_object *x = json_object_array_get_idx(a, i), *r, *c, *e;

			json_object_object_get_ex(x, "suppressed", &v);
			json_object_object_get_ex(x, "rules", &r);
			fprintf(f, "%-10s %-40s %s %s\n", json_object_get_string(v),
				json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN),
				json_object_object_get_ex(x, "container", &c)
					? json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN)
					: "",
				json_object_object_get_ex(x, "exe", &e) ? json_object_get_string(e)
									: "");
		}
	}
}

/* Entries of the aggregation table and the repeats they hold, not yet reported. */
static void agg_pending(struct state *st, int *entries, unsigned long long *pending)
{
	struct dcea_agg_key key, next, *prev = NULL;
	struct dcea_agg v;

	*entries = 0;
	*pending = 0;
	while (!bpf_map_get_next_key(st->fd[M_AGG], prev, &next)) {
		if (!bpf_map_lookup_elem(st->fd[M_AGG], &next, &v)) {
			++*entries;
			*pending += v.count;
		}
		key = next;
		prev = &key;
	}
}

int cmd_status(int argc, char **argv)
{
	static const char help[] =
		"Usage: dcea status [--json]\n\n"
		"Show the pinned enforcer: backend, mode, the streaming loader, drop counters,\n"
		"containers and tasks tracked, and per rule its hook, what the self-test proved "
		"it\n"
		"can do on this kernel (deny, kill, detect, or unavailable: the kernel lacks what "
		"it\n"
		"needs; selftest-failed: the test could not set itself up, with the reason), what "
		"it\n"
		"does now in the current mode, and how often it fired; then the last pre-launch "
		"scan\n"
		"results per container (written by the streaming loader to " ADM_SCAN_FILE ").\n\n"
		"Exit status: 0 loaded, 3 not loaded, 1 error.\n";
	struct dcea_rule_cfg cfg[DCEA_R_MAX];
	struct state st;
	struct dcea_config c;
	bool json = false;
	unsigned long long drops, drops_hi, untracked, ct_full, agg_full, pending;
	char why[128];
	int agg_entries;
	int err, n_ct, n_tasks;

	err = parse_simple(argc, argv, "status", help, &json);
	if (err)
		return err > 0 ? 0 : 2;
	if (geteuid() != 0) {
		log_err("dcea status needs root to read the pinned maps");
		return 1;
	}
	if (!state_pinned()) {
		if (json)
			printf("{\"loaded\":false}\n");
		else
			printf("dcea: not loaded (nothing pinned under %s)\n", DCEA_PIN_DIR);
		return 3;
	}
	if (state_adopt(&st))
		return 1;
	if (state_get_config(&st, &c) || enforcer_read_rules(&st, cfg)) {
		log_err("failed to read the pinned configuration: %s", strerror(errno));
		state_close(&st);
		return 1;
	}
	drops_hi = state_percpu_sum(&st, M_DROPS, DCEA_DROP_RING_HI);
	drops = state_percpu_sum(&st, M_DROPS, DCEA_DROP_RING) + drops_hi;
	untracked = state_percpu_sum(&st, M_DROPS, DCEA_DROP_TASKS);
	ct_full = state_percpu_sum(&st, M_DROPS, DCEA_DROP_CONTAINERS);
	agg_full = state_percpu_sum(&st, M_DROPS, DCEA_DROP_AGG_FULL);
	agg_pending(&st, &agg_entries, &pending);
	n_ct = state_count_entries(st.fd[M_CONTAINERS], sizeof(__u64));
	n_tasks = state_count_entries(st.fd[M_TASKS], sizeof(__u32));

	if (json) {
		json_object *o = json_object_new_object(), *rules = json_object_new_array();
		char ts[64];

		format_rfc3339(c.loaded_at, ts, sizeof(ts));
		json_object_object_add(o, "loaded", json_object_new_boolean(1));
		json_object_object_add(
			o, "backend",
			json_object_new_string(c.backend == DCEA_BACKEND_LSM ? "lsm" : "fallback"));
		json_object_object_add(o, "mode", json_object_new_string(mode_name(c.mode)));
		json_object_object_add(o, "pinned", json_object_new_string(DCEA_PIN_DIR));
		json_object_object_add(o, "loaded_at", json_object_new_string(ts));
		json_object_object_add(
			o, "loader_pid",
			json_object_new_int64(alive(c.loader_tgid) ? c.loader_tgid : 0));
		json_object_object_add(o, "events_dropped", json_object_new_int64(drops));
		json_object_object_add(o, "events_dropped_reserved",
				       json_object_new_int64(drops_hi));
		{
			json_object *a = json_object_new_object();

			json_object_object_add(a, "enabled",
					       json_object_new_boolean(c.flags & DCEA_CFG_AGG));
			json_object_object_add(a, "window_ms",
					       json_object_new_int64(DCEA_AGG_WINDOW_NS / 1000000));
			json_object_object_add(a, "entries", json_object_new_int64(agg_entries));
			json_object_object_add(a, "pending", json_object_new_int64(pending));
			json_object_object_add(a, "table_full", json_object_new_int64(agg_full));
			json_object_object_add(o, "aggregation", a);
		}
		json_object_object_add(o, "tasks_untracked", json_object_new_int64(untracked));
		json_object_object_add(o, "containers_untracked", json_object_new_int64(ct_full));
		json_object_object_add(o, "containers", json_object_new_int64(n_ct));
		json_object_object_add(o, "tasks", json_object_new_int64(n_tasks));
		for (int i = 0; i < DCEA_R_MAX; i++) {
			json_object *r = json_object_new_object();
			unsigned long long hits = 0;

			for (int a = 0; a < 3; a++)
				hits += state_percpu_sum(&st, M_HITS, i * 4 + a);
			json_object_object_add(r, "id", json_object_new_string(rule_table[i].name));
			char hook[160];

			json_object_object_add(
				r, "hook",
				json_object_new_string(rule_hook(i, &cfg[i], hook, sizeof(hook))));
			json_object_object_add(
				r, "backend",
				json_object_new_string(cfg[i].lsm ? "lsm" : "fallback"));
			json_object_object_add(
				r, "effective",
				json_object_new_string(effect_name(cfg[i].effective)));
			if (cfg[i].effective == DCEA_EFF_SELFTEST_FAILED)
				json_object_object_add(r, "selftest_error",
						       json_object_new_string(canary_why_str(
							       c.selftest[i], why, sizeof(why))));
			json_object_object_add(r, "enabled",
					       json_object_new_boolean(cfg[i].enabled));
			json_object_object_add(
				r, "policy_action",
				json_object_new_string(cfg[i].block ? "block" : "alert"));
			json_object_object_add(
				r, "now",
				json_object_new_string(!cfg[i].enabled ? "off"
						       : cfg[i].enforce
							       ? effect_name(cfg[i].effective)
							       : "alert"));
			json_object_object_add(r, "hits", json_object_new_int64(hits));
			json_object_array_add(rules, r);
		}
		json_object_object_add(o, "rules", rules);
		json_object_object_add(o, "routes", routes_status_json(&c, cfg));
		json_object_object_add(o, "scans", admission_status_json());
		json_object_object_add(o, "findings", findings_status_json());
		{
			json_object *ps = policy_status(&st), *v;

			json_object_object_get_ex(ps, "exceptions", &v);
			json_object_object_add(o, "exceptions", json_object_get(v));
			json_object_object_get_ex(ps, "custom_rules", &v);
			json_object_object_add(o, "custom_rules", json_object_get(v));
			json_object_put(ps);
		}
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		printf("backend     %s\n",
		       c.backend == DCEA_BACKEND_LSM
			       ? "lsm"
			       : "fallback (tracepoints, cgroup/dev, cgroup/sysctl)");
		printf("mode        %s\n", mode_name(c.mode));
		printf("pinned      %s\n", DCEA_PIN_DIR);
		if (alive(c.loader_tgid))
			printf("loader      streaming (pid %u)\n", c.loader_tgid);
		else
			printf("loader      not running: enforcement continues from the pins, "
			       "alerts are not read\n");
		printf("containers  %d tracked, %d tasks\n", n_ct, n_tasks);
		printf("drops       %llu events lost (%llu of them deny/kill/critical), %llu tasks "
		       "and %llu containers not tracked (maps full)\n",
		       drops, drops_hi, untracked, ct_full);
		if (c.flags & DCEA_CFG_AGG)
			printf("aggregate   repeats within %llu ms summed: %d keys, %llu repeats "
			       "pending, %llu delivered unsummed (table full)\n\n",
			       DCEA_AGG_WINDOW_NS / 1000000, agg_entries, pending, agg_full);
		else
			printf("aggregate   off (the kernel lacks bpf_for_each_map_elem)\n\n");
		print_rule_table(stdout, cfg, c.mode);
		for (int i = 0; i < DCEA_R_MAX; i++)
			if (cfg[i].effective == DCEA_EFF_SELFTEST_FAILED)
				printf("selftest-failed: %s: %s\n", rule_table[i].name,
				       canary_why_str(c.selftest[i], why, sizeof(why)));
		routes_status_print(stdout, &c, cfg);
		{
			json_object *ps = policy_status(&st);

			policy_status_print(stdout, ps);
			json_object_put(ps);
		}
		admission_status_print(stdout);
		findings_status_print(stdout);
	}
	state_close(&st);
	return 0;
}

#define STOP_WAIT_S 60

/*
 * Wait until process `pid` has exited (or, with `ids`, until none of those programs exists),
 * saying what it waits for after a second. True when it happened within STOP_WAIT_S.
 */
static bool wait_gone(const char *what, __u32 pid, const __u32 *ids, int n)
{
	for (int i = 0; i < STOP_WAIT_S * 10; i++) {
		if (ids ? !state_progs_alive(ids, n) : !alive(pid))
			return true;
		if (i == 10)
			log_info("waiting for %s%s", what, ids ? "" : " to exit");
		usleep(100000);
	}
	return false;
}

int cmd_stop(int argc, char **argv)
{
	static const char help[] =
		"Usage: dcea stop\n\n"
		"Stop the streaming loader, detach every program and remove the pins\n"
		"under " DCEA_PIN_DIR ". Returns once the loader has exited and the kernel\n"
		"has released every program (a few seconds on a slow machine). Nothing is\n"
		"enforced afterwards.\n";
	struct state st;
	struct dcea_config c = {};
	__u32 ids[256];
	bool json = false;
	int err, n_ids;

	err = parse_simple(argc, argv, "stop", help, &json);
	if (err)
		return err > 0 ? 0 : 2;
	if (geteuid() != 0) {
		log_err("dcea stop needs root");
		return 1;
	}
	if (!state_pinned()) {
		printf("dcea: not loaded\n");
		state_unpin(); /* leftovers of an interrupted load */
		return 0;
	}
	if (!state_adopt(&st)) {
		state_get_config(&st, &c);
		/* the loader puts back missing pins only while loader_tgid is its pid */
		if (c.loader_tgid) {
			struct dcea_config off = c;

			off.loader_tgid = 0;
			state_set_config(&st, &off);
		}
		state_close(&st);
	}
	if (alive(c.loader_tgid)) {
		if (kill(c.loader_tgid, SIGTERM))
			log_warn("failed to stop the loader (pid %u): %s, ignoring", c.loader_tgid,
				 strerror(errno));
		else if (!wait_gone("the streaming loader", c.loader_tgid, NULL, 0))
			log_warn("the loader (pid %u) has not exited after %d s, ignoring",
				 c.loader_tgid, STOP_WAIT_S);
	}
	n_ids = state_pinned_prog_ids(ids, ARRAY_SIZE(ids));
	err = state_unpin();
	/* a loader restart remembers the findings reported; an unload forgets them */
	unlink(DCEA_HELD_LINKS); /* the loader that held those links is gone */
	if (unlink(FINDINGS_FILE) && errno != ENOENT)
		log_warn("failed to remove '%s': %s, ignoring", FINDINGS_FILE, strerror(errno));
	if (err) {
		log_err("failed to remove the pins under '%s': %s", DCEA_PIN_DIR, strerror(-err));
		return 1;
	}
	/* the kernel detaches an unpinned link in a worker: "detached" is said once it has */
	if (!wait_gone("the programs to be detached", 0, ids, n_ids)) {
		log_err("pins removed, but %d of dcea's %d programs are still loaded after %d s",
			state_progs_alive(ids, n_ids), n_ids, STOP_WAIT_S);
		return 1;
	}
	printf("dcea: stopped, programs detached and pins removed\n");
	return 0;
}
