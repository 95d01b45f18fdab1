// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which vulnerability data an image is judged by, for `dcea scan image` and the loader's
 * admission: the installed database of `dcea db update` (only the sources that cover the image's
 * ecosystem), every --db, and the records built into dcea only when there is neither. Says
 * where the data came from, when it was made and whether it is older than the allowed age.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "scanners/dbstore.h"
#include "scanners/image.h"
#include "scanners/osv.h"

static long days_since(time_t t)
{
	time_t now = time(NULL);

	return t < now ? (long)((now - t) / 86400) : 0;
}

/* the newest record's "modified" as a time, or 0 */
static time_t newest_record(const struct osv_db *db)
{
	const char *n = osv_db_newest(db);
	struct tm tm = { 0 };

	if (!n || !strptime(n, "%Y-%m-%d", &tm))
		return 0;
	return timegm(&tm);
}

int image_db_load(struct image_db *x, const char *eco)
{
	struct db_installed d = { 0 };
	size_t nrec, nskip;
	bool installed;
	time_t when = 0;
	int err;

	x->db = osv_db_new();
	if (!x->db)
		return -ENOMEM;
	err = db_installed_open(x->root, &d);
	if (err && err != -ENOENT)
		return err;
	installed = !err;
	if (installed) {
		err = db_installed_load(&d, x->db, eco);
		when = d.data_time;
		x->installed = true;
		snprintf(x->what, sizeof(x->what), "installed database %.500s ('dcea db status')%s",
			 d.dir,
			 d.data_time < d.updated ? " (date: newest record, older than the update)"
						 : "");
		db_installed_close(&d);
		if (err)
			return err;
	}
	for (size_t i = 0; i < x->ndbs; i++) {
		err = osv_db_load_path(x->db, x->dbs[i]);
		if (err)
			return err;
	}
	if (!installed && x->ndbs) {
		when = newest_record(x->db);
		snprintf(x->what, sizeof(x->what), "--db files%s",
			 when ? " (date: newest record)" : "");
	}
	osv_db_counts(x->db, &nrec, &nskip);
	if (!installed && !x->ndbs && x->builtin) {
		err = osv_db_load_builtin(x->db);
		if (err)
			return err;
		osv_db_counts(x->db, &nrec, &nskip);
		snprintf(x->what, sizeof(x->what),
			 "built-in records only (%zu, Debian 12, from Debian changelogs)", nrec);
		snprintf(x->stale, sizeof(x->stale),
			 "no vulnerability database installed in '%s': only the %zu built-in "
			 "records "
			 "were used; run 'dcea db update' or give --db",
			 x->root, nrec);
		snprintf(x->built, sizeof(x->built), "(built into dcea)");
		x->only_builtin = true;
	}
	x->when = when;
	x->records = nrec;
	if (when) {
		struct tm tm;

		gmtime_r(&when, &tm);
		strftime(x->built, sizeof(x->built), "%Y-%m-%d", &tm);
		if (days_since(when) > x->max_age)
			snprintf(x->stale, sizeof(x->stale),
				 "the vulnerability data is from %s, %ld days ago (more than "
				 "--db-max-age %ld): run 'dcea db update'",
				 x->built, days_since(when), x->max_age);
	}
	log_debug("vulnerability database: %zu records, %zu skipped", nrec, nskip);
	return 0;
}

long image_db_age_days(const struct image_db *x)
{
	return x->when ? days_since(x->when) : -1;
}

void image_db_free(struct image_db *x)
{
	if (!x)
		return;
	osv_db_free(x->db);
	x->db = NULL;
}
