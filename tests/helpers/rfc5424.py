#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# Checks syslog lines (one message a line, from syslog_listen.py) against RFC 5424's ABNF:
# <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG, with a TIMESTAMP of at
# most 6 fraction digits, SD-PARAM values with '"', '\' and ']' escaped, and a MSG that is one
# JSON object. Prints one JSON object per message for jq: {pri, msgid, sd: {...}, msg: {...}}.
# Exit 1 naming the first line that does not conform.
import json
import re
import sys

PRINT = r"[\x21-\x7e]"
HEADER = re.compile(
    r"^<(?P<pri>\d{1,3})>1 "
    r"(?P<ts>-|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)) "
    rf"(?P<host>-|{PRINT}{{1,255}}) (?P<app>-|{PRINT}{{1,48}}) (?P<procid>-|{PRINT}{{1,128}}) "
    rf"(?P<msgid>-|{PRINT}{{1,32}}) (?P<rest>.*)$"
)
SDNAME_RE = r"[^= \]\"\x00-\x20\x7f-\xff]{1,32}"
ELEMENT = re.compile(rf"\[(?P<id>{SDNAME_RE})(?P<params>(?: {SDNAME_RE}=\"(?:[^\"\\\]]|\\[\"\\\]])*\")*)\]")
PARAM = re.compile(rf" ({SDNAME_RE})=\"((?:[^\"\\\]]|\\[\"\\\]])*)\"")

ok = True
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    line = line.rstrip("\n")
    m = HEADER.match(line)
    if not m or int(m["pri"]) > 191:
        print(f"line {n}: not an RFC 5424 header: {line[:120]}", file=sys.stderr)
        sys.exit(1)
    rest, sd = m["rest"], {}
    if rest.startswith("-"):
        rest = rest[1:]
    else:
        while rest.startswith("["):
            e = ELEMENT.match(rest)
            if not e:
                print(f"line {n}: bad STRUCTURED-DATA: {rest[:120]}", file=sys.stderr)
                sys.exit(1)
            sd[e["id"]] = {k: re.sub(r"\\(.)", r"\1", v) for k, v in PARAM.findall(e["params"])}
            rest = rest[e.end():]
    if not rest.startswith(" "):
        print(f"line {n}: no MSG after STRUCTURED-DATA", file=sys.stderr)
        sys.exit(1)
    try:
        msg = json.loads(rest[1:].lstrip("\ufeff"))
    except ValueError as err:
        print(f"line {n}: MSG is not JSON: {err}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"pri": int(m["pri"]), "ts": m["ts"], "app": m["app"],
                      "procid": m["procid"], "msgid": m["msgid"], "sd": sd, "msg": msg}))
