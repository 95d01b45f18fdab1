// SPDX-License-Identifier: GPL-2.0-only
/* dcea run: load (or adopt) the enforcer, prove what it enforces, stream alerts. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "common/commands.h"
#include "common/log.h"
#include "common/util.h"
#include "loader/admission.h"
#include "loader/text.h"
#include "loader/canary.h"
#include "loader/cgroup.h"
#include "loader/containers.h"
#include "loader/enforcer.h"
#include "loader/events.h"
#include "loader/guard.h"
#include "loader/lsm.h"
#include "loader/nsinfo.h"
#include "loader/output.h"
#include "loader/plan.h"
#include "loader/rules.h"
#include "loader/ring.h"
#include "loader/run.h"
#include "loader/state.h"
#include "loader/truststore.h"
#include "loader/verify.h"
#include "policy/policy.h"
#include "policy/show.h"

#define DEFAULT_DETACH_LOG "/var/log/dcea/alerts.log"

struct run_opts {
	int mode; /* -1: not given */
	const char *policy;
	const char *output;
	bool json;
	bool detach;
	__u32 max_containers; /* 0: DCEA_MAX_CT */
	bool no_aggregation;
};

#define RELOAD_STATUS	"/run/dcea/reload.status"
#define POLICY_IN_FORCE "/run/dcea/policy.json" /* names for `dcea status` */

/* The policy in force, for `dcea status` (exception and custom rule names). */
static void write_policy_in_force(const struct policy *p)
{
	json_object *o = policy_to_json(p);

	mkdir("/run/dcea", 0700);
	if (json_object_to_file_ext(POLICY_IN_FORCE ".tmp", o, JSON_C_TO_STRING_PLAIN) ||
	    rename(POLICY_IN_FORCE ".tmp", POLICY_IN_FORCE))
		log_warn("failed to write '%s': %s", POLICY_IN_FORCE, strerror(errno));
	json_object_put(o);
}

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

