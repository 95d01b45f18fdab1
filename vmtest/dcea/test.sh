#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Smoke test of the real dcea in a vmtest guest, the payload run.sh uses when $OUTPUT/dcea exists
# and tests/vm/test.sh does not: the LSM canary as a baseline, dcea in block mode, the backend it
# chose against what the boot allows, every rule's escape attempted from inside a container
# (deny: EPERM and no side effect; kill: exit 137 and a kill alert) with the integration tests'
# helper (dcea-escape), judged by the effect the tests expect of each rule on this kernel and
# boot (tests/expect/effects.tsv, never dcea's own status), the other routes to the same
# objects (routes.sh: io_uring, pidfd, path walks...; issue 14), tampering with dcea's pins,
# files and process from a privileged container, a benign container that raises no alert, and the
# DCEA-RESULT line from `dcea status --json`.
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

mkdir -p /var/log/dcea /tmp/dcea-files
R=/tmp/rootfs
vm_rootfs $R
cp /vmtest/dcea-escape $R/bin/dcea-escape
mkdir -p $R/mnt $R/run $R/cga /sys/fs/cgroup/vmtest
# Containers running before dcea (issue 14, adopted identity): each holds an io_uring ring whose
# io-wq worker (adopt-worker) or SQPOLL thread (adopt-sqpoll) exists before the loader does, and
# once told (its /tmp/go-HOW) opens the knob of a cgroup v1 hierarchy of its own (/cga) for
# writing through that ring. Judged after the routes, below.
mount -t cgroup -o none,name=dceaadopt cgroup $R/cga
for how in worker sqpoll; do
	rm -f $R/tmp/go-$how $R/tmp/go-$how.ready /tmp/adopt-$how.rc
	{
		/vmtest/ctr -n adopt-$how -c /sys/fs/cgroup/vmtest/adopt-$how $R sh -c \
			"dcea-escape route uring-hold /cga/release_agent /payload-adopt-$how /tmp/go-$how $how; exit \$?" \
			</dev/null >/tmp/adopt-$how.out 2>&1
		echo $? >/tmp/adopt-$how.rc
	} &
	adopt_pids="${adopt_pids:-} $!"
done
i=0
while [ $i -lt 100 ] && ! { [ -e $R/tmp/go-worker.ready ] && [ -e $R/tmp/go-sqpoll.ready ]; }; do
	sleep 0.1
	i=$((i + 1))
done
# A host directory held before dcea (issue 14): container "held" takes an fd of the guest's /tmp
# from a leaky agent and keeps it, all now; namespace trust's sweep must find it once dcea runs
# (judged below; 24-held-sweep.sh on the host).
rm -f $R/tmp/held.sock
/vmtest/dcea-escape fdserve $R/tmp/held.sock /tmp </dev/null >/dev/null 2>&1 &
held_agent=$!
i=0
while [ $i -lt 50 ] && [ ! -S $R/tmp/held.sock ]; do sleep 0.1; i=$((i + 1)); done
/vmtest/ctr -n held -c /sys/fs/cgroup/vmtest/held $R sh -c \
	'exec dcea-escape route leaked-fd /tmp/held.sock hold x' </dev/null >/tmp/held.out 2>&1 &
held_ctr=$!
held_pid=
i=0
while [ $i -lt 50 ] && [ -z "$held_pid" ]; do
	for p in $(cat /sys/fs/cgroup/vmtest/held/cgroup.procs 2>/dev/null); do
		ls -l /proc/$p/fd 2>/dev/null | grep -q ' -> /tmp$' && held_pid=$p
	done
	sleep 0.1
	i=$((i + 1))
done
# A policy file of its own (the built-in one), so that there is a dcea file for the tamper checks
$DCEA policy show >/tmp/dcea-files/policy.yaml
if $DCEA run --mode block --detach --policy /tmp/dcea-files/policy.yaml -o /tmp/alerts.log \
	>/tmp/run.out 2>&1; then
	vm_check PASS dcea_run "dcea run --mode block --detach"
