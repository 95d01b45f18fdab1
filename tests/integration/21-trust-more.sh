#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Namespace trust, the rest of issue 4: the trust store of `dcea verify` (measurements, changes since
# the last one, tampering, mode), nsenter from a --privileged --pid=host container in audit and block
# mode, an escape while the loader is down, no false alert over container churn with docker exec and
# shared namespaces, `dcea run --verify-interval` and the re-check result on every alert.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

CHECKS=(store-created-0600 store-ns-changed store-tampered store-bad-mode
	nsenter-audit-alert alert-recheck verify-interval-alert churn-no-false-alert
	loader-down-escape-found loader-down-verify-finds nsenter-block-kills)
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
[ "$DCEA_DOCKER_WRAPPER" = 1 ] || skip_all "no dcea-runc runtime: --privileged fails here" "${CHECKS[@]}"

start_bg host_pid sleep 600
STORE=$DCEA_TMP/trust.json
CHURN_SECS=${DCEA_CHURN_SECS:-60}

# A --privileged --pid=host container whose task enters the host's namespaces through our host
# process after DELAY seconds and then runs CMD there (exec: the same pid, measured before).
ESCAPEES=()
escapee() { # NAME DELAY CMD
	docker_run_test "$1" -d --privileged --pid=host "$DCEA_IMAGE" \
		sh -c "sleep $2; exec nsenter -t $host_pid -m -u -i -n -p $3"
}
in_host_mnt() { [ "$(readlink "/proc/$1/ns/mnt")" = "$(readlink /proc/self/ns/mnt)" ]; }
escaped_pid() { # CONTAINER-ID: the host pid of its task in the host's mount namespace
	local p
	for p in $(cat "/sys/fs/cgroup/unified/docker/$1/cgroup.procs" 2>/dev/null); do
		in_host_mnt "$p" && { echo "$p"; return 0; }
	done
	return 1
}

# --- the trust store, without the enforcer ---------------------------------------------------------
# the container's init stays; its child (measured while in the container) later execs nsenter
ct=$(docker_run_test store -d --privileged --pid=host "$DCEA_IMAGE" \
	sh -c "sh -c 'sleep 4; exec nsenter -t $host_pid -m -u -i -n -p sleep 300' & exec sleep 300")
ESCAPEES+=("${ct:0:12}")
sleep 1
"$DCEA" verify --store "$STORE" >"$DCEA_TMP/verify1.txt" 2>&1
if [ "$(stat -c '%a %u' "$STORE" 2>/dev/null)" = "600 0" ] &&
	jq -e --arg id "$ct" '.digest and (.containers[] | select(.id == $id) | .tasks | length > 0)' "$STORE" >/dev/null; then
	pass store-created-0600
else
	fail store-created-0600 "$(stat -c '%a %u' "$STORE" 2>&1): $(tail -n 2 "$DCEA_TMP/verify1.txt")"
fi
wait_until 10 escaped_pid "$ct" >/dev/null
out=$("$DCEA" verify --json --store "$STORE")
rc=$?
f=$(printf '%s\n' "$out" | jq -c --arg id "$ct" 'select(.container.id == $id and .finding == "ns_changed")' | head -n 1)
if [ "$rc" = 1 ] && [ -n "$f" ] && printf '%s\n' "$f" | jq -e '(.detail | test("mnt")) and (.detail | test("uts")) and (.detail | test("net"))' >/dev/null; then
	pass store-ns-changed
else
	fail store-ns-changed "rc $rc, finding: ${f:-none} in: $out"
fi
docker rm -f "$ct" >/dev/null 2>&1

cp "$STORE" "$DCEA_TMP/good.json"
# one byte of a measurement changed in place: the first hex digit of the first sha256 value
off=$(($(grep -bo '"sha256":"' "$STORE" | head -n 1 | cut -d: -f1) + 10))
byte=$(dd if="$STORE" bs=1 skip="$off" count=1 2>/dev/null)
{ [ "$byte" = 0 ] && printf 1 || printf 0; } | dd of="$STORE" bs=1 seek="$off" conv=notrunc 2>/dev/null
out=$("$DCEA" verify --json --store "$STORE")
rc=$?
if [ "$rc" != 0 ] && printf '%s\n' "$out" | jq -e 'select(.finding == "store") | .detail | test("tampered")' >/dev/null; then
	pass store-tampered
else
	fail store-tampered "rc $rc: $out"
fi
cp "$DCEA_TMP/good.json" "$STORE" && chmod 0644 "$STORE"
out=$("$DCEA" verify --json --store "$STORE")
rc=$?
if [ "$rc" != 0 ] && printf '%s\n' "$out" | jq -e 'select(.finding == "store") | .detail | test("mode 0644")' >/dev/null; then
	pass store-bad-mode
else
	fail store-bad-mode "rc $rc: $out"
fi

# --- audit mode: nsenter, the re-check, the periodic verify sweep ------------------------------------
dcea_start --verify-interval 1 || fail_all "$DCEA_ERR" nsenter-audit-alert alert-recheck \
	verify-interval-alert churn-no-false-alert loader-down-escape-found loader-down-verify-finds \
	nsenter-block-kills
dcea_mark
ct=$(escapee audit 0.5 "sleep 300")
ESCAPEES+=("${ct:0:12}")
a=$(dcea_wait_alert ns_escape ".container.id == \"$ct\" and (.source // \"\") != \"verify\" and (.details.host_namespaces | index(\"mnt\") != null)" 10)
dcea_expect_alert nsenter-audit-alert "$a" '.action == "alert"' '.details.host_namespaces | index("mnt") != null' \
	'.details.host_namespaces | index("net") != null'