_Static_assert(DCEA_MAX_CT == 4096, "the --max-containers help names the default");

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: dcea run [--mode audit|block] [--policy FILE] [--json] [--output FILE] "
		"[--detach]\n"
		"\n"
		"Load the escape enforcer, prove with a self-test what each rule can do on this "
		"kernel,\n"
		"and stream alerts. Programs and maps are pinned under " DCEA_PIN_DIR ", so\n"
		"enforcement continues when this process exits; 'dcea stop' removes it.\n"
		"If dcea is already loaded, 'dcea run' adopts it and resumes streaming; with "
		"--mode it\n"
		"switches the mode of a running instance and returns.\n"
		"\n"
		"Options:\n"
		"  -m, --mode MODE     audit (default): report only; block: deny or kill what "
		"each\n"
		"                      rule can stop on this kernel (see 'dcea status')\n"
		"  -p, --policy FILE   YAML policy (default: the built-in policy, 'dcea policy "
		"show')\n"
		"  -j, --json          one JSON object per line\n"
		"  -o, --output FILE   append alerts to FILE instead of stdout\n"
		"  -d, --detach        run in the background (alerts to --output, default\n"
		"                      " DEFAULT_DETACH_LOG ")\n"
		"      --verify-interval SECONDS  also run the 'dcea verify' sweep this often\n"
		"      --no-aggregation  deliver every repeat of an alert on its own instead of\n"
		"                      summing repeats within 500 ms (docs/ALERTS.md); for\n"
		"                      measurements: a flood then costs ring space and drops\n"
		"      --max-containers N  size of the containers map (default 4096); a new\n"
		"                      container that finds it full is reported, and killed in\n"
		"                      block mode (containers already watched stay enforced)\n"
		"  -v, --verbose       more detail; twice for libbpf's own output\n"
		"  -h, --help          this help\n"
		"\n"
		"Signals: SIGUSR1 switches a running instance to block mode, SIGUSR2 to audit "
		"mode.\n"
		"\n"
		"Examples:\n"
		"  dcea run                                 # audit mode, alerts on stdout\n"
		"  dcea run --mode block --json -o /var/log/dcea.json --detach\n"
		"  dcea run --mode audit                    # switch a running instance to "
		"audit\n"
		"  dcea run --policy policy/strict.yaml     # block mode; refuse privileged and\n"
		"                                           # docker.sock containers at start\n");
	output_usage(f);
}

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "policy", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "detach", no_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "verify-interval", required_argument, NULL, 'I' },
		{ "max-containers", required_argument, NULL, 'C' },
		{ "no-aggregation", no_argument, NULL, 'A' },
		OUTPUT_LONGOPTS,
		{},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->mode = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:p:jo:dvhI:C:", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "audit"))
				o->mode = DCEA_MODE_AUDIT;
			else if (!strcmp(optarg, "block"))
				o->mode = DCEA_MODE_BLOCK;
			else {
				log_err("invalid mode '%s': expected 'audit' or 'block'", optarg);
				return -EINVAL;
			}
			break;
		case 'p':
			o->policy = optarg;
			break;
		case 'j':
			o->json = log_json = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'd':
			o->detach = true;
			break;
		case 'v':
			log_verbose++;
			break;
		case 'I':
			if (verify_set_interval(optarg))
				return -EINVAL;
			break;
		case 'C': {
			uint64_t n;

			if (parse_u64(optarg, &n) || !n || n > 1000000) {
				log_err("invalid --max-containers '%s': expected 1 to 1000000",
					optarg);
				return -EINVAL;
			}
			o->max_containers = n;
			break;
		}
		case 'A':
			o->no_aggregation = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			if (c >= OPT_OUTPUT_FILE && c < OPT_OUTPUT_END) {
				if (output_opt(c, optarg, argc, argv))
					return -EINVAL;
				break;
			}
			usage_error("run", c, argv);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		log_err("unexpected argument '%s'; see 'dcea run --help'", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static void emit(struct streamer *s, json_object *o)
{
	struct text_opts to = { .style = TEXT_FULL,
				.color = s->color,
				.width = text_width(fileno(s->out)) };
	char line[4096];
	json_object *v;

	outputs_emit(o);
	if (!s->json && json_object_object_get_ex(o, "type", &v) &&
	    !strcmp(json_object_get_string(v), "admission")) {
		/* for humans only verdicts that acted: the findings were alerts of their own */
		if (json_object_object_get_ex(o, "action", &v) &&
		    strcmp(json_object_get_string(v), "none")) {
			alert_format_text(o, line, sizeof(line), &to);
			fprintf(s->out, "%s\n", line);
		}
	} else if (s->json) {
		fprintf(s->out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	} else if (json_object_object_get_ex(o, "type", &v) &&
		   !strcmp(json_object_get_string(v), "container_start")) {
		return; /* for humans, quiet by default: a start is not news (--json has it) */
	} else {
		alert_format_text(o, line, sizeof(line), &to);
		fprintf(s->out, "%s\n", line);
	}
	if (!s->batching)
		fflush(s->out);
}

/* The policy's container selectors for one container (ct_for_each_known callback). */
static void apply_selectors(uint64_t cgroup_id, const char *cgname, void *arg)
{
	struct streamer *s = arg;
	struct ct_info ci;
	int err;

	if (!s->pol.n_exc && !s->pol.n_custom)
		return;
	ct_lookup(cgroup_id, cgname, 0, &ci);
	err = enforcer_apply_container(s->st, &s->pol, cgroup_id, &ci);
	if (err && err != -ENOENT)
		log_warn("failed to apply the policy's container selectors to '%s': %s",
			 ci.name[0] ? ci.name : cgname, strerror(-err));
}

static void emit_cb(void *ctx, json_object *o)
{
	emit(ctx, o);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct streamer *s = ctx;
	const struct dcea_event *e = data;
	json_object *o;

	if (size < sizeof(struct dcea_event))
		return 0; /* never return <0: that would stop the poll loop */
	o = event_to_json(data, &s->pol, s->clock_off);
	if (e->kind == DCEA_EV_CONTAINER) {
		ct_remember(e->cgroup_id, e->cgname);
		apply_selectors(e->cgroup_id, e->cgname, s);
	}
	if (e->kind == DCEA_EV_RULE && e->rule == DCEA_R_PRIV_LAUNCH &&
	    e->action == DCEA_ACT_ALERT && admission_repeat(s->adm, e->cgroup_id)) {
		/* reported with the first container of this image and configuration */
		json_object_put(o);
		s->delivered++;
		return 0;
	}
	if (e->kind == DCEA_EV_RULE || e->kind == DCEA_EV_AGG)
		verify_recheck(o, e->pid, e->ns);
	emit(s, o);
	json_object_put(o);
	s->delivered += e->kind == DCEA_EV_AGG ? e->count : 1;
	if (e->kind == DCEA_EV_CONTAINER && s->adm)
		admission_on_event(s->adm, e);
	return 0;
}

/* Drops are alerts of their own: nothing is lost silently. */
static void check_drops(struct streamer *s)
{
	unsigned long long lo = state_percpu_sum(s->st, M_DROPS, DCEA_DROP_RING);
	unsigned long long hi = state_percpu_sum(s->st, M_DROPS, DCEA_DROP_RING_HI);
	unsigned long long d = lo + hi;
	unsigned long long tf = state_percpu_sum(s->st, M_DROPS, DCEA_DROP_TASKS);
	struct timespec now;
	json_object *o;
	char ts[64];

	if (d == s->drops_seen)
		return;
	o = json_object_new_object();
	clock_gettime(CLOCK_REALTIME, &now);
	format_rfc3339((uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec, ts, sizeof(ts));
	json_object_object_add(o, "time", json_object_new_string(ts));
	json_object_object_add(o, "type", json_object_new_string("alert"));
	json_object_object_add(o, "rule", json_object_new_string("events_dropped"));
	/* the reserved ring holds deny, kill and critical alerts: losing one of those is critical
	 */
	json_object_object_add(o, "severity",
			       json_object_new_string(hi > s->drops_hi_seen ? "critical" : "high"));
	json_object_object_add(o, "action", json_object_new_string("alert"));
	json_object_object_add(o, "dropped", json_object_new_int64(d - s->drops_seen));
	json_object_object_add(o, "dropped_total", json_object_new_int64(d));
	json_object_object_add(o, "dropped_reserved_total", json_object_new_int64(hi));
	json_object_object_add(o, "tasks_untracked_total", json_object_new_int64(tf));
	if (s->json) {
		emit(s, o);
	} else {
		outputs_emit(o);
		fprintf(s->out,
			"%.23s  %-8s %-20s %llu events lost (ring buffer full), %llu in total\n",
			ts, "high", "events_dropped", d - s->drops_seen, d);
		fflush(s->out);
	}
	json_object_put(o);
	s->drops_seen = d;
	s->drops_hi_seen = hi;
	state_note_drops_reported(s->st, d);
}

/*
 * Namespace trust's periodic sweep: reading the pinned task iterator checks every container task
 * in the kernel; it prints the pids block mode must kill (the iterator cannot signal them itself).
 */
static void sweep(void)
{
	char buf[4096];
	FILE *f = fopen(DCEA_PIN_DIR "/links/sweep_tasks", "re");

	if (!f)
		return;
	while (fgets(buf, sizeof(buf), f)) {
		uint64_t pid;

		buf[strcspn(buf, "\n")] = '\0';
		if (!parse_u64(buf, &pid) && pid > 1 && kill((pid_t)pid, SIGKILL) == 0)
			log_debug("namespace trust: killed escaped task %llu",
				  (unsigned long long)pid);
	}
	fclose(f);
}

static bool loader_alive(__u32 pid)
{
	return pid != (__u32)getpid() && process_running(pid, "dcea");
}

const char *rule_hook(int r, const struct dcea_rule_cfg *cfg, char *buf, size_t size)
{
	if (cfg->lsm)
		return lsm_hook_of(r, buf, size);
	snprintf(buf, size, "%s", rule_table[r].fallback_hook);
	return buf;
}

void print_rule_table(FILE *f, const struct dcea_rule_cfg cfg[DCEA_R_MAX], enum dcea_mode mode)
{
	fprintf(f, "%-20s %-12s %-7s %s\n", "RULE", "ON KERNEL", "NOW", "HOOK");
	for (int i = 0; i < DCEA_R_MAX; i++) {
		const char *now = !cfg[i].enabled  ? "off"
				  : cfg[i].enforce ? effect_name(cfg[i].effective)
						   : "alert";
		char hook[160];

		fprintf(f, "%-20s %-12s %-7s %s\n", rule_table[i].name,
			effect_name(cfg[i].effective), now,
			rule_hook(i, &cfg[i], hook, sizeof(hook)));
	}
	(void)mode;
}

static int fresh_load(struct state *st, struct streamer *s, enum dcea_mode mode)
{
	enum dcea_effect eff[DCEA_R_MAX];
	struct dcea_config c = {};
	struct dcea_rule_cfg cfg[DCEA_R_MAX];
	__u64 ns[DCEA_NS_MAX];
	struct timespec now;
	__u32 lsm;
	int err, n_tasks = 0, n_ct;

	err = state_load(st, true);
	if (err)
		return err;
	err = host_ns(ns);
	if (err) {
		log_err("failed to read the host's namespaces: %s", strerror(-err));
		goto fail;
	}
	memcpy(c.host_ns, ns, sizeof(c.host_ns));
	err = cgroup_id_of("/", &c.root_cgroup);
	if (err) {
		log_err("failed to read the cgroup v2 root's id: %s", strerror(-err));
		goto fail;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	c.loaded_at = (__u64)now.tv_sec * 1000000000ULL + now.tv_nsec;
	c.backend = st->lsm_rules ? DCEA_BACKEND_LSM : DCEA_BACKEND_FALLBACK;
	c.loader_tgid = getpid();
	c.flags = st->agg ? DCEA_CFG_AGG : 0;
	if (!st->agg)
		log_warn("this kernel lacks bpf_for_each_map_elem (5.13): repeats of an alert are "
			 "not aggregated, each is delivered on its own");
	err = state_set_config(st, &c);
	if (!err)
		err = enforcer_write_lists(st, &s->pol);
	if (err)
		goto fail;
	/*
	 * Every rule on and nothing enforced while the self-test runs (canaries are always
	 * enforced). Rules with an LSM program try it first; those it does not prove to deny go
	 * back to the fallback programs and are tested again.
	 */
	for (int i = 0; i < DCEA_R_MAX; i++)
		eff[i] = DCEA_EFF_DETECT;
	lsm = st->lsm_rules;
	err = enforcer_write_rules(st, &s->pol, DCEA_MODE_AUDIT, eff, lsm);
	if (!err)
		err = canary_run(st, handle_event, s, 0, eff);
	if (!err && lsm) {
		__u32 retry = plan_unproven_lsm(lsm, eff);

		if (retry == lsm)
			snprintf(st->lsm_reason, sizeof(st->lsm_reason),
				 "LSM programs loaded but denied nothing in the self-test (is "
				 "'bpf' in lsm=?)");
		lsm &= ~retry;
		for (int i = 0; i < DCEA_R_MAX; i++)
			if (retry & (1U << i))
				eff[i] = DCEA_EFF_DETECT; /* on again for the fallback's test */
		err = enforcer_write_rules(st, &s->pol, DCEA_MODE_AUDIT, eff, lsm);
		if (!err && retry)
			err = canary_run(st, handle_event, s, retry, eff);
	}
	if (err && mode == DCEA_MODE_BLOCK) {
		log_err("the self-test could not run, refusing to claim block mode");
		goto fail;
	}
	err = enforcer_write_rules(st, &s->pol, mode, eff, lsm);
	if (err)
		goto fail;
	if (!state_get_config(st, &c)) { /* re-read: enforcer_write_rules set the mode */
		c.backend = lsm ? DCEA_BACKEND_LSM : DCEA_BACKEND_FALLBACK;
		state_set_config(st, &c);
	}
	if (st->n_unpinned)
		log_warn("%d tracepoint programs cannot be pinned on this kernel (perf links need "
			 "5.15): they stop with this process; keep 'dcea run' running",
			 st->n_unpinned);
	n_ct = ct_adopt_running(st, ns, &n_tasks);
	if (n_ct < 0)
		log_warn("failed to scan running containers: %s, ignoring", strerror(-n_ct));
	else
		log_info("watching %d running container(s), %d task(s); new containers are picked "
			 "up "
			 "at their entrypoint's exec",
			 n_ct, n_tasks);
	ct_for_each_known(st, apply_selectors, s);
	enforcer_read_rules(st, cfg);
	if (!s->json || log_verbose) {
		if (lsm)
			fprintf(stderr,
				"dcea: backend lsm (%d LSM programs) with the fallback for rules "
				"without an LSM hook; mode %s; %d programs attached\n",
				st->n_lsm, mode_name(mode), st->n_links);
		else
			fprintf(stderr,
				"dcea: backend fallback (tracepoints, cgroup/dev, cgroup/sysctl): "
				"BPF LSM unusable: %s; mode %s; %d programs attached\n",
				st->lsm_reason, mode_name(mode), st->n_links);
		print_rule_table(stderr, cfg, mode);
	}
	return 0;
fail:
	state_close(st);
	state_unpin();
	return err;
}

static void reload_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reload_status(const char *fmt, ...)
{
	FILE *f;
	va_list ap;

	mkdir("/run/dcea", 0700);
	f = fopen(RELOAD_STATUS ".tmp", "we");
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	if (!fclose(f))
		rename(RELOAD_STATUS ".tmp", RELOAD_STATUS);
}

/*
 * Swap in the policy file again (SIGHUP, `dcea reload`). A policy that does not parse is rejected
 * whole and the one in force stays. Each map entry is replaced atomically and list entries are
 * added before stale ones go, so a rule both policies enforce is enforced throughout. The mode in
 * force stays (SIGUSR1/SIGUSR2 or `dcea run --mode` switch it).
 */
static int reload(struct streamer *s)
{
	const char *name = s->policy_path ?: "the built-in default policy";
	struct dcea_rule_cfg cfg[DCEA_R_MAX];
	enum dcea_effect eff[DCEA_R_MAX];
	struct policy *np = malloc(sizeof(*np));
	struct dcea_config c;
	__u32 lsm = 0;
	int err;

	if (!np)
		return -ENOMEM;
	policy_default(np);
	err = s->policy_path ? policy_load(s->policy_path, np) : 0;
	if (err) {
		log_err("reload: '%s' rejected (%s); the policy in force stays", name,
			strerror(-err));
		reload_status("rejected %s: %s", name, strerror(-err));
		goto cleanup;
	}
	err = enforcer_read_rules(s->st, cfg);
	err = err ?: state_get_config(s->st, &c);
	if (err)
		goto fail;
	for (int i = 0; i < DCEA_R_MAX; i++) {
		eff[i] = cfg[i].effective;
		lsm |= cfg[i].lsm ? 1U << i : 0;
	}
	if (cfg[DCEA_R_CUSTOM].effective == DCEA_EFF_UNAVAILABLE)
		eff[DCEA_R_CUSTOM] = DCEA_EFF_KILL;
	err = enforcer_write_lists(s->st, np);
	err = err ?: enforcer_write_rules(s->st, np, c.mode, eff, lsm);
	if (err)
		goto fail;
	s->pol = *np;
	write_policy_in_force(&s->pol);
	ct_for_each_known(s->st, apply_selectors, s);
	log_info("reload: policy from %s in force (%zu custom rules, %zu exceptions, %s mode)",
		 name, np->n_custom, np->n_exc, mode_name(c.mode));
	reload_status("ok %s", name);
	goto cleanup;
fail:
	log_err("reload: failed to write '%s' into the kernel: %s", name, strerror(-err));
	reload_status("failed %s: %s", name, strerror(-err));
cleanup:
	free(np);
	return err;
}

/* One aggregated report: a report of one repeat is that alert, as it would have come. */
static void agg_deliver(struct streamer *s, struct dcea_event *e)
{
	if (e->count == 1) {
		e->kind = DCEA_EV_RULE;
		e->count = 0;
	}
	handle_event(s, e, sizeof(*e));
}

#define RING_BATCH 256 /* records handled, then written out, then released */
#define DRAIN_MAX  64  /* batches before the loop looks at signals and ticks again */
#define TICK_MS	   500 /* admission heartbeat, namespace sweep, aggregation flush, drops */

static void on_record(void *ctx, const void *data, size_t size)
{
	handle_event(ctx, (void *)data, size);
}

/* What the batch wrote is with the kernel (write(2) done) before the ring space is released. */
static void batch_done(struct streamer *s, struct ring *r, __u64 pos)
{
	fflush(s->out);
	ring_commit(r, pos);
}

/*
 * Handle what the rings hold, the reserved ring first and again before every batch of the other:
 * a flood of ordinary alerts never delays a deny, kill or critical alert by more than one batch.
 * True when records are still waiting after DRAIN_MAX batches.
 */
static bool drain(struct streamer *s)
{
	s->batching = true;
	for (int b = 0; b < DRAIN_MAX; b++) {
		bool any = false;

		for (int i = 0; i < 2 && !any; i++) {
			__u64 pos;
			int n = ring_read(&s->rings[i], on_record, s, RING_BATCH, &pos);

			batch_done(s, &s->rings[i], pos); /* also releases discarded records */
			any = n > 0;
		}
		if (!any) {
			s->batching = false;
			return false;
		}
	}
	s->batching = false;
	return !ring_empty(&s->rings[0]) || !ring_empty(&s->rings[1]);
}

/*
 * Repeats the kernel absorbed (bpf/agg.bpf.c): ask for a flush, deliver one alert per report,
 * remove the entries idle for a minute. An entry removed with repeats counted (one came between
 * the flush and the removal) is reported from the removed value.
 */
static void agg_on_record(void *ctx, const void *data, size_t size)
{
	struct streamer *s = ctx;
	struct dcea_agg_rec r;
	struct dcea_agg v;

	if (size < sizeof(r))
		return;
	memcpy(&r, data, sizeof(r));
	if (r.type == DCEA_AGG_REPORT) {
		agg_deliver(s, &r.ev);
	} else if (r.type == DCEA_AGG_IDLE) {
		if (!bpf_map_lookup_and_delete_elem(s->st->fd[M_AGG], &r.key, &v)) {
			if (v.count) {
				v.ev.kind = DCEA_EV_AGG;
				v.ev.count = v.count;
				v.ev.first_ns = v.first_ns ? v.first_ns : v.last_ns;
				v.ev.last_ns = v.last_ns;
				agg_deliver(s, &v.ev);
			}
		} else if (errno != ENOENT) {
			/* hash lookup-and-delete needs 5.14; 5.13 only deletes */
			bpf_map_delete_elem(s->st->fd[M_AGG], &r.key);
		}
	}
}

static void agg_flush(struct streamer *s)
{
	__u64 pos;
	int n;

	if (!s->aggout.fd)
		return;
	prctl(DCEA_PRCTL_AGG_FLUSH, 0, 0, 0, 0); /* EINVAL: the program saw it and acted */
	s->batching = true;
	do {
		n = ring_read(&s->aggout, agg_on_record, s, RING_BATCH, &pos);
		fflush(s->out);
		ring_commit(&s->aggout, pos);
	} while (n > 0);
	s->batching = false;
}

static int stream(struct streamer *s)
{
	struct epoll_event ev;
	struct signalfd_siginfo si;
	struct dcea_config c;
	struct timespec last = {}, now;
	sigset_t mask;
	int sfd = -1, epfd = -1, err = 0;
	bool pending = false;
	enum dcea_mode last_mode;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || epfd < 0) {
		err = -errno;
		log_err("failed to set up the event loop: %s", strerror(-err));
		goto cleanup;
	}
	err = ring_open(&s->rings[0], s->st->fd[M_EVENTS_HI]);
	err = err ?: ring_open(&s->rings[1], s->st->fd[M_EVENTS]);
	if (err) {
		log_err("failed to map the ring buffers: %s", strerror(-err));
		goto cleanup;
	}
	if (ring_open(&s->aggout, s->st->fd[M_AGGOUT]))
		s->aggout.fd = 0;
	ev.events = EPOLLIN;
	ev.data.fd = sfd;
	epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev);
	for (int i = 0; i < 2; i++) {
		ev.data.fd = s->rings[i].fd;
		epoll_ctl(epfd, EPOLL_CTL_ADD, s->rings[i].fd, &ev);
	}
	outputs_watch(epfd);
	state_get_config(s->st, &c);
	last_mode = c.mode;
	admission_tick(s->adm);
	admission_startup(s->adm);
	admission_sweep(s->adm);
	/* after the scan of what runs already: a container started from now on is a new one */
	log_info("streaming alerts in %s mode; Ctrl-C stops streaming, enforcement stays until "
		 "'dcea stop'",
		 mode_name(c.mode));
	/* drops not yet reported, also those while no loader ran: reported at the first tick */
	s->drops_seen = c.drops_reported;

	for (;;) {
		struct epoll_event evs[16];
		int n = epoll_wait(epfd, evs, 16, pending ? 0 : TICK_MS);

		if (n < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == s->rings[0].fd || evs[i].data.fd == s->rings[1].fd)
				continue;
			if (evs[i].data.fd != sfd) {
				outputs_event(evs[i].data.fd, evs[i].events);
				continue;
			}
			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGUSR1 || si.ssi_signo == SIGUSR2) {
				enum dcea_mode m =
					si.ssi_signo == SIGUSR1 ? DCEA_MODE_BLOCK : DCEA_MODE_AUDIT;

				err = enforcer_set_mode(s->st, m);
				if (err)
					log_err("failed to switch to %s mode: %s", mode_name(m),
						strerror(-err));
				continue;
			}
			if (si.ssi_signo == SIGHUP) {
				reload(s);
				continue;
			}
			/* a container task that block mode killed for signalling us: ignore it */
			if (!state_get_config(s->st, &c) && c.tamper_tgid &&
			    si.ssi_pid == c.tamper_tgid) {
				log_warn("ignoring signal %u from container task %u (dcea_tamper)",
					 si.ssi_signo, si.ssi_pid);
				continue;
			}
			goto done;
		}
		pending = drain(s);
		err = 0;
		/* the periodic work runs on time, not per wake-up: a flood must not multiply it */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000 <
		    TICK_MS)
			continue;
		last = now;
		admission_tick(s->adm);
		admission_sweep(s->adm);
		sweep();
		agg_flush(s);
		verify_periodic(s->out, s->json, s->color);
		check_drops(s);
		guard_check(&s->guard, emit_cb, s);
		s->clock_off = events_clock_offset();
		if (!state_get_config(s->st, &c) && c.mode != last_mode) {
			log_info("mode switched to %s", mode_name(c.mode));
			last_mode = c.mode;
		}
	}
