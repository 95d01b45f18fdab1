// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"
#include "scanners/image_fs.h"

#define MAX_LINKS 40 /* as the kernel's MAXSYMLINKS */

enum node_type {
	NODE_FILE,
	NODE_SYMLINK,
};

struct node {
	char *path;
	enum node_type type;
	uint32_t layer;
	char *data; /* file contents or symlink target */
	size_t len;
	struct node *next; /* hash chain */
};

struct imgfs {
	int root_fd; /* directory view, or -1 */
	imgfs_want_fn want;
	struct node **tab;
	size_t nbuckets, count;
	struct imgfs_stats st;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

struct imgfs *imgfs_new(imgfs_want_fn want)
{
	struct imgfs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->root_fd = -1;
	fs->want = want;
	fs->nbuckets = 4096;
	fs->tab = calloc(fs->nbuckets, sizeof(*fs->tab));
	if (!fs->tab) {
		free(fs);
		return NULL;
	}
	return fs;
}

int imgfs_open_dir(const char *root, struct imgfs **out)
{
	struct imgfs *fs = calloc(1, sizeof(*fs));
	int err;

	if (!fs)
		return -ENOMEM;
	fs->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fs->root_fd < 0) {
		err = -errno;
		log_err("failed to open '%s': %s", root, strerror(errno));
		free(fs);
		return err;
	}
	*out = fs;
	return 0;
}

static void node_free(struct node *n)
{
	free(n->path);
	free(n->data);
	free(n);
}

void imgfs_free(struct imgfs *fs)
{
	if (!fs)
		return;
	if (fs->root_fd >= 0)
		close(fs->root_fd);
	for (size_t i = 0; fs->tab && i < fs->nbuckets; i++) {
		struct node *n = fs->tab[i], *nx;

		for (; n; n = nx) {
			nx = n->next;
			node_free(n);
		}
	}
	free(fs->tab);
	free(fs);
}

static struct node **lookup_slot(struct imgfs *fs, const char *path)
{
	struct node **pp = &fs->tab[hash_str(path) & (fs->nbuckets - 1)];

	while (*pp && strcmp((*pp)->path, path))
		pp = &(*pp)->next;
	return pp;
}

static struct node *lookup(struct imgfs *fs, const char *path)
{
	return *lookup_slot(fs, path);
}

static int grow(struct imgfs *fs)
{
	size_t nb = fs->nbuckets * 2;
	struct node **tab = calloc(nb, sizeof(*tab));

	if (!tab)
		return -ENOMEM;
	for (size_t i = 0; i < fs->nbuckets; i++) {
		struct node *n = fs->tab[i], *nx;

		for (; n; n = nx) {
			size_t b = hash_str(n->path) & (nb - 1);

			nx = n->next;
			n->next = tab[b];
			tab[b] = n;
		}
	}
	free(fs->tab);
	fs->tab = tab;
	fs->nbuckets = nb;
	return 0;
}

static void remove_path(struct imgfs *fs, const char *path)
{
	struct node **pp = lookup_slot(fs, path), *n = *pp;

	if (n) {
		*pp = n->next;
		fs->st.kept_bytes -= n->type == NODE_FILE ? n->len : 0;
		node_free(n);
		fs->count--;
	}
}

/* Drop path and everything below it that lower layers (layer < below) brought. */
static void remove_tree(struct imgfs *fs, const char *path, uint32_t below, bool self)
{
	size_t pl = strlen(path);

	for (size_t i = 0; i < fs->nbuckets; i++) {
		struct node **pp = &fs->tab[i];

		while (*pp) {
			struct node *n = *pp;
			bool under = pl == 0 || (!strncmp(n->path, path, pl) && n->path[pl] == '/');
			bool at = self && !strcmp(n->path, path);

			if ((under || at) && n->layer < below) {
				*pp = n->next;
				fs->st.kept_bytes -= n->type == NODE_FILE ? n->len : 0;
				node_free(n);
				fs->count--;
			} else {
				pp = &n->next;
			}
		}
	}
}

