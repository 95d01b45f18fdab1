/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Prometheus metrics (text exposition format 0.0.4) over HTTP on a unix socket or a loopback
 * port: alerts by rule, action and severity, drops (ring buffer and per output), rules by their
 * effective action, containers and tasks tracked, BPF program run time when the kernel counts it.
 */
#ifndef DCEA_METRICS_H
#define DCEA_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

struct state;

/* unix:PATH, 127.0.0.1:PORT, [::1]:PORT or HOST:PORT; 0 or -EINVAL (said). */
int metrics_check_addr(const char *addr);
/* Listen on `addr`; with `bpf_stats` ask the kernel to count program run time. */
int metrics_open(const char *addr, struct state *st, bool bpf_stats);
void metrics_watch(int epfd);
bool metrics_event(int fd, uint32_t events);
void metrics_close(void);

/* Count one alert object (any output or none). */
void metrics_alert(json_object *alert);
/* One alert an output could not take ("socket", "syslog", "file"). */
void metrics_output_drop(const char *output);

/* The exposition text; kernel metrics only when `st` is set. Returns its length. */
size_t metrics_render(struct state *st, char *buf, size_t size);

#endif
