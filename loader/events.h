/* SPDX-License-Identifier: GPL-2.0-only */
/* Turning kernel events into alerts: JSON objects (one per line) or aligned human lines. */
#ifndef DCEA_EVENTS_H
#define DCEA_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>
#include <linux/types.h>
#include "bpf/dcea.h"

struct policy;

/* Realtime = boot time + offset; refreshed by the caller now and then. */
int64_t events_clock_offset(void);

/* The alert for one event, enriched with container names and /proc data; caller puts it. */
json_object *event_to_json(const struct dcea_event *ev, const struct policy *pol,
			   int64_t clock_off);

/*
 * An alert that userspace raises itself (no kernel event), stamped now: "time", "type":"alert",
 * "rule", "severity", "action":"alert", "title"; caller adds the rest and puts it.
 */
json_object *alert_new(const char *rule, const char *severity, const char *title);

/* A field of an alert (or of its container object) as a string; "" when absent or null. */
const char *alert_str(json_object *o, const char *key);

/* One human line (no trailing newline) for an alert built by event_to_json. */
/* One line for humans (loader/text.c, full style, not folded). */
void alert_format_human(json_object *alert, char *buf, size_t size, bool color);

/* Rule-specific details as a short string, e.g. "fstype=proc source=proc flags=0x0". */
void event_details(const struct dcea_event *e, char *buf, size_t size);

#endif
