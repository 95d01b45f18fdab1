#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Seed corpora for the fuzz harnesses, copied or extracted from tests/fixtures (nothing is kept in
# git twice): corpus.sh DIR fills DIR/<harness>/. Files nested in image fixtures (dpkg status, apk
# installed, rpmdb.sqlite, manifests, layers) are pulled out with python3's tarfile; compressed
# stream seeds are made with gzip/zstd on the spot. Crash inputs that became regression tests
# (tests/fixtures/fuzz-regressions/<harness>/) are seeds too.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: corpus.sh DIR}
fx=$top/tests/fixtures
mkdir -p "$out"
cd "$out"

seed() { # seed HARNESS FILE...
	local h=$1 f
	shift
	mkdir -p "$h"
	for f in "$@"; do
		[ -f "$f" ] && cp -f "$f" "$h/$(basename "$(dirname "$f")")-$(basename "$f")"
	done
	return 0
}
text() { # text HARNESS NAME CONTENT (printf format, so \0 separates the fields of a seed)
	mkdir -p "$1"
	# shellcheck disable=SC2059
	printf "$3" >"$1/$2"
}

seed policy "$fx"/policy/*.yaml "$top"/policy/default.yaml "$top"/policy/strict.yaml
seed docker_config "$fx"/loader/*.json
text docker_config cgname-docker 'docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope'
text docker_config cgname-crio 'crio-conmon-0123456789abcdef.scope'
seed container_json "$fx"/scanners/*.json
seed tar "$fx"/image/layer*.tar "$fx"/image/bad-*.tar "$fx"/image/docker-archive.tar
seed image_archive "$fx"/image/*.tar
seed osv_json "$fx"/image/osv/*.json "$fx"/image/osv/sub/*.json "$top"/scanners/vulndb/*.json
seed osv_zip "$fx"/image/osv.zip
seed kernel_rules "$top"/scanners/kernel_rules.yaml

mkdir -p image_stream
for f in "$fx"/image/layer1.tar "$fx"/image/layer2.tar; do
	b=$(basename "$f" .tar)
	cp -f "$f" "image_stream/$b.tar"
	gzip -9nc "$f" >"image_stream/$b.tar.gz"
	if command -v zstd >/dev/null; then zstd -q -c "$f" >"image_stream/$b.tar.zst"; fi
done

# Members of the image fixtures: layers (often gzip), databases, manifests.
python3 - "$fx/image" <<'PY'
import gzip, io, os, sys, tarfile

def walk(data, name, depth=0):
    try:
        t = tarfile.open(fileobj=io.BytesIO(data))
        members = t.getmembers()
    except Exception:  # the bad-* fixtures are meant to be broken
        return
    for m in members:
        if not m.isfile():
            continue
        try:
            b = t.extractfile(m).read()
        except Exception:
            continue
        base = name + "-" + m.name.replace("/", "_")[-60:]
        dest = None
        if m.name.endswith("dpkg/status") or "/dpkg/status.d/" in m.name:
            dest = "pkgdb_dpkg"
        elif m.name.endswith("apk/db/installed"):
            dest = "pkgdb_apk"
        elif m.name.endswith("rpmdb.sqlite"):
            dest = "pkgdb_rpm"
        elif m.name.endswith(".json") or m.name == "index.json":
            dest = "container_json" if "config" in m.name else "osv_json"
        elif depth < 2:
            if b[:2] in (b"\x1f\x8b", b"\x28\xb5"):
                os.makedirs("image_stream", exist_ok=True)
                open(os.path.join("image_stream", base), "wb").write(b)
            walk(b, base, depth + 1)
            try:
                walk(gzip.decompress(b), base, depth + 1)
            except Exception:
                pass
        if dest:
            os.makedirs(dest, exist_ok=True)
            open(os.path.join(dest, base), "wb").write(b)

d = sys.argv[1]
for f in sorted(os.listdir(d)):
    if f.endswith(".tar"):
        walk(open(os.path.join(d, f), "rb").read(), f[:-4])
PY

text version dpkg-epoch '1:2.30-1\0002.30-1~bpo1'
text version tilde '1.0~rc1\0001.0'
text version apk '1.36.1-r5\0001.36.1_rc2-r0'
text version apk-letter '1.2.3a_p1-r1\0001.2.3_alpha2'
text version rpm '2:3.0.7-24.el9^1\0003.0.7-24.el9~beta'
text version mixed '5.15.0-91.101+deb12u1\0005.15.0-91.101'
text kernel_release ubuntu '5.15.0-91-generic\000Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0) #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023\000Ubuntu 5.15.0-91.101-generic 5.15.131'
text kernel_release debian '6.1.0-13-amd64\000Linux version 6.1.0-13-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)\000'
text kernel_release rhel '4.18.0-513.9.1.el8_9.x86_64\000\000'
text kernel_release upstream '6.8.12\000\000'
text kernel_release fedora '6.5.6-300.fc39.x86_64\000\000'

for d in "$fx"/fuzz-regressions/*/; do
	[ -d "$d" ] || continue
	h=$(basename "$d")
	mkdir -p "$h"
	for f in "$d"*; do [ -f "$f" ] && cp -f "$f" "$h/regression-$(basename "$f")"; done
done
for h in pkgdb_dpkg pkgdb_apk pkgdb_rpm; do mkdir -p "$h"; done
text pkgdb_dpkg min 'Package: foo\nStatus: install ok installed\nVersion: 1:1.2-3\nSource: bar (1.2-2)\nArchitecture: amd64\n\n'
text pkgdb_apk min 'P:busybox\nV:1.36.1-r5\nA:x86_64\no:busybox\n\n'
for d in */; do printf '%-16s %s seeds\n' "${d%/}" "$(find "$d" -type f | wc -l)"; done
