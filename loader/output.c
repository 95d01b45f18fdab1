// SPDX-License-Identifier: GPL-2.0-only
/* The alert outputs of 'dcea run' besides stdout: options, the rotated file, syslog, dispatch. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "common/log.h"
#include "common/util.h"
#include "loader/events.h"
#include "loader/evsock.h"
#include "loader/metrics.h"
#include "loader/output.h"

#define DEFAULT_ROTATE_SIZE (64ULL << 20)
#define DEFAULT_ROTATE_KEEP 4
#define SYSLOG_DEFAULT	    "unix:/dev/log"
#define SYSLOG_FACILITY	    10 /* authpriv: security messages, not world-readable on most hosts */
#define SYSLOG_PEN	    "dcea@32473" /* 32473: the example enterprise number (RFC 5612) */

static struct {
	const char *file, *syslog, *socket, *metrics;
	uint64_t rotate_size;
	int rotate_keep;
	bool bpf_stats;
	/* the rotated file */
	int fd;
	uint64_t size;
	/* syslog */
	int slfd;
	struct sockaddr_storage sladdr;
	socklen_t sladdr_len;
	char host[256];
} o = {
	.rotate_size = DEFAULT_ROTATE_SIZE, .rotate_keep = DEFAULT_ROTATE_KEEP, .fd = -1, .slfd = -1
};

void output_usage(FILE *f)
{
	fprintf(f,
		"\nOutputs (besides stdout or --output; any number of them, JSON alerts):\n"
		"      --output-file FILE  append alerts to FILE, rotated by size: FILE.1 ... "
		"FILE.K\n"
		"      --rotate-size N     rotate when FILE would pass N bytes (K/M/G; default "
		"64M,\n"
		"                          0: never)\n"
		"      --rotate-keep K     rotated files kept (default %d)\n"
		"      --syslog [DEST]     one RFC 5424 message per alert (facility authpriv, "
		"MSGID the\n"
		"                          rule, structured data dcea@32473, the JSON alert as "
		"MSG) to\n"
		"                          unix:PATH (default " SYSLOG_DEFAULT
		") or udp:HOST:PORT\n"
		"      --socket [PATH]     serve alerts on a unix socket any number of readers "
		"can\n"
		"                          follow ('dcea events'; default " DCEA_EVENTS_SOCK
		"); a\n"
		"                          reader too slow to keep up loses alerts, and is told "
		"how many\n"
		"      --metrics ADDR      Prometheus metrics over HTTP on unix:PATH or "
		"127.0.0.1:PORT\n"
		"      --bpf-stats         have the kernel count BPF program run time while dcea "
		"runs\n"
		"                          (kernel.bpf_stats_enabled), for the metrics\n"
		"\n"
		"  dcea run --json --socket --syslog udp:127.0.0.1:514 --metrics 127.0.0.1:9479\n"
		"  dcea run --json --output-file /var/log/dcea/alerts.json --rotate-size 100M\n",
		DEFAULT_ROTATE_KEEP);
}

int parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t n = s ? strlen(s) : 0;
	unsigned int shift = 0;

	if (!n || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 'K':
	case 'k':
		shift = 10;
		break;
	case 'M':
	case 'm':
		shift = 20;
		break;
	case 'G':
	case 'g':
		shift = 30;
		break;
	}
	if (shift)
		num[n - 1] = '\0';
	if (parse_u64(num, out) || *out > (UINT64_MAX >> shift))
		return -EINVAL;
	*out <<= shift;
	return 0;
}

/* An optional argument given as the next word (--syslog udp:h:p) when it looks like one. */
static const char *next_word(const char *arg, int argc, char **argv, const char *const prefixes[])
{
	if (arg || optind >= argc)
		return arg;
	for (int i = 0; prefixes[i]; i++)
		if (!strncmp(argv[optind], prefixes[i], strlen(prefixes[i])))
			return argv[optind++];
	return NULL;
}

