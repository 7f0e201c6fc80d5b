#!/usr/bin/env python3
"""serve_dir.py DIR PORTFILE LOGFILE: a static HTTP server on 127.0.0.1 (port
chosen by the kernel, written to PORTFILE), logging each request path."""
import functools
import http.server
import os
import sys

directory, port_file, log_file = sys.argv[1:4]


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        with open(log_file, "a") as f:
            f.write(self.command + " " + self.path + "\n")


server = http.server.ThreadingHTTPServer(
    ("127.0.0.1", 0), functools.partial(Handler, directory=directory))
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.replace(port_file + ".tmp", port_file)
server.serve_forever()
