// SPDX-License-Identifier: GPL-2.0-only
/*
 * The two front ends of the namespace-trust sweep (verify.c): `dcea verify`, and `dcea run
 * --verify-interval`, which runs the sweep periodically and prints new findings as alerts.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "common/commands.h"
#include "common/log.h"
#include "common/util.h"
#include "loader/events.h"
#include "loader/output.h"
#include "rules/rules.h"
#include "loader/text.h"
#include "loader/truststore.h"
#include "loader/verify.h"

/* --- dcea run: the periodic sweep ---------------------------------------------------------- */

static unsigned int verify_interval; /* seconds, 0: off */

int verify_set_interval(const char *arg)
{
	uint64_t v;

	if (parse_u64(arg, &v) || v == 0 || v > 86400) {
		log_err("invalid verify interval '%s': expected seconds from 1 to 86400", arg);
		return -EINVAL;
	}
	verify_interval = (unsigned int)v;
	return 0;
}

struct periodic {
	FILE *out;
	bool json, color;
};

/* Findings already printed: a task that stays escaped is reported once, not every interval. */
#define SEEN_MAX 512
static char seen[SEEN_MAX][96];
static unsigned int n_seen;

static bool seen_before(json_object *f)
{
	json_object *v;
	char key[96], path[64], line[64] = "";
	int pid = json_object_object_get_ex(f, "pid", &v) ? json_object_get_int(v) : 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (pid)
		read_line(path, line, sizeof(line)); /* the comm part tells reused pids apart */
	snprintf(key, sizeof(key), "%d %s %s %.40s", pid,
		 json_object_object_get_ex(f, "finding", &v) ? json_object_get_string(v) : "",
		 json_object_object_get_ex(f, "detail", &v) ? json_object_get_string(v) : "", line);
	for (unsigned int i = 0; i < n_seen && i < SEEN_MAX; i++)
		if (!strcmp(seen[i], key))
			return true;
	snprintf(seen[n_seen++ % SEEN_MAX], sizeof(seen[0]), "%s", key);
	return false;
}

