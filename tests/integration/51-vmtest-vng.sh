#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dcea-test-timeout: 900
# One kernel of the matrix under virtme-ng (VMTEST_RUNNER=vng, vmtest/vng.sh): the guest's root is
# this host's, shared over 9p, its PID 1 is vng's init, and the payload's containers are made in
# a chroot (docs/VMTEST.md). The same payload must pass there as in plain QEMU (50-vmtest.sh), and
# find the same rule effects: each boot's deny/kill/detect/unavailable counts are compared with
# the plain QEMU runner's row of the same release and boot in docs/KERNELS.md.
#   DCEA_VMTEST=0 or DCEA_VMTEST_VNG=0 skips it; DCEA_VMTEST_VNG="trixie" boots another release,
#   VMTEST_VARIANTS="bpf nobpf" both boots (default: bpf only, to keep `make test` short).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/vmtest.sh"

[ "${DCEA_VMTEST:-1}" = 0 ] && skip_all "DCEA_VMTEST=0" vmtest-vng
[ "${DCEA_VMTEST_VNG:-bookworm}" = 0 ] && skip_all "DCEA_VMTEST_VNG=0" vmtest-vng
need_root vmtest-vng
need_dcea vmtest-vng
log=$DCEA_TMP/vmtest-vng.log
out=$(vmtest_output vmtest-vng) || exit 0
# 400 s per boot (about 150 s when the host is idle), room for run.sh's one retry
VMTEST_RUNNER=vng VMTEST_DOC='' VMTEST_ROUTES='' VMTEST_TIMEOUT=400 \
	VMTEST_VARIANTS=${VMTEST_VARIANTS:-bpf} OUTPUT=$out \
	run_timeout 860 "$DCEA_ROOT/vmtest/run.sh" "${DCEA_VMTEST_VNG:-bookworm}" >"$log" 2>&1
rc=$?
rows=$(vmtest_rows "$log" vmtest-vng "$rc") || exit 0

# qemu_counts RELEASE VARIANT: "deny kill detect unavailable" of the plain QEMU runner's row in
# the dcea payload's section of docs/KERNELS.md (not the virtme-ng one), empty when there is none.
qemu_counts() {
	awk -F' *\\| *' -v rel="$1" -v var="$2" '
		/^## Payload: / { in_sec = ($0 ~ /^## Payload: static dcea/ && $0 !~ /virtme-ng/) }
		in_sec && $2 ~ "^" rel " " && $4 == var { print $7, $8, $9, $10; exit }
	' "$DCEA_ROOT/docs/KERNELS.md"
}

while IFS= read -r row; do
	vmtest_judge "$row" "$log" vmtest-vng || continue
	exp=$(qemu_counts "$VMTEST_RELEASE" "$VMTEST_VARIANT")
	if [ -z "$exp" ]; then
		skip "$VMTEST_NAME-same-as-qemu" "no plain QEMU row for $VMTEST_RELEASE ($VMTEST_VARIANT) in docs/KERNELS.md"
	elif [ "$VMTEST_COUNTS" = "$exp" ]; then
		pass "$VMTEST_NAME-same-as-qemu"
	else
		fail "$VMTEST_NAME-same-as-qemu" "deny kill detect unavailable: vng '$VMTEST_COUNTS', plain QEMU (docs/KERNELS.md) '$exp'"
	fi
done <<<"$rows"
