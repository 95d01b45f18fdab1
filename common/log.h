/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One diagnostic printer for every subcommand (after bpftool's p_err): plain text on stderr, or one
 * JSON object per line on stderr under --json. Messages follow git's guidelines: lowercase, no full
 * stop, what failed first, the subject in quotes, then the reason.
 */
#ifndef DCEA_LOG_H
#define DCEA_LOG_H

#include <stdbool.h>

extern bool log_json;	     /* diagnostics as JSON objects */
extern int log_verbose;	     /* 0 quiet, 1 info, 2 debug (libbpf's own output too) */
extern const char *log_prog; /* "dcea" */

__attribute__((format(printf, 1, 2))) void log_err(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_warn(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_debug(const char *fmt, ...);

/*
 * One line for a getopt_long error (call with opterr = 0 and a leading ':' in optstring):
 * "dcea: error: unknown option '--bogus'; see 'dcea run --help'".
 */
void usage_error(const char *cmd, int c, char **argv);

/* Colour only when the stream is a terminal and NO_COLOR is unset. */
bool log_color(int fd);

#endif
