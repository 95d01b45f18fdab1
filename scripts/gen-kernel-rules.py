#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Generate scanners/kernel_rules.yaml from the CVE records and the hand-written half.

    scripts/gen-kernel-rules.py            write scanners/kernel_rules.yaml
    scripts/gen-kernel-rules.py --check    exit 1 when the committed file differs

Versions come from the CVE JSON 5 records in scanners/cverecords/ wherever a record has them
(see record_versions); everything else (what the escape does, what it needs, vendor packages,
stable fixes that no record names) from scanners/kernel_rules.hand.yaml. A hand field that the
record also carries is an error: one fact, one source. tests/unit/scanners/test_kernel_records.c
reads the records the same way and fails when a rule disagrees with its record.
"""
import glob
import json
import os
import re
import sys

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HAND = os.path.join(TOP, "scanners/kernel_rules.hand.yaml")
OUT = os.path.join(TOP, "scanners/kernel_rules.yaml")
RECORDS = os.path.join(TOP, "scanners/cverecords")
KVER = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?$")


def mainline(v):
    """'6.8-rc4' or '6.0~rc1' -> '6.8' / '6.0'; None when v is no kernel version."""
    v = re.sub(r"[-~]rc\d+$", "", v or "")
    return v if KVER.match(v) else None


def record_versions(rec):
    """What a record says, in the rule file's terms: introduced, fixed, stable, ubuntu."""
    out = {"stable": [], "ubuntu": {}}
    cna = rec["containers"]["cna"].get("affected", [])
    adp = [a for c in rec["containers"].get("adp", []) for a in c.get("affected", [])]
    for a in cna:
        vs = a.get("versions", [])
        if a.get("vendor") == "Canonical" and a.get("product") == "Ubuntu Kernel":
            # Canonical writes 'unaffected, lessThan FIXED' (CISA's ADP rewrote it 'affected'):
            # either way lessThan is the first fixed package of that branch
            for v in vs:
                m = re.match(r"^(\d+\.\d+)\.\d+-", v.get("lessThan", ""))
                if m:
                    out["ubuntu"][m.group(1)] = v["lessThan"]
            continue
        if any(v.get("versionType") == "original_commit_for_fix" for v in vs):
            # the Linux CNA: one 'unaffected' range per stable branch, the mainline fix, and
            # '0 <= v < X unaffected' for the release that brought the bug
            for v in vs:
                le = v.get("lessThanOrEqual", "")
                if v.get("versionType") == "original_commit_for_fix":
                    out["fixed"] = mainline(v["version"])
                elif v.get("status") == "unaffected" and le.endswith(".*"):
                    out["stable"].append(v["version"])
                elif v.get("status") == "unaffected" and v.get("version") == "0":
                    out["introduced"] = mainline(v.get("lessThan"))
            continue
        for v in vs:
            # a mainline range: 'affected from V, lessThan F' (Google, Canonical CNAs)
            if v.get("status") != "affected" or "lessThan" not in v:
                continue
            if mainline(v.get("version")):
                out["introduced"] = mainline(v["version"])
            if mainline(v.get("lessThan")):
                out["fixed"] = mainline(v["lessThan"])
    del adp  # ADP entries repeat the CNA's (CISA); they are kept in the files, not read
    return {k: v for k, v in out.items() if v}


def kv(s):
    return tuple(int(x) for x in s.split("."))


def q(s):
    return json.dumps(s, ensure_ascii=False)


