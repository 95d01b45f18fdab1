/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The streaming loader guards what the kernel cannot (docs/TRUST.md, "Tamper"): it holds a file
 * descriptor on every pinned program link and map, so unlinking a pin or unmounting bpffs from a
 * privileged container detaches nothing, and puts the pins back; it registers dcea's own files in
 * the kernel's protect map (a container opening one for writing is dcea_tamper) and reports any
 * change of their content or inode.
 */
#ifndef DCEA_GUARD_H
#define DCEA_GUARD_H

#include <stdbool.h>
#include <sys/types.h>
#include <json-c/json.h>

#include "loader/state.h"

#define GUARD_MAX_FILES 8
#define GUARD_DIRS	3

struct guard_pin {
	char path[320];
	int fd;
	__u32 id;
	bool link;
};

struct guard_file {
	char path[4096];
	bool report; /* a change is an alert (false: the trust store, which dcea verify rewrites) */
	bool exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	char sha256[65];
};

struct guard {
	struct state *st;
	int n_pins, n_files;
	struct guard_pin *pins; /* every link and map under DCEA_PIN_DIR, grown as found */
	int cap_pins;
	struct guard_file files[GUARD_MAX_FILES];
	/* the pin directories and the bpffs root in dcea_protect (guard.c guarded_dirs) */
	struct dcea_file_key dirs[GUARD_DIRS];
	bool dir_set[GUARD_DIRS];
};

/* Called with each alert the guard raises; the callee emits it, the guard puts it. */
typedef void (*guard_emit_fn)(void *ctx, json_object *alert);

/* Hold every pin under DCEA_PIN_DIR; 0 or negative errno. */
int guard_init(struct guard *g, struct state *st);
/* Watch `path` (a regular file) and register it in the kernel's protect map. */
int guard_add_file(struct guard *g, const char *path, bool report);
/* Put back missing pins, check the files; one alert per finding. */
void guard_check(struct guard *g, guard_emit_fn emit, void *ctx);
void guard_close(struct guard *g);

/* SHA-256 of a file as 64 hex digits; 0 or negative errno. */
int sha256_file(const char *path, char hex[65]);

#endif
