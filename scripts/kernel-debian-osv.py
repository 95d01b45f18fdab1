#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Debian OSV records (osv.dev's DEBIAN-CVE shape) for the kernel-rule CVEs, from Debian's own
linux changelogs: the first upload of a release's changelog that names a CVE is its fixed
version there, as Debian's security tracker records it (a CVE named only in a "New upstream
stable update" section counts too: Debian lists the CVE ids of the commits it merges).

    scripts/kernel-debian-osv.py OUTDIR RELEASE=CHANGELOG.gz ...
    e.g. scripts/kernel-debian-osv.py tests/fixtures/osv-kernel/debian \\
             12=bookworm/changelog.gz 11=bullseye/changelog.gz

Without network access to osv.dev this is how tests/fixtures/osv-kernel/debian/ was made (see
its SOURCE.md). A CVE no changelog names gets no entry for that release: Debian's records leave
out releases that were never affected, so a missing entry means "no answer", never "fixed".
"""
import gzip
import json
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def dpkg_lt(a, b):
    return subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0


def rule_ids():
    text = open(os.path.join(TOP, "scanners/kernel_rules.yaml")).read()
    return re.findall(r"^  - id: (CVE-\d+-\d+)$", text, re.M)


def first_fixes(path, ids):
    """CVE -> (first upload naming it, its changelog header line)"""
    fixes, upload = {}, None
    with gzip.open(path, "rt", errors="replace") as f:
        for line in f:
            m = re.match(r"^linux \(([^)]+)\)", line)
            if m:
                upload = m.group(1)
                continue
            for cve in re.findall(r"CVE-\d{4}-\d+", line):
                if cve in ids and upload and (cve not in fixes or dpkg_lt(upload, fixes[cve])):
                    fixes[cve] = upload
    return fixes


def main():
    out, pairs = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
    ids = set(rule_ids())
    per = {rel: first_fixes(path, ids) for rel, path in pairs}
    os.makedirs(out, exist_ok=True)
    n = 0
    for cve in sorted(ids):
        affected = []
        for rel, _ in pairs:
            fixed = per[rel].get(cve)
            if not fixed:
                continue
            affected.append({
                "package": {"name": "linux", "ecosystem": "Debian:%s" % rel},
                "ranges": [{"type": "ECOSYSTEM",
                            "events": [{"introduced": "0"}, {"fixed": fixed}]}],
            })
        if not affected:
            continue
        rec = {
            "id": "DEBIAN-" + cve,
            "upstream": [cve],
            "details": "constructed by scripts/kernel-debian-osv.py from Debian's linux "
                       "changelogs (see SOURCE.md)",
            "affected": affected,
            "references": [{"type": "ADVISORY",
                            "url": "https://security-tracker.debian.org/tracker/" + cve}],
        }
        with open(os.path.join(out, "DEBIAN-%s.json" % cve), "w") as f:
            json.dump(rec, f, indent=1)
            f.write("\n")
        n += 1
    print("wrote %d records to %s" % (n, out))


if __name__ == "__main__":
    main()
