#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Container churn (issue 8): 1000 containers started (docker run -d, in parallel) and removed
# (docker rm -f, in batches) while dcea runs; a renamed container; a dockerd restart. Afterwards
# no entry of the containers and tasks maps belongs to a cgroup or a task that is gone (read from
# the pins with bpftool), and every alert names the container it came from, by its current name.
# 21-trust-more.sh churns for false ns_escape alerts; this one counts map entries and names.
#   CHURN_N=N          containers to start (default 1000)
#   CHURN_PARALLEL=P   docker runs at a time (default 8)
#   CHURN_BUDGET=SECS  no new container after SECS (default 600): a slow docker fails churn-started
#                      with its rate and where dockerd waits, instead of the runner's timeout
#                      killing the script (this script may take 900 s, see below)
# The churn containers share the network namespace of one anchor container (--network
# container:ID): docker then runs no libnetwork hook, a re-exec of dockerd, for each, and starts
# them about twice as fast. Each still has its own cgroup, pid, mount, uts and ipc namespaces.
# The dockerd restart is skipped when containers other than this script's exist: restarting a
# shared daemon would break someone else's test.
# dcea-test-timeout: 900
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

N=${CHURN_N:-1000}
P=${CHURN_PARALLEL:-8}
BUDGET=${CHURN_BUDGET:-600}
CHECKS=(churn-started churn-names-in-alerts churn-starts-named churn-containers-map-no-leak
	churn-tasks-map-no-leak churn-rename-new-name dockerd-restart-tracked
	dockerd-restart-name dockerd-restart-no-leak)
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
need_cmd bpftool "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
dcea_helper || fail_all "cannot build the escape helper tests/helpers/escape.c" "${CHECKS[@]}"
ESC=(-v "$DCEA_ESCAPE:/usr/local/bin/dcea-escape:ro")
dcea_start || fail_all "$DCEA_ERR" "${CHECKS[@]}"

# map_keys MAP: the keys of a pinned hash map, one per line
map_keys() {
	bpftool map dump pinned "$DCEA_PIN_DIR/$1" -j 2>/dev/null | jq -r '.[] | (.formatted // .) | .key'
}
# stale_containers: keys of the containers map (cgroup v2 ids) with no cgroup of that id; twice,
# a second apart, so that a cgroup going away during the first read does not count
cg_ids() { find /sys/fs/cgroup/unified -type d -printf '%i\n' 2>/dev/null | sort -u; }
stale_containers() {
	local a b
	a=$(comm -23 <(map_keys dcea_containers | sort -u) <(cg_ids))
	sleep 1
	b=$(comm -23 <(map_keys dcea_containers | sort -u) <(cg_ids))
	comm -12 <(printf '%s\n' "$a" | grep .) <(printf '%s\n' "$b" | grep .)
}
# stale_tasks: keys of the tasks map (host tids) with no such task, twice likewise
dead_tids() { local t; while read -r t; do [ -d "/proc/$t" ] || echo "$t"; done | sort -u; }
stale_tasks() {
	local a b
	a=$(map_keys dcea_tasks | dead_tids)
	sleep 1
	b=$(map_keys dcea_tasks | dead_tids)
	comm -12 <(printf '%s\n' "$a" | grep .) <(printf '%s\n' "$b" | grep .)
}

base_ct=$(map_keys dcea_containers | wc -l)
base_tasks=$(map_keys dcea_tasks | wc -l)
ids=$DCEA_TMP/ids
mkdir -p "$ids"

anchor=$(docker_run_test anchor -d "$DCEA_IMAGE" sleep 900) ||
	fail_all "docker run failed: $anchor" "${CHECKS[@]}"

# one container: its entrypoint makes one alert (capset_raise: CAP_CHOWN dropped and raised again,
# which docker's seccomp profile lets through), then sleeps until removed
start_one() { # I
	DCEA_DOCKER_CALL_TIMEOUT=60 docker_run_test "churn$1" -d --network "container:$anchor" "${ESC[@]}" "$DCEA_IMAGE" \
		sh -c 'dcea-escape capset >/dev/null; sleep 600' >"$ids/$1" 2>/dev/null || rm -f "$ids/$1"
}

