#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Every rule against a real escape step from inside a docker container. Audit mode: the step
# succeeds and one alert with the right rule, action, container and details arrives. Block mode:
# the step fails with EPERM (deny rules; its side effect did not happen) or the process is killed
# (kill rules: exit status 137, action "kill"). What each rule must do on this host is the tests'
# own table (tests/expect/effects.tsv, column "host"), never dcea's status: a rule whose effect
# there is weaker than expected FAILs, and so does a stronger one (the table is out of date); a
# rule the table expects to be unavailable here SKIPs its attempts, and its -effective check
# verifies that dcea says so too.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

RULES=(mount_sensitive mount_api device_create block_device_access capset_raise setuid_root
	kernel_knob_sysctl kernel_knob_file setns_foreign unshare_ns ptrace_host proc_host_access
	bpf_load module_load open_by_handle kexec_load runtime_socket)
# What this machine's kernel must do (FACTS.md, issue 2), from the tests' table: cgroup/dev,
# cgroup/sysctl and cgroup/connect_unix deny, tracepoints kill, no module or kexec hooks.
EXPECT_COLUMN=${DCEA_EXPECT_COLUMN:-host}
declare -A WANT
mapfile -t ALL_RULES < <(awk -F'\t' '!/^#/ && $1 != "rule" { print $1 }' "$DCEA_ROOT/tests/expect/effects.tsv")
for r in "${ALL_RULES[@]}"; do WANT[$r]=$(dcea_expected "$EXPECT_COLUMN" "$r"); done
CHECKS=()
for r in "${RULES[@]}"; do
	CHECKS+=("$r-audit-allowed" "$r-audit-alert" "$r-block-stopped" "$r-block-alert")
done
for r in "${ALL_RULES[@]}"; do CHECKS+=("$r-effective"); done
CHECKS+=(device_create-block-no-node block_device_access-block-no-data
	kernel_knob_sysctl-block-host-unchanged kernel_knob_file-block-unchanged
	setns_foreign-block-no-data proc_host_access-block-no-data alerts-namespaces alerts-one-per-attempt release-agent-escape-audit release-agent-escape-block
	nsenter-escape-audit nsenter-escape-block docker-client-block)

need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
need_cmd losetup "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
dcea_helper || fail_all "cannot build the escape helper tests/helpers/escape.c" "${CHECKS[@]}"

# --- host-side fixtures --------------------------------------------------------------------------

# The host's core_pattern: the audit test really changes it, so it is put back whatever happens.
CORE_PATTERN=/proc/sys/kernel/core_pattern
orig_core=$(cat "$CORE_PATTERN")
restore_core() {
	[ "$(cat "$CORE_PATTERN")" = "$orig_core" ] || printf '%s\n' "$orig_core" >"$CORE_PATTERN"
}
cleanup_add restore_core

