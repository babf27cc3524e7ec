#!/usr/bin/env python3
"""Issue 26 (1 of 5): myst-upgrade-wizard.exe, the Windows build, started under wine on an X
server (xvfb-run) as a user starts it, with a site whose host is a simulated one (real sshd):
its window comes up with the Start page, it asks the host what it knows over SSH, and its state
folder is the user's local application data (%LOCALAPPDATA%\\myst-upgrade), not a Unix path.
A screenshot of the window is kept in build-win64/artifacts."""
import os
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from clitest import CliTestCase  # noqa: E402

ROOT = os.path.join(HERE, "..", "..")
WIZARD = os.environ.get("MYST_WIN_WIZARD",
                        os.path.join(ROOT, "build-win64", "stage", "myst-upgrade-wizard.exe"))
ARTIFACTS = os.path.join(ROOT, "build-win64", "artifacts")
PREFIX = os.environ["WINEPREFIX"]


def windows_user():
    return [u for u in os.listdir(os.path.join(PREFIX, "drive_c", "users"))
            if u.lower() != "public"][0]


def window_named(name):
    p = subprocess.run(["xdotool", "search", "--name", name], capture_output=True, text=True)
    return p.stdout.split()


class WindowsWizard(CliTestCase):
    def test_the_wizard_shows_its_start_page_and_reads_the_host(self):
        os.makedirs(ARTIFACTS, exist_ok=True)
        env = dict(os.environ, WINEDEBUG="-all")
        env.pop("XDG_STATE_HOME", None)  # the Windows default: %LOCALAPPDATA%
        log = open(os.path.join(ARTIFACTS, "wizard-wine.log"), "wb")
        wizard = subprocess.Popen(["/usr/lib/wine/wine64", WIZARD, "--site", self.site],
                                  env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        try:
            deadline = time.time() + 120
            while not window_named("MyST Upgrade Wizard") and time.time() < deadline:
                self.assertIsNone(wizard.poll(), "the wizard ended before its window showed")
                time.sleep(0.5)
            self.assertTrue(window_named("MyST Upgrade Wizard"), "no wizard window")
            # The Start page asks the host what it knows: a login over SSH from the Windows
            # build, seen in the host's sshd log.
            sshd_log = os.path.join(self.dir, "prod", "ssh", "sshd.log")
            while time.time() < deadline:
                with open(sshd_log) as f:
                    if "Accepted publickey" in f.read():
                        break
                time.sleep(0.5)
            time.sleep(3)  # the answer drawn
            shot = os.path.join(ARTIFACTS, "wizard-start-page-wine.png")
            subprocess.run(["import", "-window", "root", shot], check=True)
            self.assertIsNone(wizard.poll(), "the wizard ended")
            with open(sshd_log) as f:
                self.assertIn("Accepted publickey", f.read())
            state = os.path.join(PREFIX, "drive_c", "users", windows_user(), "AppData", "Local",
                                 "myst-upgrade")
            self.assertTrue(os.path.isdir(state), f"no state folder at {state}")
        finally:
            wizard.terminate()
            try:
                wizard.wait(20)
            except subprocess.TimeoutExpired:
                wizard.kill()
            log.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