# nsenter joins the host namespaces one setns at a time, so each step raises its own alert and the
# re-check of an early one (ipc only) ran before mnt was joined: take the alert of the mnt step
a=$(dcea_wait_alert ns_escape ".container.id == \"$ct\" and .recheck.ok == false and (.details.host_namespaces | index(\"mnt\") != null)" 10)
dcea_expect_alert alert-recheck "$a" '.recheck.alive == true' '.recheck.host_ns | index("mnt") != null' \
	'.recheck.container == true'
a=$(dcea_wait_alert ns_escape ".container.id == \"$ct\" and .source == \"verify\"" 5)
dcea_expect_alert verify-interval-alert "$a" '.type == "alert"' '.finding == "host_ns"' '.detail | test("mnt")' \
	'.pid > 1' '.container.cgroup_id > 0' '(.ns.mnt | tostring) == ("'"$(stat -L -c %i /proc/self/ns/mnt)"'")'
docker rm -f "$ct" >/dev/null 2>&1

# --- churn: container starts and stops, docker exec, shared pid and net namespaces ---------------------
churn_worker() { # W: loop until the deadline, print the number of container starts
	local w=$1 n=0 i=0 base
	while [ "$SECONDS" -lt "$CHURN_END" ]; do
		i=$((i + 1))
		base=$(docker_run_test "churn$w-$i" -d "$DCEA_IMAGE" sleep 60) || continue
		n=$((n + 1))
		docker exec "$base" sh -c 'ls /proc >/dev/null; true' >/dev/null 2>&1
		docker_run_test "churnpid$w-$i" --rm --pid "container:$base" "$DCEA_IMAGE" sh -c 'ps >/dev/null' >/dev/null 2>&1 &&
			n=$((n + 1))
		docker run --rm --name "$(docker_name "churnnet$w-$i")" --label dcea.test=1 --label "dcea.test.id=$DCEA_TEST_ID" \
			--network "container:$base" "$DCEA_IMAGE" true >/dev/null 2>&1 && n=$((n + 1))
		docker rm -f "$base" >/dev/null 2>&1
	done
	echo "$n"
}
dcea_mark
CHURN_END=$((SECONDS + CHURN_SECS))
workers=()
for w in 1 2 3; do
	churn_worker "$w" >"$DCEA_TMP/churn$w" &
	workers+=($!)
done
wait "${workers[@]}" # not a bare wait: our host process and dcea run are children too
starts=$(($(cat "$DCEA_TMP/churn1") + $(cat "$DCEA_TMP/churn2") + $(cat "$DCEA_TMP/churn3")))
sleep 2 # one more verify interval and kernel sweep
# this script's own escapees escaped for real: an alert of theirs is never a false one (the audit
# escapee's nsenter child was once summed with its parent's alert and came after the mark)
own=$(printf '%s\n' "${ESCAPEES[@]}" | jq -R . | jq -sc .)
bad=$(dcea_alerts_since_mark | jq -c --argjson own "$own" \
	'select(.type == "alert" and .rule == "ns_escape" and ((.container.id // "")[:12] as $c | $own | index($c) | not))' 2>/dev/null | head -n 3)
echo "churn: $starts container starts in ${CHURN_SECS}s" >&2
if [ "$starts" -lt 20 ]; then
	fail churn-no-false-alert "only $starts container starts"
elif [ -n "$bad" ]; then
	fail churn-no-false-alert "$starts starts, false alerts: $bad (this script's escapees: ${ESCAPEES[*]})"
else
	pass churn-no-false-alert "($starts container starts in ${CHURN_SECS}s)"
fi

# --- an escape while the loader is down --------------------------------------------------------------
dcea_kill_loader
ct=$(escapee down 0.3 "sleep 300")
wait_until 10 escaped_pid "$ct" >/dev/null
dcea_mark
DCEA_ADOPT=1 dcea_start --verify-interval 1 || fail_all "$DCEA_ERR" loader-down-escape-found \
	loader-down-verify-finds nsenter-block-kills
a=$(dcea_wait_alert ns_escape ".container.id == \"$ct\"" 10)
# the first may be the setns alert the kernel queued while nobody read (busybox joins ipc first)
dcea_expect_alert loader-down-escape-found "$a" '(.details.host_namespaces // [.detail] | length) > 0'
a=$(dcea_wait_alert ns_escape ".container.id == \"$ct\" and .source == \"verify\"" 10)
dcea_expect_alert loader-down-verify-finds "$a" '.finding == "host_ns"' '.detail | test("mnt")'
docker rm -f "$ct" >/dev/null 2>&1

# --- block mode: killed before it runs anything in the host's namespaces -----------------------------
dcea_mode block || fail nsenter-block-kills "$DCEA_ERR"
dcea_mark
marker=$DCEA_TMP/escaped-marker
ct=$(escapee block 0.5 "sh -c 'touch $marker; sleep 300'")
# Whichever rule stops it first: opening /proc/<host pid>/ns/* is proc_host_access, which kills
# nsenter before its first setns; ns_escape kills at setns exit where that rule is off.
a=$(dcea_wait_alert '*' ".container.id == \"$ct\" and .action == \"kill\" and (.rule == \"ns_escape\" or .rule == \"proc_host_access\")" 10)
echo "block: killed by $(printf '%s\n' "$a" | jq -r .rule 2>/dev/null)" >&2
sleep 2
if [ -e "$marker" ]; then
	fail nsenter-block-kills "the command after nsenter wrote '$marker' on the host"
elif [ -z "$a" ]; then
	fail nsenter-block-kills "no kill alert"
else
	dcea_expect_alert nsenter-block-kills "$a" '.action == "kill"'
fi
docker rm -f "$ct" >/dev/null 2>&1