dcea_mark
t0=$SECONDS
batch=() rms=()
for ((i = 1; i <= N; i++)); do
	if ((SECONDS - t0 > BUDGET)); then
		echo "churn: out of time after $((i - 1)) docker runs in $((SECONDS - t0)) s" >&2
		break
	fi
	((i % 100 == 0)) && echo "churn: $i started in $((SECONDS - t0)) s" >&2
	start_one "$i" &
	batch+=("$!")
	if [ "${#batch[@]}" -ge "$P" ]; then
		wait "${batch[@]}"
		batch=()
	fi
	# every 50 containers, remove the 50 before them (their entrypoints ran by now)
	if ((i % 50 == 0 && i > 50)); then
		rm_ids=$(for ((j = i - 99; j <= i - 50; j++)); do cat "$ids/$j" 2>/dev/null; done)
		if [ -n "$rm_ids" ]; then
			# shellcheck disable=SC2086
			docker rm -f $rm_ids >/dev/null 2>&1 &
			rms+=("$!")
		fi
	fi
done
# (never a bare wait: it would wait for the loader too)
[ $((${#batch[@]} + ${#rms[@]})) -eq 0 ] || wait "${batch[@]}" "${rms[@]}"
started=$(cat "$ids"/* 2>/dev/null | grep -c .)
rest=$(docker ps -aq --filter "label=dcea.test.id=$DCEA_TEST_ID" | tr '\n' ' ')
# shellcheck disable=SC2086
[ -n "$rest" ] && docker rm -f $rest >/dev/null 2>&1
echo "churn: $started containers started and removed in $((SECONDS - t0)) s" >&2
if [ "$started" -ge "$N" ]; then
	pass churn-started "($started in $((SECONDS - t0)) s)"
else
	stuck=$(docker_goroutines)
	fail churn-started "only $started of $N containers started in $((SECONDS - t0)) s (CHURN_BUDGET=$BUDGET); dockerd goroutines blocked for minutes: ${stuck:-none}"
fi

# names: every alert and start event of a churn container carries the name docker gave that id
sleep 1
expect=$DCEA_TMP/expect
for f in "$ids"/*; do
	printf '%s %s\n' "$(cat "$f")" "$(docker_name "churn${f##*/}")"
done | sort -u >"$expect"
dcea_alerts_since_mark | jq -r 'select(.container.name // "" | startswith("dcea-test-churn")) |
	[.type, .container.id, .container.name] | @tsv' >"$DCEA_TMP/seen"
bad=$(awk -F'\t' '$1 == "alert" {print $2, $3}' "$DCEA_TMP/seen" | sort -u | comm -23 - "$expect" | head -n 3 | tr '\n' ';')
n_alert=$(awk -F'\t' '$1 == "alert"' "$DCEA_TMP/seen" | cut -f2 | sort -u | wc -l)
unnamed=$(dcea_alerts_since_mark | jq -r 'select(.container.id != "" and .container.name == "") | .container.id' | sort -u |
	grep -cFxf <(cut -d' ' -f1 "$expect"))
if [ -n "$bad" ] || [ "$unnamed" != 0 ]; then
	fail churn-names-in-alerts "alerts whose name is not the container's: ${bad:-none}; $unnamed containers alerted without a name"
elif [ "$n_alert" -lt "$started" ]; then
	fail churn-names-in-alerts "only $n_alert of $started containers have a capset_raise alert"
else
	pass churn-names-in-alerts "($n_alert containers, each alert with its own name)"
fi
bad=$(awk -F'\t' '$1 == "container_start" {print $2, $3}' "$DCEA_TMP/seen" | sort -u | comm -23 - "$expect" | head -n 3 | tr '\n' ';')
n_start=$(awk -F'\t' '$1 == "container_start"' "$DCEA_TMP/seen" | cut -f2 | sort -u | wc -l)
if [ -n "$bad" ]; then
	fail churn-starts-named "start events with a wrong name: $bad"
elif [ "$n_start" -lt "$started" ]; then
	fail churn-starts-named "only $n_start of $started containers have a start event"
else
	pass churn-starts-named "($n_start start events)"
fi

# no leak: containers and tasks maps hold nothing of what is gone
churn_cg=$(dcea_alerts_since_mark | jq -r 'select(.container.name // "" | startswith("dcea-test-churn")) | .container.cgroup_id' | sort -u)
left=$(comm -12 <(map_keys dcea_containers | sort -u) <(printf '%s\n' "$churn_cg" | sort -u) | wc -l)
stale=$(stale_containers | tr '\n' ' ')
now_ct=$(map_keys dcea_containers | wc -l)
if [ "$left" != 0 ] || [ -n "$stale" ]; then
	fail churn-containers-map-no-leak "$left churn containers still in the map; entries without a cgroup: ${stale:-none} ($base_ct before, $now_ct now)"
else
	pass churn-containers-map-no-leak "($base_ct entries before, $now_ct after)"
fi
stale=$(stale_tasks | head -n 10 | tr '\n' ' ')
now_tasks=$(map_keys dcea_tasks | wc -l)
if [ -n "$stale" ]; then
	fail churn-tasks-map-no-leak "entries of tasks that are gone: $stale ($base_tasks before, $now_tasks now)"
else
	pass churn-tasks-map-no-leak "($base_tasks entries before, $now_tasks after)"
fi

# a renamed container: its next alert carries the new name, not the one seen at its start
ct=$(docker_run_test rename -d "${ESC[@]}" "$DCEA_IMAGE" sleep 600)
docker exec "$ct" dcea-escape capset >/dev/null
dcea_wait_alert capset_raise ".container.id == \"$ct\"" 5 >/dev/null
docker rename "$ct" "$(docker_name renamed)"
dcea_mark
docker exec "$ct" dcea-escape capset >/dev/null
a=$(dcea_wait_alert capset_raise ".container.id == \"$ct\"" 5)
dcea_expect_alert churn-rename-new-name "$a" ".container.name == \"$(docker_name renamed)\""
docker rm -f "$ct" >/dev/null 2>&1

# --- a dockerd restart ---------------------------------------------------------------------------
if ! docker_restartable; then
	skip_all "$DCEA_DOCKER_ERR" dockerd-restart-tracked dockerd-restart-name dockerd-restart-no-leak
else
	dpid=$DCEA_DOCKERD_PID
	ct=$(docker_run_test restart -d --restart always "${ESC[@]}" "$DCEA_IMAGE" sh -c 'sleep 600')
	cg_before=$(stat -c %i "/sys/fs/cgroup/unified/docker/$ct" 2>/dev/null)
	dcea_mark
	kill -TERM "$dpid"
	wait_until 30 eval '! [ -d /proc/'"$dpid"' ]'
	docker_up >/dev/null 2>&1
	# shellcheck disable=SC2016 # expanded by eval, at each try
	wait_until 30 eval '[ "$(docker inspect -f "{{.State.Running}}" '"$ct"' 2>/dev/null)" = true ]'
	docker exec "$ct" dcea-escape capset >/dev/null
	a=$(dcea_wait_alert capset_raise ".container.id == \"$ct\"" 5)
	cg_after=$(stat -c %i "/sys/fs/cgroup/unified/docker/$ct" 2>/dev/null)
	dcea_expect_alert dockerd-restart-tracked "$a" ".container.cgroup_id == ${cg_after:-0}" ".action == \"alert\""
	dcea_expect_alert dockerd-restart-name "$a" ".container.name == \"$(docker_name restart)\""
	docker rm -f "$ct" >/dev/null 2>&1
	sleep 1
	stale=$(stale_containers | tr '\n' ' ')
	if [ -n "$stale" ] || map_keys dcea_containers | grep -qx "${cg_before:-x}"; then
		fail dockerd-restart-no-leak "entries without a cgroup: ${stale:-none}; the old cgroup ${cg_before:-?} still there: $(map_keys dcea_containers | grep -cx "${cg_before:-x}")"
	else
		pass dockerd-restart-no-leak
	fi
fi
