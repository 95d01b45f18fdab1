#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck disable=SC2016 # single quotes inside messages are literal
# Test runner behind `make test` / `make unit`:
#   OUTPUT=build tests/run.sh UNIT_BIN...
# Runs each cmocka unit binary and counts its tests, then (unless DCEA_UNIT_ONLY=1) every
# tests/integration/*.sh in order, counting their PASS/FAIL/SKIP lines. Prints one progress line per
# file and ends with exactly one line "N passed, N failed, N skipped"; exits 1 if anything failed.
# A unit binary that crashes, times out or exits non-zero without a reported failure, and an
# integration script that exits non-zero without printing FAIL, count as one failure each.
#
# Environment:
#   DCEA_UNIT_ONLY=1          skip the integration scripts
#   DCEA_TEST_FILTER=REGEX    run only integration scripts whose file name matches (grep -E)
#   DCEA_INTEGRATION_DIR=DIR  take the integration scripts from DIR (the harness self-test uses it)
#   DCEA_UNIT_TIMEOUT=SECS    per unit binary (default 120)
#   DCEA_TEST_TIMEOUT=SECS    per integration script (default 600, or the script's own
#                             "# dcea-test-timeout: SECS" line)
#   DCEA_TEST_DEADLINE=EPOCH  no script runs past this time (date +%s): one that would is cut
#                             short, one with less than 60 s (DCEA_TEST_MIN_LEFT) left is a
#                             failure, not run
#   DCEA_TEST_VERBOSE=1       show every line the tests print, not only results
#   DCEA_KEEP_DOCKERD=1       leave the dockerd the harness started running at the end
#   DCEA_CI=1                 set by .ci/run: a prerequisite CI installs itself (root, docker, the
#                             test image, a command, the vmtest kernels) missing is a failure, not
#                             a skip (tests/lib/common.sh), and the skip budget is strict
#   DCEA_SKIP_BUDGET=FILE     the skips expected of the integration scripts (default
#                             tests/skip-budget.tsv; "" for none; with DCEA_INTEGRATION_DIR only
#                             when set)
#   DCEA_SKIP_BUDGET_STRICT=1 a skip over the budget fails the run outside CI too
#   SANITIZE=1                the binaries are built with ASan+UBSan (`make test SANITIZE=1`):
#                             every report of theirs, from unit binaries and from every dcea the
#                             integration scripts run, goes to $OUTPUT/test-logs/sanitizer/ and
#                             counts as one failure (a report in a background loader that exits
#                             0 is not lost)
# Full output of each file is kept under $OUTPUT/test-logs/. Before the summary line, the skips
# are counted by reason, and the integration scripts' skips are held against the skip budget: a
# skip the budget does not list, or more of one than it allows, is a failure under DCEA_CI=1
# (the budget describes the CI machine: root, docker, this kernel) and a loud warning otherwise
# (a developer's machine may lack what CI has, and `make test` alone may skip).
set -uo pipefail

