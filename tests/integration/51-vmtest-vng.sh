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

[ "${DCEA_VMTEST:-1}" = 0 ] && skip_all "DCEA_VMTEST=0" vmtest-vng
[ "${DCEA_VMTEST_VNG:-bookworm}" = 0 ] && skip_all "DCEA_VMTEST_VNG=0" vmtest-vng
need_root vmtest-vng
need_dcea vmtest-vng
log=$DCEA_TMP/vmtest-vng.log
out=$OUTPUT
if dcea_sanitized; then
	# SANITIZE=1: the guest runs a static dcea, which cannot carry ASan; link it from a plain build
	out=$DCEA_ROOT/build
	if ! make -s -C "$DCEA_ROOT" OUTPUT="$out" SANITIZE= all >"$DCEA_TMP/plain-build.log" 2>&1; then
		fail vmtest-vng "the plain build for the guest's static dcea failed: $(tail -n 3 "$DCEA_TMP/plain-build.log" | tr '\n' ' ')"
		exit 0
	fi
fi
# 400 s per boot (about 150 s when the host is idle), room for run.sh's one retry
VMTEST_RUNNER=vng VMTEST_DOC='' VMTEST_ROUTES='' VMTEST_TIMEOUT=400 \
	VMTEST_VARIANTS=${VMTEST_VARIANTS:-bpf} OUTPUT=$out \
	run_timeout 860 "$DCEA_ROOT/vmtest/run.sh" "${DCEA_VMTEST_VNG:-bookworm}" >"$log" 2>&1
rc=$?
rows=$(grep -E '^vmtest: [^ ]+ [^ ]+ \((bpf|nobpf)\): ' "$log")
if [ -z "$rows" ]; then
	if grep -q 'static-dcea: failed' "$log"; then
		fail vmtest-vng "the guest's static dcea: $(grep -A 3 'static-dcea: failed' "$log" | tr '\n' ' ')"
	elif grep -qiE 'cannot|unable|failed to (download|fetch|install)' "$log"; then
		skip vmtest-vng "no kernel could be booted under vng: $(grep -iE 'cannot|unable|failed' "$log" | head -n 1)"
	else
		fail vmtest-vng "vmtest/run.sh exited $rc without a result row: $(tail -n 3 "$log" | tr '\n' ' ')"
	fi
	exit 0
fi

# qemu_counts RELEASE VARIANT: "deny kill detect unavailable" of the plain QEMU runner's row in
# the dcea payload's section of docs/KERNELS.md (not the virtme-ng one), empty when there is none.
qemu_counts() {
	awk -F' *\\| *' -v rel="$1" -v var="$2" '
		/^## Payload: / { in_sec = ($0 ~ /^## Payload: static dcea/ && $0 !~ /virtme-ng/) }
		in_sec && $2 ~ "^" rel " " && $4 == var { print $7, $8, $9, $10; exit }
	' "$DCEA_ROOT/docs/KERNELS.md"
}

while IFS= read -r row; do
	name=$(sed -E 's/^vmtest: ([^ ]+) [^ ]+ \(([a-z]+)\):.*/vmtest-vng-\1-\2/' <<<"$row")
	release=$(sed -E 's/^vmtest: ([^ ]+) .*/\1/' <<<"$row")
	variant=$(sed -E 's/.*\(([a-z]+)\):.*/\1/' <<<"$row")
	result=$(grep -A1 -F "$row" "$log" | grep -o 'DCEA-RESULT.*' | head -n 1)
	backend=$(sed -nE 's/.*backend=([a-z]+).*/\1/p' <<<"$result")
	want=lsm
	[ "$variant" = nobpf ] && want=fallback
	if ! grep -q ' rc=0 ' <<<"$row"; then
		fail "$name" "${row#vmtest: }"
		continue
	elif [ "$backend" != "$want" ]; then
		fail "$name" "backend '$backend', want '$want': $result"
		continue
	fi
	pass "$name"
	got=$(sed -nE 's/.* deny=([0-9]+) kill=([0-9]+) detect=([0-9]+) unavailable=([0-9]+).*/\1 \2 \3 \4/p' <<<"$result")
	exp=$(qemu_counts "$release" "$variant")
	if [ -z "$exp" ]; then
		skip "$name-same-as-qemu" "no plain QEMU row for $release ($variant) in docs/KERNELS.md"
	elif [ "$got" = "$exp" ]; then
		pass "$name-same-as-qemu"
	else
		fail "$name-same-as-qemu" "deny kill detect unavailable: vng '$got', plain QEMU (docs/KERNELS.md) '$exp'"
	fi
done <<<"$rows"
