#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dcea policy suggest (issue 17): a period of audit alerts is recorded (credential reads, shells
# from a non-shell parent, one mount of proc: an escape attempt); the suggested fragment passes
# `dcea policy check`, marks the escape rule's exception DANGEROUS and leaves it out; loaded, it
# silences the recorded noise (a control container still alerts); in block mode the escapes are
# still stopped in the container the fragment names.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

CHECKS=(suggest-recorded suggest-check suggest-dangerous-marked suggest-counts suggest-silences
	suggest-control-alerts suggest-block-mount-proc suggest-block-mount-cgroup
	suggest-block-alert suggest-socket)
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
dcea_helper || fail_all "cannot build the helper tests/helpers/escape.c" "${CHECKS[@]}"
[ "$DCEA_DOCKER_WRAPPER" = 1 ] ||
	skip_all "dcea-runc runtime not registered (needed for --cap-add here)" "${CHECKS[@]}"

noisy_img=dcea-test-noisy:$$
docker tag "$DCEA_IMAGE" "$noisy_img" >/dev/null || fail_all "docker tag failed" "${CHECKS[@]}"
cleanup_add docker rmi "$noisy_img"
ESC=(-v "$DCEA_ESCAPE:/usr/local/bin/dcea-escape:ro")

dcea_start --mode audit || fail_all "$DCEA_ERR" "${CHECKS[@]}"
n=$(docker_run_test noisy -d --cap-add SYS_ADMIN "${ESC[@]}" "$noisy_img" sleep 600) ||
	fail_all "docker run failed: $n" "${CHECKS[@]}"
q=$(docker_run_test control -d "$DCEA_IMAGE" sleep 600) ||
	fail_all "docker run failed: $q" "${CHECKS[@]}"
docker exec "$n" mkdir -p /mnt/p /mnt/c

noise() {
	local i
	for ((i = 0; i < 10; i++)); do docker exec "$n" cat /etc/shadow >/dev/null 2>&1; done
	for ((i = 0; i < 5; i++)); do
		docker exec "$n" /usr/local/bin/dcea-escape spawn /bin/sh -c true >/dev/null 2>&1
	done
}

# --- the audit period, recorded ------------------------------------------------------------------
dcea_mark
noise
docker exec "$n" mount -t proc proc /mnt/p >/dev/null 2>&1 # an escape attempt, audit: it runs
docker exec "$n" umount /mnt/p >/dev/null 2>&1
dcea_wait_alert mount_sensitive ".container.id == \"$n\"" 10 >/dev/null
seen() { # RULE: its events since the mark (repeats within 500 ms come summed: .aggregated.count)
	dcea_alerts_since_mark | jq -s "[.[] | select(.type == \"alert\" and .container.id == \"$n\" and .rule == \"$1\") | .aggregated.count // 1] | add // 0"
}
wait_until 10 eval '[ "$(seen shell_in_container)" -ge 5 ] && [ "$(seen cred_file_access)" -ge 10 ]'
rec=$DCEA_TMP/recorded.json
dcea_alerts_since_mark >"$rec"
cp "$rec" "$OUTPUT/test-logs/15-suggest-recorded.json" 2>/dev/null
# events, not records: repeats within 500 ms come summed (.aggregated.count)
occ() { jq -s "[.[] | select(.type == \"alert\" and .container.id == \"$n\" and .rule == \"$1\") | .aggregated.count // 1] | add // 0" "$rec"; }
cred=$(occ cred_file_access)
shells=$(occ shell_in_container)
check suggest-recorded test "$cred" -eq 10 -a "$shells" -eq 5

# --- the fragment --------------------------------------------------------------------------------
frag=$DCEA_TMP/suggested.yaml
"$DCEA" policy suggest "$rec" >"$frag" 2>"$DCEA_TMP/suggest.err"
cp "$frag" "$OUTPUT/test-logs/15-suggest-fragment.yaml" 2>/dev/null
cat "$frag" >&2
check suggest-check "$DCEA" policy check "$frag"
if grep -q '^  # DANGEROUS' "$frag" && grep -q '^  # - rules: \[mount_sensitive\]' "$frag" &&
	! grep -Eq '^  - rules: \[.*mount_sensitive' "$frag"; then
	pass suggest-dangerous-marked
else
	fail suggest-dangerous-marked "mount_sensitive not commented out and marked in $frag"
fi
# the counts per group add up to what was recorded
got=$(grep -Eo "cred_file_access [0-9]+" "$frag" | awk '{s += $2} END {print s + 0}')
got2=$(grep -Eo "shell_in_container [0-9]+" "$frag" | awk '{s += $2} END {print s + 0}')
check_eq suggest-counts "10 5" "$got $got2"

# --- loaded: the noise is silent, the control container still alerts -----------------------------
dcea_stop
dcea_start --mode audit --policy "$frag" || fail_all "$DCEA_ERR" "${CHECKS[@]}"
sleep 1 # the container selectors are applied to the running containers
dcea_mark
noise
docker exec "$q" cat /etc/shadow >/dev/null 2>&1
a=$(dcea_wait_alert cred_file_access ".container.id == \"$q\"" 10)
check suggest-control-alerts test -n "$a"
got=$(dcea_count_alerts ".container.id == \"$n\" and (.rule == \"cred_file_access\" or .rule == \"shell_in_container\")")
check_eq suggest-silences 0 "$got"

# --- block mode: the escapes are still stopped there ---------------------------------------------
dcea_mode block
dcea_mark
for what in proc cgroup; do
	rc=0
	if [ "$what" = proc ]; then
		err=$(docker exec "$n" mount -t proc proc /mnt/p 2>&1) || rc=$?
	else
		err=$(docker exec "$n" mount -t cgroup -o memory cgroup /mnt/c 2>&1) || rc=$?
	fi
	if [ "$rc" = 137 ] || { [ "$rc" != 0 ] && [[ $err == *"not permitted"* ]]; }; then
		pass "suggest-block-mount-$what"
	else
		fail "suggest-block-mount-$what" "exit $rc: $err"
	fi
done
a=$(dcea_wait_alert mount_sensitive ".container.id == \"$n\" and (.action == \"kill\" or .action == \"deny\")" 10)
dcea_expect_alert suggest-block-alert "$a" '.details.fstype == "proc" or .details.fstype == "cgroup"'
dcea_mode audit

# --- the events socket as the source -------------------------------------------------------------
dcea_stop
sock=$DCEA_TMP/events.sock
dcea_start --mode audit --socket "$sock" || fail_all "$DCEA_ERR" "${CHECKS[@]}"
out=$DCEA_TMP/from-socket.yaml
"$DCEA" policy suggest --socket "$sock" --duration 6 >"$out" 2>&1 &
spid=$!
sleep 1
for ((i = 0; i < 3; i++)); do docker exec "$q" cat /etc/shadow >/dev/null 2>&1; done
wait "$spid"
got=$(grep -Eo "cred_file_access [0-9]+" "$out" | awk '{s += $2} END {print s + 0}')
if "$DCEA" policy check "$out" >/dev/null && [ "$got" = 3 ]; then
	pass suggest-socket
else
	fail suggest-socket "$(tr '\n' ' ' <"$out" | head -c 600)"
fi
