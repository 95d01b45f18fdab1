#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Tamper resistance (issue 8, first part): from inside a container that shares the host's pid
# namespace, signalling the dcea loader is alerted (dcea_tamper) and, in block mode, the sender is
# killed before the signal is sent, so the loader keeps streaming; any bpf() command from a
# container (not only program loads) is alerted and stopped, so dcea's pinned maps cannot be opened
# with BPF_OBJ_GET from inside.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

CHECKS=(tamper-signal-audit-alert tamper-signal-block-killed tamper-loader-survives
	tamper-bpf-call-block-killed tamper-bpf-call-alert)
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
dcea_start || fail_all "$DCEA_ERR" "${CHECKS[@]}"
loader=$DCEA_RUN_PID
ct=$(docker_run_test tamper -d --pid=host "$DCEA_IMAGE" sleep 600)

# audit: signal 0 (an existence probe, harmless to the loader) is reported
dcea_mark
docker exec "$ct" kill -0 "$loader" >/dev/null 2>&1
a=$(dcea_wait_alert dcea_tamper ".container.id == \"$ct\"" 5)
dcea_expect_alert tamper-signal-audit-alert "$a" '.action == "alert"' ".details.target_pid == $loader" \
	'.details.signal == 0' '.comm == "kill"'

dcea_mode block || fail_all "mode switch failed" tamper-signal-block-killed tamper-loader-survives \
	tamper-bpf-call-block-killed tamper-bpf-call-alert
dcea_mark
docker exec "$ct" kill -TERM "$loader" >/dev/null 2>&1
rc=$?
check_eq tamper-signal-block-killed 137 "$rc"
sleep 0.5
if _dcea_alive "$loader" && "$DCEA" status --json | jq -e ".loader_pid == $loader" >/dev/null; then
	pass tamper-loader-survives
else
	fail tamper-loader-survives "the loader (pid $loader) is gone after a SIGTERM from the container"
fi

# bpf() from a privileged container with the host's bpffs mounted in: the rule stops every bpf()
# command (BPF_OBJ_GET of dcea's pins included); the escape helper issues a raw bpf() call
if dcea_helper; then
	dcea_mark
	docker_run_test bpfget --rm --privileged -v /sys/fs/bpf:/sys/fs/bpf \
		-v "$DCEA_ESCAPE:/usr/local/bin/dcea-escape:ro" "$DCEA_IMAGE" \
		/usr/local/bin/dcea-escape bpf >/dev/null 2>&1
	rc=$?
	check_eq tamper-bpf-call-block-killed 137 "$rc"
	a=$(dcea_wait_alert bpf_load '.action == "kill"' 5)
	dcea_expect_alert tamper-bpf-call-alert "$a" '.details.syscall == "bpf"' '.comm == "dcea-escape"'
else
	skip tamper-bpf-call-block-killed "cannot build the escape helper"
	skip tamper-bpf-call-alert "cannot build the escape helper"
fi
