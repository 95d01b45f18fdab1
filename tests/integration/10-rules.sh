#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Every rule against a real escape step from inside a docker container: each rule's own row of the
# attack catalogue (tests/routes/catalogue.tsv: container, attempt, effect, alert), the rows the
# kernel matrix runs too (vmtest/dcea/test.sh). Audit mode: the step
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
. "$(dirname "$0")/../lib/catalogue.sh"

# The rules' classic attempts: the rows of the attack catalogue (tests/routes/catalogue.tsv)
# whose outcome is the rule's own, one per rule here (vmtest/dcea/test.sh runs the same rows).
catalogue_load classic
RULES=()
for id in "${CAT_IDS[@]}"; do RULES+=("${CAT_RULE[$id]}"); done
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
for id in "${CAT_IDS[@]}"; do
	[ "${CAT_CLEAN[$id]}" = - ] || CHECKS+=("${CAT_RULE[$id]}-block-${CAT_CLEAN[$id]}")
done
CHECKS+=(alerts-namespaces alerts-one-per-attempt release-agent-escape-audit release-agent-escape-block
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
# A cgroup v1 hierarchy of our own (not the host's), mounted by the privileged container in its own
# mount namespace (a mount on the host would show in every runtime's mountinfo, and runc gives a
# --cgroupns private container one /sys/fs/cgroup mount per v1 hierarchy it sees there): its
# release_agent is the knob kernel_knob_file's attempt writes; the host reads it through the
# container's root.
docker exec "$ct_priv" sh -c "mkdir -p /cg && mount -t cgroup -o none,name=dcea-rules-$$ cgroup /cg" ||
	fail_all "cannot mount a cgroup v1 hierarchy in the privileged container" "${CHECKS[@]}"
cg=/proc/$(docker inspect -f '{{.State.Pid}}' "$ct_priv")/root/cg
[ -e "$cg/release_agent" ] || fail_all "no release_agent at '$cg'" "${CHECKS[@]}"
knob_reset() { printf '\n' >"$cg/release_agent"; }
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

# --- one catalogue row per rule: its attempt, the outcome by the table, its alert ---------------

# The attempts' variables (tests/routes/catalogue.tsv).
# shellcheck disable=SC2034 # read by catalogue_script and catalogue_effect
KNOB=/cg/release_agent P=/proc/$host_pid/root HT=$DCEA_TMP SECRET=$secret SECRETNAME=${secret##*/}
# shellcheck disable=SC2034
HP=$host_pid SOCK=/var/run/docker.sock BLKDEV=/dev/xvdc BLKMAJ=7 BLKMIN=$loop_minor
# shellcheck disable=SC2034
MARKER=$disk_marker CAT_KNOB_HOST=$cg/release_agent
# open_by_handle: /etc/hostname is bind-mounted from the host's disk (overlayfs gives no handles)
# shellcheck disable=SC2034
HANDLE_FILE=/etc/hostname HANDLE_TEXT=${ct_priv:0:12}
n=0

# attempt ID MODE: run the rule's catalogue row ID in its container. Audit: the step succeeds
# (RULE-audit-allowed: exit 0 and its effect seen from the host; a step that cannot succeed here,
# effect never=..., only must not be killed). Block: stopped the way the table says
# (RULE-block-stopped) and, where the row names it, its effect absent (RULE-block-CLEAN). Then the
# alert, with the row's comm and expressions.
attempt() {
	local id=$1 mode=$2 rule=${CAT_RULE[$1]} ct eff=no x
	local -a exprs
	n=$((n + 1))
	TAG=$mode-$n
	case ${CAT_CT[$id]} in
	plain) ct=$ct_plain ;;
	sysadmin) ct=$ct_sa ;;
	sock) ct=$ct_sock ;;
	dev) ct=$ct_dev ;;
	*) ct=$ct_priv ;;
	esac
	catalogue_prepare "$id"
	run_in "$ct" sh -c "$(catalogue_script "$id")"
	catalogue_effect "$id" && eff=yes
	restore_core
	knob_reset
	if [ "$mode" = audit ]; then
		case ${CAT_EFFECT[$id]} in
		never=*) [ "$RC" != 137 ] && x=ok ;;
		none) [ "$RC" = 0 ] && x=ok ;;
		*) [ "$RC" = 0 ] && [ "$eff" = yes ] && x=ok ;;
		esac
		if [ "${x:-}" = ok ]; then
			pass "$rule-audit-allowed"
		else
			fail "$rule-audit-allowed" "exit $RC, effect $eff: $OUT $ERR"
		fi
	else
		expect_stopped "$rule-block-stopped" "$rule"
		if [ "${CAT_CLEAN[$id]}" != - ]; then
			if [ "$eff" = no ]; then
				pass "$rule-block-${CAT_CLEAN[$id]}"
			else
				fail "$rule-block-${CAT_CLEAN[$id]}" "the step's effect (${CAT_EFFECT[$id]}) is there: $OUT"
			fi
		fi
	fi
	mapfile -t exprs < <(catalogue_exprs "$id")
	alert_checks "$mode" "$rule" "$ct" "${CAT_COMM[$id]}" "${exprs[@]}"
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
	for id in "${CAT_IDS[@]}"; do
		r=${CAT_RULE[$id]}
		if [ "$mode" = audit ]; then
			skip_unavailable "$r" && continue
		else
			[ "${WANT[$r]}" = unavailable ] && continue
		fi
		dcea_mark
		attempt "$id" "$mode"
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

