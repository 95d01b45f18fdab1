#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dcea scan image on real images: a debootstrap bookworm minbase with nginx, redis-server, apache2
# and openssl (rootfs directory), the same image with a second layer planting old nginx and runc
# versions in the dpkg status (docker save archive, OCI layout from skopeo, OCI tar, local image
# name), and the harness's busybox image. The package list must equal dpkg-query's in the same
# rootfs, and the planted versions must be reported with the right fixed versions. Images are built
# once by tests/bench/image-build.sh and cached in /var/cache/dcea-test (DCEA_TEST_CACHE).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"

need_dcea
ALL=(image-rootfs-packages image-rootfs-clean image-docker-archive-packages image-docker-archive
	image-docker-archive-nginx image-oci-layout image-oci-layout-nginx image-oci-archive
	image-oci-archive-nginx image-local-name image-local-name-nginx image-busybox image-user-db
	image-bookworm-under-2s image-json-lines image-debian12-fixed image-debian12-open
	image-debian12-severity-unknown image-debian12-exit-default image-debian12-fail-on
	image-clean-coverage)
need_root "${ALL[@]}"
need_cmd dpkg-query "${ALL[@]}"
need_cmd debootstrap "${ALL[@]}"

cache=$(DCEA_TEST_CACHE=${DCEA_TEST_CACHE:-} "$DCEA_TESTS_DIR/bench/image-build.sh" rootfs) ||
	skip_all "cannot build the bookworm rootfs (no mirror?)" "${ALL[@]}"
ROOT=$cache/bookworm-rootfs
tmp=$(mktemp -d)
cleanup_add rm -rf "$tmp"
# no installed database unless a check installs one: the built-in records are the fallback
export DCEA_DB_ROOT=$tmp/no-db

# installed packages as dpkg-query lists them: name<TAB>version, sorted
dpkg_list() {
	"$@" -W -f '${Package}\t${Version}\t${db:Status-Status}\n' |
		awk -F'\t' '$3 ~ /^(installed|half-configured|triggers-awaited|triggers-pending|unpacked|half-installed)$/ { print $1 "\t" $2 }' |
		LC_ALL=C sort -u
}
dcea_list() { "$DCEA" scan image --packages "$1" | cut -f1,2 | LC_ALL=C sort -u; }

# the finding CHECK in JSON lines on stdin: "RESULT|detail;detail..." or ""
finding() {
	python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if o["check"] == sys.argv[1]:
        print(o["result"] + "|" + ";".join(o.get("detail", []))); break' "$1"
}

# planted image: runc CVE-2024-21626 and nginx CVE-2025-23419 with Debian 12's fixed versions
check_planted() {
	local name=$1 target=$2 out rc=0 f
	out=$("$DCEA" scan image --json "$target") || rc=$?
	f=$(finding image.CVE-2024-21626 <<<"$out")
	case $f in
	"FAIL|"*"fixed in 1.1.5+ds1-1+deb12u1 (Debian:12)"*) pass "$name" ;;
	*) fail "$name" "exit $rc, runc CVE-2024-21626 finding: '${f:-none}'" ;;
	esac
	[ "$rc" = 1 ] || fail "$name-exit" "want exit 1 (a high finding), got $rc"
	f=$(finding image.CVE-2025-23419 <<<"$out")
	case $f in
	"FAIL|"*"fixed in 1.22.1-9+deb12u1 (Debian:12)"*) pass "$name-nginx" ;;
	*) fail "$name-nginx" "nginx CVE-2025-23419 finding: '${f:-none}'" ;;
	esac
}

# rootfs directory: exactly dpkg-query's list, and no finding on an up-to-date bookworm
want=$(dpkg_list chroot "$ROOT" dpkg-query)
got=$(dcea_list "$ROOT")
if [ -n "$want" ] && [ "$want" = "$got" ]; then pass image-rootfs-packages; else
	fail image-rootfs-packages "$(diff <(echo "$want") <(echo "$got") | head -5)"; fi
