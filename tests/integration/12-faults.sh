#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Faults (issue 8): the loader SIGKILLed while attacks run, and an alert storm of a million events.
# 11-lifecycle.sh shows single attacks across a restart; here an attack loop runs all the way
# through, and events are counted exactly: every attempt the kernel saw is either delivered as an
# alert or counted as a drop (`events_dropped` alerts), also the drops that happened while no
# loader ran, and every blocked attempt fails whether or not its alert could be delivered.
#
# Accounting: the containers here generate a known number of events (the loops count their own
# attempts); `alerts + drops == attempts` must hold exactly. The drop counter is global, so an
# event of another container on the machine dropped in the same window would break the equality:
# the failure message then names the foreign alerts seen in the window.
# Every event must be a record of its own here (the ring and the loader are what is tested), so
# dcea runs with --no-aggregation; 16-flood.sh does the accounting with repeats summed.
#   FAULTS_STORM=N   events in the storm (default 1000000)
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

STORM=${FAULTS_STORM:-1000000}
CHECKS=(restart-loop-all-blocked restart-loop-blocked-while-down restart-reports-backlog
	restart-reports-drops-while-down restart-accounting-exact restart-drops-all-reported
	storm-generated storm-blocked-during-storm storm-drops-counted storm-accounting-exact
	storm-drops-all-reported storm-loader-survives)
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
dcea_helper || fail_all "cannot build the escape helper tests/helpers/escape.c" "${CHECKS[@]}"
ESC=(-v "$DCEA_ESCAPE:/usr/local/bin/dcea-escape:ro")

# Block mode, but the storm's rule only alerts: the storm must not kill its own generator. The
# threat-behaviour rules are off: the loops' own shells would add events the count does not expect.
pol=$DCEA_TMP/faults.yaml
printf '%s\n' 'version: 1' 'mode: block' 'rules:' '  mount_api: {action: alert}' \
	'  shell_in_container: {enabled: false}' '  cred_file_access: {enabled: false}' \
	'  dev_file_create: {enabled: false}' '  privilege_gain_exec: {enabled: false}' \
	'  privileged_launch: {enabled: false}' '  drift_exec: {enabled: false}' >"$pol"
dcea_start --no-aggregation --policy "$pol" || fail_all "$DCEA_ERR" "${CHECKS[@]}"

# The attack loop: `unshare -n` (unshare_ns, killed) and `mknod` of a block device (device_create,
# denied), over and over until /tmp/stop appears; one line per attempt with its exit status. It is
# started with docker exec after the mark, so that every attempt it counts falls in the window.
attack=$(docker_run_test attack -d --cap-add SYS_ADMIN --cap-add MKNOD "$DCEA_IMAGE" sleep 600) ||
	fail_all "docker run failed: $attack" "${CHECKS[@]}"
# The storm's fsopen needs no seccomp filter in front: docker's default profile refuses fsopen
# before any tracepoint sees it (seccomp runs first on syscall entry).
storm=$(docker_run_test storm -d --security-opt seccomp=unconfined "${ESC[@]}" "$DCEA_IMAGE" sleep 600) ||
	fail_all "docker run failed: $storm" "${CHECKS[@]}"

attack_start() {
	docker exec -d "$attack" sh -c 'while [ ! -e /tmp/stop ]; do
		unshare -n true; echo "u $?" >> /tmp/rc
		mknod /tmp/node b 7 250 2>/dev/null; echo "m $?" >> /tmp/rc
		[ -e /tmp/node ] && { echo "m created" >> /tmp/rc; rm -f /tmp/node; }
	done; touch /tmp/stopped'
	wait_until 10 docker exec "$attack" test -s /tmp/rc
}
attack_stop() { # stop the loop, print its attempt lines
	docker exec "$attack" touch /tmp/stop
	wait_until 10 docker exec "$attack" test -e /tmp/stopped
	docker exec "$attack" sh -c 'cat /tmp/rc; rm -f /tmp/rc /tmp/stop /tmp/stopped'
}

drops_now() { dcea_status_json | jq -r .events_dropped; }

# events_of FILE CONTAINER RULE: how many distinct kernel events (event_id) of RULE from CONTAINER
events_of() {
	grep -F "\"id\":\"$2\"" "$1" | grep -F "\"rule\":\"$3\"" | jq -r .event_id | sort -u | grep -c .
}

