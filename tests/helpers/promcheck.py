#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# A strict check of the Prometheus text exposition format 0.0.4 (what Prometheus' own parser
# accepts, plus promtool's lint rules that matter here): metric and label name syntax, label
# value escapes (\\ \" \n only), float values, HELP/TYPE at most once per family and TYPE before
# its samples, each family's lines together, no duplicate series, counters named *_total.
# Prints every sample as `name{a="x",b="y"} value` (labels sorted) for grep; exit 1 naming the
# first offending line.      promcheck.py FILE
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LNAME = r"[a-zA-Z_][a-zA-Z0-9_]*"
LVALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(
    rf"^(?P<name>{NAME})(?:\{{(?P<labels>(?:{LNAME}={LVALUE}(?:,{LNAME}={LVALUE})*,?)?)\}})?"
    r" (?P<value>[^ ]+)(?: (?P<ts>-?\d+))?$"
)
LABEL = re.compile(rf"({LNAME})=({LVALUE})")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def die(n, why, line):
    print(f"line {n}: {why}: {line[:160]}", file=sys.stderr)
    sys.exit(1)


def family(name, types):
    for suffix in ("_bucket", "_count", "_sum"):
        base = name[: -len(suffix)]
        if name.endswith(suffix) and types.get(base) in ("histogram", "summary"):
            return base
    return name


helps, types, done, series = {}, {}, set(), set()
current = None
out = []
text = open(sys.argv[1], encoding="utf-8").read()
if text and not text.endswith("\n"):
    die(text.count("\n") + 1, "the last line has no newline", text.splitlines()[-1])
for n, line in enumerate(text.splitlines(), 1):
    if not line.strip():
        continue
    if line.startswith("#"):
        parts = line.split(" ", 3)
        if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
            name = parts[2]
            if not re.fullmatch(NAME, name):
                die(n, "bad metric name", line)
            if name in done and name != current:
                die(n, "family seen before, not together", line)
            if current != name:
                if current:
                    done.add(current)
                current = name
            seen = helps if parts[1] == "HELP" else types
            if name in seen:
                die(n, f"second {parts[1]} for {name}", line)
            if parts[1] == "TYPE":
                if len(parts) != 4 or parts[3] not in TYPES:
                    die(n, "bad TYPE", line)
                if any(s[0] == name for s in series):
                    die(n, "TYPE after samples", line)
                if parts[3] == "counter" and not name.endswith("_total"):
                    die(n, "counter not named *_total", line)
            seen[name] = parts[3] if len(parts) > 3 else ""
        continue
    m = SAMPLE.match(line)
    if not m:
        die(n, "not a sample", line)
    name = m["name"]
    fam = family(name, types)
    if fam != current:
        if fam in done:
            die(n, "family seen before, not together", line)
        if current:
            done.add(current)
        current = fam
    v = m["value"]
    if v not in ("NaN", "+Inf", "-Inf"):
        try:
            float(v)
        except ValueError:
            die(n, "value is not a float", line)
    labels = LABEL.findall(m["labels"] or "")
    keys = [k for k, _ in labels]
    if len(set(keys)) != len(keys):
        die(n, "repeated label", line)
    key = (name, tuple(sorted(labels)))
    if key in series:
        die(n, "duplicate series", line)
    series.add(key)
    lab = ",".join(f"{k}={v}" for k, v in sorted(labels))
    out.append(f"{name}{{{lab}}} {v}" if lab else f"{name} {v}")
print("\n".join(out))
