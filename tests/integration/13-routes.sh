#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Route-complete enforcement (issue 14): each escape object reached by another route than the
# classic syscall, from a real docker container, in audit mode (the step succeeds, one alert with the
# right rule and route) and in block mode (stopped, and what the step would have changed is checked
# from the host). What should happen is this script's own table (EXPECT below), per backend; dcea's
# status is never asked what to expect. Every outcome is also written to $OUTPUT/test-logs/routes.tsv,
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

# id: container, rule
declare -A RULE=(
	[uring-open-knob]=kernel_knob_file [uring-open-knob-async]=kernel_knob_file
	[uring-open-knob-sqpoll]=kernel_knob_file [uring-open2-knob]=kernel_knob_file
	[uring-open-linked-knob]=kernel_knob_file [reopen-knob]=kernel_knob_file
	[uring-open-knob-symlink]=kernel_knob_file [uring-open-sysctl]=kernel_knob_sysctl
	[uring-open-root]=proc_host_access [uring-open-mem]=proc_host_access
	[uring-connect-sock]=runtime_socket
	[uring-mkdir-root]=proc_host_access [uring-symlink-root]=proc_host_access
	[uring-rename-root]=proc_host_access [uring-unlink-root]=proc_host_access
	[uring-link-root]=proc_host_access
	[path-mkdir-root]=proc_host_access [path-symlink-root]=proc_host_access
	[path-rename-root]=proc_host_access [path-unlink-root]=proc_host_access
	[path-link-root]=proc_host_access
	[pidfd-getfd-file]=ptrace_host [pidfd-getfd-dir]=ptrace_host [pidfd-getfd-write]=ptrace_host
	[vm-readv]=ptrace_host [process-madvise]=ptrace_host
	[mount-unfaulted]=mount_sensitive
)
ROUTES=(uring-open-knob uring-open-knob-async uring-open-knob-sqpoll uring-open2-knob
	uring-open-linked-knob uring-open-knob-symlink reopen-knob uring-open-sysctl uring-open-root uring-open-mem uring-connect-sock
	uring-mkdir-root uring-symlink-root uring-rename-root uring-unlink-root uring-link-root
	path-mkdir-root path-symlink-root path-rename-root path-unlink-root path-link-root
	pidfd-getfd-file pidfd-getfd-dir pidfd-getfd-write vm-readv process-madvise mount-unfaulted)

# What block mode does to each route, per backend (measured; docs/ROUTES.md). The kernel matrix
# (vmtest/dcea/routes.sh) reads this table too. Measured there on 6.1, 6.12 and 7.2: an io_uring
# path operation is killed at submission (io_uring_submit_req), before it reaches an io-wq
# worker, and the dying task's ring cancels it: nothing changes (kill); a write linked to the
# open in the same submission runs before the task returns to user space (kill-after) when the
# open completed inline; when it was punted to an io-wq worker the kill comes first (kill, seen
# once in four boots on 6.12): a race, which the matrix accepts either way.
declare -A EXPECT_fallback=(
	[uring-open-knob]=kill [uring-open-knob-async]=kill [uring-open-knob-sqpoll]=kill
	[uring-open2-knob]=kill [uring-open-linked-knob]=kill-race [reopen-knob]=kill
	[uring-open-knob-symlink]=kill-race [uring-open-sysctl]=deny
	[uring-open-root]=kill [uring-open-mem]=kill [uring-connect-sock]=kill
	[uring-mkdir-root]=kill-race [uring-symlink-root]=kill-race [uring-rename-root]=kill-race
	[uring-unlink-root]=kill-race [uring-link-root]=kill-race
	[path-mkdir-root]=kill-after [path-symlink-root]=kill-after [path-rename-root]=kill-after
	[path-unlink-root]=kill-after [path-link-root]=kill-after
	[pidfd-getfd-file]=kill [pidfd-getfd-dir]=kill [pidfd-getfd-write]=kill
	[vm-readv]=kill [process-madvise]=kill-after [mount-unfaulted]=kill-after
)

# cgroup/connect_unix (6.7+) denies a runtime-socket connect by any route: asked of the kernel's
# own type information, not of dcea
if bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -q "'BPF_CGROUP_UNIX_CONNECT'"; then
	EXPECT_fallback[uring-connect-sock]=deny
fi

