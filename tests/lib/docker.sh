# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Docker for the integration tests: a dockerd of our own (no bridge, no iptables), a busybox-static
# test image, and containers that are always --network none and labelled, so that cleanup touches
# only what the tests created. Sourced after common.sh; also runnable by hand:
#   tests/lib/docker.sh up|image|cleanup|down
#
# Facts this relies on (docs/TESTING.md, /work/shared/FACTS.md): the Debian dockerd is started by
# hand, never by an init system, because a default dockerd would create docker0 and iptables rules;
# `--privileged` needs the dcea-runc runtime wrapper because root's bounding set lacks
# CAP_SYS_RESOURCE here.

[ -n "${_DCEA_DOCKER_SH:-}" ] && return 0
_DCEA_DOCKER_SH=1
# shellcheck source=common.sh
[ -n "${_DCEA_COMMON_SH:-}" ] || . "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DCEA_TEST_STATE=${DCEA_TEST_STATE:-/run/dcea-test}
DCEA_DOCKERD=${DCEA_DOCKERD:-/usr/sbin/dockerd}
DCEA_DOCKERD_LOG=${DCEA_DOCKERD_LOG:-/var/log/dcea-test-dockerd.log}
DCEA_DOCKERD_TIMEOUT=${DCEA_DOCKERD_TIMEOUT:-30}
# The daemon runs the wrapper from the harness's state directory, refreshed from this checkout by
# every docker_up: a daemon left running by another checkout (a removed worktree, an earlier CI
# clone) must not point into it.
DCEA_RUNC_WRAPPER_SRC=$DCEA_TESTS_DIR/docker/dcea-runc
DCEA_RUNC_WRAPPER=$DCEA_TEST_STATE/dcea-runc
DCEA_IMAGE_REPO=dcea-test/busybox
# Files here (statically linked helpers) are copied into the image's /usr/local/bin.
DCEA_IMAGE_EXTRA_DIR=${DCEA_IMAGE_EXTRA_DIR:-$OUTPUT/image-bin}
# Bump when the image recipe below changes, so that existing images are rebuilt.
_DCEA_IMAGE_RECIPE=1
# Set by docker_up: 1 when the running daemon knows the dcea-runc runtime.
DCEA_DOCKER_WRAPPER=${DCEA_DOCKER_WRAPPER:-0}
# Set by docker_up on failure: why docker is unavailable.
DCEA_DOCKER_ERR=

_docker_err() {
	DCEA_DOCKER_ERR=$1
	printf 'docker: %s\n' "$1" >&2
	return 1
}

# Every docker call of a test is bounded: a daemon that stops answering costs one call
# DCEA_DOCKER_CALL_TIMEOUT seconds (default 240), not the script's whole budget and then every later
# script's. (timeout runs the docker binary, not this function.)
DCEA_DOCKER_CALL_TIMEOUT=${DCEA_DOCKER_CALL_TIMEOUT:-240}
docker() { timeout -k 5 "$DCEA_DOCKER_CALL_TIMEOUT" docker "$@"; }

# docker info within DCEA_DOCKER_READY_TIMEOUT seconds (default 30)
_docker_ready() { timeout -k 5 "${DCEA_DOCKER_READY_TIMEOUT:-30}" docker info >/dev/null 2>&1; }