tests_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$tests_dir/.." && pwd)
OUTPUT=${OUTPUT:-build}
case $OUTPUT in /*) ;; *) OUTPUT=$root/$OUTPUT ;; esac
DCEA=${DCEA:-$OUTPUT/dcea}
case $DCEA in /*) ;; *) DCEA=$PWD/$DCEA ;; esac
export OUTPUT DCEA

logs=$OUTPUT/test-logs
mkdir -p "$logs" || exit 1
npass=0 nfail=0 nskip=0
failures=()
# one line per skip: "SCRIPT<TAB>REASON", digits in the reason made N (counts and pids vary)
skips=$logs/skips.tsv
: >"$skips"

san=
if [ "${SANITIZE:-0}" = 1 ]; then
	san=$logs/sanitizer
	rm -rf "$san" && mkdir -p "$san" || exit 1
	# log_path: reports go to files named after the process (pid suffix), counted at the end.
	# halt_on_error=0 for UBSan: one run reports every distinct problem, not only the first.
	# Ours come last, so that they win over inherited ones (a run inside a SANITIZE=1 run, as the
	# harness self-test makes, must not send its reports to the outer run's directory).
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:verify_asan_link_order=0:log_path=$san/asan"
	export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=0:log_path=$san/ubsan"
fi

note_fail() {
	nfail=$((nfail + 1))
	failures+=("$1")
	printf '  FAIL %s\n' "$1"
}

# --- unit binaries -------------------------------------------------------------------------------

# Counts one cmocka binary from its separate stdout (per-test lines, group headers) and stderr
# (group summaries, errors). cmocka 1.1 prints per group:
#   stdout: [==========] Running N test(s).  [ RUN      ] t  [       OK ] t  [  FAILED  ] t
#           [  SKIPPED ] t  [==========] N test(s) run.
#   stderr: [  PASSED  ] N test(s).  [  SKIPPED ] N test(s), listed below:  [  FAILED  ] N
#           test(s), listed below:  then the names; "[  ERROR   ] t" for a failed setup/teardown
#           (not included in the FAILED count).
# A group that started but printed no summary was cut short (crash): its per-test lines count.
run_unit() {
	local bin=$1 name out err rc=0 p=0 f=0 s=0 started done_ last_run='' sig t gp=0 gf=0 gs=0
	local -a names=() gnames=()
	name=$bin
	case $name in */tests/*) name=${name##*/tests/} ;; esac
	out=$logs/unit-${name//\//_}.out
	err=$logs/unit-${name//\//_}.err
	if [ ! -x "$bin" ]; then
		printf 'unit  %-40s missing\n' "$name"
		note_fail "$name: '$bin' is not an executable file"
		return
	fi
	# Line-buffered, so that a crash does not lose the lines already printed.
	# (The braces keep bash's own "Aborted" or "Segmentation fault" notice off the terminal.)
	# stdbuf's LD_PRELOAD'd libstdbuf.so comes before the ASan runtime of a SANITIZE=1 build, and
	# ASan then refuses to start ("ASan runtime does not come first"); the order is harmless
	# (libstdbuf intercepts nothing ASan does), so that check is off for the binaries run here.
	{ CMOCKA_MESSAGE_OUTPUT=stdout ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		timeout -k 5 "${DCEA_UNIT_TIMEOUT:-120}" \
		stdbuf -oL -eL "$bin" </dev/null >"$out" 2>"$err"; } 2>/dev/null || rc=$?

	eval "$(awk '
		/^\[  PASSED  \] [0-9]+ test\(s\)\.$/ { p += $4; done_++ }
		/^\[  FAILED  \] [0-9]+ test\(s\), listed below:$/ { f += $4; inf = 1; next }
		/^\[  SKIPPED \] [0-9]+ test\(s\), listed below:$/ { s += $4; inf = 0; next }
		/^$/ || /^ [0-9]+ (FAILED|SKIPPED) TEST/ { inf = 0; next }
		inf && /^\[  FAILED  \] / { sub(/^\[  FAILED  \] /, ""); names = names " " q($0); next }
		/^\[  ERROR   \] / && !/^\[  ERROR   \] ---/ {
			sub(/^\[  ERROR   \] /, ""); f++; names = names " " q($0 " (setup/teardown error)") }
		function q(x) { gsub(/\047/, "\047\\\047\047", x); return "\047" x "\047" }
		END { printf "p=%d f=%d s=%d done_=%d; names=(%s)\n", p, f, s, done_, names }
	' "$err")"
	# Per-test lines of a group cut short, and the test that was running when it died.
	eval "$(awk '
		/^\[==========\] Running [0-9]+ test\(s\)\.$/ {
			started++; gp = gf = gs = 0; last = ""; gnames = ""; next }
		/^\[==========\] [0-9]+ test\(s\) run\.$/ { last = ""; next }
		/^\[ RUN      \] / { sub(/^\[ RUN      \] /, ""); last = $0; next }
		/^\[       OK \] / { gp++; last = ""; next }
		/^\[  FAILED  \] / { gf++; last = ""; sub(/^\[  FAILED  \] /, ""); gnames = gnames " " q($0); next }
		/^\[  SKIPPED \] / { gs++; last = ""; next }
		function q(x) { gsub(/\047/, "\047\\\047\047", x); return "\047" x "\047" }
		END { printf "started=%d gp=%d gf=%d gs=%d last_run=%s; gnames=(%s)\n", started, gp, gf, gs, q(last), gnames }
	' "$out")"
	if [ "$started" -gt "$done_" ]; then
		p=$((p + gp)) f=$((f + gf)) s=$((s + gs))
		names+=("${gnames[@]}")
	fi

	npass=$((npass + p)) nskip=$((nskip + s)) nfail=$((nfail + f))
	for ((t = 0; t < s; t++)); do printf 'unit %s\tskipped by the test itself\n' "$name" >>"$skips"; done
	printf 'unit  %-40s %d passed, %d failed, %d skipped\n' "$name" "$p" "$f" "$s"
	for t in "${names[@]}"; do
		failures+=("$name: $t")
		printf '  FAIL %s: %s\n' "$name" "$t"
	done
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		note_fail "$name: timed out after ${DCEA_UNIT_TIMEOUT:-120}s${last_run:+ in test '$last_run'}"
	elif [ "$rc" -gt 128 ]; then
		sig=$(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128)))
		note_fail "$name: crashed (SIG$sig)${last_run:+ in test '$last_run'}"
	elif [ "$started" -gt "$done_" ]; then
		note_fail "$name: exited $rc in the middle of a test group${last_run:+ (test '$last_run')}"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		note_fail "$name: exited $rc without a failed test (sanitizer or leak report?)"
	elif [ "$started" -eq 0 ]; then
		note_fail "$name: printed no cmocka results"
	fi
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
		printf '  (output: %s %s)\n' "$out" "$err"
	fi
}

