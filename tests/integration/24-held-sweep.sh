#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A host directory a container task held before dcea loaded (issue 14). The receipt and exec
# programs judge a descriptor when it arrives; one that arrived while no dcea ran, or by a route no
# program sees, is found by namespace trust's 500 ms sweep (iter/task sweep_held): a container task
# in its container's mount namespace holding a directory on a mount outside it is an escape
# (ns_escape, fd_outside). Here a task of a default container takes a host directory's fd from a
# leaky host agent and keeps it, all before `dcea run`:
#   held-sweep-block-killed / -alert   block mode: killed within 3 s, an ns_escape kill alert
#   held-sweep-audit-alive / -alert    audit mode: alive, one ns_escape alert (reported once)
#   held-sweep-benign                  a container task holding its own directories: nothing
# What this host's kernel must do is the tests' own: ns_escape kills on every backend
# (tests/expect/effects.tsv); the test reads that, not dcea's status.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

CHECKS=(held-sweep-block-killed held-sweep-block-alert held-sweep-audit-alive held-sweep-audit-alert
	held-sweep-benign)
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
[ "$(dcea_expected host ns_escape)" = kill ] ||
	skip_all "ns_escape is expected '$(dcea_expected host ns_escape)' here (tests/expect/effects.tsv), not kill" "${CHECKS[@]}"
# where the LSM backend owns proc_host_access (deny), its hooks judge the directory's uses and the
# sweep leaves the holder alone (the kernel matrix's held_sweep checks that on the LSM boots)
[ "$(dcea_expected host proc_host_access)" = kill ] ||
	skip_all "proc_host_access is expected '$(dcea_expected host proc_host_access)' here (tests/expect/effects.tsv): the LSM hooks judge the uses" "${CHECKS[@]}"

# A leaky host agent handing out an fd of HT (as in 13-routes.sh), its socket in the container
HT=$DCEA_TMP/host-dir
mkdir -p "$HT" "$DCEA_TMP/agent"
dcea_helper || fail_all "cannot build the escape helper tests/helpers/escape.c" "${CHECKS[@]}"
start_bg agent_pid "$DCEA_ESCAPE" fdserve "$DCEA_TMP/agent/agent.sock" "$HT"
wait_until 5 test -S "$DCEA_TMP/agent/agent.sock" || fail_all "the leaky agent did not start" "${CHECKS[@]}"
ct=$(dcea_escape_ct held -v "$DCEA_TMP/agent:/agent")

# holder VAR: a task of the container (docker exec: its namespaces, capabilities and cgroup) that
# takes an fd of HT from the agent and keeps it, started while no dcea runs; its host pid in VAR
holder() {
	local -n _pid=$1
	local p
	docker exec -d "$ct" dcea-escape route leaked-fd /agent/agent.sock hold x ||
		fail_all "docker exec of the holder failed" "${CHECKS[@]}"
	_pid=
	for _ in $(seq 50); do
		for p in $(pgrep -f 'dcea-escape route leaked-fd /agent/agent.sock hold'); do
			find "/proc/$p/fd" -lname "$HT" 2>/dev/null | grep -q . || continue
			kill -0 "$p" 2>/dev/null && [ "$p" != "${hb:-}" ] && _pid=$p
		done
		[ -n "$_pid" ] && break
		sleep 0.1
	done
	[ -n "$_pid" ] || fail_all "the holder did not take the fd" "${CHECKS[@]}"
}

alert_of() { # PID ACTION: the ns_escape alert of PID, if any within 5 s
	dcea_wait_alert ns_escape ".pid == $1 and .action == \"$2\"" 5
}

holder hb
dcea_start --mode block || fail_all "$DCEA_ERR" "${CHECKS[@]}"
dcea_mark
if wait_until 3 bash -c "! kill -0 $hb 2>/dev/null"; then
	pass held-sweep-block-killed
else
	fail held-sweep-block-killed "the holder (pid $hb) still runs 3 s after dcea run in block mode"
fi
a=$(alert_of "$hb" kill)
dcea_expect_alert held-sweep-block-alert "$a" '.details.fd_outside == true' \
	".container.id == \"$ct\"" '.details.cwd_outside == false'
dcea_stop

holder ha
dcea_start --mode audit || fail_all "$DCEA_ERR" "${CHECKS[@]:2}"
dcea_mark
a=$(alert_of "$ha" alert)
sleep 1.5 # three more sweeps: still one alert
if kill -0 "$ha" 2>/dev/null; then
	pass held-sweep-audit-alive
else
	fail held-sweep-audit-alive "audit mode killed the holder (pid $ha)"
fi
n=$(dcea_count_alerts ".rule == \"ns_escape\" and .pid == $ha")
if [ "$n" = 1 ]; then
	dcea_expect_alert held-sweep-audit-alert "$a" '.details.fd_outside == true'
else
	fail held-sweep-audit-alert "$n ns_escape alerts for the holder, want 1: $a"
fi
kill "$ha" 2>/dev/null

# a container task holding directories of its own mount namespace (its root, /etc): nothing
dcea_mark
docker exec -d "$ct" sh -c 'exec 7</etc 8</ && exec sleep 30'
sleep 1.5
n=$(dcea_count_alerts ".container.id == \"$ct\"")
if [ "$n" = 0 ]; then
	pass held-sweep-benign
else
	fail held-sweep-benign "$n alerts: $(dcea_alerts_since_mark | jq -c 'select(.type == "alert") | [.rule, .comm, .details]' | tr '\n' ' ')"
fi
