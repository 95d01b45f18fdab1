# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# What 50-vmtest.sh (plain QEMU) and 51-vmtest-vng.sh (virtme-ng) share: the build the guest's
# static dcea links from, and reading vmtest/run.sh's result rows. Source after common.sh.

# vmtest_output CHECK: the build directory the guest's static dcea is linked from, on stdout.
# Under SANITIZE=1 that is a plain build (a static dcea cannot carry ASan), made here; a failed
# build is a FAIL of CHECK and returns 1.
vmtest_output() {
	local out=$OUTPUT
	if dcea_sanitized; then
		out=$DCEA_ROOT/build
		if ! make -s -C "$DCEA_ROOT" OUTPUT="$out" SANITIZE= all >"$DCEA_TMP/plain-build.log" 2>&1; then
			fail "$1" "the plain build for the guest's static dcea failed: $(tail -n 3 "$DCEA_TMP/plain-build.log" | tr '\n' ' ')"
			return 1
		fi
	fi
	printf '%s\n' "$out"
}

# vmtest_rows LOG CHECK RC: run.sh's result rows ("vmtest: RELEASE UNAME (bpf|nobpf): lsm=...") on
# stdout. With none, CHECK fails (or skips, when no kernel could be fetched and CI does not
# fetch them itself) with the reason from LOG, and it returns 1.
vmtest_rows() {
	local log=$1 check=$2 rc=$3 rows why
	rows=$(grep -E '^vmtest: [^ ]+ [^ ]+ \((bpf|nobpf)\): lsm=[^ ]* rc=' "$log")
	if [ -n "$rows" ]; then
		printf '%s\n' "$rows"
		return 0
	fi
	if grep -q 'static-dcea: failed' "$log"; then
		fail "$check" "the guest's static dcea: $(grep -A 3 'static-dcea: failed' "$log" | tr '\n' ' ')"
	elif grep -qiE 'cannot|unable|failed to (download|fetch|install)' "$log"; then
		# CI fetches the kernels itself (DCEA_CI=1): there, none is a failure
		why="no kernel could be booted: $(grep -iE 'cannot|unable|failed' "$log" | head -n 1)"
		if dcea_ci_prereq "$why"; then fail "$check" "$why (DCEA_CI=1)"; else skip "$check" "$why"; fi
	else
		fail "$check" "vmtest/run.sh exited $rc without a result row: $(tail -n 3 "$log" | tr '\n' ' ')"
	fi
	return 1
}

# vmtest_judge ROW LOG PREFIX: PASS or FAIL "PREFIX-RELEASE-VARIANT" for one boot: run.sh's check
# status, the rules per effect against tests/expect/effects.tsv (run.sh marks a mismatch in the
# row) and the backend the boot allows (lsm with bpf in lsm=, fallback without). Sets
# VMTEST_NAME, VMTEST_RELEASE, VMTEST_VARIANT and VMTEST_COUNTS ("deny kill detect unavailable");
# returns 1 when the boot failed.
# shellcheck disable=SC2034 # VMTEST_* are read by the caller
vmtest_judge() {
	local row=$1 log=$2 result backend want
	VMTEST_RELEASE=$(sed -E 's/^vmtest: ([^ ]+) .*/\1/' <<<"$row")
	VMTEST_VARIANT=$(sed -E 's/.*\(([a-z]+)\):.*/\1/' <<<"$row")
	VMTEST_NAME=$3-$VMTEST_RELEASE-$VMTEST_VARIANT
	result=$(grep -A1 -F "$row" "$log" | grep -o 'DCEA-RESULT.*' | head -n 1)
	backend=$(sed -nE 's/.*backend=([a-z]+).*/\1/p' <<<"$result")
	VMTEST_COUNTS=$(sed -nE 's/.* deny=([0-9]+) kill=([0-9]+) detect=([0-9]+) unavailable=([0-9]+).*/\1 \2 \3 \4/p' <<<"$result")
	want=lsm
	[ "$VMTEST_VARIANT" = nobpf ] && want=fallback
	if ! grep -q ' rc=0 ' <<<"$row"; then
		fail "$VMTEST_NAME" "${row#vmtest: }$(grep -A5 -F "$row" "$log" | sed -n 's/^vmtest:     guest: / | /p' | tr -d '\n')"
	elif [[ $row == *"try 1 kernel crashed"* ]]; then
		# the retry passed, but a guest kernel crashed with dcea loaded
		fail "$VMTEST_NAME" "${row#vmtest: }$(grep -A12 -F "retry of $VMTEST_RELEASE " "$log" | sed -n 's/^    / | /p' | tr -d '\n')"
	elif [[ $row == *"tests/expect/effects.tsv"* ]]; then
		# the rules per effect are not those expected of this kernel and boot
		fail "$VMTEST_NAME" "${row#vmtest: }"
	elif [ "$backend" != "$want" ]; then
		fail "$VMTEST_NAME" "backend '$backend', want '$want': $result"
	else
		pass "$VMTEST_NAME"
		return 0
	fi
	return 1
}
