// SPDX-License-Identifier: GPL-2.0-only
/* OSV records (scanners/osv.c): load one JSON document, then match against every record's packages
 */
#include "scanners/osv.h"
#include "tests/fuzz/fuzz.h"

static int hit(const struct osv_hit *h, void *arg)
{
	struct osv_severity sev;
	size_t *n = arg;

	/* the severity is derived from the record's data: exercise that too */
	osv_hit_severity(h, &sev);
	*n += strlen(h->vuln->id) + (h->fixed ? strlen(h->fixed) : 0) +
	      (h->urgency ? strlen(h->urgency) : 0) + (sev.level ? strlen(sev.level) : 0) +
	      strlen(sev.from) + strlen(h->ecosystem);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const char *eco, *name, *ver;
		enum ver_scheme s;
	} q[] = {
		{"Debian:12", "runc", "1.1.5+ds1-1", VER_DPKG},
		{"Alpine:v3.19", "busybox", "1.36.1-r5", VER_APK},
		{"Rocky Linux:9", "openssl", "1:3.0.7-24.el9", VER_RPM},
		{"Ubuntu:22.04:LTS", "linux", "5.15.0-91.101", VER_DPKG},
	};
	struct osv_db *db;
	char *s;
	size_t n = 0;

	fuzz_quiet();
	db = osv_db_new();
	if (!db)
		return 0;
	osv_db_load_json(db, (const char *)data, size, "fuzz.json");
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		osv_db_match(db, q[i].eco, q[i].name, q[i].ver, q[i].s, hit, &n);
	osv_db_free(db);

	/* the string helpers on the raw input */
	if (size < 1024) {
		const char *v[2];

		s = fuzz_split(data, size, v, 2);
		osv_cvss3_score(v[0]);
		osv_ecosystem_matches(v[0], v[1]);
		free(s);
	}
	return 0;
}
