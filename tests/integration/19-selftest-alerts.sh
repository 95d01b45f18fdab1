#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Alerts that arrive while dcea's self-test runs reach the output like any other. A container
# that starts during the self-test is tracked from its entrypoint's exec, and its alerts are
# drained while the canaries run; the outputs used to be opened only after the self-test, so
# those alerts went to stderr, as text, dated 1970 (no clock offset yet).
# Containers started by docker take about a second each and hit the self-test's second or so
# only by luck, so the containers here are vmtest's runc-like `ctr` (unshare, pivot_root, exec:
# what tells dcea an entrypoint starts) run in three loops on the host, each container in a
# cgroup of its own under the test's, each reading /etc/shadow (cred_file_access, alert-only in
# the default policy) while `dcea run --json -o FILE` loads. The self-test takes a tenth of a
# second or two here; one container after another in one shared cgroup gave it one alert at most
# (the rest were repeats, summed and written after the load), often none. The alerts whose kernel time precedes the end of the
# self-test must be in FILE, with a real time, and none may be on stderr.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

CHECKS=(selftest-window-alerts-in-output selftest-window-alert-time selftest-window-no-stderr
	selftest-stale-cgroup-removed)
need_dcea "${CHECKS[@]}"
need_root "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
need_cmd cc "${CHECKS[@]}"
[ -x /bin/busybox ] || skip_all "/bin/busybox missing (busybox-static)" "${CHECKS[@]}"
cg_root=/sys/fs/cgroup/unified
[ -e "$cg_root/cgroup.procs" ] || cg_root=/sys/fs/cgroup
[ -e "$cg_root/cgroup.subtree_control" ] || skip_all "no cgroup v2 hierarchy" "${CHECKS[@]}"

ctr=$DCEA_TMP/ctr
cc -O2 -D_GNU_SOURCE -o "$ctr" "$DCEA_ROOT/vmtest/guest/ctr.c" 2>"$DCEA_TMP/cc.log" ||
	fail_all "building ctr failed: $(head -c 300 "$DCEA_TMP/cc.log")" "${CHECKS[@]}"