# count_since_mark: sets DELIV_U, DELIV_M (the attack container's unshare_ns and device_create
# alerts), DELIV_S (the storm container's mount_api alerts), DROP_REPORTED (the sum of the
# events_dropped alerts) and FOREIGN (other alerts and container starts), all after the mark.
count_since_mark() {
	local f=$DCEA_TMP/window.json
	dcea_alerts_since_mark >"$f"
	# one event once: a restarted loader delivers again the record its SIGKILLed predecessor was
	# writing (at-least-once, ALERTS.md); event_id names the kernel event
	DELIV_U=$(events_of "$f" "$attack" unshare_ns)
	DELIV_M=$(events_of "$f" "$attack" device_create)
	DELIV_S=$(events_of "$f" "$storm" mount_api)
	DUPS=$(($(grep -F -e "\"id\":\"$attack\"" -e "\"id\":\"$storm\"" "$f" |
		grep -cE '"rule":"(unshare_ns|device_create|mount_api)"') - DELIV_U - DELIV_M - DELIV_S))
	DROP_REPORTED=$(grep -F '"rule":"events_dropped"' "$f" | jq -s 'map(.dropped) | add // 0')
	FOREIGN=$(grep -vF -e "\"id\":\"$attack\"" -e "\"id\":\"$storm\"" -e '"rule":"events_dropped"' "$f" |
		jq -c '[.type, .rule, .container.name]' 2>/dev/null | sort | uniq -c | head -n 5 | tr -s ' \n' ' ')
}

# settle: wait until the loader has delivered everything the kernel queued and reported every drop
# (the alert count holds still for 1.5 s and the drops reported equal the kernel's counter).
settle() {
	local last=-1 n stable=0 deadline=$((SECONDS + ${1:-120}))
	while [ "$SECONDS" -lt "$deadline" ]; do
		n=$(wc -l <"$DCEA_ALERTS")
		if [ "$n" = "$last" ]; then
			stable=$((stable + 1))
			[ "$stable" -ge 3 ] && [ "$(_reported_total)" = "$(drops_now)" ] && return 0
		else
			stable=0
		fi
		last=$n
		sleep 0.5
	done
	return 1
}
# the dropped_total of the last events_dropped alert (0 when there was none)
_reported_total() {
	local t
	t=$(grep -F '"rule":"events_dropped"' "$DCEA_ALERTS" | tail -n 1 | jq -r .dropped_total)
	echo "${t:-0}"
}

# check_loop NAME LINES: every attempt of the loop failed (unshare killed: 137; mknod refused).
check_loop() {
	local name=$1 lines=$2 u m bad
	u=$(grep -c '^u ' <<<"$lines")
	m=$(grep -c '^m [0-9]' <<<"$lines")
	bad=$(grep -v -e '^u 137$' -e '^m 1$' <<<"$lines" | sort | uniq -c | tr -s ' \n' ' ')
	if [ "$u" -lt 1 ] || [ "$m" -lt 1 ]; then
		fail "$name" "the loop made $u unshare and $m mknod attempts"
	elif [ -n "$bad" ]; then
		fail "$name" "of $u unshare and $m mknod attempts, some were not stopped: $bad"
	else
		pass "$name" "($u unshare attempts killed, $m mknod attempts denied)"
	fi
}

# account NAME LINES STORM_EVENTS: count the window (count_since_mark), then NAME-accounting-exact
# (delivered + dropped == generated) and NAME-drops-all-reported; sets GEN_U GEN_M DROPS
account() {
	local name=$1 lines=$2 storm_n=$3
	count_since_mark
	GEN_U=$(grep -c '^u ' <<<"$lines")
	GEN_M=$(grep -c '^m [0-9]' <<<"$lines")
	DROPS=$(($(drops_now) - drops0))
	local gen=$((GEN_U + GEN_M + storm_n)) got=$((DELIV_U + DELIV_M + DELIV_S))
	echo "$name: generated $GEN_U unshare_ns + $GEN_M device_create + $storm_n mount_api; delivered $DELIV_U + $DELIV_M + $DELIV_S ($DUPS delivered twice); dropped $DROPS, reported $DROP_REPORTED" >&2
	if [ "$((got + DROPS))" = "$gen" ]; then
		pass "$name-accounting-exact" "($gen events = $got delivered + $DROPS dropped)"
	else
		fail "$name-accounting-exact" "generated $gen, delivered $got, dropped $DROPS; foreign alerts in the window: ${FOREIGN:-none}"
	fi
	check_eq "$name-drops-all-reported" "$DROPS" "$DROP_REPORTED"
}

