# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Sourced by every integration script (bash): result lines, whole-script skips, timeouts, and a
# cleanup registry that runs on every exit path, so a script removes what it created even when it
# fails or is killed by the runner's timeout.
#
# Result lines are the contract with tests/run.sh, one per check:
#   PASS <name>
#   FAIL <name>: <why>
#   SKIP <name>: <reason>
# Anything else a script prints goes to its log only.

[ -n "${_DCEA_COMMON_SH:-}" ] && return 0
_DCEA_COMMON_SH=1

DCEA_TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DCEA_ROOT=$(cd "$DCEA_TESTS_DIR/.." && pwd)
# tests/run.sh exports absolute OUTPUT and DCEA; a script run by hand gets the same defaults.
OUTPUT=${OUTPUT:-build}
case $OUTPUT in /*) ;; *) OUTPUT=$DCEA_ROOT/$OUTPUT ;; esac
DCEA=${DCEA:-$OUTPUT/dcea}
# Names this script's resources (containers, temp dirs) so that concurrent runs never touch each
# other's: the script's base name plus its pid.
DCEA_TEST_NAME=${DCEA_TEST_NAME:-$(basename "$0" .sh)}
DCEA_TEST_ID=${DCEA_TEST_NAME}-$$
export OUTPUT DCEA DCEA_TESTS_DIR DCEA_ROOT DCEA_TEST_ID

# --- results -------------------------------------------------------------------------------------

# One line each, whatever the caller passes: newlines in a reason would break the line protocol.
_dcea_oneline() {
	local s=${1//$'\r'/}
	s=${s//$'\n'/ | }
	printf '%s' "$s"
}

pass() { printf 'PASS %s\n' "$(_dcea_oneline "$1")"; }
fail() { printf 'FAIL %s: %s\n' "$(_dcea_oneline "$1")" "$(_dcea_oneline "${2:-failed}")"; }
skip() { printf 'SKIP %s: %s\n' "$(_dcea_oneline "$1")" "$(_dcea_oneline "${2:-skipped}")"; }

# dcea_ci_prereq REASON: is REASON a missing prerequisite that CI installs itself (.ci/run: make
# deps as root, the harness's own dockerd, its image and runtime, the vmtest kernels)? Under
# DCEA_CI=1 such a skip is a failure: a CI run where docker could not start must not be green.
dcea_ci_prereq() {
	[ "${DCEA_CI:-0}" = 1 ] || return 1
	case $1 in
	"not root" | "docker unavailable"* | "no test image"* | *"not installed" | "podman unavailable"* | \
		*"dcea-runc runtime"* | *"libFuzzer runtime missing"* | "no kernel could be booted"*) return 0 ;;
	esac
	return 1
}

# skip_all REASON [CHECK...]: print SKIP for each named check (or for the script itself when none
# is named) and exit 0. The cleanup registry still runs. Under DCEA_CI=1 a prerequisite CI
# installs itself (dcea_ci_prereq) FAILs instead.
skip_all() {
	local reason=$1 c
	shift
	dcea_ci_prereq "$reason" && fail_all "missing, and CI installs it itself (DCEA_CI=1): $reason" "$@"
	[ $# -gt 0 ] || set -- "$DCEA_TEST_NAME"
	for c in "$@"; do skip "$c" "$reason"; done
	exit 0
}

# skip_prereq NAME REASON: SKIP one check for a missing prerequisite, or FAIL it under DCEA_CI=1
# when CI installs that prerequisite itself (dcea_ci_prereq).
skip_prereq() {
	if dcea_ci_prereq "$2"; then
		fail "$1" "missing, and CI installs it itself (DCEA_CI=1): $2"
	else
		skip "$1" "$2"
	fi
}

# fail_all WHY [CHECK...]: print FAIL for each named check (or for the script) and exit 0.
fail_all() {
	local why=$1 c
	shift
	[ $# -gt 0 ] || set -- "$DCEA_TEST_NAME"
	for c in "$@"; do fail "$c" "$why"; done
	exit 0
}

# dcea_sanitized: is $DCEA built with ASan (make test SANITIZE=1)?
dcea_sanitized() { grep -qa __asan_init "$DCEA" 2>/dev/null; }

# check_under NAME MS LIMIT: PASS when MS < LIMIT milliseconds. A dcea built with ASan
# (SANITIZE=1) runs several times slower than the release build: its timings SKIP.
check_under() {
	local name=$1 ms=$2 limit=$3
	if dcea_sanitized; then
		skip "$name" "${ms:-?} ms with an ASan build (SANITIZE=1): timings are checked on the release build"
	elif [ -n "$ms" ] && [ "$ms" -lt "$limit" ]; then
		pass "$name"
	else
		fail "$name" "${ms:-?} ms, goal < $limit ms"
	fi
}

# need_dcea [CHECK...]: fail the script's checks unless the dcea binary is built; a missing binary
# is a build problem, not a reason to skip.
need_dcea() {
	[ -x "$DCEA" ] || fail_all "'$DCEA' not built" "$@"
}

# need_root [CHECK...]: skip the script's checks unless running as root.
need_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "not root" "$@"
}

# need_cmd CMD [CHECK...]: skip the script's checks unless CMD is installed.
need_cmd() {
	local cmd=$1
	shift
	command -v "$cmd" >/dev/null 2>&1 || skip_all "'$cmd' not installed" "$@"
}

# check NAME CMD...: PASS when CMD exits 0, else FAIL with its exit code and last output line.
# Returns CMD's exit code, so `check ... || return` works.
check() {
	local name=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" -eq 0 ]; then
		pass "$name"
	else
		fail "$name" "'$*' exited $rc${out:+: $(printf '%s\n' "$out" | tail -n 1)}"
	fi
	return "$rc"
}

# check_eq NAME WANT GOT: PASS when the strings are equal.
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "want '$2', got '$3'"
		return 1
	fi
}

# --- time ----------------------------------------------------------------------------------------

# run_timeout SECS CMD...: run an external command (not a shell function: wrap those in
# `bash -c`), TERM after SECS, KILL 5 s later. Exit code 124 means it timed out.
run_timeout() {
	local secs=$1
	shift
	timeout -k 5 "$secs" "$@"
}

# wait_until SECS CMD...: poll CMD (a function is fine) every 0.1 s until it succeeds; 1 on timeout.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	while :; do
		"$@" && return 0
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# --- cleanup registry ----------------------------------------------------------------------------
# Cleanups run last-in first-out when the script exits for any reason (end, exit, error, INT, TERM,
# HUP). Register them from the script's main shell: a cleanup_add inside $(...) or ( ... ) is lost
# with the subshell. Scripts must not set their own EXIT trap.

_dcea_cleanups=()

# cleanup_add CMD [ARG...]: run this command (or function) at exit.
cleanup_add() {
	local q
	printf -v q '%q ' "$@"
	_dcea_cleanups+=("$q")
}

# cleanup_now: run the registered cleanups now (LIFO) and empty the registry.
cleanup_now() {
	local i rc
	for ((i = ${#_dcea_cleanups[@]} - 1; i >= 0; i--)); do
		rc=0
		eval "${_dcea_cleanups[i]}" </dev/null >&2 || rc=$?
		[ "$rc" -eq 0 ] || printf 'cleanup: %s: exited %d, ignoring\n' "${_dcea_cleanups[i]}" "$rc" >&2
	done
	_dcea_cleanups=()
}

_dcea_on_exit() {
	local rc=$?
	trap - EXIT INT TERM HUP
	set +e
	cleanup_now
	exit "$rc"
}
trap _dcea_on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# _dcea_kill_pid PID: TERM, then KILL after 2 s; only ever the pid a test started itself.
_dcea_kill_pid() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# cleanup_kill PID: kill this process (one the test started) at exit.
cleanup_kill() { cleanup_add _dcea_kill_pid "$1"; }

# start_bg VAR CMD...: start CMD in the background, store its pid in VAR, kill it at exit.
start_bg() {
	local _var=$1
	shift
	"$@" </dev/null &
	printf -v "$_var" '%s' "$!"
	cleanup_kill "$!"
}

# A private temporary directory, removed at exit.
DCEA_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dcea-test-$DCEA_TEST_NAME.XXXXXX")
cleanup_add rm -rf "$DCEA_TMP"
