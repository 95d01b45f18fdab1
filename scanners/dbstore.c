// SPDX-License-Identifier: GPL-2.0-only
/* The installed vulnerability database: sources, `dcea db update`, reading what is installed. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "scanners/dbstore.h"

#define OSV_BUCKET "https://osv-vulnerabilities.storage.googleapis.com/"

/* the static dcea has no libcurl: db_fetch.c is left out of it */
__attribute__((weak)) int db_fetch(const char *url, int fd, long stall_secs, uint64_t max_size,
				   struct db_fetch_result *res, char *err, size_t errlen)
{
	snprintf(err, errlen, "this dcea was built without libcurl");
	return -ENOTSUP;
}

const char *db_root(const char *opt)
{
	const char *env = getenv("DCEA_DB_ROOT");

	return opt ? opt : env && *env ? env : DB_DEFAULT_ROOT;
}

static bool good_name(const char *n)
{
	if (!*n || *n == '.' || strlen(n) >= sizeof(((struct db_source *)0)->name))
		return false;
	for (; *n; n++)
		if (!isalnum((unsigned char)*n) && !strchr("._-", *n))
			return false;
	return true;
}

static bool good_url(const char *u)
{
	return !strncmp(u, "http://", 7) || !strncmp(u, "https://", 8) || !strncmp(u, "file://", 7);
}

void db_sources_default(struct db_sources *s)
{
	static const char *const names[] = { "Debian", "Ubuntu", "Alpine", "Linux" };

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(s->v[i].name, sizeof(s->v[i].name), "%s", names[i]);
		snprintf(s->v[i].url, sizeof(s->v[i].url), OSV_BUCKET "%s/all.zip", names[i]);
	}
	s->n = ARRAY_SIZE(names);
}

static int source_set(struct db_sources *s, const char *name, const char *url, char *err,
		      size_t errlen, struct db_source **out)
{
	struct db_source *d = NULL;

	if (!good_name(name)) {
		snprintf(err, errlen, "invalid source name '%s': letters, digits, '.', '_', '-'",
			 name);
		return -EINVAL;
	}
	if (!good_url(url) || strlen(url) >= sizeof(d->url)) {
		snprintf(err, errlen, "invalid URL '%s' for source '%s': http, https or file", url,
			 name);
		return -EINVAL;
	}
	for (size_t i = 0; i < s->n && !d; i++)
		if (!strcmp(s->v[i].name, name))
			d = &s->v[i];
	if (!d) {
		if (s->n == ARRAY_SIZE(s->v)) {
			snprintf(err, errlen, "too many sources (at most %zu)", ARRAY_SIZE(s->v));
			return -E2BIG;
		}
		d = &s->v[s->n++];
	}
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->url, sizeof(d->url), "%s", url);
	*out = d;
	return 0;
}

int db_source_add(struct db_sources *s, const char *arg, char *err, size_t errlen)
{
	char name[128];
	const char *eq = strchr(arg, '=');
	struct db_source *d;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name)) {
		snprintf(err, errlen, "invalid --source '%s': expected NAME=URL", arg);
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	return source_set(s, name, eq + 1, err, errlen, &d);
}

static bool is_hex64(const char *h)
{
	size_t n = 0;

	for (; isxdigit((unsigned char)h[n]); n++)
		;
	return n == 64 && !h[n];
}

int db_sources_read(const char *path, struct db_sources *s, char *err, size_t errlen)
{
	char line[4096], msg[512];
	FILE *f = fopen(path, "re");
	unsigned lineno = 0;
	int ret = 0;

	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "failed to open '%s': %s", path, strerror(errno));
		return ret;
	}
	memset(s, 0, sizeof(*s));
	while (!ret && fgets(line, sizeof(line), f)) {
		char *save = NULL, *name, *url, *opt;
		struct db_source *d;

		lineno++;
		line[strcspn(line, "#\r\n")] = '\0';
		name = strtok_r(line, " \t", &save);
		if (!name)
			continue;
		url = strtok_r(NULL, " \t", &save);
		ret = url ? source_set(s, name, url, msg, sizeof(msg), &d) : -EINVAL;
		if (!url)
			snprintf(msg, sizeof(msg),
				 "expected NAME URL [sha256=HEX] [sha256-url=URL]");
		while (!ret && (opt = strtok_r(NULL, " \t", &save))) {
			if (!strncmp(opt, "sha256=", 7) && is_hex64(opt + 7)) {
				snprintf(d->sha256, sizeof(d->sha256), "%s", opt + 7);
			} else if (!strncmp(opt, "sha256-url=", 11) && good_url(opt + 11) &&
				   strlen(opt + 11) < sizeof(d->sha256_url)) {
				snprintf(d->sha256_url, sizeof(d->sha256_url), "%s", opt + 11);
			} else {
				snprintf(msg, sizeof(msg), "invalid option '%s'", opt);
				ret = -EINVAL;
			}
		}
		if (ret)
			snprintf(err, errlen, "%s:%u: %s", path, lineno, msg);
	}
	fclose(f);
	if (!ret && !s->n) {
		snprintf(err, errlen, "%s: no source", path);
		ret = -EINVAL;
	}
	return ret;
}

