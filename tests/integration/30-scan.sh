#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dcea scan against real containers of the test dockerd: a privileged one, one with docker.sock,
# a hardened one; findings, exit codes, JSON lines and SARIF. The same configurations through
# podman, live against the committed fixtures (whose exact findings the unit test pins), and
# --running through podman's API and through runc's state. `scan self` by the static dcea inside
# privileged, default, hardened and host-mounting containers. Also scan kernel/runtime on the host
# and the kernel matching of a few releases, each well under 100 ms.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/podman.sh"

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
	check_under scan-kernel-under-100ms "$ms" 100
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
		# and from the OCI bundle runc ran, which the wrapper stripped of CAP_SYS_RESOURCE:
		# still privileged, and the same findings as docker inspect's
		bundle=$(python3 -c '
import glob, json, sys
for st in glob.glob("/run/docker/runtime-*/moby/%s*/state.json" % sys.argv[1]) + \
        glob.glob("/run/containerd/runc/moby/%s*/state.json" % sys.argv[1]):
    for label in json.load(open(st))["config"].get("labels") or []:
        if label.startswith("bundle="):
            print(label[7:]); sys.exit()' "$id" 2>/dev/null)
		if [ -f "$bundle/config.json" ]; then
			nonpass() { python3 -c '
import json, sys
print(" ".join(o["check"] + "=" + o["result"] for o in map(json.loads, sys.stdin)
               if o["result"] != "PASS"))'; }
			want=$(docker inspect "$id" | "$DCEA" scan config - --json | nonpass)
			got=$("$DCEA" scan config "$bundle" --json | nonpass)
			if [ -n "$got" ] && [ "$got" = "$want" ] &&
				grep -q "config.privileged=FAIL" <<<"$got"; then
				pass scan-config-oci-bundle-privileged
			else
				fail scan-config-oci-bundle-privileged "inspect: $want / bundle: $got"
			fi
		else
			skip scan-config-oci-bundle-privileged "no runc state with a bundle for $id"
		fi
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
	check_under scan-config-under-100ms "$ms" 100

	# every running container through the Engine API: ours are among them
	out=$("$DCEA" scan config --running --json) || true
	if grep -q "container $(docker_name sock)" <<<"$out"; then pass scan-config-running
	else fail scan-config-running "$(docker_name sock) not scanned"; fi
}

# the non-PASS findings of dcea's JSON lines on stdin, "check=RESULT ..." in report order
findings() { python3 -c '
import json, sys
print(" ".join(o["check"] + "=" + o["result"] for o in map(json.loads, sys.stdin) if o["result"] != "PASS"))'
}

# results of CHECK... in JSON lines on stdin, "check=RESULT ..."
results_of() { python3 -c '
import json, sys
got = {o["check"]: o["result"] for o in map(json.loads, sys.stdin)}
print(" ".join(c + "=" + got.get(c, "missing") for c in sys.argv[1:]))' "$@"
}

# how many distinct targets in JSON lines on stdin match the regex RE
targets_with() { python3 -c '
import json, re, sys
print(len({o["target"] for o in map(json.loads, sys.stdin) if re.search(sys.argv[1], o["target"])}))' "$1"
}

# scan self by the static dcea in a container: docker_run_test or podman_test run --rm ARGS...
self_scan() { "$@" /dcea scan self --json --all; }

self_checks() {
	local static=${DCEA_STATIC:-$OUTPUT/dcea-static} out v1=PASS rc
	local rows="self.privileged self.capabilities self.seccomp self.proc-sys self.sysfs self.devices self.cgroup-release-agent"

	[ -x "$static" ] || { skip scan-self "'$static' not built (make static)"; return; }
	docker_up || { skip scan-self "docker: $DCEA_DOCKER_ERR"; return; }
	docker_image || { skip scan-self "image: $DCEA_DOCKER_ERR"; return; }
	# release_agent: FAIL with CAP_SYS_ADMIN only where cgroup v1 is in use
	grep -q '^[0-9]*:[^:n]' /proc/self/cgroup && v1=FAIL
	if [ "$DCEA_DOCKER_WRAPPER" = 1 ]; then
		out=$(self_scan docker_run_test selfpriv --rm -v "$static:/dcea:ro" --privileged \
			"$DCEA_IMAGE" | results_of $rows)
		check_eq scan-self-docker-privileged "self.privileged=FAIL self.capabilities=FAIL self.seccomp=FAIL self.proc-sys=FAIL self.sysfs=FAIL self.devices=FAIL self.cgroup-release-agent=$v1" "$out"
	else
		skip scan-self-docker-privileged "dcea-runc runtime not registered"
	fi
	out=$(self_scan docker_run_test selfdef --rm -v "$static:/dcea:ro" "$DCEA_IMAGE" |
		results_of $rows self.no-new-privileges)
	check_eq scan-self-docker-default "self.privileged=PASS self.capabilities=PASS self.seccomp=PASS self.proc-sys=PASS self.sysfs=PASS self.devices=PASS self.cgroup-release-agent=PASS self.no-new-privileges=WARN" "$out"
	rc=0
	out=$(docker_run_test selfhard --rm -v "$static:/dcea:ro" --cap-drop ALL \
		--security-opt no-new-privileges --user 1000:1000 --read-only --cgroupns private \
		"$DCEA_IMAGE" /dcea scan self --json) || rc=$?
	check_eq scan-self-docker-hardened-exit 0 "$rc"
	check_eq scan-self-docker-hardened-fails "" "$(findings <<<"$out" | grep -o '[^ ]*=FAIL')"
	out=$(self_scan docker_run_test selfmnt --rm -v "$static:/dcea:ro" -v /:/host:ro \
		-v /var/run/docker.sock:/var/run/docker.sock -v /etc:/hostetc "$DCEA_IMAGE" |
		results_of self.mount-host-root self.mount-sensitive self.runtime-socket self.privileged)
	check_eq scan-self-docker-host-mounts "self.mount-host-root=FAIL self.mount-sensitive=FAIL self.runtime-socket=FAIL self.privileged=PASS" "$out"
	out=$(self_scan docker_run_test selfpid --rm -v "$static:/dcea:ro" --pid host \
		"$DCEA_IMAGE" | results_of self.host-pid)
	check_eq scan-self-docker-pid-host "self.host-pid=FAIL" "$out"
}

# podman: live containers give the findings of the committed fixtures (tests/unit pins those)
podman_checks() {
	local fx=$DCEA_ROOT/tests/fixtures/scanners psock=/run/podman/podman.sock svc='' name want got
	local static=${DCEA_STATIC:-$OUTPUT/dcea-static} out t0 ms re rc
	local -A args=(
		[default]=""
		[privileged]="--privileged"
		[cap-sys-admin]="--cap-add SYS_ADMIN"
		[pid-host]="--pid host"
		[host-root]="-v /:/host"
		[podman-sock]="-v $psock:$psock"
		[seccomp-unconfined]="--security-opt seccomp=unconfined --security-opt apparmor=unconfined"
		[hardened]="--cap-drop ALL --security-opt no-new-privileges --user 1000:1000 --read-only --cgroupns private"
	)

	if ! podman_up || ! podman_image; then
		skip_prereq scan-podman "podman unavailable: $DCEA_PODMAN_ERR"
		return
	fi
	# the libpod API service, only if nobody runs one: --running must find podman's containers
	# through it, and without it through runc's state
	if [ ! -S "$psock" ]; then
		mkdir -p /run/podman
		start_bg svc podman system service --time 0 "unix://$psock"
		cleanup_add rm -f "$psock"
		wait_until 10 test -S "$psock" || { skip scan-podman "podman system service did not start"; return; }
	fi
	for f in "${!args[@]}"; do
		# shellcheck disable=SC2086
		podman_test run "pm-$f" -d ${args[$f]} "$DCEA_PODMAN_IMAGE" sleep 120 >/dev/null ||
			{ fail "scan-podman-$f" "podman run ${args[$f]} failed"; continue; }
		name=$(podman_name "pm-$f")
		want=$("$DCEA" scan config "$fx/podman-inspect-$f.json" --json | findings)
		got=$(podman inspect "$name" | "$DCEA" scan config - --json | findings)
		check_eq "scan-podman-inspect-$f" "$want" "$got"
		want=$("$DCEA" scan config "$fx/oci-podman-$f.json" --json | findings)
		got=$("$DCEA" scan config "$(podman inspect -f '{{.StaticDir}}' "$name")/config.json" \
			--json | findings)
		check_eq "scan-podman-oci-$f" "$want" "$got"
		[ -n "$want" ] || fail "scan-podman-fixture-$f" "no findings at all for the fixture"
	done
	# a real podman inspect cut short, and a wrong type in it: exit 2, the position named
	name=$(podman_name pm-privileged)
	rc=0
	out=$(podman inspect "$name" | head -c 2000 | "$DCEA" scan config - 2>&1) || rc=$?
	check_eq scan-podman-truncated-exit 2 "$rc"
	if grep -Eq '^dcea: error: <stdin>:[0-9]+:[0-9]+: invalid JSON: unexpected end of data$' <<<"$out"
	then pass scan-podman-truncated-message; else fail scan-podman-truncated-message "$out"; fi
	rc=0
	out=$(podman inspect "$name" | sed 's/"Privileged": true/"Privileged": "true"/' |
		"$DCEA" scan config - 2>&1) || rc=$?
	check_eq scan-podman-wrong-type-exit 2 "$rc"
	if grep -Eq "^dcea: error: <stdin>:[0-9]+:[0-9]+: '\[0\]\.HostConfig\.Privileged' must be a boolean, not string$" <<<"$out"
	then pass scan-podman-wrong-type-message; else fail scan-podman-wrong-type-message "$out"; fi
	re="^container dcea-test-pm-[a-z-]+-$$ \\("
	t0=$(date +%s%N)
	out=$("$DCEA" scan config --running --json) || true
	ms=$((($(date +%s%N) - t0) / 1000000))
	printf 'scan config --running with the podman API: %d ms\n' "$ms"
	if [ -n "$svc" ]; then
		check_eq scan-podman-running-api 8 "$(targets_with "$re" <<<"$out")"
		_dcea_kill_pid "$svc"
		rm -f "$psock"
	else
		skip scan-podman-running-api "a podman service of someone else's answers on $psock"
	fi
	out=$("$DCEA" scan config --running --json) || true
	check_eq scan-podman-running-state 8 "$(targets_with "$re" <<<"$out")"
	name=$(podman_name pm-privileged)
	check_eq scan-podman-running-state-privileged FAIL \
		"$(grep "container $name " <<<"$out" | result_of config.privileged)"
	out=$("$DCEA" scan --json) || true
	check_eq scan-all-finds-podman FAIL \
		"$(grep "container $name " <<<"$out" | result_of config.privileged)"

	[ -x "$static" ] || { skip scan-self-podman "'$static' not built (make static)"; return; }
	out=$(self_scan podman_test run selfpriv --rm -v "$static:/dcea:ro" --privileged \
		"$DCEA_PODMAN_IMAGE" | results_of self.privileged self.seccomp self.devices)
	check_eq scan-self-podman-privileged "self.privileged=FAIL self.seccomp=FAIL self.devices=FAIL" "$out"
	out=$(self_scan podman_test run selfhard --rm -v "$static:/dcea:ro" --cap-drop ALL \
		--security-opt no-new-privileges --user 1000:1000 "$DCEA_PODMAN_IMAGE" |
		results_of self.privileged self.seccomp self.devices self.no-new-privileges)
	check_eq scan-self-podman-hardened "self.privileged=PASS self.seccomp=PASS self.devices=PASS self.no-new-privileges=PASS" "$out"
}

kernel_checks
config_checks
self_checks
podman_checks
