#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The enforcer's life around the rules: command-line errors, adopting a container started before
# dcea, container names in alerts, a benign workload without alerts, mode switches (dcea run
# --mode, SIGUSR1/SIGUSR2) without detaching, status fields, a loader killed with -9 (enforcement
# stays, a new dcea run adopts the pins) and dcea stop.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

RULES=(mount_sensitive mount_api device_create block_device_access capset_raise setuid_root
	kernel_knob_sysctl kernel_knob_file setns_foreign unshare_ns ptrace_host proc_host_access
	bpf_load module_load open_by_handle kexec_load runtime_socket)

# --- command-line errors (no enforcer needed) ----------------------------------------------------

need_dcea cli-bad-mode cli-unknown-option cli-extra-argument

# cli NAME ARGS...: dcea ARGS must exit 2 with exactly one line on stderr that names WORD ($want).
cli() {
	local name=$1 rc=0 err loaded=0
	shift
	[ -e "$DCEA_PIN_DIR" ] && loaded=1
	err=$(run_timeout 10 "$DCEA" "$@" 2>&1 >/dev/null) || rc=$?
	if [ "$loaded" = 0 ] && [ -e "$DCEA_PIN_DIR" ]; then
		"$DCEA" stop >/dev/null 2>&1
		fail "$name" "'dcea $*' loaded the enforcer (exit $rc)"
	elif [ "$rc" != 2 ]; then
		fail "$name" "'dcea $*' exited $rc, want 2"
	elif [ "$(printf '%s\n' "$err" | grep -c .)" != 1 ]; then
		fail "$name" "'dcea $*' printed $(printf '%s\n' "$err" | grep -c .) lines on stderr, want 1: $err"
	elif [[ $err != *"$want"* ]]; then
		fail "$name" "'dcea $*' does not name '$want': $err"
	else
		pass "$name"
	fi
}
want=bogus cli cli-bad-mode run --mode bogus
want=--bogus cli cli-unknown-option run --bogus
want=extra cli cli-extra-argument run extra

CHECKS=(adopt-running-container adopt-running-container-open adopt-running-container-block
	container-start-event
	benign-workload-runs benign-no-alerts benign-container-starts mode-switch-run
	mode-switch-run-stream mode-switch-run-enforces sigusr2-audit sigusr1-block status-json-fields
	status-effective restart-enforcement-continues restart-deny-continues restart-adopts-pins
	restart-keeps-mode restart-streams restart-repins-removed restart-no-loss restart-kill-alert-container
	restart-deny-alert-container stop-removes-pins stop-ends-stream
	stop-detaches)
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"

# A container started before dcea: its entrypoint loop runs `unshare -n true` whenever /tmp/go
# appears and writes the exit status to /tmp/done, so the attack comes from the container's own
# process tree, not from a `docker exec` started after dcea. When /tmp/read appears the loop's
# shell itself, a task dcea adopted (no fork, no exec), opens /etc/shadow: the open programs must
# know it as a container task (its task storage copy is made from userspace's adoption).
pre=$(docker_run_test pre -d --cap-add SYS_ADMIN "$DCEA_IMAGE" sh -c \
	'while :; do if [ -e /tmp/go ]; then rm /tmp/go; unshare -n true; echo $? > /tmp/done.tmp; mv /tmp/done.tmp /tmp/done; fi; if [ -e /tmp/read ]; then rm /tmp/read; read -r x < /etc/shadow; fi; usleep 50000; done') ||
	fail_all "docker run failed: $pre" "${CHECKS[@]}"
pre_attack() { # exit status of the attack
	docker exec "$pre" sh -c 'rm -f /tmp/done; touch /tmp/go'
	wait_until 5 docker exec "$pre" test -e /tmp/done || { echo timeout; return; }
	docker exec "$pre" cat /tmp/done
}

dcea_start || fail_all "$DCEA_ERR" "${CHECKS[@]}"

dcea_mark
st=$(pre_attack)
a=$(dcea_wait_alert unshare_ns ".container.id == \"$pre\"" 5)
mapfile -t cx < <(dcea_ct_exprs "$pre")
if [ "$st" != 0 ]; then
	fail adopt-running-container "attack in audit mode exited '$st'"
else
	dcea_expect_alert adopt-running-container "$a" '.action == "alert"' '.comm == "unshare"' "${cx[@]}"