done:
	while (drain(s))
		;
	agg_flush(s);
	check_drops(s);
cleanup:
	ring_close(&s->rings[0]);
	ring_close(&s->rings[1]);
	ring_close(&s->aggout);
	if (epfd >= 0)
		close(epfd);
	if (sfd >= 0)
		close(sfd);
	return err;
}

static int detach(const char *output)
{
	pid_t pid;
	int fd;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		printf("dcea: running in the background (pid %d), alerts to '%s'\n", pid, output);
		fflush(stdout);
		_exit(0);
	}
	setsid();
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	fd = open(output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		dup2(fd, STDERR_FILENO); /* diagnostics beside the alerts */
		close(fd);
	}
	return 0;
}

/* cmd_run's phases: each returns 0 to go on or a negative errno, except where it says otherwise. */

/*
 * Root, kernel BTF, the policy, the mode and bpffs: everything checked before a map is touched.
 * Returns 0 or the exit status.
 */
static int run_preflight(struct run_opts *o, struct streamer *s, bool *mode_given)
{
	int err;

	if (geteuid() != 0) {
		log_err("dcea run needs root (CAP_BPF, CAP_SYS_ADMIN and CAP_PERFMON)");
		return 1;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		log_err("kernel BTF '/sys/kernel/btf/vmlinux' is missing: dcea needs "
			"CONFIG_DEBUG_INFO_BTF=y");
		return 1;
	}
	policy_default(&s->pol);
	if (o->policy && policy_load(o->policy, &s->pol))
		return 1;
	s->policy_path = o->policy;
	*mode_given = o->mode >= 0 || o->policy;
	if (o->mode < 0)
		o->mode = o->policy ? (int)s->pol.mode : DCEA_MODE_AUDIT;
	err = state_ensure_bpffs();
	if (err) {
		log_err("failed to mount bpffs at '/sys/fs/bpf': %s", strerror(-err));
		return 1;
	}
	state_set_max_containers(o->max_containers);
	return 0;
}