# A scratch disk: a loop device over a file of ours, never a real disk.
disk=$DCEA_TMP/disk.img
disk_marker=dcea-disk-marker-$$
truncate -s 1M "$disk" && printf '%s' "$disk_marker" | dd of="$disk" conv=notrunc status=none
loopdev=$(losetup -f --show "$disk") || fail_all "losetup of a scratch file failed" "${CHECKS[@]}"
cleanup_add losetup -d "$loopdev"
loop_minor=$(stat -c '%T' "$loopdev")
loop_minor=$((16#$loop_minor))

# A host process and a host-only file for the --pid=host escapes.
secret=$DCEA_TMP/host-secret
printf 'host-secret-%s\n' "$$" >"$secret"
start_bg host_pid sleep 600

dcea_start || fail_all "$DCEA_ERR" "${CHECKS[@]}"
for r in "${RULES[@]}"; do
	[ -n "${WANT[$r]}" ] || fail_all "no expectation for '$r' in column '$EXPECT_COLUMN' of tests/expect/effects.tsv" "${CHECKS[@]}"
done

# RULE-effective: what `dcea status` reports (its canary-proven effect) is what the table says.
# Weaker fails; stronger fails too, named as such: enforcement gained here, so the table is stale.
st=$(dcea_status_json)
for r in "${ALL_RULES[@]}"; do
	got=$(printf '%s' "$st" | jq -r --arg r "$r" '.rules[] | select(.id == $r) | .effective')
	want=${WANT[$r]}
	if [ "$got" = "$want" ]; then
		pass "$r-effective"
	elif [ "$(dcea_effect_rank "$got")" -lt "$(dcea_effect_rank "$want")" ]; then
		fail "$r-effective" "weaker than expected: '${got:-missing}', tests/expect/effects.tsv says '$want' ($EXPECT_COLUMN)"
	else
		fail "$r-effective" "stronger than expected: '$got', tests/expect/effects.tsv says '$want' ($EXPECT_COLUMN): update the table"
	fi
done

# --- the test's containers -----------------------------------------------------------------------

ct_plain=$(dcea_escape_ct plain)
ct_sa=$(dcea_escape_ct sysadmin --cap-add SYS_ADMIN)
ct_priv=$(dcea_escape_ct priv --privileged --pid=host)
ct_sock=$(dcea_escape_ct sock -v /var/run/docker.sock:/var/run/docker.sock \
	-v /usr/local/bin/docker:/usr/local/bin/docker:ro)
ct_dev=$(dcea_escape_ct dev --device "$loopdev:/dev/xvdc")

# run_in CT CMD...: docker exec; sets OUT (stdout), ERR (stderr) and RC.
run_in() {
	local ct=$1
	shift
	RC=0
	OUT=$(docker exec "$ct" "$@" 2>"$DCEA_TMP/err") || RC=$?
	ERR=$(cat "$DCEA_TMP/err")
}

# expect_stopped NAME RULE: the step just run was stopped the way the table says RULE stops it.
expect_stopped() {
	local name=$1 rule=$2
	case ${WANT[$rule]} in
	kill)
		if [ "$RC" = 137 ]; then pass "$name"; else fail "$name" "exit $RC (want 137, killed): $OUT $ERR"; fi
		;;
	deny)
		if [ "$RC" != 0 ] && [[ $ERR == *"Operation not permitted"* ]]; then
			pass "$name"
		else
			fail "$name" "exit $RC (want EPERM): $OUT $ERR"
		fi
		;;
	*) fail "$name" "expected effect '${WANT[$rule]}' cannot stop it" ;;
	esac
}

# alert_checks MODE RULE CT COMM EXPR...: wait for RULE's alert from container CT with comm COMM
# and check its action (alert in audit mode, the effective action in block mode), container
# fields and the rule-specific EXPRs. Alerts of audit mode are kept for the namespace check.
AUDIT_ALERTS=()
DUPLICATES=()
alert_checks() {
	local mode=$1 rule=$2 ct=$3 comm=$4 action a cx
	shift 4
	action=alert
	[ "$mode" = block ] && action=${WANT[$rule]}
	a=$(dcea_wait_alert "$rule" ".container.id == \"$ct\" and .comm == \"$comm\"" 5)
	if [ -z "$a" ]; then
		fail "$rule-$mode-alert" "no $rule alert for comm '$comm' in container ${ct:0:12}; since the mark: $(dcea_alerts_since_mark | jq -c '[.type, .rule, .action, .comm, .container.name]' | tr '\n' ' ')"
		return
	fi
	if [ "$mode" = audit ]; then
		sleep 0.2
		local k
		k=$(dcea_count_alerts ".rule == \"$rule\" and .container.id == \"$ct\" and .comm == \"$comm\"")
		[ "$k" = 1 ] || DUPLICATES+=("$rule: $k alerts")
	fi
	# (setns_foreign reports the namespaces the task has joined)
	[ "$mode" = audit ] && [ "$rule" != setns_foreign ] && AUDIT_ALERTS+=("$ct $a")
	mapfile -t cx < <(dcea_ct_exprs "$ct")
	dcea_expect_alert "$rule-$mode-alert" "$a" '.type == "alert"' ".rule == \"$rule\"" \
		".action == \"$action\"" '(.severity | length) > 0' "${cx[@]}" "$@"
}

# skip_unavailable RULE: SKIP the rule's checks when the table says this kernel cannot watch it
# (RULE-effective checks that dcea agrees).
skip_unavailable() {
	local r=$1 c
	[ "${WANT[$r]}" = unavailable ] || return 1
	for c in audit-allowed audit-alert block-stopped block-alert; do
		skip "$r-$c" "expected unavailable on this kernel (tests/expect/effects.tsv, $EXPECT_COLUMN): no hook for it ($(dcea_status_json | jq -r --arg r "$r" '.rules[] | select(.id == $r) | .hook'))"
	done
	return 0
}