CHECKS=()
for r in "${ROUTES[@]}"; do CHECKS+=("$r-audit" "$r-block"); done
CHECKS+=(status-route-claims benign-uring-copy benign-uring-net benign-uring-quiet
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
# A host process holding a secret file (fd 3), a writable file (fd 4) and a directory (fd 5).
start_bg host_pid bash -c 'exec 3<"$1" 4<>"$2" 5<"$3"; exec sleep 600' _ "$secret" "$rwfile" "$DCEA_TMP"
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

run_in() { # CT CMD...: sets OUT, ERR, RC
	local ct=$1
	shift
	RC=0
	OUT=$(docker exec "$ct" "$@" 2>"$DCEA_TMP/err") || RC=$?
	ERR=$(cat "$DCEA_TMP/err")
}

R=/proc/$host_pid/root
n=0
# route_step ID MODE: run route ID once; sets CT and the host-side EFFECT check's command
route_step() {
	local id=$1 mode=$2 tag pcmd=path
	[ "${id%%-*}" = uring ] && pcmd=uring-path # the helper's io_uring path operations
	n=$((n + 1))
	tag=$mode-$n
	CT=$ct_priv
	case $id in
	uring-open-knob) run_in "$CT" dcea-escape route uring-open /cg/release_agent w "/payload-$tag" ;;
	uring-open-knob-async) run_in "$CT" dcea-escape route uring-open /cg/release_agent w "/payload-$tag" async ;;
	uring-open-knob-sqpoll) run_in "$CT" dcea-escape route uring-open /cg/release_agent w "/payload-$tag" sqpoll ;;
	uring-open2-knob) run_in "$CT" dcea-escape route uring-open2 /cg/release_agent w "/payload-$tag" ;;
	uring-open-linked-knob) run_in "$CT" dcea-escape route uring-open-linked /cg/release_agent "/payload-$tag" ;;
	reopen-knob) run_in "$CT" dcea-escape route reopen /cg/release_agent "/payload-$tag" ;;
	uring-open-sysctl) run_in "$CT" dcea-escape route uring-open /proc/sys/kernel/core_pattern w "/tmp/dcea-core-$tag" ;;
	uring-open-knob-symlink)
		docker exec "$CT" ln -sf /cg/release_agent "/tmp/ra-$tag"
		run_in "$CT" dcea-escape route uring-open "/tmp/ra-$tag" w "/payload-$tag" async
		;;
	uring-open-root) run_in "$CT" dcea-escape route uring-open "$R$secret" r ;;
	uring-open-mem) run_in "$CT" dcea-escape route uring-open "/proc/$host_pid/mem" mem ;;
	uring-connect-sock) run_in "$CT" dcea-escape route uring-connect /var/run/docker.sock ;;
	*-mkdir-root) run_in "$CT" dcea-escape route "$pcmd" mkdir "$R$DCEA_TMP/mk-$tag" ;;
	*-symlink-root) run_in "$CT" dcea-escape route "$pcmd" symlink /etc/passwd "$R$DCEA_TMP/sym-$tag" ;;
	*-rename-root)
		printf 'x\n' >"$DCEA_TMP/ren-$tag"
		run_in "$CT" dcea-escape route "$pcmd" rename "$R$DCEA_TMP/ren-$tag" "$R$DCEA_TMP/ren-$tag.moved"
		;;
	*-unlink-root)
		printf 'x\n' >"$DCEA_TMP/unl-$tag"
		run_in "$CT" dcea-escape route "$pcmd" unlink "$R$DCEA_TMP/unl-$tag"
		;;
	*-link-root) run_in "$CT" dcea-escape route "$pcmd" link "$R$secret" "$R$DCEA_TMP/hl-$tag" ;;
	pidfd-getfd-file) run_in "$CT" dcea-escape route pidfd-getfd "$host_pid" 3 r ;;
	pidfd-getfd-dir) run_in "$CT" dcea-escape route pidfd-getfd "$host_pid" 5 dir "${secret##*/}" ;;
	pidfd-getfd-write) run_in "$CT" dcea-escape route pidfd-getfd "$host_pid" 4 w "tampered-$tag" ;;
	vm-readv) run_in "$CT" dcea-escape route vm-readv "$host_pid" ;;
	process-madvise) run_in "$CT" dcea-escape route madvise "$host_pid" ;;
	mount-unfaulted)
		CT=$ct_sa
		docker exec "$CT" mkdir -p "/mnt/u$n"
		run_in "$CT" dcea-escape route mount-unfaulted proc proc "/mnt/u$n"
		;;
	esac
	TAG=$tag
}

