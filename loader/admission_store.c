// SPDX-License-Identifier: GPL-2.0-only
/*
 * The last scan results, per container and for the host, written by the streaming loader to
 * ADM_SCAN_FILE as one JSON object and read back by `dcea status`:
 *   {"updated": TIME, "host": [finding...], "containers": [admission record...]}
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "common/log.h"
#include "common/util.h"
#include "loader/admission.h"
#include "loader/admission_store.h"

static struct {
	__u64 cgid;
	json_object *rec;
} recs[STORE_MAX];
static unsigned int nrecs;
static json_object *host;

void store_put(__u64 cgid, json_object *rec)
{
	unsigned int i;

	for (i = 0; i < nrecs && recs[i].cgid != cgid; i++)
		;
	if (i == nrecs && nrecs == STORE_MAX) { /* full: drop the oldest */
		json_object_put(recs[0].rec);
		memmove(recs, recs + 1, sizeof(recs[0]) * (STORE_MAX - 1));
		i = --nrecs;
	}
	if (i < nrecs) {
		json_object_put(recs[i].rec);
	} else {
		nrecs++;
	}
	recs[i].cgid = cgid;
	recs[i].rec = json_object_get(rec);
	store_write();
}

void store_put_host(json_object *findings)
{
	json_object_put(host);
	host = findings;
}

int store_write(void)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	char tmp[] = ADM_SCAN_FILE ".XXXXXX", ts[64];
	struct timespec now;
	const char *s;
	int fd, err = 0;

	clock_gettime(CLOCK_REALTIME, &now);
	format_rfc3339((uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec, ts, sizeof(ts));
	json_object_object_add(o, "updated", json_object_new_string(ts));
	json_object_object_add(o, "host", host ? json_object_get(host) : json_object_new_array());
	for (unsigned int i = 0; i < nrecs; i++)
		json_object_array_add(a, json_object_get(recs[i].rec));
	json_object_object_add(o, "containers", a);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	mkdir("/run/dcea", 0700);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		goto cleanup;
	}
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s) || fsync(fd))
		err = errno ? -errno : -EIO;
	close(fd);
	if (!err && rename(tmp, ADM_SCAN_FILE))
		err = -errno;
	if (err)
		unlink(tmp);
cleanup:
	if (err)
		log_debug("failed to write '%s': %s", ADM_SCAN_FILE, strerror(-err));
	json_object_put(o);
	return err;
}

json_object *admission_status_json(void)
{
	return json_object_from_file(ADM_SCAN_FILE);
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

void admission_status_print(FILE *f)
{
	json_object *o = admission_status_json(), *a, *h;

	if (!o) {
		fprintf(f, "\nscans       none yet (%s)\n", ADM_SCAN_FILE);
		return;
	}
	json_object_object_get_ex(o, "host", &h);
	fprintf(f, "\nscans       %s, %zu host finding(s); last results per container:\n",
		jstr(o, "updated"), h ? json_object_array_length(h) : 0);
	fprintf(f, "%-20s %-14s %-16s %5s %5s %s\n", "CONTAINER", "IMAGE", "VERDICT", "FAIL",
		"WARN", "REFUSED BY");
	if (json_object_object_get_ex(o, "containers", &a))
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			json_object *r = json_object_array_get_idx(a, i), *c = NULL, *by = NULL;
			char refused[256] = "";
			size_t n = 0;

			json_object_object_get_ex(r, "container", &c);
			json_object_object_get_ex(r, "refused_by", &by);
			for (size_t k = 0;
			     by && k < json_object_array_length(by) && n < sizeof(refused); k++)
				n += snprintf(
					refused + n, sizeof(refused) - n, "%s%s", k ? "," : "",
					json_object_get_string(json_object_array_get_idx(by, k)));
			fprintf(f, "%-20.20s %-14.14s %-16s %5s %5s %s\n",
				*jstr(c, "name") ? jstr(c, "name") : jstr(c, "id"),
				jstr(c, "image"), jstr(r, "verdict"), jstr(r, "fail"),
				jstr(r, "warn"), refused);
		}
	json_object_put(o);
}
