// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

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
