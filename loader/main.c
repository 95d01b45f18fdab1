// SPDX-License-Identifier: GPL-2.0-only
/* dcea: parse the subcommand and hand over; everything else lives in the subcommand's file. */
#include <stdio.h>
#include <string.h>

#include "common/commands.h"
#include "common/log.h"
#include "common/util.h"
#include "policy/admission.h"
#include "scanners/config.h"

#ifndef DCEA_VERSION
#define DCEA_VERSION "0.1.0"
#endif

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "run", cmd_run, "load the enforcer and stream alerts (audit or block mode)" },
	{ "events", cmd_events,
	  "follow the alerts of a running 'dcea run --socket', with filters" },
	{ "status", cmd_status, "show backend, mode, drops and what each rule enforces here" },
	{ "stop", cmd_stop, "detach every program and remove the pins" },
	{ "reload", cmd_reload, "swap in the running loader's policy file again (SIGHUP)" },
	{ "verify", cmd_verify, "check every container task against its namespace baseline" },
	{ "policy", cmd_policy, "validate a YAML policy file or print the effective policy" },
	{ "scan", cmd_scan, "pre-launch scanners: kernel, runtimes, container configs, images" },
	{ "db", cmd_db, "fetch, verify and show the vulnerability database of 'scan image'" },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: dcea COMMAND [OPTIONS]\n\n"
		"dcea detects and stops container escapes: a kernel-resident eBPF enforcer plus\n"
		"pre-launch scanners of the host, images and container "
		"configurations.\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nRun 'dcea COMMAND --help' for the options of one command.\n"
		   "\nExamples:\n"
		   "  dcea run                      # audit mode, built-in default policy\n"
		   "  dcea run --mode block --detach\n"
		   "  dcea status --json\n"
		   "  dcea stop\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("dcea %s\n", DCEA_VERSION);
		return 0;
	}
	/* the policy validates admission check ids against the scanners' table */
	admission_set_config_checks(config_check_exists);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	log_err("unknown command '%s'; see 'dcea --help'", argv[1]);
	return 2;
}
