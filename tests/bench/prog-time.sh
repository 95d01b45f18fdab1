#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The open program's own time per run, from the kernel's BPF statistics (kernel.bpf_stats_enabled:
# run_time_ns / run_cnt): dcea loaded in audit or block mode ("floor": one empty program on
# sys_exit_openat instead, the statistics' own cost), REPS x N opens+closes of /etc/passwd in a
# container. Unlike the end-to-end loop of run.sh, a shared machine's load barely moves it. Each
# line also gives the program's runs in the idle second after (host tasks: they stop at the
# container-task lookup) to show what the figure includes besides the container's opens.
# After each round, every BPF program (dcea's or not) that ran at least PROGTIME_MIN times during
# the loop (default N/2: once per two opens+closes) is listed with its runs per open+close and its
# time per run, and the sum of their time per open+close: what runs on the path besides the open
# program. "floor-all": empty programs on every hook dcea attaches (as make bench's floor).
#   tests/bench/prog-time.sh [audit|block|floor|floor-all] [REPS (5)]   N: BENCH_N_OPEN (200000)
#   PROGTIME_OP: the loop's operation instead of open (loop.c: unix-msg, ...); the per-op lines
#   then count per one of those
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MODE=${1:-audit}
REPS=${2:-5}
N=${BENCH_N_OPEN:-200000}
PROG=watch_openat

[ "$(id -u)" = 0 ] || { echo "prog-time: needs root"; exit 1; }
[ -x "$DCEA" ] || { echo "prog-time: $DCEA is not built"; exit 1; }
mkdir -p /run/dcea-test
exec {lockfd}>>/run/dcea-test/dcea.lock
flock -w "${DCEA_LOCK_WAIT:-600}" "$lockfd" || { echo "prog-time: another run holds the lock"; exit 1; }
if "$DCEA" status >/dev/null 2>&1; then
	echo "prog-time: dcea is already loaded; stop it first ('dcea stop')" >&2
	exit 1
fi
mkdir -p "$OUTPUT/image-bin"
gcc -O2 -static -o "$OUTPUT/image-bin/dcea-bench" "$here/loop.c" || exit 1
docker_up || { echo "prog-time: $DCEA_DOCKER_ERR"; exit 1; }
docker_image || exit 1
cleanup_add "$DCEA" stop
ct=$(docker_run_test progtime -d "$DCEA_IMAGE" sleep 3600) || exit 1
case $MODE in
audit | block)
	"$DCEA" run --mode audit --detach --json -o "$DCEA_TMP/alerts.json" >/dev/null 2>&1 || exit 1
	wait_until 10 grep -q dcea_config <(ls /sys/fs/bpf/dcea 2>/dev/null)
	# with dcea loaded, run --mode switches the running instance's mode and returns (as run.sh)
	if [ "$MODE" = block ]; then "$DCEA" run --mode block >/dev/null || exit 1; fi
	;;
floor | floor-all)
	hooks=tp/syscalls/sys_exit_openat
	if [ "$MODE" = floor-all ]; then
		"$DCEA" run --mode audit --detach --json -o "$DCEA_TMP/alerts.json" >/dev/null 2>&1 || exit 1
		wait_until 10 grep -q dcea_config <(ls /sys/fs/bpf/dcea 2>/dev/null)
		hooks=$(dcea_hooks)
		"$DCEA" stop >/dev/null || exit 1
		[ -n "$hooks" ] || { echo "prog-time: found no hooks dcea attached"; exit 1; }
	fi
	gcc -O2 -o "$OUTPUT/dcea-floor" "$here/floor.c" -lbpf || exit 1
	# shellcheck disable=SC2086 # one argument per hook
	coproc FLOOR { exec "$OUTPUT/dcea-floor" $hooks; }
	# shellcheck disable=SC2153 # FLOOR_PID: set by coproc
	cleanup_kill "$FLOOR_PID"
	if ! read -r -t 10 ready n <&"${FLOOR[0]}" || [ "$ready" != ready ]; then
		echo "prog-time: the floor's programs did not attach"
		exit 1
	fi
	echo "floor: $n hooks"
	PROG=dcea_floor
	;;
