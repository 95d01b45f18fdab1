/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rule-specific part of an alert: one decoder per rule turns the event's typed numbers
 * (bpf/dcea.h, the dcea_ev_* member of its union) and strings into the "details" fields that
 * docs/ALERTS.md and docs/alert.schema.json describe.
 */
#ifndef DCEA_DECODE_H
#define DCEA_DECODE_H

#include <json-c/json.h>
#include <linux/types.h>
#include "bpf/dcea.h"

/* Adds the fields of one rule's event to `d`, the alert's "details" object. */
typedef void (*event_decoder)(json_object *d, const struct dcea_event *e);

/* The decoder of rule `rule` (enum dcea_rule), NULL for an id with none. */
event_decoder event_decoder_of(__u32 rule);

/* The details of a rule's event (DCEA_EV_RULE, DCEA_EV_AGG) into `d`; an unknown rule gets its
 * syscall name only. */
void event_decode_rule(json_object *d, const struct dcea_event *e);

/* The details of a DCEA_EV_MAP_FULL event into `d`. */
void event_decode_map_full(json_object *d, const struct dcea_event *e);

#endif
