#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Threat-behaviour rules, custom rules, exceptions and reload, from real docker containers (issue
# 5). Audit mode: each behaviour raises one alert with the right fields. An exception by image
# suppresses the shell alert for its container and is counted in `dcea status`; a custom rule the
# test writes blocks (kills) what it names in block mode, in the test's own container only. A
# reload with a broken file keeps the policy in force; a good one swaps it in.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

CHECKS=(shell-alert shell-fields shell-interactive cred-file-alert dev-file-alert drift-alert priv-exec-alert
	privileged-launch-alert privileged-launch-not-cap-add exception-by-image-suppresses exception-counted custom-open-alert
	custom-exec-block-killed custom-exec-block-alert custom-other-container-untouched
	reload-under-attack-no-gap reload-under-attack-reloads reload-bad-rejected reload-good-applied)
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
dcea_helper || fail_all "cannot build the escape helper tests/helpers/escape.c" "${CHECKS[@]}"

# A second image name for the same rootfs: the exception selects it by image glob.
docker tag "$DCEA_IMAGE" dcea-test-exempt:latest >/dev/null ||
	fail_all "docker tag failed" "${CHECKS[@]}"
cleanup_add docker rmi dcea-test-exempt:latest
tag=beh-$$
pol=$DCEA_TMP/behaviour.yaml
# non_interactive: all: the `docker exec CT sh -c` shells below are reported (by default they
# are quiet, 14-shell-probe.sh)
cat >"$pol" <<YAML
version: 1
mode: audit
rules:
  shell_in_container: {non_interactive: all}
custom_rules:
  - id: test_escape_exec
    description: the test's helper binary must not run in containers named dcea-test-$tag-blk
    kind: exec
    path: /usr/local/bin/dcea-escape
    container: {name: 'dcea-test-$tag-blk*'}
    action: block
    severity: high
  - id: test_passwd_read
    kind: open_read
    path: /etc/passwd
    container: {name: 'dcea-test-$tag-*'}
exceptions:
  - rules: [shell_in_container]
    container: {image: 'dcea-test-exempt:*'}
    comment: the exempt image may run shells
YAML
dcea_start --policy "$pol" --mode audit || fail_all "$DCEA_ERR" "${CHECKS[@]}"

ESC=(-v "$DCEA_ESCAPE:/usr/local/bin/dcea-escape:ro")
ct=$(docker_run_test "$tag-plain" -d "${ESC[@]}" "$DCEA_IMAGE" sleep 600) ||
	fail_all "docker run failed: $ct" "${CHECKS[@]}"
ex=$(docker_run_test "$tag-exempt" -d dcea-test-exempt:latest sleep 600) ||
	fail_all "docker run failed: $ex" "${CHECKS[@]}"
short=${ct:0:12}

# --- behaviour rules in audit mode ---------------------------------------------------------------
dcea_mark
docker exec "$ct" sh -c 'true' >/dev/null 2>&1
a=$(dcea_wait_alert shell_in_container ".container.id == \"$ct\"" 10)
check shell-alert test -n "$a"
dcea_expect_alert shell-fields "$a" '.action == "alert"' '.details.interactive == false' \
	'.details.why == "policy_all"' \
	'.details.entrypoint == false' '.comm == "sh"' ".container.name == \"$(docker_name "$tag-plain")\""

# interactive: `docker exec -t` gives the shell a pty on stdin
dcea_mark
docker exec -t "$ct" sh -c 'true' >/dev/null 2>&1
a=$(dcea_wait_alert shell_in_container ".container.id == \"$ct\" and .details.interactive" 10)
dcea_expect_alert shell-interactive "$a" '.details.interactive == true' '.details.entrypoint == false'

dcea_mark
docker exec "$ct" cat /etc/shadow >/dev/null 2>&1
a=$(dcea_wait_alert cred_file_access ".container.id == \"$ct\"" 10)
dcea_expect_alert cred-file-alert "$a" '.details.path == "/etc/shadow"' '.details.write == false'

dcea_mark
docker exec "$ct" sh -c 'echo x > /dev/dcea-planted' >/dev/null 2>&1
a=$(dcea_wait_alert dev_file_create ".container.id == \"$ct\"" 10)
dcea_expect_alert dev-file-alert "$a" '.details.path == "/dev/dcea-planted"'

dcea_mark
# drift compares whole seconds (docs/POLICY.md): the file must change after the start's second
started=$(date -d "$(docker inspect -f '{{.State.StartedAt}}' "$ct")" +%s)
wait_until 3 eval '[ "$(date +%s)" -gt "$started" ]'
docker exec "$ct" sh -c 'cp /bin/busybox /tmp/dropped && /tmp/dropped true' >/dev/null 2>&1
a=$(dcea_wait_alert drift_exec ".container.id == \"$ct\"" 10)
dcea_expect_alert drift-alert "$a" '.details.changed >= .details.container_started' '.details.path == "/tmp/dropped"'

