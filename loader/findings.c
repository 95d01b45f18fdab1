// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scanner findings reported once per key, then remembered (loader/findings.h). FINDINGS_FILE:
 *   {"updated": TIME, "repeats": N, "below_severity": N, "folded": N,
 *    "keys": [{"key", "image", "first_container", "first_seen", "last_seen", "starts",
 *              "alerting"}...]}
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <openssl/evp.h>

#include "common/log.h"
#include "common/util.h"
#include "loader/findings.h"
#include "scanners/report.h"

struct entry {
	char key[FINDINGS_KEY_LEN];
	char image[128];
	char first[128]; /* the first container's name */
	char first_seen[40], last_seen[40];
	uint64_t starts;
	unsigned int alerting; /* findings worth an alert under the key */
	uint64_t used;	       /* recency, for eviction */
};

static struct {
	struct entry v[FINDINGS_MAX];
	unsigned int n;
	uint64_t clock, repeats, below, folded, instance;
	char path[256];
} mem;

static void now_str(char *buf, size_t size)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	format_rfc3339((uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec, buf, size);
}

/* sha256 over id, result, severity and detail lines of the findings `prefix` selects ("" all) */
static void digest(const struct scan_report *r, const char *prefix, char hex[65])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char num[16];

	hex[0] = '\0';
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto cleanup;
	for (size_t i = 0; i < r->n; i++) {
		const struct scan_finding *f = &r->v[i];

		if (strncmp(f->check, prefix, strlen(prefix)))
			continue;
		/* the target names the container: left out, two containers share a key */
		snprintf(num, sizeof(num), "\t%d\t%d", f->result, f->severity);
		EVP_DigestUpdate(ctx, f->check, strlen(f->check));
		EVP_DigestUpdate(ctx, num, strlen(num));
		for (size_t k = 0; k < f->ndetail; k++) {
			EVP_DigestUpdate(ctx, "\t", 1);
			EVP_DigestUpdate(ctx, f->detail[k], strlen(f->detail[k]));
		}
		EVP_DigestUpdate(ctx, "\n", 1);
	}
	if (!EVP_DigestFinal_ex(ctx, md, &n) || n != 32)
		goto cleanup;
	for (unsigned int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
cleanup:
	EVP_MD_CTX_free(ctx);
}

void findings_key(const struct scan_report *r, const char *image, char *key, size_t size)
{
	char hex[65];

	digest(r, "config.", hex);
	snprintf(key, size, "%s cfg:%s", image && image[0] ? image : "-", hex);
}

void findings_host_key(const struct scan_report *r, char *key, size_t size)
{
	char hex[65];

	digest(r, "", hex);
	snprintf(key, size, "host:%s", hex);
}

void findings_reset(void)
{
	memset(&mem, 0, sizeof(mem));
}

static const char *jget(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static uint64_t jnum(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? (uint64_t)json_object_get_int64(v) : 0;
}

int findings_load(const char *path, uint64_t instance)
{
	json_object *o, *a;

	findings_reset();
	mem.instance = instance;
	snprintf(mem.path, sizeof(mem.path), "%s", path ?: FINDINGS_FILE);
	if (access(mem.path, F_OK))
		return 0;
	o = json_object_from_file(mem.path);
	if (!o) {
		log_warn("failed to read '%s': %s, starting with no findings remembered", mem.path,
			 json_util_get_last_err() ?: "not JSON");
		return -EINVAL;
	}
	if (instance && jnum(o, "instance") != instance) {
		/* left by another load (a stop that did not remove it): this one starts afresh */
		json_object_put(o);
		return 0;
	}
	mem.repeats = jnum(o, "repeats");
	mem.below = jnum(o, "below_severity");
	mem.folded = jnum(o, "folded");
	if (json_object_object_get_ex(o, "keys", &a) && json_object_is_type(a, json_type_array))
		for (size_t i = 0; i < json_object_array_length(a) && mem.n < FINDINGS_MAX; i++) {
			json_object *k = json_object_array_get_idx(a, i);
			struct entry *e = &mem.v[mem.n];

			if (!*jget(k, "key"))
				continue;
			snprintf(e->key, sizeof(e->key), "%s", jget(k, "key"));
			snprintf(e->image, sizeof(e->image), "%s", jget(k, "image"));
			snprintf(e->first, sizeof(e->first), "%s", jget(k, "first_container"));
			snprintf(e->first_seen, sizeof(e->first_seen), "%s", jget(k, "first_seen"));
			snprintf(e->last_seen, sizeof(e->last_seen), "%s", jget(k, "last_seen"));
			e->starts = jnum(k, "starts");
			e->alerting = jnum(k, "alerting");
			e->used = ++mem.clock;
			mem.n++;
		}
	json_object_put(o);
	return 0;
}

bool findings_first(const char *key, const char *image, const char *name, unsigned int nalert,
		    bool start)
{
	struct entry *e = NULL;
	unsigned int oldest = 0;

	for (unsigned int i = 0; i < mem.n; i++) {
		if (!strcmp(mem.v[i].key, key)) {
			e = &mem.v[i];
			break;
		}
		if (mem.v[i].used < mem.v[oldest].used)
			oldest = i;
	}
	if (e) {
		e->used = ++mem.clock;
		if (start) {
			e->starts++;
			now_str(e->last_seen, sizeof(e->last_seen));
			mem.repeats++;
		}
		return false;
	}
	e = mem.n < FINDINGS_MAX ? &mem.v[mem.n++] : &mem.v[oldest];
	memset(e, 0, sizeof(*e));
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->image, sizeof(e->image), "%s", image ?: "");
	snprintf(e->first, sizeof(e->first), "%s", name ?: "");
	now_str(e->first_seen, sizeof(e->first_seen));
	snprintf(e->last_seen, sizeof(e->last_seen), "%s", e->first_seen);
	e->starts = 1;
	e->alerting = nalert;
	e->used = ++mem.clock;
	return true;
}

