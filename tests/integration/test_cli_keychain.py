#!/usr/bin/env python3
"""The CLI takes a key's passphrase from the keychain (real gnome-keyring, via
run-with-keyring.sh), stored with `myst-upgrade secret`; without it, authentication fails (4)."""
import json
import os
import subprocess
import unittest

from clitest import CliTestCase


class KeychainPassphrase(CliTestCase):
    def test_encrypted_key_with_passphrase_from_the_keychain(self):
        key = os.path.join(self.tmp.name, "locked_key")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "open sesame", "-f", key], check=True)
        with open(key + ".pub") as src, open(os.path.join(self.dir, "prod", "ssh", "authorized_keys"), "a") as dst:
            dst.write(src.read())
        site = json.loads(json.dumps(self.site_json))
        site["hosts"]["prod"].update(identity=key, auth="key")
        path = os.path.join(self.tmp.name, "locked-site.json")
        with open(path, "w") as f:
            json.dump(site, f)

        p = self.cli("check", "--site", path)
        self.assertEqual(p.returncode, 4, p.stdout + p.stderr)  # no passphrase stored yet
        self.assertIn("no password or passphrase is stored", p.stderr)

        p = self.cli("secret", "--site", path, "--role", "prod", input="open sesame\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.cli("check", "--site", path)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertNotIn("open sesame", p.stdout + p.stderr)
        log = os.path.join(self.state, "myst-upgrade", "myst-upgrade.log")
        with open(log) as f:
            self.assertNotIn("open sesame", f.read())  # never in the application log

        p = self.cli("secret", "--site", path, "--role", "prod", "--delete")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.cli("check", "--site", path).returncode, 4)


if __name__ == "__main__":
    unittest.main(verbosity=2)
