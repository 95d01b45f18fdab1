#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Route-complete enforcement (issue 14): each escape object reached by another route than the
# classic syscall, from a real docker container, in audit mode (the step succeeds, one alert with the
# right rule and route) and in block mode (stopped, and what the step would have changed is checked
# from the host). What should happen is this script's own table (EXPECT below), per backend; dcea's
# status is never asked what to expect. The routes are the attack catalogue's
# (tests/routes/catalogue.tsv). Every outcome is also written to $OUTPUT/test-logs/routes.tsv,
# from which scripts/route-table.sh makes docs/ROUTES.md.
#
# EXPECT values, block mode:
#   deny        the step fails with EPERM/EACCES and changed nothing
#   kill        the task is killed (exit 137) and the step changed nothing on the host
#   kill-race   killed, and whether the operation got done first is a race (an io-wq worker runs it
#               while the kill is delivered): kill or kill-after, both reported as measured
#   kill-after  the task is killed, but the kernel had finished the operation (a tracepoint cannot
#               fail it): the change is there. A known residual of the fallback backend, listed as
#               such in docs/ROUTES.md and `dcea status`; this script checks that it is still
#               reported and killed, and FAILs if the change ever stops happening (then the table
#               must say kill).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

. "$(dirname "$0")/../lib/catalogue.sh"

# The routes, their rules, attempts and expected outcomes: one row each in the attack catalogue,
# which the kernel matrix (vmtest/dcea/routes.sh) reads too.
catalogue_load routes
ROUTES=("${CAT_IDS[@]}")
declare -A RULE=() EXPECT_fallback=()
for id in "${ROUTES[@]}"; do RULE[$id]=${CAT_RULE[$id]} EXPECT_fallback[$id]=${CAT_FALLBACK[$id]}; done

# cgroup/connect_unix (6.7+) denies a runtime-socket connect by any route: asked of the kernel's
# own type information, not of dcea
if bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -q "'BPF_CGROUP_UNIX_CONNECT'"; then
	EXPECT_fallback[uring-connect-sock]=deny
fi

CHECKS=()
for r in "${ROUTES[@]}"; do CHECKS+=("$r-audit" "$r-block"); done
CHECKS+=(identity-nsenter-block identity-nsenter-audit identity-nsenter-quiet)
CHECKS+=(inherited-fd-block inherited-fd-audit inherited-ring-block inherited-ring-audit)
CHECKS+=(identity-adopted-worker identity-adopted-sqpoll)
CHECKS+=(status-route-claims benign-uring-copy benign-fdpass benign-uring-net benign-uring-quiet
	uring-refuse-named uring-refuse-alert uring-refuse-others)

need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
dcea_helper || fail_all "cannot build the escape helper tests/helpers/escape.c" "${CHECKS[@]}"

RESULTS=$OUTPUT/test-logs/routes.tsv
mkdir -p "${RESULTS%/*}"

# --- host-side fixtures --------------------------------------------------------------------------

secret=$DCEA_TMP/host-secret
printf 'host-secret-%s\n' "$$" >"$secret"
rwfile=$DCEA_TMP/host-rw
printf 'untouched\n' >"$rwfile"
# A host process holding a secret file (fd 3), a writable file (fd 4) and a directory (fd 5), its
# working directory that directory too (the /proc/<pid>/cwd routes).
start_bg host_pid bash -c 'cd "$3" && exec 3<"$1" 4<>"$2" 5<"$3" && exec sleep 600' _ "$secret" "$rwfile" "$DCEA_TMP"
host_ready() { [ "$(readlink "/proc/$host_pid/exe")" = "$(readlink -f "$(command -v sleep)")" ]; }
wait_until 5 host_ready ||
	fail_all "host process did not start" "${CHECKS[@]}"
# A cgroup v1 hierarchy of our own (not the host's), bind-mounted into the container: its
# release_agent is the knob the routes aim at.
cg=$DCEA_TMP/cg
mkdir -p "$cg"
mount -t cgroup -o "none,name=dcea-routes-$$" cgroup "$cg" ||
	fail_all "cannot mount a cgroup v1 hierarchy" "${CHECKS[@]}"
