// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader/truststore.c: measurements, the store's round trip, and every way a store on disk is
 * refused (missing, wrong mode, a symlink, not a store, no digest, edited) or a task found changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "common/util.h"
#include "loader/truststore.h"

struct fx {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/dcea-ts-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	/* a directory that ts_save must create itself */
	snprintf(f->path, sizeof(f->path), "%s/sub/trust.json", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd))
		return -1;
	free(f);
	return 0;
}

static void meas(struct ts_meas *m, pid_t pid, __u64 start, __u64 net)
{
	memset(m, 0, sizeof(*m));
	m->pid = pid;
	m->start = start;
	for (int i = 0; i < DCEA_NS_MAX; i++) {
		m->ns[i] = 4026531835ULL + i;
		m->id[i] = 100 + i;
	}
	m->ns[DCEA_NS_NET] = net;
}

/* A store with container 42 (baseline pid 10) and its tasks 10 and 11, saved at f->path. */
static void save_store(struct fx *f)
{
	struct ts_meas base, t;
	json_object *root = ts_new(), *ct;

	meas(&base, 10, 1000, 4026532000ULL);
	ct = ts_add_container(root, 42, "abcdef", &base);
	assert_non_null(ct);
	ts_add_task(ct, 42, &base);
	meas(&t, 11, 1001, 4026532000ULL);
	ts_add_task(ct, 42, &t);
	assert_int_equal(ts_save(f->path, root), 0);
	json_object_put(root);
}

static void test_measure_self(void **state)
{
	struct ts_meas m, again;

	(void)state;
	assert_int_equal(ts_measure(getpid(), &m), 0);
	assert_int_equal(m.pid, getpid());
	assert_true(m.start > 0);
	for (int i = 0; i < DCEA_NS_MAX; i++)
		if (i != DCEA_NS_TIME) /* kernels without time namespaces */
			assert_true(m.ns[i] != 0);
	assert_int_equal(ts_measure(getpid(), &again), 0);
	assert_memory_equal(&m, &again, sizeof(m));
}

static void test_measure_gone(void **state)
{
	struct ts_meas m;

	(void)state;
	/* above pid_max's hard limit (4194304): never a live process */
	assert_int_equal(ts_measure(9999999, &m), -ENOENT);
}

static void test_sha256(void **state)
{
	struct ts_meas a, b;
	char h1[65], h2[65], h3[65];

	(void)state;
	meas(&a, 10, 1000, 1);
	meas(&b, 10, 1000, 2);
	assert_int_equal(ts_sha256(42, &a, h1), 0);
	assert_int_equal(strlen(h1), 64);
	assert_int_equal(ts_sha256(42, &a, h2), 0);
	assert_string_equal(h1, h2);
	assert_int_equal(ts_sha256(42, &b, h2), 0);
	assert_string_not_equal(h1, h2);
	assert_int_equal(ts_sha256(43, &a, h3), 0); /* bound to the container */
	assert_string_not_equal(h1, h3);
}

static void test_roundtrip(void **state)
{
	struct fx *f = *state;
	json_object *root = NULL;
	struct stat st;
	char why[256] = "";

	save_store(f);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(ts_load(f->path, &root, why, sizeof(why)), TS_OK);
	assert_non_null(root);
	json_object_put(root);
}

static void test_missing(void **state)
{
	struct fx *f = *state;
	json_object *root = NULL;
	char why[256] = "";

	assert_int_equal(ts_load(f->path, &root, why, sizeof(why)), TS_MISSING);
	assert_null(root);
}

static void test_bad_mode(void **state)
{
	struct fx *f = *state;
	json_object *root = NULL;
	char why[256] = "";

	save_store(f);
	assert_int_equal(chmod(f->path, 0644), 0);
	assert_int_equal(ts_load(f->path, &root, why, sizeof(why)), TS_BADPERM);
	assert_null(root);
	assert_non_null(strstr(why, "0644"));
}

static void test_symlink(void **state)
{
	struct fx *f = *state;
	json_object *root = NULL;
	char link[160], why[256] = "";

	save_store(f);
	snprintf(link, sizeof(link), "%s/link.json", f->dir);
	assert_int_equal(symlink(f->path, link), 0);
	assert_int_equal(ts_load(link, &root, why, sizeof(why)), TS_BADPERM);
	assert_null(root);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

static void test_not_a_store(void **state)
{
	struct fx *f = *state;
	const char *docs[] = { "garbage", "[]", "{}", "{\"format\":\"other/1\",\"containers\":{}}",
			       "{\"format\":\"dcea-trust/1\",\"containers\":[]}" };
	json_object *root = NULL;
	char path[160], why[256];

	snprintf(path, sizeof(path), "%s/doc.json", f->dir);
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		write_file(path, docs[i]);
		why[0] = '\0';
		assert_int_equal(ts_load(path, &root, why, sizeof(why)), TS_TAMPERED);
		assert_null(root);
		assert_true(why[0] != '\0');
	}
}

