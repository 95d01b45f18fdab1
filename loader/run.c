// SPDX-License-Identifier: GPL-2.0-only
/* dcea run: load (or adopt) the enforcer, prove what it enforces, stream alerts. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "common/commands.h"
#include "common/log.h"
#include "common/util.h"
#include "loader/admission.h"
#include "loader/canary.h"
#include "loader/cgroup.h"
#include "loader/containers.h"
#include "loader/enforcer.h"
#include "loader/events.h"
#include "loader/nsinfo.h"
#include "loader/lsm.h"
#include "loader/output.h"
#include "loader/plan.h"
#include "rules/rules.h"
#include "loader/run.h"
#include "loader/state.h"
#include "loader/stream.h"
#include "loader/truststore.h"
#include "loader/verify.h"
#include "policy/policy.h"

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

bool run_loader_alive(__u32 pid)
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
	fprintf(f, "%-20s %-15s %-7s %s\n", "RULE", "ON KERNEL", "NOW", "HOOK");
	for (int i = 0; i < DCEA_R_MAX; i++) {
		const char *now = !cfg[i].enabled  ? "off"
				  : cfg[i].enforce ? effect_name(cfg[i].effective)
						   : "alert";
		char hook[160];

		fprintf(f, "%-20s %-15s %-7s %s\n", rule_table[i].name,
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
		log_warn(
			"this kernel lacks bpf_for_each_map_elem (5.13): repeats of an alert are not aggregated, each is delivered on its own");
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
		err = canary_run(st, stream_handle_event, s, 0, eff);
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
			err = canary_run(st, stream_handle_event, s, retry, eff);
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
		log_warn(
			"%d tracepoint programs cannot be pinned on this kernel (perf links need 5.15): they stop with this process; keep 'dcea run' running",
			st->n_unpinned);
	err = state_write_held_links(st);
	if (err)
		log_warn("failed to write '%s': %s, ignoring", DCEA_HELD_LINKS, strerror(-err));
	n_ct = ct_adopt_running(st, ns, &n_tasks);
	state_sync_tasks(); /* the open programs find the adopted tasks in their task storage */
	if (n_ct < 0)
		log_warn("failed to scan running containers: %s, ignoring", strerror(-n_ct));
	else
		log_info(
			"watching %d running container(s), %d task(s); new containers are picked up at their entrypoint's exec",
			n_ct, n_tasks);
	ct_for_each_known(st, stream_apply_selectors, s);
	enforcer_read_rules(st, cfg);
	if (!s->json || log_verbose) {
		if (lsm)
			fprintf(stderr,
				"dcea: backend lsm (%d LSM programs) with the fallback for rules without an LSM hook; mode %s; %d programs attached\n",
				st->n_lsm, mode_name(mode), st->n_links);
		else
			fprintf(stderr,
				"dcea: backend fallback (tracepoints, cgroup/dev, cgroup/sysctl): BPF LSM unusable: %s; mode %s; %d programs attached\n",
				st->lsm_reason, mode_name(mode), st->n_links);
		print_rule_table(stderr, cfg, mode);
	}
	return 0;
fail:
	state_close(st);
	state_unpin();
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
		log_err("kernel BTF '/sys/kernel/btf/vmlinux' is missing: dcea needs CONFIG_DEBUG_INFO_BTF=y");
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
		log_err("dcea is already running (pid %u); use 'dcea run --mode audit|block' to switch its mode or 'dcea stop'",
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
		log_warn(
			"%d tracepoint program(s) had no pin (not pinnable before 5.15, or removed): attached again%s",
			err, st->n_unpinned ? "; they stop with this process" : "");
	else if (err < 0)
		log_warn(
			"failed to attach the unpinned tracepoint programs again: %s; 'dcea stop' and 'dcea run' load everything afresh",
			strerror(-err));
	err = state_write_held_links(st);
	if (err)
		log_warn("failed to write '%s': %s, ignoring", DCEA_HELD_LINKS, strerror(-err));
	/* the restarted loader's policy is the one in force */
	if (o->policy && stream_reload(s))
		return -EINVAL;
	return 0;
}

/*
 * Where alerts go: the output file or stdout, and the extra outputs. Opened before the load, so
 * that an alert of another container drained while the self-test runs reaches them too; --detach
 * comes after the load (its exit status still says whether the load worked) and keeps them.
 */
static int run_open_outputs(struct state *st, struct streamer *s, struct run_opts *o)
{
	int err;

	if (o->detach && !o->output) {
		o->output = DEFAULT_DETACH_LOG;
		mkdir("/var/log/dcea", 0700);
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
	s->json = o->json;
	s->color = !o->output && !o->json && log_color(STDOUT_FILENO);
	s->clock_off = events_clock_offset();
	stream_write_policy(&s->pol);
	if (outputs_open(st))
		return -EINVAL;
	return 0;
}

/*
 * Load the enforcer, or adopt the pinned one; either way with the outputs open (this process is
 * then the loader). When *done is set, the state is closed, nothing is open and the value is the
 * exit status; otherwise the value is 0 or a negative errno, and cmd_run closes what is open.
 */
static int run_attach(struct state *st, struct streamer *s, struct run_opts *o, bool mode_given,
		      bool *done)
{
	struct dcea_config c;
	int err;

	*done = true;
	if (!state_pinned()) {
		*done = false;
		err = run_open_outputs(st, s, o);
		if (!err && fresh_load(st, s, o->mode))
			err = -EINVAL; /* said by fresh_load */
		return err;
	}
	if (state_adopt(st))
		return 1;
	state_get_config(st, &c);
	if (run_loader_alive(c.loader_tgid))
		return run_switch_mode(st, &c, o, mode_given);
	*done = false;
	err = run_open_outputs(st, s, o);
	return err ?: run_take_over(st, s, o, &c, mode_given);
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

	err = admission_new(&s->adm, st, &s->pol.admission, stream_emit_cb, s);
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
	err = stream_run(s);
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
	if (!err && o.detach) {
		err = detach(o.output);
		if (err)
			log_err("failed to detach: %s", strerror(-err));
	}
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