else
	vm_check FAIL dcea_run "dcea run exited $?: $(grep -v '^libbpf: ' /tmp/run.out | tail -n1)"
	# which program, then the end of the first verifier log says why
	grep -m 2 "libbpf: prog '.*failed to load\|libbpf: prog '.*load failed" /tmp/run.out
	sed -n '/BEGIN PROG LOAD LOG/,/END PROG LOAD LOG/p' /tmp/run.out | sed '/END PROG LOAD LOG/q' |
		tail -n 60
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
	# why the LSM programs did not load: libbpf's first errors and the verifier log's end
	grep -m 3 "libbpf: prog '.*failed to load\|libbpf: prog '.*load failed\|LSM" /tmp/run.out
	sed -n '/BEGIN PROG LOAD LOG/,/END PROG LOAD LOG/p' /tmp/run.out | sed '/END PROG LOAD LOG/q' |
		tail -n 20
fi

# alerts are judged within seconds below: only once the detached loader streams them
vm_dcea_streaming /tmp/alerts.log $R

json=$($DCEA status --json 2>/dev/null)

# got RULE: the rule's effective action on this kernel, as `dcea status --json` reports it.
got() {
	# hooks hold braces (tp/sys_enter_set{,re,res}{u,g}id): match field by field, not up to '}'
	echo "$json" | grep -o "\"id\":\"$1\",\"hook\":\"[^\"]*\",\"backend\":\"[a-z]*\",\"effective\":\"[a-z]*\"" |
		grep -o '"effective":"[a-z]*"' | cut -d'"' -f4
}
# What the tests expect on this kernel and boot: the column KERNEL/BACKEND of effects.tsv
# (tests/expect/effects.tsv), e.g. 6.1/lsm. A kernel without a column fails here, and its
# attempts are then judged by what dcea reports (so that the run still says something).
col="$(uname -r | cut -d. -f1,2)/$want_backend"
noexp=
if awk -F'\t' -v col="$col" '$1 == "rule" { for (i = 2; i <= NF; i++) if ($i == col) f = 1 }
	END { exit !f }' /vmtest/effects.tsv; then
	vm_check PASS expectations_for_kernel "tests/expect/effects.tsv has column $col"
else
	noexp=1
	vm_check FAIL expectations_for_kernel "no column '$col' in tests/expect/effects.tsv: measure this kernel and add one"
fi
# eff RULE: the effect the tests expect of RULE here.
eff() {
	[ -n "$noexp" ] && { got "$1"; return; }
	awk -F'\t' -v col="$col" -v rule="$1" '/^#/ { next }
		$1 == "rule" { for (i = 2; i <= NF; i++) if ($i == col) c = i; next }
		c && $1 == rule { print $c; exit }' /vmtest/effects.tsv
}
rank() { case $1 in deny) echo 4 ;; kill) echo 3 ;; detect) echo 2 ;; unavailable) echo 1 ;; *) echo 0 ;; esac; }
# RULE_effective: dcea's canary-proven effect is exactly the expected one; weaker fails, and so
# does stronger (enforcement gained: the table is out of date).
if [ -z "$noexp" ]; then
	for r in $(awk -F'\t' '!/^#/ && $1 != "rule" { print $1 }' /vmtest/effects.tsv); do
		w=$(eff $r) g=$(got $r)
		if [ "$g" = "$w" ]; then
			vm_check PASS "${r}_effective" "$g, as expected on $col"
		elif [ "$(rank "$g")" -lt "$(rank "$w")" ]; then
			vm_check FAIL "${r}_effective" "weaker than expected: '${g:-missing}', tests/expect/effects.tsv says '$w' on $col"
		else
			vm_check FAIL "${r}_effective" "stronger than expected: '$g', tests/expect/effects.tsv says '$w' on $col: update the table"
		fi
	done
fi