void findings_count_quiet(unsigned int below, unsigned int folded)
{
	mem.below += below;
	mem.folded += folded;
}

void findings_get_totals(struct findings_totals *t)
{
	t->keys = mem.n;
	t->repeats = mem.repeats;
	t->below = mem.below;
	t->folded = mem.folded;
}

static json_object *to_json(void)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	char ts[40];

	now_str(ts, sizeof(ts));
	json_object_object_add(o, "updated", json_object_new_string(ts));
	json_object_object_add(o, "instance", json_object_new_int64(mem.instance));
	json_object_object_add(o, "repeats", json_object_new_int64(mem.repeats));
	json_object_object_add(o, "below_severity", json_object_new_int64(mem.below));
	json_object_object_add(o, "folded", json_object_new_int64(mem.folded));
	for (unsigned int i = 0; i < mem.n; i++) {
		const struct entry *e = &mem.v[i];
		json_object *k = json_object_new_object();

		json_object_object_add(k, "key", json_object_new_string(e->key));
		json_object_object_add(k, "image", json_object_new_string(e->image));
		json_object_object_add(k, "first_container", json_object_new_string(e->first));
		json_object_object_add(k, "first_seen", json_object_new_string(e->first_seen));
		json_object_object_add(k, "last_seen", json_object_new_string(e->last_seen));
		json_object_object_add(k, "starts", json_object_new_int64(e->starts));
		json_object_object_add(k, "alerting", json_object_new_int64(e->alerting));
		json_object_array_add(a, k);
	}
	json_object_object_add(o, "keys", a);
	return o;
}

int findings_write(void)
{
	const char *path = mem.path[0] ? mem.path : FINDINGS_FILE;
	json_object *o = to_json();
	char tmp[300];
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(s);
	int fd, err = 0;

	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	if (!strcmp(path, FINDINGS_FILE))
		mkdir("/run/dcea", 0700);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		goto cleanup;
	}
	if (write(fd, s, len) != (ssize_t)len || fsync(fd))
		err = errno ? -errno : -EIO;
	close(fd);
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
cleanup:
	if (err)
		log_debug("failed to write '%s': %s", path, strerror(-err));
	json_object_put(o);
	return err;
}

json_object *findings_status_json(void)
{
	return access(FINDINGS_FILE, F_OK) ? NULL : json_object_from_file(FINDINGS_FILE);
}

#define STATUS_ROWS 20

static int by_last_seen(const void *x, const void *y)
{
	json_object *const *a = x, *const *b = y;

	return strcmp(jget(*b, "last_seen"), jget(*a, "last_seen")); /* newest first */
}

void findings_status_print(FILE *f)
{
	json_object *o = findings_status_json(), *a = NULL;
	size_t n;

	if (!o) {
		fprintf(f, "\nfindings    none remembered yet (%s)\n", FINDINGS_FILE);
		return;
	}
	json_object_object_get_ex(o, "keys", &a);
	n = a ? json_object_array_length(a) : 0;
	fprintf(f,
		"\nfindings    %zu image+configuration key(s) reported once; suppressed: %llu "
		"repeat start(s),\n            %llu below the alert severity, %llu said by another "
		"alert\n",
		n, (unsigned long long)jnum(o, "repeats"),
		(unsigned long long)jnum(o, "below_severity"),
		(unsigned long long)jnum(o, "folded"));
	if (n) {
		json_object_array_sort(a, by_last_seen);
		fprintf(f, "%-28s %-20s %6s %6s  %s\n", "IMAGE", "FIRST CONTAINER", "STARTS",
			"ALERTS", "LAST SEEN");
	}
	for (size_t i = 0; i < n && i < STATUS_ROWS; i++) {
		json_object *k = json_object_array_get_idx(a, i);
		const char *img = jget(k, "image");

		if (!img[0])
			img = jget(k, "key"); /* the host */
		if (!strncmp(img, "sha256:", 7))
			img += 7;
		fprintf(f, "%-28.28s %-20.20s %6llu %6llu  %.19s\n", img,
			jget(k, "first_container"), (unsigned long long)jnum(k, "starts"),
			(unsigned long long)jnum(k, "alerting"), jget(k, "last_seen"));
	}
	if (n > STATUS_ROWS)
		fprintf(f, "... and %zu more keys seen less recently (dcea status --json)\n",
			n - STATUS_ROWS);
	json_object_put(o);
}