int output_opt(int c, const char *arg, int argc, char **argv)
{
	static const char *const sl_prefixes[] = { "unix:", "udp:", NULL };
	static const char *const sock_prefixes[] = { "/", "./", NULL };
	uint64_t v;

	switch (c) {
	case OPT_OUTPUT_FILE:
		o.file = arg;
		return 0;
	case OPT_ROTATE_SIZE:
		if (parse_size(arg, &v)) {
			log_err("invalid --rotate-size '%s': expected bytes, e.g. 1048576 or 64M",
				arg);
			return -EINVAL;
		}
		o.rotate_size = v;
		return 0;
	case OPT_ROTATE_KEEP:
		if (parse_u64(arg, &v) || v < 1 || v > 1000) {
			log_err("invalid --rotate-keep '%s': expected 1 to 1000 files", arg);
			return -EINVAL;
		}
		o.rotate_keep = (int)v;
		return 0;
	case OPT_SYSLOG:
		o.syslog = next_word(arg, argc, argv, sl_prefixes);
		if (!o.syslog)
			o.syslog = SYSLOG_DEFAULT;
		if (strncmp(o.syslog, "unix:", 5) && strncmp(o.syslog, "udp:", 4)) {
			log_err("invalid --syslog '%s': expected unix:PATH or udp:HOST:PORT",
				o.syslog);
			return -EINVAL;
		}
		return 0;
	case OPT_SOCKET:
		o.socket = next_word(arg, argc, argv, sock_prefixes);
		if (!o.socket)
			o.socket = DCEA_EVENTS_SOCK;
		return 0;
	case OPT_METRICS:
		o.metrics = arg;
		return metrics_check_addr(arg);
	case OPT_BPF_STATS:
		o.bpf_stats = true;
		return 0;
	}
	return -EINVAL;
}

/* --- the rotated file ------------------------------------------------------------------------- */