def emit_rule(r, src):
    lines = ["  - id: %s" % r["id"]]
    for k in ("name", "severity", "escape", "reference"):
        if k in r:
            lines.append("    %s: %s" % (k, q(r[k]) if k in ("name", "escape") else r[k]))
    lines.append("    source: %s" % q(src))
    for k in ("introduced", "fixed"):
        if k in r:
            lines.append('    %s: "%s"' % (k, r[k]))
    lines.append("    date: %s" % r["date"])
    if r.get("stable"):
        st = sorted(r["stable"], key=kv, reverse=True)
        lines.append("    stable: [%s]" % ", ".join('"%s"' % s for s in st))
    if r.get("vendor"):
        lines.append("    vendor:")
        for d in sorted(r["vendor"]):
            lines.append("      %s:" % d)
            for b in sorted(r["vendor"][d], key=kv, reverse=True):
                lines.append('        "%s": %s' % (b, r["vendor"][d][b]))
    if r.get("vendor_only"):
        lines.append("    vendor_only: %s" % r["vendor_only"])
    if r.get("requires"):
        lines.append("    requires:")
        for k, v in r["requires"].items():
            if isinstance(v, list):
                v = "[%s]" % ", ".join(v)
            elif isinstance(v, bool):
                v = "true" if v else "false"
            lines.append("      %s: %s" % (k, v))
    return "\n".join(lines)


def main():
    hand = yaml.safe_load(open(HAND))
    records = {}
    for f in sorted(glob.glob(os.path.join(RECORDS, "CVE-*.json"))):
        rec = json.load(open(f))
        records[rec["cveMetadata"]["cveId"]] = rec
    ids = {r["id"] for r in hand["rules"]}
    for cve in records:
        if cve not in ids:
            sys.exit("gen-kernel-rules: record %s has no rule in %s" % (cve, HAND))
    out = [
        "# SPDX-License-Identifier: GPL-2.0-only",
        "# GENERATED by scripts/gen-kernel-rules.py from scanners/kernel_rules.hand.yaml and the",
        "# CVE records in scanners/cverecords/: edit those and run the script, never this file.",
        "# 'source' says where each rule's versions come from. Format: docs/SCANNERS.md.",
        "version: 1", "", "eol:",
    ]
    for b, m in hand["eol"].items():
        out.append('  "%s": %s' % (b, m if isinstance(m, str) else "%04d-%02d" % (m.year, m.month)))
    out += ["", "rules:"]
    for r in hand["rules"]:
        r = dict(r)
        r["date"] = str(r["date"])[:7] if not hasattr(r["date"], "year") else \
            "%04d-%02d" % (r["date"].year, r["date"].month)
        rec = records.get(r["id"])
        ss = r.pop("stable_source", None)
        got = record_versions(rec) if rec else {}
        for k in ("introduced", "fixed"):
            if k in got and k in r:
                sys.exit("gen-kernel-rules: %s: '%s' is in the record (%s), remove it from %s"
                         % (r["id"], k, got[k], HAND))
            if k in got:
                r[k] = got[k]
        if got.get("stable"):
            if r.get("stable"):
                sys.exit("gen-kernel-rules: %s: the record lists the stable fixes, remove "
                         "'stable' from %s" % (r["id"], HAND))
            r["stable"] = got["stable"]
        for b, v in got.get("ubuntu", {}).items():
            have = r.setdefault("vendor", {}).setdefault("ubuntu", {})
            if b in have:
                sys.exit("gen-kernel-rules: %s: ubuntu %s is in the record" % (r["id"], b))
            have[b] = v
        if not rec:
            src = "hand: no CVE record kept"
        else:
            who = rec["cveMetadata"]["assignerShortName"]
            parts = ["%s from the %s CNA record" % ("/".join(k for k in
                     ("introduced", "fixed", "stable", "ubuntu") if k in got), who)] if got \
                else ["the %s CNA record has no usable versions" % who]
            if ss:
                parts.append("stable by hand: " + " ".join(ss.split()))
            src = "; ".join(parts)
        if ss and not rec:
            src += "; stable: " + " ".join(ss.split())
        out += [emit_rule(r, src), ""]
    text = "\n".join(out).rstrip("\n") + "\n"
    if sys.argv[1:] == ["--check"]:
        if open(OUT).read() != text:
            sys.exit("gen-kernel-rules: %s is stale: run scripts/gen-kernel-rules.py" % OUT)
        return
    with open(OUT, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