# alert RULE ACTION CTR: an alert line for RULE with ACTION from container CTR (waits up to 3 s).
alert() {
	local i=0
	while [ $i -lt 15 ]; do
		grep -Eq "[[:space:]]$1[[:space:]]+$2[[:space:]]+$3[[:space:]]" /tmp/alerts.log && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

# try RULE [CTR_OPTION] SCRIPT: run SCRIPT with sh in a fresh container named RULE (the attack is a
# child of the container's PID 1, which a kill must be able to reach) and judge it by the rule's
# expected effect: deny -> EPERM (output names it), kill -> exit 137 and a kill alert. Sets $rc and
# $out; returns 0 when the caller should also check the side effect (deny passed).
try() {
	local rule="$1" opt="" a
	shift
	[ "$1" = -p ] && { opt=-p; shift; }
	a=$(eff "$rule")
	out=$(/vmtest/ctr $opt -n "$rule" -c "/sys/fs/cgroup/vmtest/$rule" $R sh -c "$1; exit \$?" </dev/null 2>&1)
	rc=$?
	if [ $rc -eq 125 ] || [ $rc -eq 3 ] || echo "$out" | grep -q '^dcea-escape: setup'; then
		vm_check FAIL "${rule}_setup" "container or attack set-up failed: $(echo "$out" | tail -n1)"
		return 1
	fi
	case $a in
	deny)
		if [ $rc -ne 0 ] && echo "$out" | grep -q 'Operation not permitted'; then
			vm_check PASS "${rule}_eperm" "denied with EPERM: $(echo "$out" | grep -m1 'Operation not permitted')"
			return 0
		fi
		# /proc/PID/root: the kernel asks ptrace_access_check first, where dcea's ptrace_host
		# denial surfaces as EACCES; accepted only with dcea's deny alert for this container.
		if [ $rc -ne 0 ] && echo "$out" | grep -q 'Permission denied' &&
			alert '[a-z_]*' deny "$rule"; then
			vm_check PASS "${rule}_eperm" "denied by dcea (EACCES from the kernel's ptrace check): $(grep -E "[[:space:]]deny[[:space:]]+$rule[[:space:]]" /tmp/alerts.log | head -n1 | awk '{print $3}') alert"
			return 0
		fi
		vm_check FAIL "${rule}_eperm" "expected EPERM, exit $rc: $(echo "$out" | tail -n1)"
		return 0 ;;
	kill)
		if [ $rc -eq 137 ]; then
			vm_check PASS "${rule}_killed" "exit 137 (SIGKILL)"
		else
			vm_check FAIL "${rule}_killed" "expected exit 137, got $rc: $(echo "$out" | tail -n1)"
		fi
		if alert "$rule" kill "$rule"; then
			vm_check PASS "${rule}_kill_alert" "alert with action kill"
		else
			vm_check FAIL "${rule}_kill_alert" "no '$rule kill $rule' alert in /tmp/alerts.log"
		fi
		return 1 ;;
	*)
		vm_check SKIP "${rule}_blocked" "expected effect '${a:-missing}' on this kernel: not blockable"
		return 1 ;;
	esac
}

# no_effect RULE CONDITION DETAIL: after a deny, CONDITION (a shell test) must be true.
no_effect() {
	if eval "$2"; then
		vm_check PASS "${1}_no_effect" "$3"
	else
		vm_check FAIL "${1}_no_effect" "side effect present: $3 is false; $(echo "$out" | tail -n1)"
	fi
}
# --- the rules' own attempts: the attack catalogue's rows judged by the rule's effect ------------
. /vmtest/fixtures.sh
# runtime_socket's listener answers a connect from the host (else a refused connect proves nothing)
/vmtest/dcea-escape connect $R/run/docker.sock >/dev/null
sleep 0.3
if [ -s $RT/sock.log ]; then
	listener=1
else
	listener=
	vm_check FAIL runtime_socket_listener "the host listener on $R/run/docker.sock saw no host connection"
fi
rm -f $RT/sock.log
cp_before=$(cat /proc/sys/kernel/core_pattern)
c=0
while IFS='	' read -r id rule _ ct effk fallback _ _ where _ _ _ attempt; do
	case $id in '#'* | '') continue ;; esac
	# the rules' own rows (the others are routes.sh's); setns_foreign is not tried here (below)
	[ "$fallback" = rule ] && [ "$where" != host ] || continue
	[ $rule = runtime_socket ] && [ -z "$listener" ] && continue
	c=$((c + 1))
	TAG=c$c
	opt=
	[ $ct = priv ] && opt=-p # the host's PIDs
	script=$(eval "printf '%s\n' \"$attempt\"")
	if try $rule $opt "$script"; then
		[ $rule = runtime_socket ] && sleep 0.3 # the listener's log line
		if route_effect "$effk" $TAG; then
			vm_check FAIL "${rule}_no_effect" "the effect ($effk) is there: $(echo "$out" | tail -n1)"
		else
			vm_check PASS "${rule}_no_effect" "no effect ($effk): $script"
		fi
	fi
	[ "$(cat /proc/sys/kernel/core_pattern)" = "$cp_before" ] || echo "$cp_before" >/proc/sys/kernel/core_pattern
	echo >$R/cgr/release_agent
	rm -f $RT/sock.log
done </vmtest/catalogue.tsv
for r in setns_foreign ns_escape; do
	vm_check SKIP "${r}_blocked" "'$(eff $r)' on this kernel, not attempted: setns needs a host namespace fd (proc_host_access stops it first), ns_escape a task that moved out"
