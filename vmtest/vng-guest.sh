#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside a virtme-ng guest (vmtest/vng.sh), whose root is the host's, read-only over 9p.
# Gives the payload what vmtest/init gives it (docs/VMTEST.md): /vmtest, a real mount as / (for
# pivot_root), securityfs, debugfs, tracefs, bpffs, cgroup2; prints the same DCEA-VMINFO and
# DCEA-VMTEST-STATUS lines.
# Usage: vng-guest.sh PAYLOAD_DIR TEST_TIMEOUT   (environment: VMTEST_* as for vmtest/init)
PAYLOAD=$1 T=${2:-100}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb

if [ -z "${VMTEST_CHROOT:-}" ]; then
	mnt() { mountpoint -q "$2" 2>/dev/null || mount -t "$1" "$1" "$2" 2>/dev/null; }
	mnt securityfs /sys/kernel/security
	mnt debugfs /sys/kernel/debug
	mnt tracefs /sys/kernel/tracing
	mnt bpf /sys/fs/bpf
	mnt cgroup2 /sys/fs/cgroup
	# A tmpfs root made of bind mounts of the host's top-level directories, plus /vmtest.
	r=/run/vmtest-root
	mkdir -p $r
	mount -t tmpfs -o mode=0755 tmpfs $r
	for d in /*; do
		n=${d#/}
		case $n in proc | sys | dev | tmp | run | var | vmtest) continue ;; esac
		if [ -L "$d" ]; then
			cp -a "$d" "$r/$n"
		elif [ -d "$d" ]; then
			mkdir "$r/$n" && mount --rbind "$d" "$r/$n"
		fi
	done
	mkdir -p $r/proc $r/sys $r/dev $r/tmp $r/run $r/var $r/vmtest
	mount --rbind /proc $r/proc
	mount --rbind /sys $r/sys
	mount --rbind /dev $r/dev
	mount -t tmpfs tmpfs $r/tmp
	mount -t tmpfs tmpfs $r/run
	mount -t tmpfs tmpfs $r/vmtest
	# The host's root is read-only here: /var is an empty tmpfs for dcea's state and logs.
	mount -t tmpfs tmpfs $r/var
	mkdir -p $r/var/tmp $r/var/log $r/var/lib $r/var/run
	# The host's container runtimes are not the guest's: the QEMU guest has none, and the loader's
	# start-up scan runs each one's --version (dockerd's alone took 12 s under TCG over 9p),
	# which delays its first alerts. An empty file over each makes the guest a host without them.
	: >/run/vmtest-noexec
	for c in runc containerd dockerd crio podman crun; do
		p=$(command -v "$c") || continue
		p=$(readlink -f "$p")
		if [ -e "$r$p" ]; then mount --bind /run/vmtest-noexec "$r$p"; fi
	done
	cp -a "$PAYLOAD/." $r/vmtest/
	cp "$0" $r/run/vng-guest.sh
	VMTEST_CHROOT=1 exec chroot $r /bin/bash /run/vng-guest.sh /vmtest "$T"
fi

hostname vmtest 2>/dev/null
lsm=$(cat /sys/kernel/security/lsm 2>/dev/null)
btf=no
[ -r /sys/kernel/btf/vmlinux ] && btf=yes
echo "DCEA-VMINFO kernel=$(uname -r) lsm=${lsm:-none} btf=$btf"
# The payload contract (docs/VMTEST.md): test.sh runs under busybox sh with busybox's applets, as
# in the QEMU guest, not under the host's dash and GNU tools (and a static binary in RAM starts
# faster than dynamic ones over 9p). Host tools busybox lacks stay on PATH after it.
mkdir -p /run/busybox
cp /bin/busybox /run/busybox/busybox
/run/busybox/busybox --install -s /run/busybox
export PATH=/run/busybox:$PATH
cd /vmtest || exit 1
# As in vmtest/init: test.sh leads its own session; a hung test is killed with its group.
setsid sh -c 'echo $$ >/tmp/.vmtest-pgid; exec sh /vmtest/test.sh' </dev/null 2>&1 &
pid=$!
(
	sleep "$T"
	echo "vmtest: test.sh still running after ${T}s, killing it"
	kill -TERM -"$(cat /tmp/.vmtest-pgid)"
	sleep 3
	kill -KILL -"$(cat /tmp/.vmtest-pgid)"
) &
watchdog=$!
wait $pid
rc=$?
kill $watchdog 2>/dev/null
echo "DCEA-VMTEST-STATUS rc=$rc"
