/* SPDX-License-Identifier: GPL-2.0-only */
/* `dcea scan self` internals (scanners/self.c, self_mounts.c), exposed for the unit tests. */
#ifndef DCEA_SCANNERS_SELF_H
#define DCEA_SCANNERS_SELF_H

#include <stdint.h>

struct scan_report;

/* scan self with every path under root ("" for the real one): a fake /proc, /dev... in tests */
int scan_self_at(const char *root, struct scan_report *r);
/* mountinfo, /proc/sys, /sys, cgroup v1, sockets, host pids and devices; eff is CapEff */
int self_scan_mounts(const char *root, uint64_t eff, struct scan_report *r);

#endif
