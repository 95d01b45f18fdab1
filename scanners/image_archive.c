// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "scanners/image_archive.h"
#include "scanners/tar.h"

#define MAX_INDEX_DEPTH	 4
#define MAX_MEMBER_LINKS 8

struct member {
	char *name, *link;
	char type;
	uint64_t off, size;
};

/* Where blobs come from: a directory (dirfd) or an indexed outer tar (fd + members). */
struct blobs {
	int dirfd, fd;
	struct member *m;
	size_t n, cap;
	const char *target;
};

static void blobs_free(struct blobs *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->m[i].name);
		free(b->m[i].link);
	}
	free(b->m);
	if (b->dirfd >= 0)
		close(b->dirfd);
	if (b->fd >= 0)
		close(b->fd);
}

static int index_archive(struct blobs *b)
{
	struct istream *s;
	struct tar *t;
	const struct tar_entry *e;
	struct stat st;
	char head[4];
	int r;

	if (pread(b->fd, head, 4, 0) == 4 && ((head[0] == 0x1f && (unsigned char)head[1] == 0x8b) ||
					      !memcmp(head, "\x28\xb5\x2f\xfd", 4))) {
		log_err("failed to open '%s': compressed image archives are not supported, decompress it first",
			b->target);
		return -EOPNOTSUPP;
	}
	if (fstat(b->fd, &st))
		return -errno;
	s = istream_fd_range(b->fd, 0, st.st_size);
	t = s ? tar_open(s, b->target) : NULL;
	if (!t) {
		istream_close(s);
		return -ENOMEM;
	}
	while ((r = tar_next(t, &e)) > 0) {
		struct member *m;

		if (e->type != TAR_FILE && e->type != TAR_SYMLINK && e->type != TAR_HARDLINK)
			continue;
		if (b->n == b->cap) {
			size_t cap = b->cap ? b->cap * 2 : 64;

			m = realloc(b->m, cap * sizeof(*m));
			if (!m) {
				r = -ENOMEM;
				break;
			}
			b->m = m;
			b->cap = cap;
		}
		m = &b->m[b->n];
		m->name = strdup(e->name);
		m->link = e->type == TAR_FILE ? NULL : strdup(e->linkname);
		m->type = e->type;
		m->off = tar_data_offset(t);
		m->size = e->size;
		if (m->off > (uint64_t)st.st_size || m->size > (uint64_t)st.st_size - m->off) {
			log_err("failed to read '%s': member '%s' runs past the end", b->target,
				e->name);
			free(m->name);
			free(m->link);
			r = -EBADMSG;
			break;
		}
		if (!m->name || (e->type != TAR_FILE && !m->link)) {
			free(m->name);
			free(m->link);
			r = -ENOMEM;
			break;
		}
		b->n++;
	}
	tar_close(t);
	istream_close(s);
	return r < 0 ? r : 0;
}

static const struct member *find_member(struct blobs *b, const char *name)
{
	char *cur = strdup(name), *nx;
	const struct member *found = NULL;

	for (int hops = 0; cur && hops <= MAX_MEMBER_LINKS; hops++) {
		const struct member *m = NULL;

		/* later members of the same name win, as when extracting */
		for (size_t i = b->n; i-- > 0;)
			if (!strcmp(b->m[i].name, cur)) {
				m = &b->m[i];
				break;
			}
		if (!m || m->type == TAR_FILE) {
			found = m;
			break;
		}
		if (m->type == TAR_HARDLINK) {
			nx = strdup(m->link);
		} else {
			/* symlink: relative to its directory ("../abc/layer.tar" in docker save) */
			const char *slash = strrchr(cur, '/');

			if (m->link[0] == '/' ||
			    asprintf(&nx, "%.*s%s%s", slash ? (int)(slash - cur) : 0, cur,
				     slash ? "/" : "", m->link) < 0)
				nx = NULL;
		}
		free(cur);
		cur = nx;
		if (cur && tar_normalize(cur, cur)) {
			free(cur);
			cur = NULL;
		}
	}
	free(cur);
	return found;
}

