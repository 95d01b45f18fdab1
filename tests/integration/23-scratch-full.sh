#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A full dcea_scratch fails closed (issue 14). The fallback marks a container task's connect (and,
# before 6.2, its recvmsg on a unix socket) from entry to exit in dcea_scratch (16384 threads at
# once), and judges it on exit: a runtime socket's connect, a received host directory. A container
# can hold that many threads blocked in connect on purpose, so that its next connect would go
# unjudged. Here the map is filled with made-up thread ids (from the pin, with bpftool; never a
# real tid: the top bit is set) and a container's connect to a unix socket must then be killed in
# block mode, with a map_full alert naming dcea_scratch; a host process's connect is untouched; in
# audit mode the container's connect goes through with the alert; once the map has room again, the
# container's connect goes through without one. On 6.2+ the connect's mark is the thread's own
# (task local storage) and the full map must change nothing for it. The same for dcea_walklater (4096 threads), where
# a path operation whose name sits on a page not yet faulted in is kept from entry to exit: with it
# full, a container's mkdir with such a name is killed with a map_full alert naming the map.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

CHECKS=(scratchfull-baseline scratchfull-block-connect scratchfull-block-alert scratchfull-host-untouched
	scratchfull-audit-connects scratchfull-audit-alert scratchfull-room-again
	walklater-baseline walklater-block-killed walklater-block-alert)
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
need_cmd bpftool "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
dcea_helper || fail_all "cannot build the escape helper tests/helpers/escape.c" "${CHECKS[@]}"

# a host listener (not a runtime socket) in a directory the container sees as /l
ldir=$DCEA_TMP/listen
mkdir -p "$ldir"
start_bg lpid "$DCEA_ESCAPE" listen "$ldir/l.sock" "$DCEA_TMP/listen.log"
wait_until 5 test -S "$ldir/l.sock" || fail_all "the listener did not start" "${CHECKS[@]}"

dcea_start --mode block || fail_all "$DCEA_ERR" "${CHECKS[@]}"
MAP=$DCEA_PIN_DIR/dcea_scratch
[ -e "$MAP" ] || fail_all "no pinned $MAP" "${CHECKS[@]}"
ct=$(dcea_escape_ct scratch -v "$ldir:/l")

# Where the kernel has bpf_rdonly_cast (6.2+, and task local storage with it) the connect's mark is
# kept in the thread's own storage: the full map must change nothing for it (and the cross-container
# price of failing closed is gone). Before, the connect is killed. Asked of the kernel's BTF.
PER_THREAD=0
grep -aq bpf_rdonly_cast /sys/kernel/btf/vmlinux && PER_THREAD=1

connect_ct() { # sets RC and OUT
	RC=0
	OUT=$(docker exec "$ct" dcea-escape connect /l/l.sock 2>&1) || RC=$?
}

# fill_map OP [MAP]: bpftool batch of one OP (update noexist, or delete) per key of MAP (a bpftool
# map spec, default the pinned dcea_scratch), keys made-up tids
fill_map() {
	local spec=${2:-pinned $MAP} max bv i batch=$DCEA_TMP/scratch.batch value
	# shellcheck disable=SC2086 # the spec is two words
	max=$(bpftool map show $spec -j | jq .max_entries)
	# shellcheck disable=SC2086
	bv=$(bpftool map show $spec -j | jq .bytes_value)
	value=$(printf '00 %.0s' $(seq "$bv"))
	: >"$batch"
	for ((i = 0; i < max; i++)); do
		if [ "$1" = update ]; then
			printf 'map update %s key hex %02x %02x %02x 80 value hex %s noexist\n' \
				"$spec" $((i & 255)) $(((i >> 8) & 255)) $(((i >> 16) & 255)) "$value"
		else
			printf 'map delete %s key hex %02x %02x %02x 80\n' \
				"$spec" $((i & 255)) $(((i >> 8) & 255)) $(((i >> 16) & 255))
		fi
	done >>"$batch"
	# a key that exists already (a real thread's mark) fails its update: go on with the rest
	bpftool batch file "$batch" >/dev/null 2>&1 || true
}
# shellcheck disable=SC2086 # the spec is two words
entries() { bpftool map dump ${1:-pinned $MAP} -j 2>/dev/null | jq length; }

connect_ct
if [ "$RC" = 0 ]; then
	pass scratchfull-baseline
else
	fail scratchfull-baseline "the container's connect with room in the map: exit $RC: $OUT"
fi