/*
 * A pinned enforcer whose loader still streams: only its mode may be switched from here. The
 * state is closed on return; the value is the exit status.
 */
static int run_switch_mode(struct state *st, const struct dcea_config *c, const struct run_opts *o,
			   bool mode_given)
{
	int err;

	if (!mode_given) {
		log_err("dcea is already running (pid %u); use 'dcea run --mode audit|block' to "
			"switch its mode or 'dcea stop'",
			c->loader_tgid);
		state_close(st);
		return 1;
	}
	err = enforcer_set_mode(st, o->mode);
	state_close(st);
	if (err) {
		log_err("failed to switch mode: %s", strerror(-err));
		return 1;
	}
	printf("dcea: mode of the running instance (pid %u) set to %s\n", c->loader_tgid,
	       mode_name(o->mode));
	return 0;
}

/*
 * A pinned enforcer whose loader is gone (a restart): take it over with the mode it has unless
 * told otherwise, attach again what could not be pinned, and put the given policy in force.
 */
static int run_take_over(struct state *st, struct streamer *s, struct run_opts *o,
			 const struct dcea_config *c, bool mode_given)
{
	int err;

	if (mode_given && o->mode != (int)c->mode)
		enforcer_set_mode(st, o->mode);
	else
		o->mode = c->mode;
	log_info("adopting the pinned enforcer under %s (%s mode)", DCEA_PIN_DIR,
		 mode_name(o->mode));
	err = state_reattach_tracepoints(st);
	if (err > 0)
		log_warn("%d tracepoint program(s) had no pin (not pinnable before 5.15, or "
			 "removed): attached again%s",
			 err, st->n_unpinned ? "; they stop with this process" : "");
	else if (err < 0)
		log_warn("failed to attach the unpinned tracepoint programs again: %s; 'dcea stop' "
			 "and 'dcea run' load everything afresh",
			 strerror(-err));
	/* the restarted loader's policy is the one in force */
	if (o->policy && reload(s))
		return -EINVAL;
	return 0;
}