out=$("$DCEA" scan image --json --all "$ROOT") && rc=0 || rc=$?
f=$(finding image.vulnerabilities <<<"$out")
if [ "$rc" = 0 ] && [ "${f%%|*}" = PASS ]; then pass image-rootfs-clean; else
	fail image-rootfs-clean "exit $rc, image.vulnerabilities '$f'"; fi

# archives need docker once, to build them; afterwards the cache serves
if ! cache=$("$DCEA_TESTS_DIR/bench/image-build.sh" 2>"$tmp/build.err"); then
	skip_all "cannot build the docker images: $(tail -n 1 "$tmp/build.err")" \
		"${ALL[@]:2}"
fi
ARCHIVE=$cache/bookworm.docker.tar
OCI=$cache/bookworm.oci

mkdir -p "$tmp/admin/info" && cp "$cache/planted-status" "$tmp/admin/status"
want=$(dpkg_list dpkg-query --admindir="$tmp/admin")
got=$(dcea_list "$ARCHIVE")
if [ -n "$want" ] && [ "$want" = "$got" ]; then pass image-docker-archive-packages; else
	fail image-docker-archive-packages "$(diff <(echo "$want") <(echo "$got") | head -5)"; fi
check_planted image-docker-archive "$ARCHIVE"
check_planted image-oci-layout "$OCI"
tar -C "$OCI" -cf "$tmp/oci.tar" .
check_planted image-oci-archive "$tmp/oci.tar"
if docker_up 2>/dev/null && docker image inspect dcea-test/bookworm:planted >/dev/null 2>&1; then
	check_planted image-local-name dcea-test/bookworm:planted
else
	skip image-local-name "docker or the dcea-test/bookworm:planted image unavailable"
fi

# busybox: no distribution, no package database: warnings, exit 0, no crash
if docker_up 2>/dev/null && docker_image 2>/dev/null; then
	docker save -o "$tmp/busybox.tar" "$DCEA_IMAGE"
	out=$("$DCEA" scan image --json "$tmp/busybox.tar") && rc=0 || rc=$?
	if [ "$rc" = 0 ] && [ "$(finding image.packages <<<"$out" | cut -d'|' -f1)" = WARN ]; then
		pass image-busybox
	else
		fail image-busybox "exit $rc: $out"
	fi
else
	skip_prereq image-busybox "docker unavailable: $DCEA_DOCKER_ERR"
fi

