#!/usr/bin/env python3
"""Issue 15 (3 of 8): the console is read through the host's SSH session, over real TLS. A
self-signed certificate is handled like an unknown host key: `check` fails and prints the
fingerprint and the exact consoleCertSha256 line; pinned, it is trusted; another is refused."""
import json
import os
import ssl
import subprocess
import threading
import http.server
import unittest

from clitest import CliTestCase


class TlsConsole(CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cert = os.path.join(cls.tmp.name, "console.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=myst-console.internal", "-keyout", cls.cert, "-out",
                        cls.cert], check=True, capture_output=True)
        out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in",
                              cls.cert], check=True, capture_output=True, text=True).stdout
        cls.fingerprint = out.strip().split("=", 1)[1]

        class Console(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/":  # as real consoles do: to the login page, same host
                    self.send_response(302)
                    self.send_header("Location", "/console/login")
                    self.end_headers()
                    return
                body = b"<html><footer>MyST Studio 1.0.0</footer></html>"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Console)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cls.cert)
        cls.server.socket = context.wrap_socket(cls.server.socket, server_side=True)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.url = f"https://127.0.0.1:{cls.server.server_address[1]}/"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        super().tearDownClass()

    def check(self, pin=None):
        site = json.loads(json.dumps(self.site_json))
        site["hosts"]["prod"]["consoleUrl"] = self.url
        if pin:
            site["hosts"]["prod"]["consoleCertSha256"] = pin
        path = os.path.join(self.tmp.name, "tls-site.json")
        with open(path, "w") as f:
            json.dump(site, f)
        p = self.cli("check", "--site", path, "--json")
        checks = {e["name"]: e for e in map(json.loads, p.stdout.splitlines())
                  if e["event"] == "check"}
        return p, checks["console"]

    def test_an_unknown_certificate_is_shown_with_the_line_to_pin(self):
        p, console = self.check()
        self.assertEqual(console["level"], "fail", console)
        self.assertIn(f'"consoleCertSha256": "{self.fingerprint}"', console["message"])
        self.assertNotEqual(p.returncode, 0)

    def test_a_pinned_certificate_is_trusted_colons_and_case_optional(self):
        for pin in (self.fingerprint, self.fingerprint.replace(":", "").lower()):
            with self.subTest(pin=pin):
                p, console = self.check(pin)
                self.assertEqual(console["level"], "pass", console)
                self.assertIn("MyST Studio 1.0.0", console["message"])

    def test_another_certificate_than_the_pinned_one_is_refused(self):
        other = "AA:" * 31 + "AA"
        p, console = self.check(other)
        self.assertEqual(console["level"], "fail", console)
        self.assertIn("not the pinned", console["message"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