/*
 * Load the enforcer, or adopt the pinned one. When *done is set, the state is closed and the value
 * is the exit status; otherwise st is open and the value is 0 or a negative errno.
 */
static int run_attach(struct state *st, struct streamer *s, struct run_opts *o, bool mode_given,
		      bool *done)
{
	struct dcea_config c;

	*done = true;
	if (!state_pinned()) {
		if (fresh_load(st, s, o->mode))
			return 1;
		*done = false;
		return 0;
	}
	if (state_adopt(st))
		return 1;
	state_get_config(st, &c);
	if (loader_alive(c.loader_tgid))
		return run_switch_mode(st, &c, o, mode_given);
	*done = false;
	return run_take_over(st, s, o, &c, mode_given);
}

/* Detach if asked, then open where alerts go: the output file or stdout, and the extra outputs. */
static int run_open_outputs(struct state *st, struct streamer *s, struct run_opts *o)
{
	int err;

	if (o->detach) {
		if (!o->output)
			o->output = DEFAULT_DETACH_LOG;
		mkdir("/var/log/dcea", 0700);
		err = detach(o->output);
		if (err) {
			log_err("failed to detach: %s", strerror(-err));
			return err;
		}
	}
	if (o->output) {
		s->out = fopen(o->output, "ae");
		if (!s->out) {
			err = -errno;
			log_err("failed to open output '%s': %s", o->output, strerror(errno));
			return err;
		}
	} else {
		s->out = stdout;
	}
	write_policy_in_force(&s->pol);
	if (outputs_open(st))
		return -EINVAL;
	s->json = o->json;
	s->color = !o->output && !o->json && log_color(STDOUT_FILENO);
	s->clock_off = events_clock_offset();
	return 0;
}