rootfs=$DCEA_TMP/rootfs
_docker_rootfs "$rootfs" "" || fail_all "making a busybox rootfs failed" "${CHECKS[@]}"
cg=$cg_root/dcea-test-19-$$
# the last containers' cgroups too (a churner killed mid-run leaves one, empty within a second)
rm_cgroups() {
	local i
	for ((i = 0; i < 20; i++)); do
		rmdir "$cg"/c* 2>/dev/null
		rmdir "$cg" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
cleanup_add rm_cgroups

# churn ID: one short container after the other, each in a cgroup of its own under $cg (a
# container of its own to dcea, as docker's are: repeats of one container's alert within 500 ms
# are summed into one record written later, so containers sharing a cgroup would give the
# self-test's window one alert delivered at once at most), each reading /etc/shadow twice in a
# twentieth of a second; each run's exit status is counted in $DCEA_TMP/ctr-ok and ctr-failed
churn() {
	local id=$1 n=0 dir
	while :; do
		n=$((n + 1))
		dir=$cg/c$id-$n
		mkdir -p "$dir"
		if "$ctr" -n t19 -c "$dir" "$rootfs" sh -c \
			'cat /etc/shadow >/dev/null; usleep 50000; cat /etc/shadow >/dev/null' \
			</dev/null >/dev/null 2>"$DCEA_TMP/ctr.err"; then
			echo >>"$DCEA_TMP/ctr-ok"
		else
			echo >>"$DCEA_TMP/ctr-failed"
		fi
		rmdir "$dir" 2>/dev/null
		sleep 0.02
	done
}

# The self-test's window, in boot-time seconds: the self-test runs its canaries in a cgroup of
# its own, $cg_root/dcea-canary-<loader pid>, made at its start and removed at its end (twice on
# a kernel with BPF LSM: the fallback's rules are tested again). The watcher looks every 5 ms
# and writes the first appearance to $st_from and the last removal to $done_at once the loader
# says how many containers it adopts (right after the self-test).
st_from=$DCEA_TMP/selftest-from
done_at=$DCEA_TMP/selftest-done-at
watch_canary() {
	local seen=0 now last_gone= d old=" "
	# a cgroup left by a loader killed in its self-test is not this one's
	for d in "$cg_root"/dcea-canary-*; do old+="$d "; done
	while :; do
		now=$(cut -d' ' -f1 /proc/uptime)
		for d in "$cg_root"/dcea-canary-*; do
			[ -e "$d" ] && [[ "$old" != *" $d "* ]] && break
			d=
		done
		if [ -n "$d" ]; then
			[ "$seen" = 1 ] || [ -s "$st_from" ] || echo "$now" >"$st_from"
			seen=1
		elif [ "$seen" = 1 ]; then
			seen=0
			last_gone=$now
		fi
		if [ -n "$last_gone" ] && [ "$seen" = 0 ] &&
			grep -q 'running container(s)' "$DCEA_RUN_LOG" 2>/dev/null; then
			echo "$last_gone" >"$done_at"
			return 0
		fi
		sleep 0.005
	done
}

# attempt: one load of dcea with the containers running. Sets early (the alerts of the
# self-test's window in the output), n_early and n_all, and adds the alerts found on stderr to
# n_err. The containers hit the self-test's second or so most of the time, not always (a machine
# busy verifying the programs starts fewer of them): up to 4 loads, each judged the same way.
n_err=0
err_example=
attempt() {
	local start_at limit_ns n i
	local -a churner=()
	: >"$DCEA_ALERTS"
	rm -f "$st_from" "$done_at" "$DCEA_TMP/ctr-ok" "$DCEA_TMP/ctr-failed" "$DCEA_TMP/ctr.err"
	: >"$DCEA_RUN_LOG"
	for i in 0 1 2; do
		start_bg "churner[$i]" churn "$i"
	done
	start_bg watcher watch_canary
	start_at=$(cut -d' ' -f1 /proc/uptime)
	dcea_start || fail_all "$DCEA_ERR" "${CHECKS[@]}"
	wait_until 5 test -s "$done_at" || fail_all "no self-test seen (cgroup $cg_root/dcea-canary-*) before the 'running container(s)' line of the run log" "${CHECKS[@]}"
	sleep 1
	for i in 0 1 2; do
		_dcea_kill_pid "${churner[$i]}"
	done
	_dcea_kill_pid "$watcher"
	dcea_stop
	sed 's/^/run log: /' "$DCEA_RUN_LOG" >&2
	cat "$DCEA_RUN_LOG" >>"$DCEA_TMP/all-run-logs"
	printf 'dcea started at %s s after boot, self-test from %s to %s s; ctr runs: %d ok, %d failed %s\n' \
		"$start_at" "$(cat "$st_from" 2>/dev/null)" "$(cat "$done_at")" "$(cat "$DCEA_TMP/ctr-ok" 2>/dev/null | wc -l)" \
		"$(cat "$DCEA_TMP/ctr-failed" 2>/dev/null | wc -l)" \
		"$(head -c 200 "$DCEA_TMP/ctr.err" 2>/dev/null)" >&2

	# event_id is "<boot-time ns>-<tid>"; 0.05 s of margin for the self-test's last drain. Only
	# alerts delivered at once count: a flushed aggregate of the window's repeats is written
	# after the load.
	limit_ns=$(awk '{ printf "%.0f", ($1 - 0.05) * 1e9 }' "$done_at")
	early=$(jq -c --argjson lim "$limit_ns" \
		'select(.rule == "cred_file_access" and .aggregated == null and ((.event_id | split("-")[0] | tonumber) < $lim))' \
		"$DCEA_ALERTS" 2>/dev/null)
	n_early=$(printf '%s' "$early" | grep -c . || true)
	n_all=$(jq -c 'select(.rule == "cred_file_access")' "$DCEA_ALERTS" 2>/dev/null | grep -c . || true)
	jq -r --argjson st "$start_at" 'select(.rule == "cred_file_access") |
		"alert at \(((.event_id | split("-")[0] | tonumber) / 1e9) - $st | . * 1000 | floor) ms after start: container \(.container.id // .container_id // "?") pid \(.pid // "?") aggregated \(.aggregated.count // 0)"' \
		"$DCEA_ALERTS" 2>/dev/null | head -n 20 >&2
	# stderr (the run log) holds diagnostics only: an alert about /etc/shadow there (JSON or
	# text) was lost to the output
	n=$(grep -ac 'etc/shadow' "$DCEA_RUN_LOG" || true)
	if [ "$n" -gt 0 ]; then
		n_err=$((n_err + n))
		err_example=$(grep -a -m1 'etc/shadow' "$DCEA_RUN_LOG" | head -c 200)
	fi
}

# a loader killed in its self-test leaves its canary cgroup: the next load removes it (an empty
# cgroup named for a process that is gone)
true &
dead=$!
wait "$dead"
stale=$cg_root/dcea-canary-$dead
mkdir "$stale" || fail_all "mkdir '$stale' failed" "${CHECKS[@]}"
cleanup_add rmdir "$stale"

for try in 1 2 3 4; do
	attempt
	echo "load $try: $n_early alert(s) from the self-test's window, $n_all in all" >&2
	[ "$n_early" -gt 0 ] && break
	echo "load $try: no alert from the self-test's window ($n_all after it); again" >&2
done
if [ "$n_early" -gt 0 ]; then
	pass selftest-window-alerts-in-output
else
	fail selftest-window-alerts-in-output \
		"no cred_file_access alert from the self-test's window in the output in $try loads ($n_all after it in the last)"
fi

year=$(date +%Y)
bad_time=$(printf '%s\n' "$early" | jq -r "select(.time | startswith(\"$year\") | not) | .time" 2>/dev/null |
	head -n 1)
if [ "$n_early" -eq 0 ]; then
	fail selftest-window-alert-time "no alert from the self-test's window to judge"
elif [ -n "$bad_time" ]; then
	fail selftest-window-alert-time "an alert from the self-test's window is dated '$bad_time'"
else
	pass selftest-window-alert-time
fi

if [ "$n_err" -eq 0 ]; then
	pass selftest-window-no-stderr
else
	fail selftest-window-no-stderr "$n_err alert(s) went to stderr instead of the output, e.g. $err_example"
fi

if [ -e "$stale" ]; then
	fail selftest-stale-cgroup-removed "'$stale' (pid $dead is gone) is still there after $try load(s)"
elif ! grep -q "removed '.*dcea-canary-$dead'" "$DCEA_TMP/all-run-logs" 2>/dev/null; then
	fail selftest-stale-cgroup-removed "'$stale' is gone but no load said it removed it"
else
	pass selftest-stale-cgroup-removed
fi
