#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench, load figures (docs/BENCHMARKS.md): with dcea in audit mode writing JSON to a file,
#   1. alert throughput: an unpaced storm of BENCH_STORM events (fsopen("proc") from a container,
#      each one a mount_api alert); handled (delivered or aggregated) + counted drops must equal
#      generated, and the loader's CPU while the storm ran;
#   2. the loader's CPU and RSS while a container makes 10k and 100k events/s (BENCH_RATES) for
#      BENCH_SECS seconds each;
#   3. memory of all of dcea's BPF maps (bpftool map show: bytes_memlock) with no container and
#      with BENCH_CONTAINERS running containers, and how full the containers and tasks maps are.
# Called by tests/bench/run.sh with the dcea lock held; runnable alone the same way:
#   flock /run/dcea-test/dcea.lock tests/bench/load.sh
#   BENCH_STORM (1000000)  BENCH_RATES ("10000 100000")  BENCH_SECS (10)  BENCH_CONTAINERS (1000)
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

STORM=${BENCH_STORM:-1000000}
RATES=${BENCH_RATES:-10000 100000}
SECS=${BENCH_SECS:-10}
NCT=${BENCH_CONTAINERS:-1000}

[ "$(id -u)" = 0 ] || { echo "load: needs root"; exit 1; }
if "$DCEA" status >/dev/null 2>&1; then
	echo "load: dcea is already loaded; stop it first ('dcea stop')" >&2
	exit 1
fi
esc=$OUTPUT/test-bin/dcea-escape
mkdir -p "${esc%/*}"
gcc -O2 -static -o "$esc" "$root/tests/helpers/escape.c" "$root/tests/helpers/routes.c" || exit 1
docker_up || { echo "load: $DCEA_DOCKER_ERR"; exit 1; }
docker_image || exit 1
cleanup_add "$DCEA" stop
gen=$(docker_run_test loadgen -d --security-opt seccomp=unconfined -v "$esc:/usr/local/bin/dcea-escape:ro" "$DCEA_IMAGE" sleep 3600) || exit 1

