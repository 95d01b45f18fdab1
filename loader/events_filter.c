// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "loader/events.h"
#include "loader/events_filter.h"
#include "rules/rules.h"

void ev_filter_init(struct ev_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->min_severity = -1;
}

int ev_filter_add_rules(struct ev_filter *f, char *s)
{
	char *save = NULL;

	for (char *r = strtok_r(s, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
		if (!rule_by_name(r) && strcmp(r, "events_dropped")) {
			log_err("unknown rule '%s'; 'dcea status' lists them", r);
			return -EINVAL;
		}
		if (f->n_rules == EV_FILTER_MAX) {
			log_err("too many --rule values (at most %d)", EV_FILTER_MAX);
			return -EINVAL;
		}
		f->rules[f->n_rules++] = r;
	}
	return 0;
}

int ev_filter_add_container(struct ev_filter *f, const char *s)
{
	if (!*s || f->n_containers == EV_FILTER_MAX) {
		log_err("invalid --container '%s': expected an id, a name or NAMESPACE/POD", s);
		return -EINVAL;
	}
	f->containers[f->n_containers++] = s;
	return 0;
}

int ev_filter_set_severity(struct ev_filter *f, const char *s)
{
	int sev = severity_parse(s);

	if (sev < 0) {
		log_err("invalid --severity '%s': expected info, low, medium, high or critical", s);
		return -EINVAL;
	}
	f->min_severity = sev;
	return 0;
}

static bool container_is(json_object *c, const char *want)
{
	const char *id = alert_str(c, "id"), *pod = alert_str(c, "pod"),
		   *ns = alert_str(c, "namespace");
	const char *slash = strchr(want, '/');

	if (slash)
		return *pod && strlen(ns) == (size_t)(slash - want) &&
		       !strncmp(ns, want, slash - want) && !strcmp(pod, slash + 1);
	return (*id && !strncmp(id, want, strlen(want))) || !strcmp(alert_str(c, "name"), want) ||
	       (*pod && !strcmp(pod, want));
}

bool ev_filter_match(const struct ev_filter *f, json_object *a)
{
	const char *type = alert_str(a, "type");
	json_object *c = NULL;
	bool ok;
	int i;

	if (!strcmp(type, "dropped") || !strcmp(type, "error"))
		return true;
	if (f->n_rules) {
		for (i = 0; i < f->n_rules && strcmp(alert_str(a, "rule"), f->rules[i]); i++)
			;
		if (i == f->n_rules)
			return false;
	}
	if (f->min_severity >= 0) {
		int sev = severity_parse(alert_str(a, "severity"));

		if ((sev < 0 ? SEV_INFO : sev) < f->min_severity)
			return false;
	}
	if (!f->n_containers)
		return true;
	json_object_object_get_ex(a, "container", &c);
	for (i = 0, ok = false; i < f->n_containers && !ok; i++)
		ok = container_is(c, f->containers[i]);
	return ok;
}
