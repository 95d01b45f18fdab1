/* SPDX-License-Identifier: GPL-2.0-only */
/* The filters of 'dcea events': by rule, container (or pod) and minimum severity. */
#ifndef DCEA_EVENTS_FILTER_H
#define DCEA_EVENTS_FILTER_H

#include <stdbool.h>
#include <json-c/json.h>

#define EV_FILTER_MAX 32

struct ev_filter {
	const char *rules[EV_FILTER_MAX];
	int n_rules;
	const char *containers[EV_FILTER_MAX];
	int n_containers;
	int min_severity; /* enum dcea_severity; -1: any */
};

void ev_filter_init(struct ev_filter *f);
/* "a,b": each must be a rule name (or events_dropped); 0 or -EINVAL (said). `s` is kept. */
int ev_filter_add_rules(struct ev_filter *f, char *s);
int ev_filter_add_container(struct ev_filter *f, const char *s);
int ev_filter_set_severity(struct ev_filter *f, const char *s);
/*
 * Does the alert pass? Records about the stream itself ("dropped", "error") always do: a
 * reader is told what it lost whatever it filters on.
 */
bool ev_filter_match(const struct ev_filter *f, json_object *alert);

#endif