static void hex(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* the published checksum: the first word of a small file */
static int fetch_sha256(const struct db_source *src, const char *tmpdir, long stall, char *out,
			char *err, size_t errlen)
{
	char path[4200], *buf = NULL;
	struct db_fetch_result fr;
	size_t len;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/.%s.sha256", tmpdir, src->name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "failed to create '%.300s': %s", path, strerror(errno));
		return ret;
	}
	ret = db_fetch(src->sha256_url, fd, stall, 4096, &fr, err, errlen);
	close(fd);
	if (!ret)
		ret = read_file(path, &buf, &len);
	if (!ret) {
		buf[strcspn(buf, " \t\r\n")] = '\0';
		if (!is_hex64(buf)) {
			snprintf(err, errlen, "'%s' holds no SHA-256", src->sha256_url);
			ret = -EBADMSG;
		} else {
			snprintf(out, 65, "%s", buf);
		}
	}
	free(buf);
	unlink(path);
	return ret;
}

struct verified {
	size_t records, skipped;
	char how[128];
	char newest[40];
};

/* One source into tmpdir/NAME.zip (or .json): downloaded, checksums compared, every record read. */
static int fetch_source(const struct db_source *src, const char *tmpdir,
			const struct db_update_opts *o, json_object *msrc)
{
	char path[4200], err[512] = "", want[65] = "", got[65], b64[32];
	const char *ext =
		strlen(src->url) > 5 && !strcasecmp(src->url + strlen(src->url) - 5, ".json")
			? "json"
			: "zip";
	struct db_fetch_result fr;
	struct osv_db *db = NULL;
	struct verified v = { 0 };
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s.%s", tmpdir, src->name, ext);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		log_err("failed to create '%s': %s", path, strerror(errno));
		return ret;
	}
	log_info("fetching '%s' from %s", src->name, src->url);
	ret = db_fetch(src->url, fd, o->stall_secs ? o->stall_secs : DB_DEFAULT_STALL,
		       o->max_size ? o->max_size : DB_DEFAULT_MAX_SIZE, &fr, err, sizeof(err));
	if (!ret && fsync(fd))
		ret = -errno;
	close(fd);
	if (ret) {
		log_err("failed to download '%s' from '%s': %s", src->name, src->url,
			err[0] ? err : strerror(-ret));
		return ret;
	}
	hex(fr.sha256, sizeof(fr.sha256), got);
	/* the server's own MD5 (Google Cloud Storage sends it for every object) */
	EVP_EncodeBlock((unsigned char *)b64, fr.md5, sizeof(fr.md5));
	if (fr.goog_md5[0] && strcmp(fr.goog_md5, b64)) {
		log_err("failed to verify '%s' from '%s': bad checksum: the server's MD5 is %s, the download's %s",
			src->name, src->url, fr.goog_md5, b64);
		return -EBADMSG;
	}
	if (src->sha256[0])
		snprintf(want, sizeof(want), "%s", src->sha256);
	else if (src->sha256_url[0] &&
		 (ret = fetch_sha256(src, tmpdir, o->stall_secs ? o->stall_secs : DB_DEFAULT_STALL,
				     want, err, sizeof(err)))) {
		log_err("failed to fetch the checksum of '%s' from '%s': %s", src->name,
			src->sha256_url, err);
		return ret;
	}
	if (want[0] && strcasecmp(want, got)) {
		log_err("failed to verify '%s' from '%s': bad checksum: want SHA-256 %s, got %s",
			src->name, src->url, want, got);
		return -EBADMSG;
	}
	snprintf(v.how, sizeof(v.how), "%s%s%s", fr.goog_md5[0] ? "server MD5" : "",
		 fr.goog_md5[0] && want[0] ? ", " : "",
		 want[0] ? (src->sha256[0] ? "pinned SHA-256" : "published SHA-256") : "");
	if (!v.how[0])
		snprintf(v.how, sizeof(v.how), "no checksum published; zip CRC-32s and records");
	/* every record must parse: a corrupt or foreign file is not installed */
	db = osv_db_new();
	ret = db ? osv_db_load_path(db, path) : -ENOMEM;
	if (!ret)
		osv_db_counts(db, &v.records, &v.skipped);
	if (!ret && !v.records) {
		log_err("failed to verify '%s' from '%s': no OSV record in it", src->name,
			src->url);
		ret = -EBADMSG;
	} else if (ret) {
		log_err("failed to verify '%s' from '%s': not a readable OSV %s", src->name,
			src->url, ext);
	}
	if (!ret && osv_db_newest(db))
		snprintf(v.newest, sizeof(v.newest), "%s", osv_db_newest(db));
	osv_db_free(db);
	if (ret)
		return ret;
	json_object_object_add(msrc, "name", json_object_new_string(src->name));
	json_object_object_add(msrc, "url", json_object_new_string(src->url));
	json_object_object_add(msrc, "file", json_object_new_string(strrchr(path, '/') + 1));
	json_object_object_add(msrc, "bytes", json_object_new_int64(fr.bytes));
	json_object_object_add(msrc, "sha256", json_object_new_string(got));
	json_object_object_add(msrc, "verified", json_object_new_string(v.how));
	json_object_object_add(msrc, "records", json_object_new_int64(v.records));
	json_object_object_add(msrc, "skipped", json_object_new_int64(v.skipped));
	if (v.newest[0])
		json_object_object_add(msrc, "newest", json_object_new_string(v.newest));
	log_info("'%s': %zu records (%zu malformed), %llu bytes, verified by %s", src->name,
		 v.records, v.skipped, (unsigned long long)fr.bytes, v.how);
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

