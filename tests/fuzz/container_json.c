// SPDX-License-Identifier: GPL-2.0-only
/* Container configurations (scanners/config.c, config_checks.c): inspect output, OCI config.json */
#include <json-c/json.h>

#include "scanners/report.h"
#include "scanners/scan.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok;
	struct scan_report r;
	json_object *o;

	fuzz_quiet();
	tok = json_tokener_new_ex(64);
	if (!tok)
		return 0;
	o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	if (!o)
		return 0;
	scan_report_init(&r);
	scan_container_json(o, "fuzz", &r);
	scan_report_free(&r);
	json_object_put(o);
	return 0;
}
