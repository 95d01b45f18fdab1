// SPDX-License-Identifier: GPL-2.0-only
/* common/containers.c: containerd and CRI-O containers named with their pods from runtime state. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "common/util.h"
#include "common/containers.h"

#define CD "4c1c5e1a6a0f2b8e7f3d9c0b1a2e3f4d5c6b7a8e9f0a1b2c3d4e5f6a7b8c9d0e"
#define SB "8f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e"
#define MB "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b"
#define CR "d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1"

static int setup(void **state)
{
	ct_set_state_root(FIXTURES "/loader/runtimes");
	return 0;
}

static int teardown(void **state)
{
	ct_set_state_root(NULL);
	return 0;
}

/* systemd cgroup driver: cri-containerd-<id>.scope */
static void test_containerd_systemd(void **state)
{
	struct ct_info ci;

	ct_lookup(101, "cri-containerd-" CD ".scope", 1, &ci);
	assert_string_equal(ci.runtime, "containerd");
	assert_string_equal(ci.id, CD);
	assert_string_equal(ci.name, "nginx");
	assert_string_equal(ci.image, "docker.io/library/nginx:1.25");
	assert_string_equal(ci.pod, "web-7d4b9c8f6-x2x9k");
	assert_string_equal(ci.pod_namespace, "shop");
	assert_string_equal(ci.pod_uid, "0b7d2a63-1c7e-4d1a-9a57-3f1f0e8c2d11");
}

/* cgroupfs driver: /kubepods/burstable/pod<uid>/<id>, a bare id as docker's are */
static void test_containerd_cgroupfs(void **state)
{
	struct ct_info ci;

	ct_lookup(102, CD, 1, &ci);
	assert_string_equal(ci.runtime, "containerd");
	assert_string_equal(ci.pod, "web-7d4b9c8f6-x2x9k");
	/* the pod's sandbox: no container name, named POD as kubelet does */
	ct_lookup(103, SB, 1, &ci);
	assert_string_equal(ci.runtime, "containerd");
	assert_string_equal(ci.name, "POD");
	assert_string_equal(ci.pod_namespace, "shop");
}

/* docker 23+ runs its containers under containerd's "moby" namespace: still docker's */
static void test_docker_under_containerd(void **state)
{
	struct ct_info ci;

	ct_lookup(104, MB, 1, &ci);
	assert_string_equal(ci.runtime, "docker");
	assert_string_equal(ci.pod, "");
}

static void test_crio(void **state)
{
	struct ct_info ci;

	ct_lookup(105, "crio-" CR ".scope", 1, &ci);
	assert_string_equal(ci.runtime, "crio");
	assert_string_equal(ci.name, "coredns");
	assert_string_equal(ci.image, "registry.k8s.io/coredns/coredns:v1.11.1");
	assert_string_equal(ci.pod, "coredns-5d78c9869d-abcde");
	assert_string_equal(ci.pod_namespace, "kube-system");
	assert_string_equal(ci.pod_uid, "5c1f0e2d-7a3b-4c9d-8e1f-2a3b4c5d6e7f");
	ct_lookup(106, "crio-" CR, 1, &ci); /* cgroupfs driver */
	assert_string_equal(ci.runtime, "crio");
	assert_string_equal(ci.pod, "coredns-5d78c9869d-abcde");
}

static void test_annotations(void **state)
{
	struct ct_info ci = {};

	assert_int_equal(ct_parse_oci_annotations("{", &ci), -EINVAL);
	assert_int_equal(ct_parse_oci_annotations("{\"annotations\":{}}", &ci), -ENOENT);
	assert_int_equal(ct_parse_oci_annotations("{}", &ci), -ENOENT);
	assert_int_equal(ct_parse_oci_annotations("{\"annotations\":{\"io.kubernetes.pod.name\":"
						  "\"p\",\"io.kubernetes.pod.namespace\":\"n\"}}",
						  &ci),
			 0);
	assert_string_equal(ci.pod, "p");
	assert_string_equal(ci.pod_namespace, "n");
}

/* the alert's container object names the pod */
static void test_pod_fields(void **state)
{
	struct ct_info ci;
	json_object *c = json_object_new_object();

	ct_lookup(107, "crio-" CR ".scope", 1, &ci);
	ct_add_pod_fields(c, &ci);
	assert_string_equal(json_object_get_string(json_object_object_get(c, "pod")),
			    "coredns-5d78c9869d-abcde");
	assert_string_equal(json_object_get_string(json_object_object_get(c, "namespace")),
			    "kube-system");
	json_object_put(c);
	c = json_object_new_object();
	ct_lookup(108, MB, 1, &ci);
	ct_add_pod_fields(c, &ci);
	assert_null(json_object_object_get(c, "pod"));
	json_object_put(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_containerd_systemd),
		cmocka_unit_test(test_containerd_cgroupfs),
		cmocka_unit_test(test_docker_under_containerd),
		cmocka_unit_test(test_crio),
		cmocka_unit_test(test_annotations),
		cmocka_unit_test(test_pod_fields),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
