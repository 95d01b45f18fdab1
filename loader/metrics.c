// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <bpf/bpf.h>

#include "common/log.h"
#include "common/util.h"
#include "loader/enforcer.h"
#include "loader/events.h"
#include "loader/evsock.h"
#include "loader/findings.h"
#include "loader/metrics.h"
#include "rules/rules.h"
#include "loader/state.h"

#define MAX_SERIES 128
#define MAX_CONNS  8
#define BODY_MAX   (256 << 10)

struct series {
	char rule[40], action[16], severity[16];
	uint64_t n;
};

struct conn {
	int fd;
	char req[2048];
	size_t rlen;
	char *out;
	size_t olen, off;
};

static struct {
	struct series alerts[MAX_SERIES];
	int n_alerts;
	uint64_t container_starts, out_drops[3];
	struct state *st;
	int lfd, epfd, stats_fd;
	char path[108];
	struct conn c[MAX_CONNS];
} m = { .lfd = -1, .epfd = -1, .stats_fd = -1 };

static const char *const outputs[] = { "socket", "syslog", "file" };

void metrics_alert(json_object *a)
{
	const char *rule = alert_str(a, "rule"), *action = alert_str(a, "action"),
		   *sev = alert_str(a, "severity");
	json_object *agg, *cnt;
	int i;

	if (!strcmp(alert_str(a, "type"), "container_start")) {
		m.container_starts++;
		return;
	}
	for (i = 0; i < m.n_alerts; i++)
		if (!strcmp(m.alerts[i].rule, rule) && !strcmp(m.alerts[i].action, action) &&
		    !strcmp(m.alerts[i].severity, sev))
			break;
	if (i == m.n_alerts) {
		if (m.n_alerts == MAX_SERIES)
			return;
		snprintf(m.alerts[i].rule, sizeof(m.alerts[i].rule), "%s", rule);
		snprintf(m.alerts[i].action, sizeof(m.alerts[i].action), "%s", action);
		snprintf(m.alerts[i].severity, sizeof(m.alerts[i].severity), "%s", sev);
		m.n_alerts++;
	}
	/* an aggregated record counts the repeats it stands for */
	if (json_object_object_get_ex(a, "aggregated", &agg) &&
	    json_object_object_get_ex(agg, "count", &cnt) && json_object_get_int64(cnt) > 1)
		m.alerts[i].n += json_object_get_int64(cnt);
	else
		m.alerts[i].n++;
}

void metrics_output_drop(const char *output)
{
	for (size_t i = 0; i < ARRAY_SIZE(outputs); i++)
		if (!strcmp(outputs[i], output))
			m.out_drops[i]++;
}

/* --- rendering -------------------------------------------------------------------------------- */

struct text {
	char *buf;
	size_t size, n;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (t->n >= t->size)
		return;
	va_start(ap, fmt);
	k = vsnprintf(t->buf + t->n, t->size - t->n, fmt, ap);
	va_end(ap);
	t->n = k < 0 ? t->n : t->n + k > t->size - 1 ? t->size - 1 : t->n + k;
}

static void head(struct text *t, const char *name, const char *type, const char *help)
{
	put(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label values from alerts may hold anything: escape \, " and newlines. */
static const char *esc(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 3 < size; s++) {
		if (*s == '\\' || *s == '"' || *s == '\n') {
			buf[n++] = '\\';
			buf[n++] = *s == '\n' ? 'n' : *s;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
	return buf;
}

static void render_progs(struct text *t)
{
	static struct {
		char name[256];
		__u64 ns, runs;
	} p[128];
	DIR *d = opendir(DCEA_PIN_DIR "/links");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) && n < (int)ARRAY_SIZE(p)) {
		struct bpf_link_info li = {};
		struct bpf_prog_info pi = {};
		__u32 ll = sizeof(li), pl = sizeof(pi);
		char path[512];
		int lfd, pfd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), DCEA_PIN_DIR "/links/%s", de->d_name);
		lfd = bpf_obj_get(path);
		if (lfd < 0)
			continue;
		pfd = bpf_obj_get_info_by_fd(lfd, &li, &ll) ? -1
							    : bpf_prog_get_fd_by_id(li.prog_id);
		close(lfd);
		if (pfd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(pfd, &pi, &pl)) {
			snprintf(p[n].name, sizeof(p[n].name), "%s", de->d_name);
			p[n].ns = pi.run_time_ns;
			p[n++].runs = pi.run_cnt;
		}
		close(pfd);
	}
	if (d)
		closedir(d);
	head(t, "dcea_bpf_prog_run_time_seconds_total", "counter",
	     "time the kernel spent in each dcea program (only while BPF stats are enabled)");
	for (int i = 0; i < n; i++)
		put(t, "dcea_bpf_prog_run_time_seconds_total{prog=\"%s\"} %.9f\n", p[i].name,
		    p[i].ns / 1e9);
	head(t, "dcea_bpf_prog_runs_total", "counter",
	     "runs of each dcea program (only while BPF stats are enabled)");
	for (int i = 0; i < n; i++)
		put(t, "dcea_bpf_prog_runs_total{prog=\"%s\"} %llu\n", p[i].name,
		    (unsigned long long)p[i].runs);
}