done

# --- the other routes to the same objects (issue 14): io_uring, pidfd, /proc/self/fd, path walks --
. /vmtest/routes.sh

# --- adopted identity: the io_uring threads of containers that ran before dcea -------------------
# LSM backend: the open runs in the adopted worker or SQPOLL thread, denied by file_open (EPERM);
# fallback: judged at submission (by the holder, or by the adopted SQPOLL thread), killed.
for how in worker sqpoll; do
	if [ ! -e $R/tmp/go-$how.ready ]; then
		vm_check FAIL adopted_$how "the holder did not start before dcea: $(tr '\n' ' ' </tmp/adopt-$how.out)"
		touch $R/tmp/go-$how # let it end
		continue
	fi
	touch $R/tmp/go-$how
	i=0
	while [ $i -lt 100 ] && [ ! -s /tmp/adopt-$how.rc ]; do
		sleep 0.1
		i=$((i + 1))
	done
	rc=$(cat /tmp/adopt-$how.rc 2>/dev/null)
	out=$(cat /tmp/adopt-$how.out)
	ra=$(cat $R/cga/release_agent)
	threads=$(echo "$out" | grep '^threads:')
	if [ "$ra" = "/payload-adopt-$how" ]; then
		vm_check FAIL adopted_$how "the knob was written through the ring made before dcea ($threads), exit ${rc:-none}"
	elif [ "$backend" = lsm ] && [ "$rc" = 1 ] && echo "$out" | grep -q 'not permitted' &&
		alert kernel_knob_file deny adopt-$how; then
		vm_check PASS adopted_$how "denied, knob unchanged, deny alert ($threads)"
	elif [ "$backend" = fallback ] && [ "$rc" = 137 ] && alert kernel_knob_file kill adopt-$how; then
		vm_check PASS adopted_$how "killed, knob unchanged, kill alert ($threads)"
	else
		vm_check FAIL adopted_$how "backend $backend: exit ${rc:-none}, $(grep -c adopt-$how /tmp/alerts.log) alert(s): $(echo "$out" | tail -n 1)"
	fi
done
# shellcheck disable=SC2086 # one pid a word
kill -9 $adopt_pids 2>/dev/null
wait $adopt_pids 2>/dev/null

# --- the holder of a host directory (set up before dcea, above) ---------------------------------
# Fallback: killed by namespace trust's sweep (every 500 ms), an ns_escape alert with fd_outside.
# LSM backend: its hooks judge the directory's uses instead (routes.sh's leaked-fd rows: denied),
# the holder is left alone and nothing is reported of it.
if [ -z "$held_pid" ]; then
	vm_check FAIL held_sweep "the holder did not take the fd: $(tr '\n' ' ' </tmp/held.out)"
elif [ "$backend" = lsm ]; then
	sleep 1.5 # three sweeps
	n=$(grep -cE "[[:space:]]ns_escape[[:space:]]+[a-z]+[[:space:]]+held[[:space:]]" /tmp/alerts.log)
	if kill -0 $held_pid 2>/dev/null && [ "$n" = 0 ]; then
		vm_check PASS held_sweep "LSM backend: the holder left to the hooks, no alert"
	else
		vm_check FAIL held_sweep "LSM backend: holder alive: $(kill -0 $held_pid 2>/dev/null && echo yes || echo no), $n ns_escape alert(s)"
	fi
else
	i=0
	while [ $i -lt 50 ] && kill -0 $held_pid 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 $held_pid 2>/dev/null; then
		vm_check FAIL held_sweep "the holder (pid $held_pid) runs 5 s after dcea"
	elif alert ns_escape kill held && grep -A3 -E "[[:space:]]ns_escape[[:space:]]+kill[[:space:]]+held[[:space:]]" \
		/tmp/alerts.log | grep -q 'fd_outside=true'; then
		vm_check PASS held_sweep "killed by the sweep, ns_escape kill alert, fd_outside=true"
	else
		vm_check FAIL held_sweep "gone without an 'ns_escape kill held' alert with fd_outside=true: $(grep -A3 ns_escape /tmp/alerts.log | tail -n 4 | tr '\n' ' ')"
	fi
fi
kill -9 $held_ctr $held_pid $held_agent 2>/dev/null

