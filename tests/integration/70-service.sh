#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dcea as a service: `make install` into a DESTDIR (tree, unit, man pages, uninstall), the alert
# outputs (rotated file, syslog to a listener started here, the events socket with several
# readers), the Prometheus metrics endpoint, and the Kubernetes manifests. Audit mode only.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

need_dcea

# --- make install / uninstall --------------------------------------------------------------------

test_install() {
	local d=$DCEA_TMP/destdir f p out missing=
	make -C "$DCEA_ROOT" -s OUTPUT="$OUTPUT" DESTDIR="$d" install >"$DCEA_TMP/install.log" 2>&1 ||
		{ fail install-tree "make install: $(tail -n 1 "$DCEA_TMP/install.log")"; return; }
	for f in usr/local/sbin/dcea etc/dcea/policy.yaml usr/local/lib/systemd/system/dcea.service \
		usr/local/share/man/man8/dcea.8 usr/local/share/man/man8/dcea-run.8 \
		usr/local/share/man/man8/dcea-status.8 \
		usr/local/share/man/man8/dcea-stop.8 usr/local/share/man/man8/dcea-verify.8 \
		usr/local/share/man/man8/dcea-policy.8 usr/local/share/man/man8/dcea-scan.8; do
		[ -e "$d/$f" ] || missing="$missing $f"
	done
	if [ -n "$missing" ]; then
		fail install-tree "missing:$missing"
	elif [ "$(stat -c %a "$d/usr/local/sbin/dcea")" != 755 ] || ! "$d/usr/local/sbin/dcea" --version >/dev/null; then
		fail install-tree "the installed binary is not an executable dcea"
	elif grep -v '^#' "$d/usr/local/lib/systemd/system/dcea.service" | grep -q @; then
		fail install-tree "unfilled @...@ in the unit"
	else
		pass install-tree
	fi
	# the installed policy is the default and dcea accepts it
	check install-policy-valid "$d/usr/local/sbin/dcea" policy check "$d/etc/dcea/policy.yaml"
	check_eq install-unit-execstart \
		"ExecStart=/usr/local/sbin/dcea run --policy /etc/dcea/policy.yaml --json --socket /run/dcea/events.sock \$DCEA_OPTS" \
		"$(grep '^ExecStart=' "$d/usr/local/lib/systemd/system/dcea.service")"

	# every subcommand has a page, and each renders without a warning
	for p in run events status stop verify policy scan; do
		"$DCEA" "$p" --help >/dev/null 2>&1 || continue
		[ -e "$d/usr/local/share/man/man8/dcea-$p.8" ] || { fail "man-page-$p" "no dcea-$p.8"; continue; }
	done
	for f in "$d"/usr/local/share/man/man8/*.8; do
		p=$(basename "$f" .8)
		out=$(groff -man -ww -z "$f" 2>&1; LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
		if [ -n "$out" ]; then fail "man-$p" "$out"; else pass "man-$p"; fi
	done

	if command -v systemd-analyze >/dev/null 2>&1; then
		# installed under a PREFIX of ours (not a DESTDIR): the unit's ExecStart= then names a
		# binary that exists, and Documentation= pages man finds through MANPATH
		local pfx=$DCEA_TMP/prefix
		make -C "$DCEA_ROOT" -s OUTPUT="$OUTPUT" PREFIX="$pfx" SYSCONFDIR="$pfx/etc" install \
			>>"$DCEA_TMP/install.log" 2>&1
		out=$(MANPATH="$pfx/share/man" systemd-analyze verify \
			"$pfx/lib/systemd/system/dcea.service" 2>&1)
		if [ -z "$out" ]; then pass unit-verify; else fail unit-verify "$out"; fi
	else
		skip unit-verify "systemd-analyze not installed"
	fi

	# an edited policy survives install and uninstall
	printf '\n# edited\n' >>"$d/etc/dcea/policy.yaml"
	make -C "$DCEA_ROOT" -s OUTPUT="$OUTPUT" DESTDIR="$d" install >>"$DCEA_TMP/install.log" 2>&1
	[ -e "$d/etc/dcea/policy.yaml.new" ] && grep -q '# edited' "$d/etc/dcea/policy.yaml" &&
		pass install-keeps-edited-policy || fail install-keeps-edited-policy "policy.yaml overwritten or no policy.yaml.new"
	make -C "$DCEA_ROOT" -s OUTPUT="$OUTPUT" DESTDIR="$d" uninstall >>"$DCEA_TMP/install.log" 2>&1
	out=$(cd "$d" && find . -type f | sort | tr '\n' ' ')
	check_eq uninstall-leaves-only-edited-policy "./etc/dcea/policy.yaml " "$out"
}
test_install
