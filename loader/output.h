/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where alerts go besides stdout: a JSON file rotated by size, syslog (RFC 5424), the events
 * socket that 'dcea events' follows, and the Prometheus metrics endpoint. 'dcea run' hands
 * over its options, every alert object and the epoll events of the fds registered here; none of
 * these outputs can block the loader: what a slow reader or a full syslog queue cannot take is
 * dropped and counted.
 */
#ifndef DCEA_OUTPUT_H
#define DCEA_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

struct state;

enum output_opt {
	OPT_OUTPUT_FILE = 0x200,
	OPT_ROTATE_SIZE,
	OPT_ROTATE_KEEP,
	OPT_SYSLOG,
	OPT_SOCKET,
	OPT_METRICS,
	OPT_BPF_STATS,
	OPT_OUTPUT_END,
};

/* clang-format off */
#define OUTPUT_LONGOPTS \
	{ "output-file", required_argument, NULL, OPT_OUTPUT_FILE }, \
	{ "rotate-size", required_argument, NULL, OPT_ROTATE_SIZE }, \
	{ "rotate-keep", required_argument, NULL, OPT_ROTATE_KEEP }, \
	{ "syslog", optional_argument, NULL, OPT_SYSLOG }, \
	{ "socket", optional_argument, NULL, OPT_SOCKET }, \
	{ "metrics", required_argument, NULL, OPT_METRICS }, \
	{ "bpf-stats", no_argument, NULL, OPT_BPF_STATS }
/* clang-format on */

#define DCEA_EVENTS_SOCK "/run/dcea/events.sock"

/* The option lines for 'dcea run --help'. */
void output_usage(FILE *f);

/*
 * One of the options above (c in [OPT_OUTPUT_FILE, OPT_OUTPUT_END)); an optional argument may
 * follow as the next word. 0, or -EINVAL after saying what is wrong.
 */
int output_opt(int c, const char *arg, int argc, char **argv);

/* Open every output asked for; 0 or negative errno (said). `st` is read by the metrics. */
int outputs_open(struct state *st);

/* Register the outputs' fds (listening sockets, readers) with the loop's epoll instance. */
void outputs_watch(int epfd);

/* An epoll event on an fd that is not the loop's own; ignores fds it does not know. */
void outputs_event(int fd, uint32_t events);

/* Hand one alert (or container_start, events_dropped) object to every output. */
void outputs_emit(json_object *alert);

void outputs_close(void);

/* "64M" -> 67108864; K, M, G suffixes (powers of 1024). 0 or -EINVAL. Exposed for tests. */
int parse_size(const char *s, uint64_t *out);

/*
 * The RFC 5424 message for one alert: <PRI>1 TIMESTAMP HOST dcea PID MSGID [dcea@32473 ...] JSON.
 * Returns its length (truncated to size - 1). Exposed for tests.
 */
size_t syslog_format(json_object *alert, const char *host, int pid, char *buf, size_t size);

#endif
