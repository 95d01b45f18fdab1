#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Arguments the program cannot read fail closed (the guide: "argument memory your program cannot
# read"). A tracepoint reads user memory without taking page faults; a container task that puts a
# syscall's arguments on a page not yet faulted in (a private mapping of a file, untouched) hides
# them from the program while the kernel's own copy faults the page in and proceeds. Each route
# here does that, from a real container, and must be reported in audit mode and killed in block
# mode on this host's backend (fallback):
#   fsopen-unfaulted   fsopen("proc")                        mount_api     (fstype "(unreadable)")
#   clone3-unfaulted   clone3(CLONE_NEWUSER|CLONE_NEWNS)     unshare_ns    ("clone3 (unreadable)")
#   capset-unfaulted   capset raising CAP_CHOWN again        capset_raise  (judged as asking for all 64 bits)
# (mount(2) with unfaulted strings is 13-routes.sh's mount-unfaulted; the three routes here are
# rows of the attack catalogue too, run by 13-routes.sh with their effect checked from the host and
# by the kernel matrix on both backends.)
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

declare -A RULE=([fsopen-unfaulted]=mount_api [clone3-unfaulted]=unshare_ns [capset-unfaulted]=capset_raise)
declare -A MARK=([fsopen-unfaulted]='.details.fstype == "(unreadable)"'
	[clone3-unfaulted]='.details | tostring | test("clone3 \\(unreadable\\)")'
	[capset-unfaulted]='.details.effective_requested | test("checkpoint_restore,[?]")')
declare -A ARGS=([fsopen-unfaulted]="fsopen-unfaulted proc" [clone3-unfaulted]=clone3-unfaulted
	[capset-unfaulted]=capset-unfaulted)
IDS=(fsopen-unfaulted clone3-unfaulted capset-unfaulted)
CHECKS=()
for r in "${IDS[@]}"; do CHECKS+=("$r-audit" "$r-block"); done
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
dcea_helper || fail_all "cannot build the escape helper" "${CHECKS[@]}"

dcea_start --mode audit || fail_all "$DCEA_ERR" "${CHECKS[@]}"
[ "$(dcea_status_json | jq -r .backend)" = fallback ] ||
	fail_all "expectations are for the fallback backend; this host runs $(dcea_status_json | jq -r .backend)" "${CHECKS[@]}"
# seccomp unconfined: Docker's default profile refuses clone3 (ENOSYS) before any hook sees it
ct=$(dcea_escape_ct unfaulted --security-opt seccomp=unconfined)

for mode in audit block; do
	dcea_mode "$mode" || fail_all "$DCEA_ERR" "${CHECKS[@]}"
	for id in "${IDS[@]}"; do
		dcea_mark
		rc=0
		# shellcheck disable=SC2086 # ARGS holds words
		out=$(docker exec "$ct" dcea-escape route ${ARGS[$id]} 2>&1) || rc=$?
		want=alert
		[ "$mode" = block ] && want=kill
		a=$(dcea_wait_alert "${RULE[$id]}" ".container.id == \"$ct\" and .action == \"$want\"" 5)
		if [ "$mode" = block ] && [ "$rc" != 137 ]; then
			fail "$id-$mode" "want the task killed (exit 137), got exit $rc: $out"
		elif [ -z "$a" ]; then
			fail "$id-$mode" "no ${RULE[$id]} $want alert (exit $rc: $out); since the mark: $(dcea_alerts_since_mark | jq -c '[.rule, .action, .details]' | head -n 3 | tr '\n' ' ')"
		else
			dcea_expect_alert "$id-$mode" "$a" "${MARK[$id]}" '.exe | endswith("dcea-escape")'
		fi
	done
done
