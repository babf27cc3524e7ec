#!/usr/bin/env python3
"""Issue 26 (1 of 5): what the Windows build does differently, through myst-upgrade.exe under
wine against a simulated host (real sshd): `~/.ssh/known_hosts` in a site file is the one in
%USERPROFILE%\\.ssh, where Windows' own OpenSSH keeps it, so a host trusted there is trusted
here; a changed key there is refused (exit 3) before anything is sent; a site file written on
Windows (CRLF line ends, a BOM, a key file by drive letter and backslashes in a folder with
spaces) reads as well as one written on Linux."""
import shutil
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from clitest import CliTestCase  # noqa: E402

PREFIX = os.environ["WINEPREFIX"]


def profile_dir():
    users = os.path.join(PREFIX, "drive_c", "users")
    return os.path.join(users, [u for u in os.listdir(users) if u.lower() != "public"][0])


def sshd_logins(test):
    with open(os.path.join(test.dir, "prod", "ssh", "sshd.log")) as f:
        return f.read().count("Accepted publickey")


class WindowsCli(CliTestCase):
    def windows_site(self, known_hosts_text, crlf=False):
        ssh = os.path.join(profile_dir(), ".ssh")
        os.makedirs(ssh, exist_ok=True)
        with open(os.path.join(ssh, "known_hosts"), "w") as f:
            f.write(known_hosts_text)
        site = json.loads(json.dumps(self.site_json))
        site["knownHosts"] = "~/.ssh/known_hosts"
        text = json.dumps(site, indent=2)
        path = os.path.join(self.tmp.name, "windows-site.json")
        with open(path, "wb") as f:
            f.write(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode() if crlf
                    else text.encode())
        return path

    def host_key_lines(self):
        with open(self.site_json["knownHosts"]) as f:
            return f.read()

    def test_1_known_hosts_in_the_windows_profile_is_used(self):
        site = self.windows_site(self.host_key_lines(), crlf=True)
        p = self.cli("check", "--site", site)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_3_a_key_file_by_its_windows_path_with_spaces(self):
        folder = os.path.join(profile_dir(), "My Keys (ops)")
        os.makedirs(folder, exist_ok=True)
        shutil.copy(self.site_json["hosts"]["prod"]["identity"], os.path.join(folder, "id key"))
        site = json.loads(json.dumps(self.site_json))
        user = os.path.basename(profile_dir())
        site["hosts"]["prod"]["identity"] = f"C:\\users\\{user}\\My Keys (ops)\\id key"
        path = os.path.join(self.tmp.name, "backslash-site.json")
        with open(path, "wb") as f:
            f.write(json.dumps(site, indent=2).replace("\n", "\r\n").encode())
        p = self.cli("check", "--site", path)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("[pass] connect", p.stdout)

    def test_2_a_changed_key_there_is_refused_before_any_login(self):
        key = os.path.join(self.tmp.name, "impostor")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
        with open(key + ".pub") as f:
            pub = " ".join(f.read().split()[:2])
        port = self.site_json["hosts"]["prod"]["port"]
        known = f"[127.0.0.1]:{port} {pub}\n"
        site = self.windows_site(known)
        logins = sshd_logins(self)
        p = self.cli("upgrade", "--site", site, "--approach", "in-place", "--version", "2.0.0",
                     "--yes")
        self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
        self.assertIn("CHANGED", p.stderr)
        self.assertEqual(sshd_logins(self), logins, "a login was sent to a changed host")
        with open(os.path.join(profile_dir(), ".ssh", "known_hosts")) as f:
            self.assertEqual(f.read(), known, "known_hosts was changed")
        self.assertEqual(self.tagged_image(),
                         self.image_id("registry.example.com/myst-studio:1.0.0"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
