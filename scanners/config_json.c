// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading container configurations from files: size limit, JSON syntax errors at FILE:LINE:COL,
 * and a type check of every field the checks read (a table of paths, STYLE 11), so that a
 * `"Privileged": "yes"` is an error at its position instead of a silent "not privileged".
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "scanners/config.h"
#include "scanners/report.h"
#include "scanners/scan.h"

/* Inputs bigger than this are not container configurations. */
#define MAX_CONFIG_SIZE (16u << 20)

enum { T_STR = 1, T_BOOL = 2, T_INT = 4, T_OBJ = 8, T_ARR = 16 };

/*
 * The fields scanners/config.c reads, by shape. A path is dot-separated keys; "[]" after a key
 * means every element of that array, "{}" every member of that object. null is always accepted
 * (docker writes "CapAdd": null).
 */
struct field {
	const char *path;
	unsigned types;
};

static const struct field docker_fields[] = {
	{ "Name", T_STR },
	{ "Id", T_STR },
	{ "ID", T_STR },
	{ "AppArmorProfile", T_STR },
	{ "OCIRuntime", T_STR },
	{ "EffectiveCaps[]", T_STR },
	{ "Config", T_OBJ },
	{ "Config.User", T_STR },
	{ "Mounts[]", T_OBJ },
	{ "Mounts[].Source", T_STR },
	{ "Mounts[].Destination", T_STR },
	{ "Mounts[].RW", T_BOOL },
	{ "MountPoints{}", T_OBJ },
	{ "MountPoints{}.Source", T_STR },
	{ "MountPoints{}.Destination", T_STR },
	{ "MountPoints{}.RW", T_BOOL },
	{ "HostConfig", T_OBJ },
	{ "HostConfig.Privileged", T_BOOL },
	{ "HostConfig.CapAdd[]", T_STR },
	{ "HostConfig.CapDrop[]", T_STR },
	{ "HostConfig.PidMode", T_STR },
	{ "HostConfig.NetworkMode", T_STR },
	{ "HostConfig.IpcMode", T_STR },
	{ "HostConfig.UTSMode", T_STR },
	{ "HostConfig.UsernsMode", T_STR },
	{ "HostConfig.CgroupnsMode", T_STR },
	{ "HostConfig.CgroupMode", T_STR },
	{ "HostConfig.SecurityOpt[]", T_STR },
	{ "HostConfig.Devices[]", T_OBJ },
	{ "HostConfig.Devices[].PathOnHost", T_STR },
	{ "HostConfig.Binds[]", T_STR },
	{ NULL, 0 },
};

static const struct field oci_fields[] = {
	{ "ociVersion", T_STR },
	{ "annotations{}", T_STR },
	{ "process", T_OBJ },
	{ "process.noNewPrivileges", T_BOOL },
	{ "process.apparmorProfile", T_STR },
	{ "process.user", T_OBJ },
	{ "process.user.uid", T_INT },
	{ "process.capabilities", T_OBJ },
	{ "process.capabilities.effective[]", T_STR },
	{ "linux", T_OBJ },
	{ "linux.seccomp", T_OBJ },
	{ "linux.namespaces[]", T_OBJ },
	{ "linux.namespaces[].type", T_STR },
	{ "linux.devices[]", T_OBJ },
	{ "linux.devices[].path", T_STR },
	{ "mounts[]", T_OBJ },
	{ "mounts[].type", T_STR },
	{ "mounts[].source", T_STR },
	{ "mounts[].destination", T_STR },
	{ "mounts[].options[]", T_STR },
	{ NULL, 0 },
};

/* A path through a document: keys and array indexes, for messages and the locator. */
struct jpath {
	struct {
		const char *key; /* NULL: index */
		size_t keylen, idx;
	} v[16];
	unsigned n;
};