/* Open a blob by its path in the layout: a stream and its size. */
static int blob_open(struct blobs *b, const char *path, struct istream **s, uint64_t *size,
		     int *fd_out)
{
	char norm[1024];

	*fd_out = -1;
	if (strlen(path) >= sizeof(norm) || tar_normalize(path, norm)) {
		log_err("refusing '%s': blob path '%s' climbs out of the image", b->target, path);
		return -EINVAL;
	}
	if (b->dirfd >= 0) {
		struct open_how how = {
			.flags = O_RDONLY | O_CLOEXEC,
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};
		struct stat st;
		int fd = syscall(SYS_openat2, b->dirfd, norm, &how, sizeof(how));

		if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
			int err = fd < 0 ? -errno : -EINVAL;

			log_err("failed to open '%s' in '%s': %s", norm, b->target,
				fd < 0 ? strerror(errno) : "not a regular file");
			if (fd >= 0)
				close(fd);
			return err;
		}
		*s = istream_fd_range(fd, 0, st.st_size);
		*size = st.st_size;
		*fd_out = fd;
	} else {
		const struct member *m = find_member(b, norm);

		if (!m) {
			log_err("failed to open '%s' in '%s': no such member", norm, b->target);
			return -ENOENT;
		}
		*s = istream_fd_range(b->fd, m->off, m->size);
		*size = m->size;
	}
	if (!*s) {
		if (*fd_out >= 0)
			close(*fd_out);
		return -ENOMEM;
	}
	return 0;
}

