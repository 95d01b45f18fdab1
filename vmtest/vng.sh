#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot a kernel of the vmtest matrix in virtme-ng (vng), with the host's root filesystem shared
# read-only over 9p, and run a command or a shell in it.
#
#   vmtest/vng.sh KERNEL                 interactive shell (cwd: this repository)
#   vmtest/vng.sh KERNEL -- CMD...       run CMD, exit with its status
#   VMTEST_RUNNER=vng make vmtest        the whole matrix (vmtest/run.sh), same table as with QEMU
#
# KERNEL: a release name (bullseye, bookworm, trixie, sid) or a kernel cache directory of
# vmtest/kernels.sh. vng itself is trixie's virtme-ng .deb, downloaded through a private apt
# source list and unpacked into $VMTEST_CACHE/vng/root (never installed, the system's sources are
# not touched); its Python dependencies and udev come from the host's release through apt-get.
#
# Environment: VMTEST_LSM (lsm= of the boot, default lockdown,capability,landlock,yama,apparmor,bpf),
# VMTEST_MEM (512M), VMTEST_CACHE (/var/cache/dcea-vmtest), VNG_OPTS (extra vng options).
# Sourced by run.sh for vng_install, vng_kernel, vng_cmd and VNG_TIMEOUT.
set -euo pipefail
shopt -s inherit_errexit nullglob

VNG_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VNG_CACHE=${VMTEST_CACHE:-/var/cache/dcea-vmtest}
VNG_ROOT=$VNG_CACHE/vng/root
# run.sh's seconds per boot when VMTEST_TIMEOUT is unset: a vng boot with the dcea payload takes
# 2-3 times a plain QEMU one (vng's init over 9p, single-threaded TCG), more on a loaded host.
# shellcheck disable=SC2034 # read by run.sh
VNG_TIMEOUT=420

vng_log() { printf 'vng: %s\n' "$*" >&2; }

# Install vng's dependencies (host release) and unpack trixie's virtme-ng privately.
vng_install() {
	local need=() p d=$VNG_CACHE/apt/trixie tmp APT
	for p in python3-argcomplete python3-requests python3-pkg-resources file kmod udev \
		qemu-system-x86 busybox-static; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
	done
	if [ ${#need[@]} -gt 0 ]; then
		[ "$(id -u)" -eq 0 ] || { vng_log "missing packages: ${need[*]}; install them as root"; return 1; }
		vng_log "installing ${need[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
			--no-install-recommends "${need[@]}" >/dev/null
	fi
	[ -x "$VNG_ROOT/usr/bin/vng" ] && return 0
	# kernels.sh keeps the private apt state of each suite: asking it for trixie's kernel fills
	# (or refreshes) the lists we need.
	VMTEST_CACHE=$VNG_CACHE "$VNG_HERE/kernels.sh" trixie >/dev/null
	APT=(-o "Dir::Etc::sourcelist=$d/sources.list" -o "Dir::Etc::sourceparts=$d/sources.list.d"
	     -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache" -o "Dir::State::status=$d/status"
	     -o "Dir::Etc::preferences=$d/preferences" -o "Dir::Etc::preferencesparts=$d/preferences.d"
	     -o "APT::Sandbox::User=root" -o "Acquire::Languages=none" -o "Acquire::Retries=3")
	mkdir -p "$VNG_CACHE/vng"
	tmp=$(mktemp -d "$VNG_CACHE/vng/tmp.XXXXXX")
	vng_log "downloading virtme-ng (trixie)"
	if ! (cd "$tmp" && apt-get "${APT[@]}" -qq download virtme-ng >"$tmp/log" 2>&1); then
		vng_log "cannot download virtme-ng: $(tail -n1 "$tmp/log")"
		rm -rf "$tmp"
		return 1
	fi
	dpkg-deb -x "$tmp"/virtme-ng_*.deb "$tmp/root"
	rm -rf "$VNG_ROOT"
	mv "$tmp/root" "$VNG_ROOT"
	cp "$tmp"/virtme-ng_*.deb "$VNG_CACHE/vng/"
	rm -rf "$tmp"
}

# Print the vng-bootable image (vmtest/vng-kernel.sh) of a release name or kernels.sh cache dir
# or vmlinuz path in such a dir.
vng_kernel() {
	local k=$1 line
	if [ -f "$k" ] && [ -f "$(dirname "$k")/SOURCE" ]; then
		k=$(dirname "$k")
	elif [ ! -d "$k" ]; then
		line=$(VMTEST_CACHE=$VNG_CACHE "$VNG_HERE/kernels.sh" "$k") || return 1
		k=$(dirname "${line#*$'\t'}")
	fi
	VMTEST_CACHE=$VNG_CACHE "$VNG_HERE/vng-kernel.sh" "$k"
}

# The vng command line for image $1, lsm= $2, extra append $3, in VNG_CMD (then --exec or not).
vng_cmd() {
	local extra=()
	[ -n "${VNG_OPTS:-}" ] && read -r -a extra <<<"$VNG_OPTS"
	VNG_CMD=(env "PYTHONPATH=$VNG_ROOT/usr/lib/python3/dist-packages" "PATH=$VNG_ROOT/usr/bin:$PATH"
		/usr/bin/python3 "$VNG_ROOT/usr/bin/vng" --run "$1" --disable-kvm --force-9p
		-m "${VMTEST_MEM:-512M}" -p 2 --qemu-opts="-accel tcg,thread=single"
		--append "lsm=$2${3:+ $3}" "${extra[@]}")
}

vng_main() {
	local k=${1:?usage: vmtest/vng.sh KERNEL [-- CMD...]} img
	shift
	[ "${1:-}" = -- ] && shift
	vng_install
	img=$(vng_kernel "$k")
	vng_cmd "$img" "${VMTEST_LSM:-lockdown,capability,landlock,yama,apparmor,bpf}" ""
	cd "$VNG_HERE/.."
	if [ $# -gt 0 ]; then
		exec "${VNG_CMD[@]}" --exec "$*"
	fi
	exec "${VNG_CMD[@]}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	vng_main "$@"
fi
