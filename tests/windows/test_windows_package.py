#!/usr/bin/env python3
"""Issue 26 (1 of 5): what a Windows user installs, installed as a managed laptop installs it:
the NSIS installer run silently (/S) under wine, per user (no administrator), then the
installed myst-upgrade.exe upgrades and rolls back a realistic host (tests/realhost: real
dockerd, sudo-only docker, HTTPS console inside the host) with default settings, then the
silent uninstaller removes what was installed and leaves the user's state."""
import glob
import os
import subprocess
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
BUILD = os.path.join(ROOT, "build-win64")
WINE = "/usr/lib/wine/wine64"
PREFIX = os.environ["WINEPREFIX"]
APP = "MyST Upgrade Wizard"


def wine(*args, **kw):
    env = dict(os.environ, WINEDEBUG="-all")
    return subprocess.run([WINE, *args], capture_output=True, text=True, env=env, timeout=600,
                          **kw)


def windows_user():
    users = [u for u in os.listdir(os.path.join(PREFIX, "drive_c", "users"))
             if u not in ("Public", "public")]
    return users[0]


class Installer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        setups = glob.glob(os.path.join(BUILD, "myst-upgrade-wizard-*-win64-setup.exe"))
        assert len(setups) == 1, setups
        cls.setup = setups[0]
        cls.version = os.path.basename(cls.setup).split("-")[3]
        user = os.path.join(PREFIX, "drive_c", "users", windows_user())
        cls.installed = os.path.join(user, "AppData", "Local", "Programs", APP)
        cls.shortcut = os.path.join(user, "AppData", "Roaming", "Microsoft", "Windows",
                                    "Start Menu", "Programs", APP + ".lnk")

    def test_1_silent_install_for_this_user_only(self):
        p = wine(self.setup, "/S")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        for name in ("myst-upgrade.exe", "myst-upgrade-wizard.exe", "uninstall.exe",
                     "Qt6Core.dll", "libssh.dll", "platforms/qwindows.dll",
                     "styles/qwindowsvistastyle.dll", "tls/qschannelbackend.dll"):
            self.assertTrue(os.path.exists(os.path.join(self.installed, name)), name)
        self.assertTrue(os.path.exists(self.shortcut), "no Start-menu entry")
        key = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\MystUpgradeWizard"
        reg = wine("reg", "query", key)
        self.assertEqual(reg.returncode, 0, reg.stdout + reg.stderr)
        self.assertIn(self.version, reg.stdout)
        self.assertIn("uninstall.exe", reg.stdout)

    def test_2_the_installed_cli_answers_version(self):
        # (the wizard is a Windows GUI program: it has no console to print its version to)
        p = wine(os.path.join(self.installed, "myst-upgrade.exe"), "--version")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), "myst-upgrade " + self.version)

    @unittest.skipUnless(os.geteuid() == 0, "realhost needs root (namespaces, users, dockerd)")
    def test_3_the_installed_cli_upgrades_and_rolls_back_a_realistic_host(self):
        env = dict(os.environ, MYST_CLI=os.path.join(HERE, "wine-cli"),
                   MYST_WIN_CLI=os.path.join(self.installed, "myst-upgrade.exe"))
        p = subprocess.run(["python3", os.path.join(ROOT, "tests", "integration",
                                                    "test_realhost_cli.py"), "-v",
                            "RealHosts.test_1_check_passes_with_default_settings",
                            "RealHosts.test_2_in_place_upgrade_and_its_rollback"],
                           capture_output=True, text=True, env=env, timeout=1200)
        print(p.stderr[-1500:], flush=True)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-3000:])
        self.assertIn("Ran 2 tests", p.stderr)

    def test_4_silent_uninstall_removes_what_it_installed(self):
        uninstaller = os.path.join(self.installed, "uninstall.exe")
        # _?= runs the uninstaller in place, so that wine waits for it to end.
        windows_dir = wine("winepath", "-w", self.installed).stdout.strip()
        p = wine(uninstaller, "/S", "_?=" + windows_dir)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        if os.path.exists(uninstaller):  # with _?= Windows keeps a running program's file
            os.remove(uninstaller)
        left = [os.path.join(d, f) for d, _, files in os.walk(self.installed) for f in files]
        self.assertEqual(left, [])
        self.assertFalse(os.path.exists(self.shortcut))


if __name__ == "__main__":
    unittest.main(verbosity=2)
