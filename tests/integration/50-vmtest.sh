#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dcea-test-timeout: 1700
# The BPF LSM kernel matrix (issue 3): boot each Debian kernel (5.10, 6.1, 6.12, 7.x) in QEMU,
# twice (with and without `bpf` in lsm=), run dcea's smoke payload inside, and check per boot that
# dcea loaded, chose the backend the boot allows (lsm with bpf, fallback without) and passed its
# guest checks. Kernels are downloaded from Debian's mirrors on first use (cached outside the repo).
#   DCEA_VMTEST=0 skips it; KERNELS="bookworm" narrows it; DCEA_VMTEST_TIMEOUT (default 1600 s)
#   limits the whole matrix, and a matrix stopped by it fails (it took 779-840 s in a fresh-clone
#   .ci/run here on 2026-12-05, 8 boots; the guard is a hang's, not a speed test).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/vmtest.sh"

[ "${DCEA_VMTEST:-1}" = 0 ] && skip_all "DCEA_VMTEST=0" vmtest
need_root vmtest
need_dcea vmtest
log=$DCEA_TMP/vmtest.log
out=$(vmtest_output vmtest) || exit 0
limit=${DCEA_VMTEST_TIMEOUT:-1600}
VMTEST_DOC= OUTPUT=$out run_timeout "$limit" "$DCEA_ROOT/vmtest/run.sh" ${KERNELS:-} >"$log" 2>&1
rc=$?
rows=$(vmtest_rows "$log" vmtest "$rc") || exit 0
while IFS= read -r row; do
	vmtest_judge "$row" "$log" vmtest
done <<<"$rows"
# stopped by the time limit: the boots that did not report are not passes
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	fail vmtest "vmtest/run.sh was stopped at ${limit} s after $(wc -l <<<"$rows") boot(s): $(tail -n 1 "$log")"
fi
