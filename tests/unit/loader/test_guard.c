// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader/guard.c without BPF: the file digest, and the alerts for a watched file that is edited,
 * replaced by a rename or removed (the pins are covered by tests/integration/61-tamper-guard.sh).
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
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "common/util.h"
#include "loader/guard.h"

struct fx {
	char dir[64], path[128];
	struct state st;
	struct guard g;
	json_object *alerts; /* array of what the guard raised */
};

static void put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

static void collect(void *ctx, json_object *a)
{
	struct fx *f = ctx;

	json_object_array_add(f->alerts, json_object_get(a));
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/dcea-guard-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/policy.yaml", f->dir);
	put(f->path, "version: 1\n");
	for (int i = 0; i < M_MAX; i++)
		f->st.fd[i] = -1; /* no BPF: the protect map is not written */
	f->g.st = &f->st;	  /* guard_init would hold the pins; there are none here */
	f->alerts = json_object_new_array();
	assert_int_equal(guard_add_file(&f->g, f->path, true), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	json_object_put(f->alerts);
	guard_close(&f->g);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd))
		return -1;
	free(f);
	return 0;
}

static const char *detail(json_object *a, const char *k)
{
	json_object *d, *v;

	if (!json_object_object_get_ex(a, "details", &d) || !json_object_object_get_ex(d, k, &v))
		return NULL;
	return json_object_get_string(v);
}

static void test_sha256_file(void **state)
{
	struct fx *f = *state;
	char hex[65];

	put(f->path, "abc");
	assert_int_equal(sha256_file(f->path, hex), 0);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(sha256_file("/nonexistent/dcea", hex), -ENOENT);
}

static void test_unchanged_quiet(void **state)
{
	struct fx *f = *state;

	guard_check(&f->g, collect, f);
	guard_check(&f->g, collect, f);
	assert_int_equal(json_object_array_length(f->alerts), 0);
}

static void test_edit(void **state)
{
	struct fx *f = *state;
	json_object *a;

	put(f->path, "version: 1\nmode: audit\n");
	guard_check(&f->g, collect, f);
	assert_int_equal(json_object_array_length(f->alerts), 1);
	a = json_object_array_get_idx(f->alerts, 0);
	assert_string_equal(detail(a, "kind"), "file_changed");
	assert_string_equal(detail(a, "inode_replaced"), "false");
	assert_string_not_equal(detail(a, "sha256_before"), detail(a, "sha256_now"));
	/* reported once: the new content is the new reference */
	guard_check(&f->g, collect, f);
	assert_int_equal(json_object_array_length(f->alerts), 1);
}

static void test_rename_over(void **state)
{
	struct fx *f = *state;
	char tmp[160];

	snprintf(tmp, sizeof(tmp), "%s/new", f->dir);
	put(tmp, "mode: audit\n");
	assert_int_equal(rename(tmp, f->path), 0);
	guard_check(&f->g, collect, f);
	assert_int_equal(json_object_array_length(f->alerts), 1);
	assert_string_equal(detail(json_object_array_get_idx(f->alerts, 0), "inode_replaced"),
			    "true");
}

static void test_same_content_touch(void **state)
{
	struct fx *f = *state;

	put(f->path, "version: 1\n"); /* rewritten with the same bytes: no alert */
	guard_check(&f->g, collect, f);
	assert_int_equal(json_object_array_length(f->alerts), 0);
}

static void test_removed(void **state)
{
	struct fx *f = *state;

	assert_int_equal(unlink(f->path), 0);
	guard_check(&f->g, collect, f);
	assert_int_equal(json_object_array_length(f->alerts), 1);
	assert_string_equal(detail(json_object_array_get_idx(f->alerts, 0), "sha256_now"),
			    "missing");
}

static void test_unreported_file(void **state)
{
	struct fx *f = *state;
	char store[160];

	snprintf(store, sizeof(store), "%s/trust.json", f->dir);
	put(store, "{}");
	assert_int_equal(guard_add_file(&f->g, store, false), 0);
	put(store, "{\"x\":1}");
	guard_check(&f->g, collect, f);
	assert_int_equal(json_object_array_length(f->alerts), 0);
}

/* A killed loader stays a zombie until reaped: it must not count as the loader streaming. */
static void test_process_running_zombie(void **state)
{
	char comm[32];
	pid_t pid;

	assert_int_equal(read_line("/proc/self/comm", comm, sizeof(comm)), 0);
	assert_true(process_running(getpid(), comm));
	assert_false(process_running(getpid(), "not-this-name"));
	assert_false(process_running(0, comm));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		pause();
	assert_true(process_running(pid, comm));
	kill(pid, SIGKILL);
	for (int i = 0; i < 200; i++) { /* until the kernel made it a zombie */
		char path[64], line[256];

		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (!read_line(path, line, sizeof(line)) && strstr(line, ") Z "))
			break;
		usleep(10000);
	}
	assert_false(process_running(pid, comm));
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_false(process_running(pid, comm));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sha256_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unchanged_quiet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_content_touch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreported_file, setup, teardown),
		cmocka_unit_test(test_process_running_zombie),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
