# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
# Route-complete enforcement in the kernel matrix (issue 14), sourced by test.sh once dcea runs in
# block mode: each route of the attack catalogue (tests/routes/catalogue.tsv, copied to
# /vmtest/catalogue.tsv by prepare.sh; 13-routes.sh reads the same rows), its attempt run from a
# fresh container with the integration tests' helper (dcea-escape, tests/helpers/escape.c),
# judged against the catalogue's fallback or lsm column and gaps, and checked from the guest's
# host side: the knob unchanged, no file made, moved or removed in the host's /tmp, the
# host process's files and memory not obtained, no request on the host's listener (as with
# 13-routes.sh, where the effect is the API's answer).
#   deny        EPERM/EACCES, nothing changed, a deny alert (the route's rule, or ptrace_host: the
#               kernel asks ptrace_access_check first on /proc/<pid>/root, mem and pidfd routes)
#   kill        exit 137, nothing changed, a kill alert of the route's rule
#   kill-after  exit 137 and a kill alert, but the change is made (the fallback's known residual)
# An io_uring operation the kernel does not have (EINVAL: MKDIRAT, SYMLINKAT and LINKAT on 5.10;
# an open into a fixed-file slot, 5.15, is canceled at preparation) is "unsupported" and skipped:
# there is no such route. A listed gap of the fallback on a kernel (routes.tsv's last column) is
# skipped when measured as listed (the catalogue says why).
# Each outcome is printed as "DCEA-ROUTE id backend block outcome effect kernel"; vmtest/run.sh
# collects these lines into the routes.tsv format of scripts/route-table.sh.
# Needs from test.sh: $R (the rootfs, with /bin/dcea-escape), $backend, alert(), vm_check and the
# fixtures of fixtures.sh.