alerts=$DCEA_TMP/alerts.json
"$DCEA" run --mode audit --detach --json -o "$alerts" >/dev/null 2>&1 || { echo "load: dcea run failed"; exit 1; }
wait_until 10 "$DCEA" status >/dev/null 2>&1
pid=$("$DCEA" status --json | jq -r .loader_pid)
drops() { "$DCEA" status --json | jq -r .events_dropped; }
lines() { wc -l <"$alerts"; }
# settle: the alert file holds still for 1 s
settle() {
	local last=-1 n
	for ((i = 0; i < 600; i++)); do
		n=$(lines)
		[ "$n" = "$last" ] && return 0
		last=$n
		sleep 1
	done
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$pid/status"; }
# events of the generator's container: records, and events they stand for (aggregated counts)
count_gen() {
	grep -F "\"id\":\"$gen\"" "$alerts" | grep -F '"rule":"mount_api"' |
		jq -s '[.[] | .aggregated.count // 1] | add // 0'
}
records_gen() { grep -F "\"id\":\"$gen\"" "$alerts" | grep -cF '"rule":"mount_api"'; }
pending() { "$DCEA" status --json | jq -r '.aggregation.pending // 0'; }
hz=$(getconf CLK_TCK)

# --- 1. throughput -------------------------------------------------------------------------------
# Every event is handled: delivered as its own record or summed into an aggregated one (issue 18).
settle
: >"$alerts"
d0=$(drops)
c0=$(cpu_ticks)
t0=$(date +%s.%N)
out=$(docker exec "$gen" dcea-escape storm proc "$STORM")
t1=$(date +%s.%N)
c1=$(cpu_ticks)
wait_until 10 eval '[ "$(pending)" = 0 ]'
settle
n=$(count_gen)
d=$(($(drops) - d0))
made=${out%% *}
gen_rate=$(echo "$out" | cut -d' ' -f3)
printf '\n== alert throughput (%s events, unpaced) ==\n' "$made"
printf 'generated %s in %.2f s (%s events/s from one container)\n' "$made" "$(echo "$t1 - $t0" | bc -l)" "$gen_rate"
printf 'handled %s (%s records, the rest aggregated): %.0f events/s; loader CPU %.1f %% while it ran; dropped %s (counted); unaccounted %s\n' \
	"$n" "$(records_gen)" "$(echo "$n / ($t1 - $t0)" | bc -l)" \
	"$(echo "($c1 - $c0) * 100 / $hz / ($t1 - $t0)" | bc -l)" "$d" "$((made - n - d))"

# --- 1b. the consumer alone, and where the reserved ring first drops -------------------------------
# With --no-aggregation every event is a record: the same storm measures the loader's batching
# consumer (records written per second). A custom rule of severity critical on opens of
# /etc/passwd sends each open to the reserved ring; paced opens at rising rates find the rate at
# which that ring first drops (with aggregation on, repeats of one key never reach it).
pol=$DCEA_TMP/load-critical.yaml
cat >"$pol" <<'YAML'
version: 1
mode: audit
custom_rules:
  - id: bench_critical_open
    description: every open of /etc/passwd, critical (reserved ring)
    kind: open_read
    path: /etc/passwd
    severity: critical
    action: alert
YAML
restart_noagg() {
	"$DCEA" stop >/dev/null 2>&1
	"$DCEA" run --mode audit --detach --json -o "$alerts" --no-aggregation --policy "$pol" >/dev/null 2>&1 ||
		{ echo "load: dcea run --no-aggregation failed"; exit 1; }
	wait_until 30 "$DCEA" status >/dev/null 2>&1
	pid=$("$DCEA" status --json | jq -r .loader_pid)
}
restart_noagg
settle
: >"$alerts"
d0=$(drops)
t0=$(date +%s.%N)
out=$(docker exec "$gen" dcea-escape storm proc "$STORM")
t1=$(date +%s.%N)
settle
t2=$(date +%s.%N)
n=$(records_gen)
d=$(($(drops) - d0))
printf '\n== the consumer without aggregation (%s events, unpaced, --no-aggregation) ==\n' "${out%% *}"
printf 'generated at %s events/s; delivered %s records in %.2f s: %.0f records/s; dropped %s (counted); unaccounted %s\n' \
	"$(echo "$out" | cut -d' ' -f3)" "$n" "$(echo "$t2 - $t0 - 1" | bc -l)" "$(echo "$n / ($t2 - $t0 - 1)" | bc -l)" \
	"$d" "$((${out%% *} - n - d))"
printf '\n== the reserved ring: critical alerts at a fixed rate, --no-aggregation (3 s each) ==\n'
printf '%-12s %10s %10s %14s\n' "events/s" achieved delivered "reserved drops"
dr() { "$DCEA" status --json | jq -r .events_dropped_reserved; }
for r in 20000 50000 100000 200000 400000; do
	settle
	: >"$alerts"
	d0=$(dr)
	out=$(docker exec "$gen" dcea-escape storm open:/etc/passwd $((r * 3)) "$r")
	settle
	printf '%-12s %10s %10s %14s\n' "$r" "$(echo "$out" | cut -d' ' -f3)" \
		"$(grep -cF '"rule":"bench_critical_open"' "$alerts")" "$(($(dr) - d0))"
done
# back to the default: aggregation on, the built-in policy
"$DCEA" stop >/dev/null 2>&1
"$DCEA" run --mode audit --detach --json -o "$alerts" >/dev/null 2>&1 || { echo "load: dcea run failed"; exit 1; }
wait_until 30 "$DCEA" status >/dev/null 2>&1
pid=$("$DCEA" status --json | jq -r .loader_pid)

# --- 2. CPU and RSS at fixed rates ---------------------------------------------------------------
printf '\n== loader CPU and RSS at a fixed event rate (%s s each) ==\n' "$SECS"
printf '%-12s %10s %10s %10s %10s %10s %10s\n' "events/s" achieved handled dropped "CPU %" "RSS MiB" "peak MiB"
for r in $RATES; do
	settle
	: >"$alerts"
	d0=$(drops)
	c0=$(cpu_ticks)
	t0=$(date +%s.%N)
	out=$(docker exec "$gen" dcea-escape storm proc $((r * SECS)) "$r")
	rss=$(rss_kb)
	settle
	t1=$(date +%s.%N)
	c1=$(cpu_ticks)
	n=$(count_gen)
	d=$(($(drops) - d0))
	printf '%-12s %10s %10s %10s %10.1f %10.1f %10.1f\n' "$r" "$(echo "$out" | cut -d' ' -f3)" "$n" "$d" \
		"$(echo "($c1 - $c0) * 100 / $hz / ($t1 - $t0 - 1)" | bc -l)" "$(echo "$rss / 1024" | bc -l)" \
		"$(echo "$(hwm_kb) / 1024" | bc -l)"
done

# --- 3. map memory ---------------------------------------------------------------------------------
maps_mem() { # total bytes_memlock of dcea's maps
	bpftool map show -j | jq '[.[] | select(.name | startswith("dcea_")) | .bytes_memlock // 0] | add'
}
map_n() { bpftool map dump pinned "/sys/fs/bpf/dcea/$1" -j 2>/dev/null | jq length; }
printf '\n== BPF map memory ==\n'
printf '%-14s %12s %12s %12s\n' containers "maps MiB" "containers" "tasks"
printf '%-14s %12.1f %12s %12s\n' "$(docker ps -q | wc -l) (now)" "$(echo "$(maps_mem) / 1048576" | bc -l)" \
	"$(map_n dcea_containers)" "$(map_n dcea_tasks)"
# each running container costs ~12 MiB here (its containerd shim): never risk the machine's memory
avail=$(awk '/^MemAvailable/ {print int($2 / 1024)}' /proc/meminfo)
if [ $((NCT * 16 + 2048)) -gt "$avail" ]; then
	NCT=$(((avail - 2048) / 16))
	printf '(only %s MiB available: %s containers; the maps are preallocated, their size does not depend on it)\n' "$avail" "$NCT"
fi
batch=()
for ((i = 1; i <= NCT; i++)); do
	docker_run_test "load$i" -d "$DCEA_IMAGE" sleep 3600 >/dev/null 2>&1 &
	batch+=("$!")
	if [ "${#batch[@]}" -ge 8 ]; then
		wait "${batch[@]}"
		batch=()
	fi
done
wait "${batch[@]}"
sleep 1
printf '%-14s %12.1f %12s %12s\n' "$(docker ps -q | wc -l)" "$(echo "$(maps_mem) / 1048576" | bc -l)" \
	"$(map_n dcea_containers)" "$(map_n dcea_tasks)"
bpftool map show -j | jq -r '.[] | select(.name | startswith("dcea_")) | "  \(.name) \(.type) max_entries=\(.max_entries) \(.bytes_memlock // 0) bytes"'
printf 'loader RSS with %s containers: %.1f MiB\n' "$NCT" "$(echo "$(rss_kb) / 1024" | bc -l)"
printf '\nkernel %s; %s\n' "$(uname -r)" "$(date -u +%Y-%m-%d)"
