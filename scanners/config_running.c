// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every running container of the host, for `dcea scan config --running` and `dcea scan`:
 * 1. the Docker Engine API on its unix socket, and podman's (libpod's own inspect endpoint there,
 *    which reports the effective capabilities; its Docker-compatible one does not);
 * 2. then the OCI runtimes' state (runc's state.json under each runtime root: podman, docker,
 *    containerd), so that containers are found without any API service running, as podman's
 *    usually are. A container the API already reported is not scanned twice.
 */
#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "common/containers.h"
#include "scanners/config.h"
#include "scanners/report.h"
#include "scanners/scan.h"

#define MAX_BODY (16u << 20)

/* runc --root directories: podman (and plain runc), docker 20.10, containerd (docker 23+, k8s) */
static const char *const state_globs[] = {
	"/run/runc/*/state.json",
	"/run/docker/runtime-*/moby/*/state.json",
	"/run/containerd/runc/*/*/state.json",
};

struct seen {
	char (*ids)[65];
	size_t n, cap;
};

static bool seen_has(const struct seen *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->ids[i], id))
			return true;
	return false;
}

static int seen_add(struct seen *s, const char *id)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		void *p = realloc(s->ids, cap * sizeof(*s->ids));

		if (!p)
			return -ENOMEM;
		s->ids = p;
		s->cap = cap;
	}
	snprintf(s->ids[s->n++], sizeof(s->ids[0]), "%s", id);
	return 0;
}

static bool is_hex_id(const char *id)
{
	size_t n = strlen(id);

	return n >= 12 && n <= 64 && strspn(id, "0123456789abcdef") == n;
}

/* A GET on the Docker Engine API (podman serves the same API); body malloc'd on success. */
static int engine_get(const char *sock, const char *url, char **body)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *buf = NULL, *nb, *start;
	size_t n = 0, cap = 0;
	ssize_t got;
	int fd, err = 0;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		goto cleanup;
	}
	dprintf(fd, "GET %s HTTP/1.0\r\nHost: docker\r\n\r\n", url);
	for (;;) {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > MAX_BODY) {
				err = -EFBIG;
				goto cleanup;
			}
			nb = realloc(buf, cap + 1);
			if (!nb) {
				err = -ENOMEM;
				goto cleanup;
			}
			buf = nb;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = -errno;
			goto cleanup;
		}
		if (!got)
			break;
		n += got;
	}
	if (!buf) {
		err = -EPROTO;
		goto cleanup;
	}
	buf[n] = '\0';
	start = strstr(buf, "\r\n\r\n");
	if (strncmp(buf, "HTTP/1.", 7) || !start || strncmp(buf + 9, "200", 3)) {
		err = -EPROTO;
		goto cleanup;
	}
	start += 4;
	memmove(buf, start, n - (start - buf) + 1);
	*body = buf;
	buf = NULL;
cleanup:
	free(buf);
	close(fd);
	return err;
}

/* GET url and parse it as a configuration (type-checked); NULL with a warning when it fails. */
static json_object *engine_get_json(const char *sock, const char *url)
{
	char *body = NULL, err[512], where[512];
	json_object *o;

	if (engine_get(sock, url, &body))
		return NULL; /* gone since the list: not an error */
	snprintf(where, sizeof(where), "%s %s", sock, url);
	o = config_parse_json(where, body, strlen(body), err, sizeof(err));
	if (o && config_check_types(o, where, body, strlen(body), NULL, err, sizeof(err))) {
		json_object_put(o);
		o = NULL;
	}
	free(body);
	if (!o)
		log_warn("%s, ignoring", err);
	return o;
}

static int scan_engine(const char *sock, struct seen *seen, struct scan_report *r)
{
	char *body = NULL, url[256], err[512];
	json_object *list;
	bool podman;
	int ret;

	ret = engine_get(sock, "/version", &body);
	if (ret) {
		log_debug("no container engine at '%s': %s", sock, strerror(-ret));
		return 0;
	}
	podman = strstr(body, "Podman Engine") != NULL;
	free(body);
	ret = engine_get(sock, "/containers/json", &body);
	if (ret) {
		log_warn("'%s': listing containers failed: %s, ignoring", sock, strerror(-ret));
		return 0;
	}
	list = config_parse_json(sock, body, strlen(body), err, sizeof(err));
	free(body);
	if (!list || !json_object_is_type(list, json_type_array)) {
		log_warn("'%s': bad container list%s%s, ignoring", sock, list ? "" : ": ",
			 list ? "" : err);
		json_object_put(list);
		return 0;
	}
	for (size_t i = 0; i < json_object_array_length(list) && !ret; i++) {
		const char *id = json_object_get_string(
			json_object_object_get(json_object_array_get_idx(list, i), "Id"));
		json_object *o;

		if (!id || !is_hex_id(id) || seen_has(seen, id))
			continue;
		snprintf(url, sizeof(url),
			 podman ? "/v4.0.0/libpod/containers/%s/json" : "/containers/%s/json", id);
		o = engine_get_json(sock, url);
		if (!o)
			continue;
		ret = scan_container_json(o, id, r);
		json_object_put(o);
		if (!ret)
			ret = seen_add(seen, id);
		else if (ret != -ENOMEM)
			ret = 0; /* not a container shape: warned about by nobody, skip it */
	}
	json_object_put(list);
	return ret;
}

