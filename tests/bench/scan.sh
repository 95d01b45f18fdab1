#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark of the pre-launch scans (issue goal: `scan kernel` and `scan config` of one container
# each well under 100 ms): wall time of the whole dcea process, as an operator sees it, median and
# max of RUNS runs per command. Needs no root, no docker: the config inputs are the committed
# fixtures (real docker/podman inspect output and a podman OCI config.json).
#   tests/bench/scan.sh [RUNS]     (default 21)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUTPUT=${OUTPUT:-build}
case $OUTPUT in /*) ;; *) OUTPUT=$ROOT/$OUTPUT ;; esac
DCEA=${DCEA:-$OUTPUT/dcea}
RUNS=${1:-21}
FX=$ROOT/tests/fixtures/scanners

[ -x "$DCEA" ] || { echo "scan-bench: $DCEA is not built"; exit 1; }
run() {
	local name=$1 t0 i
	shift
	for ((i = 0; i < RUNS; i++)); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		echo $((($(date +%s%N) - t0) / 1000))
	done | sort -n | awk -v n="$name" '{a[NR] = $1} END {
		printf "%-44s %8.1f ms %8.1f ms\n", n, a[int((NR + 1) / 2)] / 1000, a[NR] / 1000 }'
}
printf '%-44s %11s %11s\n' command median max
run "scan kernel (this host)" "$DCEA" scan kernel
run "scan kernel --release 5.10.101" "$DCEA" scan kernel --release 5.10.101
run "scan config docker inspect (privileged)" "$DCEA" scan config "$FX/inspect-privileged.json"
run "scan config podman inspect (privileged)" "$DCEA" scan config "$FX/podman-inspect-privileged.json"
run "scan config OCI config.json (podman, priv.)" "$DCEA" scan config "$FX/oci-podman-privileged.json"
run "scan self (on the host)" "$DCEA" scan self
run "scan runtime" "$DCEA" scan runtime
printf '\n%s runs each; kernel %s; %s\n' "$RUNS" "$(uname -r)" "$(date -u +%Y-%m-%d)"
