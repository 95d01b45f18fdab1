/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Admission: the pre-launch scanners run by the loader. At start, the host (kernel, runtimes) and
 * every running container; then every new container at its entrypoint's exec, held stopped by
 * the kernel while the loader scans its configuration (and image) when the policy can refuse it.
 * Findings become alerts tagged with the container; in block mode a finding the policy refuses
 * kills the container before its entrypoint runs. Design and limits: docs/ADMISSION.md.
 */
#ifndef DCEA_LOADER_ADMISSION_H
#define DCEA_LOADER_ADMISSION_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>
#include "bpf/dcea.h"

struct state;
struct policy_admission;
struct admission;

#define ADM_SCAN_FILE "/run/dcea/scan.json"

/* Where alerts go: the streamer's output (one object, not consumed). */
typedef void (*admission_emit_fn)(void *ctx, json_object *o);

/* 0 or negative errno. The policy must outlive the admission. */
int admission_new(struct admission **out, struct state *st, const struct policy_admission *pol,
		  admission_emit_fn emit, void *ctx);
void admission_free(struct admission *a); /* accepts NULL; clears the kernel's hold flag */

/* Publish the policy's flags and the heartbeat that tells the kernel a loader decides. */
void admission_tick(struct admission *a);
/* Scan the host (kernel, runtimes) and every tracked container; report findings as alerts. */
void admission_startup(struct admission *a);
/* A DCEA_EV_CONTAINER event: scan that container (and decide it when held). */
void admission_on_event(struct admission *a, const struct dcea_event *e);
/*
 * Was container cgid's findings key a repeat (its findings were reported for an earlier
 * container)? The loader then drops its privileged_launch alert too (action alert only).
 */
bool admission_repeat(struct admission *a, __u64 cgid);
/* Decide every container the kernel holds (events lost, a restart, the timeout). */
void admission_sweep(struct admission *a);

/* `dcea status`: the last scan results per container from ADM_SCAN_FILE. */
json_object *admission_status_json(void);
void admission_status_print(FILE *f);

#endif
