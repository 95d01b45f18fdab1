#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Smoke test of the real dcea in a vmtest guest, the payload run.sh uses when $OUTPUT/dcea exists
# and tests/vm/test.sh does not: the LSM canary as a baseline, dcea in block mode, the backend it
# chose against what the boot allows, one deny rule proven from inside a container (EPERM and no
# side effect), a benign container, and the DCEA-RESULT line from `dcea status --json`.
# tests/vm/test.sh replaces it with the full suite; see docs/VMTEST.md.
. /vmtest/lib.sh
DCEA=/vmtest/dcea

case ${VMTEST_LSM_BPF:-} in
1) expect=deny want_backend=lsm ;;
*) expect=unavailable want_backend=fallback ;;
esac
/vmtest/lsm_probe --expect $expect >/tmp/probe.out 2>&1
grep -v '^DCEA-RESULT ' /tmp/probe.out
vm_count /tmp/probe.out

mkdir -p /var/log/dcea
if $DCEA run --mode block --detach -o /tmp/alerts.log >/tmp/run.out 2>&1; then
	vm_check PASS dcea_run "dcea run --mode block --detach"
else
	vm_check FAIL dcea_run "dcea run exited $?: $(grep -v '^libbpf: ' /tmp/run.out | tail -n1)"
	# the end of the first verifier log says why
	sed -n '/BEGIN PROG LOAD LOG/,/END PROG LOAD LOG/p' /tmp/run.out | sed '/END PROG LOAD LOG/q' |
		tail -n 8
	vm_result backend=none deny=0 kill=0 detect=0 unavailable=0
	exit
fi
$DCEA status

rules=$(vm_dcea_summary $DCEA)
backend=$(echo "$rules" | sed -n 's/^backend=\([a-z]*\).*/\1/p')
if [ "$backend" = "$want_backend" ]; then
	vm_check PASS backend_as_expected "backend $backend with VMTEST_LSM_BPF=${VMTEST_LSM_BPF:-}"
else
	vm_check FAIL backend_as_expected "backend '$backend', expected '$want_backend'"
fi

vm_rootfs /tmp/rootfs
# device_create: a block device node made in a container (cgroup/dev denies it on every backend).
vm_expect_eperm device_create_denied vm_container mk /tmp/rootfs mknod /tmp/sda b 8 0
if [ -e /tmp/rootfs/tmp/sda ]; then
	vm_check FAIL device_create_no_node "/tmp/sda exists in the container's rootfs"
else
	vm_check PASS device_create_no_node "no node was made"
fi
vm_expect_ok benign_container vm_container ok /tmp/rootfs sh -c 'echo hi >/tmp/f && cat /tmp/f'

alerts=$(grep -c . /tmp/alerts.log 2>/dev/null)
echo "INFO ${alerts:-0} alert line(s) in /tmp/alerts.log"
head -n 5 /tmp/alerts.log 2>/dev/null

if $DCEA stop >/dev/null 2>&1; then
	vm_check PASS dcea_stop "programs detached, pins removed"
else
	vm_check FAIL dcea_stop "dcea stop exited $?"
fi
vm_result ${rules:-backend=none deny=0 kill=0 detect=0 unavailable=0}