/* Replace the first occurrence of `from` in the file with `to` (same length). */
static void edit(const char *path, const char *from, const char *to)
{
	char *buf = NULL, *p;

	assert_int_equal(read_file(path, &buf, NULL), 0);
	p = strstr(buf, from);
	assert_non_null(p);
	memcpy(p, to, strlen(to));
	write_file(path, buf);
	free(buf);
}

static void test_edited(void **state)
{
	struct fx *f = *state;
	json_object *root = NULL;
	char why[256] = "";

	save_store(f);
	edit(f->path, "4026532000", "4026532001"); /* a namespace inode changed by hand */
	assert_int_equal(ts_load(f->path, &root, why, sizeof(why)), TS_TAMPERED);
	assert_null(root);
	assert_non_null(strstr(why, "digest"));
}

static void test_no_digest(void **state)
{
	struct fx *f = *state;
	json_object *root = NULL;
	char why[256] = "";

	save_store(f);
	edit(f->path, "\"digest\"", "\"dxgest\"");
	assert_int_equal(ts_load(f->path, &root, why, sizeof(why)), TS_TAMPERED);
	assert_null(root);
}

static void test_compare(void **state)
{
	struct fx *f = *state;
	struct ts_meas base, t, other;
	json_object *root = NULL;
	char why[256], detail[128];

	save_store(f);
	assert_int_equal(ts_load(f->path, &root, why, sizeof(why)), TS_OK);
	meas(&base, 10, 1000, 4026532000ULL);
	meas(&t, 11, 1001, 4026532000ULL);
	/* unchanged */
	assert_int_equal(ts_compare(root, 42, &base, &t, detail, sizeof(detail)), 0);
	assert_string_equal(detail, "");
	/* the task moved to another network namespace */
	t.ns[DCEA_NS_NET] = 4026532999ULL;
	assert_int_equal(ts_compare(root, 42, &base, &t, detail, sizeof(detail)), 1);
	assert_string_equal(detail, "net");
	/* only the 64-bit id differs (an inode reused by another namespace) */
	meas(&t, 11, 1001, 4026532000ULL);
	t.id[DCEA_NS_MNT] = 999;
	assert_int_equal(ts_compare(root, 42, &base, &t, detail, sizeof(detail)), 1);
	assert_string_equal(detail, "mnt");
	/* the pid was reused by a later task: not measured, nothing to compare */
	t.start = 2000;
	t.ns[DCEA_NS_NET] = 1;
	assert_int_equal(ts_compare(root, 42, &base, &t, detail, sizeof(detail)), 0);
	/* another container under the same cgroup id (a new baseline): nothing measured */
	meas(&other, 77, 5000, 4026532000ULL);
	meas(&t, 11, 1001, 1);
	assert_int_equal(ts_compare(root, 42, &other, &t, detail, sizeof(detail)), 0);
	/* an unknown container, an unknown task, no store */
	assert_int_equal(ts_compare(root, 43, &base, &t, detail, sizeof(detail)), 0);
	meas(&t, 12, 1002, 1);
	assert_int_equal(ts_compare(root, 42, &base, &t, detail, sizeof(detail)), 0);
	assert_int_equal(ts_compare(NULL, 42, &base, &t, detail, sizeof(detail)), 0);
	json_object_put(root);
}

static void test_add_container_once(void **state)
{
	struct ts_meas a, b;
	json_object *root = ts_new(), *c1, *c2, *cts, *ct, *bl, *v;

	(void)state;
	meas(&a, 10, 1000, 1);
	meas(&b, 20, 2000, 2);
	c1 = ts_add_container(root, 42, "abc", &a);
	c2 = ts_add_container(root, 42, "abc", &b);
	assert_ptr_equal(c1, c2);
	/* the first baseline stays */
	assert_true(json_object_object_get_ex(root, "containers", &cts));
	assert_true(json_object_object_get_ex(cts, "42", &ct));
	assert_true(json_object_object_get_ex(ct, "baseline", &bl));
	assert_true(json_object_object_get_ex(bl, "pid", &v));
	assert_int_equal(json_object_get_int(v), 10);
	json_object_put(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_measure_self),
		cmocka_unit_test(test_measure_gone),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_digest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compare, setup, teardown),
		cmocka_unit_test(test_add_container_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