cleanup_add umount "$cg"
knob_value() { cat "$cg/release_agent"; }
# The host's core_pattern: the audit step really changes it, so it is put back after every step.
CORE_PATTERN=/proc/sys/kernel/core_pattern
orig_core=$(cat "$CORE_PATTERN")
restore_core() {
	[ "$(cat "$CORE_PATTERN")" = "$orig_core" ] || printf '%s\n' "$orig_core" >"$CORE_PATTERN"
}
cleanup_add restore_core
knob_reset() { printf '\n' >"$cg/release_agent"; }

# A leaky host agent: it hands every client of its socket an fd of the host directory (HT); the
# socket's directory is bind-mounted into a default container (the leaked-fd routes).
leakdir=$DCEA_TMP/agent
mkdir -p "$leakdir"
start_bg agent_pid "$DCEA_ESCAPE" fdserve "$leakdir/agent.sock" "$DCEA_TMP"
wait_until 5 test -S "$leakdir/agent.sock" ||
	fail_all "the leaky agent did not start" "${CHECKS[@]}"

dcea_start || fail_all "$DCEA_ERR" "${CHECKS[@]}"
BACKEND=$(dcea_status_json | jq -r .backend)
declare -n EXPECT="EXPECT_$BACKEND" 2>/dev/null
if [ "$BACKEND" != fallback ]; then
	# this host's kernel refuses BPF LSM; the LSM routes run in the kernel matrix (vmtest)
	fail_all "no expectations for backend '$BACKEND' on this host" "${CHECKS[@]}"
fi

ct_priv=$(dcea_escape_ct priv --privileged --pid=host -v "$cg:/cg" -v /var/run/docker.sock:/var/run/docker.sock)
ct_sa=$(dcea_escape_ct sysadmin --cap-add SYS_ADMIN)
ct_plain=$(dcea_escape_ct plain)
ct_leak=$(dcea_escape_ct leak -v "$leakdir:/agent")
ct_leaksa=$(dcea_escape_ct leaksa --cap-add SYS_ADMIN -v "$leakdir:/agent")

run_in() { # CT CMD...: sets OUT, ERR, RC
	local ct=$1
	shift
	RC=0
	OUT=$(docker exec "$ct" "$@" 2>"$DCEA_TMP/err") || RC=$?
	ERR=$(cat "$DCEA_TMP/err")
}

n=0
# The attempts' variables (tests/routes/catalogue.tsv); ADDR empty: the helper reads the maps.
# shellcheck disable=SC2034 # read by catalogue_script and catalogue_effect
KNOB=/cg/release_agent P=/proc/$host_pid/root HT=$DCEA_TMP SECRET=$secret SECRETNAME=${secret##*/}
# shellcheck disable=SC2034
HP=$host_pid ADDR= MEMADDR= SOCK=/var/run/docker.sock LEAK=/agent/agent.sock CAT_KNOB_HOST=$cg/release_agent CAT_RWFILE=$rwfile
# route_step ID MODE: run route ID's attempt once, with its host-side set-up; sets CT, TAG and
# OUT/ERR/RC
route_step() {
	local id=$1 mode=$2
	n=$((n + 1))
	TAG=$mode-$n
	CT=$ct_priv
	[ "${CAT_CT[$id]}" = sysadmin ] && CT=$ct_sa
	[ "${CAT_CT[$id]}" = plain ] && CT=$ct_plain
	[ "${CAT_CT[$id]}" = leak ] && CT=$ct_leak
	[ "${CAT_CT[$id]}" = leaksa ] && CT=$ct_leaksa
	catalogue_prepare "$id"
	run_in "$CT" sh -c "$(catalogue_script "$id")"
}

# effect ID: did the step change or obtain what it aimed at? (0 yes), checked from the host
effect() { catalogue_effect "$1"; }

# The fallback's alert for the receipt of a leaked host directory fd (recvmsg, recvmmsg: route
# scm_rights; io_uring's RECVMSG: io_uring): the directory itself, on a foreign mount. The LSM
# backend judges the uses instead (path_* and file_open hooks).
receipt_expr() {
	local r=scm_rights
	[[ $1 == *uring-recv* ]] && r=io_uring
	echo '.details.kind == "foreign_mount" and (.details.path | endswith("'"${HT##*/}"'")) and .details.route == "'"$r"'"'
}

# the route the alert names, for the rules that say it
route_expr() {
	case $1 in
	uring-open-sysctl) echo '.details.path == "/proc/sys/kernel/core_pattern"' ;;
	uring-open* | uring-connect* | uring-*-root | leaked-fd-*uring-*) echo '.details.route == "io_uring"' ;;
	pidfd-getfd-*) echo '.details.route // "pidfd_getfd" | . == "pidfd_getfd" or . == "syscall"' ;;
	reopen-* | path-*) echo '.details.route == "syscall"' ;;
	leaked-fd-open | leaked-fd-chdir | leaked-fd-procfd-open) echo '.details.kind == "foreign_mount" and (.details.path | endswith("'"${HT##*/}"'") | not)' ;;
	leaked-fd-link-mkdir) [ "$BACKEND" = fallback ] && receipt_expr "$1" || echo true ;;
	leaked-fd-*) echo '.details.kind == "path_walk" and .details.from_outside == true' ;;
	pidfd-setns) echo '.details.namespaces_changed | index("mnt") != null' ;;
	fsopen-unfaulted) echo '.details.fstype == "(unreadable)"' ;;
	clone3-unfaulted) echo '.details | tostring | test("clone3 \\(unreadable\\)")' ;;
	capset-unfaulted) echo '.details.effective_requested | test("checkpoint_restore,[?]")' ;;
	*) echo true ;;
	esac
}

