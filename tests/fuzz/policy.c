// SPDX-License-Identifier: GPL-2.0-only
/* policy YAML: policy_parse (policy/parse.c, lists.c) over arbitrary bytes */
#include "policy/admission.h"
#include "policy/parse.h"
#include "scanners/config.h"
#include "tests/fuzz/fuzz.h"

static void diag(const struct policy_diag *d, void *arg)
{
	/* touch every field so a dangling pointer in a diagnostic shows up under ASan */
	size_t *n = arg;

	*n += strlen(d->msg) + (d->file ? strlen(d->file) : 0) + d->line + d->col;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy p;
	size_t n = 0;

	fuzz_quiet();
	admission_set_config_checks(config_check_exists); /* as main() does */
	policy_default(&p);
	policy_parse("fuzz.yaml", (const char *)data, size, &p, diag, &n);
	return 0;
}