/* runc's state.json: the bundle (a "bundle=" label) and whether its init is alive */
static int read_state(const char *path, char *bundle, size_t len)
{
	json_object *st = NULL, *labels, *pid;
	char err[512];
	int ret;

	bundle[0] = '\0';
	ret = config_load_json(path, &st, err, sizeof(err));
	if (ret)
		return ret;
	pid = json_object_object_get(st, "init_process_pid");
	if (!json_object_is_type(pid, json_type_int) || json_object_get_int(pid) <= 0 ||
	    (kill(json_object_get_int(pid), 0) && errno == ESRCH)) {
		json_object_put(st);
		return -ESRCH;
	}
	labels = json_object_object_get(json_object_object_get(st, "config"), "labels");
	for (size_t i = 0;
	     json_object_is_type(labels, json_type_array) && i < json_object_array_length(labels);
	     i++) {
		const char *l = json_object_get_string(json_object_array_get_idx(labels, i));

		if (l && !strncmp(l, "bundle=", 7))
			snprintf(bundle, len, "%s", l + 7);
	}
	json_object_put(st);
	return bundle[0] ? 0 : -ENOENT;
}

/* One container found through its runtime's state: Docker's own files when they are there. */
static int scan_bundle(const char *id, const char *bundle, struct scan_report *r)
{
	char path[4096], err[512];
	struct container_cfg *c = NULL;
	struct ct_info ci = { 0 };
	json_object *o = NULL;
	int ret;

	snprintf(path, sizeof(path), "/var/lib/docker/containers/%s", id);
	if (!access(path, R_OK)) {
		ret = scan_container_path(path, r, err, sizeof(err));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	ret = config_load_json(path, &o, err, sizeof(err));
	if (ret)
		goto out;
	c = calloc(1, sizeof(*c));
	if (!c) {
		ret = -ENOMEM;
		goto out;
	}
	/* podman: the name is in containers/storage's list, two levels above the bundle */
	snprintf(ci.id, sizeof(ci.id), "%s", id);
	snprintf(path, sizeof(path), "%s/../../containers.json", bundle);
	ct_read_podman_db(path, &ci);
	container_cfg_host(c);
	ret = container_cfg_parse(o, ci.name[0] ? ci.name : id, c);
	if (!ret) {
		snprintf(c->id, sizeof(c->id), "%.12s", id);
		ret = scan_container_cfg(c, r);
	} else {
		snprintf(err, sizeof(err), "%s/config.json: not an OCI config.json", bundle);
	}
out:
	if (ret && ret != -ENOMEM)
		log_warn("%s, ignoring", err);
	free(c);
	json_object_put(o);
	return ret == -ENOMEM ? ret : 0;
}

static int scan_states(struct seen *seen, struct scan_report *r)
{
	int ret = 0;

	for (size_t g = 0; g < ARRAY_SIZE(state_globs) && !ret; g++) {
		glob_t gl;

		if (glob(state_globs[g], GLOB_NOSORT, NULL, &gl))
			continue;
		for (size_t i = 0; i < gl.gl_pathc && !ret; i++) {
			char dir[4096], bundle[4096], *id;

			snprintf(dir, sizeof(dir), "%s", gl.gl_pathv[i]);
			*strrchr(dir, '/') = '\0';
			id = strrchr(dir, '/') + 1;
			if (!is_hex_id(id) || seen_has(seen, id) ||
			    read_state(gl.gl_pathv[i], bundle, sizeof(bundle)))
				continue;
			ret = scan_bundle(id, bundle, r);
			if (!ret)
				ret = seen_add(seen, id);
		}
		globfree(&gl);
	}
	return ret;
}

int scan_containers_running(struct scan_report *r)
{
	static const char *const socks[] = { "/var/run/docker.sock", "/run/podman/podman.sock" };
	struct seen seen = { 0 };
	size_t before = r->n;
	int ret = 0;

	for (size_t s = 0; s < ARRAY_SIZE(socks) && !ret; s++)
		ret = scan_engine(socks[s], &seen, r);
	if (!ret)
		ret = scan_states(&seen, r);
	if (!ret && r->n == before)
		log_info("no running container found (Engine API sockets, runc state)");
	free(seen.ids);
	return ret;
}
