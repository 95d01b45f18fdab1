/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few files of an image the scan needs, as one view over either an unpacked root directory or
 * the layers of an image applied in memory. In memory only files chosen by a predicate are kept
 * (package databases, release files) plus every symlink, so paths like etc/os-release ->
 * ../usr/lib/os-release resolve; whiteouts (.wh.NAME, .wh..wh..opq) remove what lower layers
 * brought. Path resolution never leaves the image root: ".." at the root stays at the root, and an
 * absolute symlink target starts at the image root, as in a chroot.
 */
#ifndef DCEA_SCANNERS_IMAGE_FS_H
#define DCEA_SCANNERS_IMAGE_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanners/tar.h"

#define IMGFS_MAX_FILE (256U << 20) /* a kept file larger than this is an error */

struct imgfs;

typedef bool (*imgfs_want_fn)(const char *path);

struct imgfs_stats {
	uint64_t layers, entries, kept, kept_bytes, whiteouts;
};

/* An empty in-memory view keeping files for which want(path) is true. NULL on ENOMEM. */
struct imgfs *imgfs_new(imgfs_want_fn want);
/* A view of an unpacked root directory; 0 or negative errno (logged). */
int imgfs_open_dir(const char *root, struct imgfs **out);
/* Apply the next layer, read to its end from t; 0 or negative errno (logged). */
int imgfs_apply_layer(struct imgfs *fs, struct tar *t, const char *label);
/* Contents of a regular file, symlinks followed; -ENOENT, -EISDIR, -ELOOP, -EFBIG. */
int imgfs_read(struct imgfs *fs, const char *path, char **buf, size_t *len);
/* Call fn for each regular file directly in dir (names only), in no particular order. */
int imgfs_list(struct imgfs *fs, const char *dir, int (*fn)(const char *name, void *arg),
	       void *arg);
void imgfs_get_stats(const struct imgfs *fs, struct imgfs_stats *st);
void imgfs_free(struct imgfs *fs); /* accepts NULL */

#endif
