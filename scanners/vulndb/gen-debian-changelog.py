#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write OSV records for one Debian source package from its changelog.Debian.gz.

The Debian changelog is the advisory of record for what a Debian version fixes: every CVE it names
in an upload is fixed from that upload on. For each CVE the fixed version is the first upload that
names it as fixed; lines that only mention it (regression follow-ups, dropped or renamed patches,
NEWS entries) do not count, "really fixes" overrides. Pre-bookworm uploads are kept only when they
name the CVE once (several pre-release mentions are ambiguous). Ecosystem: Debian:12, the release
these changelogs come from.

    gen-debian-changelog.py SOURCE CHANGELOG.gz > scanners/vulndb/SOURCE.json
"""
import functools
import gzip
import json
import re
import subprocess
import sys

# CVSS v3.1 vectors only where we are sure of them (NVD/GHSA), else no severity.
KNOWN_CVSS = {
    "CVE-2024-21626": "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H",  # runc, leaky fd escape
    "CVE-2019-5736": "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H",  # runc, /proc/self/exe
    "CVE-2022-0543": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",  # redis, Lua sandbox escape
    "CVE-2021-41773": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",  # httpd path traversal
    "CVE-2021-42013": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # httpd traversal + RCE
    "CVE-2022-3602": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",  # openssl punycode
}
IGNORE = re.compile(r"regression|NEWS|[Dd]rop|removed|renam|now included|Alternative fix", re.I)


def dpkg_cmp(a, b):
    if a == b:
        return 0
    return -1 if subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0 else 1


def main():
    src, path = sys.argv[1], sys.argv[2]
    entries = []  # (version, dist, date, lines)
    for line in gzip.open(path, "rt", errors="replace"):
        m = re.match(r"^(\S+) \(([^)]+)\) ([^;]+);", line)
        if m:
            entries.append([m.group(2), m.group(3).strip(), None, []])
        elif line.startswith(" -- ") and entries:
            entries[-1][2] = line.split(">", 1)[-1].strip()
        elif entries:
            entries[-1][3].append(line.rstrip())
    mentions = {}  # cve -> list of (version, dist, text, really)
    for ver, dist, date, lines in entries:
        for i, line in enumerate(lines):
            for cve in set(re.findall(r"CVE-\d{4}-\d{4,}", line)):
                if IGNORE.search(line):
                    continue
                text = line.strip(" -*+")
                mentions.setdefault(cve, []).append((ver, dist, text, "really fixes" in line))
    # History is newest first; versions do not follow it (1.2-1~deb12u1 < 1.2-1), so the fixed
    # version for the release is the lowest version among the upload that fixed it and every
    # later one: every later upload is then "fixed", every earlier one stays below it.
    index = {e[0]: i for i, e in reversed(list(enumerate(entries)))}
    order = sorted({e[0] for e in entries}, key=functools.cmp_to_key(dpkg_cmp))
    rank = {v: i for i, v in enumerate(order)}
    out = []
    for cve, ms in sorted(mentions.items()):
        really = [m for m in ms if m[3]]
        bookworm = [m for m in ms if "deb12" in m[0] or m[1].startswith("bookworm")]
        if really:
            pick = really[0]
        elif bookworm or len(ms) == 1:
            pick = max(ms, key=lambda m: index[m[0]])  # the oldest upload naming it
        else:
            continue
        upload, dist, text, _ = pick
        ver = min((e[0] for e in entries[:index[upload] + 1]), key=lambda v: rank[v])
        where = "%s (%s)" % (upload, dist)
        if ver != upload:
            where += ", in Debian 12 from %s" % ver
        rec = {
            "schema_version": "1.6.0",
            "id": "DEBIAN-" + cve,
            "aliases": [cve],
            "summary": "%s: %s" % (src, text[:160]) if text != cve else "%s: %s" % (src, cve),
            "affected": [{
                "package": {"ecosystem": "Debian:12", "name": src},
                "ranges": [{"type": "ECOSYSTEM",
                            "events": [{"introduced": "0"}, {"fixed": ver}]}],
            }],
            "references": [{"type": "ADVISORY",
                            "url": "https://security-tracker.debian.org/tracker/" + cve}],
            "database_specific": {
                "source": "Debian changelog of %s: fixed by %s" % (src, where),
            },
        }
        if cve in KNOWN_CVSS:
            rec["severity"] = [{"type": "CVSS_V3", "score": KNOWN_CVSS[cve]}]
        out.append(rec)
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


main()
