#!/usr/bin/env python3
"""Issue 18: the zero-downtime (blue/green) upgrade on hosts that behave like real ones
(tests/realhost: real dockerd, a real database server in myststudio_db (Debian's MariaDB; the
read-only window on it, account by account, in test_realhost_database.py), sudo for docker on
blue, an HTTPS console reachable only from the host),
through the real myst-upgrade binary. The switch is a script here that records its arguments."""
import json
import os
import subprocess
import tempfile
import time
import unittest

from test_realhost_cli import CLI, REALHOST, realhost_lab


@unittest.skipUnless(os.geteuid() == 0, "realhost needs root (namespaces, users, dockerd)")
class RealBlueGreen(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.calls = os.path.join(cls.tmp.name, "switch-calls.txt")
        script = os.path.join(cls.tmp.name, "switch-dns")
        with open(script, "w") as f:
            f.write('#!/bin/sh\nprintf "%%s\\n" "$*" >> "%s"\necho "DNS -> $2 ($1)"\n' % cls.calls)
        os.chmod(script, 0o755)
        cls.dir, cls.site, site = realhost_lab(cls.tmp.name, "blue,green")
        site["blueGreen"] = {"active": "blue", "switch": {"command": [script, "{role}", "{host}"]}}
        with open(cls.site, "w") as f:
            json.dump(site, f)
        cls.state_dir = os.path.join(cls.tmp.name, "state")

    @classmethod
    def tearDownClass(cls):
        subprocess.run([REALHOST, "down", cls.dir], check=False)
        cls.tmp.cleanup()

    def cli(self, *args):
        env = dict(os.environ, XDG_STATE_HOME=self.state_dir)
        p = subprocess.run([CLI, *args, "--json"], capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, timeout=900)
        return p, [json.loads(line) for line in p.stdout.splitlines()]

    def state(self, role):
        return json.loads(subprocess.run([REALHOST, "state", self.dir, role], capture_output=True,
                                         text=True, check=True).stdout)

    def active_on(self, role):
        path = subprocess.run([REALHOST, "path", self.dir, role,
                               "/u01/myst-studio/.myst-upgrade/active.json"],
                              capture_output=True, text=True, check=True).stdout.strip()
        with open(path) as f:
            return json.load(f)["active"]

    def test_1_green_upgraded_with_blues_data_while_blue_serves(self):
        # Blue has data of its own that green does not.
        subprocess.run([REALHOST, "exec", self.dir, "blue", "--", "docker", "exec",
                        "myststudio_db", "sh", "-c",
                        'mysql -uroot -p"$MYSQL_ROOT_PASSWORD" myst -e "INSERT INTO '
                        "environments VALUES (9,'BLUEONLY','Oracle SOA Suite 14.1.2',"
                        "'2026-01-01 00:00:00')\""], check=True, capture_output=True)
        blue_before = self.state("blue")
        self.assertNotIn("BLUEONLY", self.state("green")["dbDump"])
        started = time.monotonic()
        p, events = self.cli("upgrade", "--site", self.site, "--approach", "zero-downtime",
                             "--version", "2.0.0", "--yes")
        wall = time.monotonic() - started
        result = [e for e in events if e["event"] == "result"][0]
        self.assertEqual(p.returncode, 0, result["message"] + p.stderr[-2000:])
        blue, green = self.state("blue"), self.state("green")
        self.assertEqual(green["consoleVersion"], "2.0.0")
        self.assertEqual(green["dbVersion"], "2.0.0")
        self.assertIn("BLUEONLY", green["dbDump"])  # blue's data, migrated
        self.assertEqual(blue["consoleVersion"], "1.0.0")  # blue still serves, untouched
        self.assertEqual(blue["taggedImage"], blue_before["taggedImage"])
        self.assertEqual(blue["dbDumpSha256"], blue_before["dbDumpSha256"])
        self.assertFalse(blue["readOnly"])
        with open(self.calls) as f:
            self.assertEqual(len(f.read().splitlines()), 1)
        with open(self.site) as f:
            self.assertEqual(json.load(f)["blueGreen"]["active"], "green")
        self.assertEqual((self.active_on("blue"), self.active_on("green")), ("green", "green"))
        self.assertGreater(result["outageMs"], 0)
        print(f"\n[figures] realhost read-only window {result['outageMs']} ms; "
              f"upgrade wall {wall:.1f} s")

    def test_2_switch_back(self):
        p, events = self.cli("switch", "--site", self.site, "--to", "blue", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-2000:])
        self.assertEqual((self.active_on("blue"), self.active_on("green")), ("blue", "blue"))
        self.assertEqual(self.state("blue")["consoleVersion"], "1.0.0")


if __name__ == "__main__":
    unittest.main(verbosity=2)