fi
ppid=$(docker inspect -f '{{.State.Pid}}' "$pre")
docker exec "$pre" touch /tmp/read
a=$(dcea_wait_alert cred_file_access ".container.id == \"$pre\" and .pid == $ppid" 5)
dcea_expect_alert adopt-running-container-open "$a" '.details.path == "/etc/shadow"' "${cx[@]}"

# A container started now: its start event names it.
named=$(docker_run_test named -d --cap-add SYS_ADMIN "$DCEA_IMAGE" sleep 600) ||
	fail_all "docker run failed: $named" "${CHECKS[@]}"
mapfile -t cx < <(dcea_ct_exprs "$named")
a=$(dcea_alerts_since_mark | jq -c "select(.type == \"container_start\" and .container.id == \"$named\")" | head -n 1)
for ((i = 0; i < 50 && ${#a} == 0; i++)); do
	sleep 0.1
	a=$(dcea_alerts_since_mark | jq -c "select(.type == \"container_start\" and .container.id == \"$named\")" | head -n 1)
done
dcea_expect_alert container-start-event "$a" '.comm == "sleep"' '.pid > 0' "${cx[@]}"

# --- status --------------------------------------------------------------------------------------

s=$(dcea_status_json)
ids=$(printf '%s\n' "${RULES[@]}" | sort | jq -R . | jq -sc .)
dcea_expect_alert status-json-fields "$s" '.loaded == true' '(.backend | length) > 0' \
	'.mode == "audit"' '.pinned == "/sys/fs/bpf/dcea"' ".loader_pid == $DCEA_RUN_PID" \
	'.events_dropped == 0' '(.containers | type) == "number" and .containers >= 2' \
	"($ids - [.rules[].id]) == []" '([.rules[].id] | length) == ([.rules[].id] | unique | length)' \
	'all(.rules[]; (.effective | IN("deny", "kill", "detect", "unavailable", "selftest-failed")) and has("now") and (.hook | length) > 0)' \
	'all(.rules[]; .effective != "unavailable" or .now == "off")' \
	'all(.rules[]; (.effective == "selftest-failed") == has("selftest_error"))' \
	'all(.rules[]; .effective != "selftest-failed" or .now == "alert" or .now == "off")' \
	'all(.rules[]; .effective == "unavailable" or .enabled == false or .now == "alert")' \
	'[.rules[] | select(.id == "custom")][0].enabled == false'

# What this machine can enforce (FACTS.md): cgroup/dev and cgroup/sysctl deny, and
# cgroup/connect_unix where the kernel has it (6.7+: asked of its type information), syscall
# tracepoints kill; module and kexec loads have no tracepoint here.
tp=/sys/kernel/tracing/events/syscalls
[ -d "$tp" ] || tp=/sys/kernel/debug/tracing/events/syscalls
connect_unix=kill
bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -q "'BPF_CGROUP_UNIX_CONNECT'" &&
	connect_unix=deny
want_eff() {
	case $1 in
	device_create | block_device_access | kernel_knob_sysctl) echo deny ;;
	runtime_socket) echo "$connect_unix" ;;
	module_load) [ -d "$tp/sys_enter_finit_module" ] && echo kill || echo unavailable ;;
	kexec_load) [ -d "$tp/sys_enter_kexec_load" ] && echo kill || echo unavailable ;;
	*) echo kill ;;
	esac
}
bad=
for r in "${RULES[@]}"; do
	got=$(printf '%s\n' "$s" | jq -r --arg r "$r" '.rules[] | select(.id == $r) | .effective')
	[ "$got" = "$(want_eff "$r")" ] || bad="$bad $r=$got (want $(want_eff "$r"))"
done
if [ -z "$bad" ]; then pass status-effective; else fail status-effective "$bad"; fi

# --- mode switches without detaching -------------------------------------------------------------

rc=0
out=$(run_timeout 10 "$DCEA" run --mode block 2>&1) || rc=$?
s=$(dcea_status_json)
if [ "$rc" != 0 ]; then
	fail mode-switch-run "'dcea run --mode block' exited $rc: $out"
else
	dcea_expect_alert mode-switch-run "$s" '.mode == "block"' ".loader_pid == $DCEA_RUN_PID" \
		'all(.rules[]; .effective == "unavailable" or .enabled == false or .now == .effective or
		    (.policy_action == "alert" and .now == "alert"))'
