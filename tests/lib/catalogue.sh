# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The attack catalogue (tests/routes/catalogue.tsv) for the integration scripts: its rows, the
# command of a row with the runner's variables, and the effect check of each kind. Used by
# 10-rules.sh (the classic rows) and 13-routes.sh (the other routes); vmtest/dcea/test.sh and
# routes.sh read the same file in the kernel matrix.
#
#   catalogue_load classic|routes   fill CAT_IDS (host rows of that kind, in order) and, by id,
#                                   CAT_RULE CAT_CT CAT_EFFECT CAT_FALLBACK CAT_COMM CAT_CLEAN
#                                   CAT_ALERT CAT_ATTEMPT
#   catalogue_script ID             the row's attempt with the variables the caller set (KNOB, P,
#                                   HT, SECRET, SECRETNAME, HP, ADDR, MEMADDR, SOCK, BLKDEV,
#                                   BLKMAJ, BLKMIN, MARKER, HANDLE_FILE, HANDLE_TEXT, TAG)
#   catalogue_effect ID             0 when the attempt just run (OUT, RC) changed or obtained what
#                                   it aims at, 1 when not, 2 for a kind without a check; needs
#                                   CAT_KNOB_HOST (the knob's host path), CAT_RWFILE and HT
#   catalogue_exprs ID              the row's alert expressions, one a line

[ -n "${_DCEA_CATALOGUE_SH:-}" ] && return 0
_DCEA_CATALOGUE_SH=1

CATALOGUE=$DCEA_ROOT/tests/routes/catalogue.tsv
CAT_IDS=()
declare -A CAT_RULE=() CAT_CT=() CAT_EFFECT=() CAT_FALLBACK=() CAT_COMM=() CAT_CLEAN=() CAT_ALERT=()
declare -A CAT_ATTEMPT=()

catalogue_load() {
	local kind=$1 id rule ct effect fallback where comm clean alert attempt
	while IFS=$'\t' read -r id rule _ ct effect fallback _ _ where comm clean alert attempt; do
		case $id in '#'* | '') continue ;; esac
		[ "$where" = vm ] && continue
		if [ "$kind" = classic ]; then [ "$fallback" = rule ] || continue; else [ "$fallback" != rule ] || continue; fi
		CAT_IDS+=("$id")
		CAT_RULE[$id]=$rule CAT_CT[$id]=$ct CAT_EFFECT[$id]=$effect CAT_FALLBACK[$id]=$fallback
		CAT_COMM[$id]=$comm CAT_CLEAN[$id]=$clean CAT_ALERT[$id]=$alert CAT_ATTEMPT[$id]=$attempt
	done <"$CATALOGUE"
}

catalogue_script() {
	eval "printf '%s\n' \"${CAT_ATTEMPT[$1]}\""
}

catalogue_exprs() {
	local a=${CAT_ALERT[$1]} e
	[ "$a" = - ] && return 0
	a=$(eval "printf '%s\n' \"${a//\"/\\\"}\"")
	while [ -n "$a" ]; do
		e=${a%% && *}
		printf '%s\n' "$e"
		[ "$e" = "$a" ] && break
		a=${a#* && }
	done
}

catalogue_effect() {
	local k=${CAT_EFFECT[$1]}
	[ "$RC" = 2 ] && return 0 # refused, but done anyway (the helper's exit 2)
	case $k in
	knob) [ "$(cat "$CAT_KNOB_HOST")" = "/payload-$TAG" ] ;;
	core) [ "$(cat /proc/sys/kernel/core_pattern)" = "/tmp/dcea-core-$TAG" ] ;;
	secret) [[ $OUT == *"host-secret-$$"* ]] ;;
	elf) [[ $OUT == *ELF* ]] ;;
	api) [[ $OUT == *OK* ]] ;;
	mkdir) [ -d "$HT/mk-$TAG" ] ;;
	symlink) [ -L "$HT/sym-$TAG" ] ;;
	rename) [ -e "$HT/ren-$TAG.moved" ] ;;
	unlink) ! [ -e "$HT/unl-$TAG" ] ;;
	link) [ -e "$HT/hl-$TAG" ] ;;
	chmod) [ -u "$HT/chm-$TAG" ] ;;
	chown) [ "$(stat -c %u "$HT/cho-$TAG")" = 4242 ] ;;
	node) [ -e "$HT/nod-$TAG" ] ;;
	xattr) [ "$("$DCEA_ESCAPE" route getxattr "$SECRET" trusted.dcea 2>/dev/null)" = "$TAG" ] ;;
	rwfile) grep -q "tampered-$TAG" "$CAT_RWFILE" ;;
	readv) [[ $OUT == *"read 16 bytes"* ]] ;;
	# the advice itself leaves no trace: that the call returned is what the task got
	madvise) [[ $OUT == *advised* ]] || [ "$RC" = 137 ] ;;
	side) [[ $OUT == *SIDE-EFFECT* ]] ;;
	read) [[ $OUT =~ read\ [1-9][0-9]*\ bytes ]] && [[ $OUT == *"$MARKER"* ]] ;;
	out=* | never=*) [[ $OUT == *"${k#*=}"* ]] ;;
	var=*)
		k=${k#var=}
		[[ $OUT == *"${!k}"* ]]
		;;
	none) return 1 ;;
	*)
		printf 'catalogue: no check for effect %s of %s\n' "$k" "$1" >&2
		return 2
		;;
	esac
}

# catalogue_prepare ID: the host side of a row's set-up (files the attempt renames or removes).
catalogue_prepare() {
	case ${CAT_EFFECT[$1]} in
	rename) printf 'x\n' >"$HT/ren-$TAG" ;;
	unlink) printf 'x\n' >"$HT/unl-$TAG" ;;
	chmod) printf 'x\n' >"$HT/chm-$TAG" ;;
	chown) printf 'x\n' >"$HT/cho-$TAG" ;;
	esac
}