static void jpath_str(const struct jpath *p, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < p->n && o < len; i++) {
		if (p->v[i].key)
			o += snprintf(out + o, len - o, "%s%.*s", o ? "." : "", (int)p->v[i].keylen,
				      p->v[i].key);
		else
			o += snprintf(out + o, len - o, "[%zu]", p->v[i].idx);
	}
}

/* ---- locating a path in the source text (already valid JSON) ---- */

static size_t skip_ws(const char *b, size_t len, size_t i)
{
	while (i < len && strchr(" \t\r\n", b[i]))
		i++;
	return i;
}

static size_t skip_string(const char *b, size_t len, size_t i)
{
	for (i++; i < len && b[i] != '"'; i++)
		if (b[i] == '\\')
			i++;
	return i + 1;
}

static size_t skip_value(const char *b, size_t len, size_t i)
{
	int depth = 0;

	i = skip_ws(b, len, i);
	do {
		if (i >= len)
			return len;
		if (b[i] == '"') {
			i = skip_string(b, len, i);
			continue;
		}
		if (b[i] == '{' || b[i] == '[')
			depth++;
		else if (b[i] == '}' || b[i] == ']')
			depth--;
		else if (!depth) {
			while (i < len && !strchr(",}] \t\r\n", b[i]))
				i++;
			return i;
		}
		i++;
	} while (depth > 0);
	return i;
}

/* Offset of the value at path p, or of the deepest part of it found. */
static size_t locate(const char *b, size_t len, const struct jpath *p)
{
	size_t i = skip_ws(b, len, 0), found = i;

	for (unsigned k = 0; k < p->n; k++) {
		size_t n = 0;
		bool hit = false;

		if (i >= len || (b[i] != '{' && b[i] != '['))
			return found;
		for (i = skip_ws(b, len, i + 1); i < len && b[i] != '}' && b[i] != ']';) {
			if (b[i] == '"' && p->v[k].key) {
				size_t ks = i + 1, ke = skip_string(b, len, i) - 1;

				hit = ke - ks == p->v[k].keylen &&
				      !memcmp(b + ks, p->v[k].key, ke - ks);
				i = skip_ws(b, len, ke + 1) + 1; /* the ':' */
			} else {
				hit = !p->v[k].key && n == p->v[k].idx;
			}
			i = skip_ws(b, len, i);
			if (hit)
				break;
			i = skip_ws(b, len, skip_value(b, len, i));
			if (i < len && b[i] == ',')
				i = skip_ws(b, len, i + 1);
			n++;
		}
		if (!hit)
			return found;
		found = i;
	}
	return found;
}