# a user database added to the built-in one
cat >"$tmp/user.json" <<'JSON'
{"id": "USER-1", "aliases": ["CVE-2099-1"], "summary": "test record",
 "affected": [{"package": {"ecosystem": "Debian:12", "name": "bash"},
  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99"}]}]}]}
JSON
out=$("$DCEA" scan image --json --db "$tmp/user.json" "$OCI") || true
case $(finding image.CVE-2099-1 <<<"$out") in
"FAIL|"*"fixed in 99 (Debian:12)"*) pass image-user-db ;;
*) fail image-user-db "no CVE-2099-1 finding for bash" ;;
esac

# Debian 12 data in osv.dev's DEBIAN-CVE shape (tests/fixtures/osv-debian12/SOURCE.md), installed
# with 'dcea db import'; the planted image (runc 1.1.5+ds1-1, nginx 1.22.1-9, and bookworm's apt and
# coreutils with their open CVEs) yields fixed and open CVEs with severities from the data.
python3 - "$DCEA_ROOT/tests/fixtures/osv-debian12" "$tmp" <<'PY'
import glob, os, sys, zipfile
src, out = sys.argv[1:]
with zipfile.ZipFile(out + "/Debian-all.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(glob.glob(src + "/*.json")):
        z.write(f, os.path.basename(f))
with zipfile.ZipFile(out + "/Debian-fixed-only.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for f in ("DEBIAN-CVE-2024-21626.json", "DEBIAN-CVE-2025-23419.json"):
        z.write(src + "/" + f, f)
PY
"$DCEA" db import --root "$tmp/db" "Debian=$tmp/Debian-all.zip" 2>"$tmp/import.err" ||
	echo "db import failed: $(tail -n 1 "$tmp/import.err")" >&2
out=$("$DCEA" scan image --json --db-root "$tmp/db" "$ARCHIVE" 2>"$tmp/scan.err") && rc=0 || rc=$?
sev() { python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if o["check"] == sys.argv[1]:
        print(o["severity"] + "|" + o["title"]); break' "$1"; }
f=$(finding image.CVE-2024-21626 <<<"$out")
case "$(sev image.CVE-2024-21626 <<<"$out")|$f" in
"high|runc 1.1.5+ds1-1: CVE-2024-21626|FAIL|"*"fixed in 1.1.5+ds1-1+deb12u1 (Debian:12)"*"severity high from CVSS 8.6 CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H (DEBIAN-CVE-2024-21626)"*)
	pass image-debian12-fixed ;;
*) fail image-debian12-fixed "exit $rc: '$(sev image.CVE-2024-21626 <<<"$out")' '$f'" ;;
esac
f1=$(finding image.CVE-2011-3374 <<<"$out")
f2=$(finding image.CVE-2016-2781 <<<"$out")
case "$(sev image.CVE-2011-3374 <<<"$out")|$f1#$(sev image.CVE-2016-2781 <<<"$out")|$f2" in
"low|apt "*": CVE-2011-3374 (no fix available)|FAIL|"*"no fix available in Debian:12"*"severity low from Debian urgency 'unimportant' (Debian:12)"*"#low|coreutils "*"(no fix available)|FAIL|"*"no fix available in Debian:12"*"severity low from Debian urgency 'unimportant' (Debian:12)"*"CVSS 6.5 MEDIUM: CVSS:3.0/"*)
	pass image-debian12-open ;;
*) fail image-debian12-open "apt: '$f1' coreutils: '$f2'" ;;
esac
case "$(sev image.CVE-2025-23419 <<<"$out")|$(finding image.CVE-2025-23419 <<<"$out")" in
"unknown|nginx 1.22.1-9: CVE-2025-23419|FAIL|"*"severity unknown: the record has no CVSS vector"*)
	pass image-debian12-severity-unknown ;;
*) fail image-debian12-severity-unknown "'$(finding image.CVE-2025-23419 <<<"$out")'" ;;
esac
if [ "$rc" = 1 ]; then pass image-debian12-exit-default; else
	fail image-debian12-exit-default "want exit 1 under the default --fail-on high, got $rc"; fi
rcs=""
for sevr in critical high low any; do
	"$DCEA" scan image --fail-on "$sevr" --db-root "$tmp/db" "$ARCHIVE" >/dev/null 2>&1 && r=0 || r=$?
	rcs="$rcs $sevr=$r"
done
if [ "$rcs" = " critical=0 high=1 low=1 any=1" ]; then pass image-debian12-fail-on; else
	fail image-debian12-fail-on "exit codes:$rcs"; fi

# a clean result says how much the database covered and how old it is
"$DCEA" db import --root "$tmp/db2" "Debian=$tmp/Debian-fixed-only.zip" 2>/dev/null
out=$("$DCEA" scan image --json --all --db-root "$tmp/db2" "$ROOT") && rc=0 || rc=$?
f=$(finding image.vulnerabilities <<<"$out")
case "$rc|$f" in
"0|PASS|"[0-9]*" packages ("[0-9]*" source packages), 1 with advisories in the database, database built $(date -u +%Y-%m-%d)"*)
	pass image-clean-coverage ;;
*) fail image-clean-coverage "exit $rc: '$f'" ;;
esac

# the gzip OCI layout is the slow one: all 3 layers inflated
t0=$(date +%s%N)
"$DCEA" scan image "$OCI" >/dev/null || true
ms=$((($(date +%s%N) - t0) / 1000000))
check_under image-bookworm-under-2s "$ms" 2000

out=$("$DCEA" scan image --json --all "$ARCHIVE") || true
if python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <<<"$out" 2>/dev/null; then
	pass image-json-lines; else fail image-json-lines "not one JSON object per line"; fi
