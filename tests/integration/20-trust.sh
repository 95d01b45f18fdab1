#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Namespace trust (module 4): a container task that has moved into the host's namespaces is found
# by `dcea verify` (userspace), by the kernel at setns exit, and by the in-kernel sweep even when
# it got there before dcea was watching (no watched syscall at all); block mode kills it.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

CHECKS=(verify-clean-container verify-finds-host-ns verify-json-fields verify-exit-code
	trust-setns-alert trust-sweep-adopted-escapee trust-sweep-block-kills trust-status-rule)
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"

start_bg host_pid sleep 600

# A container whose second process joins the host's mount, uts and net namespaces through a host
# process (--pid=host makes it visible; --privileged gives CAP_SYS_ADMIN for setns).
escapee() { # NAME
	docker_run_test "$1" -d --privileged --pid=host "$DCEA_IMAGE" \
		sh -c "sleep 0.5; nsenter -t $host_pid -m -u -n sleep 300 & exec sleep 300"
}
escapee_pid() { # CONTAINER-ID: the host pid of the task that left
	local cg=/sys/fs/cgroup/unified/docker/$1 p
	for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do
		[ "$(readlink "/proc/$p/ns/mnt")" = "$(readlink /proc/self/ns/mnt)" ] && { echo "$p"; return 0; }
	done
	return 1
}

# --- dcea verify, without the enforcer -------------------------------------------------------------
clean=$(docker_run_test clean -d "$DCEA_IMAGE" sleep 300)
ct=$(escapee verify)
wait_until 10 escapee_pid "$ct" >/dev/null
out=$("$DCEA" verify --json)
rc=$?
if printf '%s\n' "$out" | jq -e --arg id "$clean" 'select(.container.id == $id)' >/dev/null 2>&1; then
	fail verify-clean-container "a finding for the untouched container: $out"
else
	pass verify-clean-container
fi
f=$(printf '%s\n' "$out" | jq -c --arg id "$ct" 'select(.container.id == $id and .finding == "host_ns")' | head -n 1)
check verify-finds-host-ns test -n "$f"
if [ -n "$f" ] && printf '%s\n' "$f" | jq -e '(.detail | test("mnt")) and (.detail | test("uts")) and .comm == "sleep" and .pid > 1 and .rule == "ns_escape"' >/dev/null; then
	pass verify-json-fields
else
	fail verify-json-fields "got: $f"
fi
check_eq verify-exit-code 1 "$rc"

# --- the kernel's sweep finds a task that escaped before dcea watched ------------------------------
dcea_start || fail_all "$DCEA_ERR" trust-setns-alert trust-sweep-adopted-escapee trust-sweep-block-kills trust-status-rule
a=$(dcea_wait_alert ns_escape ".container.id == \"$ct\"" 5)
dcea_expect_alert trust-sweep-adopted-escapee "$a" '.action == "alert"' '.details.host_namespaces | index("mnt") != null' \
	'.details.host_namespaces | index("uts") != null' '.comm == "sleep"' '.severity == "critical"'
check_eq trust-status-rule kill "$(dcea_effective ns_escape)"

# setns into the host's namespaces from a container started under dcea: caught at setns exit
dcea_mark
ct2=$(escapee setns)
a=$(dcea_wait_alert ns_escape ".container.id == \"$ct2\" and (.details.host_namespaces | index(\"mnt\") != null)" 10)
dcea_expect_alert trust-setns-alert "$a" '.details.host_namespaces | index("mnt") != null' '.comm == "nsenter"'

# block mode: the sweep's findings are killed by the loader within a second
victim=$(escapee_pid "$ct")
dcea_mode block || fail trust-sweep-block-kills "mode switch failed"
# dead: gone, or a zombie (its parent, the container's exec'd sleep, never reaps it)
dead() { ! st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || [ "$st" = Z ]; }
if wait_until 3 dead "$victim"; then
	pass trust-sweep-block-kills
else
	fail trust-sweep-block-kills "escaped task $victim still alive 3 s after block mode"
fi
