#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# No alert lost to a flood (issue 18). Container A floods unpaced, from several processes, with
# cheap alert-only events while container B, privileged, writes core_pattern once a second (the
# value it already has: a real attempt that changes nothing where it is allowed).
#   audit: A raises mount_api (fsopen("proc"), refused by the kernel) and cred_file_access (opens of
#          /etc/shadow and /etc/gshadow). Every attempt of B must arrive as its own alert, in order,
#          with its fields; A's events must all be accounted for: delivered + aggregated + dropped
#          = generated (A's own count), nothing unaccounted, and most of them aggregated.
#   block: A is an unprivileged default container opening the credential files (alert-only by
#          default); every write of B must fail with EPERM and be reported as a deny.
# The seconds are FLOOD_SECS (60), the flooding processes FLOOD_NPROC (2).
# dcea-test-timeout: 900
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

SECS=${FLOOD_SECS:-60}
NPROC=${FLOOD_NPROC:-2}
CHECKS=()
for m in audit block; do
	CHECKS+=("flood-$m-b-all" "flood-$m-b-order" "flood-$m-b-fields" "flood-$m-a-accounted"
		"flood-$m-a-aggregated" "flood-$m-a-distinct-keys" "flood-$m-reserved-no-drop")
done
CHECKS+=(flood-block-b-denied flood-status-aggregation)
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
[ "$DCEA_DOCKER_WRAPPER" = 1 ] ||
	skip_all "dcea-runc runtime not registered (needed for --privileged here)" "${CHECKS[@]}"
dcea_helper || fail_all "cannot build the escape helper" "${CHECKS[@]}"

st() { dcea_status_json | jq -r "$1"; }
# what the kernel counted for A's two rules (every container): a failure says which side lost it
hits() { dcea_status_json | jq '[.rules[] | select(.id == "mount_api" or .id == "cred_file_access") | .hits] | add'; }

