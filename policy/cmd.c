// SPDX-License-Identifier: GPL-2.0-only
/* dcea policy check FILE / dcea policy show [FILE]: validate a policy, print the effective one. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "common/commands.h"
#include "common/log.h"
#include "loader/rules.h"
#include "policy/parse.h"
#include "policy/show.h"

static const char help[] =
	"Usage: dcea policy check FILE [--json]\n"
	"       dcea policy show [FILE] [--json]\n\n"
	"check  validate a YAML policy file: every problem as FILE:LINE:COL: what is wrong, or a\n"
	"       summary (mode, rules with action and severity, list sizes)\n"
	"show   print the effective policy (FILE on top of the built-in default, or the default)\n"
	"       as a YAML file to start from, or as one JSON object\n\n"
	"Options:\n"
	"  -j, --json   one JSON object on stdout\n"
	"  -h, --help   this text\n\n"
	"Examples:\n"
	"  dcea policy show > my-policy.yaml\n"
	"  dcea policy check my-policy.yaml && dcea run --policy my-policy.yaml\n\n"
	"Exit status: 0 valid, 1 invalid or unreadable, 2 usage. The schema is in "
	"docs/POLICY.md.\n";

/* Under --json the errors go into check's result object instead of stderr. */
static void collect(const struct policy_diag *d, void *arg)
{
	json_object *e = json_object_new_object();

	if (d->line) {
		json_object_object_add(e, "line", json_object_new_int(d->line));
		json_object_object_add(e, "column", json_object_new_int(d->col));
	}
	json_object_object_add(e, "message", json_object_new_string(d->msg));
	json_object_array_add(arg, e);
}

static void count(const struct policy_diag *d, void *arg)
{
	if (d->line)
		log_err("%s:%u:%u: %s", d->file, d->line, d->col, d->msg);
	else
		log_err("%s: %s", d->file, d->msg);
	(*(int *)arg)++;
}

static void put_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static int check(const char *file, bool json)
{
	json_object *errors = json ? json_object_new_array() : NULL, *o;
	struct policy p;
	int err, n = 0;

	policy_default(&p);
	if (json)
		err = policy_load_diag(file, &p, collect, errors);
	else
		err = policy_load_diag(file, &p, count, &n);
	if (!json) {
		if (err == -EINVAL)
			log_err("policy '%s' is invalid: %d error%s", file, n, n == 1 ? "" : "s");
		else if (!err)
			policy_print_summary(stdout, file, &p);
		return err ? 1 : 0;
	}
	if (err) {
		o = json_object_new_object();
		json_object_object_add(o, "file", json_object_new_string(file));
		json_object_object_add(o, "valid", json_object_new_boolean(false));
		json_object_object_add(o, "errors", errors);
	} else {
		json_object *lists = json_object_new_object(), *full = policy_to_json(&p), *v;

		json_object_put(errors);
		o = json_object_new_object();
		json_object_object_add(o, "file", json_object_new_string(file));
		json_object_object_add(o, "valid", json_object_new_boolean(true));
		json_object_object_add(o, "mode", json_object_new_string(mode_name(p.mode)));
		json_object_object_get_ex(full, "rules", &v);
		json_object_object_add(o, "rules", json_object_get(v));
		for (int l = 0; l < POLICY_L_MAX; l++)
			json_object_object_add(lists, policy_list_names[l],
					       json_object_new_int(policy_list_len(&p, l)));
		json_object_object_add(o, "lists", lists);
		json_object_put(full);
	}
	put_json(o);
	return err ? 1 : 0;
}

static int show(const char *file, bool json)
{
	struct policy p;

	policy_default(&p);
	if (file && policy_load(file, &p))
		return 1;
	if (json)
		put_json(policy_to_json(&p));
	else
		policy_print_yaml(stdout, &p);
	return 0;
}

int cmd_policy(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *verb;
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			printf("%s", help);
			return 0;
		default:
			fprintf(stderr, "Try 'dcea policy --help'.\n");
			return 2;
		}
	}
	if (optind >= argc) {
		log_err("missing subcommand: check or show; see 'dcea policy --help'");
		return 2;
	}
	verb = argv[optind++];
	if (!strcmp(verb, "check")) {
		if (argc - optind != 1) {
			log_err("'policy check' takes one FILE; see 'dcea policy --help'");
			return 2;
		}
		return check(argv[optind], json);
	}
	if (!strcmp(verb, "show")) {
		if (argc - optind > 1) {
			log_err("unexpected argument '%s'; see 'dcea policy --help'",
				argv[optind + 1]);
			return 2;
		}
		return show(optind < argc ? argv[optind] : NULL, json);
	}
	log_err("unknown subcommand '%s'; see 'dcea policy --help'", verb);
	return 2;
}
