#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Fetch Debian kernels by release name and print where their images are, one per line:
#   LABEL<TAB>VMLINUZ
# Arguments (or $KERNELS / $VMTEST_KERNELS, space or comma separated) are release names
# (bullseye, bookworm, trixie, sid, or any suite the mirror has) or paths to kernel images.
#
# Each release gets a private apt source list and private list/cache directories under
# $VMTEST_CACHE (default /var/cache/dcea-vmtest): the system's sources and dpkg state are never
# touched, and packages are only downloaded, never installed. Mirrors keep only the current kernel
# of a release, so images are cached by exact version; when the mirror cannot be reached the
# newest cached image of that release is used.
#
# Examples:
#   vmtest/kernels.sh                       # bullseye bookworm trixie sid
#   vmtest/kernels.sh bookworm /boot/vmlinuz-6.1.0-28-amd64
#   VMTEST_OFFLINE=1 vmtest/kernels.sh trixie   # cached images only
set -euo pipefail
shopt -s inherit_errexit nullglob

CACHE=${VMTEST_CACHE:-/var/cache/dcea-vmtest}
MIRROR=${VMTEST_MIRROR:-http://deb.debian.org/debian}
KEYRING=${VMTEST_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
# apt lists younger than this are not refreshed, so repeated runs cost no network.
LIST_TTL=${VMTEST_LIST_TTL:-21600}
FLAVOUR=${VMTEST_FLAVOUR:-amd64}
DEFAULT_KERNELS="bullseye bookworm trixie sid"

log() { printf 'kernels: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

apt_opts() {
	local d=$CACHE/apt/$1
	APT=(-o "Dir::Etc::sourcelist=$d/sources.list" -o "Dir::Etc::sourceparts=$d/sources.list.d"
	     -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache" -o "Dir::State::status=$d/status"
	     -o "Dir::Etc::preferences=$d/preferences" -o "Dir::Etc::preferencesparts=$d/preferences.d"
	     -o "APT::Sandbox::User=root" -o "Acquire::Languages=none"
	     -o "Acquire::Retries=3")
}

# Refresh the private lists of one suite when they are older than LIST_TTL. Returns non-zero only
# when there are no lists at all afterwards.
apt_update() {
	local suite=$1 d=$CACHE/apt/$1 stamp
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/sources.list.d" "$d/preferences.d"
	: >>"$d/status"
	echo "deb [signed-by=$KEYRING] $MIRROR $suite main" >"$d/sources.list.new"
	if ! cmp -s "$d/sources.list.new" "$d/sources.list"; then
		mv "$d/sources.list.new" "$d/sources.list"
		rm -f "$d/stamp"
	else
		rm -f "$d/sources.list.new"
	fi
	apt_opts "$suite"
	stamp=$(stat -c %Y "$d/stamp" 2>/dev/null || echo 0)
	if [ -z "${VMTEST_OFFLINE:-}" ] && [ $(($(date +%s) - stamp)) -ge "$LIST_TTL" ]; then
		if apt-get "${APT[@]}" -qq --error-on=any update >"$d/update.log" 2>&1; then
			touch "$d/stamp"
		else
			log "failed to update the package lists of '$suite', ignoring: $(tail -n1 "$d/update.log")"
		fi
	fi
	compgen -G "$d/lists/*_Packages*" >/dev/null
}

# Field $2 of the candidate version of package $1 in the current private lists.
pkg_field() {
	apt-cache "${APT[@]}" show --no-all-versions "$1" 2>/dev/null |
		awk -v f="$2:" '$1 == f { sub(/^[^:]*: */, ""); print; exit }'
}

# Newest cached image of a release, for offline runs.
cached_image() {
	local d
	d=$(ls -1dt "$CACHE/kernels/$1"_*/ 2>/dev/null | head -n1) || true
	[ -n "$d" ] && [ -s "$d/vmlinuz" ] && printf '%s\n' "${d%/}"
}

# Set IMG, BASE and VER to the current kernel package of a release in the private lists.
resolve() {
	local deps memo=$CACHE/apt/$1/resolved
	# apt-cache reparses the lists on every call (seconds each): remember the answer until
	# the lists change.
	if [ "$memo" -nt "$CACHE/apt/$1/stamp" ] && read -r IMG BASE VER <"$memo" && [ -n "$VER" ]; then
		[ "$BASE" = - ] && BASE=
		return 0
	fi
	# linux-image-amd64 depends on the versioned image package. From 7.x (sid) that one is a
	# metapackage too: the image is in linux-binary-<abi> and its config in linux-base-<abi>.
	IMG=$(apt-cache "${APT[@]}" depends "linux-image-$FLAVOUR" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[ -n "$IMG" ] || { log "no 'linux-image-$FLAVOUR' in '$1'"; return 1; }
	deps=$(pkg_field "$IMG" Depends | tr ',' '\n')
	BASE=$(awk '$1 ~ /^linux-base-[0-9]/ { print $1; exit }' <<<"$deps")
	IMG=$(awk -v img="$IMG" '$1 ~ /^linux-binary-[0-9]/ { img = $1; exit } END { print img }' \
		<<<"$deps")
	VER=$(pkg_field "$IMG" Version)
	[ -n "$VER" ] || { log "no version for '$IMG' in '$1'"; return 1; }
	echo "$IMG ${BASE:--} $VER" >"$memo"
}

# Download and unpack IMG (and BASE) at VER into cache directory $2.
download() {
	local suite=$1 dir=$2 tmp f rc=1
	log "downloading $IMG $VER ($suite)"
	tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
	if ! (cd "$tmp" && apt-get "${APT[@]}" -qq download "$IMG=$VER" ${BASE:+"$BASE=$VER"} \
		>"$tmp/download.log" 2>&1); then
		log "failed to download '$IMG' $VER: $(tail -n1 "$tmp/download.log")"
	else
		for f in "$tmp"/*.deb; do
			dpkg-deb -x "$f" "$tmp/root"
		done
		mkdir -p "$tmp/out"
		# Only the image and its config are kept: the guest boots from an initramfs and needs
		# no modules (serial console, bpffs, cgroup2, securityfs, tracefs are built in). Up to
		# 6.12 the image is boot/vmlinuz-<abi>; from 7.x it is usr/lib/modules/<abi>/vmlinuz.
		f=$(ls "$tmp"/root/boot/vmlinuz-* "$tmp"/root/usr/lib/modules/*/vmlinuz 2>/dev/null |
			head -n1)
		if [ -z "$f" ]; then
			log "no kernel image in '$IMG' $VER"
		else
			cp "$f" "$tmp/out/vmlinuz"
			f=$(ls "$tmp"/root/boot/config-* "$tmp"/root/usr/lib/modules/*/config 2>/dev/null |
				head -n1)
			[ -n "$f" ] && cp "$f" "$tmp/out/config"
			printf 'suite=%s\npackage=%s\nversion=%s\nfetched=%s\n' "$suite" "$IMG" "$VER" \
				"$(date -u +%FT%TZ)" >"$tmp/out/SOURCE"
			mkdir -p "$CACHE/kernels"
			rm -rf "$dir"
			mv "$tmp/out" "$dir"
			rc=0
		fi
	fi
	rm -rf "$tmp"
	return $rc
}

# Print the cache directory of the current kernel of a release, downloading it when needed. A
# failed download refreshes the lists once (the mirror may have moved on to a newer kernel),
# then falls back to the newest cached kernel of the release.
fetch_release() {
	local suite=$1 try dir
	for try in 1 2; do
		[ $try = 2 ] && [ -z "${VMTEST_OFFLINE:-}" ] && rm -f "$CACHE/apt/$suite/stamp"
		if ! apt_update "$suite" || ! resolve "$suite"; then
			break
		fi
		dir=$CACHE/kernels/${suite}_${VER}
		if [ -s "$dir/vmlinuz" ]; then
			printf '%s\n' "$dir"
			return
		fi
		[ -n "${VMTEST_OFFLINE:-}" ] && break
		download "$suite" "$dir" && { printf '%s\n' "$dir"; return; }
	done
	dir=$(cached_image "$suite") || true
	[ -n "$dir" ] || die "no kernel for '$suite': not downloadable and not cached"
	log "using the cached kernel in $dir"
	printf '%s\n' "$dir"
}

main() {
	local list=("$@") k dir label
	if [ ${#list[@]} -eq 0 ]; then
		read -r -a list <<<"$(echo "${VMTEST_KERNELS:-${KERNELS:-$DEFAULT_KERNELS}}" | tr ',' ' ')"
	fi
	mkdir -p "$CACHE"
	# Parallel runs wait for each other instead of downloading into the same directories.
	exec 8>"$CACHE/.lock"
	flock 8
	for k in "${list[@]}"; do
		if [[ $k == */* ]] || [ -f "$k" ]; then
			[ -r "$k" ] || die "cannot read kernel image '$k'"
			label=$(basename "$k")
			label=${label#vmlinuz-}
			printf '%s\t%s\n' "$label" "$(readlink -f "$k")"
			continue
		fi
		dir=$(fetch_release "$k")
		label="$k $(sed -n 's/^version=//p' "$dir/SOURCE")"
		printf '%s\t%s\n' "$label" "$dir/vmlinuz"
	done
}

main "$@"