# --- one function per rule: t_RULE MODE runs the step and checks the outcome ---------------------

n=0
t_mount_sensitive() {
	n=$((n + 1))
	docker exec "$ct_sa" mkdir -p "/mnt/p$n"
	run_in "$ct_sa" mount -t proc proc "/mnt/p$n"
	if [ "$1" = audit ]; then
		if [ "$RC" = 0 ] && docker exec "$ct_sa" test -e "/mnt/p$n/self/status"; then
			pass mount_sensitive-audit-allowed
		else
			fail mount_sensitive-audit-allowed "exit $RC: $ERR"
		fi
	else
		expect_stopped mount_sensitive-block-stopped mount_sensitive
	fi
	alert_checks "$1" mount_sensitive "$ct_sa" mount '.details.kind == "fstype"' \
		'.details.fstype == "proc"' '.details.source == "proc"'
}

t_mount_api() {
	run_in "$ct_priv" dcea-escape fsopen proc
	if [ "$1" = audit ]; then
		check_eq mount_api-audit-allowed "0 fsopen" "$RC ${OUT% fd*}"
	else
		expect_stopped mount_api-block-stopped mount_api
	fi
	alert_checks "$1" mount_api "$ct_priv" dcea-escape '.details.syscall == "fsopen"' \
		'.details.fstype == "proc"'
}

t_device_create() {
	local node=/tmp/disk-$1
	run_in "$ct_plain" mknod "$node" b 7 "$loop_minor"
	if [ "$1" = audit ]; then
		if [ "$RC" = 0 ] && docker exec "$ct_plain" test -b "$node"; then
			pass device_create-audit-allowed
		else
			fail device_create-audit-allowed "exit $RC: $ERR"
		fi
	else
		expect_stopped device_create-block-stopped device_create
		# the side effect: no node
		if docker exec "$ct_plain" test -e "$node"; then
			fail device_create-block-no-node "'$node' was created"
		else
			pass device_create-block-no-node
		fi
	fi
	alert_checks "$1" device_create "$ct_plain" mknod ".details.device == \"block 7:$loop_minor\"" \
		'.details.access == "mknod"'
}

