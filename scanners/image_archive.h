/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Open what `dcea scan image` is given and apply its layers to an in-memory image_fs:
 *   - a `docker save` archive (manifest.json + layer tars, old and new layouts),
 *   - an OCI image layout, as a directory or as a tar (skopeo, podman, docker >= 25),
 *   - an unpacked root filesystem directory (read in place, nothing applied),
 *   - otherwise a local image name, exported with `docker save` into an unlinked temporary file.
 * Outer archives are indexed once (headers only) and their blobs read with pread; every layer is
 * then streamed once through the decompressor and the tar reader. Blob names from manifests are
 * checked (digest syntax, no climbing out), nested indexes are followed at most 4 deep.
 */
#ifndef DCEA_SCANNERS_IMAGE_ARCHIVE_H
#define DCEA_SCANNERS_IMAGE_ARCHIVE_H

#include <stdint.h>

#include "scanners/image_fs.h"
#include "scanners/image_stream.h"

#define IMAGE_MAX_LAYERS 512
#define IMAGE_MAX_JSON	 (4U << 20)

struct image_info {
	char format[32]; /* "docker-archive", "oci-layout", "oci-archive", "rootfs" */
	char ref[256];	 /* first RepoTag or org.opencontainers.image.ref.name, may be "" */
	unsigned int layers;
	uint64_t bytes_in;  /* layer bytes as stored */
	uint64_t bytes_out; /* after decompression */
	char codecs[64];    /* "gzip", "zstd+gzip", ... */
};

int image_load(const char *target, const struct stream_limits *lim, imgfs_want_fn want,
	       struct imgfs **fs, struct image_info *info);

#endif
