#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# run.sh SECONDS NAME...: fuzz each harness $FUZZ_DIR/bin/NAME for SECONDS over its corpus
# $FUZZ_DIR/corpus/NAME (new inputs are added there), with tests/fuzz/NAME.dict when there is one.
# One line per harness: name, executions, corpus size, result. A crash, leak, timeout or OOM fails
# the run and leaves the input in $FUZZ_DIR/crashes/NAME/; the full log is $FUZZ_DIR/logs/NAME.log.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:?usage: run.sh SECONDS NAME...}
shift
dir=${FUZZ_DIR:?FUZZ_DIR not set}
failed=0
mkdir -p "$dir/logs"
printf '%-16s %12s %8s  %s\n' harness execs corpus result
for h in "$@"; do
	bin=$dir/bin/$h corpus=$dir/corpus/$h crashes=$dir/crashes/$h log=$dir/logs/$h.log
	mkdir -p "$corpus" "$crashes"
	dict=()
	[ -f "$top/tests/fuzz/$h.dict" ] && dict=(-dict="$top/tests/fuzz/$h.dict")
	rc=0
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
		"$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$crashes/" "${dict[@]}" "$corpus" >"$log" 2>&1 ||
		rc=$?
	execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log" | tail -1)
	size=$(find "$corpus" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		res=ok
	else
		failed=1
		art=$(grep -o 'Test unit written to .*' "$log" | tail -1 | sed 's/Test unit written to //')
		why=$(grep -m1 -o 'ERROR: [A-Za-z]*Sanitizer: [^ ]*\|runtime error: .*\|ERROR: libFuzzer: [^ ]*' \
			"$log" || echo "exit $rc")
		res="FAILED ($why) ${art:-}"
	fi
	printf '%-16s %12s %8s  %s\n' "$h" "${execs:-?}" "$size" "$res"
done
exit $failed
