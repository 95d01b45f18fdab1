#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Link dcea's already compiled objects ($OUTPUT/obj/**/*.o, made by `make`) into a static binary
# that runs in the vmtest initramfs, which has no libc. $OUTPUT is only read; the binary goes to
# $1 (default $VMTEST_WORK/dcea-static/dcea). Objects whose source file is gone are left out, so
# a stale object of a deleted file cannot break the link.
#
# Examples:
#   vmtest/static-dcea.sh                   # -> vmtest/cache/dcea-static/dcea
#   OUTPUT=build vmtest/static-dcea.sh /tmp/dcea
set -euo pipefail
shopt -s globstar nullglob

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUTPUT=${OUTPUT:-build}
[[ $OUTPUT == /* ]] || OUTPUT=$ROOT/$OUTPUT
WORK=${VMTEST_WORK:-$HERE/cache}
OUT=${1:-$WORK/dcea-static/dcea}
CC=${CC:-gcc}

# The libraries are the Makefile's: its PKGS through `pkg-config --static` (which orders private
# dependencies such as libbpf -> libelf -> zlib, zstd for a static link), then its LDLIBS, then
# the usual tail again for anything pkg-config leaves out.
make_var() {
	make -s --no-print-directory -C "$ROOT" --eval "vmtest-print-var: ; @echo \$($1)" \
		vmtest-print-var 2>/dev/null
}
# no libcurl in a static binary (as the Makefile's dcea-static): `dcea db update` says so there
read -r -a pkgs <<<"$(make_var PKGS | tr ' ' '\n' | grep -vx libcurl | tr '\n' ' ')"
read -r -a ldlibs <<<"$(make_var LDLIBS | tr ' ' '\n' | grep -v -e '^-lcurl$' -e curl | tr '\n' ' ')"
LIBS=()
if [ ${#pkgs[@]} -gt 0 ]; then
	read -r -a LIBS <<<"$(pkg-config --static --libs "${pkgs[@]}")"
fi
LIBS+=("${ldlibs[@]}" -lbpf -ljson-c -lyaml -lelf -lz -lzstd -lpthread -lm)

log() { printf 'static-dcea: %s\n' "$*" >&2; }

objs=()
for o in "$OUTPUT"/obj/**/*.o; do
	src=${o#"$OUTPUT"/obj/}
	src=$ROOT/${src%.o}.c
	[ "${o##*/}" = db_fetch.o ] && continue # libcurl: the weak stub in dbstore.c answers
	[ -f "$src" ] && objs+=("$o")
done
if [ ${#objs[@]} -eq 0 ]; then
	log "no objects under '$OUTPUT/obj': run make first"
	exit 1
fi
mkdir -p "$(dirname "$OUT")"
if ! "$CC" -static -o "$OUT.tmp" "${objs[@]}" "${LIBS[@]}" 2>"$OUT.log"; then
	log "failed to link '$OUT' from ${#objs[@]} objects:"
	grep -v '^/usr/bin/ld: warning' "$OUT.log" | head -n 20 >&2
	rm -f "$OUT.tmp"
	exit 1
fi
# glibc warns about NSS functions (getpwnam and friends) in static binaries: they work for the
# files backend the initramfs has, so the warnings are only shown, not fatal.
grep -h 'warning: Using' "$OUT.log" | sed 's/^.*warning: /static-dcea: warning: /' >&2 || true
mv "$OUT.tmp" "$OUT"
log "linked $OUT from ${#objs[@]} objects"
