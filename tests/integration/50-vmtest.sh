#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The BPF LSM kernel matrix (issue 3): boot each Debian kernel (5.10, 6.1, 6.12, 7.x) in QEMU,
# twice (with and without `bpf` in lsm=), run dcea's smoke payload inside, and check per boot that
# dcea loaded, chose the backend the boot allows (lsm with bpf, fallback without) and passed its
# guest checks. Kernels are downloaded from Debian's mirrors on first use (cached outside the repo).
#   DCEA_VMTEST=0 skips it; KERNELS="bookworm" narrows it; DCEA_VMTEST_TIMEOUT (default 560 s)
#   limits the whole matrix, and a matrix stopped by it fails.
. "$(dirname "$0")/../lib/common.sh"

[ "${DCEA_VMTEST:-1}" = 0 ] && skip_all "DCEA_VMTEST=0" vmtest
need_root vmtest
need_dcea vmtest
log=$DCEA_TMP/vmtest.log
out=$OUTPUT
if dcea_sanitized; then
	# SANITIZE=1: the guest runs a static dcea, which cannot carry ASan; link it from a plain build
	out=$DCEA_ROOT/build
	if ! make -s -C "$DCEA_ROOT" OUTPUT="$out" SANITIZE= all >"$DCEA_TMP/plain-build.log" 2>&1; then
		fail vmtest "the plain build for the guest's static dcea failed: $(tail -n 3 "$DCEA_TMP/plain-build.log" | tr '\n' ' ')"
		exit 0
	fi
fi
limit=${DCEA_VMTEST_TIMEOUT:-560}
VMTEST_DOC= OUTPUT=$out run_timeout "$limit" "$DCEA_ROOT/vmtest/run.sh" ${KERNELS:-} >"$log" 2>&1
rc=$?
rows=$(grep -E '^vmtest: [^ ]+ [^ ]+ \((bpf|nobpf)\): ' "$log")
if [ -z "$rows" ]; then
	if grep -q 'static-dcea: failed' "$log"; then
		fail vmtest "the guest's static dcea: $(grep -A 3 'static-dcea: failed' "$log" | tr '\n' ' ')"
	elif grep -qiE 'cannot|unable|failed to (download|fetch|install)' "$log"; then
		# CI fetches the kernels itself (DCEA_CI=1): there, none is a failure
		why="no kernel could be booted: $(grep -iE 'cannot|unable|failed' "$log" | head -n 1)"
		if dcea_ci_prereq "$why"; then fail vmtest "$why (DCEA_CI=1)"; else skip vmtest "$why"; fi
	else
		fail vmtest "vmtest/run.sh exited $rc without a result row: $(tail -n 3 "$log" | tr '\n' ' ')"
	fi
	exit 0
fi
while IFS= read -r row; do
	name=$(sed -E 's/^vmtest: ([^ ]+) [^ ]+ \(([a-z]+)\):.*/vmtest-\1-\2/' <<<"$row")
	variant=$(sed -E 's/.*\(([a-z]+)\):.*/\1/' <<<"$row")
	result=$(grep -A1 -F "$row" "$log" | grep -o 'DCEA-RESULT.*' | head -n 1)
	backend=$(sed -nE 's/.*backend=([a-z]+).*/\1/p' <<<"$result")
	want=lsm
	[ "$variant" = nobpf ] && want=fallback
	if ! grep -q ' rc=0 ' <<<"$row"; then
		fail "$name" "${row#vmtest: }"
	elif [[ $row == *"tests/expect/effects.tsv"* ]]; then
		# vmtest/run.sh: the rules per effect are not those expected of this kernel and boot
		fail "$name" "${row#vmtest: }"
	elif [ "$backend" != "$want" ]; then
		fail "$name" "backend '$backend', want '$want': $result"
	else
		pass "$name"
	fi
done <<<"$rows"
# stopped by the time limit: the boots that did not report are not passes
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	fail vmtest "vmtest/run.sh was stopped at ${limit} s after $(wc -l <<<"$rows") boot(s): $(tail -n 1 "$log")"
fi
