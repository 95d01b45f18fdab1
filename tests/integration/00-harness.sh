#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Self-test of the test harness: the runner's counting, then (root) our dockerd, the test image,
# container isolation, the dcea-runc wrapper for --privileged, and scoped cleanup.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"

# --- tests/run.sh counts what it runs (no root needed) -------------------------------------------

selftest_runner() {
	local d=$DCEA_TMP/runner out last rc=0
	mkdir -p "$d/unit" "$d/integ"
	# Fake cmocka binaries: 2 passed + 1 skipped; 1 passed + 1 failed; one that dies mid-group.
	printf '%s\n' '#!/bin/sh' \
		"printf '[==========] Running 3 test(s).\\n[ RUN      ] a\\n[       OK ] a\\n[==========] 3 test(s) run.\\n'" \
		"printf '[  PASSED  ] 2 test(s).\\n[  SKIPPED ] 1 test(s), listed below:\\n[  SKIPPED ] c\\n\\n 1 SKIPPED TEST(S)\\n' >&2" \
		>"$d/unit/ok"
	printf '%s\n' '#!/bin/sh' \
		"printf '[==========] Running 2 test(s).\\n[==========] 2 test(s) run.\\n'" \
		"printf '[  PASSED  ] 1 test(s).\\n[  FAILED  ] 1 test(s), listed below:\\n[  FAILED  ] b\\n\\n 1 FAILED TEST(S)\\n' >&2" \
		'exit 1' >"$d/unit/fails"
	printf '%s\n' '#!/bin/sh' \
		"printf '[==========] Running 2 test(s).\\n[ RUN      ] x\\n[       OK ] x\\n[ RUN      ] y\\n'" \
		'kill -SEGV $$' >"$d/unit/crash"
	# Fake integration scripts: 1 PASS + 1 SKIP; 1 FAIL; exit 3 without FAIL.
	printf '%s\n' 'echo "PASS p1"' 'echo noise' 'echo "SKIP s1: reason"' >"$d/integ/10-a.sh"
	printf '%s\n' 'echo "FAIL f1: why"; exit 1' >"$d/integ/20-b.sh"
	printf '%s\n' 'echo "PASS p2"' 'exit 3' >"$d/integ/30-c.sh"
	chmod +x "$d/unit/"*
	out=$(OUTPUT=$d/out DCEA_INTEGRATION_DIR=$d/integ DCEA_KEEP_DOCKERD=1 DCEA_TEST_FILTER='' \
		"$DCEA_TESTS_DIR/run.sh" "$d/unit/ok" "$d/unit/fails" "$d/unit/crash" 2>&1) || rc=$?
	last=$(printf '%s\n' "$out" | tail -n 1)
	# unit: 2+1+1 passed, 1+1 failed (b, crash), 1 skipped; integ: 2 passed, 2 failed, 1 skipped
	check_eq runner-summary "6 passed, 4 failed, 2 skipped" "$last"
	check_eq runner-exit-code 1 "$rc"
	if printf '%s\n' "$out" | grep -q "crash: crashed (SIGSEGV) in test 'y'" &&
		printf '%s\n' "$out" | grep -q '30-c.sh: exited 3 without a FAIL line'; then
		pass runner-names-crashes
	else
		fail runner-names-crashes "crash or bad exit not reported: $(printf '%s\n' "$out" | grep FAIL)"
	fi
	out=$(OUTPUT=$d/out DCEA_UNIT_ONLY=1 "$DCEA_TESTS_DIR/run.sh" "$d/unit/ok" 2>&1) || rc=$?
	check_eq runner-all-passed "2 passed, 0 failed, 1 skipped" "$(printf '%s\n' "$out" | tail -n 1)"
	# SANITIZE=1: a report written by a background process whose script passed still fails the run.
	if command -v gcc >/dev/null && printf 'int main(void){int a[2];volatile int i=2;return a[i];}\n' |
		gcc -x c -fsanitize=address -o "$d/overflow" - 2>/dev/null; then
		mkdir -p "$d/san"
		printf '%s\n' "($d/overflow &)" 'sleep 1' 'echo "PASS p3"' >"$d/san/10-d.sh"
		rc=0
		out=$(OUTPUT=$d/out-san SANITIZE=1 DCEA_INTEGRATION_DIR=$d/san DCEA_KEEP_DOCKERD=1 \
			DCEA_TEST_FILTER='' "$DCEA_TESTS_DIR/run.sh" 2>&1) || rc=$?
		if [ "$rc" = 1 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = "1 passed, 1 failed, 0 skipped" ] &&
			printf '%s\n' "$out" | grep -q 'sanitizer report .*stack-buffer-overflow'; then
			pass runner-sanitizer-report
		else
			fail runner-sanitizer-report "rc $rc: $out"
		fi
	else
		skip runner-sanitizer-report "gcc cannot build an ASan program here"
	fi
	# A script that hangs: killed at DCEA_TEST_TIMEOUT, one failure, and the runner shows where
	# it was (CI shows only the runner's output) and goes on with the next script.
	mkdir -p "$d/hang"
	printf '%s\n' 'echo "PASS h1"' 'echo "waiting for the thing that never comes"' 'sleep 60' >"$d/hang/10-hang.sh"
	printf '%s\n' 'echo "PASS h2"' >"$d/hang/20-next.sh"
	rc=0
	out=$(OUTPUT=$d/out-hang DCEA_TEST_TIMEOUT=2 DCEA_INTEGRATION_DIR=$d/hang DCEA_KEEP_DOCKERD=1 \
		DCEA_TEST_FILTER='' "$DCEA_TESTS_DIR/run.sh" 2>&1) || rc=$?
	if [ "$rc" = 1 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = "2 passed, 1 failed, 0 skipped" ] &&
		printf '%s\n' "$out" | grep -q '10-hang.sh: timed out after 2s' &&
		printf '%s\n' "$out" | grep -qx '  | waiting for the thing that never comes'; then
		pass runner-timeout-shows-where
	else
		fail runner-timeout-shows-where "rc $rc: $out"
	fi
	# The run's deadline: a script that would run past it is cut short at it, the next is not run,
	# and the summary line still comes.
	rc=0
	out=$(OUTPUT=$d/out-deadline DCEA_TEST_DEADLINE=$(($(date +%s) + 4)) DCEA_TEST_MIN_LEFT=2 \
		DCEA_TEST_TIMEOUT=600 DCEA_INTEGRATION_DIR=$d/hang DCEA_KEEP_DOCKERD=1 DCEA_TEST_FILTER='' \
		"$DCEA_TESTS_DIR/run.sh" 2>&1) || rc=$?
	if [ "$rc" = 1 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = "1 passed, 2 failed, 0 skipped" ] &&
		printf '%s\n' "$out" | grep -qE '10-hang.sh: timed out after [2-4]s' &&
		printf '%s\n' "$out" | grep -q "20-next.sh: not run: the run's deadline"; then
		pass runner-deadline
	else
		fail runner-deadline "rc $rc: $out"
	fi
	# Skips counted by reason (digits made N) and held against a budget: one reason over its
	# count and one not listed are loud lines, and failures under DCEA_CI=1.
	mkdir -p "$d/skips"
	printf '%s\n' 'echo "PASS k1"' 'echo "SKIP k2: no widget 12"' 'echo "SKIP k3: no widget 7"' \
		'echo "SKIP k4: brand new"' >"$d/skips/10-s.sh"
	printf '# MAX\tscript\treason\n1\t10-s.sh\tno widget N\n' >"$d/budget.tsv"
	rc=0
	out=$(OUTPUT=$d/out-skips DCEA_CI=0 DCEA_SKIP_BUDGET=$d/budget.tsv DCEA_INTEGRATION_DIR=$d/skips \
		DCEA_KEEP_DOCKERD=1 DCEA_TEST_FILTER='' "$DCEA_TESTS_DIR/run.sh" 2>&1) || rc=$?
	if [ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = "1 passed, 0 failed, 3 skipped" ] &&
		printf '%s\n' "$out" | grep -qx '  2  10-s.sh: no widget N' &&
		[ "$(printf '%s\n' "$out" | grep -c '^SKIP BUDGET EXCEEDED')" = 2 ]; then
		pass runner-skip-reasons
	else
		fail runner-skip-reasons "rc $rc: $out"
	fi
	rc=0
	out=$(OUTPUT=$d/out-skips DCEA_CI=1 DCEA_SKIP_BUDGET=$d/budget.tsv DCEA_INTEGRATION_DIR=$d/skips \
		DCEA_KEEP_DOCKERD=1 DCEA_TEST_FILTER='' "$DCEA_TESTS_DIR/run.sh" 2>&1) || rc=$?
	if [ "$rc" = 1 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = "1 passed, 2 failed, 3 skipped" ] &&
		printf '%s\n' "$out" | grep -q 'skip budget .*2 skips of 10-s.sh, the budget allows 1' &&
		printf '%s\n' "$out" | grep -q 'skip budget .*1 new skip(s) of 10-s.sh, not in the budget: brand new'; then
		pass runner-skip-budget-ci
	else
		fail runner-skip-budget-ci "rc $rc: $out"
	fi
}
selftest_runner

