#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The layering of the source tree, held three ways that must agree: the Makefile's LAYER_<dir>
# variables (passed as arguments, 'dir:allowed allowed...'), the "may include" column of the map
# in docs/DESIGN.md, and the #include lines of every file of <dir>/ and tests/unit/<dir>/.
# An allowed entry is a directory ("common"), a file ("bpf/dcea.h", "dcea.skel.h") or "libbpf"
# (<bpf/...> headers). Prints each violation; exits 1 if there is any.
# Usage: scripts/check-layers.sh 'common:common' 'rules:rules common bpf/dcea.h' ...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
design=docs/DESIGN.md
bad=0

complain() {
	echo "check-layers: $*" >&2
	bad=1
}

# sorted, one line: the entries given, trailing slashes dropped
norm() {
	printf '%s\n' "$@" | sed 's|/$||' | grep -v '^$' | sort | tr '\n' ' ' | sed 's/ $//'
}

# the map's row of a directory: | `dir/` | what it owns | `a/`, `b.h`, `libbpf` |
design_allowed() {
	local cell
	cell=$(awk -F'|' -v d="\`$1/\`" '{ c = $2; gsub(/^ +| +$/, "", c) } c == d { print $4; exit }' \
		"$design")
	# shellcheck disable=SC2046 # one word per entry
	norm $(grep -o '`[^`]*`' <<<"$cell" | tr -d '`')
}

# may FILE include INC (ANGLE: it is <INC>)? against the entries in $entries
allowed() {
	local e
	for e in "${entries[@]}"; do
		if [ "$angle" = 1 ]; then
			[ "$e" = libbpf ] && return 0
		elif [[ $e == */* || $e == *.h ]]; then
			[ "$inc" = "$e" ] && return 0
		elif [[ $inc == "$e"/* ]]; then
			return 0
		fi
	done
	return 1
}

[ -r "$design" ] || { complain "cannot read $design"; exit 1; }
for arg in "$@"; do
	dir=${arg%%:*}
	# shellcheck disable=SC2086 # one word per entry
	make_set=$(norm ${arg#*:})
	doc_set=$(design_allowed "$dir")
	if [ -z "$doc_set" ]; then
		complain "$design has no row for '$dir/' in its map"
	elif [ "$make_set" != "$doc_set" ]; then
		complain "'$dir/' may include '$make_set' in the Makefile but '$doc_set' in $design"
	fi
	read -r -a entries <<<"$make_set"
	for f in "$dir"/*.[ch] tests/unit/"$dir"/*.c; do
		[ -e "$f" ] || continue
		while IFS=: read -r lineno line; do
			if [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
				inc=${BASH_REMATCH[1]} angle=0
			elif [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\<(bpf/[^\>]+)\> ]]; then
				inc=${BASH_REMATCH[1]} angle=1
			else
				continue
			fi
			# a unit test may also include the tests' own helpers
			[[ $f == tests/* && $angle == 0 && $inc == tests/* ]] && continue
			allowed && continue
			[ "$angle" = 1 ] && inc="<$inc>"
			complain "$f:$lineno: $dir/ may not include $inc (only: $make_set)"
		done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$f" || true)
	done
done
exit $bad