# _docker_ours PID: is PID the dockerd that docker_up started (our config file on its command line)?
_docker_ours() {
	[ -n "$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = dockerd ] &&
		grep -qzF -- "$DCEA_TEST_STATE/daemon.json" "/proc/$1/cmdline" 2>/dev/null
}

# docker_goroutines [TEXT]: the harness's dockerd writes its goroutines to /var/run/docker (SIGUSR1);
# print, on one line, where the API requests whose goroutine header holds TEXT (default "minutes":
# blocked for a minute or more) wait in docker's own code, most common first ("" if none): what a
# FAIL line can carry out of a CI log about a docker that stalled.
# shellcheck disable=SC2120 # TEXT is for use by hand
docker_goroutines() {
	local pid dump i
	pid=$(cat "$DCEA_TEST_STATE/dockerd.pid" 2>/dev/null)
	_docker_ours "$pid" || return 0
	kill -USR1 "$pid" 2>/dev/null
	for ((i = 0; i < 30; i++)); do
		sleep 0.1
		dump=$(find /var/run/docker -maxdepth 1 -name 'goroutine-stacks-*.log' -newermt '-5 seconds' 2>/dev/null | head -n 1)
		[ -n "$dump" ] && break
	done
	[ -n "$dump" ] || return 0
	sleep 0.5 # written at once, but give it the time
	# per API request blocked that long (idle loops also wait for minutes): its wait state and its
	# first frame in docker's own code
	awk -v want="${1:-minutes}" '
		function flush() { if (on && api && frame != "") print state, frame; on = api = 0; frame = "" }
		/^goroutine [0-9]+ \[/ { flush(); state = $0; sub(/^[^[]*\[/, "", state)
			sub(/[],].*/, "", state); gsub(/ /, "-", state); on = index($0, want) > 0; next }
		/^github\.com\/docker\/docker\/api\/server\// { api = 1 }
		on && frame == "" && /^github\.com\/docker\// { frame = $0; sub(/\([^()]*\)$/, "", frame)
			sub(/^github\.com\/docker\//, "", frame) }
		END { flush() }' "$dump" |
		sort | uniq -c | sort -rn | head -n 4 | awk '{ printf "%s%sx %s in %s", (NR > 1 ? "; " : ""), $1, $2, $3 }'
	rm -f "$dump"
}

# docker_restartable: 0 when this script may restart dockerd: it is the harness's (its pid in
# DCEA_DOCKERD_PID) and no container but this script's exists. Else 1, the reason in DCEA_DOCKER_ERR.
docker_restartable() {
	local foreign
	DCEA_DOCKERD_PID=$(cat "$DCEA_TEST_STATE/dockerd.pid" 2>/dev/null)
	foreign=$(docker ps -aq | grep -cvxFf <(docker ps -aq --filter "label=dcea.test.id=$DCEA_TEST_ID"))
	if [ "$foreign" != 0 ]; then
		DCEA_DOCKER_ERR="$foreign containers of others exist: restarting the shared dockerd would break them"
		return 1
	fi
	_docker_ours "$DCEA_DOCKERD_PID" && return 0
	DCEA_DOCKER_ERR="the running dockerd was not started by the test harness"
	return 1
}

# _docker_stop_pid PID: SIGTERM, up to 20 s, then SIGKILL; 0 when it is gone.
_docker_stop_pid() {
	local i
	kill -TERM "$1" 2>/dev/null
	kill -CONT "$1" 2>/dev/null # a stopped daemon would not act on it
	for ((i = 0; i < 200; i++)); do
		[ -d "/proc/$1" ] || return 0
		sleep 0.1
	done
	printf 'docker: dockerd (pid %s) did not stop in 20 s, killing it\n' "$1" >&2
	kill -KILL "$1" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		[ -d "/proc/$1" ] || return 0
		sleep 0.1
	done
	return 1
}

# _docker_install_wrapper: this checkout's dcea-runc to $DCEA_RUNC_WRAPPER (a rename: a runtime
# call in progress keeps the old file). Needs root; without it the daemon is not ours to start.
_docker_install_wrapper() {
	[ "$(id -u)" -eq 0 ] && [ -x "$DCEA_RUNC_WRAPPER_SRC" ] || return 0
	mkdir -p "$DCEA_TEST_STATE" &&
		cp "$DCEA_RUNC_WRAPPER_SRC" "$DCEA_RUNC_WRAPPER.$$" && chmod 0755 "$DCEA_RUNC_WRAPPER.$$" &&
		mv -f "$DCEA_RUNC_WRAPPER.$$" "$DCEA_RUNC_WRAPPER"
}

# _docker_stale: the running daemon is the harness's own but runs another dcea-runc (one started
# by a checkout from before the wrapper had a path of its own, which may be gone)
_docker_stale() {
	local pid path
	pid=$(cat /var/run/docker.pid 2>/dev/null)
	_docker_ours "$pid" || return 1
	path=$(docker info --format '{{with index .Runtimes "dcea-runc"}}{{.Path}}{{end}}' 2>/dev/null)
	[ "$path" != "$DCEA_RUNC_WRAPPER" ]
}

_docker_note_runtimes() {
	local rts
	rts=$(docker info --format '{{range $k, $v := .Runtimes}}{{$k}} {{end}}' 2>/dev/null)
	case " $rts " in
	*" dcea-runc "*) DCEA_DOCKER_WRAPPER=1 ;;
	*)
		DCEA_DOCKER_WRAPPER=0
		printf 'docker: the running daemon has no dcea-runc runtime, --privileged will fail\n' >&2
		;;
	esac
	export DCEA_DOCKER_WRAPPER
}

# docker_up: make sure a docker daemon answers. If none does, start $DCEA_DOCKERD with the
# harness's own config (no bridge, no iptables, dcea-runc registered) and wait until it is ready.
# The daemon is left running for later scripts; tests/run.sh stops it at the end (docker_down).
# Registers docker_cleanup for this script. Returns 1 with DCEA_DOCKER_ERR set when docker is
# unavailable.
docker_up() {
	local cfg lock lockfd pid deadline bg died='' rc=0 i stuck

	DCEA_DOCKER_ERR=
	if [ -z "${_DCEA_DOCKER_CLEANUP:-}" ]; then
		_DCEA_DOCKER_CLEANUP=1
		cleanup_add docker_cleanup
	fi
	command -v docker >/dev/null 2>&1 || { _docker_err "no docker client installed"; return; }
	_docker_install_wrapper
	if _docker_ready && ! _docker_stale; then
		_docker_note_runtimes
		return 0
	fi
	[ "$(id -u)" -eq 0 ] || { _docker_err "daemon not running and not root to start it"; return; }
	[ -x "$DCEA_DOCKERD" ] || { _docker_err "'$DCEA_DOCKERD' not installed (docker.io)"; return; }
	[ -x "$DCEA_RUNC_WRAPPER" ] || { _docker_err "'$DCEA_RUNC_WRAPPER' missing"; return; }

	mkdir -p "$DCEA_TEST_STATE" || { _docker_err "cannot create '$DCEA_TEST_STATE'"; return; }
	cfg=$DCEA_TEST_STATE/daemon.json
	lock=$DCEA_TEST_STATE/dockerd.lock
	exec {lockfd}>"$lock"
	flock "$lockfd"
	# Someone may have started it while we waited for the lock.
	if _docker_ready && ! _docker_stale; then
		exec {lockfd}>&-
		_docker_note_runtimes
		return 0
	fi
	# A daemon that holds its pid file but does not answer, or the harness's own running another
	# checkout's dcea-runc. The harness's own is restarted: wedged (an earlier script left it so),
	# after saying where its goroutines wait (SIGUSR1), so that one script's failure does not become
	# every later script's. Anyone else's is left alone.
	if [ -s /var/run/docker.pid ] && pid=$(cat /var/run/docker.pid) && [ -d "/proc/$pid" ] &&
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
		if ! _docker_ours "$pid"; then
			exec {lockfd}>&-
			_docker_err "dockerd (pid $pid) is running but not answering"
			return
		fi
		if _docker_ready; then
			printf '\n=== %s: dcea test harness: dockerd (pid %s) runs another dcea-runc, restarting it\n' \
				"$(date -Is)" "$pid" >>"$DCEA_DOCKERD_LOG"
			printf 'docker: the harness'"'"'s dockerd (pid %s) runs a dcea-runc other than %s: restarting it\n' \
				"$pid" "$DCEA_RUNC_WRAPPER" >&2
		else
			printf '\n=== %s: dcea test harness: dockerd (pid %s) does not answer, restarting it\n' \
				"$(date -Is)" "$pid" >>"$DCEA_DOCKERD_LOG"
			stuck=$(docker_goroutines)
			printf 'docker: the harness'"'"'s dockerd (pid %s) did not answer in %s s: restarting it (goroutines blocked for minutes: %s)\n' \
				"$pid" "${DCEA_DOCKER_READY_TIMEOUT:-30}" "${stuck:-none}" >&2
		fi
		if ! _docker_stop_pid "$pid"; then
			exec {lockfd}>&-
			_docker_err "dockerd (pid $pid) does not answer and does not die"
			return
		fi
	fi
	printf '%s\n' '{' '  "bridge": "none",' '  "iptables": false,' '  "ip6tables": false,' \
		'  "ip-forward": false,' '  "ip-masq": false,' \
		"  \"runtimes\": { \"dcea-runc\": { \"path\": \"$DCEA_RUNC_WRAPPER\" } }" '}' >"$cfg"
	rm -f "$DCEA_TEST_STATE/dockerd.pid"
	printf '\n=== %s: dcea test harness starts dockerd --config-file %s\n' "$(date -Is)" "$cfg" \
		>>"$DCEA_DOCKERD_LOG"
	# Own session, so that neither the runner's timeout (which signals its process group) nor
	# the script's exit takes the daemon down; no inherited fd (locks!) may leak into it.
	(
		for fd in /proc/"$BASHPID"/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
		done
		exec setsid "$DCEA_DOCKERD" --config-file "$cfg"
	) </dev/null >>"$DCEA_DOCKERD_LOG" 2>&1 &
	bg=$!
	deadline=$((SECONDS + DCEA_DOCKERD_TIMEOUT))
	until _docker_ready; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			rc=1
			break
		fi
		# Exited (a bad config, say): give it 2 s more in case setsid forked, then give up.
		if [ -z "$died" ] && ! kill -0 "$bg" 2>/dev/null; then
			died=1
			[ $((SECONDS + 2)) -ge "$deadline" ] || deadline=$((SECONDS + 2))
		fi
		sleep 0.2
	done
	if [ "$rc" -ne 0 ]; then
		# Never leave a half-started daemon behind: stop the one we started.
		kill -TERM "$bg" 2>/dev/null
		for ((i = 0; i < 100; i++)); do
			kill -0 "$bg" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$bg" 2>/dev/null
	else
		pid=$(cat /var/run/docker.pid 2>/dev/null)
		if [ -n "$pid" ] && grep -qzF -- "$cfg" "/proc/$pid/cmdline" 2>/dev/null; then
			echo "$pid" >"$DCEA_TEST_STATE/dockerd.pid"
		fi
	fi
	exec {lockfd}>&-
	if [ "$rc" -ne 0 ]; then
		if [ -n "$died" ]; then
			_docker_err "dockerd exited, see $DCEA_DOCKERD_LOG: $(tail -n 1 "$DCEA_DOCKERD_LOG")"
		else
			_docker_err "dockerd not ready after ${DCEA_DOCKERD_TIMEOUT}s, see $DCEA_DOCKERD_LOG: $(tail -n 1 "$DCEA_DOCKERD_LOG")"
		fi
		return
	fi
	_docker_note_runtimes
	return 0
}

# need_docker [CHECK...]: docker_up, or skip the script's checks with the reason.
need_docker() {
	need_root "$@"
	docker_up || skip_all "docker unavailable: $DCEA_DOCKER_ERR" "$@"
}

# docker_down: stop the dockerd that docker_up started, and only that one; a daemon the harness
# did not start is left alone, and so is ours while another tests/run.sh holds its lock
# ($DCEA_TEST_STATE/users.lock, shared). Before stopping, removes every container labelled
# dcea.test=1 (leftovers of crashed runs; nobody else is running tests then).
docker_down() {
	local state=$DCEA_TEST_STATE pid='' lockfd
	[ -d "$state" ] || return 0
	exec {lockfd}>>"$state/users.lock"
	if ! flock -x -n "$lockfd"; then
		exec {lockfd}>&-
		printf 'docker: another test run is using docker, leaving it as it is\n' >&2
		return 0
	fi
	docker_cleanup --all
	[ -s "$state/dockerd.pid" ] && pid=$(cat "$state/dockerd.pid")
	if ! _docker_ours "$pid"; then
		rm -f "$state/dockerd.pid"
		exec {lockfd}>&-
		return 0
	fi
	_docker_stop_pid "$pid"
	rm -f "$state/dockerd.pid"
	exec {lockfd}>&-
	printf 'docker: stopped dockerd (pid %s)\n' "$pid" >&2
	return 0
}

# docker_image: make sure the test image exists and set DCEA_IMAGE to its name. The tag is a hash
# of the recipe, the busybox binary and DCEA_IMAGE_EXTRA_DIR, so a changed helper means a new
# image; a build from the default $OUTPUT/image-bin is also tagged dcea-test/busybox:latest.
docker_image() {
	local hash extra=$DCEA_IMAGE_EXTRA_DIR root lockfd rc=0

	[ -x /bin/busybox ] || { _docker_err "/bin/busybox missing (busybox-static)"; return; }
	hash=$({
		echo "recipe $_DCEA_IMAGE_RECIPE"
		sha256sum </bin/busybox
		if [ -d "$extra" ]; then
			tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$extra" -cf - . |
				sha256sum
		fi
	} | sha256sum | cut -c1-12)
	DCEA_IMAGE=$DCEA_IMAGE_REPO:$hash
	export DCEA_IMAGE
	docker image inspect "$DCEA_IMAGE" >/dev/null 2>&1 && return 0

	mkdir -p "$DCEA_TEST_STATE"
	exec {lockfd}>"$DCEA_TEST_STATE/image.lock"
	flock "$lockfd"
	if docker image inspect "$DCEA_IMAGE" >/dev/null 2>&1; then
		exec {lockfd}>&-
		return 0
	fi
	if LC_ALL=C readelf -l /bin/busybox 2>/dev/null | grep -q 'program interpreter'; then
		exec {lockfd}>&-
		_docker_err "/bin/busybox is not statically linked (install busybox-static)"
		return
	fi
	root=$(mktemp -d "${TMPDIR:-/tmp}/dcea-image.XXXXXX")
	_docker_rootfs "$root" "$extra" &&
		tar --numeric-owner --owner=0 --group=0 -C "$root" -cf - . |
		docker import --change 'CMD ["/bin/sh"]' \
			--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
			- "$DCEA_IMAGE" >/dev/null || rc=$?
	rm -rf "$root"
	if [ "$rc" -ne 0 ]; then
		exec {lockfd}>&-
		_docker_err "building image '$DCEA_IMAGE' failed"
		return
	fi
	# Only the default helper dir's build is "latest"; older builds are not removed automatically,
	# a concurrent run may be about to start one (`docker rmi` them by hand).
	[ "$extra" = "$OUTPUT/image-bin" ] && docker tag "$DCEA_IMAGE" "$DCEA_IMAGE_REPO:latest"
	exec {lockfd}>&-
	printf 'docker: built %s\n' "$DCEA_IMAGE" >&2
	return 0
}

# _docker_rootfs DIR EXTRA: a busybox rootfs with applet links, users and empty mount points.
_docker_rootfs() {
	local root=$1 extra=$2 applet
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,root,home/user,tmp,var/tmp,run,dev,proc,sys} &&
		chmod 1777 "$root/tmp" "$root/var/tmp" && chmod 700 "$root/root" &&
		cp /bin/busybox "$root/bin/busybox" || return
	for applet in $(/bin/busybox --list-full); do
		case $applet in */*) ;; *) continue ;; esac
		[ -e "$root/$applet" ] || [ -L "$root/$applet" ] || ln -s /bin/busybox "$root/$applet" || return
	done
	cat >"$root/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		user:x:1000:1000:user:/home/user:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$root/etc/group" <<-'EOF'
		root:x:0:
		user:x:1000:
		nogroup:x:65534:
	EOF
	cat >"$root/etc/shadow" <<-'EOF'
		root:*:19000:0:99999:7:::
		user:*:19000:0:99999:7:::
		nobody:*:19000:0:99999:7:::
	EOF
	chmod 640 "$root/etc/shadow" && chown 1000:1000 "$root/home/user" || return
	if [ -d "$extra" ]; then
		cp -a "$extra"/. "$root/usr/local/bin/" || return
	fi
}

# docker_name NAME: the full name of this script's container NAME (unique per script run).
docker_name() { printf 'dcea-test-%s-%s\n' "$1" "$$"; }

# docker_run_test NAME ARGS...: `docker run` with ARGS (options, image, command) as the container
# `docker_name NAME`, labelled dcea.test=1 and dcea.test.id=$DCEA_TEST_ID, --network none or
# another test container's network (--network container:ID: cheaper to start, docker runs no
# network hook); any other network is refused. --privileged and --cap-add go through the dcea-runc runtime
# unless ARGS name a --runtime. Output and exit code are docker's: add -d to get the id back and
# keep it running, or --rm to run to completion.
docker_run_test() {
	local name=$1 a prev='' want_rt=0 has_rt=0
	local -a rt=() net=(--network none)
	shift
	for a in "$@"; do
		case $prev in --network | --net)
			case $a in
			none) ;;
			container:?*) net=() ;;
			*) echo "docker_run_test: refusing --network $a" >&2; return 2 ;;
			esac
		esac
		case $a in
		--network=none | --net=none) ;;
		--network=container:?* | --net=container:?*) net=() ;;
		--network=* | --net=*) echo "docker_run_test: refusing $a" >&2; return 2 ;;
		--privileged | --privileged=true | --cap-add | --cap-add=*) want_rt=1 ;;
		--runtime | --runtime=*) has_rt=1 ;;
		esac
		prev=$a
	done
	[ -n "${_DCEA_DOCKER_CLEANUP:-}" ] ||
		echo "docker_run_test: call need_docker or docker_up first (no cleanup registered)" >&2
	if [ -n "${DCEA_TEST_RUNTIME:-}" ] && [ "$has_rt" = 0 ]; then
		rt=(--runtime "$DCEA_TEST_RUNTIME")
	elif [ "$want_rt" = 1 ] && [ "$has_rt" = 0 ] && [ "$DCEA_DOCKER_WRAPPER" = 1 ]; then
		rt=(--runtime dcea-runc)
	fi
	docker run --name "$(docker_name "$name")" --label dcea.test=1 \
		--label "dcea.test.id=$DCEA_TEST_ID" "${net[@]}" "${rt[@]}" "$@"
}

# docker_exec_test NAME CMD...: `docker exec` CMD in this script's container NAME. For exec options
# call `docker exec [OPTIONS] "$(docker_name NAME)" CMD...` directly.
docker_exec_test() {
	local name=$1
	shift
	docker exec "$(docker_name "$name")" "$@"
}

# docker_cleanup [--all]: remove (with their anonymous volumes) the containers this script created,
# or with --all every container labelled dcea.test=1. Never any other container.
docker_cleanup() {
	local -a filter=(--filter label=dcea.test=1 --filter "label=dcea.test.id=$DCEA_TEST_ID")
	local ids
	[ "${1:-}" = --all ] && filter=(--filter label=dcea.test=1)
	_docker_ready || return 0
	ids=$(docker ps -aq "${filter[@]}") || return 1
	[ -z "$ids" ] && return 0
	# shellcheck disable=SC2086
	docker rm -f -v $ids >/dev/null
}

# By hand: tests/lib/docker.sh up|image|cleanup|down
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	case ${1:-} in
	up) _DCEA_DOCKER_CLEANUP=1 docker_up ;;
	image) _DCEA_DOCKER_CLEANUP=1 docker_up && docker_image && echo "$DCEA_IMAGE" ;;
	cleanup) docker_cleanup --all ;;
	down) docker_down ;;
	*)
		echo "usage: $0 up|image|cleanup|down" >&2
		exit 2
		;;
	esac
fi