declare -A MEASURED
# The leaked-fd routes' ids in `dcea status` on the LSM backend, which judges their uses (on the
# fallback, their receipt stops them all: leaked-fd-receipt).
status_id_lsm() {
	case $1 in
	leaked-fd-open | leaked-fd-chdir | leaked-fd-uring-open | leaked-fd-procfd-open) echo leaked-fd-open ;;
	leaked-fd-uring-mkdir | leaked-fd-uring-bind | leaked-fd-procfd-uring-mkdir) echo leaked-fd-uring-path ;;
	leaked-fd-setxattr | leaked-fd-chown | leaked-fd-procfd-setxattr | leaked-fd-procfd-chown) echo leaked-fd-attr ;;
	*) echo leaked-fd-path ;;
	esac
}

# the id under which `dcea status` groups a route of this script
status_id() {
	case $1 in
	uring-open-knob | uring-open-knob-async | uring-open-knob-sqpoll | uring-open2-knob) echo uring-open-knob ;;
	uring-*-root) [[ $1 == uring-open-* ]] && echo "$1" || echo uring-path-root ;;
	path-*-root | path-*-cwd) echo path-root ;;
	pidfd-getfd-*) echo pidfd-getfd ;;
	proc-cwd-open | uring-open-cwd) echo proc-cwd ;;
	leaked-fd-inherited) echo "$1" ;;
	leaked-fd-*) [ "$BACKEND" = fallback ] && echo leaked-fd-receipt || status_id_lsm "$1" ;;
	*) echo "$1" ;;
	esac
}

# record ID MODE OUTCOME EFFECT [EXPECTED]: one line of routes.tsv
# (columns: id, backend, mode, outcome, effect, kernel: "host" here, expected)
record() { printf '%s\t%s\t%s\t%s\t%s\thost\t%s\n' "$1" "$BACKEND" "$2" "$3" "$4" "${5:-}" >>"$RESULTS"; }

