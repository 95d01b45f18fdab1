#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Smoke test of the libFuzzer harnesses (tests/fuzz): each replays its crash regressions
# (tests/fixtures/fuzz-regressions/<name>/) and its seed corpus once, then fuzzes for
# FUZZ_SMOKE_SECONDS (default 1) into a scratch corpus. Builds them first (make fuzz-build) when
# they are missing; skips when clang-19's libFuzzer runtime is not installed. No root needed.
. "$(dirname "$0")/../lib/common.sh"

fuzz=$OUTPUT/fuzz
secs=${FUZZ_SMOKE_SECONDS:-1}
names=()
for f in "$DCEA_ROOT"/tests/fuzz/*.c; do names+=("fuzz-$(basename "$f" .c)"); done

probe=$(mktemp -d)
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' >"$probe/p.c"
clang-19 -fsanitize=fuzzer,address "$probe/p.c" -o "$probe/p" >/dev/null 2>&1 ||
	{ rm -rf "$probe"; skip_all "clang-19 libFuzzer runtime missing (apt install libclang-rt-19-dev)" "${names[@]}"; }
rm -rf "$probe"
if ! make -C "$DCEA_ROOT" OUTPUT="$OUTPUT" fuzz-build >"$OUTPUT/fuzz-build.log" 2>&1; then
	fail_all "make fuzz-build failed, see $OUTPUT/fuzz-build.log" "${names[@]}"
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
for n in "${names[@]}"; do
	h=${n#fuzz-} bin=$fuzz/bin/${n#fuzz-} log=$scratch/$h.log
	reg=("$DCEA_ROOT/tests/fixtures/fuzz-regressions/$h"/*)
	[ -f "${reg[0]}" ] || reg=()
	mkdir -p "$scratch/$h" "$scratch/$h.art"
	dict=()
	[ -f "$DCEA_ROOT/tests/fuzz/$h.dict" ] && dict=(-dict="$DCEA_ROOT/tests/fuzz/$h.dict")
	if [ ! -x "$bin" ]; then
		fail "$n" "'$bin' was not built"
	elif [ ${#reg[@]} -gt 0 ] && ! "$bin" "${reg[@]}" >"$log" 2>&1; then
		fail "$n" "a regression input fails again: $(grep -m1 'ERROR:' "$log")"
	elif ! "$bin" -runs=0 -timeout=25 "$fuzz/corpus/$h" >"$log" 2>&1; then
		fail "$n" "a seed fails: $(grep -m1 'ERROR:' "$log")"
	elif ! "$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 -max_len=65536 \
		-artifact_prefix="$scratch/$h.art/" "${dict[@]}" "$scratch/$h" "$fuzz/corpus/$h" \
		>"$log" 2>&1; then
		mkdir -p "$fuzz/crashes/$h"
		cp "$scratch/$h.art/"* "$fuzz/crashes/$h/" 2>/dev/null
		fail "$n" "$(grep -m1 'ERROR:' "$log"), input kept in $fuzz/crashes/$h/"
	else
		pass "$n"
	fi
done
