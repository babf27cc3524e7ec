#!/usr/bin/env python3
"""The simulated MyST Studio console: shows the running version in its footer."""
import http.server
import sys

port, version = int(sys.argv[1]), sys.argv[2]
PAGE = f"""<!DOCTYPE html>
<html><head><title>MyST Studio</title></head>
<body><h1>MyST Studio</h1><p>Sign in</p>
<footer><span class="version">MyST Studio {version}</span></footer>
</body></html>
""".encode()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