/* This process becomes the loader of record; each run says whether repeats are summed. */
static void run_claim(struct state *st, const struct run_opts *o)
{
	struct dcea_config c;

	if (state_get_config(st, &c))
		return;
	c.loader_tgid = getpid();
	/* repeats are summed where the flush program is loaded */
	if (!o->no_aggregation && (st->agg || access(DCEA_PIN_DIR "/links/agg_flush", F_OK) == 0))
		c.flags |= DCEA_CFG_AGG;
	else
		c.flags &= ~DCEA_CFG_AGG;
	state_set_config(st, &c);
}

/* Admission, the guard of dcea's own files, then the stream until a signal ends it. */
static int run_serve(struct state *st, struct streamer *s, const struct run_opts *o)
{
	struct dcea_config c;
	int err;

	err = admission_new(&s->adm, st, &s->pol.admission, emit_cb, s);
	if (err) {
		log_err("failed to set up admission: %s", strerror(-err));
		return err;
	}
	if (!guard_init(&s->guard, st)) {
		guard_add_file(&s->guard, "/proc/self/exe", true);
		if (o->policy)
			guard_add_file(&s->guard, o->policy, true);
		if (access(TS_DEFAULT_PATH, F_OK) == 0)
			guard_add_file(&s->guard, TS_DEFAULT_PATH, false);
	}
	err = stream(s);
	admission_free(s->adm);
	if (!state_get_config(st, &c) && c.loader_tgid == (__u32)getpid()) {
		c.loader_tgid = 0;
		state_set_config(st, &c);
	}
	return err;
}

