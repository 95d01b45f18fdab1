// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guarding dcea's pins and files from userspace (guard.h). Without BPF LSM nothing in the kernel
 * can refuse an unlink in bpffs or an umount of it: a tracepoint only sees the syscall, which
 * completes even when the caller is killed on entry. A pinned link whose last reference goes is
 * detached, so the loader keeps a reference of its own to every link and map: removing the pins
 * then detaches nothing while the loader runs, and the loader pins them again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <bpf/bpf.h>
#include <openssl/evp.h>

#include "common/log.h"
#include "common/util.h"
#include "loader/events.h"
#include "loader/guard.h"

#define PIN_LINKS DCEA_PIN_DIR "/links"

int sha256_file(const char *path, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
	EVP_MD_CTX *ctx = NULL;
	unsigned int n = 0;
	int fd, err = 0;
	ssize_t r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		err = -ENOMEM;
		goto cleanup;
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		if (!EVP_DigestUpdate(ctx, buf, r)) {
			err = -EIO;
			goto cleanup;
		}
	if (r < 0) {
		err = -errno;
		goto cleanup;
	}
	if (!EVP_DigestFinal_ex(ctx, md, &n) || n != 32) {
		err = -EIO;
		goto cleanup;
	}
	for (unsigned int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
cleanup:
	EVP_MD_CTX_free(ctx);
	close(fd);
	return err;
}

/*
 * What the LSM backend refuses to a container (lsm.bpf.c; the fallback cannot refuse an unlink and
 * puts the pins back instead): the root of the bpffs holding the pins cannot be unmounted, nor
 * can the pin directory, whose entries, like those of the links directory, cannot be unlinked or
 * renamed. Looked up again after the pins were put back: a new directory is a new inode.
 */
/* dcea_protect's key: the kernel's dev_t (major << 20 | minor) and the inode */
static struct dcea_file_key inode_key(dev_t dev, ino_t ino)
{
	return (struct dcea_file_key){ .dev = ((__u64)major(dev) << 20) | minor(dev), .ino = ino };
}

static const struct {
	const char *path;
	__u32 prot;
} guarded_dirs[GUARD_DIRS] = {
	{ "/sys/fs/bpf", DCEA_PROT_MOUNT },
	{ DCEA_PIN_DIR, DCEA_PROT_DIR | DCEA_PROT_MOUNT },
	{ PIN_LINKS, DCEA_PROT_DIR },
};

static void protect_dirs(struct guard *g)
{
	int fd = g->st ? g->st->fd[M_PROTECT] : -1;

	for (int i = 0; i < GUARD_DIRS && fd >= 0; i++) {
		struct dcea_file_key k;
		struct stat sb;
		__u32 prot = guarded_dirs[i].prot;

		if (stat(guarded_dirs[i].path, &sb))
			continue;
		k = inode_key(sb.st_dev, sb.st_ino);
		if (g->dir_set[i] && !memcmp(&k, &g->dirs[i], sizeof(k)))
			continue;
		if (g->dir_set[i])
			bpf_map_delete_elem(fd, &g->dirs[i]);
		if (bpf_map_update_elem(fd, &k, &prot, BPF_ANY)) {
			log_warn("cannot guard '%s' in dcea_protect: %s", guarded_dirs[i].path,
				 strerror(errno));
			continue;
		}
		g->dirs[i] = k;
		g->dir_set[i] = true;
	}
}

static __u32 obj_id(int fd, bool link)
{
	struct bpf_link_info li = {};
	struct bpf_map_info mi = {};
	__u32 len = link ? sizeof(li) : sizeof(mi);

	if (bpf_obj_get_info_by_fd(fd, link ? (void *)&li : (void *)&mi, &len))
		return 0;
	return link ? li.id : mi.id;
}

static int hold(struct guard *g, const char *path, bool link)
{
	struct guard_pin *p;
	int fd;

	if (g->n_pins == g->cap_pins) {
		int cap = g->cap_pins ? 2 * g->cap_pins : 64;
		struct guard_pin *np = realloc(g->pins, cap * sizeof(*np));

		if (!np)
			return -ENOMEM;
		g->pins = np;
		g->cap_pins = cap;
	}
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	p = &g->pins[g->n_pins++];
	snprintf(p->path, sizeof(p->path), "%s", path);
	p->fd = fd;
	p->link = link;
	p->id = obj_id(fd, link);
	return 0;
}

int guard_init(struct guard *g, struct state *st)
{
	char path[320];
	struct dirent *de;
	DIR *d;
	int err = 0;

	memset(g, 0, sizeof(*g));
	g->st = st;
	d = opendir(PIN_LINKS);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && !err) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", PIN_LINKS, de->d_name);
		err = hold(g, path, true);
	}
	closedir(d);
	for (int i = 0; i < M_MAX && !err; i++) {
		snprintf(path, sizeof(path), "%s/%s", DCEA_PIN_DIR, state_map_names[i]);
		err = hold(g, path, false);
	}
	if (!err)
		protect_dirs(g);
	if (err) {
		log_warn("failed to hold the pins under '%s': %s, ignoring", DCEA_PIN_DIR,
			 strerror(-err));
		guard_close(g);
		g->st = st;
	}
	return err;
}

static void measure(struct guard_file *f)
{
	struct stat sb;

	f->exists = stat(f->path, &sb) == 0;
	if (!f->exists) {
		snprintf(f->sha256, sizeof(f->sha256), "missing");
		return;
	}
	f->dev = sb.st_dev;
	f->ino = sb.st_ino;
	f->size = sb.st_size;
	f->mtime = sb.st_mtim;
	f->ctime = sb.st_ctim;
	if (sha256_file(f->path, f->sha256))
		snprintf(f->sha256, sizeof(f->sha256), "unreadable");
}

