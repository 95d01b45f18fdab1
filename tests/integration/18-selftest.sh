#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The self-test does not depend on where dcea lives (issue 16): the same binary is started from a
# directory under /tmp (the canaries' old scratch, a fresh clone's build/), a directory outside
# /tmp, a read-only bind mount, and a "hardened" mount namespace (the root read-only, /tmp and /run
# noexec,nosuid,nodev tmpfs), 20 starts in all. Every start must give every rule the same effect,
# the same in every place, none "selftest-failed", and the exec-based canaries (the ones a hidden
# or unexecutable copy broke) must be enforced. A binary on a noexec mount cannot be started at all
# (the dynamic loader's mmap is refused), so noexec is tested where the self-test writes.
# No containers: the canaries are dcea's own.
# dcea-test-timeout: 400
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/dcea.sh"

LOCS=(tmp outside robind hardened)
STARTS=(8 4 4 4) # per place, 20 in all
CHECKS=()
for l in "${LOCS[@]}"; do
	CHECKS+=("selftest-$l-starts" "selftest-$l-stable" "selftest-$l-same" "selftest-$l-no-failed"
		"selftest-$l-exec-enforced")
done
need_dcea "${CHECKS[@]}"
need_root "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
need_cmd unshare "${CHECKS[@]}"

# the canaries that exec a copy of dcea: a copy the child cannot reach or run broke these
EXEC_RULES=(ns_escape shell_in_container privilege_gain_exec privileged_launch drift_exec)

base=$(mktemp -d /var/tmp/dcea-selftest.XXXXXX) || fail_all "mktemp under /var/tmp failed" "${CHECKS[@]}"
tdir=$(mktemp -d /tmp/dcea-selftest.XXXXXX) || fail_all "mktemp under /tmp failed" "${CHECKS[@]}"
cleanup_add rm -rf "$base" "$tdir"
mkdir -p "$base/bin" "$base/ro"
cp "$DCEA" "$tdir/dcea" && cp "$DCEA" "$base/bin/dcea" || fail_all "copying '$DCEA' failed" "${CHECKS[@]}"
mount --bind "$base/bin" "$base/ro" && mount -o remount,bind,ro "$base/ro" ||
	fail_all "read-only bind mount of '$base/bin' failed" "${CHECKS[@]}"
cleanup_add umount "$base/ro"
# the read-only place really is one
touch "$base/ro/probe" 2>/dev/null && fail_all "'$base/ro' is writable after remount,ro" "${CHECKS[@]}"

# The hardened place: a wrapper that enters a mount namespace of its own, makes / read-only and
# /tmp, /run noexec, then execs dcea from the outside directory (same pid: dcea_stop kills it).
# The alerts file and the run log are reached through fds opened outside (dcea_start's
# redirections), -o names a file on the new /run.
cat >"$base/hardened" <<EOF
#!/bin/bash
set -e
mount -o remount,bind,ro /
for d in /tmp /run; do mount -t tmpfs -o noexec,nosuid,nodev,mode=0755 tmpfs "\$d"; done
# they really are: an executable on /tmp does not run, / takes no new file
touch /tmp/probe
chmod +x /tmp/probe
if /tmp/probe 2>/dev/null; then echo "/tmp is not noexec" >&2; exit 1; fi
if touch /probe-\$\$ 2>/dev/null; then rm -f /probe-\$\$; echo "/ is not read-only" >&2; exit 1; fi
[ "\$1" = run ] && set -- "\$@" -o /run/alerts.json
exec "$base/bin/dcea" "\$@"
EOF
chmod +x "$base/hardened"
hardened_ok=1
unshare -m --propagation private "$base/hardened" --version >/dev/null 2>&1 || hardened_ok=0

bin_of() {
	case $1 in
	tmp) echo "$tdir/dcea" ;;
	outside) echo "$base/bin/dcea" ;;
	robind) echo "$base/ro/dcea" ;;
	hardened) echo "$base/hardened-run" ;;
	esac
}
# dcea_start runs "$DCEA" run ...: for the hardened place, through unshare
printf '#!/bin/sh\nexec unshare -m --propagation private %q "$@"\n' "$base/hardened" >"$base/hardened-run"
chmod +x "$base/hardened-run"

# effects: "rule=effect ..." of the loaded enforcer, in rule order
effects() {
	dcea_status_json | jq -r '[.rules[] | "\(.id)=\(.effective)"] | join(" ")'
}

REF= # the first start's effects: every other start must match it
ORIG_DCEA=$DCEA
for i in "${!LOCS[@]}"; do
	l=${LOCS[i]}
	if [ "$l" = hardened ] && [ "$hardened_ok" = 0 ]; then
		for c in starts stable same no-failed exec-enforced; do
			skip "selftest-$l-$c" "no private mount namespace with a read-only root and noexec /tmp, /run here"
		done
		continue
	fi
	DCEA=$(bin_of "$l")
	seen=() failed=() ok=0 t0=$SECONDS
	for ((n = 0; n < STARTS[i]; n++)); do
		if ! dcea_start; then
			failed+=("start $n: $DCEA_ERR")
			dcea_stop
			continue
		fi
		e=$(effects)
		dcea_stop
		if [ -z "$e" ]; then
			failed+=("start $n: no status")
			continue
		fi
		ok=$((ok + 1))
		seen+=("$e")
		[ -n "$REF" ] || REF=$e
	done
	echo "selftest: $l: $ok of ${STARTS[i]} starts in $((SECONDS - t0)) s" >&2
	[ "$ok" = "${STARTS[i]}" ] && pass "selftest-$l-starts" || fail "selftest-$l-starts" "${failed[*]}"
	if [ "${#seen[@]}" = 0 ]; then
		for c in stable same no-failed exec-enforced; do fail "selftest-$l-$c" "no start gave a status"; done
		continue
	fi
	# the same each time
	distinct=$(printf '%s\n' "${seen[@]}" | sort -u)
	if [ "$(printf '%s\n' "$distinct" | wc -l)" = 1 ]; then
		pass "selftest-$l-stable"
	else
		fail "selftest-$l-stable" "$(printf '%s\n' "${seen[@]}" | sort | uniq -c | tr -s ' ')"
	fi
	# the same as in the first place
	bad=
	for e in "${seen[@]}"; do
		[ "$e" = "$REF" ] && continue
		bad=$(diff <(tr ' ' '\n' <<<"$REF") <(tr ' ' '\n' <<<"$e") | grep '^[<>]' | tr '\n' ' ')
		break
	done
	[ -z "$bad" ] && pass "selftest-$l-same" || fail "selftest-$l-same" "differs from the first start (< first, > here): $bad"
	# the set-up never fails here
	bad=$(printf '%s\n' "${seen[@]}" | tr ' ' '\n' | grep '=selftest-failed$' | sort -u | tr '\n' ' ')
	[ -z "$bad" ] && pass "selftest-$l-no-failed" || fail "selftest-$l-no-failed" "$bad"
	# the exec-based canaries are enforced (fallback: kill, LSM: deny)
	bad=
	for r in "${EXEC_RULES[@]}"; do
		got=$(printf '%s\n' "${seen[0]}" | tr ' ' '\n' | sed -n "s/^$r=//p")
		[ "$got" = kill ] || [ "$got" = deny ] || bad="$bad $r=${got:-missing}"
	done
	[ -z "$bad" ] && pass "selftest-$l-exec-enforced" || fail "selftest-$l-exec-enforced" "want kill or deny:$bad"
done
DCEA=$ORIG_DCEA