# --- a host directory held across the exec into a running container (issue 14) ------------------
# nsenter into the mount namespace of container "inh" (-r -w: its root and working directory too;
# under virtme-ng the namespace's own root is not the container's) with fd 7 a host directory ($RT), or an
# io_uring ring with $RT in its fixed-file table (dcea-escape ringhold; the directory comes out by
# IORING_OP_FIXED_FD_INSTALL, 6.8+), and make a directory relative to fd 7 (13-routes.sh's
# inherited-fd/-ring on this kernel). Fallback: killed (at the exec's return, at the install's
# completion), nothing made. LSM backend: the mkdirat denied (EPERM), nothing made.
/vmtest/ctr -n inh -c /sys/fs/cgroup/vmtest/inh $R sh -c 'exec sleep 120' </dev/null >/dev/null 2>&1 &
inh_ctr=$!
i=0
inh_pid=
while [ $i -lt 50 ] && [ -z "$inh_pid" ]; do
	for p in $(cat /sys/fs/cgroup/vmtest/inh/cgroup.procs 2>/dev/null); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = sleep ] && inh_pid=$p
	done
	sleep 0.1
	i=$((i + 1))
done
for kind in fd ring; do
	tag=inh-$kind
	if [ -z "$inh_pid" ]; then
		vm_check FAIL inherited_$kind "the container to enter did not start"
		continue
	fi
	if [ $kind = fd ]; then
		out=$(nsenter -t $inh_pid -m -r -w -- /bin/dcea-escape route leaked-fd fd:7 mkdir mk-$tag 7<$RT 2>&1)
	else
		out=$(/vmtest/dcea-escape ringhold $RT 7 nsenter -t $inh_pid -m -r -w -- /bin/dcea-escape route \
			leaked-fd fd:7 uring-install:mkdir mk-$tag 2>&1)
	fi
	rc=$?
	made=no
	[ -d $RT/mk-$tag ] && made=yes
	rmdir $RT/mk-$tag 2>/dev/null
	echo "inherited $kind (exit $rc, made $made): $(echo "$out" | tail -n 2 | tr '\n' ' ')"
	if [ $kind = ring ] && [ $made = no ] && echo "$out" | grep -q 'fixed fd install: Invalid argument'; then
		vm_check SKIP inherited_$kind "no IORING_OP_FIXED_FD_INSTALL on $kver (6.8+): $(echo "$out" | tail -n 1)"
	elif [ $made = yes ]; then
		vm_check FAIL inherited_$kind "backend $backend: the directory was made through the host's $kind (exit $rc)"
	elif [ "$backend" = lsm ] && [ $rc -ne 0 ] && echo "$out" | grep -q 'not permitted' &&
		alert proc_host_access deny inh; then
		vm_check PASS inherited_$kind "denied, nothing made, deny alert"
	elif [ "$backend" = fallback ] && [ $rc = 137 ] && alert proc_host_access kill inh; then
		vm_check PASS inherited_$kind "killed, nothing made, kill alert"
	else
		vm_check FAIL inherited_$kind "backend $backend: exit $rc, $(grep -c 'proc_host_access.*inh' /tmp/alerts.log) alert(s): $(echo "$out" | tail -n 1)"
	fi
done
kill -9 $inh_ctr $inh_pid 2>/dev/null
wait $inh_ctr 2>/dev/null

