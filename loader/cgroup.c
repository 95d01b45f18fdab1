// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "loader/cgroup.h"

int cgroup_v2_mount(char *buf, size_t size)
{
	struct mntent *m;
	FILE *f = setmntent("/proc/self/mounts", "re");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while ((m = getmntent(f))) {
		if (strcmp(m->mnt_type, "cgroup2"))
			continue;
		snprintf(buf, size, "%s", m->mnt_dir);
		err = 0;
		break;
	}
	endmntent(f);
	return err;
}

int cgroup_v2_root_fd(void)
{
	char root[256];
	int err = cgroup_v2_mount(root, sizeof(root)), fd;

	if (err)
		return err;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int cgroup_of_pid(pid_t pid, char *buf, size_t size)
{
	char path[64], line[512];
	FILE *f;
	int err = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, size, "%s", line + 3);
		err = 0;
		break;
	}
	fclose(f);
	return err;
}

int cgroup_id_of(const char *rel, __u64 *id)
{
	char root[256], path[768];
	struct stat st;
	int err = cgroup_v2_mount(root, sizeof(root));

	if (err)
		return err;
	snprintf(path, sizeof(path), "%s%s", root, rel);
	if (stat(path, &st))
		return -errno;
	*id = st.st_ino;
	return 0;
}
