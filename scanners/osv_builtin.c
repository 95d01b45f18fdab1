// SPDX-License-Identifier: GPL-2.0-only
/*
 * The curated OSV records of scanners/vulndb/, compiled into dcea so a scan is useful with no
 * database installed. The JSON is embedded as is with .incbin (paths relative to the top of the
 * tree, where make runs); the Makefile makes this object depend on those JSON files.
 */
#include <stddef.h>

#include "common/log.h"
#include "scanners/osv.h"

#define VULNDB(sym, file)                                                                          \
	__asm__(".section .rodata\n"                                                               \
		".balign 16\n" #sym ":\n"                                                          \
		".incbin \"scanners/vulndb/" file "\"\n" #sym "_end:\n"                            \
		".byte 0\n"                                                                        \
		".previous\n");                                                                    \
	extern const char sym[], sym##_end[]

VULNDB(vulndb_apache2, "apache2.json");
VULNDB(vulndb_nginx, "nginx.json");
VULNDB(vulndb_redis, "redis.json");
VULNDB(vulndb_mariadb, "mariadb.json");
VULNDB(vulndb_openssl, "openssl.json");
VULNDB(vulndb_runc, "runc.json");
VULNDB(vulndb_containerd, "containerd.json");

static const struct {
	const char *name, *start, *end;
} builtin[] = {
	{ "builtin:apache2.json", vulndb_apache2, vulndb_apache2_end },
	{ "builtin:nginx.json", vulndb_nginx, vulndb_nginx_end },
	{ "builtin:redis.json", vulndb_redis, vulndb_redis_end },
	{ "builtin:mariadb.json", vulndb_mariadb, vulndb_mariadb_end },
	{ "builtin:openssl.json", vulndb_openssl, vulndb_openssl_end },
	{ "builtin:runc.json", vulndb_runc, vulndb_runc_end },
	{ "builtin:containerd.json", vulndb_containerd, vulndb_containerd_end },
};

int osv_db_load_builtin(struct osv_db *db)
{
	int err = 0;

	osv_db_builtin_mode(db, true);
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		err = osv_db_load_json(db, builtin[i].start, builtin[i].end - builtin[i].start,
				       builtin[i].name);

		if (err)
			break;
	}
	osv_db_builtin_mode(db, false);
	return err;
}
