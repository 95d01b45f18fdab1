#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# A reader of the events socket that reads nothing until GO exists, then everything until the
# stream is quiet for 2 s; writes what it read to OUT.   slow_reader.py SOCKET GO OUT
import os
import socket
import sys
import time

sock, go, out = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sock)
while not os.path.exists(go):
    time.sleep(0.05)
s.settimeout(2)
with open(out, "wb") as f:
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            f.write(d)
    except socket.timeout:
        pass
