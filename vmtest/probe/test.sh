#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Default vmtest payload: the LSM canary, then a container smoke test of vmtest/guest/lib.sh.
# With bpf in lsm= the canary must be denied; without it the probe must find the LSM unusable by
# the same denial test (the program still attaches).
. /vmtest/lib.sh

case ${VMTEST_LSM_BPF:-} in
1) expect=deny ;;
0) expect=unavailable ;;
*) expect= ;;
esac
/vmtest/lsm_probe ${expect:+--expect $expect} >/tmp/probe.out 2>&1
rc=$?
grep -v '^DCEA-RESULT ' /tmp/probe.out
vm_count /tmp/probe.out
[ $rc -eq 0 ] || [ "$VM_FAIL" -gt 0 ] || vm_check FAIL lsm_probe_exit "lsm_probe exited $rc"
# The probe's rule counts are the row's: this payload enforces nothing else.
rules=$(grep '^DCEA-RESULT ' /tmp/probe.out | tail -n1 | grep -o 'backend=.*unavailable=[0-9]*')

vm_rootfs /tmp/ctr
out=$(vm_container smoke /tmp/ctr sh -c 'echo "pid=$$ host=$(hostname) root=$(echo $(ls /))"' 2>&1)
case $out in
"pid=1 host=smoke root="*) vm_check PASS container_starts "$out" ;;
*) vm_check FAIL container_starts "unexpected output: $out" ;;
esac
host_mnt=$(readlink /proc/self/ns/mnt)
ctr_mnt=$(vm_container smoke2 /tmp/ctr readlink /proc/self/ns/mnt 2>&1)
if [ -n "$ctr_mnt" ] && [ "$ctr_mnt" != "$host_mnt" ]; then
	vm_check PASS container_mnt_ns "container $ctr_mnt, host $host_mnt"
else
	vm_check FAIL container_mnt_ns "container '$ctr_mnt', host '$host_mnt'"
fi

vm_result ${rules:-backend=none deny=0 kill=0 detect=0 unavailable=1}
