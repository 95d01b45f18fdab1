/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The admission verdict as a pure function of the policy, the scan and the hold: no map, no
 * signal, no clock (loader/admission.c gathers those and acts on the result). Unit-tested in
 * tests/unit/loader/test_admission_verdict.c; the cases are docs/ADMISSION.md's.
 */
#ifndef DCEA_LOADER_ADMISSION_VERDICT_H
#define DCEA_LOADER_ADMISSION_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/admission.h"
#include "scanners/report.h"

enum adm_what {
	ADM_ALLOWED,	     /* held, scanned, nothing refused: resumed */
	ADM_REFUSED,	     /* block mode, a finding the policy refuses: killed */
	ADM_REFUSED_TIMEOUT, /* block mode, the verdict came after timeout_ms: killed */
	ADM_UNSCANNED,	     /* no configuration found to scan */
	ADM_REPORTED,	     /* not held (audit, adopted, a startup scan): findings only */
};

struct adm_input {
	bool scanned;	    /* the container's configuration was found and scanned */
	bool held;	    /* the kernel holds its entrypoint for this verdict */
	bool block;	    /* the loader is in block mode */
	uint64_t waited_ms; /* how long it has been held */
};

struct adm_verdict {
	enum adm_what what;
	bool kill; /* SIGKILL the held entrypoint; a held one not killed is resumed */
	unsigned int fail, warn;
};

/* Is finding f worth attention: a FAIL or a WARN? (the others are never alerts) */
bool admission_worth_alert(const struct scan_finding *f);
/* Does finding f, of a held container, refuse it? (a FAIL or WARN the policy lists) */
bool admission_finding_refused(const struct policy_admission *pol, const struct scan_finding *f);

struct adm_verdict admission_verdict(const struct policy_admission *pol,
				     const struct scan_report *r, const struct adm_input *in);

const char *adm_what_name(enum adm_what w); /* "allowed", "refused", ... */
/* The admission record's action: "kill", "resume" (held, allowed) or "none" (not held) */
const char *adm_action_name(const struct adm_verdict *v, const struct adm_input *in);

/*
 * Which of a scan's findings become alerts (docs/ALERTS.md, "Deduplication"): every one the
 * policy refused (an action happened); otherwise only under a findings key seen for the first
 * time, at or above the policy's alert severity. A privileged start is one alert:
 * privileged_launch from the kernel when that rule is on (priv_launch_on), else
 * config.privileged; what --privileged implies is folded in. below and folded count the findings
 * left out for each reason.
 */
bool admission_alert_wanted(const struct policy_admission *pol, const struct scan_finding *f,
			    bool first, bool refused, bool privileged, bool priv_launch_on,
			    unsigned int *below, unsigned int *folded);

/*
 * How many alerts the first start of a key raises (dcea status's ALERTS column): the findings
 * admission_alert_wanted() reports under a new key, and privileged_launch, the one alert of a
 * privileged start when that rule is on.
 */
unsigned int admission_alert_count(const struct policy_admission *pol, const struct scan_report *r,
				   bool privileged, bool priv_launch_on);

#endif
