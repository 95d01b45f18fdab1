#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The loader's start/stop lifecycle under valgrind (issue 8): load, self-test, stream a real
# container's alert, stop on SIGINT. No invalid read or write, no use of uninitialised memory, no
# leak that valgrind calls definite; only its too-strict models of bpf(2) and mount(2) arguments are
# suppressed (tests/valgrind/dcea.supp). Audit mode.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

CHECKS=(valgrind-streams valgrind-alert valgrind-clean valgrind-exits)
need_cmd valgrind "${CHECKS[@]}"
need_docker "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
dcea_sanitized &&
	skip_all "'$DCEA' is built with ASan (SANITIZE=1): valgrind cannot run it; \`make test\` without SANITIZE runs this" "${CHECKS[@]}"
_dcea_lock || fail_all "another test run holds '$DCEA_TEST_STATE/dcea.lock'" "${CHECKS[@]}"
"$DCEA" status >/dev/null 2>&1 && fail_all "dcea is already loaded" "${CHECKS[@]}"
cleanup_add "$DCEA" stop

here=$(cd "$(dirname "$0")/.." && pwd)
log=$DCEA_TMP/valgrind.log
out=$DCEA_TMP/valgrind.json
valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--suppressions="$here/valgrind/dcea.supp" --log-file="$log" \
	"$DCEA" run --mode audit --json -o "$out" 2>"$DCEA_TMP/valgrind.err" &
vg=$!
cleanup_kill "$vg"
if wait_until 240 grep -q "streaming alerts" "$DCEA_TMP/valgrind.err"; then
	pass valgrind-streams
else
	fail valgrind-streams "no 'streaming' line in 240 s: $(tail -n 2 "$DCEA_TMP/valgrind.err")"
fi
ct=$(docker_run_test vg -d --cap-add SYS_ADMIN "$DCEA_IMAGE" sleep 600)
docker exec "$ct" mount -t proc proc /mnt >/dev/null 2>&1
check valgrind-alert wait_until 60 grep -q '"rule":"mount_sensitive"' "$out"
kill -INT "$vg"
rc=0
wait_until 120 bash -c "! kill -0 $vg 2>/dev/null" || rc=timeout
[ "$rc" = timeout ] || { wait "$vg"; rc=$?; }
check_eq valgrind-exits 0 "$rc"
errs=$(grep -cE '^==[0-9]+== (Invalid|Conditional|Use of uninit|Syscall param|.*definitely lost)' "$log")
if [ "$errs" = 0 ]; then
	pass valgrind-clean
else
	fail valgrind-clean "$errs valgrind errors, first: $(grep -m1 -A3 -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|.*definitely)' "$log" | tr '\n' ' ')"
fi
