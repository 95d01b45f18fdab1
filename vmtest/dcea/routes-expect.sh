#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The route table of the vmtest payload (routes.sh), printed as TSV: id, rule, what block mode
# must do on the fallback backend, on the LSM backend, and the fallback's known gaps on some
# kernels ("KERNEL=OUTCOME,...", "-" for none), another fallback outcome accepted where the
# outcome is a race ("-" for none). The routes, their rules and the fallback
# expectations are read from the integration test (tests/integration/13-routes.sh: ROUTES, RULE,
# EXPECT_fallback), so the kernel matrix and the host test cannot drift apart. The LSM column is
# this file's: every route must be denied (EPERM/EACCES, nothing changed; issue 14), on every
# kernel. A gap is reported as a SKIP when it is measured as listed, a FAIL otherwise.
# Usage: routes-expect.sh tests/integration/13-routes.sh > routes.tsv
set -euo pipefail
src=${1:?usage: routes-expect.sh PATH/13-routes.sh}
# The three assignments only (the script itself needs docker and a running dcea).
eval "$(sed -n -e '/^declare -A RULE=(/,/^)/p' -e '/^ROUTES=(/,/)$/p' \
	-e '/^declare -A EXPECT_fallback=(/,/^)/p' "$src")"
declare -p ROUTES RULE EXPECT_fallback >/dev/null
# Fallback gaps by kernel, measured in the matrix: "KERNEL ROUTE-GLOB OUTCOME", and why.
#  5.10: io_uring_complete carries no request (5.10 has ctx, user_data, res): uring.bpf.c sees
#  no completed open or connect there. Opens by their own name and path operations are judged at
#  submission (io_uring_submit_sqe) and killed; an open through a symlink, and a connect (5.10
#  keeps the prepared address elsewhere), are not seen. The policy switch (a custom io_uring rule
#  refusing io_uring_setup) closes them.
GAPS=("5.10 uring-open-knob-symlink escaped" "5.10 uring-connect-sock escaped")
# Routes whose fallback outcome is a race, and the other outcome accepted, from any kernel:
#  uring-open-linked-knob: the linked write runs before the kill when the open completes inline
#  (kill-after), not when the open was punted to an io-wq worker, whose completion kills the
#  task before the write is issued (kill). Both measured on 6.12.
RACES=()
for id in "${ROUTES[@]}"; do
	gaps=""
	for g in "${GAPS[@]}"; do
		read -r k glob outcome <<<"$g"
		# shellcheck disable=SC2053 # a glob on purpose
		[[ $id == $glob ]] && gaps+="${gaps:+,}$k=$outcome"
	done
	[ -n "${RULE[$id]:-}" ] && [ -n "${EXPECT_fallback[$id]:-}" ] || {
		echo "routes-expect: route '$id' has no rule or no fallback expectation in '$src'" >&2
		exit 1
	}
	also=-
	exp=${EXPECT_fallback[$id]}
	# kill-race in 13-routes.sh: killed, and the operation may be done first; both are measurements
	[ "$exp" = kill-race ] && exp=kill also=kill-after
	for g in "${RACES[@]}"; do
		read -r r outcome <<<"$g"
		[ "$r" = "$id" ] && also=$outcome
	done
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "${RULE[$id]}" "$exp" deny "${gaps:--}" "$also"
done
