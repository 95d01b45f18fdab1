/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The trust store of `dcea verify`: SHA-256 measurements of (pid, start time, namespace inodes,
 * 64-bit namespace ids) per container task, kept in a JSON file (0600, root's) that carries a
 * SHA-256 digest of its own canonical serialisation, so an edited store is reported, not trusted.
 */
#ifndef DCEA_TRUSTSTORE_H
#define DCEA_TRUSTSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <json-c/json.h>
#include <linux/types.h>
#include "bpf/dcea.h"

#define TS_DEFAULT_PATH "/var/lib/dcea/trust.json"
#define TS_FORMAT	"dcea-trust/1"

/* One task's measured state. */
struct ts_meas {
	__u64 ns[DCEA_NS_MAX]; /* namespace inodes, enum dcea_ns order */
	__u64 id[DCEA_NS_MAX]; /* 64-bit namespace ids (NS_GET_ID), 0 where the kernel has none */
	__u64 start; /* start time in clock ticks after boot: guards pid and inode reuse */
	pid_t pid;
};

enum ts_status {
	TS_OK = 0,
	TS_MISSING,  /* no store yet */
	TS_BADPERM,  /* not a regular file, not root's, or readable by others */
	TS_CORRUPT,  /* unreadable or not a dcea trust store */
	TS_TAMPERED, /* its digest does not match its content */
};

/* Measure a live process; 0 or negative errno (-ENOENT: gone). */
int ts_measure(pid_t pid, struct ts_meas *m);
/* Does this kernel answer NS_GET_ID? */
bool ts_have_ns_ids(void);
/* The measurement's SHA-256 (hex) for a task of container `cgid`; 0 or negative errno. */
int ts_sha256(__u64 cgid, const struct ts_meas *m, char hex[65]);

/* An empty store document; caller puts it. */
json_object *ts_new(void);
/* Record container `cgid` (container id `ctid`) with baseline `base` if not there yet. */
json_object *ts_add_container(json_object *root, __u64 cgid, const char *ctid,
			      const struct ts_meas *base);
/* Record one task of a container added by ts_add_container. */
void ts_add_task(json_object *ct, __u64 cgid, const struct ts_meas *m);

/*
 * Read and authenticate a store. On TS_OK *root is the document (caller puts it); otherwise
 * `why` says what is wrong and *root is NULL.
 */
enum ts_status ts_load(const char *path, json_object **root, char *why, size_t size);
/* Add the digest and write atomically, mode 0600; 0 or negative errno. */
int ts_save(const char *path, json_object *root);

/*
 * Compare a live task with the store. Returns 1 and names the namespaces that changed in
 * `detail` when the stored measurement of this task (same pid and start time, same container
 * incarnation) differs, 0 when it matches or the task or container was not measured.
 */
int ts_compare(json_object *root, __u64 cgid, const struct ts_meas *base, const struct ts_meas *m,
	       char *detail, size_t size);

#endif
