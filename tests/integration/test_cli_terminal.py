#!/usr/bin/env python3
"""`myst-upgrade secret` on a real terminal (a pseudo-terminal): the prompt is shown, what is
typed is not echoed, and echo comes back both when the line is read and when Ctrl-C (SIGINT)
ends the program at the prompt (core/base/Platform's TerminalEchoOff, through app/cli/Terminal).
"""
import json
import os
import select
import signal
import subprocess
import tempfile
import termios
import time
import unittest

CLI = os.environ["MYST_CLI"]


class SecretOnATerminal(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="myst-tty-")
        self.site = os.path.join(self.tmp.name, "site.json")
        with open(self.site, "w") as f:
            json.dump({"hosts": {"prod": {"host": "myst.example.com", "user": "oracle",
                                          "auth": "password", "mystHome": "/u01/myst-studio",
                                          "consoleUrl": "https://127.0.0.1:8443/"}}}, f)
        self.master, self.slave = os.openpty()
        # No keychain here: storing fails at once, after the line has been read.
        env = dict(os.environ, XDG_STATE_HOME=os.path.join(self.tmp.name, "state"),
                   DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent/bus")
        self.proc = subprocess.Popen([CLI, "secret", "--site", self.site, "--role", "prod"],
                                     stdin=self.slave, stdout=self.slave, stderr=self.slave,
                                     env=env, start_new_session=True)

    def tearDown(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
        os.close(self.slave)
        self.tmp.cleanup()

    def read_until(self, marker, seconds=20):
        seen = b""
        deadline = time.monotonic() + seconds
        while marker not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(self.master, 4096)
                except OSError:
                    break
        return seen

    def echoing(self):
        return bool(termios.tcgetattr(self.slave)[3] & termios.ECHO)

    def wait_for_echo_off(self):
        # The prompt is written just before echo is switched off.
        deadline = time.monotonic() + 10
        while self.echoing() and time.monotonic() < deadline:
            time.sleep(0.02)
        return not self.echoing()

    def test_typed_secret_is_not_echoed(self):
        self.assertTrue(self.echoing())
        shown = self.read_until(b"(not echoed): ")
        self.assertIn(b"Password or passphrase for oracle@myst.example.com:22", shown)
        self.assertTrue(self.wait_for_echo_off(), "echo is still on at the prompt")
        os.write(self.master, b"hunter2\n")
        self.proc.wait(timeout=60)
        rest = self.read_until(b"\x00", seconds=1)
        self.assertNotIn(b"hunter2", shown + rest)
        self.assertTrue(self.echoing(), "echo stayed off after the line was read")

    def test_ctrl_c_at_the_prompt_gives_echo_back(self):
        self.read_until(b"(not echoed): ")
        self.assertTrue(self.wait_for_echo_off())
        self.proc.send_signal(signal.SIGINT)
        self.assertEqual(self.proc.wait(timeout=30), -signal.SIGINT)
        self.assertTrue(self.echoing(), "Ctrl-C left the terminal without echo")


if __name__ == "__main__":
    unittest.main(verbosity=2)
