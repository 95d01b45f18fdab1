#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A tiny HTTP server on 127.0.0.1 for the `dcea db update` tests: serves files from DIR and can
misbehave per path prefix, as real servers do:
  /ok/PATH        the file, with x-goog-hash (crc32c and md5) as Google Cloud Storage sends them
  /badsum/PATH    the file, with an x-goog-hash MD5 that is not the file's
  /truncate/PATH  Content-Length of the whole file, half of it sent, then the connection closed
  /stall/PATH     headers and 100 bytes, then nothing (until the client gives up)
  /missing/PATH   404
Prints the port on stdout once listening. Usage: osv-server.py DIR"""
import base64
import hashlib
import http.server
import os
import socketserver
import sys
import time
import zlib

ROOT = sys.argv[1]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("osv-server: " + fmt % args + "\n")

    def do_GET(self):
        mode, _, rest = self.path.lstrip("/").partition("/")
        path = os.path.join(ROOT, rest)
        if mode == "missing" or not os.path.isfile(path):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = open(path, "rb").read()
        md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
        if mode == "badsum":
            md5 = base64.b64encode(hashlib.md5(data + b"x").digest()).decode()
        crc = base64.b64encode((zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "big")).decode()
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-goog-hash", "crc32c=" + crc)
        self.send_header("x-goog-hash", "md5=" + md5)
        self.end_headers()
        if mode == "truncate":
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if mode == "stall":
            self.wfile.write(data[:100])
            self.wfile.flush()
            time.sleep(3600)
            return
        self.wfile.write(data)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
