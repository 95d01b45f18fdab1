# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Podman for the integration tests: a private configuration and storage (nothing under
# /var/lib/containers or /etc/containers is touched), the same busybox-static test image as
# docker.sh's (imported, never pulled), and containers that are always --network none and
# labelled, so that cleanup touches only what the tests created. Sourced after common.sh; also
# runnable by hand (the exports matter for your own `podman` calls afterwards):
#   tests/lib/podman.sh up|image|cleanup
#
# What this relies on (measured here): Debian 12's podman 4.3.1 runs containers as root with runc,
# the cgroupfs manager and `default_ulimits = []` (otherwise podman asks runc for RLIMIT_NOFILE
# 1048576, above root's hard limit here, and root lacks CAP_SYS_RESOURCE to raise it: "error
# setting rlimit type 7: operation not permitted"); --privileged works because podman, unlike docker 20.10, leaves out the
# capabilities missing from its own bounding set (CAP_SYS_RESOURCE here).

[ -n "${_DCEA_PODMAN_SH:-}" ] && return 0
_DCEA_PODMAN_SH=1
# shellcheck source=common.sh
[ -n "${_DCEA_COMMON_SH:-}" ] || . "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=docker.sh
. "$(dirname "${BASH_SOURCE[0]}")/docker.sh" # _docker_rootfs, the image recipe

DCEA_PODMAN_CONF_DIR=${DCEA_PODMAN_CONF_DIR:-$DCEA_TEST_STATE/podman}
DCEA_PODMAN_GRAPHROOT=${DCEA_PODMAN_GRAPHROOT:-/var/lib/dcea-test/podman}
# Set by podman_up on failure: why podman is unavailable.
DCEA_PODMAN_ERR=

_podman_err() {
	DCEA_PODMAN_ERR=$1
	printf 'podman: %s\n' "$1" >&2
	return 1
}

# podman_up: write the private configuration, export CONTAINERS_CONF and CONTAINERS_STORAGE_CONF
# and check that podman answers. Registers podman_cleanup. Returns 1 with DCEA_PODMAN_ERR set.
podman_up() {
	local d=$DCEA_PODMAN_CONF_DIR out
	DCEA_PODMAN_ERR=
	if [ -z "${_DCEA_PODMAN_CLEANUP:-}" ]; then
		_DCEA_PODMAN_CLEANUP=1
		cleanup_add podman_cleanup
	fi
	command -v podman >/dev/null 2>&1 || { _podman_err "not installed (podman)"; return; }
	[ "$(id -u)" -eq 0 ] || { _podman_err "not root"; return; }
	mkdir -p "$d" "$DCEA_PODMAN_GRAPHROOT" || { _podman_err "cannot create '$d'"; return; }
	printf '%s\n' '[containers]' 'default_ulimits = []' 'netns = "none"' '[engine]' \
		'cgroup_manager = "cgroupfs"' 'events_logger = "file"' 'runtime = "runc"' \
		>"$d/containers.conf.tmp" && mv "$d/containers.conf.tmp" "$d/containers.conf"
	printf '%s\n' '[storage]' 'driver = "overlay"' "runroot = \"$d/run\"" \
		"graphroot = \"$DCEA_PODMAN_GRAPHROOT\"" >"$d/storage.conf.tmp" &&
		mv "$d/storage.conf.tmp" "$d/storage.conf"
	export CONTAINERS_CONF=$d/containers.conf CONTAINERS_STORAGE_CONF=$d/storage.conf
	out=$(podman info --format '{{.Host.OCIRuntime.Name}}' 2>&1) ||
		{ _podman_err "podman info failed: $(tail -n 1 <<<"$out")"; return; }
	return 0
}

# need_podman [CHECK...]: podman_up, or skip the script's checks with the reason.
need_podman() {
	need_root "$@"
	podman_up || skip_all "podman unavailable: $DCEA_PODMAN_ERR" "$@"
}

# podman_image: make sure the test image is in the private storage, set DCEA_PODMAN_IMAGE.
podman_image() {
	local hash root lockfd rc=0
	[ -x /bin/busybox ] || { _podman_err "/bin/busybox missing (busybox-static)"; return; }
	hash=$({
		echo "recipe $_DCEA_IMAGE_RECIPE"
		sha256sum </bin/busybox
	} | sha256sum | cut -c1-12)
	DCEA_PODMAN_IMAGE=localhost/$DCEA_IMAGE_REPO:$hash
	export DCEA_PODMAN_IMAGE
	podman image exists "$DCEA_PODMAN_IMAGE" && return 0
	exec {lockfd}>"$DCEA_PODMAN_CONF_DIR/image.lock"
	flock "$lockfd"
	if ! podman image exists "$DCEA_PODMAN_IMAGE"; then
		root=$(mktemp -d "${TMPDIR:-/tmp}/dcea-image.XXXXXX")
		_docker_rootfs "$root" /nonexistent &&
			tar --numeric-owner --owner=0 --group=0 -C "$root" -cf - . |
			podman import --change 'CMD ["/bin/sh"]' - "$DCEA_PODMAN_IMAGE" >/dev/null 2>&1 ||
			rc=$?
		rm -rf "$root"
	fi
	exec {lockfd}>&-
	[ "$rc" -eq 0 ] || { _podman_err "importing '$DCEA_PODMAN_IMAGE' failed"; return; }
	return 0
}

# podman_name NAME: the full name of this script's container NAME.
podman_name() { printf 'dcea-test-%s-%s\n' "$1" "$$"; }

# podman_test CMD NAME ARGS...: `podman CMD` (run or create) as container `podman_name NAME`,
# labelled, always --network none (any other network is refused).
podman_test() {
	local cmd=$1 name=$2 a
	shift 2
	for a in "$@"; do
		case $a in --network=none | --net=none) ;; --network* | --net*)
			echo "podman_test: refusing $a (use the --network none it adds)" >&2
			return 2
			;;
		esac
	done
	podman "$cmd" --name "$(podman_name "$name")" --label dcea.test=1 \
		--label "dcea.test.id=$DCEA_TEST_ID" --network none "$@"
}

# podman_cleanup [--all]: remove the containers this script created (or all labelled ones).
podman_cleanup() {
	local -a filter=(--filter label=dcea.test=1 --filter "label=dcea.test.id=$DCEA_TEST_ID")
	local ids
	[ "${1:-}" = --all ] && filter=(--filter label=dcea.test=1)
	[ -n "${CONTAINERS_CONF:-}" ] || return 0
	ids=$(podman ps -aq "${filter[@]}" 2>/dev/null) || return 0
	[ -z "$ids" ] && return 0
	# shellcheck disable=SC2086
	podman rm -f -t 0 -v $ids >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	case ${1:-} in
	up) _DCEA_PODMAN_CLEANUP=1 podman_up && echo "export CONTAINERS_CONF=$CONTAINERS_CONF CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF" ;;
	image) _DCEA_PODMAN_CLEANUP=1 podman_up && podman_image && echo "$DCEA_PODMAN_IMAGE" ;;
	cleanup) _DCEA_PODMAN_CLEANUP=1 podman_up && podman_cleanup --all ;;
	*)
		echo "usage: $0 up|image|cleanup" >&2
		exit 2
		;;
	esac
fi