static void render_kernel(struct text *t, struct state *st)
{
	struct dcea_rule_cfg cfg[DCEA_R_MAX];
	struct dcea_config c;
	char line[32] = "0";
	int per_eff[DCEA_EFF_SELFTEST_FAILED + 1] = { 0 };

	head(t, "dcea_ringbuf_dropped_total", "counter",
	     "events the kernel could not queue (ring buffer full)");
	put(t, "dcea_ringbuf_dropped_total{ring=\"ordinary\"} %llu\n",
	    state_percpu_sum(st, M_DROPS, DCEA_DROP_RING));
	put(t, "dcea_ringbuf_dropped_total{ring=\"reserved\"} %llu\n",
	    state_percpu_sum(st, M_DROPS, DCEA_DROP_RING_HI));
	head(t, "dcea_aggregation_table_full_total", "counter",
	     "alerts delivered unsummed: no room in the aggregation table");
	put(t, "dcea_aggregation_table_full_total %llu\n",
	    state_percpu_sum(st, M_DROPS, DCEA_DROP_AGG_FULL));
	head(t, "dcea_tasks_untracked_total", "counter", "tasks not tracked: task map full");
	put(t, "dcea_tasks_untracked_total %llu\n", state_percpu_sum(st, M_DROPS, DCEA_DROP_TASKS));
	head(t, "dcea_containers_untracked_total", "counter",
	     "containers not tracked: container map full");
	put(t, "dcea_containers_untracked_total %llu\n",
	    state_percpu_sum(st, M_DROPS, DCEA_DROP_CONTAINERS));
	head(t, "dcea_containers_tracked", "gauge", "containers the kernel tracks");
	put(t, "dcea_containers_tracked %d\n", state_count_entries(st->fd[M_CONTAINERS], 8));
	head(t, "dcea_tasks_tracked", "gauge", "container tasks the kernel tracks");
	put(t, "dcea_tasks_tracked %d\n", state_count_entries(st->fd[M_TASKS], 4));
	if (!state_get_config(st, &c)) {
		head(t, "dcea_mode", "gauge", "1 for the current mode");
		for (int i = DCEA_MODE_AUDIT; i <= DCEA_MODE_BLOCK; i++)
			put(t, "dcea_mode{mode=\"%s\"} %d\n", mode_name(i), c.mode == (__u32)i);
	}
	head(t, "dcea_rule_hits_total", "counter",
	     "times each rule matched in the kernel, by action (also those whose alert was lost)");
	for (int r = 0; r < DCEA_R_MAX; r++)
		for (int a = DCEA_ACT_ALERT; a <= DCEA_ACT_KILL; a++)
			put(t, "dcea_rule_hits_total{rule=\"%s\",action=\"%s\"} %llu\n",
			    rule_table[r].name, action_name(a),
			    state_percpu_sum(st, M_HITS, r * 4 + a));
	if (!enforcer_read_rules(st, cfg)) {
		head(t, "dcea_rule_effective", "gauge",
		     "1 for what the self-test proved each rule can do on this kernel");
		for (int r = 0; r < DCEA_R_MAX; r++) {
			if (cfg[r].effective <= DCEA_EFF_SELFTEST_FAILED)
				per_eff[cfg[r].effective]++;
			put(t,
			    "dcea_rule_effective{rule=\"%s\",effective=\"%s\",enabled=\"%s\"} 1\n",
			    rule_table[r].name, effect_name(cfg[r].effective),
			    cfg[r].enabled ? "true" : "false");
		}
		head(t, "dcea_rules", "gauge", "rules by their effective action on this kernel");
		for (int e = DCEA_EFF_UNAVAILABLE; e <= DCEA_EFF_SELFTEST_FAILED; e++)
			put(t, "dcea_rules{effective=\"%s\"} %d\n", effect_name(e), per_eff[e]);
	}
	read_line("/proc/sys/kernel/bpf_stats_enabled", line, sizeof(line));
	head(t, "dcea_bpf_stats_enabled", "gauge",
	     "1 when the kernel counts BPF program run time (kernel.bpf_stats_enabled or "
	     "--bpf-stats)");
	put(t, "dcea_bpf_stats_enabled %d\n", m.stats_fd >= 0 || atoi(line) > 0);
	if (m.stats_fd >= 0 || atoi(line) > 0)
		render_progs(t);
}

