# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The enforcer for the integration tests: start `dcea run --json` in the background with its stop
# registered, wait for alerts, switch modes, assert on alert fields with jq. Sourced after
# common.sh and docker.sh.
#
# Only one dcea can be loaded on a machine (its pins live under /sys/fs/bpf/dcea), so a script
# that starts it holds $DCEA_TEST_STATE/dcea.lock for its whole run, and `dcea stop` runs at exit
# whatever happens: no test leaves an enforcer loaded.
#
#   dcea_start [ARGS...]          `dcea run --json -o $DCEA_ALERTS ARGS` in the background
#   dcea_stop                     stop streaming and unload (also run at exit)
#   dcea_kill_loader              kill -9 the streaming process, leaving the pins
#   dcea_mode audit|block         switch the running instance, wait until status shows it
#   dcea_mark                     later waits only see alerts written after this point
#   dcea_wait_alert RULE [JQ] [SECS]   print the first alert of RULE (after the mark) matching JQ
#   dcea_expect_alert NAME ALERT EXPR...   PASS when every jq EXPR holds on ALERT
#   dcea_effective RULE           the rule's effective action on this kernel (deny/kill/...)
#   dcea_expected COLUMN RULE     the effect the tests expect (tests/expect/effects.tsv)
#   dcea_helper                   build the static escape helper, set DCEA_ESCAPE
#   dcea_escape_ct NAME ARGS...   a test container with that helper mounted, its id

[ -n "${_DCEA_DCEA_SH:-}" ] && return 0
_DCEA_DCEA_SH=1
# shellcheck source=common.sh
[ -n "${_DCEA_COMMON_SH:-}" ] || . "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DCEA_TEST_STATE=${DCEA_TEST_STATE:-/run/dcea-test}
DCEA_PIN_DIR=/sys/fs/bpf/dcea
DCEA_ALERTS=$DCEA_TMP/alerts.json
DCEA_RUN_LOG=$DCEA_TMP/dcea-run.log
DCEA_RUN_PID=
# Line of $DCEA_ALERTS after which dcea_wait_alert looks (dcea_mark).
DCEA_MARK=0
# Set by dcea_start on failure: why dcea could not be started.
DCEA_ERR=
_DCEA_LOCKFD=

_dcea_err() {
	DCEA_ERR=$1
	printf 'dcea: %s\n' "$1" >&2
	return 1
}

# _dcea_lock: take the machine-wide dcea lock (waiting DCEA_LOCK_WAIT s, default 120, for another
# script's run).
_dcea_lock() {
	[ -n "$_DCEA_LOCKFD" ] && return 0
	mkdir -p "$DCEA_TEST_STATE" || return 1
	exec {_DCEA_LOCKFD}>>"$DCEA_TEST_STATE/dcea.lock" || return 1
	flock -w "${DCEA_LOCK_WAIT:-120}" "$_DCEA_LOCKFD"
}