fill_map update
cleanup_add fill_map delete
max=$(bpftool map show pinned "$MAP" -j | jq .max_entries)
n=$(entries)
[ "$n" = "$max" ] || fail_all "dcea_scratch holds $n of $max entries after filling it" "${CHECKS[@]:1}"

dcea_mark
connect_ct
if [ "$PER_THREAD" = 1 ]; then
	# the mark is the thread's own: a full dcea_scratch changes nothing for a connect
	sleep 0.5
	k=$(dcea_count_alerts '.rule == "map_full"')
	if [ "$RC" = 0 ] && [ "$k" = 0 ]; then
		pass scratchfull-block-connect
		pass scratchfull-block-alert
	else
		fail scratchfull-block-connect "6.2+ (per-thread mark): want the connect through with dcea_scratch full, got exit $RC, $k map_full alert(s): $OUT"
		fail scratchfull-block-alert "6.2+: a full dcea_scratch must not matter to a connect"
	fi
else
	if [ "$RC" = 137 ]; then
		pass scratchfull-block-connect
	else
		fail scratchfull-block-connect "want exit 137 (killed) with dcea_scratch full, got $RC: $OUT"
	fi
	a=$(dcea_wait_alert map_full '.details.map == "dcea_scratch"' 5)
	dcea_expect_alert scratchfull-block-alert "$a" '.action == "kill"' ".container.id == \"$ct\"" \
		'.exe | endswith("dcea-escape")'
fi
RC=0
OUT=$("$DCEA_ESCAPE" connect "$ldir/l.sock" 2>&1) || RC=$?
if [ "$RC" = 0 ]; then
	pass scratchfull-host-untouched
else
	fail scratchfull-host-untouched "a host process's connect with dcea_scratch full: exit $RC: $OUT"
fi

dcea_mode audit || fail_all "$DCEA_ERR" "${CHECKS[@]:4}"
dcea_mark
connect_ct
if [ "$RC" = 0 ]; then
	pass scratchfull-audit-connects
else
	fail scratchfull-audit-connects "audit mode: exit $RC: $OUT"
fi
if [ "$PER_THREAD" = 1 ]; then
	sleep 0.5
	k=$(dcea_count_alerts '.rule == "map_full"')
	check_eq scratchfull-audit-alert "0 map_full alerts" "$k map_full alerts"
else
	a=$(dcea_wait_alert map_full '.details.map == "dcea_scratch"' 5)
	dcea_expect_alert scratchfull-audit-alert "$a" '.action == "alert"' ".container.id == \"$ct\""
fi

dcea_mode block || fail_all "$DCEA_ERR" scratchfull-room-again
fill_map delete
dcea_mark
connect_ct
sleep 0.5
k=$(dcea_count_alerts '.rule == "map_full"')
if [ "$RC" = 0 ] && [ "$k" = 0 ]; then
	pass scratchfull-room-again
else
	fail scratchfull-room-again "with room again ($(entries) entries): exit $RC, $k map_full alert(s): $OUT"
fi

# --- dcea_walklater: a name on an unfaulted page, kept for the syscall's exit --------------------
WL="name dcea_walklater"
dcea_mark
RC=0
OUT=$(docker exec "$ct" dcea-escape route mkdir-unfaulted /tmp/wl-base 2>&1) || RC=$?
sleep 0.5
k=$(dcea_count_alerts 'true')
if [ "$RC" = 0 ] && [ "$k" = 0 ]; then
	pass walklater-baseline
else
	fail walklater-baseline "a benign mkdir with an unfaulted name: exit $RC, $k alert(s): $OUT"
fi
fill_map update "$WL"
cleanup_add fill_map delete "$WL"
# shellcheck disable=SC2086 # the spec is two words
max=$(bpftool map show $WL -j | jq .max_entries)
n=$(entries "$WL")
[ "$n" = "$max" ] || fail_all "dcea_walklater holds $n of $max entries after filling it" "${CHECKS[@]:8}"
dcea_mark
RC=0
OUT=$(docker exec "$ct" dcea-escape route mkdir-unfaulted /tmp/wl-full 2>&1) || RC=$?
if [ "$RC" = 137 ]; then
	pass walklater-block-killed
else
	fail walklater-block-killed "want exit 137 (killed) with dcea_walklater full, got $RC: $OUT"
fi
a=$(dcea_wait_alert map_full '.details.map == "dcea_walklater"' 5)
dcea_expect_alert walklater-block-alert "$a" '.action == "kill"' ".container.id == \"$ct\""
fill_map delete "$WL"
