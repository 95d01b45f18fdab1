#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Shell detection a cluster can keep on (issue 17), default policy, audit mode: a probe loop of
# `docker exec CT sh -c 'test -f /tmp/ok'` every 200 ms for 30 s (what a Kubernetes exec probe
# does) raises no shell alert; `docker exec -it CT sh` (a terminal, through `script`) raises one;
# a shell started by a container process that is not a shell (the test's helper here, a web server
# in real life) raises one. (Not busybox xargs: it runs applets as /proc/self/exe, comm "exe".)
# Docker health checks and the command of an init entrypoint (`docker run --init`) stay quiet; the
# same entrypoint starting a shell later is reported. The alerts are read on a terminal (a pty
# from `script`): colour by severity, none with NO_COLOR, lines fit the terminal's width, details
# folded onto indented lines, no JSON escapes, and `--output compact` one line per alert.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

CHECKS=(probe-loop-ran probe-loop-no-shell-alert probe-loop-events-flow shell-tty-one-alert
	shell-tty-fields shell-unexpected-parent healthcheck-ran healthcheck-no-shell-alert
	init-command-quiet init-flag-quiet init-later-shell-alerts text-tty-colour text-tty-no-color
	text-tty-fits text-tty-folded text-tty-no-json-escapes text-compact-one-line)
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
dcea_helper || fail_all "cannot build the helper tests/helpers/escape.c" "${CHECKS[@]}"

SECS=${PROBE_SECS:-30}

sock=$DCEA_TMP/events.sock
dcea_start --mode audit --socket "$sock" || fail_all "$DCEA_ERR" "${CHECKS[@]}"
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

# the alerts below read on terminals: 72 columns (stty on the pty), in colour, with NO_COLOR, compact
tty_reader() { # FILE VAR=VALUE [ARG...]: `dcea events ARG...` on a pty of 72 columns, 3 alerts
	local f=$1 env=$2
	shift 2
	run_timeout 60 script -qfc "stty cols 72; exec env $env $DCEA events --socket $sock --count 3 $*" \
		"$f" >/dev/null 2>&1 </dev/null
}
readers=()
if command -v script >/dev/null; then
	tty_reader "$DCEA_TMP/tty-colour" NO_COLOR= &
	readers+=($!)
	tty_reader "$DCEA_TMP/tty-plain" NO_COLOR=1 &
	readers+=($!)
	tty_reader "$DCEA_TMP/tty-compact" NO_COLOR=1 --output compact &
	readers+=($!)
	sleep 1 # connected
fi
# a credential read first: its path has slashes, which JSON would escape
docker exec "$ct" cat /etc/shadow >/dev/null 2>&1

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

# the three alerts on terminals (the typescript's own "Script started/done" lines left out)
[ "${#readers[@]}" -eq 0 ] || wait "${readers[@]}"
body() { grep -av '^Script \(started\|done\)' "$1" 2>/dev/null | tr -d '\r' | sed '/^$/d'; }
if ! command -v script >/dev/null; then
	for c in text-tty-colour text-tty-no-color text-tty-fits text-tty-folded \
		text-tty-no-json-escapes text-compact-one-line; do
		skip "$c" "script (util-linux) not installed"
	done
