// SPDX-License-Identifier: GPL-2.0-only
/* common/yaml.c: the one mapping walker, in the policy's form (every problem) and the terse one. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/yaml.h"

struct row {
	const char *key;
	bool required;
};

static const struct row rows[] = { { "a", true }, { "b", false }, { "bad", false }, {} };

struct ctx {
	char log[1024];
	int a, b, nerr;
};

static const char *row_key(const void *tab, size_t i)
{
	return ((const struct row *)tab)[i].key;
}

static bool row_required(const void *tab, size_t i)
{
	return ((const struct row *)tab)[i].required;
}

static int row_handle(void *ctx, const void *tab, size_t i, yaml_node_t *k, yaml_node_t *v,
		      void *obj)
{
	struct ctx *c = ctx;

	if (i == 2)
		return -EINVAL; /* as if it had reported a bad value */
	if (i == 0)
		c->a++;
	else
		c->b++;
	return 0;
}

static int row_err(void *ctx, const yaml_node_t *n, const char *msg)
{
	struct ctx *c = ctx;
	size_t len = strlen(c->log);

	c->nerr++;
	snprintf(c->log + len, sizeof(c->log) - len, "%zu:%zu: %s\n", n->start_mark.line + 1,
		 n->start_mark.column + 1, msg);
	return -EINVAL;
}

static int walk(const char *yaml, const char *what, bool first_stops, struct ctx *c)
{
	yaml_parser_t ps;
	yaml_document_t doc;
	struct ywalk w = { .what = what,
			   .first_stops = first_stops,
			   .doc = &doc,
			   .tab = rows,
			   .key = row_key,
			   .required = row_required,
			   .handle = row_handle,
			   .err = row_err };
	int ret;

	memset(c, 0, sizeof(*c));
	assert_true(yaml_parser_initialize(&ps));
	yaml_parser_set_input_string(&ps, (const unsigned char *)yaml, strlen(yaml));
	assert_true(yaml_parser_load(&ps, &doc));
	ret = yaml_walk_mapping(&w, c, yaml_document_get_root_node(&doc), NULL);
	yaml_document_delete(&doc);
	yaml_parser_delete(&ps);
	return ret;
}

static void test_good(void **state)
{
	struct ctx c;

	assert_int_equal(walk("a: 1\nb: 2\n", "m", false, &c), 0);
	assert_int_equal(c.a, 1);
	assert_int_equal(c.b, 1);
	assert_string_equal(c.log, "");
}

/* the policy's form: every problem reported, named after the mapping, the walk goes on */
static void test_every_problem(void **state)
{
	struct ctx c;

	assert_int_equal(walk("b: 1\nb: 2\nc: 3\nbad: 4\n[x]: 5\n", "m", false, &c), -EINVAL);
	assert_string_equal(c.log, "2:1: duplicate key 'b' in 'm'\n"
				   "3:1: unknown key 'c' in 'm' (known: a, b, bad)\n"
				   "5:1: keys of 'm' must be strings\n"
				   "1:1: missing key 'a' in 'm'\n");
	assert_int_equal(c.b, 1);
	assert_int_equal(walk("[1]\n", "m", false, &c), -EINVAL);
	assert_string_equal(c.log, "1:1: 'm' must be a mapping\n");
}

/* the rule file's form: the first problem ends the walk, in terse words */
static void test_first_stops(void **state)
{
	struct ctx c;

	assert_int_equal(walk("b: 1\nc: 3\nb: 2\n", NULL, true, &c), -EINVAL);
	assert_string_equal(c.log, "2:1: unknown key 'c'\n");
	assert_int_equal(walk("b: 1\nb: 2\n", NULL, true, &c), -EINVAL);
	assert_string_equal(c.log, "2:1: duplicate key 'b'\n");
	assert_int_equal(walk("bad: 1\nc: 2\n", NULL, true, &c), -EINVAL);
	assert_int_equal(c.nerr, 0); /* the handler's own -EINVAL stops it, nothing more said */
	assert_int_equal(walk("b: 1\n", NULL, true, &c), -EINVAL);
	assert_string_equal(c.log, "1:1: missing key 'a'\n");
	assert_int_equal(walk("- 1\n", NULL, true, &c), -EINVAL);
	assert_string_equal(c.log, "1:1: expected a mapping\n");
	assert_int_equal(walk("{[x]: 1}\n", NULL, true, &c), -EINVAL);
	assert_string_equal(c.log, "1:2: expected a scalar key\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_every_problem),
		cmocka_unit_test(test_first_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