# effect ID: did the step change or obtain what it aimed at? (0 yes), checked from the host
effect() {
	local id=$1
	case $id in
	*-knob | *-knob-*) [ "$(knob_value)" = "/payload-$TAG" ] ;;
	uring-open-sysctl) [ "$(cat "$CORE_PATTERN")" = "/tmp/dcea-core-$TAG" ] ;;
	uring-open-root | pidfd-getfd-file | pidfd-getfd-dir) [[ $OUT == *"host-secret-$$"* ]] ;;
	uring-open-mem) [[ $OUT == *ELF* ]] ;;
	uring-connect-sock) [[ $OUT == *OK* ]] ;;
	*-mkdir-root) [ -d "$DCEA_TMP/mk-$TAG" ] ;;
	*-symlink-root) [ -L "$DCEA_TMP/sym-$TAG" ] ;;
	*-rename-root) [ -e "$DCEA_TMP/ren-$TAG.moved" ] ;;
	*-unlink-root) ! [ -e "$DCEA_TMP/unl-$TAG" ] ;;
	*-link-root) [ -e "$DCEA_TMP/hl-$TAG" ] ;;
	pidfd-getfd-write) grep -q "tampered-$TAG" "$rwfile" ;;
	vm-readv) [[ $OUT == *"read 16 bytes"* ]] ;;
	# the advice itself leaves no trace: that the call returned is what the task got
	process-madvise) [[ $OUT == *advised* ]] || [ "$RC" = 137 ] ;;
	mount-unfaulted) docker exec "$CT" test -e "/mnt/u$n/self/status" ;;
	*)
		printf 'effect: no check for route %s\n' "$id" >&2
		return 2
		;;
	esac
}

# the route the alert names, for the rules that say it
route_expr() {
	case $1 in
	uring-open-sysctl) echo '.details.path == "/proc/sys/kernel/core_pattern"' ;;
	uring-open* | uring-connect* | uring-*-root) echo '.details.route == "io_uring"' ;;
	pidfd-*) echo '.details.route // "pidfd_getfd" | . == "pidfd_getfd" or . == "syscall"' ;;
	reopen-* | path-*) echo '.details.route == "syscall"' ;;
	*) echo true ;;
	esac
}

declare -A MEASURED
# the id under which `dcea status` groups a route of this script
status_id() {
	case $1 in
	uring-open-knob | uring-open-knob-async | uring-open-knob-sqpoll | uring-open2-knob) echo uring-open-knob ;;
	uring-*-root) [[ $1 == uring-open-* ]] && echo "$1" || echo uring-path-root ;;
	path-*-root) echo path-root ;;
	pidfd-getfd-*) echo pidfd-getfd ;;
	*) echo "$1" ;;
	esac
}

# record ID MODE OUTCOME EFFECT [EXPECTED]: one line of routes.tsv
# (columns: id, backend, mode, outcome, effect, kernel: "host" here, expected)
record() { printf '%s\t%s\t%s\t%s\t%s\thost\t%s\n' "$1" "$BACKEND" "$2" "$3" "$4" "${5:-}" >>"$RESULTS"; }

route_check() { # ID MODE
	local id=$1 mode=$2 rule=${RULE[$1]} want a eff=no outcome
	dcea_mark
	route_step "$id" "$mode"
	effect "$id" && eff=yes
	[ "$?" = 2 ] && eff=unknown
	knob_reset
	restore_core
	if [ "$mode" = audit ]; then
		a=$(dcea_wait_alert "$rule" ".container.id == \"$CT\" and .action == \"alert\"" 5)
		if [ "$RC" != 0 ] || [ "$eff" != yes ]; then
			fail "$id-audit" "the step did not succeed unwatched (exit $RC, effect $eff): $OUT $ERR"
			record "$id" audit "failed" "$eff"
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

# What `dcea status` claims about each route here agrees with what was measured: a route it calls
# kill was killed with nothing changed, and every other one is listed as a gap.
bad=()
st=$(dcea_status_json)
for r in "${ROUTES[@]}"; do
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
# socketpair and the container's own unix socket. Nothing broken, nothing reported.
dcea_mark
docker exec "$ct_plain" dd if=/dev/urandom of=/tmp/src bs=65536 count=16 2>/dev/null
run_in "$ct_plain" dcea-escape route uring-copy /tmp/src /tmp/dst
if [ "$RC" = 0 ] && docker exec "$ct_plain" cmp -s /tmp/src /tmp/dst; then
	pass benign-uring-copy
else
	fail benign-uring-copy "exit $RC: $OUT $ERR"
fi
run_in "$ct_plain" dcea-escape route uring-echo
check_eq benign-uring-net "0 ok" "$RC $OUT"
sleep 0.5
k=$(dcea_count_alerts ".container.id == \"$ct_plain\"")
if [ "$k" = 0 ]; then
	pass benign-uring-quiet
else
	fail benign-uring-quiet "$k alerts: $(dcea_alerts_since_mark | jq -c 'select(.type == "alert") | [.rule, .comm, .details]' | tr '\n' ' ')"
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