static void line_col(const char *b, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (b[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* ---- type check ---- */

struct vctx {
	const char *file, *buf;
	size_t len;
	char *err;
	size_t errlen;
	struct jpath path;
};

static const char *type_name(json_object *o)
{
	return json_type_to_name(json_object_get_type(o));
}

static bool type_ok(json_object *o, unsigned types)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		return true;
	case json_type_string:
		return types & T_STR;
	case json_type_boolean:
		return types & T_BOOL;
	case json_type_int:
		return types & T_INT;
	case json_type_object:
		return types & T_OBJ;
	case json_type_array:
		return types & T_ARR;
	default:
		return false;
	}
}

static int type_error(struct vctx *x, json_object *o, unsigned want)
{
	char p[512];
	size_t line, col;
	const char *w = want & T_STR	? "a string"
			: want & T_BOOL ? "a boolean"
			: want & T_INT	? "an integer"
			: want & T_OBJ	? "an object"
					: "an array";

	jpath_str(&x->path, p, sizeof(p));
	if (x->buf) {
		line_col(x->buf, locate(x->buf, x->len, &x->path), &line, &col);
		snprintf(x->err, x->errlen, "%s:%zu:%zu: '%s' must be %s, not %s", x->file, line,
			 col, p, w, type_name(o));
	} else {
		snprintf(x->err, x->errlen, "%s: '%s' must be %s, not %s", x->file, p, w,
			 type_name(o));
	}
	return -EINVAL;
}

static int check_path(struct vctx *x, json_object *o, const char *path, unsigned types)
{
	const char *dot = strchr(path, '.');
	size_t klen = dot ? (size_t)(dot - path) : strlen(path);
	bool each_elem = klen > 2 && !strncmp(path + klen - 2, "[]", 2);
	bool each_member = klen > 2 && !strncmp(path + klen - 2, "{}", 2);
	size_t key = klen - (each_elem || each_member ? 2 : 0);
	json_object *v;
	int err = 0;
	char name[128];

	if (!json_object_is_type(o, json_type_object))
		return 0; /* the parent's own row reports it */
	snprintf(name, sizeof(name), "%.*s", (int)key, path);
	if (!json_object_object_get_ex(o, name, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (x->path.n + 2 > ARRAY_SIZE(x->path.v))
		return 0;
	x->path.v[x->path.n].key = path;
	x->path.v[x->path.n].keylen = key;
	x->path.n++;
	if (each_elem || each_member) {
		unsigned want = each_elem ? T_ARR : T_OBJ;

		if (!type_ok(v, want)) {
			err = type_error(x, v, want);
			goto out;
		}
		if (each_elem) {
			for (size_t i = 0; i < json_object_array_length(v) && !err; i++) {
				json_object *e = json_object_array_get_idx(v, i);

				x->path.v[x->path.n].key = NULL;
				x->path.v[x->path.n].idx = i;
				x->path.n++;
				err = dot		  ? check_path(x, e, dot + 1, types)
				      : type_ok(e, types) ? 0
							  : type_error(x, e, types);
				x->path.n--;
			}
		} else {
			json_object_object_foreach(v, k, e) {
				x->path.v[x->path.n].key = k;
				x->path.v[x->path.n].keylen = strlen(k);
				x->path.n++;
				err = dot		  ? check_path(x, e, dot + 1, types)
				      : type_ok(e, types) ? 0
							  : type_error(x, e, types);
				x->path.n--;
				if (err)
					break;
			}
		}
	} else if (dot) {
		err = check_path(x, v, dot + 1, types);
	} else if (!type_ok(v, types)) {
		err = type_error(x, v, types);
	}
out:
	x->path.n--;
	return err;
}

static int check_fields(struct vctx *x, json_object *o, const struct field *f, const char *prefix)
{
	size_t plen = prefix ? strlen(prefix) : 0;
	int err = 0;

	if (!json_object_is_type(o, json_type_object))
		return 0; /* not a configuration at all: the shape detection says so */
	for (; f->path && !err; f++) {
		if (plen && strncmp(f->path, prefix, plen))
			continue;
		err = check_path(x, o, f->path + plen, f->types);
	}
	return err;
}

/*
 * Type-check a configuration (or an array of them) against the fields the checks read. buf/len
 * is its source text, for LINE:COL (NULL: the error names the field only). prefix "HostConfig."
 * checks a Docker hostconfig.json.
 */
int config_check_types(json_object *o, const char *file, const char *buf, size_t len,
		       const char *prefix, char *err, size_t errlen)
{
	struct vctx x = { .file = file, .buf = buf, .len = len, .err = err, .errlen = errlen };
	const struct field *f;
	int ret = 0;

	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o) && !ret; i++) {
			json_object *e = json_object_array_get_idx(o, i);

			x.path.n = 1;
			x.path.v[0].key = NULL;
			x.path.v[0].idx = i;
			f = json_object_object_get_ex(e, "ociVersion", NULL) ? oci_fields
									     : docker_fields;
			ret = check_fields(&x, e, f, prefix);
		}
		return ret;
	}
	f = json_object_object_get_ex(o, "ociVersion", NULL) ? oci_fields : docker_fields;
	return check_fields(&x, o, f, prefix);
}

