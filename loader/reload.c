// SPDX-License-Identifier: GPL-2.0-only
/*
 * The policy in force: written for `dcea status`, swapped in again on SIGHUP or `dcea reload`
 * (which waits for the streaming loader's answer in RELOAD_STATUS).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "common/commands.h"
#include "common/log.h"
#include "common/util.h"
#include "loader/containers.h"
#include "loader/enforcer.h"
#include "rules/rules.h"
#include "loader/run.h"
#include "loader/state.h"
#include "loader/stream.h"
#include "policy/show.h"

#define RELOAD_STATUS	"/run/dcea/reload.status"
#define POLICY_IN_FORCE "/run/dcea/policy.json" /* names for `dcea status` */

/* The policy in force, for `dcea status` (exception and custom rule names). */
void stream_write_policy(const struct policy *p)
{
	json_object *o = policy_to_json(p);

	mkdir("/run/dcea", 0700);
	if (json_object_to_file_ext(POLICY_IN_FORCE ".tmp", o, JSON_C_TO_STRING_PLAIN) ||
	    rename(POLICY_IN_FORCE ".tmp", POLICY_IN_FORCE))
		log_warn("failed to write '%s': %s", POLICY_IN_FORCE, strerror(errno));
	json_object_put(o);
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
int stream_reload(struct streamer *s)
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
	stream_write_policy(&s->pol);
	ct_for_each_known(s->st, stream_apply_selectors, s);
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
	if (!run_loader_alive(c.loader_tgid)) {
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
