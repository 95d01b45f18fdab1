// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "common/severity.h"
#include "common/util.h"

static const char *const severities[] = { "info", "low", "medium", "high", "critical" };

const char *severity_name(enum dcea_severity s)
{
	return (unsigned)s < ARRAY_SIZE(severities) ? severities[s] : "unknown";
}

int severity_parse(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(severities); i++)
		if (!strcmp(s, severities[i]))
			return i;
	return -EINVAL;
}

const char *severity_finding_name(enum dcea_severity s)
{
	if (s == SEV_INFO)
		return "none";
	return (unsigned)s < ARRAY_SIZE(severities) ? severities[s] : "?";
}

int severity_finding_parse(const char *s, enum dcea_severity *sev)
{
	for (int i = SEV_INFO; i <= SEV_CRITICAL; i++) {
		if (!strcasecmp(s, severity_finding_name(i))) {
			*sev = i;
			return 0;
		}
	}
	return -EINVAL;
}