# flood_case MODE: the containers exist before dcea starts (adopted), so making A's credential
# files raises nothing that the flood's accounting would have to subtract.
flood_case() {
	local m=$1 h0 a b aout bout gen d0 dh0 sel_a sel_b n_b delivered aggregated dropped unacc keys
	a=$(dcea_escape_ct "flood-a-$m" --security-opt seccomp=unconfined)
	b=$(dcea_escape_ct "flood-b-$m" --privileged)
	docker exec "$a" sh -c 'echo x >/etc/shadow && echo x >/etc/gshadow' ||
		{ fail_all "cannot create A's credential files" "${CHECKS[@]}"; }
	dcea_start --mode "$m" || fail_all "dcea run --mode $m: $DCEA_ERR" "${CHECKS[@]}"
	dcea_mark
	d0=$(st .events_dropped)
	dh0=$(st .events_dropped_reserved)
	h0=$(hits)
	aout=$DCEA_TMP/flood-a-$m.out
	bout=$DCEA_TMP/flood-b-$m.out
	docker exec "$b" dcea-escape knobloop "$SECS" >"$bout" 2>&1 &
	local bpid=$!
	if [ "$m" = audit ]; then
		docker exec "$a" dcea-escape flood "$SECS" "$NPROC" fsopen,shadow,gshadow >"$aout" 2>&1
	else
		docker exec "$a" dcea-escape flood "$SECS" "$NPROC" shadow,gshadow >"$aout" 2>&1
	fi
	wait "$bpid"
	# the last window closes, the loader flushes it: nothing pending and the file still
	wait_until 10 eval '[ "$(st .aggregation.pending)" = 0 ]'
	sleep 2
	gen=$(awk '$1 == "total" {print $2}' "$aout")
	printf 'flood %s: A %s; B %s attempts\n' "$m" "$(tr '\n' ' ' <"$aout")" "$(wc -l <"$bout")" >&2

	# --- B: every attempt its own alert, in order, with its fields
	sel_b=".rule == \"kernel_knob_sysctl\" and .container.id == \"$b\""
	dcea_alerts_since_mark | jq -c "select(.type == \"alert\") | select($sel_b)" >"$DCEA_TMP/b-$m.json"
	n_b=$(wc -l <"$DCEA_TMP/b-$m.json")
	check_eq "flood-$m-b-all" "$SECS" "$n_b"
	if [ "$n_b" -gt 0 ] && jq -s -e '[.[].time] as $t | $t == ($t | sort)' "$DCEA_TMP/b-$m.json" >/dev/null &&
		jq -s -e 'all(.aggregated == null)' "$DCEA_TMP/b-$m.json" >/dev/null; then
		pass "flood-$m-b-order"
	else
		fail "flood-$m-b-order" "B's alerts are not one each, in time order: $(jq -c '[.time, .aggregated.count]' "$DCEA_TMP/b-$m.json" | head -n 5 | tr '\n' ' ')"
	fi
	local want_action=alert
	[ "$m" = block ] && want_action=deny
	if [ "$n_b" -gt 0 ] && jq -s -e --arg a "$want_action" --arg n "$b" \
		'all(.action == $a and .severity == "critical" and .container.id == $n and
		     (.details | tostring | test("core_pattern")) and .pid > 0)' "$DCEA_TMP/b-$m.json" >/dev/null; then
		pass "flood-$m-b-fields"
	else
		fail "flood-$m-b-fields" "want action $want_action, critical, core_pattern: $(head -n 1 "$DCEA_TMP/b-$m.json")"
	fi
	if [ "$m" = block ]; then
		if [ "$(awk '$2 != 1' "$bout" | wc -l)" = 0 ] && [ "$(wc -l <"$bout")" = "$SECS" ]; then
			pass flood-block-b-denied
		else
			fail flood-block-b-denied "want EPERM (1) for each of $SECS writes: $(awk '$2 != 1' "$bout" | head -n 3 | tr '\n' ' ')"
		fi
	fi

	# --- A: delivered + aggregated + dropped = generated
	sel_a="(.rule == \"mount_api\" or .rule == \"cred_file_access\") and .container.id == \"$a\""
	dcea_alerts_since_mark | jq -c "select(.type == \"alert\") | select($sel_a) |
		{n: (.aggregated.count // 1), agg: (.aggregated != null), rule, path: (.details.path // .details.fstype // \"\")}" \
		>"$DCEA_TMP/a-$m.json"
	delivered=$(jq -s '[.[] | select(.agg | not)] | length' "$DCEA_TMP/a-$m.json")
	aggregated=$(jq -s '[.[] | select(.agg) | .n] | add // 0' "$DCEA_TMP/a-$m.json")
	dropped=$(($(st .events_dropped) - d0))
	unacc=$((gen - delivered - aggregated - dropped))
	printf 'flood %s: generated %s (kernel counted %s) = delivered %s + aggregated %s + dropped %s; unaccounted %s\n' \
		"$m" "$gen" "$(($(hits) - h0))" "$delivered" "$aggregated" "$dropped" "$unacc" >&2
	if [ -n "$gen" ] && [ "$gen" -gt 0 ] && [ "$unacc" = 0 ]; then
		pass "flood-$m-a-accounted"
	else
		fail "flood-$m-a-accounted" "generated $gen (kernel counted $(($(hits) - h0))), delivered $delivered, aggregated $aggregated, dropped $dropped: $unacc unaccounted"
	fi
	# most of the flood is summed: fewer records than a thousandth of the events
	if [ -n "$gen" ] && [ "$aggregated" -gt $((gen / 2)) ] && [ "$(wc -l <"$DCEA_TMP/a-$m.json")" -lt $((gen / 1000 + 100)) ]; then
		pass "flood-$m-a-aggregated"
	else
		fail "flood-$m-a-aggregated" "$(wc -l <"$DCEA_TMP/a-$m.json") records for $gen events, $aggregated aggregated"
	fi
	# two paths are two keys: /etc/shadow and /etc/gshadow are never summed together
	keys=$(jq -r 'select(.rule == "cred_file_access") | .path' "$DCEA_TMP/a-$m.json" | sort -u | tr '\n' ' ')
	if [[ $keys == *"/etc/gshadow"* && $keys == *"/etc/shadow "* ]]; then
		pass "flood-$m-a-distinct-keys"
	else
		fail "flood-$m-a-distinct-keys" "cred_file_access paths seen: $keys"
	fi
	check_eq "flood-$m-reserved-no-drop" 0 "$(($(st .events_dropped_reserved) - dh0))"
	if [ "$m" = audit ]; then
		if [ "$(st .aggregation.enabled)" = true ] && [ "$(st .aggregation.entries)" -gt 0 ]; then
			pass flood-status-aggregation
		else
			fail flood-status-aggregation "status: $(dcea_status_json | jq -c .aggregation)"
		fi
	fi
	dcea_stop
	docker rm -f "$a" "$b" >/dev/null 2>&1
}

flood_case audit
flood_case block
