// SPDX-License-Identifier: GPL-2.0-only
/*
 * The trust store (see truststore.h). Measurements are SHA-256 over a fixed binary record, so they
 * do not depend on JSON formatting; the store's digest is SHA-256 over the document without its
 * "digest" member, serialised by json-c in plain form (keys in file order, no whitespace): any
 * change of a value, key or order is a mismatch, re-indenting the file is not. The digest has no
 * key: it catches edits by anything that does not know to recompute it, not a root attacker who
 * does (docs/TRUST.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/nsfs.h>
#include <openssl/evp.h>

#include "common/util.h"
#include "loader/nsinfo.h"
#include "loader/truststore.h"

#ifndef NSIO
#define NSIO 0xb7
#endif
#ifndef NS_GET_ID /* linux/nsfs.h of 6.18; Debian 12's headers predate it */
#define NS_GET_ID _IOR(NSIO, 13, __u64)
#endif

static const char *const ns_files[DCEA_NS_MAX] = { "mnt", "pid",  "net",    "uts",
						   "ipc", "user", "cgroup", "time" };

static int sha256_hex(const void *buf, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL) || n != 32)
		return -EIO;
	for (unsigned int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static __u64 start_time(pid_t pid)
{
	char path[64], line[1024], *p;
	unsigned long long st = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_line(path, line, sizeof(line)))
		return 0;
	p = strrchr(line, ')'); /* comm may hold spaces and parentheses */
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu",
			 &st) != 1)
		return 0;
	return st;
}

int ts_measure(pid_t pid, struct ts_meas *m)
{
	char path[64];
	int err;

	memset(m, 0, sizeof(*m));
	m->pid = pid;
	err = ns_of_pid(pid, m->ns);
	if (err)
		return err;
	for (int i = 0; i < DCEA_NS_MAX; i++) {
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns_files[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (ioctl(fd, NS_GET_ID, &m->id[i]))
			m->id[i] = 0; /* ENOTTY before 6.18: inodes and the start time only */
		close(fd);
	}
	m->start = start_time(pid);
	if (!m->start)
		return -ENOENT;
	return 0;
}

bool ts_have_ns_ids(void)
{
	__u64 id = 0;
	int fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = !ioctl(fd, NS_GET_ID, &id) && id;
	close(fd);
	return ok;
}

int ts_sha256(__u64 cgid, const struct ts_meas *m, char hex[65])
{
	/* a fixed little-endian-on-x86 record: host order is fine, the store never moves hosts */
	struct {
		char tag[16];
		__u64 cgid, pid, start;
		__u64 ns[DCEA_NS_MAX], id[DCEA_NS_MAX];
	} rec;

	memset(&rec, 0, sizeof(rec));
	memcpy(rec.tag, TS_FORMAT, sizeof(TS_FORMAT));
	rec.cgid = cgid;
	rec.pid = (__u64)m->pid;
	rec.start = m->start;
	memcpy(rec.ns, m->ns, sizeof(rec.ns));
	memcpy(rec.id, m->id, sizeof(rec.id));
	return sha256_hex(&rec, sizeof(rec), hex);
}

static json_object *meas_json(__u64 cgid, const struct ts_meas *m)
{
	json_object *o = json_object_new_object(), *ns = json_object_new_object();
	json_object *id = json_object_new_object();
	char hex[65] = "";

	json_object_object_add(o, "pid", json_object_new_int64(m->pid));
	json_object_object_add(o, "start", json_object_new_int64((int64_t)m->start));
	for (int i = 0; i < DCEA_NS_MAX; i++) {
		json_object_object_add(ns, ns_files[i], json_object_new_int64((int64_t)m->ns[i]));
		json_object_object_add(id, ns_files[i], json_object_new_int64((int64_t)m->id[i]));
	}
	json_object_object_add(o, "ns", ns);
	json_object_object_add(o, "ns_id", id);
	ts_sha256(cgid, m, hex);
	json_object_object_add(o, "sha256", json_object_new_string(hex));
	return o;
}

json_object *ts_new(void)
{
	json_object *o = json_object_new_object();
	struct timespec now;
	char ts[64];

	clock_gettime(CLOCK_REALTIME, &now);
	format_rfc3339((uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec, ts, sizeof(ts));
	json_object_object_add(o, "format", json_object_new_string(TS_FORMAT));
	json_object_object_add(o, "measured_at", json_object_new_string(ts));
	json_object_object_add(o, "ns_ids", json_object_new_boolean(ts_have_ns_ids()));
	json_object_object_add(o, "containers", json_object_new_object());
	return o;
}

json_object *ts_add_container(json_object *root, __u64 cgid, const char *ctid,
			      const struct ts_meas *base)
{
	json_object *cts, *ct;
	char key[32];

	if (!json_object_object_get_ex(root, "containers", &cts))
		return NULL;
	snprintf(key, sizeof(key), "%llu", (unsigned long long)cgid);
	if (json_object_object_get_ex(cts, key, &ct))
		return ct;
	ct = json_object_new_object();
	json_object_object_add(ct, "id", json_object_new_string(ctid ? ctid : ""));
	json_object_object_add(ct, "baseline", meas_json(cgid, base));
	json_object_object_add(ct, "tasks", json_object_new_object());
	json_object_object_add(cts, key, ct);
	return ct;
}

void ts_add_task(json_object *ct, __u64 cgid, const struct ts_meas *m)
{
	json_object *tasks;
	char key[32];

	if (!ct || !json_object_object_get_ex(ct, "tasks", &tasks))
		return;
	snprintf(key, sizeof(key), "%d", m->pid);
	json_object_object_add(tasks, key, meas_json(cgid, m));
}

static int content_digest(json_object *root, char hex[65])
{
	json_object *d = NULL;
	const char *s;
	int err;

	if (json_object_object_get_ex(root, "digest", &d))
		json_object_get(d);
	json_object_object_del(root, "digest");
	s = json_object_to_json_string_ext(root,
					   JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	err = s ? sha256_hex(s, strlen(s), hex) : -ENOMEM;
	if (d)
		json_object_object_add(root, "digest", d);
	return err;
}

enum ts_status ts_load(const char *path, json_object **root, char *why, size_t size)
{
	char hex[65], want[80];
	json_object *o = NULL, *d, *f;
	struct stat st;
	char *buf = NULL;
	int fd;
	ssize_t n;

	*root = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return TS_MISSING;
		snprintf(why, size, "failed to open trust store '%s': %s", path, strerror(errno));
		return errno == ELOOP ? TS_BADPERM : TS_CORRUPT;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077)) {
		snprintf(why, size,
			 "trust store '%s' has mode %04o owner %u: want a regular file, mode 0600, "
			 "owned by %u; not trusting it",
			 path, st.st_mode & 07777, st.st_uid, geteuid());
		close(fd);
		return TS_BADPERM;
	}
	buf = malloc(st.st_size + 1);
	n = buf ? read(fd, buf, st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		snprintf(why, size, "failed to read trust store '%s'", path);
		free(buf);
		return TS_CORRUPT;
	}
	buf[n] = '\0';
	o = json_tokener_parse(buf);
	free(buf);
	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "format", &f) ||
	    strcmp(json_object_get_string(f), TS_FORMAT) ||
	    !json_object_object_get_ex(o, "containers", &f) ||
	    !json_object_is_type(f, json_type_object)) {
		snprintf(why, size, "trust store '%s' is not a %s document: tampered or corrupt",
			 path, TS_FORMAT);
		json_object_put(o);
		return TS_TAMPERED;
	}
	if (!json_object_object_get_ex(o, "digest", &d) || content_digest(o, hex)) {
		snprintf(why, size, "trust store '%s' has no digest: tampered", path);
		json_object_put(o);
		return TS_TAMPERED;
	}
	snprintf(want, sizeof(want), "sha256:%s", hex);
	if (strcmp(json_object_get_string(d), want)) {
		snprintf(why, size, "trust store '%s' does not match its digest: tampered", path);
		json_object_put(o);
		return TS_TAMPERED;
	}
	*root = o;
	return TS_OK;
}