route_check() { # ID MODE
	local id=$1 mode=$2 rule=${RULE[$1]} want a ra sel eff=no outcome
	dcea_mark
	route_step "$id" "$mode"
	effect "$id" && eff=yes
	[ "$?" = 2 ] && eff=unknown
	knob_reset
	restore_core
	if [ "$mode" = audit ]; then
		# a leaked fd: the alert of its use (the receipt's comes first), and of its receipt
		sel=true
		[[ $id == leaked-fd-* ]] && sel=$(route_expr "$id")
		a=$(dcea_wait_alert "$rule" ".container.id == \"$CT\" and .action == \"alert\" and ($sel)" 5)
		ra=x
		[[ $id == leaked-fd-* ]] && [ "$BACKEND" = fallback ] &&
			ra=$(dcea_wait_alert "$rule" ".container.id == \"$CT\" and .action == \"alert\" and ($(receipt_expr "$id"))" 5)
		if [ "$RC" != 0 ] || [ "$eff" != yes ]; then
			fail "$id-audit" "the step did not succeed unwatched (exit $RC, effect $eff): $OUT $ERR"
			record "$id" audit "failed" "$eff"
		elif [ -z "$ra" ]; then
			fail "$id-audit" "no $rule alert for the receipt of the leaked fd ($(receipt_expr "$id")); since the mark: $(dcea_alerts_since_mark | jq -c '[.rule, .action, .comm, .details]' | tr '\n' ' ')"
			record "$id" audit "escaped" "$eff"
		elif [ -z "$a" ]; then
			fail "$id-audit" "no $rule alert; since the mark: $(dcea_alerts_since_mark | jq -c '[.rule, .action, .comm, .details]' | tr '\n' ' ')"
			record "$id" audit "escaped" "$eff"
		else
			# the acting task: the process, or an io_uring worker of it (iou-wrk-PID)
			dcea_expect_alert "$id-audit" "$a" ".rule == \"$rule\"" \
				'.exe | endswith("dcea-escape")' "$(route_expr "$id")"
			record "$id" audit "alert" "$eff"
		fi
		return
	fi
	want=${EXPECT[$id]:-}
	a=$(dcea_wait_alert "$rule" ".container.id == \"$CT\" and .action != \"alert\"" 5)
	if [ "$RC" = 137 ]; then outcome=kill; elif [ "$RC" != 0 ]; then outcome=refused; else outcome=escaped; fi
	[ "$outcome" = refused ] && [[ $ERR == *"not permitted"* || $ERR == *"denied"* ]] && outcome=deny
	[ "$outcome" = kill ] && [ "$eff" = yes ] && outcome=kill-after
	record "$id" block "$outcome" "$eff" "$want"
	MEASURED[$id]=$outcome
	if [ "$want" = kill-race ] && { [ "$outcome" = kill ] || [ "$outcome" = kill-after ]; }; then
		want=$outcome
	fi
	if [ "$outcome" != "$want" ]; then
		fail "$id-block" "want $want, got $outcome (exit $RC, effect on the host: $eff): $OUT $ERR"
	elif [ -z "$a" ]; then
		fail "$id-block" "$outcome without a $rule kill/deny alert"
	else
		pass "$id-block"
	fi
}

: >"$RESULTS.tmp"
RESULTS=$RESULTS.tmp
for mode in audit block; do
	if [ "$mode" = block ] && ! dcea_mode block; then
		mapfile -t left < <(printf '%s\n' "${CHECKS[@]}" | grep -e '-block')
		fail_all "cannot switch to block mode: $DCEA_ERR" "${left[@]}"
	fi
	for r in "${ROUTES[@]}"; do
		route_check "$r" "$mode"
	done
done

