// SPDX-License-Identifier: GPL-2.0-only
/*
 * The streaming loop of `dcea run`: the rings read in batches (the reserved ring first), each
 * record turned into an alert and written out, repeats the kernel summed reported at each tick,
 * drops reported as alerts of their own, and the periodic work (admission, namespace sweep,
 * verify, guard) on a 500 ms clock. Signals switch the mode, reload the policy or end it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <bpf/bpf.h>

#include "common/log.h"
#include "common/util.h"
#include "loader/admission.h"
#include "loader/containers.h"
#include "loader/enforcer.h"
#include "loader/events.h"
#include "loader/guard.h"
#include "loader/output.h"
#include "rules/rules.h"
#include "loader/state.h"
#include "loader/stream.h"
#include "loader/text.h"
#include "loader/verify.h"

#define RING_BATCH 256 /* records handled, then written out, then released */
#define DRAIN_MAX  64  /* batches before the loop looks at signals and ticks again */
#define TICK_MS	   500 /* admission heartbeat, namespace sweep, aggregation flush, drops */

static void emit(struct streamer *s, json_object *o)
{
	/* the outputs are open before the load (run_open_outputs); stderr only as a last resort */
	FILE *out = s->out ? s->out : stderr;
	struct text_opts to = { .style = TEXT_FULL,
				.color = s->color,
				.width = text_width(fileno(out)) };
	char line[4096];
	json_object *v;

	outputs_emit(o);
	if (!s->json && json_object_object_get_ex(o, "type", &v) &&
	    !strcmp(json_object_get_string(v), "admission")) {
		/* for humans only verdicts that acted: the findings were alerts of their own */
		if (json_object_object_get_ex(o, "action", &v) &&
		    strcmp(json_object_get_string(v), "none")) {
			alert_format_text(o, line, sizeof(line), &to);
			fprintf(out, "%s\n", line);
		}
	} else if (s->json) {
		fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	} else if (json_object_object_get_ex(o, "type", &v) &&
		   !strcmp(json_object_get_string(v), "container_start")) {
		return; /* for humans, quiet by default: a start is not news (--json has it) */
	} else {
		alert_format_text(o, line, sizeof(line), &to);
		fprintf(out, "%s\n", line);
	}
	if (!s->batching)
		fflush(out);
}

/* The policy's container selectors for one container (ct_for_each_known callback). */
void stream_apply_selectors(uint64_t cgroup_id, const char *cgname, void *arg)
{
	struct streamer *s = arg;
	struct ct_info ci;
	int err;

	if (!s->pol.n_exc && !s->pol.n_custom)
		return;
	ct_lookup(cgroup_id, cgname, 0, &ci);
	err = enforcer_apply_container(s->st, &s->pol, cgroup_id, &ci);
	if (err && err != -ENOENT)
		log_warn("failed to apply the policy's container selectors to '%s': %s",
			 ci.name[0] ? ci.name : cgname, strerror(-err));
}

void stream_emit_cb(void *ctx, json_object *o)
{
	emit(ctx, o);
}

int stream_handle_event(void *ctx, void *data, size_t size)
{
	struct streamer *s = ctx;
	const struct dcea_event *e = data;
	json_object *o;

	if (size < sizeof(struct dcea_event))
		return 0; /* never return <0: that would stop the poll loop */
	o = event_to_json(data, &s->pol, s->clock_off);
	if (e->kind == DCEA_EV_CONTAINER) {
		ct_remember(e->cgroup_id, e->cgname);
		stream_apply_selectors(e->cgroup_id, e->cgname, s);
	}
	if (e->kind == DCEA_EV_RULE && e->rule == DCEA_R_PRIV_LAUNCH &&
	    e->action == DCEA_ACT_ALERT && admission_repeat(s->adm, e->cgroup_id)) {
		/* reported with the first container of this image and configuration */
		json_object_put(o);
		s->delivered++;
		return 0;
	}
	if (e->kind == DCEA_EV_RULE || e->kind == DCEA_EV_AGG)
		verify_recheck(o, e->pid, e->ns);
	emit(s, o);
	json_object_put(o);
	s->delivered += e->kind == DCEA_EV_AGG ? e->count : 1;
	if (e->kind == DCEA_EV_CONTAINER && s->adm)
		admission_on_event(s->adm, e);
	return 0;
}

