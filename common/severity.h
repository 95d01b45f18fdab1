/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One severity scale for the runtime rules, their alerts and the scanners' findings, ordered so
 * that "at or above" is a comparison. The lowest level is "info" for a rule and an alert; a scanner
 * finding at that level is one whose check or data gives no severity: findings spell it "none".
 */
#ifndef DCEA_COMMON_SEVERITY_H
#define DCEA_COMMON_SEVERITY_H

enum dcea_severity {
	SEV_INFO = 0,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
};

/* "info" ... "critical"; "unknown" out of range */
const char *severity_name(enum dcea_severity s);
/* "info" ... "critical" (lower case only): enum dcea_severity, or -EINVAL */
int severity_parse(const char *s);

/* A finding's spelling: "none" (SEV_INFO), "low" ... "critical"; "?" out of range */
const char *severity_finding_name(enum dcea_severity s);
/* "none", "low" ... "critical" in any case (--fail-on, policies' admission, rule files); 0 or
 * -EINVAL */
int severity_finding_parse(const char *s, enum dcea_severity *sev);

#endif