dcea_mark
docker exec "$ct" sh -c 'cp /bin/busybox /tmp/suid && chmod 4755 /tmp/suid' >/dev/null 2>&1
docker exec -u 4321 "$ct" /tmp/suid true >/dev/null 2>&1
a=$(dcea_wait_alert privilege_gain_exec ".container.id == \"$ct\"" 10)
dcea_expect_alert priv-exec-alert "$a" '.uid == 4321' '.details.uid == 4321' '.details.euid == 0' \
	'.details.path == "/tmp/suid"'

dcea_mark
pv=$(docker_run_test "$tag-priv" -d --privileged "$DCEA_IMAGE" sleep 600)
a=$(dcea_wait_alert privileged_launch ".container.id == \"$pv\"" 10)
dcea_expect_alert privileged-launch-alert "$a" '.action == "alert"' \
	'.details.bounding_set | test("sys_admin")'
# the control: an unprivileged container with SYS_ADMIN added is not "privileged"
sa=$(docker_run_test "$tag-sa" -d --cap-add SYS_ADMIN "$DCEA_IMAGE" sleep 600)
a=$(dcea_wait_alert privileged_launch ".container.id == \"$sa\"" 2)
check privileged-launch-not-cap-add test -z "$a"

# --- exception by image --------------------------------------------------------------------------
hits0=$("$DCEA" status --json | jq '[.exceptions[]?.suppressed] | add // 0')
dcea_mark
docker exec "$ex" sh -c 'true' >/dev/null 2>&1
docker exec "$ct" sh -c 'true' >/dev/null 2>&1 # the control: its alert shows events flow
dcea_wait_alert shell_in_container ".container.id == \"$ct\"" 10 >/dev/null
a=$(dcea_wait_alert shell_in_container ".container.id == \"$ex\"" 2)
check exception-by-image-suppresses test -z "$a"
hits1=$("$DCEA" status --json | jq '[.exceptions[]?.suppressed] | add // 0')
check exception-counted test "$hits1" -gt "$hits0"

# --- custom rules --------------------------------------------------------------------------------
dcea_mark
docker exec "$ct" cat /etc/passwd >/dev/null 2>&1
a=$(dcea_wait_alert test_passwd_read ".container.id == \"$ct\"" 10)
dcea_expect_alert custom-open-alert "$a" '.custom == "open_read"' '.details.path == "/etc/passwd"' \
	'.severity == "medium"'

blk=$(docker_run_test "$tag-blk" -d "${ESC[@]}" "$DCEA_IMAGE" sleep 600)
sleep 1
dcea_mode block
dcea_mark
docker exec "$blk" /usr/local/bin/dcea-escape --help >/dev/null 2>&1
rc=$?
check_eq custom-exec-block-killed 137 "$rc"
a=$(dcea_wait_alert test_escape_exec ".container.id == \"$blk\"" 10)
dcea_expect_alert custom-exec-block-alert "$a" '.action == "kill"' '.custom == "exec"' \
	'.details.path == "/usr/local/bin/dcea-escape"'
docker exec "$ct" /usr/local/bin/dcea-escape --help >/dev/null 2>&1
rc=$?
check custom-other-container-untouched test "$rc" -ne 137

# An attack loop across reloads: every attempt must be killed, before, during and after each swap.
cp "$pol" "$pol.good"
sed 's/severity: high/severity: critical/' "$pol.good" >"$pol.alt"
docker exec -d "$blk" sh -c 'i=0; while [ $i -lt 300 ]; do /usr/local/bin/dcea-escape --help \
	>/dev/null 2>&1; echo $? >>/tmp/rcs; i=$((i + 1)); done; touch /tmp/loop-done'
nreload=0
for i in 1 2 3 4 5 6; do
	cp "$pol.$([ $((i % 2)) -eq 1 ] && echo alt || echo good)" "$pol"
	"$DCEA" reload >/dev/null 2>&1 && nreload=$((nreload + 1))
done
wait_until 120 docker exec "$blk" test -e /tmp/loop-done
rcs=$(docker exec "$blk" sort /tmp/rcs | uniq -c | tr -s ' ' | tr '\n' ';')
check_eq reload-under-attack-no-gap " 300 137;" "$rcs"
check_eq reload-under-attack-reloads 6 "$nreload"
cp "$pol.good" "$pol"
"$DCEA" reload >/dev/null 2>&1
dcea_mode audit

# --- reload --------------------------------------------------------------------------------------
printf 'custom_rules: [{id: x, kind: nope}]\n' >"$pol"
"$DCEA" reload >"$DCEA_TMP/reload.out" 2>&1
rc=$?
grep -q rejected "$DCEA_TMP/reload.out" &&
	"$DCEA" status --json | jq -e '.custom_rules | map(.id) | index("test_escape_exec")' >/dev/null
check reload-bad-rejected test "$rc" -ne 0 -a "$?" -eq 0
sed 's/test_passwd_read/test_passwd_read2/' "$pol.good" >"$pol"
"$DCEA" reload >"$DCEA_TMP/reload.out" 2>&1
dcea_mark
docker exec "$ct" cat /etc/passwd >/dev/null 2>&1
a=$(dcea_wait_alert test_passwd_read2 ".container.id == \"$ct\"" 10)
check reload-good-applied test -n "$a"