t_block_device_access() {
	run_in "$ct_dev" head -c ${#disk_marker} /dev/xvdc
	if [ "$1" = audit ]; then
		check_eq block_device_access-audit-allowed "0 $disk_marker" "$RC $OUT"
	else
		expect_stopped block_device_access-block-stopped block_device_access
		check_eq block_device_access-block-no-data "" "$OUT"
	fi
	alert_checks "$1" block_device_access "$ct_dev" head \
		".details.device == \"block 7:$loop_minor\"" '.details.access == "read"'
}

t_capset_raise() {
	run_in "$ct_plain" dcea-escape capset
	if [ "$1" = audit ]; then
		check_eq capset_raise-audit-allowed "0 chown raised" "$RC $OUT"
	else
		expect_stopped capset_raise-block-stopped capset_raise
	fi
	alert_checks "$1" capset_raise "$ct_plain" dcea-escape \
		'.details.capabilities_gained | split(",") | index("chown") != null'
}

t_setuid_root() {
	run_in "$ct_plain" dcea-escape setuid
	if [ "$1" = audit ]; then
		check_eq setuid_root-audit-allowed "0 euid 0" "$RC $OUT"
	else
		expect_stopped setuid_root-block-stopped setuid_root
	fi
	alert_checks "$1" setuid_root "$ct_plain" dcea-escape '.details.syscall == "setuid"' \
		'.details.from_uid == 1000' '.uid == 1000'
}

t_kernel_knob_sysctl() {
	local val=dcea-test-core-$1-$$
	run_in "$ct_priv" sh -c "echo $val > /proc/sys/kernel/core_pattern"
	if [ "$1" = audit ]; then
		check_eq kernel_knob_sysctl-audit-allowed "0 $val" "$RC $(cat "$CORE_PATTERN")"
		restore_core
	else
		expect_stopped kernel_knob_sysctl-block-stopped kernel_knob_sysctl
		check_eq kernel_knob_sysctl-block-host-unchanged "$orig_core" "$(cat "$CORE_PATTERN")"
		restore_core
	fi
	alert_checks "$1" kernel_knob_sysctl "$ct_priv" sh \
		'.details.path == "/proc/sys/kernel/core_pattern"' \
		".details.value | startswith(\"$val\")"
}

# notify_on_release of the container's own cgroup (a v1 knob file, no mount needed): audit
# writes 1 to the memory controller's, block tries the pids controller's, which must stay 0.
t_kernel_knob_file() {
	local ctl=memory host_file
	[ "$1" = block ] && ctl=pids
	host_file=/sys/fs/cgroup/$ctl/docker/$ct_priv/notify_on_release
	run_in "$ct_priv" sh -c "echo 1 > /sys/fs/cgroup/$ctl/notify_on_release"
	if [ "$1" = audit ]; then
		check_eq kernel_knob_file-audit-allowed "0 1" "$RC $(cat "$host_file")"
	else
		expect_stopped kernel_knob_file-block-stopped kernel_knob_file
		check_eq kernel_knob_file-block-unchanged 0 "$(cat "$host_file")"
	fi
	alert_checks "$1" kernel_knob_file "$ct_priv" sh \
		'.details.path | endswith("/notify_on_release")' '.details.fs_magic == "0x27e0eb"'
}

# Into the host's mount namespace through a pidfd (no /proc/PID/ns file opened), then a host file.
t_setns_foreign() {
	run_in "$ct_priv" dcea-escape setns "$host_pid" "$secret"
	if [ "$1" = audit ]; then
		check_eq setns_foreign-audit-allowed "0 host-secret-$$" "$RC $OUT"
	else
		expect_stopped setns_foreign-block-stopped setns_foreign
		check_eq setns_foreign-block-no-data "" "$OUT"
	fi
	alert_checks "$1" setns_foreign "$ct_priv" dcea-escape \
		'.details.namespaces_changed | index("mnt") != null'
}

t_unshare_ns() {
	run_in "$ct_sa" unshare -n true
	if [ "$1" = audit ]; then
		check_eq unshare_ns-audit-allowed 0 "$RC"
	else
		expect_stopped unshare_ns-block-stopped unshare_ns
	fi
	alert_checks "$1" unshare_ns "$ct_sa" unshare '.details.syscall == "unshare"' \
		'.details.flags == "0x40000000"'
}

t_ptrace_host() {
	run_in "$ct_priv" dcea-escape ptrace "$host_pid"
	if [ "$1" = audit ]; then
		check_eq ptrace_host-audit-allowed "0 attached $host_pid" "$RC $OUT"
	else
		expect_stopped ptrace_host-block-stopped ptrace_host
	fi
	alert_checks "$1" ptrace_host "$ct_priv" dcea-escape '.details.syscall == "ptrace"' \
		".details.target_pid == $host_pid"
}

# A host file through /proc/PID/root of a host process (a mount of another mount namespace).
t_proc_host_access() {
	run_in "$ct_priv" cat "/proc/$host_pid/root$secret"
	if [ "$1" = audit ]; then
		check_eq proc_host_access-audit-allowed "0 host-secret-$$" "$RC $OUT"
	else
		expect_stopped proc_host_access-block-stopped proc_host_access
		check_eq proc_host_access-block-no-data "" "$OUT"
	fi
	alert_checks "$1" proc_host_access "$ct_priv" cat '.details.kind == "foreign_mount"' \
		".details.path | endswith(\"/${secret##*/}\")"
}

t_bpf_load() {
	run_in "$ct_priv" dcea-escape bpf
	if [ "$1" = audit ]; then
		check_eq bpf_load-audit-allowed "0 prog fd" "$RC ${OUT% [0-9]*}"
	else
		expect_stopped bpf_load-block-stopped bpf_load
	fi
	alert_checks "$1" bpf_load "$ct_priv" dcea-escape '.details.syscall == "bpf"'
}

# No module can load here (no loadable modules): in audit mode the call reaches the kernel.
t_module_load() {
	run_in "$ct_priv" dcea-escape module
	if [ "$1" = audit ]; then
		if [ "$RC" != 137 ]; then pass module_load-audit-allowed; else fail module_load-audit-allowed "killed"; fi
	else
		expect_stopped module_load-block-stopped module_load
	fi
	alert_checks "$1" module_load "$ct_priv" dcea-escape
}

t_kexec_load() {
	run_in "$ct_priv" dcea-escape kexec
	if [ "$1" = audit ]; then
		if [ "$RC" != 137 ]; then pass kexec_load-audit-allowed; else fail kexec_load-audit-allowed "killed"; fi
	else
		expect_stopped kexec_load-block-stopped kexec_load
	fi
	alert_checks "$1" kexec_load "$ct_priv" dcea-escape
}

# The "shocker" step: reopen a bind-mounted host file by its handle.
t_open_by_handle() {
	run_in "$ct_priv" dcea-escape handle /etc/hostname
	if [ "$1" = audit ]; then
		check_eq open_by_handle-audit-allowed "0 ${ct_priv:0:12}" "$RC $OUT"
	else
		expect_stopped open_by_handle-block-stopped open_by_handle
	fi
	alert_checks "$1" open_by_handle "$ct_priv" dcea-escape \
		'.details.syscall == "open_by_handle_at"'
}

t_runtime_socket() {
	run_in "$ct_sock" dcea-escape connect /var/run/docker.sock
	if [ "$1" = audit ]; then
		check_eq runtime_socket-audit-allowed "0 OK" "$RC $OUT"
	else
		expect_stopped runtime_socket-block-stopped runtime_socket
	fi
	alert_checks "$1" runtime_socket "$ct_sock" dcea-escape '.details.socket == "docker.sock"' \
		'.details.path | endswith("/docker.sock")'
}

# --- real escapes (FACTS.md) ---------------------------------------------------------------------

# cgroup v1 release_agent with --cap-add SYS_ADMIN only: a named hierarchy of our own (so the
# host's hierarchies keep their release_agent), a payload in the container's upper dir that the
# kernel runs on the host, writing a marker into our temp dir.
release_agent() { # MODE
	local marker=$DCEA_TMP/release-agent-$1 d=/mnt/ra-$1 a
	run_in "$ct_sa" sh -c "
		mkdir -p $d && mount -t cgroup -o none,name=dcea-$$-$1 cgroup $d || exit \$?
		mkdir -p $d/x && echo 1 > $d/x/notify_on_release || exit \$?
		up=\$(sed -n 's/.*upperdir=\([^,]*\).*/\1/p' /proc/self/mountinfo | head -n 1)
		printf '#!/bin/sh\necho escaped > $marker\n' > /payload-$1 && chmod +x /payload-$1
		echo \"\$up/payload-$1\" > $d/release_agent || exit \$?
		sh -c 'echo \$\$ > $d/x/cgroup.procs'
		sleep 1
		rmdir $d/x; umount $d"
	if [ "$1" = audit ]; then
		if ! wait_until 5 test -e "$marker"; then
			fail release-agent-escape-audit "payload did not run on the host (exit $RC: $ERR)"
		elif ! a=$(dcea_wait_alert kernel_knob_file ".container.id == \"$ct_sa\" and (.details.path | endswith(\"release_agent\"))" 5); then
			fail release-agent-escape-audit "no kernel_knob_file alert for release_agent"
		elif ! dcea_wait_alert mount_sensitive ".container.id == \"$ct_sa\" and .details.fstype == \"cgroup\"" 5 >/dev/null; then
			fail release-agent-escape-audit "no mount_sensitive alert for the cgroup mount"
		else
			pass release-agent-escape-audit
		fi
	else
		sleep 1
		if [ -e "$marker" ]; then
			fail release-agent-escape-block "the payload ran on the host"
		elif [ "$RC" != 137 ]; then
			fail release-agent-escape-block "exit $RC (want 137): $ERR"
		elif ! dcea_wait_alert mount_sensitive ".container.id == \"$ct_sa\" and .action == \"kill\"" 5 >/dev/null; then
			fail release-agent-escape-block "no mount_sensitive kill alert"
		else
			pass release-agent-escape-block
		fi
	fi
}

# nsenter into a host process from --privileged --pid=host.
nsenter_escape() { # MODE
	run_in "$ct_priv" nsenter -t "$host_pid" -m -u -i -n cat "$secret"
	if [ "$1" = audit ]; then
		if [ "$RC $OUT" != "0 host-secret-$$" ]; then
			fail nsenter-escape-audit "exit $RC: $OUT $ERR"
		elif ! dcea_wait_alert setns_foreign ".container.id == \"$ct_priv\" and .comm == \"nsenter\"" 5 >/dev/null; then
			fail nsenter-escape-audit "no setns_foreign alert for nsenter"
		else
			pass nsenter-escape-audit
		fi
	else
		if [ "$RC" != 137 ] || [ -n "$OUT" ]; then
			fail nsenter-escape-block "exit $RC (want 137): $OUT $ERR"
		elif ! dcea_wait_alert '*' ".container.id == \"$ct_priv\" and .comm == \"nsenter\" and .action == \"kill\"" 5 >/dev/null; then
			fail nsenter-escape-block "no kill alert for nsenter"
		else
			pass nsenter-escape-block
		fi
	fi
}

# --- run -----------------------------------------------------------------------------------------

# Every audit alert carries the namespaces of its container (the processes above stayed in them
# when they made the watched call) and its parent.
check_namespaces() {
	local bad=() e ct a nx x
	for e in "${AUDIT_ALERTS[@]}"; do
		ct=${e%% *} a=${e#* }
		mapfile -t nx < <(dcea_ns_exprs "$ct")
		for x in "${nx[@]}"; do
			if ! printf '%s\n' "$a" | jq -e "$x" >/dev/null 2>&1; then
				bad+=("$(printf '%s' "$a" | jq -r .rule): $x is false ($(printf '%s' "$a" | jq -c '[.ns, .ppid, .exe]'))")
				break
			fi
		done
	done
	if [ "${#AUDIT_ALERTS[@]}" -eq 0 ]; then
		fail alerts-namespaces "no audit alert to check"
	elif [ "${#bad[@]}" -gt 0 ]; then
		fail alerts-namespaces "${#bad[@]} of ${#AUDIT_ALERTS[@]} alerts: ${bad[*]}"
	else
		pass alerts-namespaces
	fi
}

for mode in audit block; do
	if [ "$mode" = block ]; then
		if ! dcea_mode block; then
			mapfile -t left < <(printf '%s\n' "${CHECKS[@]}" | grep -e '-block')
			fail_all "cannot switch to block mode: $DCEA_ERR" "${left[@]}"
		fi
	fi
	for r in "${RULES[@]}"; do
		if [ "$mode" = audit ]; then
			skip_unavailable "$r" && continue
		else
			[ "${WANT[$r]}" = unavailable ] && continue
		fi
		dcea_mark
		"t_$r" "$mode"
	done
	dcea_mark
	release_agent "$mode"
	dcea_mark
	nsenter_escape "$mode"
	if [ "$mode" = audit ]; then
		check_namespaces
		if [ "${#DUPLICATES[@]}" = 0 ]; then
			pass alerts-one-per-attempt
		else
			fail alerts-one-per-attempt "${DUPLICATES[*]}"
		fi
	fi
done

# A real docker client through the mounted socket is stopped too (block mode still on): refused
# where cgroup/connect_unix denies the connect (6.7+), killed where the fallback kills on its exit.
dcea_mark
run_in "$ct_sock" docker -H unix:///var/run/docker.sock ps
want_action=${WANT[runtime_socket]}
if [ "$want_action" = kill ] && [ "$RC" != 137 ]; then
	fail docker-client-block "exit $RC (want 137): $(printf '%s' "$OUT" | head -n 1) $ERR"
elif [ "$want_action" = deny ] && { [ "$RC" = 0 ] || [[ $ERR != *"not permitted"* ]]; }; then
	fail docker-client-block "exit $RC (want the connect refused): $(printf '%s' "$OUT" | head -n 1) $ERR"
elif ! dcea_wait_alert runtime_socket ".container.id == \"$ct_sock\" and .comm == \"docker\" and .action == \"$want_action\"" 5 >/dev/null; then
	fail docker-client-block "no runtime_socket $want_action alert for the docker client"
else
	pass docker-client-block
fi