fi
if _dcea_alive "$DCEA_RUN_PID"; then
	dcea_mark
	st=$(pre_attack)
	check_eq mode-switch-run-enforces 137 "$st"
	a=$(dcea_wait_alert unshare_ns ".container.id == \"$pre\" and .action == \"kill\"" 5)
	if [ -n "$a" ]; then pass mode-switch-run-stream; else fail mode-switch-run-stream "no kill alert on the stream"; fi
else
	fail mode-switch-run-enforces "the streaming dcea run exited"
	fail mode-switch-run-stream "the streaming dcea run exited"
fi
check_eq adopt-running-container-block 137 "$st"

kill -USR2 "$DCEA_RUN_PID"
if wait_until 5 _dcea_mode_is audit; then
	dcea_mark
	st=$(pre_attack)
	a=$(dcea_wait_alert unshare_ns ".container.id == \"$pre\"" 5)
	if [ "$st" != 0 ]; then
		fail sigusr2-audit "attack exited '$st' in audit mode"
	else
		dcea_expect_alert sigusr2-audit "$a" '.action == "alert"'
	fi
else
	fail sigusr2-audit "status mode is '$(dcea_status_json | jq -r .mode)' after SIGUSR2"
fi

kill -USR1 "$DCEA_RUN_PID"
if wait_until 5 _dcea_mode_is block; then
	check_eq sigusr1-block 137 "$(pre_attack)"
else
	fail sigusr1-block "status mode is '$(dcea_status_json | jq -r .mode)' after SIGUSR1"
fi

# --- a benign workload, in block mode: nothing is alerted or stopped -----------------------------

dcea_mark
bdir=$DCEA_TMP/benign
mkdir -p "$bdir"
benign_one() { # I
	docker_run_test "benign$1" --rm "$DCEA_IMAGE" sh -c \
		'echo data > /tmp/f && cat /tmp/f >/dev/null && mkdir -p /tmp/d && cp /bin/busybox /tmp/d/ &&
		 ls -l / /proc/self/ >/dev/null && ps >/dev/null && id -u >/dev/null && rm -rf /tmp/d' \
		>"$bdir/$1.out" 2>&1
	echo $? >"$bdir/$1.rc"
}
for ((b = 0; b < 20; b += 5)); do
	pids=()
	for ((i = b; i < b + 5; i++)); do
		benign_one "$i" &
		pids+=("$!")
	done
	wait "${pids[@]}" # not a bare wait: the streaming dcea run is a child too
done
# Runtime set-up that looks like the rules (mounts, device nodes, capabilities) must not count:
# a privileged container, one with a device and added capabilities, and execs into them.
priv=$(docker_run_test benignpriv -d --privileged "$DCEA_IMAGE" sleep 600)
dev=$(docker_run_test benigndev -d --device /dev/null:/dev/xnull --cap-add SYS_ADMIN --cap-add NET_ADMIN \
	"$DCEA_IMAGE" sleep 600)
ex=0
for c in "$priv" "$dev" "$named"; do
	docker exec "$c" sh -c 'echo x > /tmp/x && cat /tmp/x && ls /dev /sys >/dev/null && cat /proc/mounts >/dev/null' >/dev/null 2>&1 || ex=$((ex + 1))
	docker exec -u 1000 "$c" sh -c 'echo y > /tmp/y; id' >/dev/null 2>&1 || ex=$((ex + 1))
