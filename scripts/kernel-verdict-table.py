#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""dcea's kernel verdicts against the truth of the records, with precision and recall.

    scripts/kernel-verdict-table.py [--dcea build/dcea] [--update-doc]

Runs `dcea scan kernel --release R --json --all` (with --proc-version, --signature and a
changelog fixture where the row has them) for 50 release strings and compares each verdict on
the CVEs that have truth independent of the rule file:
  - the CVE records in scanners/cverecords/ (mainline ranges; the Linux CNA's per-branch
    fixes; Canonical's fixed Ubuntu packages),
  - the upstream stable release whose section of Debian's changelog names the fix
    (tests/fixtures/kernel/debian-stable-cves.txt),
  - for Debian kernels with a changelog fixture, that changelog,
  - for rows marked "+ osv" (dcea given the vendor OSV records of tests/fixtures/osv-kernel
    with --db), where the above say nothing, the vendor's record for the kernel's release and
    source package: Debian's (built from its complete linux changelogs) and Canonical's own;
    an Ubuntu kernel known by its ABI only is compared by ABI. Those cells check the matcher
    against the vendor's data, not the data itself.
A cell the records cannot decide has truth '?', and counts nowhere. Every row runs with
DCEA_DB_ROOT on an empty directory: what this machine has installed does not count. "Vulnerable" is the
positive class. --update-doc rewrites the table in docs/SCANNERS.md between its markers.
"""
import glob
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(TOP, "tests/fixtures/kernel")
BOOKWORM = os.path.join(FIX, "debian-bookworm-linux-6.1.82-1.changelog.gz")
BULLSEYE = os.path.join(FIX, "debian-bullseye-linux-5.10.209-2.changelog.gz")
RPM = os.path.join(FIX, "rpm-kernel-changelog.txt")
OSV = os.path.join(TOP, "tests/fixtures/osv-kernel")
NO_DB = os.path.join(tempfile.gettempdir(), "dcea-verdict-table-no-db-%d" % os.getpid())
CVES = ["CVE-2025-21756", "CVE-2024-50264", "CVE-2024-1086", "CVE-2024-26581", "CVE-2023-4623", "CVE-2023-0179", "CVE-2022-34918",
        "CVE-2022-27666", "CVE-2022-0995", "CVE-2022-0492", "CVE-2022-2588", "CVE-2021-22555",
        "CVE-2021-3490", "CVE-2023-2640"]


def deb(v, sig=None):
    return "#1 SMP PREEMPT_DYNAMIC Debian %s" % v


# label, release, --proc-version, --signature, --changelog
ROWS = [("upstream", r, None, None, None) for r in (
    "4.9.300", "4.14.300", "4.19.305", "4.19.306", "5.4.268", "5.4.269", "5.10.101",
    "5.10.194", "5.10.195", "5.10.209", "5.10.210", "5.15.148", "5.15.149", "5.16.5", "5.16.15",
    "5.18.10", "6.1.52", "6.1.75", "6.1.77", "6.1.78", "6.1.130", "6.1.131", "6.5.13", "6.6.15", "6.6.16",
    "6.6.60", "6.6.79", "6.7.4", "6.8.0", "6.9.12", "6.12.15", "6.12.16", "6.14.0")] + [
    ("debian", "6.1.0-17-amd64", deb("6.1.69-1"), None, BOOKWORM),
    ("debian", "6.1.0-18-amd64", deb("6.1.76-1"), None, BOOKWORM),
    ("debian", "6.1.0-19-amd64", deb("6.1.82-1"), None, BOOKWORM),
    ("debian", "5.10.0-27-amd64", deb("5.10.209-1"), None, BULLSEYE),
    ("debian", "5.10.0-28-amd64", deb("5.10.209-2"), None, BULLSEYE),
    ("debian", "6.1.0-18-amd64", deb("6.1.76-1"), None, None),
    ("debian", "6.1.0-18-amd64", None, None, None),
    ("debian", "5.10.0-28-amd64", None, None, None),
    ("debian", "4.19.0-26-amd64", None, None, None),
    ("ubuntu", "5.15.0-91-generic", None, "Ubuntu 5.15.0-91.101-generic 5.15.131", None),
    ("ubuntu", "6.2.0-25-generic", None, "Ubuntu 6.2.0-25.25-generic 6.2.16", None),
    ("ubuntu", "6.2.0-26-generic", None, "Ubuntu 6.2.0-26.26-generic 6.2.16", None),
    ("ubuntu", "5.4.0-150-generic", None, "Ubuntu 5.4.0-150.167-generic 5.4.233", None),
    ("ubuntu", "5.4.0-155-generic", None, "Ubuntu 5.4.0-155.172-generic 5.4.243", None),
    ("ubuntu", "6.8.0-31-generic", None, "Ubuntu 6.8.0-31.31-generic 6.8.1", None),
    ("ubuntu", "6.5.0-14-generic", None, "Ubuntu 6.5.0-14.14-generic 6.5.3", None),
    ("rhel", "4.18.0-477.10.1.el8_8.x86_64", None, None, None),
    ("rhel", "4.18.0-513.24.1.el8_9.x86_64", None, None, RPM),
    ("rhel", "5.14.0-362.8.1.el9_3.x86_64", None, None, None),
    ("rhel", "3.10.0-1160.el7.x86_64", None, None, None),
    ("rhel", "5.14.0-70.13.1.el9_0.x86_64", None, None, None),
    ("amazon", "5.10.210-201.852.amzn2.x86_64", None, None, None),
    ("amazon", "5.10.205-195.807.amzn2.x86_64", None, None, None),
    ("amazon", "6.1.77-99.164.amzn2023.x86_64", None, None, None),
    ("amazon", "4.14.336-257.562.amzn2.x86_64", None, None, None),
]
# the same kernels with the vendor's OSV records (--db): (label, release, pv, sig, changelog, osv)
ROWS = [r + (False,) for r in ROWS] + [r + (True,) for r in (
    ("debian", "6.1.0-17-amd64", deb("6.1.69-1"), None, None),
    ("debian", "6.1.0-18-amd64", deb("6.1.76-1"), None, None),
    ("debian", "6.1.0-19-amd64", deb("6.1.82-1"), None, None),
    ("debian", "5.10.0-27-amd64", deb("5.10.209-1"), None, None),
    ("debian", "5.10.0-28-amd64", deb("5.10.209-2"), None, None),
    ("ubuntu", "5.15.0-91-generic", None, "Ubuntu 5.15.0-91.101-generic 5.15.131", None),
    ("ubuntu", "5.15.0-91-generic", None, None, None),
    ("ubuntu", "5.15.0-105-generic", None, None, None),
    ("ubuntu", "5.4.0-150-generic", None, "Ubuntu 5.4.0-150.167-generic 5.4.233", None),
    ("ubuntu", "5.4.0-155-generic", None, "Ubuntu 5.4.0-155.172-generic 5.4.243", None),
)]


def kv(s):
    m = re.match(r"^(\d+)\.(\d+)(?:\.(\d+))?", s)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)) if m else None


def mainline(s):
    return kv(re.sub(r"[-~]rc\d+$", "", s)) if s and re.match(r"^\d+\.\d+", s) else None


def dpkg_lt(a, b):
    return subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0


def load_records():
    recs = {}
    for f in glob.glob(os.path.join(TOP, "scanners/cverecords/CVE-*.json")):
        r = json.load(open(f))
        t = {"stable": {}, "ubuntu": {}}
        for a in r["containers"]["cna"].get("affected", []):
            vs = a.get("versions", [])
            if a.get("product") == "Ubuntu Kernel":
                for v in vs:
                    t["ubuntu"][".".join(v["lessThan"].split(".")[:2])] = v["lessThan"]
                continue
            cna = any(v.get("versionType") == "original_commit_for_fix" for v in vs)
            t["complete"] = cna
            for v in vs:
                if cna and v.get("versionType") == "original_commit_for_fix":
                    t["fixed"] = mainline(v["version"])
                elif cna and str(v.get("lessThanOrEqual", "")).endswith(".*"):
                    s = kv(v["version"])
                    t["stable"][s[:2]] = s
                elif cna and v.get("version") == "0":
                    t["introduced"] = mainline(v["lessThan"])
                elif not cna and v.get("status") == "affected" and "lessThan" in v:
                    if mainline(v["version"]):
                        t["introduced"] = mainline(v["version"])
                    if mainline(v["lessThan"]):
                        t["fixed"] = mainline(v["lessThan"])
        recs[r["cveMetadata"]["cveId"]] = t
    for line in open(os.path.join(FIX, "debian-stable-cves.txt")):
        if line.startswith("#"):
            continue
        cve, ver = line.split()[:2]
        s = kv(ver)
        recs.setdefault(cve, {"stable": {}, "ubuntu": {}})["stable"].setdefault(s[:2], s)
    return recs


def load_osv():
    """(ecosystem, package, CVE) -> fixed versions, from the vendor records in OSV"""
    fixes = {}
    for f in glob.glob(os.path.join(OSV, "*/*.json")):
        r = json.load(open(f))
        cves = {r["id"]} | set(r.get("upstream", [])) | set(r.get("aliases", []))
        for a in r["affected"]:
            eco = re.sub(r":LTS$", "", a["package"]["ecosystem"])
            ev = [e for rg in a.get("ranges", []) for e in rg["events"]]
            fixed = [e["fixed"] for e in ev if "fixed" in e]
            for cve in cves:
                if cve.startswith("CVE-"):
                    fixes[(eco, a["package"]["name"], cve)] = fixed
    return fixes


def osv_key(label, release, pv, sig):
    """(ecosystem, package, version, abi_only) as the vendor names this kernel, or None"""
    if label == "debian" and pv:
        ver = pv.split()[-1]
        rel = {"6.1": "12", "5.10": "11", "4.19": "10"}.get(".".join(ver.split(".")[:2]))
        return ("Debian:" + rel, "linux", ver, False) if rel else None
    if label == "ubuntu":
        ver = sig.split()[1].rsplit("-", 1)[0] if sig else release.rsplit("-", 1)[0]
        rel = {"5.15": "22.04", "5.4": "20.04", "6.8": "24.04"}.get(".".join(ver.split(".")[:2]))
        return ("Ubuntu:" + rel, "linux", ver, not sig) if rel else None
    return None


def abi(v):
    return v.split("~")[0].rsplit(".", 1)[0] if "." in v.split("-", 1)[-1] else v


def osv_truth(fixes, cve, label, release, pv, sig):
    k = osv_key(label, release, pv, sig)
    if not k or (k[0], k[1], cve) not in fixes:
        return None
    eco, pkg, ver, abi_only = k
    fixed = fixes[(eco, pkg, cve)]
    if not fixed:
        return "V"  # the vendor has no fix
    f = fixed[0]  # one fixed event per entry in these records
    if abi_only:
        if abi(f) == ver:
            return "?"
        return "V" if dpkg_lt(ver, abi(f)) else "F"
    return "V" if dpkg_lt(ver, f) else "F"


def changelog(path, upto):
    """CVEs named and upstream stable bases of a Debian changelog, entries up to upto."""
    named, bases, skip = set(), {}, False
    for line in gzip.open(path, "rt"):
        m = re.match(r"^linux \(([^)]+)\)", line)
        if m:
            skip = upto is not None and dpkg_lt(upto, m.group(1))
            continue
        if skip:
            continue
        named.update(re.findall(r"CVE-\d{4}-\d+", line))
        m = re.search(r"ChangeLog-(\d+\.\d+\.\d+)$", line.strip())
        if m:
            s = kv(m.group(1))
            bases[s[:2]] = max(bases.get(s[:2], s), s)
    return named, bases


def truth(rec, cve, label, release, pv, sig, cl):
    """'V' vulnerable, 'F' fixed or not affected, '?' the records cannot say."""
    if cve == "CVE-2023-2640":
        if label != "ubuntu":
            return "F"
        if not sig:
            return "?"
        pkg = sig.split()[1].rsplit("-", 1)[0]
        fix = rec["ubuntu"].get(".".join(pkg.split(".")[:2]))
        return "?" if not fix else "V" if dpkg_lt(pkg, fix) else "F"
    base = None
    if label == "upstream":
        base = kv(release)
    elif label == "ubuntu" and sig:
        base = kv(sig.split()[2])
    elif label == "amazon":
        base = kv(release)
    elif label == "debian" and pv:
        base = kv(pv.split()[-1])
    branch = (base or kv(release))[:2]
    fixed, intro = rec.get("fixed"), rec.get("introduced")
    if fixed and branch >= fixed[:2]:
        return "F"
    if label == "debian" and cl:
        named, bases = changelog(cl, pv.split()[-1] if pv else None)
        if cve in named:
            return "F"
        base = bases.get(branch)
    if label == "rhel" and cl and cve in open(cl).read():
        return "F"
    s = rec["stable"].get(branch)
    if base and s:
        if base >= s:
            return "F"
        # a vendor kernel below the stable fix may carry a backport; upstream and Debian
        # (whose changelog names every fix it carries) do not
        if label in ("upstream", "debian") and (not intro or branch >= intro[:2]):
            return "V"
        return "?"
    if label == "upstream" and intro and branch < intro[:2] and not s:
        return "F"
    if label == "upstream" and rec.get("complete") and intro and branch >= intro[:2]:
        return "V"  # the Linux CNA lists every fixed branch: this one has none
    return "?"


def verdicts(dcea, release, pv, sig, cl, osv):
    cmd = [dcea, "scan", "kernel", "--release", release, "--json", "--all"]
    if osv:
        cmd += ["--db", os.path.join(OSV, "debian"), "--db", os.path.join(OSV, "ubuntu")]
    for opt, val in (("--proc-version", pv), ("--signature", sig), ("--changelog", cl)):
        if val:
            cmd += [opt, val]
    env = dict(os.environ, DCEA_DB_ROOT=NO_DB)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env).stdout
    v = {}
    for line in out.splitlines():
        o = json.loads(line)
        if o["check"].startswith("kernel.CVE-"):
            word = o["detail"][0].split(":")[0]
            v[o["check"][7:]] = ({"vulnerable": "V", "fixed": "F", "not affected": "F"}
                                 .get(word, "?"), o.get("source", ""))
    return v


def main():
    dcea = os.path.join(TOP, "build/dcea")
    if "--dcea" in sys.argv:
        dcea = sys.argv[sys.argv.index("--dcea") + 1]
    recs, fixes = load_records(), load_osv()
    rows, tp, fp, fn, wrong_pass, unknown_known, known = [], 0, 0, 0, [], 0, 0
    for label, release, pv, sig, cl, osv in ROWS:
        v = verdicts(dcea, release, pv, sig, cl, osv)
        cells = []
        for cve in CVES:
            d, _ = v[cve]
            t = truth(recs.get(cve, {"stable": {}, "ubuntu": {}}), cve, label, release, pv, sig,
                      cl)
            # the vendor's record only where the records and Debian's sections say nothing,
            # so that a wrong vendor fixture still shows as a wrong verdict elsewhere
            if t == "?" and osv:
                t = osv_truth(fixes, cve, label, release, pv, sig) or "?"
            cell = "%s/%s" % (d, t)
            if t != "?":
                known += 1
                tp += d == "V" and t == "V"
                fp += d == "V" and t == "F"
                fn += t == "V" and d != "V"
                unknown_known += d == "?"
                if t == "V" and d == "F":
                    wrong_pass.append((release, cve))
                    cell = "**%s**" % cell
                elif d != t and d != "?":
                    cell = "*%s*" % cell
            cells.append(cell)
        what = release + (" + " + pv.split()[-1] if pv else "") + \
            (" + sig" if sig else "") + (" + changelog" if cl else "") + (" + osv" if osv else "")
        rows.append("| %s | %s | %s |" % (label, what, " | ".join(cells)))
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec_ = tp / (tp + fn) if tp + fn else 1.0
    lines = [
        "| kernel | release (+ given data) | %s |" % " | ".join(c[4:] for c in CVES),
        "|---|---|%s" % ("---|" * len(CVES)),
    ] + rows + [
        "",
        "Cells: dcea's verdict / the records' truth; V vulnerable, F fixed or not affected, "
        "? unknown. **Bold**: a wrong PASS; *italic*: another disagreement.",
        "",
        "%d rows, %d cells with a known truth: precision %.1f%% (%d of %d vulnerable verdicts "
        "right), recall %.1f%% (%d of %d vulnerable cells found), %d answered unknown, "
        "%d wrong PASS%s." % (len(ROWS), known, 100 * prec, tp, tp + fp, 100 * rec_, tp, tp + fn,
                              unknown_known, len(wrong_pass),
                              "" if not wrong_pass else ": " + ", ".join(
                                  "%s %s" % w for w in wrong_pass)),
    ]
    table = "\n".join(lines)
    if "--update-doc" in sys.argv:
        doc = os.path.join(TOP, "docs/SCANNERS.md")
        s = open(doc).read()
        a, b = "<!-- kernel-verdict-table begin -->\n", "<!-- kernel-verdict-table end -->"
        s = s[:s.index(a) + len(a)] + table + "\n" + s[s.index(b):]
        open(doc, "w").write(s)
    print(table)
    return 1 if wrong_pass else 0


if __name__ == "__main__":
    sys.exit(main())