# --- a full dcea_scratch fails closed (fallback; 23-scratch-full.sh on the host) ------------------
# The fallback marks a container task's connect, and before 6.2 its recvmsg on a unix socket, in
# dcea_scratch from entry to exit. Filled with made-up tids (dcea-escape mapfill): before 6.2 a
# container's connect and its receipt of a descriptor (fdpass: its own directory over a socketpair)
# are killed with a map_full alert; from 6.2 (bpf_rdonly_cast in the kernel's BTF: the marks are the
# thread's own task storage) both go through without one. The LSM backend's boot has no such mark
# to fill for them (connects: unix_stream_connect; receipts are the fallback's).
if [ "$backend" = fallback ]; then
	rm -f $R/tmp/ok.sock
	/vmtest/dcea-escape listen $R/tmp/ok.sock /tmp/ok.log </dev/null >/dev/null 2>&1 &
	okl=$!
	i=0
	while [ $i -lt 50 ] && [ ! -S $R/tmp/ok.sock ]; do sleep 0.1; i=$((i + 1)); done
	per_thread=0
	grep -aq bpf_rdonly_cast /sys/kernel/btf/vmlinux && per_thread=1
	echo "scratch: $(/vmtest/dcea-escape mapfill /sys/fs/bpf/dcea/dcea_scratch full)"
	for step in connect fdpass; do
		name=sf-$step
		if [ $step = connect ]; then
			cmd="dcea-escape connect /tmp/ok.sock"
		else
			cmd="dcea-escape route fdpass /tmp"
		fi
		out=$(/vmtest/ctr -n $name -c /sys/fs/cgroup/vmtest/$name $R sh -c "$cmd; exit \$?" </dev/null 2>&1)
		rc=$?
		sleep 0.2
		n=$(grep -cE "[[:space:]]map_full[[:space:]]+[a-z]+[[:space:]]+$name[[:space:]]" /tmp/alerts.log)
		echo "scratch full, $step (exit $rc, $n map_full alerts): $(echo "$out" | tail -n 1)"
		if [ $per_thread = 1 ] && [ $rc = 0 ] && [ "$n" = 0 ]; then
			vm_check PASS scratch_full_$step "went through, no alert: the mark is the thread's own on $kver"
		elif [ $per_thread = 0 ] && [ $rc = 137 ] && alert map_full kill $name; then
			vm_check PASS scratch_full_$step "killed, map_full alert (fails closed)"
		else
			vm_check FAIL scratch_full_$step "$kver, per-thread marks $per_thread: exit $rc, $n map_full alert(s): $(echo "$out" | tail -n 1)"
		fi
	done
	echo "scratch: $(/vmtest/dcea-escape mapfill /sys/fs/bpf/dcea/dcea_scratch 0)"
	kill $okl 2>/dev/null
fi

# --- dcea_tamper: dcea's pins, policy file and process, from a privileged container ---------------
# The host's bpffs and the policy's directory are bind-mounted into the rootfs, as
# `-v /sys/fs/bpf:/hostbpf` would. LSM backend: every attempt fails with EPERM, with a deny alert,
# and changes nothing. Fallback: an open for writing and a signal kill the caller; an unlink,
# rename or truncate cannot be refused: the loader puts the pins back (pins_removed) or reports the
# file (file_changed) within 2 s.
ta=$(eff dcea_tamper)
F=/tmp/dcea-files/policy.yaml
cp $F /tmp/policy.orig
mkdir -p $R/hostbpf $R/hostfiles
mount --bind /sys/fs/bpf $R/hostbpf
mount --bind /tmp/dcea-files $R/hostfiles
pin=$(ls /sys/fs/bpf/dcea/links | head -n 1)
loader=$(pidof dcea | cut -d' ' -f1)

