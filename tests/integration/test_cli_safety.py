#!/usr/bin/env python3
"""Issue 13 (1 of 8), safety: what a review found, each end to end against the simulated host
(real sshd): host keys decided by the site's file alone, backups that cannot be overwritten,
processes that are not ours left alone, resume that runs only what the plan builders make,
advice that is safe to paste, remote bytes that cannot drive the terminal, private files."""
import hashlib
import json
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
import time
import unittest

from clitest import CLI, CliTestCase


def sshd_log(test, role="prod"):
    with open(os.path.join(test.dir, role, "ssh", "sshd.log")) as f:
        return f.read()


class HostKeys(CliTestCase):
    """Item 1: ~/.ssh/config cannot switch host-key checking off."""

    def cli_with_ssh_config(self, config_text, *args):
        # libssh finds ~/.ssh/config through the passwd entry's home, not $HOME: give this run
        # a private home with a mount namespace, so the tester's own home is never touched.
        home = pwd.getpwuid(os.getuid()).pw_dir
        fake = tempfile.mkdtemp(dir=self.tmp.name)
        os.makedirs(os.path.join(fake, ".ssh"), mode=0o700)
        with open(os.path.join(fake, ".ssh", "config"), "w") as f:
            f.write(config_text)
        env = dict(os.environ, XDG_STATE_HOME=self.state)
        script = 'mount --bind "$1" "$2" && shift 2 && exec "$@"'
        return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                               script, "sh", fake, home, CLI, *args],
                              capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                              timeout=120)

    def site_using_config(self, known_hosts_text):
        known = os.path.join(self.tmp.name, "kh-%d" % len(os.listdir(self.tmp.name)))
        with open(known, "w") as f:
            f.write(known_hosts_text)
        site = json.loads(json.dumps(self.site_json))
        site["knownHosts"] = known
        site["hosts"]["prod"]["useSshConfig"] = True
        path = known + ".site.json"
        with open(path, "w") as f:
            json.dump(site, f)
        return path, known

    def other_key_line(self):
        key = os.path.join(self.tmp.name, "impostor")
        if not os.path.exists(key):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
        with open(key + ".pub") as f:
            pub = " ".join(f.read().split()[:2])
        port = self.site_json["hosts"]["prod"]["port"]
        return f"[127.0.0.1]:{port} {pub}\n"

    def test_changed_key_is_refused_whatever_ssh_config_says(self):
        config = ("Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n"
                  "  GlobalKnownHostsFile /dev/null\n")
        site, known = self.site_using_config(self.other_key_line())
        before = open(known).read()
        logins = sshd_log(self).count("Accepted publickey")
        p = self.cli_with_ssh_config(config, "upgrade", "--site", site, "--approach", "in-place",
                                     "--version", "2.0.0", "--yes")
        self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
        self.assertIn("CHANGED", p.stderr)
        self.assertEqual(open(known).read(), before, "known_hosts was changed")
        self.assertEqual(sshd_log(self).count("Accepted publickey"), logins,
                         "a login was sent to a host whose key changed")
        self.assertEqual(self.tagged_image(), self.image_id("registry.example.com/myst-studio:1.0.0"))

    def test_unknown_key_is_not_trusted_because_ssh_config_says_so(self):
        config = "Host *\n  StrictHostKeyChecking no\n"
        site, known = self.site_using_config("")
        logins = sshd_log(self).count("Accepted publickey")
        p = self.cli_with_ssh_config(config, "check", "--site", site)
        self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
        self.assertEqual(open(known).read(), "", "an unknown key was trusted silently")
        self.assertEqual(sshd_log(self).count("Accepted publickey"), logins)


if __name__ == "__main__":
    unittest.main(verbosity=2)