# --- integration scripts -------------------------------------------------------------------------

# After script NAME (no .sh) was killed by its timeout, its cleanup perhaps cut short: remove the
# test containers it left (their dcea.test.id label is NAME-PID), and a dcea it left loaded with no
# loader running, so that the next script starts clean. A dockerd that stopped answering is
# restarted by the next script's docker_up.
recover_after_timeout() {
	local ids
	[ "$(id -u)" -eq 0 ] || return 0
	if command -v docker >/dev/null 2>&1; then
		ids=$(timeout -k 5 30 docker ps -a --filter label=dcea.test=1 \
			--format '{{.ID}} {{.Label "dcea.test.id"}}' 2>>"$logs/recover.log" |
			awk -v p="$1-" 'index($2, p) == 1 { print $1 }')
		# shellcheck disable=SC2086 # one word per id
		[ -z "$ids" ] || timeout -k 5 120 docker rm -f -v $ids >>"$logs/recover.log" 2>&1 ||
			echo "  | recovery: removing $(wc -w <<<"$ids") containers of $1 failed (see $logs/recover.log)"
	fi
	# only when no test holds the dcea lock (tests/lib/dcea.sh) and no loader runs
	if [ -e /sys/fs/bpf/dcea ] && ! pgrep -x dcea >/dev/null && [ -x "$DCEA" ]; then
		flock -n "${DCEA_TEST_STATE:-/run/dcea-test}/dcea.lock" timeout -k 5 60 "$DCEA" stop \
			</dev/null >>"$logs/recover.log" 2>&1 ||
			echo "  | recovery: 'dcea stop' failed or the dcea lock is held (see $logs/recover.log)"
	fi
}

