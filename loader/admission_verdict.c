// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "common/util.h"
#include "loader/admission_verdict.h"

bool admission_worth_alert(const struct scan_finding *f)
{
	return f->result == SCAN_FAIL || f->result == SCAN_WARN;
}

bool admission_finding_refused(const struct policy_admission *pol, const struct scan_finding *f)
{
	return admission_worth_alert(f) && admission_refuses(pol, f->check, f->severity);
}

struct adm_verdict admission_verdict(const struct policy_admission *pol,
				     const struct scan_report *r, const struct adm_input *in)
{
	struct adm_verdict v = { .what = in->scanned ? ADM_ALLOWED : ADM_UNSCANNED };
	bool block = in->held && in->block, refuse = false;

	for (size_t i = 0; i < r->n; i++) {
		const struct scan_finding *f = &r->v[i];

		v.fail += f->result == SCAN_FAIL;
		v.warn += f->result == SCAN_WARN;
		refuse |= in->held && admission_finding_refused(pol, f);
	}
	if (block && !refuse && in->waited_ms > pol->timeout_ms) {
		v.what = ADM_REFUSED_TIMEOUT; /* fails closed: the verdict came too late */
		refuse = true;
	} else if (block && refuse) {
		v.what = ADM_REFUSED;
	} else if (!in->held) {
		v.what = in->scanned ? ADM_REPORTED : ADM_UNSCANNED;
	}
	v.kill = refuse && block;
	return v;
}

const char *adm_what_name(enum adm_what w)
{
	static const char *const n[] = { "allowed", "refused", "refused_timeout", "unscanned",
					 "reported" };

	return (unsigned)w < ARRAY_SIZE(n) ? n[w] : "?";
}

const char *adm_action_name(const struct adm_verdict *v, const struct adm_input *in)
{
	return v->kill ? "kill" : in->held ? "resume" : "none";
}

/* What --privileged implies: said by the one alert of a privileged start, not each on its own */
static bool implied_by_privileged(const char *check)
{
	static const char *const implied[] = {
		"config.seccomp-unconfined", "config.apparmor-unconfined", "config.devices",
		"config.host-cgroupns", /* critical only for the CAP_SYS_ADMIN privileged gives */
	};

	if (!strncmp(check, "config.cap-", 11))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(implied); i++)
		if (!strcmp(check, implied[i]))
			return true;
	return false;
}

bool admission_alert_wanted(const struct policy_admission *pol, const struct scan_finding *f,
			    bool first, bool refused, bool privileged, bool priv_launch_on,
			    unsigned int *below, unsigned int *folded)
{
	if (!admission_worth_alert(f))
		return false;
	if (refused)
		return true;
	if (!first)
		return false;
	if (f->severity < pol->alert_severity) {
		(*below)++;
		return false;
	}
	if (privileged && (implied_by_privileged(f->check) ||
			   (!strcmp(f->check, "config.privileged") && priv_launch_on))) {
		(*folded)++;
		return false;
	}
	return true;
}

unsigned int admission_alert_count(const struct policy_admission *pol, const struct scan_report *r,
				   bool privileged, bool priv_launch_on)
{
	unsigned int n = privileged && priv_launch_on, below = 0, folded = 0;

	for (size_t i = 0; i < r->n; i++)
		n += admission_alert_wanted(pol, &r->v[i], true, false, privileged, priv_launch_on,
					    &below, &folded);
	return n;
}