*) echo "usage: prog-time.sh [audit|block|floor|floor-all] [REPS]" >&2; exit 2 ;;
esac
MIN=${PROGTIME_MIN:-$((N / 2))}
sleep 1
old=$(sysctl -n kernel.bpf_stats_enabled)
cleanup_add sysctl -qw "kernel.bpf_stats_enabled=$old"
sysctl -qw kernel.bpf_stats_enabled=1

# run_time_ns and run_cnt of the newest tracepoint program by that name (watch_openat runs as
# watch_openat_cast where the kernel has bpf_rdonly_cast)
stats() {
	bpftool -j prog show | python3 -c '
import json, sys
ps = [p for p in json.load(sys.stdin) if p.get("type") == "tracepoint"
      and p.get("name") in (sys.argv[1], sys.argv[1] + "_cast")]
p = max(ps, key=lambda p: p["id"])
print(p["name"], p.get("run_time_ns", 0), p.get("run_cnt", 0))' "$PROG"
}

# every program's id, type, name, run_time_ns and run_cnt, one a line
all_stats() {
	bpftool -j prog show | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    print(p["id"], p.get("type"), p.get("name", "-"), p.get("run_time_ns", 0), p.get("run_cnt", 0))'
}

# the programs that ran at least MIN times between two all_stats snapshots, per open+close
per_op() {
	awk -v n="$N" -v min="$MIN" 'FNR == NR { t[$1] = $4; c[$1] = $5; next }
	($1 in c) && $5 - c[$1] >= min {
		dc = $5 - c[$1]; dt = $4 - t[$1]; sum += dt / n
		printf "  %-28s %-14s id %-5d %5.2f runs per open+close, %6.1f ns per run\n", $3, $2, $1, dc / n, dt / dc
	}
	END { printf "  all of them: %.1f ns per open+close\n", sum }' "$1" "$2"
}

# the CPU time (utime + stime, clock ticks) of the loader's process (no loader: 0)
loader_pid=$(pgrep -x -o dcea || true)
loader_cpu() {
	[ -n "$loader_pid" ] || { echo 0; return; }
	awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$loader_pid/stat" 2>/dev/null || echo 0
}
hz=$(getconf CLK_TCK)

for ((r = 1; r <= REPS; r++)); do
	all_stats >"$DCEA_TMP/stats0"
	l0=$(loader_cpu) s0=$(date +%s%N)
	read -r name t0 c0 < <(stats)
	v=$(docker exec "$ct" /usr/local/bin/dcea-bench "${PROGTIME_OP:-open}" "$N") || exit 1
	read -r _ t1 c1 < <(stats)
	all_stats >"$DCEA_TMP/stats1"
	l1=$(loader_cpu) s1=$(date +%s%N)
	sleep 1
	read -r _ t2 c2 < <(stats)
	awk -v p="$name" -v dt=$((t1 - t0)) -v dc=$((c1 - c0)) -v v="$v" -v it=$((t2 - t1)) \
		-v ic=$((c2 - c1)) 'BEGIN {
		printf "%s: %.1f ns per run over %d runs; open+close %.0f ns; idle second: %d runs, %.0f ns per run\n",
			p, dc ? dt / dc : 0, dc, v, ic, ic ? it / ic : 0 }'
	per_op "$DCEA_TMP/stats0" "$DCEA_TMP/stats1"
	[ -z "$loader_pid" ] || awk -v pid="$loader_pid" -v c=$((l1 - l0)) -v hz="$hz" -v ns=$((s1 - s0)) 'BEGIN {
		printf "  loader (pid %d): %.0f ms of CPU during the loop (%.2f s, %.1f %% of a CPU)\n",
			pid, c * 1000 / hz, ns / 1e9, c * 1e11 / hz / ns }'
done
printf '%s mode, %d x %d opens; kernel %s; %s\n' "$MODE" "$REPS" "$N" "$(uname -r)" "$(date -u '+%Y-%m-%d %H:%M')"
