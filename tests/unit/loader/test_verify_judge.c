// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader/verify_judge.c: the userspace decision of namespace trust for one task, from its
 * container's baseline and what was read of the task (the reading is covered by 20-trust.sh).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "loader/verify.h"

#define CAP_SYS_ADMIN_BIT (1ULL << 21)

/* a container with its own namespaces (inodes 4026532xxx), the host's at 4026531xxx */
static void base_of(struct verify_base *b)
{
	memset(b, 0, sizeof(*b));
	for (int i = 0; i < DCEA_NS_MAX; i++) {
		b->host[i] = 4026531000ULL + i;
		b->ns[i] = 4026532000ULL + i;
	}
	b->cap_bset = 0xa80425fbULL; /* docker's default set */
	b->root_dev = 0x2f;
	b->root_ino = 1234;
}

/* a task that is exactly its container */
static void obs_of(const struct verify_base *b, struct verify_obs *o)
{
	memset(o, 0, sizeof(*o));
	memcpy(o->ns, b->ns, sizeof(o->ns));
	o->cap_eff = b->cap_bset;
	o->root_known = true;
	o->root_dev = b->root_dev;
	o->root_ino = b->root_ino;
}

static void faithful_task(void **unused)
{
	struct verify_base b;
	struct verify_obs o;
	__u32 hn = ~0U;

	base_of(&b);
	obs_of(&b, &o);
	assert_int_equal(verify_judge(&b, &o, &hn), 0);
	assert_int_equal(hn, 0);
	o.cap_eff = 0; /* dropping capabilities is no finding */
	assert_int_equal(verify_judge(&b, &o, &hn), 0);
}

static void host_namespaces(void **unused)
{
	struct verify_base b;
	struct verify_obs o;
	__u32 hn;

	base_of(&b);
	obs_of(&b, &o);
	/* nsenter into the host's mount and pid namespaces */
	o.ns[DCEA_NS_MNT] = b.host[DCEA_NS_MNT];
	o.ns[DCEA_NS_PID] = b.host[DCEA_NS_PID];
	assert_int_equal(verify_judge(&b, &o, &hn), VF_HOST_NS);
	assert_int_equal(hn, 1U << DCEA_NS_MNT | 1U << DCEA_NS_PID);
	/* a new namespace of its own (unshare) is not the host's */
	obs_of(&b, &o);
	o.ns[DCEA_NS_UTS] = 4026533000ULL;
	assert_int_equal(verify_judge(&b, &o, &hn), 0);
	/* a container that shares the host's network (--network host) has not escaped by it */
	b.ns[DCEA_NS_NET] = b.host[DCEA_NS_NET];
	obs_of(&b, &o);
	assert_int_equal(verify_judge(&b, &o, &hn), 0);
	/* a namespace the baseline does not know proves nothing */
	base_of(&b);
	obs_of(&b, &o);
	b.ns[DCEA_NS_CGROUP] = 0;
	o.ns[DCEA_NS_CGROUP] = b.host[DCEA_NS_CGROUP];
	assert_int_equal(verify_judge(&b, &o, &hn), 0);
}

static void capabilities(void **unused)
{
	struct verify_base b;
	struct verify_obs o;
	__u32 hn;

	base_of(&b);
	obs_of(&b, &o);
	o.cap_eff |= CAP_SYS_ADMIN_BIT;
	assert_int_equal(verify_judge(&b, &o, &hn), VF_CAPS);
	b.cap_bset = 0; /* unknown bounding set: no judgement */
	assert_int_equal(verify_judge(&b, &o, &hn), 0);
}

static void root_and_cwd(void **unused)
{
	struct verify_base b;
	struct verify_obs o;
	__u32 hn;

	base_of(&b);
	obs_of(&b, &o);
	o.root_ino = 2; /* chroot to the host's / through /proc/1/root */
	assert_int_equal(verify_judge(&b, &o, &hn), VF_ROOT);
	o.root_ino = b.root_ino;
	o.root_dev = 0x803; /* same inode number on another device */
	assert_int_equal(verify_judge(&b, &o, &hn), VF_ROOT);
	o.root_known = false; /* the task went away between the reads */
	assert_int_equal(verify_judge(&b, &o, &hn), 0);
	obs_of(&b, &o);
	o.cwd_foreign = true;
	assert_int_equal(verify_judge(&b, &o, &hn), VF_CWD);
	/* every finding at once */
	o.ns[DCEA_NS_MNT] = b.host[DCEA_NS_MNT];
	o.cap_eff = ~0ULL;
	o.root_ino = 2;
	assert_int_equal(verify_judge(&b, &o, &hn), VF_HOST_NS | VF_CAPS | VF_ROOT | VF_CWD);
	assert_int_equal(hn, 1U << DCEA_NS_MNT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(faithful_task),
		cmocka_unit_test(host_namespaces),
		cmocka_unit_test(capabilities),
		cmocka_unit_test(root_and_cwd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