static int blob_json(struct blobs *b, const char *path, json_object **out)
{
	struct istream *s = NULL;
	uint64_t size;
	char *buf;
	ssize_t r;
	int fd, err;

	err = blob_open(b, path, &s, &size, &fd);
	if (err)
		return err;
	if (size > IMAGE_MAX_JSON) {
		log_err("refusing '%s' in '%s': %llu bytes of JSON", path, b->target,
			(unsigned long long)size);
		err = -EFBIG;
		goto out;
	}
	buf = malloc(size + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	r = istream_read_full(s, buf, size);
	if (r != (ssize_t)size) {
		free(buf);
		err = r < 0 ? r : -EBADMSG;
		goto out;
	}
	buf[size] = '\0';
	*out = json_tokener_parse(buf);
	free(buf);
	if (!*out) {
		log_err("failed to parse '%s' in '%s': malformed JSON", path, b->target);
		err = -EBADMSG;
	}
out:
	istream_close(s);
	if (fd >= 0)
		close(fd);
	return err;
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

/* "sha256:<64 hex>" -> "blobs/sha256/<hex>"; anything else is refused. */
static int digest_path(const char *target, const char *digest, char *out, size_t size)
{
	const char *colon = digest ? strchr(digest, ':') : NULL;
	size_t al, hl;

	if (!colon)
		goto bad;
	al = colon - digest;
	hl = strlen(colon + 1);
	if (al == 0 || al > 16 || strspn(digest, "abcdefghijklmnopqrstuvwxyz0123456789") != al ||
	    hl < 32 || hl > 128 || strspn(colon + 1, "0123456789abcdef") != hl)
		goto bad;
	snprintf(out, size, "blobs/%.*s/%s", (int)al, digest, colon + 1);
	return 0;
bad:
	log_err("refusing '%s': malformed digest '%s'", target, digest ? digest : "(none)");
	return -EINVAL;
}

struct layer_list {
	char *path[IMAGE_MAX_LAYERS];
	unsigned int n;
};

static void layers_free(struct layer_list *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		free(l->path[i]);
	l->n = 0;
}

static int layers_add(struct layer_list *l, const char *target, const char *path)
{
	char norm[1024];

	if (strlen(path) >= sizeof(norm) || tar_normalize(path, norm) || path[0] == '/') {
		log_err("refusing '%s': layer path '%s' climbs out of the image", target, path);
		return -EINVAL;
	}
	if (l->n >= IMAGE_MAX_LAYERS) {
		log_err("refusing '%s': more than %d layers", target, IMAGE_MAX_LAYERS);
		return -E2BIG;
	}
	l->path[l->n] = strdup(path);
	return l->path[l->n++] ? 0 : -ENOMEM;
}

static int docker_manifest(struct blobs *b, struct layer_list *l, struct image_info *info)
{
	json_object *man = NULL, *img, *layers, *tags;
	int err;

	err = blob_json(b, "manifest.json", &man);
	if (err)
		return err;
	if (!json_object_is_type(man, json_type_array) || json_object_array_length(man) == 0 ||
	    !json_object_object_get_ex(img = json_object_array_get_idx(man, 0), "Layers",
				       &layers) ||
	    !json_object_is_type(layers, json_type_array)) {
		log_err("failed to parse 'manifest.json' in '%s': no image with Layers", b->target);
		err = -EBADMSG;
		goto out;
	}
	if (json_object_array_length(man) > 1)
		log_warn("'%s' holds %zu images, scanning the first", b->target,
			 json_object_array_length(man));
	if (json_object_object_get_ex(img, "RepoTags", &tags) &&
	    json_object_is_type(tags, json_type_array) && json_object_array_length(tags))
		snprintf(info->ref, sizeof(info->ref), "%s",
			 json_object_get_string(json_object_array_get_idx(tags, 0)));
	for (size_t i = 0; !err && i < json_object_array_length(layers); i++) {
		const char *p = json_object_get_string(json_object_array_get_idx(layers, i));

		err = p ? layers_add(l, b->target, p) : -EBADMSG;
	}
out:
	json_object_put(man);
	return err;
}

static const char *host_arch(void)
{
	static struct utsname u;

	if (uname(&u))
		return "amd64";
	if (!strcmp(u.machine, "x86_64"))
		return "amd64";
	if (!strcmp(u.machine, "aarch64"))
		return "arm64";
	return u.machine;
}

/* Pick from an index: the manifest for linux on this architecture, else the first real one. */
static json_object *pick_manifest(json_object *manifests)
{
	json_object *first = NULL;

	for (size_t i = 0; i < json_object_array_length(manifests); i++) {
		json_object *d = json_object_array_get_idx(manifests, i), *plat;
		const char *os = NULL, *arch = NULL;

		if (json_object_object_get_ex(d, "platform", &plat)) {
			os = jstr(plat, "os");
			arch = jstr(plat, "architecture");
		}
		if (os && !strcmp(os, "unknown"))
			continue; /* buildkit attestations */
		if (!first)
			first = d;
		if (os && arch && !strcmp(os, "linux") && !strcmp(arch, host_arch()))
			return d;
	}
	return first;
}

static int oci_walk(struct blobs *b, const char *path, int depth, struct layer_list *l,
		    struct image_info *info)
{
	json_object *doc = NULL, *arr;
	char p[256];
	int err;

	if (depth > MAX_INDEX_DEPTH) {
		log_err("refusing '%s': indexes nested more than %d deep (a cycle?) at '%s'",
			b->target, MAX_INDEX_DEPTH, path);
		return -ELOOP;
	}
	err = blob_json(b, path, &doc);
	if (err)
		return err;
	if (json_object_object_get_ex(doc, "manifests", &arr) &&
	    json_object_is_type(arr, json_type_array)) {
		json_object *d = pick_manifest(arr), *ann;

		if (!d) {
			log_err("failed to parse '%s' in '%s': no manifest for this platform", path,
				b->target);
			err = -ENOENT;
		} else {
			if (!info->ref[0] && json_object_object_get_ex(d, "annotations", &ann) &&
			    jstr(ann, "org.opencontainers.image.ref.name"))
				snprintf(info->ref, sizeof(info->ref), "%s",
					 jstr(ann, "org.opencontainers.image.ref.name"));
			err = digest_path(b->target, jstr(d, "digest"), p, sizeof(p))
				      ?: oci_walk(b, p, depth + 1, l, info);
		}
	} else if (json_object_object_get_ex(doc, "layers", &arr) &&
		   json_object_is_type(arr, json_type_array)) {
		for (size_t i = 0; !err && i < json_object_array_length(arr); i++) {
			json_object *d = json_object_array_get_idx(arr, i);

			err = digest_path(b->target, jstr(d, "digest"), p, sizeof(p))
				      ?: layers_add(l, b->target, p);
		}
	} else {
		log_err("failed to parse '%s' in '%s': neither an index nor a manifest", path,
			b->target);
		err = -EBADMSG;
	}
	json_object_put(doc);
	return err;
}

static bool blob_exists(struct blobs *b, const char *path)
{
	if (b->dirfd >= 0)
		return faccessat(b->dirfd, path, F_OK, 0) == 0;
	return find_member(b, path) != NULL;
}

static int apply_layers(struct blobs *b, struct layer_list *l, const struct stream_limits *lim,
			struct imgfs *fs, struct image_info *info)
{
	int err = 0;

	for (unsigned int i = 0; !err && i < l->n; i++) {
		struct istream *raw = NULL, *s;
		struct tar *t;
		uint64_t size, in, out;
		enum stream_codec codec;
		char label[512];
		int fd;

		err = blob_open(b, l->path[i], &raw, &size, &fd);
		if (err)
			break;
		snprintf(label, sizeof(label), "layer %u/%u '%s' of '%s'", i + 1, l->n, l->path[i],
			 b->target);
		s = istream_decompress(raw, label, lim);
		t = s ? tar_open(s, label) : NULL;
		if (!t)
			err = -ENOMEM;
		else
			err = imgfs_apply_layer(fs, t, label);
		if (s) {
			istream_stats(s, &codec, &in, &out);
			info->bytes_in += size;
			info->bytes_out += out;
			if (!strstr(info->codecs, stream_codec_name(codec)) &&
			    strlen(info->codecs) + 8 < sizeof(info->codecs))
				snprintf(info->codecs + strlen(info->codecs),
					 sizeof(info->codecs) - strlen(info->codecs), "%s%s",
					 info->codecs[0] ? "+" : "", stream_codec_name(codec));
		}
		tar_close(t);
		istream_close(s);
		if (fd >= 0)
			close(fd);
		info->layers++;
	}
	return err;
}

/* `docker save NAME` into an unlinked temporary file: its fd, or negative errno. */
static int docker_export(const char *name)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/var/tmp";
	int fd, status;
	pid_t pid;

	fd = open(tmp, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		int err = -errno;

		log_err("failed to create a temporary file in '%s': %s", tmp, strerror(errno));
		return err;
	}
	pid = fork();
	if (pid < 0) {
		close(fd);
		return -errno;
	}
	if (pid == 0) {
		dup2(fd, 1);
		execlp("docker", "docker", "save", name, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		log_err("failed to export image '%s': 'docker save' failed (not a file, a directory or a local image?)",
			name);
		close(fd);
		return -ENOENT;
	}
	return fd;
}

int image_load(const char *target, const struct stream_limits *lim, imgfs_want_fn want,
	       struct imgfs **out, struct image_info *info)
{
	struct blobs b = { .dirfd = -1, .fd = -1, .target = target };
	struct layer_list l = { .n = 0 };
	struct imgfs *fs = NULL;
	struct stat st;
	int err;

	memset(info, 0, sizeof(*info));
	if (stat(target, &st) == 0 && S_ISDIR(st.st_mode)) {
		b.dirfd = open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (b.dirfd < 0) {
			err = -errno;
			log_err("failed to open '%s': %s", target, strerror(errno));
			goto cleanup;
		}
		if (!blob_exists(&b, "manifest.json") && !blob_exists(&b, "index.json")) {
			snprintf(info->format, sizeof(info->format), "rootfs");
			err = imgfs_open_dir(target, out);
			goto cleanup;
		}
	} else {
		if (stat(target, &st) == 0) {
			b.fd = open(target, O_RDONLY | O_CLOEXEC);
			if (b.fd < 0) {
				err = -errno;
				log_err("failed to open '%s': %s", target, strerror(errno));
				goto cleanup;
			}
		} else {
			b.fd = docker_export(target);
			if (b.fd < 0) {
				err = b.fd;
				goto cleanup;
			}
		}
		err = index_archive(&b);
		if (err)
			goto cleanup;
	}
	if (blob_exists(&b, "manifest.json")) {
		snprintf(info->format, sizeof(info->format), "docker-archive");
		err = docker_manifest(&b, &l, info);
	} else if (blob_exists(&b, "index.json")) {
		snprintf(info->format, sizeof(info->format),
			 b.dirfd >= 0 ? "oci-layout" : "oci-archive");
		err = oci_walk(&b, "index.json", 0, &l, info);
	} else {
		log_err("failed to open '%s': neither manifest.json nor index.json in the archive",
			target);
		err = -ENOENT;
	}
	if (err)
		goto cleanup;
	/* every blob must be there before anything is read */
	for (unsigned int i = 0; i < l.n; i++)
		if (!blob_exists(&b, l.path[i])) {
			log_err("failed to open '%s': layer '%s' is missing", target, l.path[i]);
			err = -ENOENT;
			goto cleanup;
		}
	fs = imgfs_new(want);
	if (!fs) {
		err = -ENOMEM;
		goto cleanup;
	}
	err = apply_layers(&b, &l, lim, fs, info);
	if (!err) {
		*out = fs;
		fs = NULL;
	}
cleanup:
	imgfs_free(fs);
	layers_free(&l);
	blobs_free(&b);
	return err;
}