# --- the vmtest result reader (tests/lib/vmtest.sh) -----------------------------------------------
# A retried boot is one row, judged on its retry; a first try whose kernel crashed fails it. CI
# once counted run.sh's "retrying" line as a failed boot of its own.
selftest_vmtest_rows() {
	local log=$DCEA_TMP/vmtest-rows.log rows out
	cat >"$log" <<-'LOG'
		vmtest: retry of trixie 6.12.117-1 (bpf): try 1 no status line; console tail:
		    [   41.2] some console line
		vmtest: trixie 6.12.117-1 (bpf): lsm=lockdown,bpf rc=0 87.0s (retried: try 1 no status line)
		vmtest:     DCEA-RESULT backend=lsm deny=15 kill=11 detect=0 unavailable=0 passed=187 failed=0 skipped=2
		vmtest: retry of sid 7.2.13-1 (nobpf): try 1 no status line, kernel crashed: Kernel panic - not syncing: Attempted to kill init!; console tail:
		    Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009
		vmtest: sid 7.2.13-1 (nobpf): lsm=lockdown rc=0 96.0s (retried: try 1 no status line, try 1 kernel crashed: Kernel panic)
		vmtest:     DCEA-RESULT backend=fallback deny=4 kill=22 detect=0 unavailable=0 passed=175 failed=0 skipped=6
	LOG
	. "$DCEA_TESTS_DIR/lib/vmtest.sh"
	rows=$(vmtest_rows "$log" rows 0)
	check_eq vmtest-rows-retry-not-a-row 2 "$(grep -c . <<<"$rows")"
	out=$(while IFS= read -r row; do vmtest_judge "$row" "$log" t; done <<<"$rows")
	check_eq vmtest-retry-judged-on-retry "PASS t-trixie-bpf" "$(grep trixie <<<"$out")"
	if grep -q '^FAIL t-sid-nobpf: .*kernel crashed.*| *Kernel panic - not syncing: Attempted to kill init' <<<"$out"; then
		pass vmtest-crash-on-try1-fails
	else
		fail vmtest-crash-on-try1-fails "a first try with a kernel panic passed: $out"
	fi
}
selftest_vmtest_rows