/* remove what a killed update left behind, and generations no longer current */
static void sweep(const char *root, const char *keep)
{
	struct dirent *e;
	DIR *d = opendir(root);
	char p[4200];

	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, ".new-", 5) && strncmp(e->d_name, "gen-", 4))
			continue;
		if (keep && !strcmp(e->d_name, keep))
			continue;
		snprintf(p, sizeof(p), "%s/%s", root, e->d_name);
		rm_rf(p);
	}
	if (d)
		closedir(d);
}

int db_update(const struct db_update_opts *o)
{
	char tmp[4200], gen[64], link[4200], stamp[32], dst[4200];
	json_object *man = NULL, *arr;
	int lock = -1, ret;
	time_t now = time(NULL);
	struct tm tm;

	tmp[0] = '\0';
	if (mkdir(o->root, 0755) && errno != EEXIST) {
		ret = -errno;
		log_err("failed to create '%s': %s", o->root, strerror(errno));
		return ret;
	}
	snprintf(tmp, sizeof(tmp), "%s/.lock", o->root);
	lock = open(tmp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	tmp[0] = '\0';
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB)) {
		ret = -errno;
		log_err("failed to lock '%s': %s", o->root,
			errno == EWOULDBLOCK ? "another 'dcea db update' is running"
					     : strerror(errno));
		goto cleanup;
	}
	{
		char cur[256] = "";
		ssize_t n;

		snprintf(link, sizeof(link), "%s/current", o->root);
		n = readlink(link, cur, sizeof(cur) - 1);
		cur[n > 0 ? n : 0] = '\0';
		sweep(o->root, cur[0] ? cur : NULL);
	}
	snprintf(tmp, sizeof(tmp), "%s/.new-XXXXXX", o->root);
	if (!mkdtemp(tmp)) {
		ret = -errno;
		log_err("failed to create a directory in '%s': %s", o->root, strerror(errno));
		tmp[0] = '\0';
		goto cleanup;
	}
	chmod(tmp, 0755);
	man = json_object_new_object();
	arr = json_object_new_array();
	if (!man || !arr) {
		json_object_put(arr);
		ret = -ENOMEM;
		goto cleanup;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(man, "format", json_object_new_int(1));
	json_object_object_add(man, "updated", json_object_new_string(stamp));
	json_object_object_add(man, "updated_unix", json_object_new_int64(now));
	json_object_object_add(man, "sources", arr);
	for (size_t i = 0; i < o->sources->n; i++) {
		json_object *s = json_object_new_object();

		if (!s) {
			ret = -ENOMEM;
			goto cleanup;
		}
		json_object_array_add(arr, s);
		ret = fetch_source(&o->sources->v[i], tmp, o, s);
		if (ret)
			goto cleanup;
	}
	snprintf(dst, sizeof(dst), "%s/manifest.json", tmp);
	if (json_object_to_file_ext(dst, man,
				    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)) {
		ret = -EIO;
		log_err("failed to write '%s': %s", dst, json_util_get_last_err());
		goto cleanup;
	}
	ret = fsync_dir(tmp);
	if (ret)
		goto cleanup;
	/* the switch: rename the generation into place, then the symlink over 'current' */
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(gen, sizeof(gen), "gen-%s-%d", stamp, (int)getpid());
	snprintf(dst, sizeof(dst), "%s/%s", o->root, gen);
	if (rename(tmp, dst)) {
		ret = -errno;
		log_err("failed to rename '%s' to '%s': %s", tmp, dst, strerror(errno));
		goto cleanup;
	}
	snprintf(tmp, sizeof(tmp), "%s", dst);
	snprintf(dst, sizeof(dst), "%s/.current-new", o->root);
	unlink(dst);
	if (symlink(gen, dst) || rename(dst, link)) {
		ret = -errno;
		log_err("failed to switch '%s' to '%s': %s", link, gen, strerror(errno));
		unlink(dst);
		goto cleanup;
	}
	tmp[0] = '\0'; /* installed: keep it */
	fsync_dir(o->root);
	sweep(o->root, gen);
	log_info("installed %zu source(s) in '%s'", o->sources->n, link);
	ret = 0;
cleanup:
	if (tmp[0])
		rm_rf(tmp);
	json_object_put(man);
	if (lock >= 0)
		close(lock);
	return ret;
}

