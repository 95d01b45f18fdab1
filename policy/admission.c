// SPDX-License-Identifier: GPL-2.0-only
/*
 * The `admission:` key of a policy file (schema: docs/ADMISSION.md): which findings of the
 * pre-launch scanners refuse a new container in block mode, how long a container may be held for
 * the verdict, whether its image is scanned too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/severity.h"
#include "common/util.h"
#include "policy/parse_int.h"

/* the scanners know their config.* check ids; the loader's main hands their lookup in */
static admission_check_fn config_check_known;

void admission_set_config_checks(admission_check_fn fn)
{
	config_check_known = fn;
}

static bool config_check(const char *id, bool family)
{
	return config_check_known && config_check_known(id, family);
}

void policy_admission_default(struct policy_admission *a)
{
	memset(a, 0, sizeof(*a));
	a->timeout_ms = ADM_DEFAULT_TIMEOUT_MS;
	a->alert_severity = SEV_HIGH;
}

static bool matches(const char *pattern, const char *check)
{
	size_t n = strlen(pattern);

	if (n && pattern[n - 1] == '*')
		return !strncmp(pattern, check, n - 1);
	return !strcmp(pattern, check);
}

const struct adm_refuse *admission_refuses(const struct policy_admission *a, const char *check,
					   enum dcea_severity sev)
{
	for (size_t i = 0; i < a->n_refuse; i++)
		if (matches(a->refuse[i].check, check) && sev >= a->refuse[i].min_severity)
			return &a->refuse[i];
	return NULL;
}

/* image.<advisory id>: CVE-2024-21626, GHSA-xxxx-..., DSA-5000-1: letters, a dash, then more */
static bool advisory_id(const char *s)
{
	size_t i = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");

	return i > 0 && s[i] == '-' && s[i + 1] &&
	       strspn(s + i + 1,
		      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-._") ==
		       strlen(s + i + 1);
}

bool admission_check_known(const char *id)
{
	static const char *const image_words[] = { "distro", "packages" };
	size_t n = strlen(id);
	bool family = n && id[n - 1] == '*';
	char prefix[ADM_CHECK_LEN];

	if (!strcmp(id, "*"))
		return true;
	if (family) {
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(n - 1), id);
		if (!strncmp(prefix, "config.", 7))
			return config_check(prefix, true);
		if (!strncmp(prefix, "image.", 6))
			return !prefix[6] || strspn(prefix + 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZ-") ==
						     strlen(prefix + 6);
		return false;
	}
	if (!strncmp(id, "config.", 7))
		return config_check(id, false);
	if (!strncmp(id, "image.", 6)) {
		for (size_t i = 0; i < ARRAY_SIZE(image_words); i++)
			if (!strcmp(id + 6, image_words[i]))
				return true;
		return advisory_id(id + 6);
	}
	return false;
}

/* ---- parsing ---- */

static int get_check(struct pctx *c, yaml_node_t *n, struct adm_refuse *r)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE || pol_is_null(n))
		return pol_err(c, n, "'check' must be a check id like config.privileged");
	s = scalar(n);
	if (strlen(s) >= sizeof(r->check))
		return pol_err(c, n, "check id '%s' is too long (at most %zu characters)", s,
			       sizeof(r->check) - 1);
	if (!admission_check_known(s))
		return pol_err(c, n,
			       "unknown check '%s': a container check id like config.privileged, "
			       "image.CVE-2024-21626, or a family like image.* ('dcea scan config "
			       "--all --json' lists them)",
			       s);
	snprintf(r->check, sizeof(r->check), "%s", s);
	return 0;
}

static int h_check(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	return get_check(c, v, obj);
}

static int h_min_severity(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct adm_refuse *r = obj;
	const char *s = pol_word(c, k, v);
	enum dcea_severity sev;

	if (!s)
		return -EINVAL;
	if (severity_finding_parse(s, &sev))
		return pol_err(c, v, "'severity' must be low, medium, high or critical, not '%s'",
			       s);
	r->min_severity = sev;
	return 0;
}

static const struct handler refuse_handlers[] = {
	{ "check", h_check, 0, true },
	{ "severity", h_min_severity },
	{},
};

static bool admission_listed(const struct policy_admission *a, const char *check)
{
	for (size_t i = 0; i < a->n_refuse; i++)
		if (!strcmp(a->refuse[i].check, check))
			return true;
	return false;
}

static int h_refuse(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_admission *a = obj;
	int ret = 0;

	if (v->type != YAML_SEQUENCE_NODE)
		return pol_err(c, v, "'refuse' must be a sequence of check ids");
	a->n_refuse = 0;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = node(c, *it);
		struct adm_refuse r = { .check = "" };
		int err;

		if (a->n_refuse == ADM_MAX_REFUSE) {
			ret = pol_err(c, e, "'refuse' holds at most %d entries", ADM_MAX_REFUSE);
			break;
		}
		if (e->type == YAML_MAPPING_NODE)
			err = pol_walk(c, e, "refuse", refuse_handlers, &r);
		else
			err = get_check(c, e, &r);
		if (err && err != -EINVAL)
			return err;
		if (err) {
			ret = err;
			continue;
		}
		if (admission_listed(a, r.check)) {
			ret = pol_err(c, e, "'%s' is in 'refuse' twice", r.check);
			continue;
		}
		a->refuse[a->n_refuse++] = r;
	}
	return ret;
}