# tamper NAME [-p] SCRIPT: SCRIPT with sh in a fresh container NAME; sets $rc and $out.
tamper() {
	local name="$1" opt=""
	shift
	[ "$1" = -p ] && { opt=-p; shift; }
	out=$(/vmtest/ctr $opt -n "$name" -c "/sys/fs/cgroup/vmtest/$name" $R sh -c "$1" 2>&1)
	rc=$?
}
# refused NAME DETAIL: what the backend does to an attempt it can refuse: deny (EPERM and a deny
# alert) or kill (exit 137 and a kill alert).
refused() {
	if [ "$ta" = deny ] && [ $rc -ne 0 ] && echo "$out" | grep -q 'Operation not permitted' &&
		alert dcea_tamper deny "$1"; then
		vm_check PASS "${1}_denied" "EPERM and a deny alert: $2"
	elif [ "$ta" = kill ] && [ $rc -eq 137 ] && alert dcea_tamper kill "$1"; then
		vm_check PASS "${1}_killed" "exit 137 and a kill alert: $2"
	else
		vm_check FAIL "${1}_refused" "effective '$ta', exit $rc, $(grep -c "dcea_tamper.*$1" /tmp/alerts.log) alert(s): $(echo "$out" | tail -n 1)"
	fi
}
# guard_alert NAME KIND BEFORE: one more "kind=KIND" dcea_tamper alert than BEFORE within 10 s (the
# guard looks every 2 s at most; QEMU without KVM is slow).
guard_alert() {
	local i=0
	while [ $i -lt 50 ]; do
		[ "$(grep dcea_tamper /tmp/alerts.log | grep -c "kind=$2")" -gt "$3" ] && {
			vm_check PASS "${1}_reported" "kind=$2 alert"
			return 0
		}
		sleep 0.2
		i=$((i + 1))
	done
	vm_check FAIL "${1}_reported" "no new dcea_tamper kind=$2 alert in 10 s"
}
nkind() { grep dcea_tamper /tmp/alerts.log | grep -c "kind=$1"; }
# lsm_only NAME SCRIPT DETAIL: an attempt only the LSM backend can refuse.
lsm_only() {
	local n
	n=$(nkind "$3")
	tamper "$1" "$2"
	if [ "$ta" = deny ]; then
		refused "$1" "$4"
	else
		guard_alert "$1" "$3" "$n"
	fi
}
same_policy() { cmp -s $F /tmp/policy.orig; }
# restore: the original policy back, atomically from the host; on the fallback, where the attempt
# changed it, wait for the guard's report of the restoration so that it is not counted as the next
# attempt's.
restore() {
	local n i=0
	[ "$ta" = deny ] && return 0
	n=$(nkind file_changed)
	cp /tmp/policy.orig /tmp/dcea-files/.restore && mv -f /tmp/dcea-files/.restore $F
	while [ "$(nkind file_changed)" -le "$n" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
}

if [ -z "$pin" ] || [ -z "$loader" ]; then
	vm_check FAIL tamper_setup "no pinned link under /sys/fs/bpf/dcea/links ('$pin') or no loader ('$loader')"
else
	lsm_only tamper_unlink_pin "rm /hostbpf/dcea/links/$pin" pins_removed "rm of a pinned link"
	i=0
	while [ ! -e /sys/fs/bpf/dcea/links/$pin ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
	no_effect tamper_unlink_pin "[ -e /sys/fs/bpf/dcea/links/$pin ]" "pin $pin present (not removed, or put back)"
	lsm_only tamper_rename_pins "mv /hostbpf/dcea /hostbpf/moved" pins_removed "mv of the pin directory"
	i=0
	while [ ! -e /sys/fs/bpf/dcea/links/$pin ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
	no_effect tamper_rename_pins "[ -e /sys/fs/bpf/dcea/links/$pin ]" "pins at /sys/fs/bpf/dcea (not moved, or put back)"
	rm -rf /sys/fs/bpf/moved
	# umount: in the container's own mount namespace, a private copy: the host's bpffs stays either way
	tamper tamper_umount "umount /hostbpf"
	if [ "$ta" = deny ]; then
		refused tamper_umount "umount of the bind-mounted host bpffs"
	fi
	no_effect tamper_umount "[ -e /sys/fs/bpf/dcea/links/$pin ]" "the host's bpffs and pins unaffected"
	tamper tamper_write "dcea-escape write /hostfiles/policy.yaml evil"
	refused tamper_write "open of the policy file for writing"
	no_effect tamper_write same_policy "policy file unchanged"
	lsm_only tamper_truncate "dcea-escape truncate /hostfiles/policy.yaml" file_changed "truncate(2) of the policy file"
	[ "$ta" = deny ] && no_effect tamper_truncate same_policy "policy file unchanged"
	restore
	lsm_only tamper_replace "echo evil >/hostfiles/new && mv -f /hostfiles/new /hostfiles/policy.yaml" file_changed "rename over the policy file"
	[ "$ta" = deny ] && no_effect tamper_replace same_policy "policy file unchanged"
	restore
	lsm_only tamper_unlink_file "rm -f /hostfiles/policy.yaml" file_changed "rm of the policy file"
	[ "$ta" = deny ] && no_effect tamper_unlink_file "[ -e $F ]" "policy file present"
	restore
	tamper tamper_signal -p "kill -TERM $loader"
	refused tamper_signal "SIGTERM to the loader (host pid namespace)"
	no_effect tamper_signal "kill -0 $loader" "loader $loader alive"
	# The loader killed: with LSM the pinned programs still refuse the unlink (where tracepoints
	# can be pinned: before 5.15 they go with the loader, new tasks are not tracked and nothing
	# knows the container). A new loader adopts the pins, attaches again what had no pin, and
	# delivers what the ring buffer kept.
	unpinnable=0
	grep -q "cannot be pinned on this kernel" /tmp/run.out && unpinnable=1
	kill -9 "$loader"
	# until it has exited (a zombie: nobody here reaps it); detaching its perf-event tracepoints
	# takes a while on a slow guest
	i=0
	while [ $i -lt 100 ] && [ -e /proc/$loader ] && ! grep -q ') Z ' /proc/$loader/stat 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	down=0
	if [ "$ta" != deny ]; then
		vm_check SKIP tamper_loader_down_denied "the fallback backend cannot refuse an unlink; with no loader to put the pins back, removing them ends enforcement (docs/TRUST.md)"
	elif [ $unpinnable = 1 ]; then
		vm_check SKIP tamper_loader_down_denied "tracepoints cannot be pinned before 5.15: with no loader new tasks are not tracked, so the LSM programs know no container task"
	else
		tamper tamper_loader_down "rm /hostbpf/dcea/links/$pin"
		rc_down=$rc out_down=$out down=1
		no_effect tamper_loader_down "[ -e /sys/fs/bpf/dcea/links/$pin ]" "pin $pin still there"
	fi
	if $DCEA run --mode block --detach --policy $F -o /tmp/alerts.log >/tmp/run2.out 2>&1; then
		vm_check PASS loader_restart "dcea run adopted the pins"
	else
		vm_check FAIL loader_restart "dcea run exited $?: $(tail -n 1 /tmp/run2.out)"
	fi
	if [ $unpinnable = 1 ]; then
		if grep -q "attached again" /tmp/run2.out; then
			vm_check PASS loader_restart_reattached "$(grep -o '[0-9]* tracepoint program(s)[^:]*' /tmp/run2.out) attached again"
		else
			vm_check FAIL loader_restart_reattached "no 'attached again' in: $(grep -v '^libbpf' /tmp/run2.out | tail -n 2)"
		fi
	fi
	if [ $down = 1 ]; then
		rc=$rc_down out=$out_down
		refused tamper_loader_down "rm of a pinned link while no loader ran"
	fi
	# a new container after the restart is tracked and its escape stopped as before
	tamper after_restart "dcea-escape mount debugfs /mnt"
	case $(eff mount_sensitive) in
	deny) r=$([ $rc -ne 0 ] && echo "$out" | grep -q 'Operation not permitted' && echo ok) ;;
	kill) r=$([ $rc -eq 137 ] && echo ok) ;;
	*) r=skip ;;
	esac
	case $r in
	ok) vm_check PASS after_restart_enforced "mount of debugfs stopped ($(eff mount_sensitive))" ;;
	skip) vm_check SKIP after_restart_enforced "mount_sensitive is '$(eff mount_sensitive)' here" ;;
	*) vm_check FAIL after_restart_enforced "exit $rc: $(echo "$out" | tail -n 1)" ;;
	esac
