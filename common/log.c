// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <getopt.h>
#include <unistd.h>
#include <json-c/json.h>

#include "common/log.h"

bool log_json;
int log_verbose;
const char *log_prog = "dcea";

static void vlog(const char *level, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "level", json_object_new_string(level));
		json_object_object_add(o, "message", json_object_new_string(buf));
		fprintf(stderr, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
		return;
	}
	if (level[0] == 'i' || level[0] == 'd')
		fprintf(stderr, "%s: %s\n", log_prog, buf);
	else
		fprintf(stderr, "%s: %s: %s\n", log_prog, level, buf);
}

#define DEFINE_LOG(name, level, min_verbose)                                                       \
	void name(const char *fmt, ...)                                                            \
	{                                                                                          \
		va_list ap;                                                                        \
		if (log_verbose < (min_verbose))                                                   \
			return;                                                                    \
		va_start(ap, fmt);                                                                 \
		vlog(level, fmt, ap);                                                              \
		va_end(ap);                                                                        \
	}

DEFINE_LOG(log_err, "error", 0)
DEFINE_LOG(log_warn, "warning", 0)
DEFINE_LOG(log_info, "info", 0)
DEFINE_LOG(log_debug, "debug", 2)

void usage_error(const char *cmd, int c, char **argv)
{
	const char *opt = argv[optind - 1];

	if (c == ':')
		log_err("option '%s' needs a value; see 'dcea %s --help'", opt, cmd);
	else if (optopt)
		log_err("unknown option '-%c'; see 'dcea %s --help'", optopt, cmd);
	else
		log_err("unknown option '%s'; see 'dcea %s --help'", opt, cmd);
}

/* no-color.org: NO_COLOR present and not empty turns colour off */
bool log_color(int fd)
{
	const char *no = getenv("NO_COLOR");

	return isatty(fd) && !(no && *no);
}
