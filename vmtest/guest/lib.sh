# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
# Helpers for test scripts that run inside a vmtest guest (busybox sh). Source it from a
# payload's test.sh:  . /vmtest/lib.sh
# Every check prints one "PASS|FAIL|SKIP name: detail" line; vm_result prints the DCEA-RESULT
# line that vmtest/run.sh reads and returns 1 when a check failed.

VM_PASS=0
VM_FAIL=0
VM_SKIP=0

# vm_check PASS|FAIL|SKIP NAME DETAIL...
vm_check() {
	local res="$1" name="$2"
	shift 2
	case $res in
	PASS) VM_PASS=$((VM_PASS + 1)) ;;
	FAIL) VM_FAIL=$((VM_FAIL + 1)) ;;
	*) res=SKIP; VM_SKIP=$((VM_SKIP + 1)) ;;
	esac
	echo "$res $name: $*"
}

# vm_count FILE: add the PASS/FAIL/SKIP lines a program printed to FILE to the counters.
vm_count() {
	local n
	n=$(grep -c '^PASS ' "$1"); VM_PASS=$((VM_PASS + n))
	n=$(grep -c '^FAIL ' "$1"); VM_FAIL=$((VM_FAIL + n))
	n=$(grep -c '^SKIP ' "$1"); VM_SKIP=$((VM_SKIP + n))
}

# vm_expect_ok NAME CMD...: CMD must succeed.
vm_expect_ok() {
	local name="$1" out
	shift
	if out=$("$@" 2>&1); then
		vm_check PASS "$name" "'$*' succeeded"
	else
		vm_check FAIL "$name" "'$*' failed: $(echo "$out" | tail -n1)"
	fi
}

# vm_expect_eperm NAME CMD...: CMD must fail with "Operation not permitted" (EPERM). Check the
# absence of the side effect separately: a denial message alone does not prove nothing happened.
vm_expect_eperm() {
	local name="$1" out
	shift
	if out=$("$@" 2>&1); then
		vm_check FAIL "$name" "'$*' succeeded, expected EPERM"
	elif echo "$out" | grep -q 'Operation not permitted'; then
		vm_check PASS "$name" "'$*' failed with EPERM"
	else
		vm_check FAIL "$name" "'$*' failed, but not with EPERM: $(echo "$out" | tail -n1)"
	fi
}

# vm_rootfs DIR: a minimal busybox root filesystem for containers.
vm_rootfs() {
	local d="$1"
	mkdir -p "$d/bin" "$d/sbin" "$d/proc" "$d/sys" "$d/dev" "$d/tmp" "$d/etc" "$d/root" "$d/.old"
	cp /bin/busybox "$d/bin/busybox"
	# Links to /bin/busybox, which is the container's own once it is root.
	/bin/busybox --install -s "$d/bin"
	# --install links to the path /proc/self/exe names: /usr/bin/busybox when / is a merged-/usr
	# host root (vmtest/vng.sh), not the initramfs.
	mkdir -p "$d/usr/bin"
	[ -e "$d/usr/bin/busybox" ] || ln -s /bin/busybox "$d/usr/bin/busybox"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$d/etc/passwd"
}

# vm_container NAME ROOTFS CMD...: run CMD as PID 1 of a container the way runtimes make one
# (/vmtest/ctr, see vmtest/guest/ctr.c): its own cgroup /sys/fs/cgroup/vmtest/NAME, new mount,
# PID, UTS, IPC and network namespaces, pivot_root into ROOTFS and exec in the same process, fresh
# /proc, read-only /sys, a /dev tmpfs with null. Returns CMD's exit code (125: set-up failed).
vm_container() {
	local name="$1" root="$2"
	shift 2
	mkdir -p /sys/fs/cgroup/vmtest
	/vmtest/ctr -n "$name" -c "/sys/fs/cgroup/vmtest/$name" "$root" "$@"
}

# vm_dcea_streaming ALERTS_LOG ROOTFS [SECONDS]: wait until the detached loader writes alerts.
# `dcea run --detach` returns once the enforcer is loaded and self-tested; the loader then scans
# the host (`runc --version`...) before it streams, and until it does every alert waits in the
# ring buffer. Checks that look for an alert within seconds must not start before: a container
# named vmtest-ready runs `true`, and its privileged_launch alert (every vm_container container
# keeps the whole bounding set) proves that the loader reads the ring. Prints how long it took;
# a FAIL after SECONDS (default 120).
vm_dcea_streaming() {
	local log="$1" root="$2" max="${3:-120}" t0 i=0
	t0=$(cut -d' ' -f1 /proc/uptime)
	vm_container vmtest-ready "$root" true >/dev/null 2>&1
	while ! grep -Eq "[[:space:]]vmtest-ready[[:space:]]" "$log" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt $((max * 5)) ]; then
			vm_check FAIL dcea_streaming "no alert for the container vmtest-ready in $log after ${max}s"
			return 1
		fi
		sleep 0.2
	done
	echo "INFO the loader streams alerts: vmtest-ready's alert after" \
		"$(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')s"
}

# vm_dcea_summary [DCEA]: "backend=B deny=N kill=N detect=N unavailable=N" from `dcea status
# --json` (busybox has no JSON parser: this reads the first "backend" key, which is the top-level
# one, and counts the rules' "effective" values). Returns 1 when dcea is not loaded.
vm_dcea_summary() {
	local json backend a n out=""
	json=$("${1:-/vmtest/dcea}" status --json 2>/dev/null) || return 1
	backend=$(echo "$json" | grep -o '"backend":"[a-z]*"' | head -n1 | cut -d'"' -f4)
	for a in deny kill detect unavailable; do
		n=$(echo "$json" | grep -o "\"effective\":\"$a\"" | wc -l)
		out="$out $a=$n"
	done
	echo "backend=${backend:-none}$out"
}

# vm_result KEY=VALUE...: print the DCEA-RESULT line (backend= and deny= kill= detect=
# unavailable= first, then the test counts) and return 1 when a check failed.
vm_result() {
	echo "DCEA-RESULT $* passed=$VM_PASS failed=$VM_FAIL skipped=$VM_SKIP"
	[ "$VM_FAIL" -eq 0 ]
}