# --- the loader is SIGKILLed while the attack loop runs, the storm fills the ring meanwhile ------

drops0=$(drops_now)
dcea_mark
attack_start || fail_all "the attack loop does not run" "${CHECKS[@]}"
sleep 2
dcea_kill_loader
# while no loader runs: 20000 storm events overflow the 4 MiB ring (about 5900 events), the
# attack loop goes on; its attempts must keep failing although their alerts are now dropped
down0=$(docker exec "$attack" sh -c 'wc -l < /tmp/rc')
gen_down=$(docker exec "$storm" dcea-escape storm proc 20000 | cut -d' ' -f1)
sleep 3
down1=$(docker exec "$attack" sh -c 'wc -l < /tmp/rc')
drops_down=$(($(drops_now) - drops0))
if DCEA_ADOPT=1 dcea_start --no-aggregation --policy "$pol"; then
	sleep 2
	lines=$(attack_stop)
	settle 60 || echo "restart: the loader did not settle" >&2
	check_loop restart-loop-all-blocked "$lines"
	down_lines=$(sed -n "$((down0 + 1)),${down1}p" <<<"$lines")
	check_loop restart-loop-blocked-while-down "$down_lines"
	account restart "$lines" "${gen_down:-0}"
	# the backlog queued while down is delivered after the restart: storm alerts arrive
	if [ "$DELIV_S" -gt 5000 ]; then
		pass restart-reports-backlog "($DELIV_S storm alerts queued while down delivered)"
	else
		fail restart-reports-backlog "only $DELIV_S of the ${gen_down:-0} storm alerts made while down were delivered"
	fi
	a=$(dcea_wait_alert events_dropped 'true' 1)
	if [ "$drops_down" -gt 0 ] && [ -n "$a" ] && printf '%s\n' "$a" | jq -e ".dropped >= $drops_down" >/dev/null; then
		pass restart-reports-drops-while-down "($drops_down lost while down, reported: $(jq -c '{dropped, dropped_total}' <<<"$a"))"
	else
		fail restart-reports-drops-while-down "$drops_down events lost while down; first events_dropped alert after the restart: ${a:-none}"
	fi
else
	fail_all "a new dcea run did not stream: $DCEA_ERR" restart-loop-all-blocked restart-loop-blocked-while-down \
		restart-reports-backlog restart-reports-drops-while-down restart-accounting-exact restart-drops-all-reported
	attack_stop >/dev/null
fi

# --- the storm: a million events as fast as a container can make them ---------------------------

_dcea_alive "$DCEA_RUN_PID" || dcea_start --no-aggregation --policy "$pol" || fail_all "$DCEA_ERR" storm-generated \
	storm-blocked-during-storm storm-drops-counted storm-accounting-exact storm-drops-all-reported storm-loader-survives
settle 30
drops0=$(drops_now)
dcea_mark
attack_start
out=$(docker exec "$storm" dcea-escape storm proc "$STORM")
gen=$(cut -d' ' -f1 <<<"$out")
echo "storm: $out (events, seconds, events/s)" >&2
sleep 1
lines=$(attack_stop)
settle 300 || echo "storm: the loader did not settle in 300 s" >&2
check_eq storm-generated "$STORM" "$gen"
check_loop storm-blocked-during-storm "$lines"
account storm "$lines" "${gen:-0}"
if [ "$DROPS" -gt 0 ]; then
	pass storm-drops-counted "($DROPS of $((gen + GEN_U + GEN_M)) dropped)"
else
	fail storm-drops-counted "no drop counted: the storm did not overflow the ring (delivered $DELIV_S of $gen)"
fi
if _dcea_alive "$DCEA_RUN_PID" && dcea_status_json | jq -e ".loader_pid == $DCEA_RUN_PID" >/dev/null; then
	pass storm-loader-survives
else
	fail storm-loader-survives "the loader (pid $DCEA_RUN_PID) is gone: $(tail -n 2 "$DCEA_RUN_LOG")"
fi