/* the newest 'newest' (a record's "modified") over the manifest's sources, or 0 */
static time_t manifest_newest(json_object *manifest)
{
	json_object *arr, *v;
	time_t best = 0;

	if (!json_object_object_get_ex(manifest, "sources", &arr))
		return 0;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct tm tm = { 0 };
		const char *s;
		time_t t;

		if (!json_object_object_get_ex(json_object_array_get_idx(arr, i), "newest", &v))
			continue;
		s = json_object_get_string(v);
		if (!s || !strptime(s, "%Y-%m-%d", &tm))
			continue;
		t = timegm(&tm);
		if (t > best)
			best = t;
	}
	return best;
}

int db_installed_open(const char *root, struct db_installed *d)
{
	char link[4200], path[4300], cur[256];
	time_t newest;
	ssize_t n;
	json_object *u;

	memset(d, 0, sizeof(*d));
	snprintf(link, sizeof(link), "%s/current", root);
	n = readlink(link, cur, sizeof(cur) - 1);
	if (n < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	cur[n] = '\0';
	snprintf(d->dir, sizeof(d->dir), "%s/%s", root, cur);
	snprintf(path, sizeof(path), "%s/manifest.json", d->dir);
	d->manifest = json_object_from_file(path);
	if (!d->manifest || !json_object_object_get_ex(d->manifest, "updated_unix", &u)) {
		log_err("failed to read '%s': %s", path,
			d->manifest ? "no 'updated_unix'" : json_util_get_last_err());
		db_installed_close(d);
		return -EBADMSG;
	}
	d->updated = json_object_get_int64(u);
	d->data_time = d->updated;
	newest = manifest_newest(d->manifest);
	if (newest && newest < d->updated)
		d->data_time = newest;
	return 0;
}

void db_installed_close(struct db_installed *d)
{
	if (d && d->manifest) {
		json_object_put(d->manifest);
		d->manifest = NULL;
	}
}

int db_installed_load(const struct db_installed *d, struct osv_db *db, const char *ecosystem)
{
	json_object *arr;
	size_t blen = ecosystem ? strcspn(ecosystem, ":") : 0;

	if (!json_object_object_get_ex(d->manifest, "sources", &arr))
		return -EBADMSG;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *s = json_object_array_get_idx(arr, i), *f, *nm;
		const char *name;
		char path[4400];
		bool match, known;
		int err;

		if (!json_object_object_get_ex(s, "file", &f) ||
		    !json_object_object_get_ex(s, "name", &nm))
			return -EBADMSG;
		name = json_object_get_string(nm);
		/* osv.dev's exports are one per ecosystem: "Debian" holds Debian:*; other names
		 * (a user's own source) are always loaded */
		match = ecosystem && strlen(name) == blen && !strncasecmp(name, ecosystem, blen);
		known = false;
		for (const char *k = "Debian\0Ubuntu\0Alpine\0Linux\0"; *k; k += strlen(k) + 1)
			known |= !strcasecmp(name, k);
		if (ecosystem && known && !match)
			continue;
		/* no ecosystem: every source an image can need, not the kernel's records */
		if (!ecosystem && !strcasecmp(name, "Linux"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", d->dir, json_object_get_string(f));
		err = osv_db_load_path(db, path);
		if (err)
			return err;
	}
	return 0;
}
