/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Containers in the kernel's maps: adoption of running ones and the ones this loader has seen.
 * Their names come from common/containers.h.
 */
#ifndef DCEA_CONTAINERS_H
#define DCEA_CONTAINERS_H

#include <stdint.h>
#include <linux/types.h>
#include <sys/types.h>

#include "common/containers.h"

struct state;

/*
 * Register containers that were running before dcea started: every process whose root and mount
 * namespace differ from ours and whose cgroup is not the root is a container task. Returns the
 * number of containers found, or negative errno.
 */
int ct_adopt_running(struct state *st, const __u64 host_ns[], int *n_tasks);

/*
 * Containers this loader has seen (started or adopted), by cgroup id and kernfs name, so that a
 * policy reload can apply its container selectors to every one of them again. ct_forget_gone drops
 * the ones no longer in the kernel's containers map.
 */
void ct_remember(uint64_t cgroup_id, const char *cgname);
typedef void (*ct_visit_fn)(uint64_t cgroup_id, const char *cgname, void *arg);
void ct_for_each_known(struct state *st, ct_visit_fn fn, void *arg);

#endif