size_t metrics_render(struct state *st, char *buf, size_t size)
{
	struct text t = { .buf = buf, .size = size };
	struct findings_totals ft;
	char r[96], a[40], s[40];

	buf[0] = '\0';
	head(&t, "dcea_alerts_total", "counter", "alerts streamed, by rule, action and severity");
	for (int i = 0; i < m.n_alerts; i++)
		put(&t, "dcea_alerts_total{rule=\"%s\",action=\"%s\",severity=\"%s\"} %llu\n",
		    esc(m.alerts[i].rule, r, sizeof(r)), esc(m.alerts[i].action, a, sizeof(a)),
		    esc(m.alerts[i].severity, s, sizeof(s)), (unsigned long long)m.alerts[i].n);
	head(&t, "dcea_container_starts_total", "counter", "containers seen starting");
	put(&t, "dcea_container_starts_total %llu\n", (unsigned long long)m.container_starts);
	findings_get_totals(&ft);
	head(&t, "dcea_findings_keys", "gauge",
	     "distinct image and configuration keys whose scanner findings were reported");
	put(&t, "dcea_findings_keys %llu\n", (unsigned long long)ft.keys);
	head(&t, "dcea_findings_repeats_total", "counter",
	     "container starts whose findings were already reported under the same key");
	put(&t, "dcea_findings_repeats_total %llu\n", (unsigned long long)ft.repeats);
	head(&t, "dcea_findings_quiet_total", "counter",
	     "findings not raised as alerts: below the alert severity, or said by another alert");
	put(&t, "dcea_findings_quiet_total{reason=\"below_severity\"} %llu\n",
	    (unsigned long long)ft.below);
	put(&t, "dcea_findings_quiet_total{reason=\"folded\"} %llu\n",
	    (unsigned long long)ft.folded);
	head(&t, "dcea_output_dropped_total", "counter",
	     "alerts an output could not take (slow socket reader, full syslog queue, write "
	     "error)");
	for (size_t i = 0; i < ARRAY_SIZE(outputs); i++)
		put(&t, "dcea_output_dropped_total{output=\"%s\"} %llu\n", outputs[i],
		    (unsigned long long)m.out_drops[i]);
	head(&t, "dcea_event_readers", "gauge", "readers following the events socket");
	put(&t, "dcea_event_readers %d\n", evsock_readers());
	if (st)
		render_kernel(&t, st);
	return t.n;
}

/* --- the HTTP endpoint ------------------------------------------------------------------------ */

int metrics_check_addr(const char *addr)
{
	const char *colon = strrchr(addr, ':');
	uint64_t port;

	if (!strncmp(addr, "unix:", 5) && addr[5] == '/' && strlen(addr + 5) < 108)
		return 0;
	if (colon && colon != addr && !parse_u64(colon + 1, &port) && port > 0 && port < 65536)
		return 0;
	log_err("invalid --metrics '%s': expected unix:/PATH or 127.0.0.1:PORT", addr);
	return -EINVAL;
}

static int listen_on(const char *addr)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST },
			*ai = NULL;
	const char *colon = strrchr(addr, ':');
	char host[128];
	int fd, one = 1, err = 0;

	if (!strncmp(addr, "unix:", 5)) {
		snprintf(m.path, sizeof(m.path), "%s", addr + 5);
		return unix_listen(m.path);
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - addr), addr);
	if (host[0] == '[') { /* [::1]:9479 */
		memmove(host, host + 1, strlen(host));
		host[strcspn(host, "]")] = '\0';
	}
	if (getaddrinfo(host, colon + 1, &hints, &ai) || !ai)
		return -EINVAL;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		err = -errno;
	else
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!err && (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 8)))
		err = -errno;
	freeaddrinfo(ai);
	if (err && fd >= 0)
		close(fd);
	return err ? err : fd;
}

