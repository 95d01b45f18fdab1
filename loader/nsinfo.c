// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/types.h>

#include "bpf/dcea.h"
#include "loader/nsinfo.h"

__u64 proc_status_hex(pid_t pid, const char *key)
{
	char path[64], line[256];
	unsigned long long v = 0;
	size_t kl = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && sscanf(line + kl, " %llx", &v) == 1)
			break;
	fclose(f);
	return v;
}

int ns_of_pid(pid_t pid, __u64 ns[])
{
	static const char *const files[DCEA_NS_MAX] = { "mnt", "pid",  "net",	 "uts",
							"ipc", "user", "cgroup", "time" };
	char path[64];
	struct stat st;

	for (int i = 0; i < DCEA_NS_MAX; i++) {
		if (pid)
			snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, files[i]);
		else
			snprintf(path, sizeof(path), "/proc/self/ns/%s", files[i]);
		if (stat(path, &st)) {
			if (i == DCEA_NS_TIME && errno == ENOENT) { /* kernels before 5.6 */
				ns[i] = 0;
				continue;
			}
			return -errno;
		}
		ns[i] = st.st_ino;
	}
	return 0;
}

int host_ns(__u64 ns[])
{
	return ns_of_pid(1, ns) == 0 ? 0 : ns_of_pid(0, ns);
}