run_integration() {
	local script=$1 name log rc=0 p f s line limit left t0=$SECONDS
	name=$(basename "$script")
	log=$logs/integration-${name%.sh}.log
	limit=${DCEA_TEST_TIMEOUT:-$(sed -n 's/^# dcea-test-timeout: \([0-9][0-9]*\)$/\1/p' "$script" | head -n 1)}
	limit=${limit:-600}
	printf 'integ %s\n' "$name"
	# The run's own deadline (.ci/run sets it short of CI's limit): a script that cannot finish in
	# time gets what is left, or none, so that the run still ends with its summary line.
	if [ -n "${DCEA_TEST_DEADLINE:-}" ]; then
		left=$((DCEA_TEST_DEADLINE - $(date +%s)))
		if [ "$left" -lt "${DCEA_TEST_MIN_LEFT:-60}" ]; then
			note_fail "$name: not run: the run's deadline (DCEA_TEST_DEADLINE) is ${left#-} s $([ "$left" -lt 0 ] && echo past || echo away)"
			return
		fi
		[ "$left" -ge "$limit" ] || limit=$left
	fi
	# Results are shown live; everything else goes to the log (and to the screen when verbose).
	# not exec, and the subshell's own stderr to /dev/null: when timeout KILLs its group (itself
	# too), bash would print the whole pipeline as "Killed" into the output (the timeout's FAIL
	# line says it)
	(cd "$root" && timeout -k 10 "$limit" bash "$script" </dev/null 2>&1) 2>/dev/null |
		tee "$log" | while IFS= read -r line; do
			case $line in
			"PASS "* | "FAIL "* | "SKIP "*) printf '  %s\n' "$line" ;;
			*) [ "${DCEA_TEST_VERBOSE:-0}" = 1 ] && printf '  | %s\n' "$line" ;;
			esac
		done
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	s=$(grep -c '^SKIP ' "$log")
	npass=$((npass + p)) nskip=$((nskip + s)) nfail=$((nfail + f))
	while IFS= read -r line; do failures+=("$name: ${line#FAIL }"); done < <(grep '^FAIL ' "$log")
	grep '^SKIP ' "$log" | sed -E -e 's/^SKIP [^:]*: ?//' -e 's/[0-9]+/N/g' -e "s/^/$name\t/" >>"$skips"
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		note_fail "$name: timed out after ${limit}s"
		# where it was: the log's last lines (CI shows only this output)
		grep -v '^\(PASS\|SKIP\|FAIL\) ' "$log" | grep -v '^[[:space:]]*$' | tail -n 8 |
			cut -c1-200 | sed 's/^/  | /'
		recover_after_timeout "${name%.sh}"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		line=$(grep -v '^\(PASS\|SKIP\) ' "$log" | grep -v '^[[:space:]]*$' | tail -n 1)
		note_fail "$name: exited $rc without a FAIL line${line:+: $line}"
	elif [ "$((p + f + s))" -eq 0 ]; then
		note_fail "$name: printed no PASS, FAIL or SKIP line"
	fi
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
		printf '  (log: %s)\n' "$log"
	fi
	printf '  (%d s)\n' $((SECONDS - t0)) # where a run's time goes, in CI's output too
}

for bin in "$@"; do
	run_unit "$bin"
done

