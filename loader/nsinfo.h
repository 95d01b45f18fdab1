/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef DCEA_NSINFO_H
#define DCEA_NSINFO_H

#include <linux/types.h>
#include <sys/types.h>

/* Namespace inodes of a process (0 for self) in enum dcea_ns order; 0 or negative errno. */
int ns_of_pid(pid_t pid, __u64 ns[]);

/*
 * The host's namespaces: PID 1's where readable, so that a loader started in a private mount
 * namespace (systemd's ProtectSystem=, a Kubernetes pod with hostPID) still judges container
 * tasks against the host's; our own where PID 1 is not readable (a container without the host's
 * PID namespace, or a kernel that hides PID 1's). 0 or negative errno.
 */
int host_ns(__u64 ns[]);

/* A hex field of /proc/PID/status ("CapBnd:", "CapEff:"), 0 when unreadable. */
__u64 proc_status_hex(pid_t pid, const char *key);

#endif