# --- docker --------------------------------------------------------------------------------------

DOCKER_CHECKS=(docker-up no-bridge image echo network-none cgroup-v2-path runc-plain
	privileged-caps privileged-exec network-refused image-extra cleanup shared-network dockerd-wedged-restarted)
need_docker "${DOCKER_CHECKS[@]}"
pass docker-up

# The daemon must be ours (no bridge): a docker0 link means a default dockerd ran here.
if ip link show docker0 >/dev/null 2>&1; then
	fail no-bridge "a docker0 interface exists"
elif [ "$(docker network inspect -f '{{.Driver}}' bridge 2>/dev/null)" = bridge ] &&
	[ -n "$(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' bridge 2>/dev/null)" ]; then
	fail no-bridge "the daemon has a default bridge network with a subnet"
else
	pass no-bridge
fi

if ! docker_image; then
	fail image "$DCEA_DOCKER_ERR"
	skip_all "no test image" echo network-none cgroup-v2-path runc-plain privileged-caps \
		privileged-exec network-refused image-extra cleanup shared-network dockerd-wedged-restarted
fi
pass image

out=$(docker_run_test echo --rm "$DCEA_IMAGE" echo hello 2>&1)
check_eq echo hello "$out"

# Only the loopback interface inside.
out=$(docker_run_test netnone --rm "$DCEA_IMAGE" sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "' 2>&1)
check_eq network-none lo "$out"

# A long-running container: its cgroup v2 path is /docker/<id>, its cgroup differs from the host's.
check_cgroup() {
	local id pid cg dir
	id=$(docker_run_test long -d "$DCEA_IMAGE" sleep 60) || { fail cgroup-v2-path "docker run failed: $id"; return; }
	pid=$(docker inspect -f '{{.State.Pid}}' "$id")
	cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	dir=/sys/fs/cgroup/unified/docker/$id
	if [ "$cg" != "/docker/$id" ]; then
		fail cgroup-v2-path "pid $pid is in '$cg', want /docker/$id"
	elif ! [ -d "$dir" ] || [ "$(stat -c %i "$dir")" = 1 ]; then
		fail cgroup-v2-path "'$dir' missing or has the root cgroup's id"
	elif [ "$(readlink "/proc/$pid/ns/mnt")" = "$(readlink /proc/self/ns/mnt)" ]; then
		fail cgroup-v2-path "container shares our mount namespace"
	else
		pass cgroup-v2-path
	fi
}
check_cgroup

out=$(docker_run_test plain --rm --runtime runc "$DCEA_IMAGE" true 2>&1)
check_eq runc-plain "" "$out"

# --privileged through dcea-runc: every capability docker grants that our bounding set has, and none
# it lacks. docker 20.10 knows capabilities 0..37 only (not PERFMON, BPF, CHECKPOINT_RESTORE).
host_bnd=$((0x$(sed -n 's/^CapBnd:\t//p' /proc/self/status)))
want=$((host_bnd & ((1 << 38) - 1)))
caps_ok() { # NAME STATUS-TEXT
	local eff bnd
	eff=$(printf '%s\n' "$2" | sed -n 's/^CapEff:\t//p')
	bnd=$(printf '%s\n' "$2" | sed -n 's/^CapBnd:\t//p')
	if [ -z "$eff" ]; then
		fail "$1" "no CapEff: $2"
	elif [ $((0x$eff)) -eq 0 ] || [ $((0x$eff & want)) -ne "$want" ]; then
		fail "$1" "CapEff $eff lacks some of $(printf '%016x' "$want")"
	elif [ $((0x$eff & ~host_bnd)) -ne 0 ] || [ $((0x$bnd & ~host_bnd)) -ne 0 ]; then
		fail "$1" "CapEff $eff or CapBnd $bnd exceeds the host bounding set"
	else
		pass "$1"
	fi
}
out=$(docker_run_test priv --rm --privileged "$DCEA_IMAGE" cat /proc/self/status 2>&1)
caps_ok privileged-caps "$out"

if id=$(docker_run_test privlong -d --privileged "$DCEA_IMAGE" sleep 60 2>&1); then
	caps_ok privileged-exec "$(docker exec "$id" cat /proc/self/status 2>&1)"
else
	fail privileged-exec "docker run failed: $id"
fi

# docker_run_test never gives a container a network.
if out=$(docker_run_test nethost --rm --network host "$DCEA_IMAGE" true 2>&1); then
	fail network-refused "a --network host container ran"
elif docker ps -a --format '{{.Names}}' | grep -qx "$(docker_name nethost)"; then
	fail network-refused "a container was created"
else
	pass network-refused
fi

# Files of DCEA_IMAGE_EXTRA_DIR land in /usr/local/bin, in an image of their own.
check_extra() {
	local main=$DCEA_IMAGE extra=$DCEA_TMP/extra
	mkdir -p "$extra"
	printf '#!/bin/sh\necho extra-%s\n' "$$" >"$extra/dcea-harness-helper"
	chmod 755 "$extra/dcea-harness-helper"
	if ! DCEA_IMAGE_EXTRA_DIR=$extra docker_image; then
		fail image-extra "$DCEA_DOCKER_ERR"
		return
	fi
	cleanup_add docker rmi "$DCEA_IMAGE"
	if [ "$DCEA_IMAGE" = "$main" ]; then
		fail image-extra "same image tag '$main' with and without extra files"
	else
		check_eq image-extra "extra-$$" \
			"$(docker_run_test extra --rm "$DCEA_IMAGE" dcea-harness-helper 2>&1)"
	fi
	DCEA_IMAGE=$main
}
check_extra

# docker_cleanup removes this script's containers and nothing else.
check_cleanup() {
	local other=dcea-harness-bystander-$$ left
	docker create --network none --name "$other" "$DCEA_IMAGE" true >/dev/null ||
		{ fail cleanup "cannot create a bystander container"; return; }
	cleanup_add docker rm -f "$other"
	docker_cleanup
	left=$(docker ps -aq --filter "label=dcea.test.id=$DCEA_TEST_ID")
	if [ -n "$left" ]; then
		fail cleanup "containers left: $left"
	elif ! docker inspect "$other" >/dev/null 2>&1; then
		fail cleanup "a container without our label was removed"
	else
		pass cleanup
	fi
}
check_cleanup

# --network container:ID (22-churn starts its containers so): the anchor's network namespace
check_shared_net() {
	local a ns mine
	a=$(docker_run_test anchor -d "$DCEA_IMAGE" sleep 60) || { fail shared-network "docker run failed: $a"; return; }
	ns=$(readlink "/proc/$(docker inspect -f '{{.State.Pid}}' "$a")/ns/net")
	mine=$(docker_run_test shared --rm --network "container:$a" "$DCEA_IMAGE" readlink /proc/self/ns/net 2>/dev/null)
	check_eq shared-network "$ns" "$mine"
	docker rm -f "$a" >/dev/null 2>&1
}
check_shared_net

# A harness dockerd that stops answering (here: SIGSTOP) is restarted by the next docker_up, so that
# one script's wedge does not hang every later script. Only with nobody else's containers.
check_wedged() {
	local pid new
	docker rm -f "dcea-harness-bystander-$$" >/dev/null 2>&1
	docker_restartable || { skip dockerd-wedged-restarted "$DCEA_DOCKER_ERR"; return; }
	pid=$DCEA_DOCKERD_PID
	kill -STOP "$pid"
	if DCEA_DOCKER_READY_TIMEOUT=3 _docker_ready; then
		kill -CONT "$pid"
		fail dockerd-wedged-restarted "a stopped dockerd still answered"
		return
	fi
	DCEA_DOCKER_READY_TIMEOUT=3 docker_up 2>"$DCEA_TMP/wedged.err"
	new=$(cat "$DCEA_TEST_STATE/dockerd.pid" 2>/dev/null)
	if [ -d "/proc/$pid" ]; then
		kill -CONT "$pid"
		fail dockerd-wedged-restarted "the stopped dockerd (pid $pid) is still there: $(tail -n 1 "$DCEA_TMP/wedged.err")"
	elif ! _docker_ready || [ -z "$new" ] || [ "$new" = "$pid" ]; then
		fail dockerd-wedged-restarted "docker does not answer after the restart: $DCEA_DOCKER_ERR"
	elif ! grep -q "did not answer in 3 s: restarting it" "$DCEA_TMP/wedged.err"; then
		fail dockerd-wedged-restarted "restarted without saying so: $(cat "$DCEA_TMP/wedged.err")"
	else
		check_eq dockerd-wedged-restarted hello "$(docker_run_test wedged --rm "$DCEA_IMAGE" echo hello 2>&1)"
	fi
}
check_wedged