/* Drops are alerts of their own: nothing is lost silently. */
static void check_drops(struct streamer *s)
{
	unsigned long long lo = state_percpu_sum(s->st, M_DROPS, DCEA_DROP_RING);
	unsigned long long hi = state_percpu_sum(s->st, M_DROPS, DCEA_DROP_RING_HI);
	unsigned long long d = lo + hi;
	unsigned long long tf = state_percpu_sum(s->st, M_DROPS, DCEA_DROP_TASKS);
	struct timespec now;
	json_object *o;
	char ts[64];

	if (d == s->drops_seen)
		return;
	o = json_object_new_object();
	clock_gettime(CLOCK_REALTIME, &now);
	format_rfc3339((uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec, ts, sizeof(ts));
	json_object_object_add(o, "time", json_object_new_string(ts));
	json_object_object_add(o, "type", json_object_new_string("alert"));
	json_object_object_add(o, "rule", json_object_new_string("events_dropped"));
	/* the reserved ring holds deny, kill and critical alerts: losing one of those is critical
	 */
	json_object_object_add(o, "severity",
			       json_object_new_string(hi > s->drops_hi_seen ? "critical" : "high"));
	json_object_object_add(o, "action", json_object_new_string("alert"));
	json_object_object_add(o, "dropped", json_object_new_int64(d - s->drops_seen));
	json_object_object_add(o, "dropped_total", json_object_new_int64(d));
	json_object_object_add(o, "dropped_reserved_total", json_object_new_int64(hi));
	json_object_object_add(o, "tasks_untracked_total", json_object_new_int64(tf));
	if (s->json) {
		emit(s, o);
	} else {
		outputs_emit(o);
		fprintf(s->out,
			"%.23s  %-8s %-20s %llu events lost (ring buffer full), %llu in total\n",
			ts, "high", "events_dropped", d - s->drops_seen, d);
		fflush(s->out);
	}
	json_object_put(o);
	s->drops_seen = d;
	s->drops_hi_seen = hi;
	state_note_drops_reported(s->st, d);
}

/*
 * Namespace trust's periodic sweep: reading the pinned task iterators checks every container task
 * in the kernel (its namespaces and capabilities; the directories it holds); they print the pids
 * block mode must kill (an iterator cannot signal them itself).
 */
static void sweep(void)
{
	static const char *const iters[] = { DCEA_PIN_DIR "/links/sweep_tasks",
					     DCEA_PIN_DIR "/links/sweep_held" };
	char buf[4096];

	for (size_t i = 0; i < ARRAY_SIZE(iters); i++) {
		FILE *f = fopen(iters[i], "re");

		if (!f)
			continue;
		while (fgets(buf, sizeof(buf), f)) {
			uint64_t pid;

			buf[strcspn(buf, "\n")] = '\0';
			if (!parse_u64(buf, &pid) && pid > 1 && kill((pid_t)pid, SIGKILL) == 0)
				log_debug("namespace trust: killed escaped task %llu",
					  (unsigned long long)pid);
		}
		fclose(f);
	}
}

/* One aggregated report: a report of one repeat is that alert, as it would have come. */
static void agg_deliver(struct streamer *s, struct dcea_event *e)
{
	if (e->count == 1) {
		e->kind = DCEA_EV_RULE;
		e->count = 0;
	}
	stream_handle_event(s, e, sizeof(*e));
}

static void on_record(void *ctx, const void *data, size_t size)
{
	stream_handle_event(ctx, (void *)data, size);
}

/* What the batch wrote is with the kernel (write(2) done) before the ring space is released. */
static void batch_done(struct streamer *s, struct ring *r, __u64 pos)
{
	fflush(s->out);
	ring_commit(r, pos);
}

/*
 * Handle what the rings hold, the reserved ring first and again before every batch of the other:
 * a flood of ordinary alerts never delays a deny, kill or critical alert by more than one batch.
 * True when records are still waiting after DRAIN_MAX batches.
 */
static bool drain(struct streamer *s)
{
	s->batching = true;
	for (int b = 0; b < DRAIN_MAX; b++) {
		bool any = false;

		for (int i = 0; i < 2 && !any; i++) {
			__u64 pos;
			int n = ring_read(&s->rings[i], on_record, s, RING_BATCH, &pos);

			batch_done(s, &s->rings[i], pos); /* also releases discarded records */
			any = n > 0;
		}
		if (!any) {
			s->batching = false;
			return false;
		}
	}
	s->batching = false;
	return !ring_empty(&s->rings[0]) || !ring_empty(&s->rings[1]);
}

/*
 * Repeats the kernel absorbed (bpf/agg.bpf.c): ask for a flush, deliver one alert per report,
 * remove the entries idle for a minute. An entry removed with repeats counted (one came between
 * the flush and the removal) is reported from the removed value.
 */
static void agg_on_record(void *ctx, const void *data, size_t size)
{
	struct streamer *s = ctx;
	struct dcea_agg_rec r;
	struct dcea_agg v;

	if (size < sizeof(r))
		return;
	memcpy(&r, data, sizeof(r));
	if (r.type == DCEA_AGG_REPORT) {
		agg_deliver(s, &r.ev);
	} else if (r.type == DCEA_AGG_IDLE) {
		if (!bpf_map_lookup_and_delete_elem(s->st->fd[M_AGG], &r.key, &v)) {
			if (v.count) {
				v.ev.kind = DCEA_EV_AGG;
				v.ev.count = v.count;
				v.ev.first_ns = v.first_ns ? v.first_ns : v.last_ns;
				v.ev.last_ns = v.last_ns;
				agg_deliver(s, &v.ev);
			}
		} else if (errno != ENOENT) {
			/* hash lookup-and-delete needs 5.14; 5.13 only deletes */
			bpf_map_delete_elem(s->st->fd[M_AGG], &r.key);
		}
	}
}

static void agg_flush(struct streamer *s)
{
	__u64 pos;
	int n;

	if (!s->aggout.fd)
		return;
	prctl(DCEA_PRCTL_AGG_FLUSH, 0, 0, 0, 0); /* EINVAL: the program saw it and acted */
	s->batching = true;
	do {
		n = ring_read(&s->aggout, agg_on_record, s, RING_BATCH, &pos);
		fflush(s->out);
		ring_commit(&s->aggout, pos);
	} while (n > 0);
	s->batching = false;
}

int stream_run(struct streamer *s)
{
	struct epoll_event ev;
	struct signalfd_siginfo si;
	struct dcea_config c;
	struct timespec last = {}, now;
	sigset_t mask;
	int sfd = -1, epfd = -1, err = 0;
	bool pending = false;
	enum dcea_mode last_mode;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || epfd < 0) {
		err = -errno;
		log_err("failed to set up the event loop: %s", strerror(-err));
		goto cleanup;
	}
	err = ring_open(&s->rings[0], s->st->fd[M_EVENTS_HI]);
	err = err ?: ring_open(&s->rings[1], s->st->fd[M_EVENTS]);
	if (err) {
		log_err("failed to map the ring buffers: %s", strerror(-err));
		goto cleanup;
	}
	if (ring_open(&s->aggout, s->st->fd[M_AGGOUT]))
		s->aggout.fd = 0;
	ev.events = EPOLLIN;
	ev.data.fd = sfd;
	epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev);
	for (int i = 0; i < 2; i++) {
		ev.data.fd = s->rings[i].fd;
		epoll_ctl(epfd, EPOLL_CTL_ADD, s->rings[i].fd, &ev);
	}
	outputs_watch(epfd);
	state_get_config(s->st, &c);
	last_mode = c.mode;
	admission_tick(s->adm);
	admission_startup(s->adm);
	admission_sweep(s->adm);
	/* after the scan of what runs already: a container started from now on is a new one */
	log_info(
		"streaming alerts in %s mode; Ctrl-C stops streaming, enforcement stays until 'dcea stop'",
		mode_name(c.mode));
	/* drops not yet reported, also those while no loader ran: reported at the first tick */
	s->drops_seen = c.drops_reported;

	for (;;) {
		struct epoll_event evs[16];
		int n = epoll_wait(epfd, evs, 16, pending ? 0 : TICK_MS);

		if (n < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == s->rings[0].fd || evs[i].data.fd == s->rings[1].fd)
				continue;
			if (evs[i].data.fd != sfd) {
				outputs_event(evs[i].data.fd, evs[i].events);
				continue;
			}
			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGUSR1 || si.ssi_signo == SIGUSR2) {
				enum dcea_mode m =
					si.ssi_signo == SIGUSR1 ? DCEA_MODE_BLOCK : DCEA_MODE_AUDIT;

				err = enforcer_set_mode(s->st, m);
				if (err)
					log_err("failed to switch to %s mode: %s", mode_name(m),
						strerror(-err));
				continue;
			}
			if (si.ssi_signo == SIGHUP) {
				stream_reload(s);
				continue;
			}
			/* a container task that block mode killed for signalling us: ignore it */
			if (!state_get_config(s->st, &c) && c.tamper_tgid &&
			    si.ssi_pid == c.tamper_tgid) {
				log_warn("ignoring signal %u from container task %u (dcea_tamper)",
					 si.ssi_signo, si.ssi_pid);
				continue;
			}
			goto done;
		}
		pending = drain(s);
		err = 0;
		/* the periodic work runs on time, not per wake-up: a flood must not multiply it */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000 <
		    TICK_MS)
			continue;
		last = now;
		admission_tick(s->adm);
		admission_sweep(s->adm);
		sweep();
		agg_flush(s);
		verify_periodic(s->out, s->json, s->color);
		check_drops(s);
		guard_check(&s->guard, stream_emit_cb, s);
		s->clock_off = events_clock_offset();
		if (!state_get_config(s->st, &c) && c.mode != last_mode) {
			log_info("mode switched to %s", mode_name(c.mode));
			last_mode = c.mode;
		}
	}
done:
	while (drain(s))
		;
	agg_flush(s);
	check_drops(s);
cleanup:
	ring_close(&s->rings[0]);
	ring_close(&s->rings[1]);
	ring_close(&s->aggout);
	if (epfd >= 0)
		close(epfd);
	if (sfd >= 0)
		close(sfd);
	return err;
}
