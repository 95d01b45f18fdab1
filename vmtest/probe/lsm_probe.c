// SPDX-License-Identifier: GPL-2.0-only
/* lsm_probe: decide by a real denial whether the BPF LSM enforces on this kernel.
 *
 * Loads lsm/file_open that denies opening one canary file for this process only, then opens the
 * canary and a control file. Prints one PASS/FAIL/SKIP line per check, a DCEA-RESULT line for
 * vmtest/run.sh, and exits 1 when a check failed.
 *
 * A loaded and attached program proves nothing: with `bpf` missing from lsm= the kernel accepts
 * the program and never calls it. Only the EPERM on the canary (and the program's own counters)
 * show that the LSM is live.
 *
 * EXAMPLES
 *   lsm_probe                       report only
 *   lsm_probe --expect deny         fail unless the canary is denied (VM booted with lsm=...,bpf)
 *   lsm_probe --expect unavailable  fail if it is denied (VM booted without bpf in lsm=)
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "lsm_probe.skel.h"

enum expect { EXPECT_NONE, EXPECT_DENY, EXPECT_UNAVAILABLE };

static int n_pass, n_fail, n_skip;
static bool verbose;

static void check(const char *result, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (!strcmp(result, "PASS"))
		n_pass++;
	else if (!strcmp(result, "FAIL"))
		n_fail++;
	else
		n_skip++;
	printf("%s %s: ", result, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf's warnings mislead here (it blames `ulimit -l` for a refused LSM program), and
	 * the checks below say what failed: its output only with --verbose. */
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void read_lsm_list(char *buf, size_t size)
{
	FILE *f = fopen("/sys/kernel/security/lsm", "r");

	snprintf(buf, size, "unreadable");
	if (!f)
		return;
	if (fgets(buf, size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static bool lsm_listed(const char *list, const char *name)
{
	char copy[256], *tok, *save = NULL;

	snprintf(copy, sizeof(copy), "%s", list);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, name))
			return true;
	return false;
}

static int make_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* 0 when the open succeeded, else -errno. */
static int try_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static void usage(FILE *out, const char *prog)
{
	fprintf(out, "usage: %s [--expect deny|unavailable] [--dir DIR] [--verbose]\n", prog);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"expect", required_argument, NULL, 'e'},
		{"dir", required_argument, NULL, 'd'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct lsm_probe_bpf *skel = NULL;
	enum expect expect = EXPECT_NONE;
	const char *base = "/tmp", *why = NULL;
	char dir[512], canary[600], control[600], lsm[256], whybuf[256];
	bool listed, loaded = false, attached = false, usable = false;
	int opt, err = 0, canary_err = 1, control_err = 1;
	struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
	struct utsname uts;
	struct stat st;

	while ((opt = getopt_long(argc, argv, "e:d:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'e':
			if (!strcmp(optarg, "deny"))
				expect = EXPECT_DENY;
			else if (!strcmp(optarg, "unavailable"))
				expect = EXPECT_UNAVAILABLE;
			else {
				fprintf(stderr, "lsm_probe: invalid --expect '%s'\n", optarg);
				return 2;
			}
			break;
		case 'd':
			base = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	libbpf_set_print(libbpf_print);
	/* Kernels before 5.11 charge BPF maps to RLIMIT_MEMLOCK; failing here is not fatal. */
	setrlimit(RLIMIT_MEMLOCK, &unlimited);

	uname(&uts);
	read_lsm_list(lsm, sizeof(lsm));
	listed = lsm_listed(lsm, "bpf");
	printf("INFO kernel %s, lsm=%s\n", uts.release, lsm);

	if (!access("/sys/kernel/btf/vmlinux", R_OK))
		check("PASS", "btf_present", "/sys/kernel/btf/vmlinux is readable");
	else
		check("FAIL", "btf_present", "cannot read '/sys/kernel/btf/vmlinux': %s",
		      strerror(errno));

	snprintf(dir, sizeof(dir), "%s/dcea-lsm-probe.XXXXXX", base);
	if (!mkdtemp(dir)) {
		fprintf(stderr, "lsm_probe: failed to create '%s': %s\n", dir, strerror(errno));
		return 1;
	}
	snprintf(canary, sizeof(canary), "%s/canary", dir);
	snprintf(control, sizeof(control), "%s/control", dir);
	err = make_file(canary);
	if (!err)
		err = make_file(control);
	if (err || stat(canary, &st)) {
		fprintf(stderr, "lsm_probe: failed to create the test files in '%s': %s\n", dir,
			strerror(err ? -err : errno));
		err = 1;
		goto cleanup;
	}

	skel = lsm_probe_bpf__open();
	if (!skel) {
		err = -errno;
		snprintf(whybuf, sizeof(whybuf), "failed to open the BPF object: %s",
			 strerror(-err));
		why = whybuf;
		goto decide;
	}
	skel->rodata->canary_ino = st.st_ino;
	/* The kernel's dev_t is MAJOR << 20 | MINOR, not the encoding stat() returns. */
	skel->rodata->canary_dev = (major(st.st_dev) << 20) | minor(st.st_dev);
	skel->rodata->probe_tgid = getpid();
	err = lsm_probe_bpf__load(skel);
	if (err) {
		snprintf(whybuf, sizeof(whybuf), "failed to load 'deny_canary_open': %s",
			 strerror(-err));
		why = whybuf;
		goto decide;
	}
	loaded = true;
	err = lsm_probe_bpf__attach(skel);
	if (err) {
		snprintf(whybuf, sizeof(whybuf), "failed to attach 'deny_canary_open': %s",
			 strerror(-err));
		why = whybuf;
		goto decide;
	}
	attached = true;
	canary_err = try_open(canary);
	control_err = try_open(control);
	usable = canary_err == -EPERM && skel->bss->denials > 0;
	if (!usable && !skel->bss->calls)
		why = "program attached but never called: 'bpf' is not an active LSM";
	else if (!usable) {
		snprintf(whybuf, sizeof(whybuf),
			 "program called %llu times but the canary opened (%s)",
			 (unsigned long long)skel->bss->calls, strerror(-canary_err));
		why = whybuf;
	}

decide:
	err = 0;
	printf("INFO program loaded=%s attached=%s calls=%llu denials=%llu\n",
	       loaded ? "yes" : "no", attached ? "yes" : "no",
	       skel && loaded ? (unsigned long long)skel->bss->calls : 0ULL,
	       skel && loaded ? (unsigned long long)skel->bss->denials : 0ULL);
	if (usable)
		check("PASS", "canary_open_denied", "open '%s' failed with EPERM", canary);
	else if (expect == EXPECT_DENY)
		check("FAIL", "canary_open_denied", "lsm unusable: %s", why);
	else
		check("SKIP", "canary_open_denied", "lsm unusable: %s", why);

	if (!attached)
		check("SKIP", "control_open_allowed", "no program attached");
	else if (!control_err)
		check("PASS", "control_open_allowed", "open '%s' succeeded", control);
	else
		check("FAIL", "control_open_allowed", "open '%s' failed: %s", control,
		      strerror(-control_err));

	/* The LSM list and the program's calls must agree: bpf listed <=> hook called. */
	if (!attached)
		check("SKIP", "lsm_list_agrees", "no program attached");
	else if (listed == (skel->bss->calls > 0))
		check("PASS", "lsm_list_agrees", "bpf %s in the lsm list and the hook was %s",
		      listed ? "is" : "is not", listed ? "called" : "never called");
	else
		check("FAIL", "lsm_list_agrees", "bpf %s in the lsm list but the hook was %s",
		      listed ? "is" : "is not", skel->bss->calls ? "called" : "never called");

	if (expect == EXPECT_NONE)
		check("SKIP", "lsm_as_expected", "no --expect given");
	else if (usable == (expect == EXPECT_DENY))
		check("PASS", "lsm_as_expected", "lsm is %s as expected",
		      usable ? "enforcing" : "unusable");
	else
		check("FAIL", "lsm_as_expected", "lsm is %s, expected %s",
		      usable ? "enforcing" : "unusable",
		      expect == EXPECT_DENY ? "enforcing" : "unusable");

	lsm_probe_bpf__destroy(skel);
	skel = NULL;
	if (usable) {
		canary_err = try_open(canary);
		if (!canary_err)
			check("PASS", "canary_open_after_detach", "open '%s' succeeded", canary);
		else
			check("FAIL", "canary_open_after_detach", "open '%s' failed: %s", canary,
			      strerror(-canary_err));
	}

	if (!usable)
		printf("INFO lsm unavailable: %s\n", why);
	printf("DCEA-RESULT backend=%s deny=%d kill=0 detect=0 unavailable=%d ",
	       usable ? "lsm" : "none", usable, !usable);
	printf("passed=%d failed=%d skipped=%d\n", n_pass, n_fail, n_skip);
	err = n_fail ? 1 : 0;

cleanup:
	lsm_probe_bpf__destroy(skel);
	unlink(canary);
	unlink(control);
	rmdir(dir);
	return err;
}