else
	body "$DCEA_TMP/tty-colour" >&2
	body "$DCEA_TMP/tty-compact" >&2
	esc=$(printf '\033')
	if body "$DCEA_TMP/tty-colour" | grep -q "^[0-9:]* ${esc}\[[0-9;]*m\(high\|medium\) "; then
		pass text-tty-colour
	else
		fail text-tty-colour "no severity in colour: $(body "$DCEA_TMP/tty-colour" | head -n 2 | cat -v)"
	fi
	got=$(body "$DCEA_TMP/tty-plain" | grep -c "$esc")
	n=$(body "$DCEA_TMP/tty-plain" | grep -c 'shell_in_container\|cred_file_access')
	check_eq text-tty-no-color "0 3" "$got $n"
	got=$( (body "$DCEA_TMP/tty-plain"; body "$DCEA_TMP/tty-compact") | awk 'length > 72' | wc -l)
	check_eq text-tty-fits 0 "$got"
	if body "$DCEA_TMP/tty-plain" | grep -q '^    .*why=interactive' &&
		body "$DCEA_TMP/tty-plain" | grep -q '^    .*path=/etc/shadow'; then
		pass text-tty-folded
	else
		fail text-tty-folded "no indented detail lines: $(body "$DCEA_TMP/tty-plain" | tr '\n' '|')"
	fi
	got=$(body "$DCEA_TMP/tty-plain" | grep -c '\\/\|\\"\|{"')
	check_eq text-tty-no-json-escapes 0 "$got"
	got=$(body "$DCEA_TMP/tty-compact" | grep -c '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] \(high\|medium\) ')
	n=$(body "$DCEA_TMP/tty-compact" | wc -l)
	check_eq text-compact-one-line "3 3" "$got $n"
fi

# a Docker health check (a shell from dockerd, through runc exec, every second): quiet
dcea_mark
h=$(docker_run_test health -d --health-cmd 'test -f /tmp/ok || touch /tmp/ok' \
	--health-interval 1s "$DCEA_IMAGE" sleep 600) || fail_all "docker run failed: $h" "${CHECKS[@]}"
health_runs() { docker inspect -f '{{len .State.Health.Log}}' "$h" 2>/dev/null || echo 0; }
health_ran() { [ "$(health_runs)" -ge 5 ]; }
wait_until 20 health_ran
check healthcheck-ran health_ran
sleep 1
got=$(dcea_count_alerts ".rule == \"shell_in_container\" and .container.id == \"$h\"")
check_eq healthcheck-no-shell-alert 0 "$got"

# the command of an init entrypoint: the entrypoint (not a shell once it exec'd the helper) forks
# a shell at once; with `docker run --init` tini does the same; quiet. The same entrypoint
# starting a shell 7 s after the container started (a service's spawn) is reported.
dcea_mark
i1=$(docker_run_test init-cmd -d -v "$DCEA_ESCAPE:/usr/local/bin/dcea-escape:ro" "$DCEA_IMAGE" \
	sh -c 'exec /usr/local/bin/dcea-escape spawn /bin/sh -c "sleep 600"') ||
	fail_all "docker run failed: $i1" "${CHECKS[@]}"
i2=$(docker_run_test init-flag -d --init "$DCEA_IMAGE" sh -c 'sleep 600') ||
	fail_all "docker run --init failed: $i2" "${CHECKS[@]}"
i3=$(docker_run_test init-later -d -v "$DCEA_ESCAPE:/usr/local/bin/dcea-escape:ro" "$DCEA_IMAGE" \
	sh -c 'sleep 7; exec /usr/local/bin/dcea-escape spawn /bin/sh -c true') ||
	fail_all "docker run failed: $i3" "${CHECKS[@]}"
a=$(dcea_wait_alert shell_in_container ".container.id == \"$i3\"" 20)
dcea_expect_alert init-later-shell-alerts "$a" '.details.why == "unexpected_parent"' \
	'.details.entrypoint == false'
# the shells ran (they exec'd the sleep); an alert of theirs would be older than i3's
got=$(dcea_count_alerts ".rule == \"shell_in_container\" and .container.id == \"$i1\"")
if docker top "$i1" | grep -q 'sleep 600'; then check_eq init-command-quiet 0 "$got"; else fail init-command-quiet "its shell did not run"; fi
got=$(dcea_count_alerts ".rule == \"shell_in_container\" and .container.id == \"$i2\"")
if docker top "$i2" | grep -q 'sleep 600'; then check_eq init-flag-quiet 0 "$got"; else fail init-flag-quiet "docker run --init: its shell did not run"; fi
