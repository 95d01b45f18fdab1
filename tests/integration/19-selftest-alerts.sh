#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Alerts that arrive while dcea's self-test runs reach the output like any other. A container
# that starts during the self-test is tracked from its entrypoint's exec, and its alerts are
# drained while the canaries run; the outputs used to be opened only after the self-test, so
# those alerts went to stderr, as text, dated 1970 (no clock offset yet).
# Containers started by docker take about a second each and hit the self-test's second or so
# only by luck, so the containers here are vmtest's runc-like `ctr` (unshare, pivot_root, exec:
# what tells dcea an entrypoint starts) run in a loop on the host, in a cgroup of the test's own,
# each reading /etc/shadow (cred_file_access, alert-only in the default policy) while
# `dcea run --json -o FILE` loads. The alerts whose kernel time precedes the end of the
# self-test must be in FILE, with a real time, and none may be on stderr.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

CHECKS=(selftest-window-alerts-in-output selftest-window-alert-time selftest-window-no-stderr)
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
cleanup_add rmdir "$cg"

# churn: one short container after the other, each reading /etc/shadow for a tenth of a second;
# each run's exit status is counted in $DCEA_TMP/ctr-ok and ctr-failed
churn() {
	while :; do
		if "$ctr" -n t19 -c "$cg" "$rootfs" sh -c \
			'cat /etc/shadow >/dev/null; usleep 50000; cat /etc/shadow >/dev/null' \
			</dev/null >/dev/null 2>"$DCEA_TMP/ctr.err"; then
			echo >>"$DCEA_TMP/ctr-ok"
		else
			echo >>"$DCEA_TMP/ctr-failed"
		fi
		sleep 0.02
	done
}

# The boot-time second at which the self-test is over: the loader says how many containers it
# adopts right after it (its log has no clock of its own). Alerts written later (while the loader
# scans for admission, before it streams) came after the self-test.
done_at=$DCEA_TMP/selftest-done-at
watch_log() {
	while ! grep -q 'running container(s)' "$DCEA_RUN_LOG" 2>/dev/null; do sleep 0.02; done
	cut -d' ' -f1 /proc/uptime >"$done_at"
}

# attempt: one load of dcea with the containers running. Sets early (the alerts of the
# self-test's window in the output), n_early and n_all, and adds the alerts found on stderr to
# n_err. The containers hit the self-test's second or so most of the time, not always (a machine
# busy verifying the programs starts fewer of them): up to 4 loads, each judged the same way.
n_err=0
err_example=
attempt() {
	local start_at limit_ns n
	: >"$DCEA_ALERTS"
	rm -f "$done_at" "$DCEA_TMP/ctr-ok" "$DCEA_TMP/ctr-failed" "$DCEA_TMP/ctr.err"
	: >"$DCEA_RUN_LOG"
	start_bg churner churn
	start_bg watcher watch_log
	start_at=$(cut -d' ' -f1 /proc/uptime)
	dcea_start || fail_all "$DCEA_ERR" "${CHECKS[@]}"
	wait_until 5 test -s "$done_at" || fail_all "no 'running container(s)' line in the run log" "${CHECKS[@]}"
	sleep 1
	_dcea_kill_pid "$churner"
	_dcea_kill_pid "$watcher"
	dcea_stop
	sed 's/^/run log: /' "$DCEA_RUN_LOG" >&2
	printf 'dcea started at %s s after boot, self-test done at %s s; ctr runs: %d ok, %d failed %s\n' \
		"$start_at" "$(cat "$done_at")" "$(cat "$DCEA_TMP/ctr-ok" 2>/dev/null | wc -l)" \
		"$(cat "$DCEA_TMP/ctr-failed" 2>/dev/null | wc -l)" \
		"$(head -c 200 "$DCEA_TMP/ctr.err" 2>/dev/null)" >&2

	# event_id is "<boot-time ns>-<tid>"; 0.1 s of margin for the watcher's polling. Only
	# alerts delivered at once count: a flushed aggregate of the window's repeats is written
	# after the load.
	limit_ns=$(awk '{ printf "%.0f", ($1 - 0.1) * 1e9 }' "$done_at")
	early=$(jq -c --argjson lim "$limit_ns" \
		'select(.rule == "cred_file_access" and .aggregated == null and ((.event_id | split("-")[0] | tonumber) < $lim))' \
		"$DCEA_ALERTS" 2>/dev/null)
	n_early=$(printf '%s' "$early" | grep -c . || true)
	n_all=$(jq -c 'select(.rule == "cred_file_access")' "$DCEA_ALERTS" 2>/dev/null | grep -c . || true)
	# stderr (the run log) holds diagnostics only: an alert about /etc/shadow there (JSON or
	# text) was lost to the output
	n=$(grep -ac 'etc/shadow' "$DCEA_RUN_LOG" || true)
	if [ "$n" -gt 0 ]; then
		n_err=$((n_err + n))
		err_example=$(grep -a -m1 'etc/shadow' "$DCEA_RUN_LOG" | head -c 200)
	fi
}

for try in 1 2 3 4; do
	attempt
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
