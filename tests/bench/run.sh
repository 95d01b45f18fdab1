#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: the enforcer's cost on syscalls made inside a container, as ratios against no dcea
# in the same run. Configurations are interleaved round by round (none, floor, audit, block) so
# drift on a shared machine hits all alike; the median of the rounds is reported. "floor" is empty
# programs (tests/bench/floor.c) on exactly the hooks dcea attaches here, read from its pinned links
# and the BPF object's sections at the start of the run: the price of the hooks themselves.
#   BENCH_IMAGE=0 skips the image-scan benchmark (tests/bench/image.sh)
#   BENCH_START=0 skips the container start benchmark (tests/bench/start.sh)
#   BENCH_SCAN=0 skips the pre-launch scan timings (tests/bench/scan.sh, also runnable alone)
#   BENCH_LOAD=0 skips the load figures (tests/bench/load.sh: alert throughput, loader CPU/RSS, map memory)
#   uring-open/uring-read/uring-net: benign io_uring (IORING_OP_OPENAT+CLOSE, IORING_OP_READ,
#   IORING_OP_SEND+RECV on loopback TCP), issue 14; unix-msg: sendmsg+recvmsg on a unix
#   socketpair (the receipt of a leaked host directory is judged on every such recvmsg)
#   BENCH_OPS ("open stat forkexec mount uring-open uring-read uring-net unix-msg") the operations
#   measured
#   BENCH_ROUNDS (5)  BENCH_N_URING (100000)  BENCH_N_UNIX (100000)  BENCH_N_OPEN (200000)  BENCH_N_STAT (200000)  BENCH_N_FORK (2000)  BENCH_N_MOUNT (20000)
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ROUNDS=${BENCH_ROUNDS:-5}
declare -A N=([open]=${BENCH_N_OPEN:-200000} [stat]=${BENCH_N_STAT:-200000} [forkexec]=${BENCH_N_FORK:-2000} [mount]=${BENCH_N_MOUNT:-20000}
	[uring-open]=${BENCH_N_URING:-100000} [uring-read]=${BENCH_N_URING:-100000} [uring-net]=${BENCH_N_URING:-100000}
	[unix-msg]=${BENCH_N_UNIX:-100000})
OPS=${BENCH_OPS:-open stat forkexec mount uring-open uring-read uring-net unix-msg}

[ "$(id -u)" = 0 ] || { echo "bench: needs root"; exit 1; }
[ -x "$DCEA" ] || { echo "bench: $DCEA is not built"; exit 1; }
# the machine-wide lock the tests take before loading dcea: never unload someone else's enforcer
mkdir -p /run/dcea-test
exec {lockfd}>>/run/dcea-test/dcea.lock
flock -w 600 "$lockfd" || { echo "bench: another run holds /run/dcea-test/dcea.lock"; exit 1; }
if "$DCEA" status >/dev/null 2>&1; then
	echo "bench: dcea is already loaded; stop it first ('dcea stop')" >&2
	exit 1
fi
mkdir -p "$OUTPUT/image-bin"
gcc -O2 -static -o "$OUTPUT/image-bin/dcea-bench" "$here/loop.c" || exit 1
gcc -O2 -o "$OUTPUT/dcea-floor" "$here/floor.c" -lbpf || exit 1
docker_up || { echo "bench: $DCEA_DOCKER_ERR"; exit 1; }
docker_image || exit 1
cleanup_add "$DCEA" stop
ct=$(docker_run_test bench -d --cap-add SYS_ADMIN "$DCEA_IMAGE" sleep 3600) || exit 1

floor_pid=
floor_stop() {
	[ -n "$floor_pid" ] || return 0
	kill "$floor_pid" 2>/dev/null
	wait "$floor_pid" 2>/dev/null
	floor_pid=
}
cleanup_add floor_stop

set_config() {
	floor_stop
	case $1 in
	none) "$DCEA" stop >/dev/null ;;
	floor)
		"$DCEA" stop >/dev/null
		# shellcheck disable=SC2086 # one argument per hook
		coproc FLOOR { exec "$OUTPUT/dcea-floor" $HOOKS; }
		# shellcheck disable=SC2153 # FLOOR_PID: set by coproc
		floor_pid=$FLOOR_PID
		read -r -t 10 ready _ <&"${FLOOR[0]}" && [ "$ready" = ready ]
		;;
	audit)
		"$DCEA" run --mode audit --detach --json -o "$DCEA_TMP/alerts.json" >/dev/null 2>&1 || return 1
		wait_until 10 grep -q dcea_config <(ls /sys/fs/bpf/dcea 2>/dev/null)
		;;
	block) "$DCEA" run --mode block >/dev/null ;;
	esac
}

set_config audit || { echo "bench: failed to set up audit"; exit 1; }
HOOKS=$(dcea_hooks)
[ -n "$HOOKS" ] || { echo "bench: found no hooks dcea attached"; exit 1; }
printf 'floor: %d hooks: %s\n' "$(wc -w <<<"$HOOKS")" "$(tr "\n" " " <<<"$HOOKS")" >&2
set_config none

declare -A R
for ((r = 1; r <= ROUNDS; r++)); do
	for cfg in none floor audit block; do
		set_config "$cfg" || { echo "bench: failed to set up $cfg"; exit 1; }
		sleep 0.5
		for op in $OPS; do
			v=$(docker exec "$ct" /usr/local/bin/dcea-bench "$op" "${N[$op]}") || { echo "bench: $op failed under $cfg"; exit 1; }
			R[$cfg.$op]="${R[$cfg.$op]:-} $v"
		done
	done
	printf 'round %d/%d done\n' "$r" "$ROUNDS" >&2
done
set_config none

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { echo "$1 / $2" | bc -l; }
printf '\n%-10s %9s %9s %9s %9s %7s %7s %7s %7s\n' "op ns/op" none floor audit block \
	fl/none au/none bl/none bl/floor
for op in $OPS; do
	n=$(echo "${R[none.$op]}" | median)
	f=$(echo "${R[floor.$op]}" | median)
	a=$(echo "${R[audit.$op]}" | median)
	b=$(echo "${R[block.$op]}" | median)
	printf '%-10s %9.1f %9.1f %9.1f %9.1f %7.3f %7.3f %7.3f %7.3f\n' "$op" "$n" "$f" "$a" "$b" \
		"$(ratio "$f" "$n")" "$(ratio "$a" "$n")" "$(ratio "$b" "$n")" "$(ratio "$b" "$f")"
done
printf '\n%s rounds, median; kernel %s; %s\n' "$ROUNDS" "$(uname -r)" "$(date -u +%Y-%m-%d)"

if [ "${BENCH_START:-1}" = 1 ]; then
	printf '\n== container start latency (tests/bench/start.sh) ==\n'
	DCEA_BENCH_LOCKED=1 "$here/start.sh" # under this script's lock
fi

if [ "${BENCH_LOAD:-1}" = 1 ]; then
	printf '\n== load (tests/bench/load.sh) ==\n'
	"$here/load.sh"
fi

if [ "${BENCH_IMAGE:-1}" = 1 ]; then
	printf '\n== image scan (tests/bench/image.sh) ==\n'
	"$here/image.sh"
fi

if [ "${BENCH_SCAN:-1}" = 1 ]; then
	printf '\n== pre-launch scans (tests/bench/scan.sh) ==\n'
	"$here/scan.sh"
fi