# Container identity: a task of no container that enters one through setns (an admin's nsenter,
# a runtime's exec that does not move the task into the container's cgroup) and execs there runs
# the container's files: it is judged as that container, and so are its io_uring workers. From
# the host: nsenter into the privileged container's mount namespace, then an io_uring open of the
# knob forced to an io-wq worker. A benign entry (a shell listing a directory) raises nothing.
identity_nsenter() { # MODE
	local mode=$1 ctpid eff=no a
	ctpid=$(docker inspect -f '{{.State.Pid}}' "$ct_priv")
	n=$((n + 1))
	TAG=$mode-$n
	dcea_mark
	RC=0
	OUT=$(nsenter -t "$ctpid" -m -- /usr/local/bin/dcea-escape route uring-open /cg/release_agent \
		w "/payload-$TAG" async 2>"$DCEA_TMP/err") || RC=$?
	ERR=$(cat "$DCEA_TMP/err")
	[ "$(knob_value)" = "/payload-$TAG" ] && eff=yes
	knob_reset
	if [ "$mode" = audit ]; then
		a=$(dcea_wait_alert kernel_knob_file ".container.id == \"$ct_priv\" and .action == \"alert\"" 5)
		if [ "$RC" != 0 ] || [ "$eff" != yes ]; then
			fail identity-nsenter-audit "the entered task's step did not succeed unwatched (exit $RC, knob written: $eff): $OUT $ERR"
		else
			dcea_expect_alert identity-nsenter-audit "$a" '.exe | endswith("dcea-escape")' '.details.route == "io_uring"'
		fi
		return
	fi
	a=$(dcea_wait_alert kernel_knob_file ".container.id == \"$ct_priv\" and .action == \"kill\"" 5)
	if [ "$RC" != 137 ] || [ "$eff" != no ]; then
		fail identity-nsenter-block "want killed with the knob unchanged, got exit $RC, knob written: $eff: $OUT $ERR"
	elif [ -z "$a" ]; then
		fail identity-nsenter-block "killed without a kernel_knob_file kill alert naming the container"
	else
		pass identity-nsenter-block
	fi
}
# A host directory fd held across the exec into a container (a runtime's or an agent's leak, the
# shape of CVE-2024-21626's `runc exec`): nsenter into the default container's mount namespace
# with fd 7 open on the host directory HT, exec'ing the helper, which makes a directory relative
# to fd 7. On the fallback the exec is judged: killed before the helper runs, nothing made; in
# audit mode the alert names the route "inherited". (The LSM backend denies the mkdir instead.)
# KIND ring: fd 7 is an io_uring ring with HT in its fixed-file table (dcea-escape ringhold), no
# directory: the helper takes HT out with IORING_OP_FIXED_FD_INSTALL, killed at its completion
# (route "io_uring").
inherited_fd() { # MODE KIND
	local mode=$1 kind=$2 ctpid eff=no a check=inherited-fd id=leaked-fd-inherited route=inherited
	ctpid=$(docker inspect -f '{{.State.Pid}}' "$ct_plain")
	n=$((n + 1))
	TAG=$mode-$n
	dcea_mark
	RC=0
	if [ "$kind" = ring ]; then
		check=inherited-ring id=leaked-fd-uring-install route=io_uring
		OUT=$("$DCEA_ESCAPE" ringhold "$HT" 7 nsenter -t "$ctpid" -m -- /usr/local/bin/dcea-escape \
			route leaked-fd fd:7 uring-install:mkdir "mk-$TAG" 2>"$DCEA_TMP/err") || RC=$?
	else
		OUT=$(nsenter -t "$ctpid" -m -- /usr/local/bin/dcea-escape route leaked-fd fd:7 mkdir \
			"mk-$TAG" 7<"$HT" 2>"$DCEA_TMP/err") || RC=$?
	fi
	ERR=$(cat "$DCEA_TMP/err")
	[ -d "$HT/mk-$TAG" ] && eff=yes
	rmdir "$HT/mk-$TAG" 2>/dev/null
	a=$(dcea_wait_alert proc_host_access ".container.id == \"$ct_plain\" and .details.route == \"$route\"" 5)
	if [ "$mode" = audit ]; then
		if [ "$RC" != 0 ] || [ "$eff" != yes ]; then
			fail $check-audit "the step did not succeed unwatched (exit $RC, made: $eff): $OUT $ERR"
		else
			dcea_expect_alert $check-audit "$a" '.action == "alert"' \
				'.details.kind == "foreign_mount"' '.exe | endswith("dcea-escape")'
		fi
		return
	fi
	MEASURED[$id]=kill
	[ "$eff" = yes ] && MEASURED[$id]=kill-after
	[ "$RC" != 137 ] && MEASURED[$id]=escaped
	if [ "$RC" != 137 ] || [ "$eff" != no ]; then
		fail $check-block "want killed with nothing made, got exit $RC, made: $eff: $OUT $ERR"
	else
		dcea_expect_alert $check-block "$a" '.action == "kill"' '.details.kind == "foreign_mount"'
	fi
}
identity_nsenter block
if [ "$BACKEND" = fallback ]; then
	inherited_fd block dir
	inherited_fd block ring
else
	for c in inherited-fd inherited-ring; do
		skip $c-block "backend $BACKEND: the LSM hooks judge the fd's uses, not the exec"
		skip $c-audit "backend $BACKEND: the LSM hooks judge the fd's uses, not the exec"
	done
