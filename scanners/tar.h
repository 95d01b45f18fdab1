/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A streaming tar reader for image layers and archives: ustar, GNU long names (L/K) and base-256
 * sizes, pax extended headers (path, linkpath, size). Entries come one at a time; the caller reads
 * the data of the current entry or lets tar_next() skip it. Names are normalised (no leading "./",
 * no "." or empty components, ".." resolved); an absolute name, or one that climbs above the root,
 * is an error: nothing in an image may name a file outside it. Errors are logged, naming the entry.
 */
#ifndef DCEA_SCANNERS_TAR_H
#define DCEA_SCANNERS_TAR_H

#include <stdint.h>
#include <sys/types.h>

#include "scanners/image_stream.h"

#define TAR_MAX_ENTRY_SIZE (1ULL << 40) /* 1 TiB: a larger size field is malformed */

enum tar_type {
	TAR_FILE = '0',
	TAR_HARDLINK = '1',
	TAR_SYMLINK = '2',
	TAR_CHAR = '3',
	TAR_BLOCK = '4',
	TAR_DIR = '5',
	TAR_FIFO = '6',
};

struct tar_entry {
	const char *name;     /* normalised, "" for the root itself */
	const char *linkname; /* raw link target for symlinks, normalised for hard links */
	char type;	      /* enum tar_type; contiguous files ('7') are reported as files */
	uint32_t mode;
	uint64_t size; /* bytes of data (0 for links and directories) */
	uint32_t devmajor, devminor;
};

struct tar;

/* Read a tar from s (borrowed); label names it in errors. NULL on ENOMEM. */
struct tar *tar_open(struct istream *s, const char *label);
/* Next entry: 1 and *e set, 0 at the end of the archive, or negative errno. */
int tar_next(struct tar *t, const struct tar_entry **e);
/* Read data of the current entry: count (0 at its end) or negative errno. */
ssize_t tar_read(struct tar *t, void *buf, size_t len);
/* Whole data of the current entry in a NUL-terminated malloc'd buffer; -EFBIG above max. */
int tar_read_all(struct tar *t, size_t max, char **buf, size_t *len);
uint64_t tar_entries(const struct tar *t);
/* Offset in the stream where the current entry's data starts, right after tar_next(). */
uint64_t tar_data_offset(const struct tar *t);
void tar_close(struct tar *t); /* accepts NULL; does not close the stream */

/* Normalise a path as described above into out (size >= strlen(in) + 1); 0 or -EINVAL. */
int tar_normalize(const char *in, char *out);

#endif
