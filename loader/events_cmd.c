// SPDX-License-Identifier: GPL-2.0-only
/* dcea events: follow a running 'dcea run --socket' with filters. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <json-c/json.h>

#include "common/commands.h"
#include "common/log.h"
#include "common/util.h"
#include "loader/events.h"
#include "loader/events_filter.h"
#include "loader/output.h"
#include "loader/text.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: dcea events [--rule R] [--container C] [--severity S]\n"
		"                   [--output text|compact|json] [--count N] [--socket PATH]\n"
		"\n"
		"Follow the alerts of a running 'dcea run --socket' (the systemd unit starts it "
		"so).\n"
		"Any number of readers can follow at once. A reader too slow to keep up does not "
		"slow\n"
		"dcea down: it loses alerts and is told how many (a \"dropped\" record, also "
		"shown\n"
		"here). Filters combine with AND; a repeated filter matches any of its values.\n"
		"\n"
		"Options:\n"
		"  -r, --rule R        only this rule (repeatable, or comma-separated)\n"
		"  -c, --container C   only this container: id or id prefix, name, pod name, or\n"
		"                      NAMESPACE/POD (repeatable)\n"
		"  -s, --severity S    only alerts of at least S (info|low|medium|high|critical)\n"
		"  -o, --output FMT    text (default: columns, details folded on indented lines),\n"
		"                      compact (one line per alert, cut to the terminal's width)\n"
		"                      or json (one object per line, as dcea sends them)\n"
		"  -j, --json          the same as --output json\n"
		"  -n, --count N       exit after N matching alerts\n"
		"  -S, --socket PATH   the events socket (default " DCEA_EVENTS_SOCK ")\n"
		"  -h, --help          this help\n"
		"\n"
		"Exit status: 0 when dcea closed the stream or N alerts were shown, 1 when the "
		"socket\n"
		"cannot be reached, 2 usage.\n"
		"\n"
		"Examples:\n"
		"  dcea events --severity high\n"
		"  dcea events --output compact\n"
		"  dcea events --rule mount_sensitive,setns_foreign --json | jq .container.name\n"
		"  dcea events --container kube-system/coredns-5d78c9869d-abcde\n");
}

enum ev_output { OUT_TEXT, OUT_COMPACT, OUT_JSON };

static int parse_opts(int argc, char **argv, struct ev_filter *f, enum ev_output *out,
		      uint64_t *count, const char **sock)
{
	static const struct option longopts[] = {
		{ "rule", required_argument, NULL, 'r' },
		{ "container", required_argument, NULL, 'c' },
		{ "severity", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "count", required_argument, NULL, 'n' },
		{ "socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:c:s:jo:n:S:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (ev_filter_add_rules(f, optarg))
				return -EINVAL;
			break;
		case 'c':
			if (ev_filter_add_container(f, optarg))
				return -EINVAL;
			break;
		case 's':
			if (ev_filter_set_severity(f, optarg))
				return -EINVAL;
			break;
		case 'j':
			*out = OUT_JSON;
			break;
		case 'o':
			if (!strcmp(optarg, "text")) {
				*out = OUT_TEXT;
			} else if (!strcmp(optarg, "compact")) {
				*out = OUT_COMPACT;
			} else if (!strcmp(optarg, "json")) {
				*out = OUT_JSON;
			} else {
				log_err("invalid --output '%s': expected text, compact or json",
					optarg);
				return -EINVAL;
			}
			break;
		case 'n':
			if (parse_u64(optarg, count) || !*count) {
				log_err("invalid --count '%s': expected a positive number", optarg);
				return -EINVAL;
			}
			break;
		case 'S':
			*sock = optarg;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage_error("events", c, argv);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		log_err("unexpected argument '%s'; see 'dcea events --help'", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static FILE *connect_sock(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;
	FILE *f;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

/* false when nothing was shown */
static bool show(json_object *a, const char *line, enum ev_output out, const struct text_opts *to)
{
	const char *type = alert_str(a, "type");
	char buf[4096];

	if (out == OUT_JSON) {
		fputs(line, stdout);
	} else if (!strcmp(type, "container_start") ||
		   (!strcmp(type, "admission") && !strcmp(alert_str(a, "action"), "none"))) {
		return false; /* for humans: starts and verdicts that did nothing are not news */
	} else if (!strcmp(type, "dropped")) {
		printf("%.19s %-8s %-20s %s alerts lost: this reader was too slow (%s in total)\n",
		       alert_str(a, "time"), "high", "events_dropped", alert_str(a, "dropped"),
		       alert_str(a, "dropped_total"));
	} else {
		alert_format_text(a, buf, sizeof(buf), to);
		printf("%s\n", buf);
	}
	fflush(stdout);
	return true;
}

int cmd_events(int argc, char **argv)
{
	struct ev_filter flt;
	const char *sock = DCEA_EVENTS_SOCK;
	enum ev_output out = OUT_TEXT;
	struct text_opts to = { 0 };
	uint64_t count = 0, shown = 0;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int err;

	ev_filter_init(&flt);
	err = parse_opts(argc, argv, &flt, &out, &count, &sock);
	if (err)
		return err > 0 ? 0 : 2;
	f = connect_sock(sock);
	if (!f) {
		log_err("failed to connect to '%s': %s (is 'dcea run --socket' running?)", sock,
			strerror(errno));
		return 1;
	}
	to.style = out == OUT_COMPACT ? TEXT_COMPACT : TEXT_FULL;
	to.color = out != OUT_JSON && log_color(STDOUT_FILENO);
	to.width = text_width(STDOUT_FILENO);
	while (getline(&line, &cap, f) > 0) {
		json_object *a = json_tokener_parse(line);

		if (!a)
			continue;
		if (ev_filter_match(&flt, a) && show(a, line, out, &to))
			shown++;
		json_object_put(a);
		if (count && shown >= count)
			break;
	}
	free(line);
	fclose(f);
	return 0;
}
