#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dcea scan against real containers of the test dockerd: a privileged one, one with docker.sock,
# a hardened one; findings, exit codes, JSON lines and SARIF. Also scan kernel/runtime on the host
# and the kernel matching of a few releases, each well under 100 ms.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"

need_dcea
# findings of CHECK for the container NAME, from dcea's JSON lines on stdin: "RESULT" or ""
result_of() {
	python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if o["check"] == sys.argv[1]:
        print(o["result"]); break' "$1"
}

kernel_checks() {
	local out rc=0 ms t0
	out=$("$DCEA" scan kernel --release 5.10.101 --json) || rc=$?
	check_eq scan-kernel-5.10.101-exit 1 "$rc"
	check_eq scan-kernel-5.10.101-dirtypipe FAIL "$(result_of kernel.CVE-2022-0847 <<<"$out")"
	out=$("$DCEA" scan kernel --release 5.10.102 --json --all)
	check_eq scan-kernel-5.10.102-dirtypipe PASS "$(result_of kernel.CVE-2022-0847 <<<"$out")"
	out=$("$DCEA" scan kernel --release 6.1.0-18-amd64 --json --all)
	check_eq scan-kernel-debian-unknown INFO "$(result_of kernel.CVE-2024-1086 <<<"$out")"
	t0=$(date +%s%N)
	"$DCEA" scan kernel >/dev/null || true
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ "$ms" -lt 100 ]; then pass scan-kernel-under-100ms; else
		fail scan-kernel-under-100ms "${ms} ms"; fi
	check scan-runtime-runs "$DCEA" scan runtime
}

config_checks() {
	local id out rc sarif=$DCEA_TMP/scan.sarif ms t0

	need_root scan-config-privileged scan-config-docker-sock scan-config-hardened
	docker_up || { skip scan-config "docker: $DCEA_DOCKER_ERR"; return; }
	docker_image || { skip scan-config "image: $DCEA_DOCKER_ERR"; return; }

	# privileged: through the dcea-runc wrapper (root's bounding set lacks CAP_SYS_RESOURCE here)
	if [ "$DCEA_DOCKER_WRAPPER" = 1 ]; then
		id=$(docker_run_test priv -d --runtime dcea-runc --privileged "$DCEA_IMAGE" sleep 60)
		rc=0
		out=$(docker inspect "$id" | "$DCEA" scan config - --json --sarif "$sarif") || rc=$?
		check_eq scan-config-privileged-exit 1 "$rc"
		check_eq scan-config-privileged FAIL "$(result_of config.privileged <<<"$out")"
		check_eq scan-config-privileged-seccomp FAIL \
			"$(result_of config.seccomp-unconfined <<<"$out")"
		if python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
assert d["version"] == "2.1.0" and any(r["ruleId"] == "config.privileged" for r in d["runs"][0]["results"])' \
			"$sarif"; then pass scan-config-sarif; else fail scan-config-sarif "bad $sarif"; fi
		# the same container from Docker's own files
		rc=0
		out=$("$DCEA" scan config "$(docker info -f '{{.DockerRootDir}}')/containers/$id" \
			--json) || rc=$?
		check_eq scan-config-docker-dir-privileged FAIL \
			"$(result_of config.privileged <<<"$out")"
	else
		skip scan-config-privileged "dcea-runc runtime not registered"
	fi

	id=$(docker_run_test sock -d -v /var/run/docker.sock:/var/run/docker.sock "$DCEA_IMAGE" \
		sleep 60)
	rc=0
	out=$(docker inspect "$id" | "$DCEA" scan config - --json) || rc=$?
	check_eq scan-config-docker-sock-exit 1 "$rc"
	check_eq scan-config-docker-sock FAIL "$(result_of config.mount-runtime-socket <<<"$out")"
	check_eq scan-config-docker-sock-not-privileged "" "$(result_of config.privileged <<<"$out")"

	id=$(docker_run_test hard -d --cap-drop ALL --security-opt no-new-privileges \
		--user 1000:1000 --read-only --cgroupns private "$DCEA_IMAGE" sleep 60)
	rc=0
	t0=$(date +%s%N)
	docker inspect "$id" >"$DCEA_TMP/hard.json"
	out=$("$DCEA" scan config "$DCEA_TMP/hard.json" --json) || rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	check_eq scan-config-hardened-exit 0 "$rc"
	check_eq scan-config-hardened-fails "" "$(grep -c '"result":"FAIL"' <<<"$out" | grep -v '^0$')"
	if [ "$ms" -lt 100 ]; then pass scan-config-under-100ms; else
		fail scan-config-under-100ms "${ms} ms"; fi

	# every running container through the Engine API: ours are among them
	out=$("$DCEA" scan config --running --json) || true
	if grep -q "container $(docker_name sock)" <<<"$out"; then pass scan-config-running
	else fail scan-config-running "$(docker_name sock) not scanned"; fi
}

kernel_checks
config_checks
