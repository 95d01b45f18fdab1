#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Shell detection a cluster can keep on (issue 17), default policy, audit mode: a probe loop of
# `docker exec CT sh -c 'test -f /tmp/ok'` every 200 ms for 30 s (what a Kubernetes exec probe
# does) raises no shell alert; `docker exec -it CT sh` (a terminal, through `script`) raises one;
# a shell started by a container process that is not a shell (the test's helper here, a web server
# in real life) raises one. (Not busybox xargs: it runs applets as /proc/self/exe, comm "exe".)
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

CHECKS=(probe-loop-ran probe-loop-no-shell-alert probe-loop-events-flow shell-tty-one-alert
	shell-tty-fields shell-unexpected-parent)
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
dcea_helper || fail_all "cannot build the helper tests/helpers/escape.c" "${CHECKS[@]}"

SECS=${PROBE_SECS:-30}

dcea_start --mode audit || fail_all "$DCEA_ERR" "${CHECKS[@]}"
ct=$(docker_run_test probe -d -v "$DCEA_ESCAPE:/usr/local/bin/dcea-escape:ro" "$DCEA_IMAGE" sleep 600) || fail_all "docker run failed: $ct" "${CHECKS[@]}"
docker exec "$ct" touch /tmp/ok || fail_all "docker exec failed" "${CHECKS[@]}"
dcea_mark

# the probe loop: one probe started every 200 ms (at most 8 at a time), each must succeed
ok=$DCEA_TMP/probes-ok
: >"$ok"
probe() { docker exec "$ct" sh -c 'test -f /tmp/ok' && echo . >>"$ok"; }
pids=()
end=$((SECONDS + SECS))
n=0
while [ "$SECONDS" -lt "$end" ]; do
	probe &
	pids+=($!)
	n=$((n + 1))
	if [ "${#pids[@]}" -ge 8 ]; then
		wait "${pids[0]}"
		pids=("${pids[@]:1}")
	fi
	sleep 0.2
done
[ "${#pids[@]}" -eq 0 ] || wait "${pids[@]}"
good=$(wc -l <"$ok")
printf 'probes started %s, succeeded %s\n' "$n" "$good" >&2
check probe-loop-ran test "$good" -ge $((SECS * 5 / 2)) -a "$good" -ge $((n * 9 / 10))

# the control that shows events flow: the same container reads /etc/shadow (cred_file_access)
docker exec "$ct" cat /etc/shadow >/dev/null 2>&1
a=$(dcea_wait_alert cred_file_access ".container.id == \"$ct\"" 10)
check probe-loop-events-flow test -n "$a"
got=$(dcea_count_alerts ".rule == \"shell_in_container\" and .container.id == \"$ct\"")
check_eq probe-loop-no-shell-alert 0 "$got"

# an interactive shell: `docker exec -it` on a terminal that `script` provides
dcea_mark
if ! printf 'exit\n' | run_timeout 30 script -qec "docker exec -it $ct sh" /dev/null >/dev/null 2>&1; then
	fail shell-tty-one-alert "docker exec -it under script failed"
else
	dcea_wait_alert shell_in_container ".container.id == \"$ct\"" 10 >/dev/null
	sleep 1 # a second alert would be here by now
	got=$(dcea_count_alerts ".rule == \"shell_in_container\" and .container.id == \"$ct\"")
	check_eq shell-tty-one-alert 1 "$got"
	a=$(dcea_wait_alert shell_in_container ".container.id == \"$ct\"" 1)
	dcea_expect_alert shell-tty-fields "$a" '.details.interactive == true' \
		'.details.why == "interactive"' '.details.entrypoint == false' '.action == "alert"'
fi

# a shell whose parent is a container process that is not a shell: reported, non-interactive
dcea_mark
docker exec "$ct" /usr/local/bin/dcea-escape spawn /bin/sh -c true >/dev/null 2>&1
a=$(dcea_wait_alert shell_in_container ".container.id == \"$ct\"" 10)
dcea_expect_alert shell-unexpected-parent "$a" '.details.why == "unexpected_parent"' \
	'.details.interactive == false' '.ppid != 0'