int cmd_run(int argc, char **argv)
{
	struct state st = { .skel = NULL };
	struct streamer s = { .st = &st };
	struct run_opts o;
	bool mode_given, done;
	int err;

	for (int i = 0; i < M_MAX; i++)
		st.fd[i] = -1;
	err = parse_opts(argc, argv, &o);
	if (err)
		return err > 0 ? 0 : 2;
	err = run_preflight(&o, &s, &mode_given);
	if (err)
		return err;
	err = run_attach(&st, &s, &o, mode_given, &done);
	if (done)
		return err;
	err = err ?: run_open_outputs(&st, &s, &o);
	if (!err) {
		run_claim(&st, &o);
		err = run_serve(&st, &s, &o);
	}
	guard_close(&s.guard);
	outputs_close();
	if (s.out && s.out != stdout)
		fclose(s.out);
	state_close(&st);
	return err ? 1 : 0;
}

int cmd_reload(int argc, char **argv)
{
	static const char help[] =
		"Usage: dcea reload\n\n"
		"Make the streaming 'dcea run' read its policy file again (the same as sending it\n"
		"SIGHUP) and wait for the result. The new policy is swapped in rule by rule with\n"
		"no moment without enforcement; a policy that does not validate is rejected whole "
		"and\n"
		"the one in force stays. Check a file first with 'dcea policy check FILE'.\n"
		"Exit status: 0 swapped in, 1 rejected or no loader, 2 usage.\n";
	struct state st;
	struct dcea_config c = {};
	struct stat before = {}, after;
	char line[512] = "";

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(help, stdout);
		return 0;
	}
	if (argc > 1) {
		fputs(help, stderr);
		return 2;
	}
	if (!state_pinned() || state_adopt(&st)) {
		log_err("dcea is not loaded");
		return 1;
	}
	state_get_config(&st, &c);
	state_close(&st);
	if (!loader_alive(c.loader_tgid)) {
		log_err("no 'dcea run' is streaming: start one with --policy FILE");
		return 1;
	}
	stat(RELOAD_STATUS, &before);
	if (kill(c.loader_tgid, SIGHUP)) {
		log_err("failed to signal the loader (pid %u): %s", c.loader_tgid, strerror(errno));
		return 1;
	}
	for (int i = 0; i < 100; i++) {
		usleep(50000);
		if (!stat(RELOAD_STATUS, &after) &&
		    (after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
		     after.st_mtim.tv_nsec != before.st_mtim.tv_nsec ||
		     after.st_ino != before.st_ino))
			break;
	}
	if (read_line(RELOAD_STATUS, line, sizeof(line))) {
		log_err("the loader (pid %u) did not answer", c.loader_tgid);
		return 1;
	}
	printf("dcea: reload %s\n", line);
	return strncmp(line, "ok ", 3) ? 1 : 0;
}