static int file_open(void)
{
	struct stat st;

	o.fd = open(o.file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (o.fd < 0)
		return -errno;
	o.size = fstat(o.fd, &st) ? 0 : (uint64_t)st.st_size;
	return 0;
}

/* FILE.K-1 -> FILE.K ... FILE -> FILE.1, then a new FILE. */
static void file_rotate(void)
{
	char from[4096], to[4096];

	close(o.fd);
	o.fd = -1;
	for (int i = o.rotate_keep; i >= 1; i--) {
		if (i == 1)
			snprintf(from, sizeof(from), "%s", o.file);
		else
			snprintf(from, sizeof(from), "%s.%d", o.file, i - 1);
		snprintf(to, sizeof(to), "%s.%d", o.file, i);
		if (rename(from, to) && errno != ENOENT)
			log_warn("failed to rotate '%s' to '%s': %s, ignoring", from, to,
				 strerror(errno));
	}
	if (file_open())
		log_warn("failed to reopen '%s' after rotation: %s", o.file, strerror(errno));
}

static void file_write(const char *line, size_t len)
{
	if (o.rotate_size && o.size && o.size + len > o.rotate_size)
		file_rotate();
	if (o.fd < 0 || write(o.fd, line, len) != (ssize_t)len) {
		metrics_output_drop("file");
		return;
	}
	o.size += len;
}

/* --- syslog ----------------------------------------------------------------------------------- */

static int syslog_severity(const char *sev)
{
	static const struct {
		const char *name;
		int level;
	} map[] = {
		{ "critical", 2 }, { "high", 3 }, { "medium", 4 }, { "low", 5 }, { "info", 6 }
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(sev, map[i].name))
			return map[i].level;
	return 5;
}

/* An SD-PARAM value: '"', '\' and ']' escaped (RFC 5424 6.3.3). */
static size_t sd_param(char *buf, size_t size, const char *name, const char *v)
{
	size_t n;

	if (!*v || size < 8)
		return 0;
	n = snprintf(buf, size, " %s=\"", name);
	for (; *v && n + 3 < size; v++) {
		if (*v == '"' || *v == '\\' || *v == ']')
			buf[n++] = '\\';
		buf[n++] = *v;
	}
	if (n + 1 < size)
		buf[n++] = '"';
	buf[n < size ? n : size - 1] = '\0';
	return n < size ? n : size - 1;
}

size_t syslog_format(json_object *a, const char *host, int pid, char *buf, size_t size)
{
	json_object *c = NULL;
	const char *type = alert_str(a, "type"), *rule = alert_str(a, "rule"),
		   *t = alert_str(a, "time");
	const char *msgid = *rule ? rule : *type ? type : "-";
	char ts[40], sd[1024];
	size_t n = 0, tl = strlen(t);

	/* RFC 5424 allows at most 6 digits of fraction: keep microseconds and the zone */
	if (tl > 27 && t[19] == '.' && t[tl - 1] == 'Z')
		snprintf(ts, sizeof(ts), "%.26sZ", t);
	else
		snprintf(ts, sizeof(ts), "%s", *t ? t : "-");
	json_object_object_get_ex(a, "container", &c);
	n += snprintf(sd + n, sizeof(sd) - n, "[" SYSLOG_PEN);
	n += sd_param(sd + n, sizeof(sd) - n, "type", type);
	n += sd_param(sd + n, sizeof(sd) - n, "rule", rule);
	n += sd_param(sd + n, sizeof(sd) - n, "severity", alert_str(a, "severity"));
	n += sd_param(sd + n, sizeof(sd) - n, "action", alert_str(a, "action"));
	n += sd_param(sd + n, sizeof(sd) - n, "pid", alert_str(a, "pid"));
	if (c) {
		n += sd_param(sd + n, sizeof(sd) - n, "container_id", alert_str(c, "id"));
		n += sd_param(sd + n, sizeof(sd) - n, "container_name", alert_str(c, "name"));
		n += sd_param(sd + n, sizeof(sd) - n, "pod", alert_str(c, "pod"));
		n += sd_param(sd + n, sizeof(sd) - n, "namespace", alert_str(c, "namespace"));
	}
	if (n + 2 < sizeof(sd))
		strcpy(sd + n, "]");
	n = snprintf(buf, size, "<%d>1 %s %s dcea %d %.32s %s %s",
		     SYSLOG_FACILITY * 8 + syslog_severity(alert_str(a, "severity")), ts,
		     *host ? host : "-", pid, msgid, sd,
		     json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
	return n < size ? n : size - 1;
}

static int syslog_open(void)
{
	const char *dest = o.syslog;
	int err;

	gethostname(o.host, sizeof(o.host) - 1);
	if (!strncmp(dest, "unix:", 5)) {
		struct sockaddr_un *sa = (struct sockaddr_un *)&o.sladdr;

		sa->sun_family = AF_UNIX;
		if (strlen(dest + 5) >= sizeof(sa->sun_path))
			return -ENAMETOOLONG;
		strcpy(sa->sun_path, dest + 5);
		o.sladdr_len = sizeof(*sa);
	} else {
		struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai = NULL;
		char host[256];
		const char *port = strrchr(dest + 4, ':');

		if (!port || port == dest + 4 || (size_t)(port - dest - 4) >= sizeof(host))
			return -EINVAL;
		snprintf(host, sizeof(host), "%.*s", (int)(port - dest - 4), dest + 4);
		if (host[0] == '[' && host[strlen(host) - 1] == ']') { /* [::1]:514 */
			memmove(host, host + 1, strlen(host));
			host[strlen(host) - 1] = '\0';
		}
		err = getaddrinfo(host, port + 1, &hints, &ai);
		if (err || !ai)
			return -EHOSTUNREACH;
		memcpy(&o.sladdr, ai->ai_addr, ai->ai_addrlen);
		o.sladdr_len = ai->ai_addrlen;
		freeaddrinfo(ai);
	}
	o.slfd = socket(o.sladdr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	return o.slfd < 0 ? -errno : 0;
}

/* Datagrams, never waiting: a full queue or an absent listener costs this alert, counted. */
static void syslog_send(json_object *a)
{
	char buf[8192];
	size_t n = syslog_format(a, o.host, getpid(), buf, sizeof(buf));

	if (sendto(o.slfd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&o.sladdr,
		   o.sladdr_len) != (ssize_t)n)
		metrics_output_drop("syslog");
}

/* --- dispatch --------------------------------------------------------------------------------- */

int outputs_open(struct state *st)
{
	int err = 0;

	if (o.file && (err = file_open())) {
		log_err("failed to open output file '%s': %s", o.file, strerror(-err));
		return err;
	}
	if (o.syslog && (err = syslog_open())) {
		log_err("failed to set up syslog output '%s': %s", o.syslog, strerror(-err));
		return err;
	}
	if (o.socket && (err = evsock_open(o.socket))) {
		log_err("failed to listen on events socket '%s': %s", o.socket, strerror(-err));
		return err;
	}
	if (o.metrics && (err = metrics_open(o.metrics, st, o.bpf_stats)))
		return err;
	return 0;
}

void outputs_watch(int epfd)
{
	evsock_watch(epfd);
	metrics_watch(epfd);
}

void outputs_event(int fd, uint32_t events)
{
	if (!evsock_event(fd, events))
		metrics_event(fd, events);
}

void outputs_emit(json_object *a)
{
	const char *s;
	size_t len;
	char *line;

	metrics_alert(a);
	if (o.fd < 0 && o.slfd < 0 && !o.socket)
		return;
	s = json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN);
	len = strlen(s);
	line = malloc(len + 2);
	if (!line)
		return;
	memcpy(line, s, len);
	line[len++] = '\n';
	line[len] = '\0';
	if (o.file)
		file_write(line, len);
	if (o.slfd >= 0)
		syslog_send(a);
	if (o.socket)
		evsock_send(line, len);
	free(line);
}

void outputs_close(void)
{
	if (o.fd >= 0)
		close(o.fd);
	if (o.slfd >= 0)
		close(o.slfd);
	o.fd = o.slfd = -1;
	evsock_close();
	metrics_close();
}
