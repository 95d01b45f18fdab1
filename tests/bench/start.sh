#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Container start latency added by dcea: `docker run --rm --network none IMG true` wall time with no
# dcea, with dcea in audit mode (default policy: the new container is scanned, not held), and in
# block mode under policy/strict.yaml (the entrypoint is held until the admission verdict).
# Configurations are interleaved round by round; medians are reported with the ratio against none,
# and the median hold (held_ms of the admission records).
#   tests/bench/start.sh [ROUNDS] [RUNS-PER-ROUND]    (default 3 and 10)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export OUTPUT=${OUTPUT:-build}
case $OUTPUT in /*) ;; *) OUTPUT=$root/$OUTPUT ;; esac
DCEA=$OUTPUT/dcea
. "$root/tests/lib/common.sh"
. "$root/tests/lib/docker.sh"
ROUNDS=${1:-3}
RUNS=${2:-10}

[ "$(id -u)" = 0 ] || { echo "start-bench: needs root"; exit 1; }
if [ "${DCEA_BENCH_LOCKED:-0}" != 1 ]; then # run.sh holds it already
	mkdir -p /run/dcea-test
	exec {lockfd}>>/run/dcea-test/dcea.lock
	flock -w 600 "$lockfd" || { echo "start-bench: another run holds /run/dcea-test/dcea.lock"; exit 1; }
fi
if "$DCEA" status >/dev/null 2>&1; then
	echo "start-bench: dcea is already loaded; stop it first ('dcea stop')" >&2
	exit 1
fi
docker_up || { echo "start-bench: $DCEA_DOCKER_ERR"; exit 1; }
docker_image || exit 1
cleanup_add "$DCEA" stop
ALERTS=$DCEA_TMP/alerts.json

set_config() {
	"$DCEA" stop >/dev/null 2>&1
	case $1 in
	none) return 0 ;;
	audit) "$DCEA" run --mode audit --detach --json -o "$ALERTS" >/dev/null 2>&1 || return 1 ;;
	strict) "$DCEA" run --policy "$root/policy/strict.yaml" --detach --json -o "$ALERTS" \
		>/dev/null 2>&1 || return 1 ;;
	esac
	wait_until 30 grep -q 'streaming alerts' "$ALERTS"
}

declare -A R
for ((r = 1; r <= ROUNDS; r++)); do
	for cfg in none audit strict; do
		set_config "$cfg" || { echo "start-bench: failed to set up $cfg"; exit 1; }
		docker_run_test warm --rm "$DCEA_IMAGE" true >/dev/null 2>&1
		for ((i = 0; i < RUNS; i++)); do
			t0=$(date +%s%N)
			docker_run_test "s$i" --rm "$DCEA_IMAGE" true >/dev/null 2>&1 ||
				{ echo "start-bench: docker run failed under $cfg"; exit 1; }
			R[$cfg]="${R[$cfg]:-} $((($(date +%s%N) - t0) / 1000))"
		done
	done
	printf 'round %d/%d done\n' "$r" "$ROUNDS" >&2
done
"$DCEA" stop >/dev/null

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
n=$(echo "${R[none]}" | median)
printf '\n%-34s %10s %8s\n' "docker run --rm IMG true" "median ms" "x none"
for cfg in none audit strict; do
	m=$(echo "${R[$cfg]}" | median)
	printf '%-34s %10.1f %8.3f\n' "$cfg" "$(echo "$m / 1000" | bc -l)" "$(echo "$m / $n" | bc -l)"
done
held=$(jq -r 'select(.type == "admission" and .action == "resume") | .held_ms' "$ALERTS" 2>/dev/null | median)
scan=$(jq -r 'select(.type == "admission" and .action == "resume") | .scan_ms' "$ALERTS" 2>/dev/null | median)
printf '\nstrict: entrypoint held %s ms (median), scan %s ms; %s rounds x %s runs; kernel %s; %s\n' \
	"${held:-?}" "${scan:-?}" "$ROUNDS" "$RUNS" "$(uname -r)" "$(date -u +%Y-%m-%d)"