# The fixtures (the host process, the knob, the listener) and route_effect: fixtures.sh, sourced
# by test.sh before the rules' own attempts.
n=0
while IFS='	' read -r id rule _ _ eff_kind want_fallback want_lsm gaps _ _ _ _ attempt; do
	case $id in '#'* | '') continue ;; esac
	[ "$want_fallback" = rule ] && continue # a rule's own attempt: test.sh
	n=$((n + 1))
	tag=$n TAG=$n
	name=rt$n # short: the text alert log shows 20 characters of a container name
	want=$want_fallback gap="" also=-
	# kill-race: killed, and the operation may be done first; both are measurements
	[ "$want" = kill-race ] && want=kill also=kill-after
	# cgroup/connect_unix (6.7+) denies a runtime-socket connect by any route (13-routes.sh does
	# the same): asked of this kernel's BTF, whose string section names the attach type
	[ $id = uring-connect-sock ] && grep -aq BPF_CGROUP_UNIX_CONNECT /sys/kernel/btf/vmlinux &&
		want=deny
	[ "$backend" = lsm ] && { want=$want_lsm also=-; }
	if [ "$backend" = fallback ]; then
		for g in $(echo "$gaps" | tr ',' ' '); do
			[ "${g%%=*}" = "$kver" ] && gap=${g#*=}
		done
	fi
	case $eff_kind in
	rename) echo x >$RT/ren-$tag ;;
	unlink) echo x >$RT/unl-$tag ;;
	chmod) echo x >$RT/chm-$tag ;;
	chown) echo x >$RT/cho-$tag ;;
	esac
	script=$(eval "printf '%s\n' \"$attempt\"")
	out=$(/vmtest/ctr -p -n $name -c /sys/fs/cgroup/vmtest/$name $R sh -c "$script; exit \$?" </dev/null 2>&1)
	rc=$?
	sleep 0.2 # a kill's alert
	[ $id = uring-connect-sock ] && sleep 0.5 # the listener's log line
	effect=no
	route_effect "$eff_kind" $tag && effect=yes
	k=""
	[ $eff_kind = knob ] && k=", release_agent '$(knob)'"
	echo "$id (exit $rc, effect $effect$k): $(echo "$out" | tail -n 2 | tr '\n' ' ')"
	if [ $rc -eq 137 ]; then
		outcome=kill
		[ $effect = yes ] && outcome=kill-after
	elif [ $rc -eq 125 ]; then
		outcome=setup-failed
	elif [ $rc -ne 0 ] && echo "$out" | grep -q -e 'not permitted' -e 'Permission denied'; then
		outcome=deny
	elif [ $rc -ne 0 ] && [ $effect = no ] && [ "${id#*uring-}" != "$id" ] &&
		{ echo "$out" | grep -q 'Invalid argument' ||
			{ [ $id = uring-open-linked-knob ] && echo "$out" | grep -q 'openat (fixed): Operation canceled'; } ||
			echo "$out" | grep -q 'io_uring_register files: Too many open files'; }; then
		# EINVAL: no such opcode; the open into a fixed-file slot (5.15) canceled at preparation; a
		# fixed-file table smaller than the slot (1 << 15 files before 5.13)
		outcome=unsupported
	elif [ $rc -ne 0 ]; then
		outcome=refused
	else
		outcome=escaped
	fi
	echo "DCEA-ROUTE $id $backend block $outcome $effect $kver"
	# a race of the fallback (kill-race in the catalogue): the other outcome is as good a measurement
	[ "$outcome" = "$also" ] && want=$also
	case $want in
	deny) arule="($rule|ptrace_host)" action=deny ;;
	*) arule=$rule action=kill ;;
	esac
	if [ $outcome = unsupported ]; then
		vm_check SKIP route_$id "the io_uring operation (or a fixed-file table that large) does not exist on $kver: $(echo "$out" | tail -n 1)"
	elif [ -n "$gap" ] && [ $outcome = "$gap" ]; then
		vm_check SKIP route_$id "known gap of the fallback on $kver (tests/routes/catalogue.tsv): $outcome, effect $effect"
	elif [ -n "$gap" ]; then
		vm_check FAIL route_$id "the fallback's gap on $kver is listed as $gap, got $outcome (exit $rc, effect $effect): update tests/routes/catalogue.tsv"
	elif [ $outcome != "$want" ]; then
		vm_check FAIL route_$id "want $want, got $outcome (exit $rc, effect $effect): $(echo "$out" | tail -n 1)"
	elif [ $outcome = deny ] && [ $effect = yes ]; then
		vm_check FAIL route_$id "refused, but the change is made: $(echo "$out" | tail -n 1)"
	elif ! alert "$arule" $action $name; then
		vm_check FAIL route_$id "$outcome without a '$arule $action $name' alert"
		grep -E "[[:space:]]$arule[[:space:]]" /tmp/alerts.log | tail -n 2
	else
		vm_check PASS route_$id "$outcome, effect $effect, $(grep -E "[[:space:]]$arule[[:space:]]+$action[[:space:]]+$name[[:space:]]" /tmp/alerts.log | head -n 1 | awk '{print $3}') alert"
	fi
	# `dcea status` lists this route (same id) as a gap: it must not say "gap" (not watched) of a
	# route just stopped (before 5.15 the tracepoints it names are held by the loader, unpinned)
	st=$(echo "$json" | grep -o "\"id\":\"$id\",\"rule\":\"[^\"]*\",\"route\":\"[^\"]*\",\"effect\":\"[a-z-]*\"" |
		sed 's/.*"effect":"\([a-z-]*\)"/\1/')
	if [ -n "$st" ] && { [ $outcome = deny ] || [ $outcome = kill ]; }; then
		if [ "$st" = gap ]; then
			vm_check FAIL status_route_$id "dcea status says not watched, measured $outcome"
		else
			vm_check PASS status_route_$id "dcea status says $st, measured $outcome"
		fi
	fi
	echo >$R/cgr/release_agent
	rm -f $RT/sock.log
done </vmtest/catalogue.tsv

# The memory-derived procfs files of the host process (environ, maps): not a route of the
# catalogue, but the LSM backend's ptrace_host denial did not stop them on 7.x (mm_access()
# accepts a perfmon_capable() reader), so they are judged at file_open now (lsm.bpf.c).
for f in environ maps; do
	n=$((n + 1))
	out=$(/vmtest/ctr -p -n rt$n -c /sys/fs/cgroup/vmtest/rt$n $R sh -c "cat /proc/$rhp/$f" </dev/null 2>&1)
	rc=$?
	if [ "$backend" != lsm ]; then
		vm_check SKIP proc_mm_$f "the fallback does not judge reads of /proc/<host pid>/$f"
	elif [ $rc -ne 0 ] && echo "$out" | grep -q -e 'not permitted' -e 'Permission denied' &&
		! echo "$out" | grep -q -e env-secret -e '^[0-9a-f]*-[0-9a-f]* '; then
		vm_check PASS proc_mm_$f "denied: $(echo "$out" | tail -n 1)"
	else
		vm_check FAIL proc_mm_$f "read /proc/$rhp/$f, exit $rc: $(echo "$out" | tail -n 1 | head -c 80)"
	fi
done

kill -9 $rhp $rlp $rap 2>/dev/null
umount $R/cgr