fi
umount $R/hostbpf $R/hostfiles 2>/dev/null

# Benign: ordinary work in a container raises no alert beyond its container_start.
vm_expect_ok benign_container vm_container benign $R sh -c \
	'mkdir -p /tmp/w/a && echo hi >/tmp/w/f && cp /tmp/w/f /tmp/w/a/g && cat /tmp/w/a/g | grep -q hi &&
	 ls / >/dev/null && ps >/dev/null && id >/dev/null && hostname >/dev/null && rm -r /tmp/w &&
	 for i in 1 2 3; do date >/dev/null; done; uname -a >/dev/null; exit 0'
# The guest's runc-like containers keep the whole bounding set: they are privileged, and
# privileged_launch (alert by default) says so. Nothing else may be reported. (Up to 10 s: the
# loader restarted above may still be scanning the host before it streams.)
i=0
while [ $i -lt 50 ] && ! grep -E "[[:space:]]benign[[:space:]]" /tmp/alerts.log | grep -q privileged_launch; do
	sleep 0.2
	i=$((i + 1))
done
sleep 0.5
if grep -E "[[:space:]]benign[[:space:]]" /tmp/alerts.log | grep -q privileged_launch; then
	vm_check PASS privileged_launch_alert "a container with every capability raised privileged_launch"
else
	vm_check FAIL privileged_launch_alert "no privileged_launch alert for the benign (privileged) container"
fi
bad=$(grep -E "[[:space:]]benign[[:space:]]" /tmp/alerts.log | grep -v -e container_start -e privileged_launch)
if [ -z "$bad" ]; then
	vm_check PASS benign_no_alert "no alert but container_start and privileged_launch for the benign container"
else
	vm_check FAIL benign_no_alert "$(echo "$bad" | head -n1)"
fi

alerts=$(grep -c . /tmp/alerts.log 2>/dev/null)
echo "INFO ${alerts:-0} alert line(s) in /tmp/alerts.log"
head -n 40 /tmp/alerts.log 2>/dev/null

if $DCEA stop >/dev/null 2>&1; then
	vm_check PASS dcea_stop "programs detached, pins removed"
else
	vm_check FAIL dcea_stop "dcea stop exited $?"
fi
vm_result ${rules:-backend=none deny=0 kill=0 detect=0 unavailable=0}
