#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# A syslog listener for the tests: every datagram received on a unix datagram socket or a UDP
# port (RFC 5426: one message per datagram) is appended to OUT as one line.
#   syslog_listen.py unix PATH OUT      syslog_listen.py udp PORT OUT
import os
import socket
import sys

kind, where, out = sys.argv[1:4]
if kind == "unix":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if os.path.exists(where):
        os.unlink(where)
    s.bind(where)
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", int(where)))
with open(out, "ab", buffering=0) as f:
    while True:
        d = s.recv(65536)
        f.write(d.replace(b"\n", b"\\n") + b"\n")
