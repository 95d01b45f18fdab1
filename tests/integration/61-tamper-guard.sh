#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Tamper resistance, second part (issue 8): from privileged containers that see the host's bpffs
# and the host's root, an attacker removes dcea's pins, unmounts bpffs, mounts a bpffs of its own,
# and writes or replaces dcea's files. What the kernel cannot refuse on this backend the loader
# undoes or reports (docs/TRUST.md, "Tamper"):
#   - mount of a bpffs: mount_sensitive (killed on the fallback backend);
#   - unlink of the pins: the loader holds every link and map, so nothing is detached; it pins
#     them again and alerts (dcea_tamper, kind pins_removed);
#   - umount of bpffs inside the container: the host's mount is untouched (private propagation);
#   - open for writing of dcea's binary, policy or trust store: dcea_tamper, killed before any
#     write (an O_TRUNC open has truncated already: the digest check reports it);
#   - a file renamed over dcea's binary or policy: the loader reports the new digest.
# The loader runs from a copy of the binary, so the real one is never at risk.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

CHECKS=(tamper-bpffs-mount-killed tamper-bpffs-own-instance-empty tamper-pins-unlink-done
	tamper-pins-restored tamper-pins-alert tamper-pins-enforcement-continues
	tamper-bpffs-umount-host-intact tamper-binary-write-refused tamper-policy-write-killed
	tamper-policy-unchanged tamper-policy-truncate-detected tamper-binary-replace-detected
	tamper-file-write-alert)
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"
[ "$DCEA_DOCKER_WRAPPER" = 1 ] || skip_all "--privileged needs the dcea-runc runtime" "${CHECKS[@]}"

real_dcea=$DCEA
DCEA=$DCEA_TMP/bin/dcea
mkdir -p "$DCEA_TMP/bin"
cp "$real_dcea" "$DCEA"
pol=$DCEA_TMP/etc/policy.yaml
mkdir -p "$DCEA_TMP/etc"
printf '%s\n' 'version: 1' 'mode: block' >"$pol"
pol_sha=$(sha256sum "$pol" | cut -d' ' -f1)
dcea_start --policy "$pol" || fail_all "$DCEA_ERR" "${CHECKS[@]}"

# priv NAME ARGS... CMD: a privileged container with the host's root at /host
priv() {
	local name=$1
	shift
	docker_run_test "$name" --rm --privileged -v /:/host "$DCEA_IMAGE" "$@" >/dev/null 2>&1
}
victim=$(docker_run_test victim -d --cap-add SYS_ADMIN "$DCEA_IMAGE" sleep 600)

# --- bpffs ---------------------------------------------------------------------------------------
rc=0
priv bpfmount sh -c 'mkdir -p /mnt/b && mount -t bpf bpf /mnt/b && ls /mnt/b > /tmp/x' || rc=$?
check_eq tamper-bpffs-mount-killed 137 "$rc"
# even when a mount is allowed (audit), a bpffs mount is a new, empty instance: not dcea's pins
# (it holds only the kernel's preloaded iterators, maps.debug and progs.debug, where there are any)
out=$(unshare -m sh -c 'mkdir -p /tmp/dcea-bpf-$$ && mount -t bpf bpf /tmp/dcea-bpf-$$ && ls /tmp/dcea-bpf-$$; umount /tmp/dcea-bpf-$$; rmdir /tmp/dcea-bpf-$$' 2>&1)
check_eq tamper-bpffs-own-instance-empty "" "$(printf '%s\n' "$out" | grep -v -e '^maps.debug$' -e '^progs.debug$')"

pins() { find "$DCEA_PIN_DIR" -mindepth 1 ! -type d 2>/dev/null | sort; }
pins_before=$(pins)
n_before=$(printf '%s\n' "$pins_before" | grep -c .)
dcea_mark
rc=0
priv unpin sh -c 'rm -rf /host/sys/fs/bpf/dcea && ! ls /host/sys/fs/bpf/dcea' || rc=$?
check_eq tamper-pins-unlink-done 0 "$rc"
# Right after the removal, before the loader's next check, enforcement is still there: the
# loader's own references keep every program attached.
rc=0
docker exec "$victim" unshare -n true >/dev/null 2>&1 || rc=$?
check_eq tamper-pins-enforcement-continues 137 "$rc"
pins_match() { [ "$(pins)" = "$pins_before" ]; }
if wait_until 5 pins_match; then
	pass tamper-pins-restored "($n_before pins back)"
else
	fail tamper-pins-restored "pins now: $(pins | grep -c .) of $n_before"
fi
a=$(dcea_wait_alert dcea_tamper '.details.kind == "pins_removed"' 5)
dcea_expect_alert tamper-pins-alert "$a" ".details.missing == $n_before" ".details.restored == $n_before" \
	'.severity == "critical"'

rc=0
priv umount sh -c 'umount /host/sys/fs/bpf' || rc=$?
if [ -e "$DCEA_PIN_DIR/dcea_config" ] && "$DCEA" status >/dev/null 2>&1; then
	pass tamper-bpffs-umount-host-intact "(umount in the container exited $rc)"
else
	fail tamper-bpffs-umount-host-intact "after 'umount' in a container (exit $rc) the host's pins are gone"
fi

# --- dcea's files ---------------------------------------------------------------------------------
# ': >>' opens for appending and writes nothing: harmless if it were allowed
dcea_mark
# the running binary: the kernel refuses with ETXTBSY where it still does, else dcea kills
bin_sha=$(sha256sum "$DCEA" | cut -d' ' -f1)
rc=0
priv wbin sh -c ": >> /host$DCEA" || rc=$?
if [ "$rc" != 0 ] && [ "$(sha256sum "$DCEA" | cut -d' ' -f1)" = "$bin_sha" ]; then
	pass tamper-binary-write-refused "(exit $rc)"
else
	fail tamper-binary-write-refused "opening the binary for writing exited $rc"
fi
rc=0
priv wpol sh -c ": >> /host$pol" || rc=$?
check_eq tamper-policy-write-killed 137 "$rc"
a=$(dcea_wait_alert dcea_tamper '.details.kind == "file_write" and .details.file == "policy.yaml"' 5)
dcea_expect_alert tamper-file-write-alert "$a" '.action == "kill"' '.details.dir == "etc"' \
	".details.inode == $(stat -c %i "$pol")"
check_eq tamper-policy-unchanged "$pol_sha" "$(sha256sum "$pol" | cut -d' ' -f1)"

# truncation happens in open(O_TRUNC), before the kill on the fallback backend: reported by digest
dcea_mark
priv tpol sh -c ": > /host$pol"
a=$(dcea_wait_alert dcea_tamper '.details.kind == "file_changed"' 5)
dcea_expect_alert tamper-policy-truncate-detected "$a" ".details.path == \"$pol\"" \
	".details.sha256_before == \"$pol_sha\"" '.details.sha256_now != .details.sha256_before'

# a file renamed over the binary: no open of the binary for writing, reported by digest
dcea_mark
priv rbin sh -c "echo not-dcea > /host$DCEA.new && mv /host$DCEA.new /host$DCEA"
a=$(dcea_wait_alert dcea_tamper ".details.kind == \"file_changed\" and .details.path == \"$DCEA\"" 5)
dcea_expect_alert tamper-binary-replace-detected "$a" '.details.inode_replaced == true' \
	".details.sha256_now == \"$(sha256sum "$DCEA" | cut -d' ' -f1)\""
cp "$real_dcea" "$DCEA.tmp" && mv "$DCEA.tmp" "$DCEA" # a working binary for dcea_stop