fi
dcea_mode audit && identity_nsenter audit
if [ "$BACKEND" = fallback ]; then
	inherited_fd audit dir
	inherited_fd audit ring
fi
dcea_mode block || fail identity-nsenter-quiet "cannot switch back to block mode: $DCEA_ERR"
dcea_mark
plainpid=$(docker inspect -f '{{.State.Pid}}' "$ct_plain")
RC=0
OUT=$(nsenter -t "$plainpid" -m -p -- /bin/sh -c 'ls / >/dev/null && cat /etc/hostname' 2>&1) || RC=$?
sleep 0.5
k=$(dcea_count_alerts ".container.id == \"$ct_plain\"")
if [ "$RC" != 0 ]; then
	fail identity-nsenter-quiet "a benign nsenter into a default container failed (exit $RC): $OUT"
elif [ "$k" != 0 ]; then
	fail identity-nsenter-quiet "$k alerts: $(dcea_alerts_since_mark | jq -c 'select(.type == "alert") | [.rule, .comm, .details]' | tr '\n' ' ')"
else
	pass identity-nsenter-quiet
fi

# What `dcea status` claims about each route here agrees with what was measured: a route it calls
# kill was killed with nothing changed, and every other one is listed as a gap.
bad=()
st=$(dcea_status_json)
for r in "${ROUTES[@]}" leaked-fd-inherited; do
	[ -n "${MEASURED[$r]:-}" ] || continue
	sid=$(status_id "$r")
	claim=$(printf '%s' "$st" | jq -r --arg i "$sid" '.routes[] | select(.id == $i) | "\(.effect) \(.gap)"')
	case "$claim/${MEASURED[$r]}" in
	"deny false/deny" | "kill false/kill" | "kill-race true/kill" | "kill-race true/kill-after" | "kill-after true/kill-after") ;;
	*) bad+=("$r ($sid): status says '${claim:-nothing}', measured ${MEASURED[$r]}") ;;
	esac
done
if [ "${#bad[@]}" = 0 ]; then
	pass status-route-claims
else
	fail status-route-claims "${bad[*]}"
fi

# Benign io_uring in a default container, still in block mode: a file copy, loopback TCP, a
# socketpair and the container's own unix sockets (bound by path, absolute and relative, by bind(2)
# and IORING_OP_BIND, and abstract). Nothing broken, nothing reported; the binds also in the
# privileged container, whose absolute names are read (it shares the host's pid namespace).
dcea_mark
docker exec "$ct_plain" dd if=/dev/urandom of=/tmp/src bs=65536 count=16 2>/dev/null
run_in "$ct_plain" dcea-escape route uring-copy /tmp/src /tmp/dst
if [ "$RC" = 0 ] && docker exec "$ct_plain" cmp -s /tmp/src /tmp/dst; then
	pass benign-uring-copy
else
	fail benign-uring-copy "exit $RC: $OUT $ERR"
fi
# descriptors passed inside a container (a directory of its own, a pipe, a socket) over a
# socketpair: what the receipt of a leaked host directory is judged by, on a benign program
run_in "$ct_plain" dcea-escape route fdpass /etc
check_eq benign-fdpass "0 received 3 fds" "$RC ${OUT%%,*}"
run_in "$ct_plain" dcea-escape route uring-echo
out_plain="$RC $OUT"
run_in "$ct_priv" dcea-escape route uring-echo
check_eq benign-uring-net "0 ok/0 ok" "$out_plain/$RC $OUT"
sleep 0.5
k=$(dcea_count_alerts ".container.id == \"$ct_plain\" or .container.id == \"$ct_priv\"")
if [ "$k" = 0 ]; then
	pass benign-uring-quiet
else
	fail benign-uring-quiet "$k alerts: $(dcea_alerts_since_mark | jq -c 'select(.type == "alert") | [.rule, .comm, .details]' | tr '\n' ' ')"
fi

