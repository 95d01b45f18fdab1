// SPDX-License-Identifier: GPL-2.0-only
/* dcea policy check FILE / dcea policy show [FILE]: validate a policy, print the effective one. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <json-c/json.h>

#include "common/commands.h"
#include "common/log.h"
#include "common/util.h"
#include "rules/rules.h"
#include "policy/parse.h"
#include "policy/show.h"
#include "policy/suggest.h"

static const char help[] =
	"Usage: dcea policy check FILE [--json]\n"
	"       dcea policy show [FILE] [--json]\n"
	"       dcea policy suggest [--policy FILE] [ALERTS...|--socket PATH --duration SECS]\n\n"
	"check  validate a YAML policy file: every problem as FILE:LINE:COL: what is wrong, or a\n"
	"       summary (mode, rules with action and severity, list sizes)\n"
	"show   print the effective policy (FILE on top of the built-in default, or the default)\n"
	"       as a YAML file to start from, or as one JSON object\n"
	"suggest  from alerts seen in audit mode (JSON lines: files, '-' for stdin, or the\n"
	"       events socket for a while), the exceptions that would silence them, by image\n"
	"       and executable, with counts, as a policy fragment; exceptions for rules the\n"
	"       policy blocks (escape rules) are commented out and marked DANGEROUS\n\n"
	"Options:\n"
	"  -j, --json           one JSON object on stdout (check, show)\n"
	"  -p, --policy FILE    suggest: the policy whose block rules are dangerous (default:\n"
	"                       the built-in one)\n"
	"  -S, --socket PATH    suggest: read the events socket of 'dcea run --socket'\n"
	"  -d, --duration SECS  suggest: for this long (with --socket)\n"
	"  -h, --help           this text\n\n"
	"Examples:\n"
	"  dcea policy show > my-policy.yaml\n"
	"  dcea policy check my-policy.yaml && dcea run --policy my-policy.yaml\n"
	"  dcea run --mode audit --output-file /var/log/dcea.json   # a week later:\n"
	"  dcea policy suggest /var/log/dcea.json* > exceptions.yaml\n"
	"  dcea policy suggest --socket /run/dcea/events.sock --duration 3600\n\n"
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

/* Records from the events socket for `secs` seconds (or until the loader closes it). */
static int suggest_socket(struct suggest *s, const char *path, uint64_t secs)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint64_t end = (uint64_t)time(NULL) + secs;
	char buf[65536], *line = NULL;
	size_t len = 0;
	int fd, err = 0;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		goto cleanup;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = (int64_t)(end - (uint64_t)time(NULL));
		ssize_t n;
		char *nl, *tmp;

		if (left <= 0 || poll(&p, 1, left * 1000) <= 0)
			break;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		tmp = realloc(line, len + n + 1);
		if (!tmp) {
			err = -ENOMEM;
			break;
		}
		line = tmp;
		memcpy(line + len, buf, n);
		len += n;
		line[len] = '\0';
		while ((nl = memchr(line, '\n', len))) {
			json_object *o;

			*nl = '\0';
			o = json_tokener_parse(line);
			if (o)
				suggest_add(s, o);
			json_object_put(o);
			len -= nl + 1 - line;
			memmove(line, nl + 1, len + 1);
		}
	}
cleanup:
	free(line);
	if (fd >= 0)
		close(fd);
	return err;
}

static int suggest(int argc, char **argv, const char *policy, const char *sock, uint64_t secs)
{
	struct policy p;
	struct suggest *s;
	char source[256] = "";
	int err = 0;

	policy_default(&p);
	if (policy && policy_load(policy, &p))
		return 1;
	s = suggest_new(&p);
	if (!s)
		return 1;
	if (sock) {
		err = suggest_socket(s, sock, secs);
		if (err)
			log_err("failed to read '%s': %s (is 'dcea run --socket' running?)", sock,
				strerror(-err));
		snprintf(source, sizeof(source), "%s for %llu s", sock, (unsigned long long)secs);
	}
	for (int i = 0; i < argc && !err; i++) {
		FILE *f = strcmp(argv[i], "-") ? fopen(argv[i], "re") : stdin;

		if (!f) {
			log_err("failed to open '%s': %s", argv[i], strerror(errno));
			err = -errno;
			break;
		}
		suggest_read(s, f);
		if (f != stdin)
			fclose(f);
		snprintf(source + strlen(source), sizeof(source) - strlen(source), "%s%s",
			 i ? " " : "", argv[i]);
	}
	if (!err)
		suggest_print(s, stdout, source);
	suggest_free(s);
	return err ? 1 : 0;
}

int cmd_policy(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "policy", required_argument, NULL, 'p' },
		{ "socket", required_argument, NULL, 'S' },
		{ "duration", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *verb, *policy = NULL, *sock = NULL;
	uint64_t secs = 0;
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "jp:S:d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			policy = optarg;
			break;
		case 'S':
			sock = optarg;
			break;
		case 'd':
			if (parse_u64(optarg, &secs) || !secs) {
				log_err("invalid --duration '%s': expected a number of seconds",
					optarg);
				return 2;
			}
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
		log_err("missing subcommand: check, show or suggest; see 'dcea policy --help'");
		return 2;
	}
	verb = argv[optind++];
	if ((policy || sock || secs) && strcmp(verb, "suggest")) {
		log_err("--policy, --socket and --duration are options of 'policy suggest'");
		return 2;
	}
	if (!strcmp(verb, "suggest")) {
		if ((sock != NULL) == (argc > optind) || !sock != !secs) {
			log_err("'policy suggest' reads ALERTS files or --socket PATH --duration SECS; see 'dcea policy --help'");
			return 2;
		}
		return suggest(argc - optind, argv + optind, policy, sock, secs);
	}
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
