#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Turn a kernel that vmtest/kernels.sh fetched into a tree virtme-ng can boot, and print the path
# of its image:
#   $VMTEST_CACHE/vng/kernels/<suite>_<version>/boot/vmlinuz-<kver>
#   $VMTEST_CACHE/vng/kernels/<suite>_<version>/usr/lib/modules/<kver>/   (trimmed, depmod'ed)
#   $VMTEST_CACHE/vng/kernels/<suite>_<version>/lib -> usr/lib
# Debian builds 9p, virtio_pci (before 6.12), virtio_console and overlay as modules, which vng's
# initramfs needs to mount the host's root over 9p; kernels.sh keeps only vmlinuz, so the
# package is downloaded again (through kernels.sh's private apt state for that suite) and only
# the modules vng asks for, with their dependencies, are kept (about 1-3 MB).
#
# Usage: vmtest/vng-kernel.sh CACHE_DIR_OF_KERNEL    (the directory holding vmlinuz and SOURCE)
set -euo pipefail
shopt -s inherit_errexit nullglob

CACHE=${VMTEST_CACHE:-/var/cache/dcea-vmtest}
log() { printf 'vng-kernel: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# What vng's initramfs loads (virtme/virtmods.py) plus overlay for its tmpfs/overlay mounts.
MODS=(9p 9pnet_virtio virtio_pci virtio_console virtio_blk overlay unix virtiofs)

src=${1:?usage: vng-kernel.sh KERNEL_CACHE_DIR}
src=${src%/}
[ -f "$src/SOURCE" ] || die "no SOURCE in '$src': only kernels fetched by vmtest/kernels.sh are supported"
suite=$(sed -n 's/^suite=//p' "$src/SOURCE")
pkg=$(sed -n 's/^package=//p' "$src/SOURCE")
ver=$(sed -n 's/^version=//p' "$src/SOURCE")
out=$CACHE/vng/kernels/$(basename "$src")
have=("$out"/boot/vmlinuz-*)
if [ ${#have[@]} -gt 0 ]; then
	printf '%s\n' "${have[0]}"
	exit 0
fi

d=$CACHE/apt/$suite
[ -f "$d/sources.list" ] || die "no private apt state for '$suite' in $d (run vmtest/kernels.sh $suite)"
APT=(-o "Dir::Etc::sourcelist=$d/sources.list" -o "Dir::Etc::sourceparts=$d/sources.list.d"
     -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache" -o "Dir::State::status=$d/status"
     -o "Dir::Etc::preferences=$d/preferences" -o "Dir::Etc::preferencesparts=$d/preferences.d"
     -o "APT::Sandbox::User=root" -o "Acquire::Languages=none" -o "Acquire::Retries=3")
# From 7.x (sid) the image is in linux-binary-<abi> and the modules in linux-modules-<abi>.
mpkg=$pkg
[[ $pkg == linux-binary-* ]] && mpkg=linux-modules-${pkg#linux-binary-}

mkdir -p "$CACHE/vng/kernels"
exec 7>"$CACHE/vng/.lock"
flock 7
tmp=$(mktemp -d "$CACHE/vng/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "downloading $mpkg $ver ($suite) for its modules"
(cd "$tmp" && apt-get "${APT[@]}" -qq download "$mpkg=$ver" >"$tmp/download.log" 2>&1) ||
	die "cannot download '$mpkg' $ver: $(tail -n1 "$tmp/download.log")"
dpkg-deb -x "$tmp"/*.deb "$tmp/root"
have=("$tmp"/root/lib/modules/*/ "$tmp"/root/usr/lib/modules/*/)
[ ${#have[@]} -gt 0 ] || die "no modules in '$mpkg' $ver"
mdir=${have[0]%/}
kver=$(basename "$mdir")
mroot=${mdir%/lib/modules/*}
depmod -b "$mroot" "$kver" 2>/dev/null || depmod -b "$tmp/root" "$kver"

new=$tmp/tree
mkdir -p "$new/boot" "$new/usr/lib/modules/$kver"
ln -s usr/lib "$new/lib"
cp "$src/vmlinuz" "$new/boot/vmlinuz-$kver"
if [ -f "$src/config" ]; then cp "$src/config" "$new/boot/config-$kver"; fi
for m in "${MODS[@]}"; do
	{ modprobe -d "$mroot" -S "$kver" --show-depends "$m" 2>/dev/null || true; } | awk '$1 == "insmod" { print $2 }'
done | sort -u | while read -r f; do
	rel=${f#"$mdir"/}
	mkdir -p "$new/usr/lib/modules/$kver/$(dirname "$rel")"
	cp "$f" "$new/usr/lib/modules/$kver/$rel"
done
for f in "$mdir"/modules.order "$mdir"/modules.builtin "$mdir"/modules.builtin.modinfo; do
	if [ -f "$f" ]; then cp "$f" "$new/usr/lib/modules/$kver/"; fi
done
depmod -b "$new" "$kver" 2>/dev/null || depmod -b "$new/usr" "$kver"
log "$(find "$new/usr/lib/modules/$kver" -name '*.ko*' | wc -l) modules kept for $kver"
rm -rf "$out"
mv "$new" "$out"
printf '%s\n' "$out/boot/vmlinuz-$kver"
