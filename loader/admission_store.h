/* SPDX-License-Identifier: GPL-2.0-only */
/* The last scan results per container, kept by the loader in ADM_SCAN_FILE for `dcea status`. */
#ifndef DCEA_LOADER_ADMISSION_STORE_H
#define DCEA_LOADER_ADMISSION_STORE_H

#include <json-c/json.h>
#include <linux/types.h>

#define STORE_MAX 256 /* containers kept; the oldest result goes first */

/* Keep `rec` (an admission record, a reference is taken) as container cgid's last result. */
void store_put(__u64 cgid, json_object *rec);
/* The host's findings (the array is taken over). */
void store_put_host(json_object *findings);
/* Rewrite ADM_SCAN_FILE (atomically, 0600); 0 or negative errno. */
int store_write(void);

#endif
