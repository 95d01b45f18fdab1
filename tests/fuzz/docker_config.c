// SPDX-License-Identifier: GPL-2.0-only
/* Docker config.v2.json and cgroup names (common/containers.c) */
#include "common/containers.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_info ci;
	char *s = fuzz_str(data, size);

	fuzz_quiet();
	memset(&ci, 0, sizeof(ci));
	ct_parse_docker_config(s, &ci);
	memset(&ci, 0, sizeof(ci));
	ct_parse_cgname(s, &ci);
	if (strnlen(ci.id, sizeof(ci.id)) == sizeof(ci.id) ||
	    strnlen(ci.runtime, sizeof(ci.runtime)) == sizeof(ci.runtime))
		abort(); /* fields must stay NUL-terminated */
	free(s);
	return 0;
}
