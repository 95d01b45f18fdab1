/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef DCEA_CGROUP_H
#define DCEA_CGROUP_H

#include <stddef.h>
#include <linux/types.h>
#include <sys/types.h>

/* Mount point of the cgroup v2 hierarchy (/sys/fs/cgroup or /sys/fs/cgroup/unified); 0 or -errno */
int cgroup_v2_mount(char *buf, size_t size);
/* An O_RDONLY fd on the cgroup v2 root, or negative errno */
int cgroup_v2_root_fd(void);
/* cgroup v2 path of a process ("/docker/<id>"), from /proc/PID/cgroup; 0 or -errno */
int cgroup_of_pid(pid_t pid, char *buf, size_t size);
/* cgroup v2 id of a path relative to the v2 root: the kernfs inode; 0 or -errno */
int cgroup_id_of(const char *rel, __u64 *id);

#endif