done
docker stop -t 1 "$priv" "$dev" >/dev/null 2>&1
failed=$(grep -Lx 0 "$bdir"/*.rc | wc -l)
if [ "$failed" != 0 ] || [ "$ex" != 0 ] || [ -z "$priv" ] || [ -z "$dev" ]; then
	fail benign-workload-runs "$failed of 20 containers and $ex execs failed: $(cat "$bdir"/*.out | sort -u | head -n 3)"
else
	pass benign-workload-runs
fi
sleep 0.5
# runtime alerts only: the pre-launch findings of these containers (root user, no
# no-new-privileges...) are alerts too by design, with "source" set (80-admission.sh tests them)
# and no escape rule: shells run by `docker exec` and a --privileged start are what the
# threat-behaviour rules shell_in_container and privileged_launch report (12-behaviour.sh)
n=$(dcea_count_alerts '(.source // "") == "" and (.rule | IN("shell_in_container", "privileged_launch") | not)')
if [ "$n" = 0 ]; then
	pass benign-no-alerts
else
	fail benign-no-alerts "$n alerts: $(dcea_alerts_since_mark | jq -c 'select(.type == "alert" and (.source // "") == "") | [.rule, .action, .comm, .container.name, .details]' | head -n 5)"
fi
n=$(dcea_alerts_since_mark | jq -r 'select(.type == "container_start") | .container.name' |
	grep -cE "^dcea-test-benign[0-9]+-$$\$")
check_eq benign-container-starts 20 "$n"

# --- the loader dies: enforcement stays, a new dcea run adopts ------------------------------------

dcea_kill_loader
st=$(pre_attack)
check_eq restart-enforcement-continues 137 "$st"
rc=0
err=$(docker exec "$named" mknod /tmp/restart-node b 7 250 2>&1) || rc=$?
if [ "$rc" != 0 ] && [[ $err == *"Operation not permitted"* ]] &&
	! docker exec "$named" test -e /tmp/restart-node; then
	pass restart-deny-continues
else
	fail restart-deny-continues "mknod exited $rc: $err"
fi
# a link pin removed while no loader runs (by root on the host: a container is refused with LSM,
# put back by the running loader on the fallback): its program detaches; the next loader attaches
# it again and pins it
unshare_pin=$DCEA_PIN_DIR/links/watch_unshare
rm -f "$unshare_pin"

dcea_mark
if DCEA_ADOPT=1 dcea_start; then
	s=$(dcea_status_json)
	dcea_expect_alert restart-adopts-pins "$s" '.loaded == true' ".loader_pid == $DCEA_RUN_PID"
	check_eq restart-keeps-mode block "$(printf '%s\n' "$s" | jq -r .mode)"
	# the two attacks made while no loader ran were queued in the pinned ring buffer
	a=$(dcea_wait_alert unshare_ns '.comm == "unshare" and .action == "kill"' 3)
	b=$(dcea_wait_alert device_create '.comm == "mknod" and .action == "deny"' 1)
	if [ -n "$a" ] && [ -n "$b" ]; then
		pass restart-no-loss
	else
		fail restart-no-loss "the alerts of the attacks made without a loader were not delivered; streamed: $(dcea_alerts_since_mark | jq -c '[.type, .rule, .action, .comm, .container.name]' | head -n 5 | tr '\n' ' ')"
	fi
	# and name their containers, although this loader never saw them start
	mapfile -t cx < <(dcea_ct_exprs "$pre")
	dcea_expect_alert restart-kill-alert-container "$a" "${cx[@]}"
	mapfile -t cx < <(dcea_ct_exprs "$named")
	dcea_expect_alert restart-deny-alert-container "$b" "${cx[@]}"
	if [ -e "$unshare_pin" ] && grep -q "tracepoint program(s) had no pin" "$DCEA_RUN_LOG"; then
		pass restart-repins-removed
	else
		fail restart-repins-removed "pin $unshare_pin: $(ls "$unshare_pin" 2>&1); log: $(grep -i tracepoint "$DCEA_RUN_LOG" | head -n 2)"
	fi
	dcea_mark
	st=$(pre_attack)
	if [ "$st" = 137 ] && dcea_wait_alert unshare_ns ".container.id == \"$pre\"" 5 >/dev/null; then
		pass restart-streams
	else
		fail restart-streams "unshare after adoption: exit $st, alert streamed: $(dcea_alerts_since_mark | jq -c 'select(.rule == "unshare_ns")' | head -n 1)"
	fi
else
	for c in restart-adopts-pins restart-keeps-mode restart-no-loss restart-kill-alert-container \
		restart-deny-alert-container restart-streams restart-repins-removed; do
		fail "$c" "a new dcea run did not stream: $DCEA_ERR"
	done
fi

# --- dcea stop -----------------------------------------------------------------------------------

rc=0
out=$("$DCEA" stop 2>&1) || rc=$?
if [ "$rc" != 0 ]; then
	fail stop-removes-pins "'dcea stop' exited $rc: $out"
elif [ -e "$DCEA_PIN_DIR" ]; then
	fail stop-removes-pins "'$DCEA_PIN_DIR' still exists"
elif "$DCEA" status >/dev/null 2>&1; then
	fail stop-removes-pins "'dcea status' still succeeds"
else
	pass stop-removes-pins
fi
if [ -n "$DCEA_RUN_PID" ] && wait_until 5 eval '! _dcea_alive "$DCEA_RUN_PID"'; then
	pass stop-ends-stream
else
	fail stop-ends-stream "the streaming dcea run (pid $DCEA_RUN_PID) is still running"
fi
check_eq stop-detaches 0 "$(pre_attack)"