static void protect(struct guard *g, const struct guard_file *f, bool on)
{
	struct dcea_file_key k = inode_key(f->dev, f->ino);
	__u32 prot = DCEA_PROT_FILE;

	if (!f->exists || g->st->fd[M_PROTECT] < 0)
		return;
	if (on)
		bpf_map_update_elem(g->st->fd[M_PROTECT], &k, &prot, BPF_ANY);
	else
		bpf_map_delete_elem(g->st->fd[M_PROTECT], &k);
}

int guard_add_file(struct guard *g, const char *path, bool report)
{
	struct guard_file *f;
	char real[4096];

	if (g->n_files >= GUARD_MAX_FILES)
		return -ENOSPC;
	if (!realpath(path, real))
		return -errno;
	f = &g->files[g->n_files++];
	snprintf(f->path, sizeof(f->path), "%s", real);
	f->report = report;
	measure(f);
	protect(g, f, true);
	return 0;
}

static json_object *tamper_alert(const char *kind, const char *title)
{
	json_object *o = alert_new("dcea_tamper", "critical", title), *d = json_object_new_object();

	json_object_object_add(o, "source", json_object_new_string("loader"));
	json_object_object_add(d, "kind", json_object_new_string(kind));
	json_object_object_add(o, "details", d);
	return o;
}

static json_object *details(json_object *o)
{
	json_object *d = NULL;

	json_object_object_get_ex(o, "details", &d);
	return d;
}

/* Is this loader still the one streaming? `dcea stop` clears loader_tgid before unpinning. */
static bool still_ours(struct guard *g)
{
	struct dcea_config c;

	return !state_get_config(g->st, &c) && c.loader_tgid == (__u32)getpid();
}

static void check_pins(struct guard *g, guard_emit_fn emit, void *ctx)
{
	char names[1024] = "";
	size_t n = 0;
	int missing = 0, restored = 0, err = 0;
	json_object *o;

	for (int i = 0; i < g->n_pins; i++) {
		struct guard_pin *p = &g->pins[i];

		if (access(p->path, F_OK) == 0)
			continue;
		missing++;
		if (n < sizeof(names))
			n += snprintf(names + n, sizeof(names) - n, "%s%s", n ? "," : "",
				      p->path + strlen(DCEA_PIN_DIR) + 1);
	}
	if (!missing || !still_ours(g))
		return;
	/* a umount of /sys/fs/bpf (propagated from a container's rshared mount) takes every pin */
	err = state_ensure_bpffs();
	if (!err && mkdir(DCEA_PIN_DIR, 0700) && errno != EEXIST)
		err = -errno;
	if (!err && mkdir(PIN_LINKS, 0700) && errno != EEXIST)
		err = -errno;
	for (int i = 0; i < g->n_pins && !err; i++)
		if (access(g->pins[i].path, F_OK) && !bpf_obj_pin(g->pins[i].fd, g->pins[i].path))
			restored++;
	/* `dcea stop` ran meanwhile: what was just pinned again must go */
	if (!still_ours(g)) {
		state_unpin();
		return;
	}
	protect_dirs(g);
	o = tamper_alert("pins_removed", "dcea's pins in bpffs were removed (unlink or umount); "
					 "the loader holds the programs and pinned them again");
	json_object_object_add(details(o), "missing", json_object_new_int(missing));
	json_object_object_add(details(o), "restored", json_object_new_int(restored));
	json_object_object_add(details(o), "pins", json_object_new_string(names));
	if (err)
		json_object_object_add(details(o), "error", json_object_new_string(strerror(-err)));
	emit(ctx, o);
	json_object_put(o);
}

static bool changed(const struct guard_file *f, const struct stat *sb)
{
	return sb->st_dev != f->dev || sb->st_ino != f->ino || sb->st_size != f->size ||
	       sb->st_mtim.tv_sec != f->mtime.tv_sec || sb->st_mtim.tv_nsec != f->mtime.tv_nsec ||
	       sb->st_ctim.tv_sec != f->ctime.tv_sec || sb->st_ctim.tv_nsec != f->ctime.tv_nsec;
}

static void check_file(struct guard *g, struct guard_file *f, guard_emit_fn emit, void *ctx)
{
	struct guard_file now = *f;
	struct stat sb;
	json_object *o;
	bool exists = stat(f->path, &sb) == 0;

	if (exists == f->exists && (!exists || !changed(f, &sb)))
		return;
	measure(&now);
	if (now.ino != f->ino || now.dev != f->dev || !now.exists) {
		protect(g, f, false);
		protect(g, &now, true); /* the file now at the path is dcea's */
	}
	if (f->report && strcmp(now.sha256, f->sha256)) {
		o = tamper_alert("file_changed", "one of dcea's files changed on disk");
		json_object_object_add(details(o), "path", json_object_new_string(f->path));
		json_object_object_add(details(o), "sha256_before",
				       json_object_new_string(f->sha256));
		json_object_object_add(details(o), "sha256_now",
				       json_object_new_string(now.sha256));
		json_object_object_add(details(o), "inode_replaced",
				       json_object_new_boolean(now.ino != f->ino));
		emit(ctx, o);
		json_object_put(o);
	}
	*f = now;
}

void guard_check(struct guard *g, guard_emit_fn emit, void *ctx)
{
	if (!g->st)
		return;
	check_pins(g, emit, ctx);
	for (int i = 0; i < g->n_files; i++)
		check_file(g, &g->files[i], emit, ctx);
}

void guard_close(struct guard *g)
{
	for (int i = 0; i < g->n_pins; i++)
		if (g->pins[i].fd >= 0)
			close(g->pins[i].fd);
	free(g->pins);
	memset(g, 0, sizeof(*g));
}
