#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build (once) and cache the real images the image-scan tests and benchmark use:
#   $CACHE/bookworm-rootfs/        debootstrap minbase bookworm + nginx redis-server apache2 openssl
#   $CACHE/bookworm.docker.tar     that rootfs imported (dcea-test/bookworm:base) plus a second layer
#                                  planting old versions: nginx 1.22.1-9 and runc 1.1.5+ds1-1 in the
#                                  dpkg status, /usr/share/doc/nginx removed (whiteouts); docker save
#   $CACHE/bookworm.oci/           OCI layout of the same image (skopeo; umoci-free)
#   $CACHE/planted-status          the planted dpkg status, for dpkg-query --admindir comparisons
# With "rootfs" as argument only the rootfs is built (no docker needed).
# Prints the cache directory on success. Nothing is pulled from a registry: only the Debian mirror.
set -euo pipefail

CACHE=${DCEA_TEST_CACHE:-/var/cache/dcea-test}
MIRROR=${DCEA_MIRROR:-http://deb.debian.org/debian}
ROOT=$CACHE/bookworm-rootfs
mkdir -p "$CACHE"

if [ ! -e "$ROOT/.dcea-complete" ]; then
	rm -rf "$ROOT" "$ROOT.tmp"
	debootstrap --variant=minbase bookworm "$ROOT.tmp" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
		{ echo "image-build: debootstrap failed, see $CACHE/debootstrap.log" >&2; exit 1; }
	# The chroot cannot use the host's resolver: pin the mirror's address.
	host=$(echo "$MIRROR" | sed -E 's#^[a-z]+://([^/:]+).*#\1#')
	addr=$(getent hosts "$host" | awk '{print $1; exit}')
	[ -n "$addr" ] && echo "$addr $host" >>"$ROOT.tmp/etc/hosts"
	printf '#!/bin/sh\nexit 101\n' >"$ROOT.tmp/usr/sbin/policy-rc.d"
	chmod +x "$ROOT.tmp/usr/sbin/policy-rc.d"
	mount -t proc proc "$ROOT.tmp/proc"
	trap 'umount "$ROOT.tmp/proc" 2>/dev/null || true' EXIT
	chroot "$ROOT.tmp" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -c \
		'apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx redis-server apache2 openssl' \
		>>"$CACHE/debootstrap.log" 2>&1 ||
		{ echo "image-build: apt-get in chroot failed, see $CACHE/debootstrap.log" >&2; exit 1; }
	umount "$ROOT.tmp/proc"
	trap - EXIT
	rm -f "$ROOT.tmp/usr/sbin/policy-rc.d"
	chroot "$ROOT.tmp" apt-get clean
	touch "$ROOT.tmp/.dcea-complete"
	mv "$ROOT.tmp" "$ROOT"
fi
[ "${1:-}" = rootfs ] && { echo "$CACHE"; exit 0; }

TAG=dcea-test/bookworm
# Bump when the recipe below changes so that cached archives are rebuilt.
RECIPE=3
if [ ! -e "$CACHE/bookworm.docker.tar" ] || [ "$(cat "$CACHE/recipe" 2>/dev/null)" != "$RECIPE" ]; then
	# shellcheck source=../lib/docker.sh
	. "$(dirname "$0")/../lib/docker.sh"
	_DCEA_DOCKER_CLEANUP=1
	docker_up || exit 1
	ctx=$(mktemp -d)
	trap 'rm -rf "$ctx"' EXIT
	if ! docker image inspect "$TAG:base" >/dev/null 2>&1; then
		tar --numeric-owner -C "$ROOT" --exclude=./.dcea-complete --exclude=./proc/* -cf - . |
			docker import - "$TAG:base" >/dev/null || { echo "image-build: docker import failed" >&2; exit 1; }
	fi
	# Old versions of real packages, as an image that missed its security updates would have.
	awk 'BEGIN { RS = ""; ORS = "\n\n" }
		/^Package: nginx(-common)?\n/ { sub(/\nVersion: [^\n]*/, "\nVersion: 1.22.1-9") }
		{ print }
		END { print "Package: runc\nStatus: install ok installed\nPriority: optional\n" \
			"Section: devel\nMaintainer: Debian Go Packaging Team <team+pkg-go@tracker.debian.org>\n" \
			"Architecture: amd64\nVersion: 1.1.5+ds1-1\n" \
			"Description: Open Container Project - runtime\n" }' \
		"$ROOT/var/lib/dpkg/status" >"$ctx/status"
	cp "$ctx/status" "$CACHE/planted-status"
	printf '%s\n' 'FROM '"$TAG:base" 'COPY status /var/lib/dpkg/status' \
		'RUN rm -rf /usr/share/doc/nginx /var/cache/debconf' >"$ctx/Dockerfile"
	DOCKER_BUILDKIT=0 docker build -q --network none -t "$TAG:planted" "$ctx" >/dev/null ||
		{ echo "image-build: docker build failed" >&2; exit 1; }
	rm -rf "$CACHE/bookworm.oci" "$CACHE/bookworm.docker.tar.tmp"
	docker save -o "$CACHE/bookworm.docker.tar.tmp" "$TAG:planted" &&
		skopeo copy -q "docker-archive:$CACHE/bookworm.docker.tar.tmp" "oci:$CACHE/bookworm.oci:planted" ||
		{ echo "image-build: docker save or skopeo copy failed" >&2; exit 1; }
	mv "$CACHE/bookworm.docker.tar.tmp" "$CACHE/bookworm.docker.tar"
	echo "$RECIPE" >"$CACHE/recipe"
fi
echo "$CACHE"