static int insert(struct imgfs *fs, const char *path, enum node_type type, char *data, size_t len)
{
	struct node *n;

	remove_path(fs, path);
	if (fs->count >= fs->nbuckets && grow(fs))
		return -ENOMEM;
	n = calloc(1, sizeof(*n));
	if (!n || !(n->path = strdup(path))) {
		free(n);
		return -ENOMEM;
	}
	n->type = type;
	n->layer = fs->st.layers;
	n->data = data;
	n->len = len;
	struct node **slot = &fs->tab[hash_str(path) & (fs->nbuckets - 1)];

	n->next = *slot;
	*slot = n;
	fs->count++;
	if (type == NODE_FILE) {
		fs->st.kept++;
		fs->st.kept_bytes += len;
	}
	return 0;
}

int imgfs_apply_layer(struct imgfs *fs, struct tar *t, const char *label)
{
	const struct tar_entry *e;
	int r;

	fs->st.layers++;
	while ((r = tar_next(t, &e)) > 0) {
		const char *base = strrchr(e->name, '/');
		char *data = NULL;
		size_t len = 0;

		fs->st.entries++;
		base = base ? base + 1 : e->name;
		if (!strncmp(base, ".wh.", 4)) {
			char *p = strdup(e->name);

			if (!p)
				return -ENOMEM;
			fs->st.whiteouts++;
			p[base - e->name] = '\0';
			if (base > e->name)
				p[base - e->name - 1] = '\0';
			if (!strcmp(base, ".wh..wh..opq")) {
				remove_tree(fs, p, fs->st.layers, false);
			} else if (base[4]) {
				size_t dl = strlen(p);
				char *full = malloc(dl + strlen(base + 4) + 2);

				if (!full) {
					free(p);
					return -ENOMEM;
				}
				sprintf(full, "%s%s%s", p, dl ? "/" : "", base + 4);
				remove_tree(fs, full, fs->st.layers, true);
				free(full);
			}
			free(p);
			continue;
		}
		switch (e->type) {
		case TAR_SYMLINK:
			data = strdup(e->linkname);
			if (!data)
				return -ENOMEM;
			r = insert(fs, e->name, NODE_SYMLINK, data, strlen(data));
			break;
		case TAR_FILE:
			if (!fs->want(e->name)) {
				remove_path(fs, e->name);
				continue;
			}
			r = tar_read_all(t, IMGFS_MAX_FILE, &data, &len);
			if (r)
				return r;
			r = insert(fs, e->name, NODE_FILE, data, len);
			break;
		case TAR_HARDLINK: {
			struct node *target = lookup(fs, e->linkname);

			if (!fs->want(e->name)) {
				remove_path(fs, e->name);
				continue;
			}
			if (!target || target->type != NODE_FILE) {
				log_debug("%s: hard link '%s' to '%s' not kept, ignoring", label,
					  e->name, e->linkname);
				continue;
			}
			data = malloc(target->len + 1);
			if (!data)
				return -ENOMEM;
			memcpy(data, target->data, target->len + 1);
			r = insert(fs, e->name, NODE_FILE, data, target->len);
			break;
		}
		default:
			/* a directory or device replaces a lower file or symlink of that name */
			remove_path(fs, e->name);
			continue;
		}
		if (r) {
			free(data);
			return r;
		}
	}
	return r;
}

/*
 * Resolve path inside the image: every symlink met on the way is followed, relative to its
 * directory or, when absolute, to the image root. out gets the final path (a file or nothing).
 */