if [ "${DCEA_UNIT_ONLY:-0}" != 1 ]; then
	# A shared lock for the whole integration run: docker_down leaves the harness's dockerd running
	# while another run holds one.
	state=${DCEA_TEST_STATE:-/run/dcea-test}
	lockfd=
	if [ "$(id -u)" -eq 0 ] && mkdir -p "$state" && exec {lockfd}>>"$state/users.lock"; then
		flock -s "$lockfd"
	fi
	idir=${DCEA_INTEGRATION_DIR:-$tests_dir/integration}
	for script in "$idir"/*.sh; do
		[ -e "$script" ] || continue
		if [ -n "${DCEA_TEST_FILTER:-}" ] && ! basename "$script" | grep -qE -- "$DCEA_TEST_FILTER"; then
			continue
		fi
		# The scripts must not inherit the lock (a dockerd they start would keep it forever).
		if [ -n "$lockfd" ]; then
			run_integration "$script" {lockfd}>&-
		else
			run_integration "$script"
		fi
	done
	if [ -n "$lockfd" ]; then
		exec {lockfd}>&-
		# Leftover test containers go, then the dockerd the harness started, unless another run
		# still uses it; in a shell of its own, as the docker library brings a cleanup registry.
		if [ "${DCEA_KEEP_DOCKERD:-0}" != 1 ]; then
			DCEA_TEST_NAME=run bash "$tests_dir/lib/docker.sh" down </dev/null \
				>"$logs/docker-down.log" 2>&1
		fi
	fi
fi

if [ -n "$san" ]; then
	nrep=0
	for f in "$san"/*; do
		[ -s "$f" ] || continue
		nrep=$((nrep + 1))
		note_fail "sanitizer report $f: $(grep -m 1 -E 'ERROR|runtime error' "$f" || head -n 1 "$f")"
	done
	printf 'sanitizer: %d report(s) in %s\n' "$nrep" "$san"
fi

# skip_budget FILE: hold the integration scripts' skips against FILE ("MAX<TAB>SCRIPT<TAB>REASON",
# REASON a glob on the reason with digits made N); every script that ran is judged, the budget's
# lines for scripts that did not run are ignored.
skip_budget() {
	local file=$1 max script pat n line strict=0 i k
	local -a bmax=() bscript=() bpat=() used=() bad=()
	local -A seen=()
	[ "${DCEA_CI:-0}" = 1 ] || [ "${DCEA_SKIP_BUDGET_STRICT:-0}" = 1 ] && strict=1
	while IFS=$'\t' read -r max script pat; do
		case $max in '#'* | '') continue ;; esac
		bmax+=("$max") bscript+=("$script") bpat+=("$pat") used+=(0)
	done <"$file"
	while IFS=$'\t' read -r n line; do
		script=${line%%$'\t'*} pat=${line#*$'\t'}
		k=-1
		for i in "${!bmax[@]}"; do
			# shellcheck disable=SC2053 # the budget's reason is a glob
			if [ "${bscript[i]}" = "$script" ] && [[ $pat == ${bpat[i]} ]]; then k=$i; break; fi
		done
		if [ "$k" -lt 0 ]; then
			bad+=("$n new skip(s) of $script, not in the budget: $pat")
		else
			used[k]=$((used[k] + n))
			seen[$k]=1
		fi
	done < <(grep -v '^unit ' "$skips" | sort | uniq -c | sed -E 's/^ *([0-9]+) /\1\t/')
	for k in "${!seen[@]}"; do
		[ "${used[k]}" -le "${bmax[k]}" ] ||
			bad+=("${used[k]} skips of ${bscript[k]}, the budget allows ${bmax[k]}: ${bpat[k]}")
	done
	for line in "${bad[@]}"; do
		if [ "$strict" = 1 ]; then
			note_fail "skip budget (${file#"$root"/}): $line"
		else
			printf 'SKIP BUDGET EXCEEDED (%s; a failure under DCEA_CI=1): %s\n' "${file#"$root"/}" "$line"
		fi
	done
}

if [ -s "$skips" ]; then
	echo "skipped, by reason:"
	sort "$skips" | uniq -c | sort -rn | sed -E 's/^ *([0-9]+) ([^\t]*)\t/  \1  \2: /'
fi
budget=${DCEA_SKIP_BUDGET-$tests_dir/skip-budget.tsv}
# (another DCEA_INTEGRATION_DIR has its own skips: the budget only when named)
if [ "${DCEA_UNIT_ONLY:-0}" != 1 ] && [ -n "$budget" ] &&
	{ [ -z "${DCEA_INTEGRATION_DIR:-}" ] || [ -n "${DCEA_SKIP_BUDGET:-}" ]; }; then
	if [ -r "$budget" ]; then
		skip_budget "$budget"
	else
		note_fail "skip budget '$budget' cannot be read"
	fi
fi

if [ "$nfail" -gt 0 ]; then
	echo "failed:"
	for f in "${failures[@]}"; do printf '  %s\n' "$f"; done
fi
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