_dcea_streaming() { grep -q 'streaming alerts' "$DCEA_RUN_LOG" 2>/dev/null; }
# _dcea_alive PID: running and not a zombie (our own child stays one until waited for).
_dcea_alive() {
	local st
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
# Streaming, or no longer running (a failed load): stop waiting.
_dcea_started() { _dcea_streaming || ! _dcea_alive "$DCEA_RUN_PID"; }

# dcea_start [ARGS...]: start `dcea run --json -o $DCEA_ALERTS ARGS...` in the background and
# wait until it streams. Registers dcea_stop at exit. Returns 1 with DCEA_ERR set on failure.
dcea_start() {
	local i
	DCEA_ERR=
	_dcea_lock || { _dcea_err "another test run holds '$DCEA_TEST_STATE/dcea.lock'"; return; }
	if [ -z "${_DCEA_STOP_REGISTERED:-}" ]; then
		_DCEA_STOP_REGISTERED=1
		cleanup_add dcea_stop
	fi
	# Someone else's enforcer (not a test's: those hold the lock and stop at exit) is left alone;
	# DCEA_ADOPT=1 means the pins are this script's own (after dcea_kill_loader).
	if [ -z "$DCEA_RUN_PID" ] && [ "${DCEA_ADOPT:-0}" != 1 ] && [ -e "$DCEA_PIN_DIR" ]; then
		for ((i = 0; i < 100; i++)); do
			[ -e "$DCEA_PIN_DIR" ] || break
			sleep 0.2
		done
		[ -e "$DCEA_PIN_DIR" ] && { _dcea_err "dcea is already loaded by someone else ($DCEA_PIN_DIR)"; return; }
	fi
	touch "$DCEA_ALERTS"
	: >"$DCEA_RUN_LOG"
	_DCEA_STARTED=1
	start_bg DCEA_RUN_PID "$DCEA" run --json -o "$DCEA_ALERTS" "$@" 2>>"$DCEA_RUN_LOG" >>"$DCEA_RUN_LOG"
	wait_until 30 _dcea_started
	if ! _dcea_streaming; then
		if _dcea_alive "$DCEA_RUN_PID"; then
			_dcea_err "'dcea run $*' is not streaming after 30 s: $(tail -n 1 "$DCEA_RUN_LOG")"
		else
			DCEA_RUN_PID=
			_dcea_err "'dcea run $*' exited: $(tail -n 1 "$DCEA_RUN_LOG")"
		fi
		return
	fi
	printf 'dcea: streaming (pid %s)\n' "$DCEA_RUN_PID" >&2
	return 0
}

# dcea_stop: stop the streaming `dcea run` (if any) and unload dcea. Safe to call twice.
dcea_stop() {
	[ -n "$_DCEA_LOCKFD" ] && [ -n "${_DCEA_STARTED:-}" ] || return 0
	if [ -n "$DCEA_RUN_PID" ]; then
		_dcea_kill_pid "$DCEA_RUN_PID"
		DCEA_RUN_PID=
	fi
	[ -e "$DCEA_PIN_DIR" ] && "$DCEA" stop >&2
	return 0
}

# dcea_kill_loader: SIGKILL the streaming `dcea run` (enforcement stays pinned) and reap it.
dcea_kill_loader() {
	[ -n "$DCEA_RUN_PID" ] || return 1
	kill -KILL "$DCEA_RUN_PID" 2>/dev/null
	wait "$DCEA_RUN_PID" 2>/dev/null
	DCEA_RUN_PID=
	return 0
}

dcea_status_json() { "$DCEA" status --json 2>/dev/null; }

# dcea_expected COLUMN RULE: the effect the tests expect of RULE on COLUMN ("host", or a boot of the
# kernel matrix, "6.1/lsm") from tests/expect/effects.tsv; nothing when the table has none.
dcea_expected() {
	awk -F'\t' -v col="$1" -v rule="$2" '/^#/ { next }
		$1 == "rule" { for (i = 2; i <= NF; i++) if ($i == col) c = i; next }
		c && $1 == rule { print $c; exit }' "$DCEA_ROOT/tests/expect/effects.tsv"
}

# dcea_effect_rank EFFECT: how strong an effect is (deny 4, kill 3, detect 2, unavailable 1, else 0).
dcea_effect_rank() {
	case $1 in deny) echo 4 ;; kill) echo 3 ;; detect) echo 2 ;; unavailable) echo 1 ;; *) echo 0 ;; esac
}

# dcea_effective RULE: the rule's proven action on this kernel (deny, kill, detect, unavailable).
dcea_effective() {
	dcea_status_json | jq -r --arg r "$1" '.rules[] | select(.id == $r) | .effective'
}

_dcea_mode_is() { [ "$(dcea_status_json | jq -r .mode)" = "$1" ]; }

# dcea_mode audit|block: switch the running instance with `dcea run --mode`, wait until status
# reports it. Returns non-zero when the command or the switch failed.
# Refuses when nothing is pinned: `dcea run --mode` would then load a fresh enforcer and stream.
dcea_mode() {
	[ -e "$DCEA_PIN_DIR" ] || { _dcea_err "dcea is no longer loaded (someone ran 'dcea stop'?)"; return 1; }
	run_timeout 10 "$DCEA" run --mode "$1" >>"$DCEA_RUN_LOG" 2>&1 ||
		{ _dcea_err "'dcea run --mode $1' failed: $(tail -n 1 "$DCEA_RUN_LOG")"; return 1; }
	wait_until 5 _dcea_mode_is "$1" || { _dcea_err "status does not show mode $1"; return 1; }
}

# dcea_mark: alerts written so far are not seen by later dcea_wait_alert calls.
dcea_mark() {
	DCEA_MARK=$(wc -l <"$DCEA_ALERTS" 2>/dev/null || echo 0)
}

# dcea_alerts_since_mark: the alerts (one JSON object a line) written after the mark.
dcea_alerts_since_mark() {
	tail -n +"$((DCEA_MARK + 1))" "$DCEA_ALERTS" 2>/dev/null
}

