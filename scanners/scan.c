// SPDX-License-Identifier: GPL-2.0-only
/* `dcea scan [kernel|runtime|config|self|image]`: option parsing and dispatch to the scanners. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/commands.h"
#include "common/log.h"
#include "common/util.h"
#include "scanners/scan.h"

__attribute__((weak)) int cmd_scan_image(int argc, char **argv)
{
	log_err("'scan image' is not built into this dcea");
	return 2;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: dcea scan [SCANNER] [OPTIONS] [ARGS]\n\n"
		   "Scanners (none: kernel, runtime and every running container):\n"
		   "  kernel     the kernel against container-escape CVEs, and its posture\n"
		   "  runtime    runc, containerd, docker, podman, crun, cri-o against their "
		   "escape CVEs\n"
		   "  config     container configurations: FILE|DIR|- ..., or --running\n"
		   "  self       from inside a container: what this process can reach\n"
		   "  image      container images (see 'dcea scan image --help')\n\n"
		   "Options:\n" SCAN_OUTPUT_HELP
		   "  kernel:  --release R  --proc-version TEXT  --signature TEXT  --config FILE\n"
		   "           --rules FILE  --changelog FILE  --db PATH  --db-root DIR\n"
		   "           (Debian and Ubuntu kernels: the vendor's OSV records from 'dcea db\n"
		   "           update' answer where the package changelog is missing)\n"
		   "  runtime: --version NAME=VERSION (repeatable; only those are scanned)\n"
		   "  config:  --running (Docker Engine and libpod APIs, then runc's state)\n\n"
		   "Exit status: 0 nothing reached --fail-on, 1 something did, 2 error.\n\n"
		   "Examples:\n"
		   "  dcea scan\n"
		   "  dcea scan kernel --release 5.10.101\n"
		   "  dcea scan kernel --release 6.1.0-18-amd64 --proc-version \"... Debian "
		   "6.1.76-1 ...\"\n"
		   "  docker inspect web | dcea scan config - --json\n"
		   "  dcea scan config /var/lib/docker/containers/<id> --sarif out.sarif\n"
		   "  podman inspect web | dcea scan config -\n"
		   "  docker run --rm -v $PWD/build/dcea-static:/dcea:ro IMAGE /dcea scan self\n");
}

enum {
	OPT_RELEASE = 256,
	OPT_PROC_VERSION,
	OPT_SIGNATURE,
	OPT_CONFIG,
	OPT_RULES,
	OPT_CHANGELOG,
	OPT_DB,
	OPT_DB_ROOT,
	OPT_RUNNING,
	OPT_VERSION
};

int cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		SCAN_OUTPUT_LONGOPTS,
		{ "release", required_argument, NULL, OPT_RELEASE },
		{ "proc-version", required_argument, NULL, OPT_PROC_VERSION },
		{ "signature", required_argument, NULL, OPT_SIGNATURE },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "rules", required_argument, NULL, OPT_RULES },
		{ "changelog", required_argument, NULL, OPT_CHANGELOG },
		{ "db", required_argument, NULL, OPT_DB },
		{ "db-root", required_argument, NULL, OPT_DB_ROOT },
		{ "running", no_argument, NULL, OPT_RUNNING },
		{ "version", required_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kernel_scan_opts ko = { 0 };
	struct runtime_scan_opts ro = { 0 };
	const char *what = "all";
	struct scan_output out;
	struct scan_report r;
	bool running = false;
	size_t nver = 0;
	int opt, err = 0, ret = 2;

	if (argc > 1 && argv[1][0] != '-') {
		what = argv[1];
		if (!strcmp(what, "image"))
			return cmd_scan_image(argc - 1, argv + 1);
		argc--;
		argv++;
	}
	scan_output_init(&out);
	scan_report_init(&r);
	optind = 1;
	while ((opt = getopt_long(argc, argv, SCAN_OUTPUT_SHORTOPTS "h", longopts, NULL)) != -1) {
		int k = scan_output_opt(&out, opt, optarg);

		if (k < 0)
			goto cleanup;
		if (k)
			continue;
		switch (opt) {
		case OPT_RELEASE:
			ko.release = optarg;
			break;
		case OPT_PROC_VERSION:
			ko.proc_version = optarg;
			break;
		case OPT_SIGNATURE:
			ko.signature = optarg;
			break;
		case OPT_CONFIG:
			ko.config = optarg;
			break;
		case OPT_RULES:
			ko.rules = optarg;
			break;
		case OPT_CHANGELOG:
			ko.changelog = optarg;
			break;
		case OPT_DB:
			if (ko.ndbs == ARRAY_SIZE(ko.dbs)) {
				log_err("too many --db options (at most %zu)", ARRAY_SIZE(ko.dbs));
				goto cleanup;
			}
			ko.dbs[ko.ndbs++] = optarg;
			break;
		case OPT_DB_ROOT:
			ko.db_root = optarg;
			break;
		case OPT_RUNNING:
			running = true;
			break;
		case OPT_VERSION:
			if (nver + 1 >= ARRAY_SIZE(ro.versions) || !strchr(optarg, '=')) {
				log_err("invalid --version '%s': expected NAME=VERSION, at most %zu",
					optarg, ARRAY_SIZE(ro.versions) - 1);
				goto cleanup;
			}
			ro.versions[nver++] = optarg;
			ro.only_given = true;
			break;
		case 'h':
			usage(stdout);
			ret = 0;
			goto cleanup;
		default:
			usage(stderr);
			goto cleanup;
		}
	}

	if (!strcmp(what, "kernel")) {
		err = scan_kernel(&ko, &r);
	} else if (!strcmp(what, "runtime")) {
		err = scan_runtime(&ro, &r);
	} else if (!strcmp(what, "self")) {
		err = scan_self(&r);
	} else if (!strcmp(what, "config")) {
		char msg[512];

		if (optind == argc && !running) {
			log_err("'scan config' needs FILE, DIR, - or --running");
			goto cleanup;
		}
		for (int i = optind; i < argc && !err; i++) {
			err = scan_container_path(argv[i], &r, msg, sizeof(msg));
			if (err)
				log_err("%s", msg);
		}
		if (!err && running)
			err = scan_containers_running(&r);
	} else if (!strcmp(what, "all")) {
		err = scan_kernel(&ko, &r);
		if (!err)
			err = scan_runtime(&ro, &r);
		if (!err)
			err = scan_containers_running(&r);
	} else {
		log_err("unknown scanner '%s'; see 'dcea scan --help'", what);
		goto cleanup;
	}
	if (err)
		goto cleanup;
	if (scan_print(&r, &out))
		goto cleanup;
	ret = scan_exit_code(&r, out.fail_on);
cleanup:
	scan_report_free(&r);
	return ret;
}