static void periodic_alert(void *ctx, json_object *f)
{
	struct periodic *p = ctx;
	json_object *a, *d;
	char line[4096];

	if (seen_before(f))
		return;
	a = alert_new("ns_escape", "critical", rule_table[DCEA_R_NS_ESCAPE].title);
	json_object_object_add(a, "source", json_object_new_string("verify"));
	d = json_object_new_object();
	json_object_object_foreach(f, k, val) {
		if (!strcmp(k, "type") || !strcmp(k, "rule"))
			continue;
		if (!strcmp(k, "finding") || !strcmp(k, "detail"))
			json_object_object_add(d, k, json_object_get(val));
		json_object_object_add(a, k, json_object_get(val));
	}
	json_object_object_add(a, "details", d);
	outputs_emit(a);
	if (p->json) {
		fprintf(p->out, "%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
	} else {
		struct text_opts to = { .style = TEXT_FULL,
					.color = p->color,
					.width = text_width(fileno(p->out)) };

		alert_format_text(a, line, sizeof(line), &to);
		fprintf(p->out, "%s\n", line);
	}
	fflush(p->out);
	json_object_put(a);
}

void verify_periodic(FILE *out, bool json, bool color)
{
	static struct timespec last;
	struct periodic p = { .out = out, .json = json, .color = color };
	struct verify_summary sum;
	struct timespec now;

	if (!verify_interval)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (last.tv_sec && now.tv_sec - last.tv_sec < (time_t)verify_interval)
		return;
	last = now;
	/* the store is read, never written here: `dcea verify --update` measures */
	if (verify_sweep(access(TS_DEFAULT_PATH, F_OK) ? NULL : TS_DEFAULT_PATH, false,
			 periodic_alert, &p, &sum))
		log_warn("the verify sweep failed, ignoring");
}

/* --- dcea verify --------------------------------------------------------------------------- */

struct printer {
	bool json;
};

static void print_finding(void *ctx, json_object *f)
{
	struct printer *p = ctx;
	json_object *c = NULL, *v;
	const char *name = "";

	if (p->json) {
		printf("%s\n", json_object_to_json_string_ext(f, JSON_C_TO_STRING_PLAIN));
		return;
	}
	if (json_object_object_get_ex(f, "container", &c)) {
		if (json_object_object_get_ex(c, "name", &v))
			name = json_object_get_string(v);
		if (!*name && json_object_object_get_ex(c, "id", &v))
			name = json_object_get_string(v);
	}
	printf("%-20.20s %-8d %-16.16s %-14s %s\n", *name ? name : "-",
	       json_object_object_get_ex(f, "pid", &v) ? json_object_get_int(v) : 0,
	       json_object_object_get_ex(f, "comm", &v) ? json_object_get_string(v) : "",
	       json_object_object_get_ex(f, "finding", &v) ? json_object_get_string(v) : "",
	       json_object_object_get_ex(f, "detail", &v) ? json_object_get_string(v) : "");
}

int cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },   { "store", required_argument, NULL, 's' },
		{ "update", no_argument, NULL, 'u' }, { "no-store", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },   {},
	};
	struct printer p = {};
	struct verify_summary sum;
	const char *store = TS_DEFAULT_PATH;
	bool update = false, created;
	int c, err;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":js:unh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			p.json = log_json = true;
			break;
		case 's':
			store = optarg;
			break;
		case 'u':
			update = true;
			break;
		case 'n':
			store = NULL;
			break;
		case 'h':
			printf("Usage: dcea verify [--json] [--store FILE] [--update] "
			       "[--no-store]\n\n"
			       "Check every process of every container against its container's "
			       "baseline:\n"
			       "host namespaces it did not start in, capabilities beyond the "
			       "container's\n"
			       "bounding set, a root or working directory outside the container. "
			       "Uses the\n"
			       "kernel's baselines when dcea is loaded, else each container's "
			       "first process.\n"
			       "Also compares every task with its last measurement in the trust "
			       "store\n"
			       "(SHA-256 of pid, start time, namespace inodes and ids; default "
			       "" TS_DEFAULT_PATH ",\n"
			       "created 0600 on first use) and reports tasks whose namespaces "
			       "changed, and a\n"
			       "store that is tampered with or readable by others.\n"
			       "\n"
			       "  -j, --json        one JSON object per finding\n"
			       "  -s, --store FILE  the trust store\n"
			       "  -u, --update      measure again and rewrite the store\n"
			       "  -n, --no-store    baseline checks only\n"
			       "\nExit status: 0 nothing found, 1 an escaped or changed task or a "
			       "bad "
			       "store, 2 error.\n");
			return 0;
		default:
			usage_error("verify", c, argv);
			return 2;
		}
	}
	if (optind < argc) {
		log_err("unexpected argument '%s'; see 'dcea verify --help'", argv[optind]);
		return 2;
	}
	if (geteuid() != 0) {
		log_err("dcea verify needs root to read other processes' namespaces");
		return 2;
	}
	created = store && access(store, F_OK) && errno == ENOENT;
	if (!p.json)
		printf("%-20s %-8s %-16s %-14s %s\n", "CONTAINER", "PID", "COMM", "FINDING",
		       "DETAIL");
	err = verify_sweep(store, update || created, print_finding, &p, &sum);
	if (err)
		return 2;
	if (!p.json)
		printf("\n%d container(s), %d task(s) checked (%s baselines): %d finding(s)\n",
		       sum.containers, sum.tasks, sum.kernel_baselines ? "kernel" : "first-process",
		       sum.findings);
	if (store && (update || created))
		log_info("trust store '%s' %s: %d task(s) measured", store,
			 created ? "created" : "rewritten", sum.tasks);
	return sum.findings ? 1 : 0;
}
