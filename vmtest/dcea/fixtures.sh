# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
# The host side of the attack catalogue's attempts in a vmtest guest (tests/routes/catalogue.tsv),
# sourced by test.sh once dcea runs: a host process holding a secret file, a writable file and a
# directory, a cgroup v1 hierarchy of our own whose release_agent is the knob, a listener on the
# containers' /run/docker.sock, a leaky agent handing out a host directory's fd on their
# /run/agent.sock, /dev/mem in the rootfs, the attempts' variables, and route_effect,
# the effect check of every kind. test.sh runs the rules' own rows, routes.sh the other routes.
# Needs from test.sh: $R (the rootfs).

RT=/tmp/rt
mkdir -p $RT $R/cgr $R/run
kver=$(uname -r | cut -d. -f1,2)
secret=$RT/host-secret
echo "host-secret-$$" >$secret
rwfile=$RT/host-rw
echo untouched >$rwfile
# The host process: the secret (fd 3), the writable file (fd 4), a directory (fd 5), its working
# directory that directory too (the /proc/<pid>/cwd routes).
env DCEA_ENV_SECRET=env-secret-$$ sh -c 'cd "$3" && exec 3<"$1" 4<>"$2" 5<"$3" && exec sleep 600' _ $secret $rwfile $RT \
	</dev/null >/dev/null 2>&1 &
rhp=$!
i=0
while [ $i -lt 50 ] && ! { grep -q '^sleep' /proc/$rhp/comm 2>/dev/null && [ -e /proc/$rhp/fd/5 ]; }; do
	sleep 0.1
	i=$((i + 1))
done
# Its first mapping, read here: on the LSM backend the container cannot read its maps either,
# which would stop the memory routes before the syscall they test.
rhaddr=$(head -n 1 /proc/$rhp/maps | cut -d- -f1)
P=/proc/$rhp/root
# The knob: release_agent of a cgroup v1 hierarchy of our own, mounted inside the rootfs.
mount -t cgroup -o none,name=dcearoutes cgroup $R/cgr
knob() { cat $R/cgr/release_agent; }
# The runtime socket: a host listener on the container's /run/docker.sock.
rm -f $RT/sock.log
/vmtest/dcea-escape listen $R/run/docker.sock $RT/sock.log </dev/null >/dev/null 2>&1 &
rlp=$!
# A leaky host agent: every client of /run/agent.sock in the containers gets an fd of $RT.
/vmtest/dcea-escape fdserve $R/run/agent.sock $RT </dev/null >/dev/null 2>&1 &
rap=$!
sleep 0.3

# The attempt's variables (see the catalogue's header).
KNOB=/cgr/release_agent HT=$RT SECRET=$secret SECRETNAME=host-secret HP=$rhp ADDR=$rhaddr
MEMADDR=:$rhaddr SOCK=/run/docker.sock LEAK=/run/agent.sock BLKDEV=/mem BLKMAJ=8 BLKMIN=0 MARKER=
HANDLE_FILE=/etc/passwd HANDLE_TEXT=root:x:0
# /dev/mem, made by the host in the rootfs: the device the container opens for block_device_access
mknod $R/mem c 1 1

# route_effect EFFECT TAG: did the step change or obtain what it aimed at (0: yes)? From the host,
# or from the attempt's $out and $rc (exit 2: refused, but done anyway).
route_effect() {
	[ "$rc" = 2 ] && return 0
	case $1 in
	knob) [ "$(knob)" = "/payload-$2" ] ;;
	core) [ "$(cat /proc/sys/kernel/core_pattern)" = "/tmp/dcea-core-$2" ] ;;
	secret) echo "$out" | grep -q "host-secret-$$" ;;
	elf) echo "$out" | grep -q ELF ;;
	# a connection alone asks nothing: the escape is a request reaching the API
	api) grep -q 'connection: GET /_ping' $RT/sock.log 2>/dev/null ;;
	mkdir) [ -d $RT/mk-$2 ] ;;
	symlink) [ -L $RT/sym-$2 ] ;;
	rename) [ -e $RT/ren-$2.moved ] ;;
	unlink) [ ! -e $RT/unl-$2 ] ;;
	link) [ -e $RT/hl-$2 ] ;;
	chmod) [ -u $RT/chm-$2 ] ;;
	chown) [ "$(stat -c %u $RT/cho-$2)" = 4242 ] ;;
	node) [ -e $RT/nod-$2 ] ;;
	xattr) [ "$(/vmtest/dcea-escape route getxattr $secret trusted.dcea 2>/dev/null)" = "$2" ] ;;
	rwfile) grep -q "tampered-$2" $rwfile ;;
	readv) echo "$out" | grep -q 'read 16 bytes' ;;
	# the advice leaves no trace: that the call returned is what the task got
	madvise) echo "$out" | grep -q advised || [ $rc -eq 137 ] ;;
	side) echo "$out" | grep -q SIDE-EFFECT ;;
	read) echo "$out" | grep -q 'read [1-9][0-9]* bytes' ;;
	out=* | never=*) echo "$out" | grep -qF -- "${1#*=}" ;;
	var=*) eval "echo \"\$out\" | grep -qF -- \"\$${1#var=}\"" ;;
	none) return 1 ;;
	*) echo "fixtures.sh: no check for effect '$1', counted as changed" >&2 ;;
	esac
}