static int resolve(struct imgfs *fs, const char *path, char **out)
{
	char *cur, *rest;
	int links = 0;

	rest = strdup(path);
	cur = calloc(1, 1);
	if (!rest || !cur)
		goto nomem;
	for (;;) {
		char *slash, *comp, *next;
		struct node *n;

		while (*rest == '/')
			memmove(rest, rest + 1, strlen(rest));
		if (!*rest)
			break;
		slash = strchr(rest, '/');
		comp = strndup(rest, slash ? (size_t)(slash - rest) : strlen(rest));
		if (!comp)
			goto nomem;
		memmove(rest, slash ? slash : rest + strlen(rest), strlen(slash ? slash : "") + 1);
		if (!strcmp(comp, ".")) {
			free(comp);
			continue;
		}
		if (!strcmp(comp, "..")) {
			char *s = strrchr(cur, '/');

			*(s ? s : cur) = '\0';
			free(comp);
			continue;
		}
		if (asprintf(&next, "%s%s%s", cur, *cur ? "/" : "", comp) < 0) {
			free(comp);
			goto nomem;
		}
		free(comp);
		n = lookup(fs, next);
		if (n && n->type == NODE_SYMLINK) {
			char *nr;

			free(next);
			if (++links > MAX_LINKS) {
				free(cur);
				free(rest);
				return -ELOOP;
			}
			if (asprintf(&nr, "%s/%s", n->data, rest) < 0)
				goto nomem;
			free(rest);
			rest = nr;
			if (n->data[0] == '/')
				cur[0] = '\0';
			continue;
		}
		free(cur);
		cur = next;
	}
	free(rest);
	*out = cur;
	return 0;
nomem:
	free(rest);
	free(cur);
	return -ENOMEM;
}

static int open_in_root(struct imgfs *fs, const char *path, int flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = syscall(SYS_openat2, fs->root_fd, path, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

static int dir_read(struct imgfs *fs, const char *path, char **buf, size_t *len)
{
	struct stat st;
	char *b;
	size_t n = 0;
	int fd, err = 0;

	fd = open_in_root(fs, path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -ENOENT;
		goto out;
	}
	if ((uint64_t)st.st_size > IMGFS_MAX_FILE) {
		err = -EFBIG;
		goto out;
	}
	b = malloc(st.st_size + 1);
	if (!b) {
		err = -ENOMEM;
		goto out;
	}
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, b + n, st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
out:
	close(fd);
	return err;
}

int imgfs_read(struct imgfs *fs, const char *path, char **buf, size_t *len)
{
	char *real;
	struct node *n;
	int err;

	if (fs->root_fd >= 0)
		return dir_read(fs, path, buf, len);
	err = resolve(fs, path, &real);
	if (err)
		return err;
	n = lookup(fs, real);
	free(real);
	if (!n || n->type != NODE_FILE)
		return -ENOENT;
	*buf = malloc(n->len + 1);
	if (!*buf)
		return -ENOMEM;
	memcpy(*buf, n->data, n->len + 1);
	*len = n->len;
	return 0;
}

int imgfs_list(struct imgfs *fs, const char *dir, int (*fn)(const char *name, void *arg), void *arg)
{
	char *real;
	size_t dl;
	int err = 0;

	if (fs->root_fd >= 0) {
		int fd = open_in_root(fs, dir, O_RDONLY | O_DIRECTORY);
		DIR *d;
		struct dirent *de;

		if (fd < 0)
			return fd;
		d = fdopendir(fd);
		if (!d) {
			close(fd);
			return -errno;
		}
		while (!err && (de = readdir(d))) {
			struct stat st;

			/* d_type is DT_UNKNOWN on some filesystems: ask then */
			if (de->d_type == DT_REG ||
			    (de->d_type == DT_UNKNOWN &&
			     !fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
			     S_ISREG(st.st_mode)))
				err = fn(de->d_name, arg);
		}
		closedir(d);
		return err;
	}
	err = resolve(fs, dir, &real);
	if (err)
		return err;
	dl = strlen(real);
	for (size_t i = 0; !err && i < fs->nbuckets; i++)
		for (struct node *n = fs->tab[i]; !err && n; n = n->next)
			if (n->type == NODE_FILE && !strncmp(n->path, real, dl) &&
			    n->path[dl] == '/' && !strchr(n->path + dl + 1, '/'))
				err = fn(n->path + dl + 1, arg);
	free(real);
	return err;
}

void imgfs_get_stats(const struct imgfs *fs, struct imgfs_stats *st)
{
	*st = fs->st;
}
