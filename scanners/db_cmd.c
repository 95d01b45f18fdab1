// SPDX-License-Identifier: GPL-2.0-only
/* `dcea db update|import|status`: the vulnerability database the image scan reads. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "scanners/dbstore.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: dcea db update [--root DIR] [--sources FILE] [--source NAME=URL]...\n"
		"                      [--stall-timeout SECS] [--max-size BYTES]\n"
		"       dcea db import [--root DIR] NAME=FILE...\n"
		"       dcea db status [--root DIR] [--max-age DAYS] [--json]\n\n"
		"The vulnerability database of 'dcea scan image': OSV exports, verified and\n"
		"installed atomically under " DB_DEFAULT_ROOT " ($DCEA_DB_ROOT, --root).\n"
		"A failed update leaves the installed database as it was.\n\n"
		"update   fetch every source; by default osv.dev's exports:\n"
		"           Debian Ubuntu Alpine Linux  https://osv-vulnerabilities.storage."
		"googleapis.com/NAME/all.zip\n"
		"         (Linux: the kernel's CVE records). Sources come from --source "
		"(repeatable,\n"
		"         replaces the list), else --sources FILE, else " DB_DEFAULT_SOURCES
		" if it exists:\n"
		"         lines 'NAME URL [sha256=HEX] [sha256-url=URL]'. http, https and file "
		"URLs.\n"
		"         Verified: HTTP status and length, the server's MD5 (x-goog-hash), a\n"
		"         pinned or published SHA-256, the zip's CRC-32s, every record parsed.\n"
		"         --stall-timeout: give up on a server sending nothing for SECS (%d).\n"
		"import   install local files (offline): the same as update with file:// sources.\n"
		"status   what is installed, from where, how old; exit 1 when nothing is "
		"installed\n"
		"         or it is older than --max-age DAYS (%d).\n\n"
		"Exit status: 0 success, 1 (status) missing or old, 2 error.\n\n"
		"Examples:\n"
		"  dcea db update\n"
		"  dcea db update --source Debian=https://mirror.example/osv/Debian/all.zip\n"
		"  dcea db import Debian=./Debian-all.zip Alpine=./Alpine-all.zip\n"
		"  dcea db status --json\n",
		DB_DEFAULT_STALL, DB_DEFAULT_MAX_AGE);
}

static int status(const char *root, long max_age, bool json)
{
	struct db_installed d;
	json_object *arr, *out;
	time_t now = time(NULL);
	long age;
	int err = db_installed_open(root, &d);
	bool stale;

	if (err == -ENOENT) {
		if (json)
			printf("{\"root\":\"%s\",\"installed\":false}\n", root);
		else
			printf("no vulnerability database in '%s': run 'dcea db update'\n", root);
		return 1;
	}
	if (err)
		return 2;
	age = d.data_time <= now ? (long)((now - d.data_time) / 86400) : 0;
	stale = age > max_age;
	if (json) {
		out = json_object_get(d.manifest);
		json_object_object_add(out, "root", json_object_new_string(root));
		json_object_object_add(out, "dir", json_object_new_string(d.dir));
		json_object_object_add(out, "installed", json_object_new_boolean(1));
		json_object_object_add(out, "age_days", json_object_new_int64(age));
		json_object_object_add(out, "data_unix", json_object_new_int64(d.data_time));
		json_object_object_add(out, "stale", json_object_new_boolean(stale));
		printf("%s\n",
		       json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(out);
	} else {
		json_object *u;
		char from[64] = "";

		json_object_object_get_ex(d.manifest, "updated", &u);

		if (d.data_time < d.updated) {
			struct tm tm;

			gmtime_r(&d.data_time, &tm);
			strftime(from, sizeof(from), ", data from %Y-%m-%d (its newest record)",
				 &tm);
		}
		printf("database %s\nupdated %s%s, %ld day%s ago%s\n", d.dir,
		       json_object_get_string(u), from, age, age == 1 ? "" : "s",
		       stale ? " (older than --max-age: run 'dcea db update')" : "");
		json_object_object_get_ex(d.manifest, "sources", &arr);
		for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
			json_object *s = json_object_array_get_idx(arr, i), *v;
			const char *k[] = { "name",	"records", "bytes", "newest",
					    "verified", "sha256",  "url" };
			const char *val[7];

			for (size_t j = 0; j < 7; j++)
				val[j] = json_object_object_get_ex(s, k[j], &v)
						 ? json_object_get_string(v)
						 : "-";
			printf("  %-8s %8s records %11s bytes  newest record %.10s\n"
			       "           verified by %s\n           sha256 %s\n           %s\n",
			       val[0], val[1], val[2], val[3], val[4], val[5], val[6]);
		}
	}
	db_installed_close(&d);
	return stale ? 1 : 0;
}

enum { OPT_ROOT = 256, OPT_SOURCES, OPT_SOURCE, OPT_STALL, OPT_MAX_SIZE, OPT_MAX_AGE };

int cmd_db(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "sources", required_argument, NULL, OPT_SOURCES },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "stall-timeout", required_argument, NULL, OPT_STALL },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "max-age", required_argument, NULL, OPT_MAX_AGE },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct db_update_opts uo = { 0 };
	struct db_sources *src = calloc(1, sizeof(*src));
	const char *root = NULL, *sources = NULL, *what;
	char err[600];
	bool json = false, given = false;
	uint64_t v;
	long max_age = DB_DEFAULT_MAX_AGE;
	int opt, ret = 2;

	if (!src) {
		log_err("failed to run 'db': %s", strerror(ENOMEM));
		return 2;
	}
	if (argc < 2 || argv[1][0] == '-') {
		bool help = argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));

		usage(help ? stdout : stderr);
		free(src);
		return help ? 0 : 2;
	}
	what = argv[1];
	argc--;
	argv++;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_ROOT:
			root = optarg;
			break;
		case OPT_SOURCES:
			sources = optarg;
			break;
		case OPT_SOURCE:
			if (db_source_add(src, optarg, err, sizeof(err))) {
				log_err("%s", err);
				goto cleanup;
			}
			given = true;
			break;
		case OPT_STALL:
		case OPT_MAX_SIZE:
		case OPT_MAX_AGE:
			if (parse_u64(optarg, &v) || (!v && opt != OPT_MAX_AGE) || v > LONG_MAX) {
				log_err("invalid %s '%s': expected a positive number",
					opt == OPT_STALL      ? "--stall-timeout"
					: opt == OPT_MAX_SIZE ? "--max-size"
							      : "--max-age",
					optarg);
				goto cleanup;
			}
			if (opt == OPT_STALL)
				uo.stall_secs = v;
			else if (opt == OPT_MAX_SIZE)
				uo.max_size = v;
			else
				max_age = v;
			break;
		case 'j':
			json = true;
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
	root = db_root(root);
	if (!strcmp(what, "status")) {
		ret = optind == argc ? status(root, max_age, json) : 2;
		if (optind != argc)
			log_err("'db status' takes no argument");
		goto cleanup;
	}
	if (!strcmp(what, "import")) {
		if (optind == argc || given || sources) {
			log_err("'db import' needs NAME=FILE arguments and no --source/--sources");
			goto cleanup;
		}
		for (int i = optind; i < argc; i++) {
			char *eq = strchr(argv[i], '='), real[PATH_MAX], arg[PATH_MAX + 200];

			if (!eq || !realpath(eq + 1, real)) {
				log_err("invalid import '%s': %s", argv[i],
					eq ? strerror(errno) : "expected NAME=FILE");
				goto cleanup;
			}
			snprintf(arg, sizeof(arg), "%.*s=file://%s", (int)(eq - argv[i]), argv[i],
				 real);
			if (db_source_add(src, arg, err, sizeof(err))) {
				log_err("%s", err);
				goto cleanup;
			}
		}
	} else if (!strcmp(what, "update")) {
		if (optind != argc) {
			log_err("'db update' takes no argument; sources are --source NAME=URL");
			goto cleanup;
		}
		if (!given && sources && db_sources_read(sources, src, err, sizeof(err))) {
			log_err("%s", err);
			goto cleanup;
		}
		if (!given && !sources) {
			if (access(DB_DEFAULT_SOURCES, F_OK) == 0) {
				if (db_sources_read(DB_DEFAULT_SOURCES, src, err, sizeof(err))) {
					log_err("%s", err);
					goto cleanup;
				}
			} else {
				db_sources_default(src);
			}
		}
	} else {
		log_err("unknown 'db' command '%s'; see 'dcea db --help'", what);
		goto cleanup;
	}
	uo.root = root;
	uo.sources = src;
	ret = db_update(&uo) ? 2 : 0;
cleanup:
	free(src);
	return ret;
}
