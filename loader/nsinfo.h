/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef DCEA_NSINFO_H
#define DCEA_NSINFO_H

#include <linux/types.h>
#include <sys/types.h>

/* Namespace inodes of a process (0 for self) in enum dcea_ns order; 0 or negative errno. */
int ns_of_pid(pid_t pid, __u64 ns[]);

/* A hex field of /proc/PID/status ("CapBnd:", "CapEff:"), 0 when unreadable. */
__u64 proc_status_hex(pid_t pid, const char *key);

#endif