static int mkdir_parent(const char *path)
{
	char dir[4096], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

int ts_save(const char *path, json_object *root)
{
	char hex[65], tmp[4200], dg[80];
	const char *s;
	int fd, err;
	size_t len;

	err = content_digest(root, hex);
	if (err)
		return err;
	snprintf(dg, sizeof(dg), "sha256:%s", hex);
	json_object_object_add(root, "digest", json_object_new_string(dg));
	err = mkdir_parent(path);
	if (err)
		return err;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(s);
	if (fchmod(fd, 0600) || write(fd, s, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
	    fsync(fd)) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err ? err : -EIO;
	}
	close(fd);
	if (rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
		return err;
	}
	return 0;
}

static bool meas_get(json_object *o, struct ts_meas *m)
{
	json_object *v, *ns, *id;

	memset(m, 0, sizeof(*m));
	if (!json_object_object_get_ex(o, "pid", &v))
		return false;
	m->pid = json_object_get_int(v);
	if (!json_object_object_get_ex(o, "start", &v))
		return false;
	m->start = (__u64)json_object_get_int64(v);
	if (!json_object_object_get_ex(o, "ns", &ns) || !json_object_object_get_ex(o, "ns_id", &id))
		return false;
	for (int i = 0; i < DCEA_NS_MAX; i++) {
		if (json_object_object_get_ex(ns, ns_files[i], &v))
			m->ns[i] = (__u64)json_object_get_int64(v);
		if (json_object_object_get_ex(id, ns_files[i], &v))
			m->id[i] = (__u64)json_object_get_int64(v);
	}
	return true;
}

int ts_compare(json_object *root, __u64 cgid, const struct ts_meas *base, const struct ts_meas *m,
	       char *detail, size_t size)
{
	json_object *cts, *ct, *b, *tasks, *t, *sha;
	struct ts_meas sb, st;
	char key[32], hex[65];
	size_t n = 0;

	detail[0] = '\0';
	snprintf(key, sizeof(key), "%llu", (unsigned long long)cgid);
	if (!root || !json_object_object_get_ex(root, "containers", &cts) ||
	    !json_object_object_get_ex(cts, key, &ct) ||
	    !json_object_object_get_ex(ct, "baseline", &b) || !meas_get(b, &sb))
		return 0;
	/* another container now has this cgroup id (inode reuse): nothing measured for it */
	if (base && (sb.pid != base->pid || sb.start != base->start))
		return 0;
	snprintf(key, sizeof(key), "%d", m->pid);
	if (!json_object_object_get_ex(ct, "tasks", &tasks) ||
	    !json_object_object_get_ex(tasks, key, &t) || !meas_get(t, &st) ||
	    st.start != m->start) /* pid reused: a task measured later */
		return 0;
	if (ts_sha256(cgid, m, hex) || !json_object_object_get_ex(t, "sha256", &sha) ||
	    !strcmp(json_object_get_string(sha), hex))
		return 0;
	for (int i = 0; i < DCEA_NS_MAX && n < size; i++)
		if (st.ns[i] != m->ns[i] || st.id[i] != m->id[i])
			n += snprintf(detail + n, size - n, "%s%s", n ? "," : "", ns_files[i]);
	if (!n)
		snprintf(detail, size, "measurement differs");
	return 1;
}