int metrics_open(const char *addr, struct state *st, bool bpf_stats)
{
	m.st = st;
	m.lfd = listen_on(addr);
	if (m.lfd < 0) {
		log_err("failed to listen for metrics on '%s': %s", addr, strerror(-m.lfd));
		return m.lfd;
	}
	if (bpf_stats) {
		/* counted only while this fd is open: it goes with the loader */
		m.stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (m.stats_fd < 0)
			log_warn("failed to enable BPF run time stats: %s, ignoring",
				 strerror(errno));
	}
	for (int i = 0; i < MAX_CONNS; i++)
		m.c[i].fd = -1;
	return 0;
}

void metrics_watch(int epfd)
{
	m.epfd = epfd;
	epoll_watch_in(epfd, m.lfd);
}

static void conn_close(struct conn *c)
{
	epoll_ctl(m.epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void respond(struct conn *c)
{
	static const char hdr[] = "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
				  "Connection: close\r\n\r\n";
	bool ok = !strncmp(c->req, "GET /metrics ", 13) || !strncmp(c->req, "GET / ", 6);
	char *body = malloc(BODY_MAX);
	size_t n = 0, h;
	struct epoll_event e = { .events = EPOLLOUT, .data.fd = c->fd };

	if (body)
		n = ok ? metrics_render(m.st, body, BODY_MAX)
		       : (size_t)snprintf(body, BODY_MAX, "not found: try /metrics\n");
	c->out = malloc(n + 256);
	if (!c->out || !body) {
		free(body);
		conn_close(c);
		return;
	}
	h = snprintf(c->out, 256, hdr, ok ? "200 OK" : "404 Not Found",
		     ok ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain", n);
	memcpy(c->out + h, body, n);
	free(body);
	c->olen = h + n;
	epoll_ctl(m.epfd, EPOLL_CTL_MOD, c->fd, &e);
}

static void conn_io(struct conn *c, uint32_t events)
{
	ssize_t k;

	if (events & (EPOLLHUP | EPOLLERR)) {
		conn_close(c);
		return;
	}
	if (!c->out && (events & EPOLLIN)) {
		k = recv(c->fd, c->req + c->rlen, sizeof(c->req) - 1 - c->rlen, MSG_DONTWAIT);
		if (k <= 0 && !(k < 0 && errno == EAGAIN)) {
			conn_close(c);
			return;
		}
		c->rlen += k > 0 ? k : 0;
		c->req[c->rlen] = '\0';
		if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n") ||
		    c->rlen == sizeof(c->req) - 1)
			respond(c);
		return;
	}
	if (c->out && (events & EPOLLOUT)) {
		k = send(c->fd, c->out + c->off, c->olen - c->off, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (k > 0)
			c->off += k;
		if ((k < 0 && errno != EAGAIN) || c->off == c->olen)
			conn_close(c);
	}
}

bool metrics_event(int fd, uint32_t events)
{
	if (fd < 0 || m.lfd < 0)
		return false;
	if (fd == m.lfd) {
		int cfd;

		while ((cfd = accept4(m.lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
			int i;

			for (i = 0; i < MAX_CONNS && m.c[i].fd >= 0; i++)
				;
			if (i == MAX_CONNS || epoll_watch_in(m.epfd, cfd)) {
				close(cfd); /* a scraper retries */
				continue;
			}
			m.c[i].fd = cfd;
		}
		return true;
	}
	for (int i = 0; i < MAX_CONNS; i++)
		if (m.c[i].fd == fd) {
			conn_io(&m.c[i], events);
			return true;
		}
	return false;
}

void metrics_close(void)
{
	for (int i = 0; i < MAX_CONNS; i++)
		if (m.c[i].fd >= 0 && m.lfd >= 0)
			conn_close(&m.c[i]);
	if (m.lfd >= 0) {
		close(m.lfd);
		if (m.path[0])
			unlink(m.path);
	}
	if (m.stats_fd >= 0)
		close(m.stats_fd);
	m.lfd = m.stats_fd = -1;
}