_dcea_find_alert() { # RULE JQ
	dcea_alerts_since_mark | jq -c --arg r "$1" \
		"select(.type == \"alert\" and (\$r == \"*\" or .rule == \$r)) | select($2)" 2>/dev/null | head -n 1
}

# dcea_wait_alert RULE [JQ-FILTER] [SECS]: print the first alert of RULE (* for any) written after
# the mark for which JQ-FILTER (default true) holds; 1 when none arrived in SECS (default 5).
dcea_wait_alert() {
	local rule=$1 filter=${2:-true} secs=${3:-5} deadline a
	deadline=$((SECONDS + secs))
	while :; do
		a=$(_dcea_find_alert "$rule" "$filter")
		[ -n "$a" ] && { printf '%s\n' "$a"; return 0; }
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# dcea_count_alerts [JQ-FILTER]: how many alerts (type "alert") after the mark match JQ-FILTER.
dcea_count_alerts() {
	dcea_alerts_since_mark | jq -c "select(.type == \"alert\") | select(${1:-true})" 2>/dev/null |
		wc -l
}

# dcea_expect_alert NAME ALERT EXPR...: PASS NAME when ALERT is non-empty and every jq EXPR is
# true on it, else FAIL naming the first EXPR that is not, and the alert.
dcea_expect_alert() {
	local name=$1 alert=$2 e
	shift 2
	if [ -z "$alert" ]; then
		fail "$name" "no alert"
		return 1
	fi
	for e in "$@"; do
		if ! printf '%s\n' "$alert" | jq -e "$e" >/dev/null 2>&1; then
			fail "$name" "'$e' is false for $alert"
			return 1
		fi
	done
	pass "$name"
}

# dcea_ct_exprs ID: jq expressions that hold for an alert from docker container ID: its id, name,
# image and runtime, and its cgroup v2 id.
dcea_ct_exprs() {
	local id name image cgid
	id=$(docker inspect -f '{{.Id}}' "$1") || return 1
	name=$(docker inspect -f '{{.Name}}' "$1")
	name=${name#/}
	image=$(docker inspect -f '{{.Config.Image}}' "$1")
	cgid=$(stat -c %i "/sys/fs/cgroup/unified/docker/$id" 2>/dev/null)
	printf '%s\n' ".container.id == \"$id\"" ".container.name == \"$name\"" \
		".container.image == \"$image\"" '.container.runtime == "docker"' \
		".container.cgroup_id == ${cgid:-0}"
}

# dcea_ns_exprs ID: jq expressions on the namespaces and parent of an alert from a process that
# stayed in container ID's namespaces: mnt, pid, net, uts, ipc as the container's init sees them.
dcea_ns_exprs() {
	local pid n ino
	pid=$(docker inspect -f '{{.State.Pid}}' "$1") || return 1
	for n in mnt pid net uts ipc; do
		ino=$(readlink "/proc/$pid/ns/$n" | tr -dc 0-9)
		printf '%s\n' ".ns.$n == ${ino:-0}"
	done
	printf '%s\n' '.ppid > 0' '(.exe | length) > 0'
}

# dcea_escape_ct NAME DOCKER-ARGS...: a detached test container (docker_run_test) running sleep
# with the escape helper (dcea_helper first) at /usr/local/bin/dcea-escape; prints its id, and
# fails every check in CHECKS when docker cannot start it.
dcea_escape_ct() {
	local name=$1 id
	shift
	id=$(docker_run_test "$name" -d -v "$DCEA_ESCAPE:/usr/local/bin/dcea-escape:ro" "$@" \
		"$DCEA_IMAGE" sleep 600) || fail_all "docker run $name failed: $id" "${CHECKS[@]}"
	printf '%s\n' "$id"
}

# dcea_helper: build tests/helpers/escape.c statically (once, into $OUTPUT/test-bin) and set
# DCEA_ESCAPE to it; mount it into a container with `-v "$DCEA_ESCAPE:/usr/local/bin/dcea-escape:ro"`.
dcea_helper() {
	local h=$DCEA_TESTS_DIR/helpers out=$OUTPUT/test-bin/dcea-escape f stale=0
	DCEA_ESCAPE=$out
	for f in "$h/escape.c" "$h/routes.c" "$h/routes.h" "$h/uring.h"; do
		[ "$f" -nt "$out" ] && stale=1
	done
	if [ -x "$out" ] && [ "$stale" = 0 ]; then
		return 0
	fi
	mkdir -p "${out%/*}" || return 1
	${CC:-cc} -O2 -Wall -static -o "$out.tmp.$$" "$h/escape.c" "$h/routes.c" >&2 && mv "$out.tmp.$$" "$out"
}