# Container identity of an adopted container: io_uring rings whose io-wq worker and SQPOLL thread
# existed before dcea started (made while it was stopped) are found by adoption's scan of the
# container's threads; an open of the knob through each, after `dcea run` adopted the container,
# is judged as the container's: killed, knob unchanged, a kill alert naming the container (the
# SQPOLL thread submits, so its alert names iou-sqp-N).
dcea_stop
hold_pids=()
for how in worker sqpoll; do
	n=$((n + 1))
	docker exec "$ct_priv" rm -f "/tmp/go-$how" "/tmp/go-$how.ready"
	( docker exec "$ct_priv" dcea-escape route uring-hold /cg/release_agent "/payload-hold-$how" \
		"/tmp/go-$how" "$how" >"$DCEA_TMP/hold-$how.out" 2>&1
	  echo $? >"$DCEA_TMP/hold-$how.rc" ) &
	hold_pids+=("$!")
done
hold_ready() { docker exec "$ct_priv" test -e /tmp/go-worker.ready -a -e /tmp/go-sqpoll.ready; }
if ! wait_until 10 hold_ready; then
	fail_all "the io_uring holders did not start: $(cat "$DCEA_TMP"/hold-*.out 2>/dev/null | tr '\n' ' ')" \
		identity-adopted-worker identity-adopted-sqpoll
	docker exec "$ct_priv" touch /tmp/go-worker /tmp/go-sqpoll
	wait "${hold_pids[@]}" # not a bare wait: the host process, the agent and dcea run on
	dcea_start --mode block || fail_all "$DCEA_ERR" "${CHECKS[@]}"
else
	dcea_start --mode block || fail_all "$DCEA_ERR" "${CHECKS[@]}"
	for how in worker sqpoll; do
		dcea_mark
		docker exec "$ct_priv" touch "/tmp/go-$how"
		wait_until 10 test -s "$DCEA_TMP/hold-$how.rc"
		rc=$(cat "$DCEA_TMP/hold-$how.rc" 2>/dev/null)
		eff=no
		[ "$(knob_value)" = "/payload-hold-$how" ] && eff=yes
		knob_reset
		a=$(dcea_wait_alert kernel_knob_file ".container.id == \"$ct_priv\" and .action == \"kill\"" 5)
		want_comm=true
		[ "$how" = sqpoll ] && want_comm='.comm | startswith("iou-sqp")'
		if [ "$rc" != 137 ] || [ "$eff" != no ]; then
			fail "identity-adopted-$how" "want killed with the knob unchanged, got exit ${rc:-none}, knob written: $eff: $(tr '\n' ' ' <"$DCEA_TMP/hold-$how.out")"
		elif [ -z "$a" ]; then
			fail "identity-adopted-$how" "killed without a kernel_knob_file kill alert naming the container"
		else
			dcea_expect_alert "identity-adopted-$how" "$a" "$want_comm" '.details.route == "io_uring"'
		fi
	done
	wait "${hold_pids[@]}"
fi

# The policy switch for what the fallback cannot stop before it happens: a custom rule of kind
# io_uring refuses io_uring in the containers it names (here the privileged one), in block mode.
pol=$DCEA_TMP/refuse-uring.yaml
cat >"$pol" <<EOF
version: 1
mode: block
custom_rules:
  - id: no_io_uring_priv
    description: no io_uring in the privileged test container
    kind: io_uring
    container: {name: '$(docker_name priv)'}
    action: block
    severity: high
EOF
refuse=(uring-refuse-named uring-refuse-alert uring-refuse-others)
"$DCEA" policy check "$pol" >"$DCEA_TMP/pc.out" 2>&1 ||
	fail_all "policy with an io_uring rule rejected: $(head -n 2 "$DCEA_TMP/pc.out")" "${refuse[@]}"
dcea_stop
dcea_start --policy "$pol" --mode block || fail_all "$DCEA_ERR" "${refuse[@]}"
dcea_mark
run_in "$ct_priv" dcea-escape route uring-echo
check_eq uring-refuse-named 137 "$RC"
a=$(dcea_wait_alert no_io_uring_priv ".container.id == \"$ct_priv\"" 5)
dcea_expect_alert uring-refuse-alert "$a" '.action == "kill"' '.details.kind == "io_uring"'
run_in "$ct_plain" dcea-escape route uring-echo
check_eq uring-refuse-others "0 ok" "$RC $OUT"
mv "$RESULTS" "${RESULTS%.tmp}"