static int h_timeout(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_admission *a = obj;
	uint64_t ms;

	if (v->type != YAML_SCALAR_NODE || parse_u64(scalar(v), &ms) || !ms ||
	    ms > ADM_MAX_TIMEOUT_MS)
		return pol_err(c, v, "'timeout_ms' must be a number of milliseconds from 1 to %d",
			       ADM_MAX_TIMEOUT_MS);
	a->timeout_ms = ms;
	return 0;
}

static int h_scan_image(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_admission *a = obj;

	return pol_bool(c, k, v, &a->scan_image);
}

static int h_alert_severity(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_admission *a = obj;
	const char *s = pol_word(c, k, v);
	enum dcea_severity sev;

	if (!s)
		return -EINVAL;
	if (severity_finding_parse(s, &sev) || sev == SEV_INFO)
		return pol_err(c, v,
			       "'alert_severity' must be low, medium, high or critical, not '%s'",
			       s);
	a->alert_severity = sev;
	return 0;
}

static const struct handler admission_handlers[] = {
	{ "refuse", h_refuse },
	{ "alert_severity", h_alert_severity },
	{ "timeout_ms", h_timeout },
	{ "scan_image", h_scan_image },
	{},
};

int pol_admission(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	return pol_walk(c, v, "admission", admission_handlers, &c->p->admission);
}

/* ---- printing ---- */

void policy_admission_print_yaml(FILE *f, const struct policy_admission *a)
{
	fputs("\n# new containers: their configuration (and image) is scanned at the entrypoint's "
	      "exec;\n"
	      "# in block mode a FAIL or WARN finding listed in refuse kills the container before "
	      "its\n"
	      "# entrypoint runs (docs/ADMISSION.md). Entries: a check id, a family like image.*, "
	      "or\n"
	      "# {check: ID, severity: low|medium|high|critical}\n",
	      f);
	fputs("admission:\n", f);
	fprintf(f, "  refuse:%s\n", a->n_refuse ? "" : " []");
	for (size_t i = 0; i < a->n_refuse; i++) {
		if (a->refuse[i].min_severity)
			fprintf(f, "    - {check: '%s', severity: %s}\n", a->refuse[i].check,
				severity_finding_name(a->refuse[i].min_severity));
		else
			fprintf(f, "    - '%s'\n", a->refuse[i].check);
	}
	fprintf(f, "  # findings at or above this severity are alerts, once per image and "
		   "configuration;\n"
		   "  # the others are only in 'dcea status' and 'dcea scan'\n");
	fprintf(f, "  alert_severity: %s\n", severity_finding_name(a->alert_severity));
	fprintf(f, "  # longest a new container waits for the verdict; then block mode kills it\n");
	fprintf(f, "  timeout_ms: %u\n", a->timeout_ms);
	fprintf(f, "  # also scan the image (read in place from the container's root, cached by "
		   "image id)\n");
	fprintf(f, "  scan_image: %s\n", a->scan_image ? "true" : "false");
}

json_object *policy_admission_json(const struct policy_admission *a)
{
	json_object *o = json_object_new_object(), *r = json_object_new_array();

	for (size_t i = 0; i < a->n_refuse; i++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "check", json_object_new_string(a->refuse[i].check));
		json_object_object_add(
			e, "severity",
			json_object_new_string(severity_finding_name(a->refuse[i].min_severity)));
		json_object_array_add(r, e);
	}
	json_object_object_add(o, "refuse", r);
	json_object_object_add(o, "alert_severity",
			       json_object_new_string(severity_finding_name(a->alert_severity)));
	json_object_object_add(o, "timeout_ms", json_object_new_int(a->timeout_ms));
	json_object_object_add(o, "scan_image", json_object_new_boolean(a->scan_image));
	return o;
}

void policy_admission_print_summary(FILE *f, const struct policy_admission *a)
{
	fprintf(f,
		"\nadmission: refuses %zu finding(s)%s, holds at most %u ms, image scan %s, alerts "
		"from %s\n",
		a->n_refuse, a->n_refuse ? "" : " (none: alerts only)", a->timeout_ms,
		a->scan_image ? "on" : "off", severity_finding_name(a->alert_severity));
	for (size_t i = 0; i < a->n_refuse; i++)
		fprintf(f, "  %s%s%s\n", a->refuse[i].check,
			a->refuse[i].min_severity ? " at or above " : "",
			a->refuse[i].min_severity ? severity_finding_name(a->refuse[i].min_severity)
						  : "");
}
