#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dcea db update/import/status against a local HTTP server on 127.0.0.1 (tests/helpers/osv-server.py)
# serving a zip of OSV records: a good download, then a truncated one, a bad server MD5, a bad
# pinned and a bad published SHA-256, a 404, a server that stalls and a file that is no OSV
# export: each a clear error, and the installed database unchanged (same generation, same bytes,
# still scannable). Also: offline import, status and its age, the scan's warning on old data.
. "$(dirname "$0")/../lib/common.sh"

ALL=(db-update-ok db-status db-update-truncated db-update-bad-md5 db-update-bad-sha256
	db-update-bad-published-sha256 db-update-published-sha256 db-update-404 db-update-stall
	db-update-not-osv db-import-offline db-import-old-data db-status-stale db-scan-warns-old db-sources-file-error
	db-kernel-advisory)
need_dcea "${ALL[@]}"
need_cmd python3 "${ALL[@]}"

T=$DCEA_TMP
ROOT=$T/db
mkdir -p "$T/srv/Debian" "$T/srv/bad"
python3 - "$DCEA_ROOT/tests/fixtures/osv-debian12" "$T/srv" <<'PY'
import glob, os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out + "/Debian/all.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(glob.glob(src + "/*.json")):
        z.write(f, os.path.basename(f))
with zipfile.ZipFile(out + "/bad/all.zip", "w") as z:
    z.writestr("README.json", '{"not": "an OSV record"}')
PY
sha256sum "$T/srv/Debian/all.zip" | cut -d' ' -f1 >"$T/srv/Debian/all.zip.sha256"
echo 0000000000000000000000000000000000000000000000000000000000000000 >"$T/srv/Debian/wrong.sha256"

start_bg SRV_PID python3 "$DCEA_ROOT/tests/helpers/osv-server.py" "$T/srv" >"$T/port" 2>"$T/server.log"
wait_until 10 test -s "$T/port" || fail_all "osv-server did not start: $(tail -n 2 "$T/server.log")" "${ALL[@]}"
URL=http://127.0.0.1:$(cat "$T/port")

# db_run NAME ARGS...: dcea db ARGS with a 60 s bound, output in $T/NAME.out/.err, exit code in RC
db_run() {
	local name=$1
	shift
	RC=0
	run_timeout 60 "$DCEA" db "$@" >"$T/$name.out" 2>"$T/$name.err" || RC=$?
}

# the installed generation and its bytes: must not change on a failed update
state() { echo "$(readlink "$ROOT/current")" "$(cat "$ROOT"/current/* 2>/dev/null | sha256sum)"; }

db_run ok update --root "$ROOT" --source "Debian=$URL/ok/Debian/all.zip"
if [ "$RC" = 0 ] && [ -L "$ROOT/current" ] && [ -s "$ROOT/current/Debian.zip" ] &&
	grep -q "verified by server MD5" "$T/ok.err"; then pass db-update-ok; else
	fail db-update-ok "exit $RC: $(tail -n 2 "$T/ok.err")"; fi
GOOD=$(state)

db_run status status --root "$ROOT"
if [ "$RC" = 0 ] && grep -Eq '^  Debian +4 records' "$T/status.out" &&
	grep -q "0 days ago" "$T/status.out"; then pass db-status; else
	fail db-status "exit $RC: $(head -n 3 "$T/status.out")"; fi

# expect_fail NAME PATTERN ARGS...: dcea db exits 2, says PATTERN, the database is as it was
expect_fail() {
	local name=$1 pat=$2
	shift 2
	db_run "$name" "$@"
	if [ "$RC" != 2 ]; then
		fail "$name" "want exit 2, got $RC: $(tail -n 1 "$T/$name.err")"
	elif ! grep -q -- "$pat" "$T/$name.err"; then
		fail "$name" "no '$pat' in: $(tail -n 1 "$T/$name.err")"
	elif [ "$(state)" != "$GOOD" ]; then
		fail "$name" "the installed database changed"
	elif ls -d "$ROOT"/.new-* >/dev/null 2>&1; then
		fail "$name" "left $(ls -d "$ROOT"/.new-*)"
	else
		pass "$name"
	fi
}

expect_fail db-update-truncated "truncated download after" \
	update --root "$ROOT" --source "Debian=$URL/truncate/Debian/all.zip"
expect_fail db-update-bad-md5 "bad checksum: the server's MD5 is" \
	update --root "$ROOT" --source "Debian=$URL/badsum/Debian/all.zip"
printf 'Debian %s sha256=%s\n' "$URL/ok/Debian/all.zip" \
	0000000000000000000000000000000000000000000000000000000000000000 >"$T/pinned.conf"
expect_fail db-update-bad-sha256 "bad checksum: want SHA-256 0000" \
	update --root "$ROOT" --sources "$T/pinned.conf"
printf 'Debian %s sha256-url=%s\n' "$URL/ok/Debian/all.zip" "$URL/ok/Debian/wrong.sha256" \
	>"$T/published-bad.conf"
expect_fail db-update-bad-published-sha256 "bad checksum: want SHA-256 0000" \
	update --root "$ROOT" --sources "$T/published-bad.conf"
expect_fail db-update-404 "returned error: 404" \
	update --root "$ROOT" --source "Debian=$URL/missing/Debian/all.zip"
t0=$SECONDS
expect_fail db-update-stall "server stalled" \
	update --root "$ROOT" --stall-timeout 2 --source "Debian=$URL/stall/Debian/all.zip"
[ $((SECONDS - t0)) -lt 30 ] || fail db-update-stall "took $((SECONDS - t0)) s with --stall-timeout 2"
expect_fail db-update-not-osv "no OSV record in it" \
	update --root "$ROOT" --source "Debian=$URL/ok/bad/all.zip"

# a good published checksum installs a new generation
printf '# comment\nDebian %s sha256-url=%s\n' "$URL/ok/Debian/all.zip" \
	"$URL/ok/Debian/all.zip.sha256" >"$T/published.conf"
db_run published update --root "$ROOT" --sources "$T/published.conf"
if [ "$RC" = 0 ] && grep -q "published SHA-256" "$T/published.err" &&
	[ "$(readlink "$ROOT/current")" != "$(echo "$GOOD" | cut -d' ' -f1)" ] &&
	[ "$(find "$ROOT" -maxdepth 1 -name 'gen-*' | wc -l)" = 1 ]; then
	pass db-update-published-sha256
else
	fail db-update-published-sha256 "exit $RC: $(tail -n 1 "$T/published.err"); $(ls "$ROOT")"
fi

db_run import import --root "$T/offline" "Debian=$T/srv/Debian/all.zip"
if [ "$RC" = 0 ] && grep -q "file://$T/srv/Debian/all.zip" "$T/offline/current/manifest.json"; then
	pass db-import-offline; else fail db-import-offline "exit $RC: $(tail -n 1 "$T/import.err")"; fi

# an old export imported today is old data: its age is its newest record's, not the import's
python3 - "$DCEA_ROOT/tests/fixtures/osv-debian12/DEBIAN-CVE-2024-21626.json" "$T/old.zip" <<'PY'
import json, sys, zipfile
r = json.load(open(sys.argv[1]))
r["modified"] = "2024-02-09T00:00:00Z"
with zipfile.ZipFile(sys.argv[2], "w") as z:
    z.writestr("DEBIAN-CVE-2024-21626.json", json.dumps(r))
PY
db_run oldimp import --root "$T/olddb" "Debian=$T/old.zip"
db_run oldst status --root "$T/olddb"
oldst=$RC
mkdir -p "$T/oldfs/etc" "$T/oldfs/var/lib/dpkg"
printf 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' >"$T/oldfs/etc/os-release"
printf 'Package: runc\nStatus: install ok installed\nVersion: 1.1.5+ds1-1\nArchitecture: amd64\n\n' \
	>"$T/oldfs/var/lib/dpkg/status"
"$DCEA" scan image --json --db-root "$T/olddb" "$T/oldfs" >"$T/oldscan.out" 2>"$T/oldscan.err" || true
if [ "$oldst" = 1 ] && grep -q "data from 2024-02-09 (its newest record)" "$T/oldst.out" &&
	grep -q "older than --max-age" "$T/oldst.out" &&
	grep -q "the vulnerability data is from 2024-02-09" "$T/oldscan.err" &&
	grep -q '"check":"image.database-age"' "$T/oldscan.out"; then
	pass db-import-old-data
else
	fail db-import-old-data "status exit $oldst: $(head -n 2 "$T/oldst.out" | tr '\n' ' ') scan: $(tail -n 1 "$T/oldscan.err")"
fi

# the kernel scan reads the installed Debian and Ubuntu records of the linux source package
# (tests/fixtures/osv-kernel): Debian 12 fixed CVE-2024-1086 in 6.1.76-1, Ubuntu 22.04 in
# 5.15.0-101.111
python3 - "$DCEA_ROOT/tests/fixtures/osv-kernel" "$T" <<'PY'
import glob, os, sys, zipfile
for name in ("debian", "ubuntu"):
    with zipfile.ZipFile("%s/kernel-%s.zip" % (sys.argv[2], name), "w") as z:
        for f in sorted(glob.glob("%s/%s/*.json" % (sys.argv[1], name))):
            z.write(f, os.path.basename(f))
PY
db_run kimport import --root "$T/kdb" "Debian=$T/kernel-debian.zip" "Ubuntu=$T/kernel-ubuntu.zip"
kverdict() { # RELEASE ARGS...: "RESULT|SOURCE" of kernel.CVE-2024-1086
	"$DCEA" scan kernel --json --all --db-root "$T/kdb" --release "$@" 2>>"$T/kscan.err" |
		python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if o["check"] == "kernel.CVE-2024-1086":
        print(o["result"] + "|" + o.get("source", ""))'
}
k1=$(kverdict 6.1.0-17-amd64 --proc-version "#1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 (2023-12-30)")
k2=$(kverdict 6.1.0-18-amd64 --proc-version "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)")
k3=$(kverdict 5.15.0-91-generic --signature "Ubuntu 5.15.0-91.101-generic 5.15.131")
k4=$(kverdict 6.1.0-18-amd64)
check_eq db-kernel-advisory "$(printf '%s\n' \
	"FAIL|vendor-advisory (DEBIAN-CVE-2024-1086, Debian:12)" \
	"PASS|vendor-advisory (DEBIAN-CVE-2024-1086, Debian:12)" \
	"FAIL|vendor-advisory (CVE-2024-1086, Ubuntu:22.04:LTS)" "INFO|none")" \
	"$(printf '%s\n' "$k1" "$k2" "$k3" "$k4")"

# 30 days old: status exits 1 and says so; a scan warns (image.database-age) and names its age
python3 - "$ROOT/current/manifest.json" <<'PY'
import json, sys, time
m = json.load(open(sys.argv[1]))
m["updated_unix"] = int(time.time()) - 30 * 86400
json.dump(m, open(sys.argv[1], "w"))
PY
db_run stale status --root "$ROOT"
if [ "$RC" = 1 ] && grep -q "30 days ago (older than --max-age" "$T/stale.out"; then
	pass db-status-stale; else fail db-status-stale "exit $RC: $(head -n 2 "$T/stale.out")"; fi
mkdir -p "$T/rootfs/etc" "$T/rootfs/var/lib/dpkg"
printf 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' >"$T/rootfs/etc/os-release"
printf 'Package: runc\nStatus: install ok installed\nVersion: 1.1.5+ds1-1\nArchitecture: amd64\n\n' \
	>"$T/rootfs/var/lib/dpkg/status"
out=$("$DCEA" scan image --json --db-root "$ROOT" "$T/rootfs" 2>"$T/scan.err") && rc=0 || rc=$?
if [ "$rc" = 1 ] && grep -q '"check":"image.database-age"' <<<"$out" &&
	grep -q "30 days ago (more than --db-max-age 7)" "$T/scan.err" &&
	grep -q '"check":"image.CVE-2024-21626"' <<<"$out"; then
	pass db-scan-warns-old
else
	fail db-scan-warns-old "exit $rc: $(tail -n 1 "$T/scan.err")"
fi

printf 'Debian ftp://x/all.zip\n' >"$T/bad.conf"
db_run badconf update --root "$ROOT" --sources "$T/bad.conf"
if [ "$RC" = 2 ] && grep -q "$T/bad.conf:1: invalid URL 'ftp://x/all.zip'" "$T/badconf.err"; then
	pass db-sources-file-error; else fail db-sources-file-error "exit $RC: $(cat "$T/badconf.err")"; fi