/* Parse a whole buffer as one JSON value; errors name the file, line and column. */
json_object *config_parse_json(const char *path, const char *buf, size_t len, char *err,
			       size_t errlen)
{
	json_tokener *tok = json_tokener_new_ex(64);
	enum json_tokener_error jerr;
	json_object *o;
	size_t line, col, off;

	if (!tok) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	o = json_tokener_parse_ex(tok, buf, len);
	jerr = json_tokener_get_error(tok);
	off = json_tokener_get_parse_end(tok);
	if (!o && jerr == json_tokener_continue)
		jerr = json_tokener_error_parse_eof;
	if (o && off < len && buf[off + strspn(buf + off, " \t\r\n")] != '\0') {
		json_object_put(o);
		o = NULL;
		jerr = json_tokener_error_parse_unexpected;
	}
	if (!o) {
		line_col(buf, off < len ? off : len, &line, &col);
		snprintf(err, errlen, "%s:%zu:%zu: invalid JSON: %s", path, line, col,
			 json_tokener_error_desc(jerr));
	}
	json_tokener_free(tok);
	return o;
}

/* Read, parse and type-check one file ("-": stdin); prefix as for config_check_types(). */
static int load_config(const char *path, const char *prefix, json_object **out, char *err,
		       size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	*out = NULL;
	if (!strcmp(path, "-"))
		path = "<stdin>"; /* for the messages */
	ret = read_file_max(strcmp(path, "<stdin>") ? path : "/dev/stdin", &buf, &len,
			    MAX_CONFIG_SIZE);
	if (ret == -EFBIG) {
		snprintf(err, errlen, "%s: more than %u MiB, too big for a container configuration",
			 path, MAX_CONFIG_SIZE >> 20);
		return ret;
	}
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	*out = config_parse_json(path, buf, len, err, errlen);
	ret = *out ? config_check_types(*out, path, buf, len, prefix, err, errlen) : -EINVAL;
	if (ret) {
		json_object_put(*out);
		*out = NULL;
	}
	free(buf);
	return ret;
}

int config_load_json(const char *path, json_object **out, char *err, size_t errlen)
{
	return load_config(path, NULL, out, err, errlen);
}

static int scan_docker_dir(const char *dir, struct scan_report *r, char *err, size_t errlen)
{
	char p1[4096], p2[4096];
	json_object *cfg = NULL, *hc = NULL;
	int ret;

	snprintf(p1, sizeof(p1), "%s/config.v2.json", dir);
	snprintf(p2, sizeof(p2), "%s/hostconfig.json", dir);
	ret = load_config(p1, NULL, &cfg, err, errlen);
	if (!ret)
		ret = load_config(p2, "HostConfig.", &hc, err, errlen);
	if (!ret) {
		json_object_object_add(cfg, "HostConfig", hc);
		hc = NULL;
		ret = scan_container_json(cfg, dir, r);
	}
	json_object_put(cfg);
	json_object_put(hc);
	return ret;
}

int scan_container_path(const char *path, struct scan_report *r, char *err, size_t errlen)
{
	char p[4096];
	json_object *o = NULL;
	struct stat st;
	int ret;

	err[0] = '\0';
	if (strcmp(path, "-") && !stat(path, &st) && S_ISDIR(st.st_mode)) {
		snprintf(p, sizeof(p), "%s/config.v2.json", path);
		if (!access(p, R_OK))
			return scan_docker_dir(path, r, err, errlen);
		snprintf(p, sizeof(p), "%s/config.json", path);
		path = p;
	}
	ret = config_load_json(path, &o, err, errlen);
	if (ret)
		return ret;
	ret = scan_container_json(o, path, r);
	if (ret == -EINVAL)
		snprintf(err, errlen,
			 "%s: not a docker/podman inspect output, OCI config.json or "
			 "config.v2.json",
			 strcmp(path, "-") ? path : "<stdin>");
	json_object_put(o);
	return ret;
}
