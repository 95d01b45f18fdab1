// SPDX-License-Identifier: GPL-2.0-only
/*
 * `dcea scan self` on fake roots: the /proc files, mountinfo, sockets and cgroup files of a
 * privileged container with host mounts, and of a hardened one, with the exact findings of each.
 * (tests/integration/30-scan.sh runs the static dcea in real containers.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "scanners/report.h"
#include "scanners/self.h"

static char root[64];

static void put(const char *path, const char *text)
{
	char p[512], *slash;
	FILE *f;

	snprintf(p, sizeof(p), "%s%s", root, path);
	for (slash = strchr(p + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(p, 0755);
		*slash = '/';
	}
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	put(path, "");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s%s", root, path);
	unlink(sa.sun_path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 1), 0);
	return fd;
}

static void summary(const struct scan_report *r, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < r->n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s=%s", buf[0] ? " " : "",
			 r->v[i].check + strlen("self."), scan_result_name(r->v[i].result));
}

static void expect(const char *want)
{
	struct scan_report r;
	char got[2048];

	scan_report_init(&r);
	assert_int_equal(scan_self_at(root, &r), 0);
	summary(&r, got, sizeof(got));
	if (strcmp(got, want))
		fail_msg("\n  want %s\n  got  %s", want, got);
	scan_report_free(&r);
}

/* the finding's details, joined, contain text */
static void detail_has(const char *check, const char *text)
{
	struct scan_report r;
	const struct scan_finding *f;
	char all[4096] = "";

	scan_report_init(&r);
	assert_int_equal(scan_self_at(root, &r), 0);
	f = scan_find(&r, check);
	assert_non_null(f);
	for (unsigned i = 0; i < f->ndetail; i++)
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s|", f->detail[i]);
	if (!strstr(all, text))
		fail_msg("%s: want '%s' in '%s'", check, text, all);
	scan_report_free(&r);
}

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/dcea-test-self-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

#define OVERLAY "1 0 0:50 / / rw,relatime - overlay overlay rw,lowerdir=/l\n"
#define HOSTS	"9 1 254:0 /var/lib/docker/containers/ab/hosts /etc/hosts rw - ext4 /dev/vda rw\n"

static void test_privileged(void **state)
{
	int fd;

	put("/proc/self/status", "Name:\tdcea\nNoNewPrivs:\t0\nSeccomp:\t0\n"
				 "CapEff:\t0000003ffeffffff\n");
	put("/proc/sys/kernel/cap_last_cap", "40\n");
	put("/proc/sys/kernel/core_pattern", "core\n");
	put("/proc/self/attr/apparmor/current", "unconfined\n");
	put("/proc/self/uid_map", "         0          0 4294967295\n");
	put("/proc/self/cgroup", "4:memory:/docker/ab\n1:name=systemd:/docker/ab\n0::/\n");
	put("/proc/2/comm", "kthreadd\n");
	put("/sys/fs/cgroup/memory/release_agent", "");
	put("/proc/self/mountinfo",
	    OVERLAY HOSTS "2 1 0:51 / /proc rw,nosuid - proc proc rw\n"
			  "3 1 0:52 / /sys rw,nosuid - sysfs sysfs rw\n"
			  "4 3 0:53 /docker/ab /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
			  "5 1 254:0 / /host\\040disk ro,relatime - ext4 /dev/vda rw\n"
			  "6 1 254:0 /etc /hostetc rw,relatime - ext4 /dev/vda rw\n"
			  "7 1 254:0 /run /hostrun rw,relatime - ext4 /dev/vda rw\n"
			  "8 1 0:51 / /hostproc rw - proc proc rw\n");
	fd = listen_at("/hostrun/docker.sock");
	detail_has("self.mount-host-root", "'/dev/vda' (ext4) at '/host disk' (read-only)");
	detail_has("self.mount-sensitive", "host '/etc' at '/hostetc' (writable)");
	detail_has("self.runtime-socket", "/hostrun/docker.sock' (host's in a bind mount): "
					  "connect works");
	detail_has("self.proc-sys", "procfs also at '/hostproc' (writable)");
	detail_has("self.privileged", "all but CAP_SYS_RESOURCE, CAP_PERFMON, CAP_BPF, "
				      "CAP_CHECKPOINT_RESTORE");
	expect("privileged=FAIL capabilities=FAIL seccomp=FAIL no-new-privileges=WARN lsm=FAIL "
	       "userns=INFO mount-host-root=FAIL mount-sensitive=FAIL runtime-socket=FAIL "
	       "proc-sys=FAIL sysfs=FAIL cgroup-release-agent=FAIL host-pid=FAIL devices=PASS");
	close(fd);
}

static void test_hardened(void **state)
{
	put("/proc/self/status", "Name:\tdcea\nNoNewPrivs:\t1\nSeccomp:\t2\n"
				 "CapEff:\t0000000000000000\n");
	put("/proc/sys/kernel/cap_last_cap", "40\n");
	put("/proc/self/attr/current", "system_u:system_r:container_t:s0:c1,c2\n");
	put("/proc/self/uid_map", "         0     100000      65536\n");
	put("/proc/self/cgroup", "0::/\n");
	put("/proc/self/mountinfo",
	    OVERLAY HOSTS "2 1 0:51 / /proc rw,nosuid - proc proc rw\n"
			  "3 2 0:51 /sys /proc/sys ro,nosuid - proc proc rw\n"
			  "4 1 0:52 / /sys ro,nosuid - sysfs sysfs rw\n"
			  "5 4 0:53 / /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n");
	expect("privileged=PASS capabilities=PASS seccomp=PASS no-new-privileges=PASS lsm=PASS "
	       "userns=PASS mount-host-root=PASS mount-sensitive=PASS runtime-socket=PASS "
	       "proc-sys=PASS sysfs=PASS cgroup-release-agent=PASS host-pid=PASS devices=PASS");
}

/* docker's default: caps, seccomp on, the AppArmor profile in complain mode, ro cgroup v1 */
static void test_default_details(void **state)
{
	struct scan_report r;
	const struct scan_finding *f;

	put("/proc/self/status", "NoNewPrivs:\t0\nSeccomp:\t2\nCapEff:\t00000000a80425fb\n");
	put("/proc/sys/kernel/cap_last_cap", "40\n");
	put("/proc/self/attr/apparmor/current", "docker-default (complain)\n");
	put("/proc/self/uid_map", "0 0 4294967295\n");
	put("/proc/self/cgroup", "4:memory:/docker/ab\n");
	put("/proc/self/mountinfo", OVERLAY "4 1 0:53 /docker/ab /sys/fs/cgroup/memory ro - cgroup "
					    "cgroup rw,memory\n");
	scan_report_init(&r);
	assert_int_equal(scan_self_at(root, &r), 0);
	assert_int_equal(scan_result_of(&r, "self.lsm"), SCAN_WARN);
	assert_int_equal(scan_result_of(&r, "self.capabilities"), SCAN_PASS);
	assert_int_equal(scan_result_of(&r, "self.cgroup-release-agent"), SCAN_PASS);
	f = scan_find(&r, "self.privileged");
	assert_non_null(strstr(f->detail[0], "CapEff 00000000a80425fb"));
	scan_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_privileged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hardened, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_details, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
