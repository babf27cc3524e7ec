#!/usr/bin/env python3
"""Issue 17 (5 of 8) on a host that behaves like a real installation (tests/realhost: a real
dockerd, a non-root login with sudo for docker, a chatty login shell, an HTTPS console inside):
an upgrade done by hand with the guide's upgrade.sh is rolled back from what `history` finds on
the host, and an upgrade run from one laptop is rolled back from another with only the host's
record. The docker commands `history` relies on are the real docker CLI's here."""
import json
import os
import subprocess
import tempfile
import time
import unittest

from test_realhost_cli import CLI, REALHOST, realhost_lab


@unittest.skipUnless(os.geteuid() == 0, "realhost needs root (namespaces, users, dockerd)")
class RealHostHistory(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir, cls.site, site = realhost_lab(cls.tmp.name, "prod")
        cls.home = site["hosts"]["prod"]["mystHome"]

    @classmethod
    def tearDownClass(cls):
        subprocess.run([REALHOST, "down", cls.dir], check=False)
        cls.tmp.cleanup()

    def cli(self, laptop, *args):
        """myst-upgrade as run on `laptop`: each has a state folder of its own."""
        env = dict(os.environ, XDG_STATE_HOME=os.path.join(self.tmp.name, laptop))
        p = subprocess.run([CLI, *args, "--json"], capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, timeout=900)
        return p, [json.loads(line) for line in p.stdout.splitlines()]

    def state(self, console=None):
        """The host as an operator would check it; with `console`, once the console (which
        Tomcat deploys for a while after start.sh returns) serves that version."""
        for _ in range(120):
            s = json.loads(subprocess.run([REALHOST, "state", self.dir, "prod"],
                                          capture_output=True, text=True, check=True).stdout)
            if console is None or s["consoleVersion"] == console:
                return s
            time.sleep(0.5)
        return s

    def assertRan(self, p, events):
        results = [e for e in events if e["event"] == "result"]
        self.assertEqual(len(results), 1, p.stdout[-3000:] + p.stderr[-2000:])
        self.assertEqual(p.returncode, 0, results[0].get("message", "") + p.stderr[-2000:])
        return results[0]

    def test_1_an_upgrade_by_hand_is_rolled_back_from_what_the_host_has(self):
        before = self.state()
        by_hand = subprocess.run([REALHOST, "ssh", self.dir, "prod",
                                  f"cd {self.home}/bin && ./upgrade.sh 2.0.0"],
                                 capture_output=True, text=True)
        self.assertEqual(by_hand.returncode, 0, by_hand.stdout[-2000:] + by_hand.stderr[-2000:])
        self.assertEqual(self.state(console="2.0.0")["consoleVersion"], "2.0.0")

        p, events = self.cli("colleague", "history", "--site", self.site)
        self.assertEqual(p.returncode, 0, p.stderr)
        history = [e for e in events if e["event"] == "history"][0]
        images = {i["id"]: i for i in history["images"]}
        self.assertIn(before["taggedImage"], images)
        self.assertEqual(images[before["taggedImage"]]["version"], "1.0.0")
        self.assertTrue(history["backups"], history)
        pairing = history["pairing"]
        self.assertTrue(pairing["ok"], pairing)
        self.assertEqual(pairing["imageId"], before["taggedImage"])

        p, events = self.cli("colleague", "rollback", "--site", self.site, "--image",
                             pairing["imageId"], "--backup", pairing["backupPath"], "--yes")
        self.assertRan(p, events)
        back = self.state()
        self.assertEqual(back["consoleVersion"], "1.0.0")
        self.assertEqual(back["taggedImage"], before["taggedImage"])
        self.assertEqual(back["runningImage"], before["taggedImage"])
        self.assertEqual(back["dbDumpSha256"], before["dbDumpSha256"])

    def test_2_rolled_back_from_another_laptop_with_the_host_record_only(self):
        before = self.state(console="1.0.0")
        p, events = self.cli("laptop-a", "upgrade", "--site", self.site, "--approach", "in-place",
                             "--version", "2.1.0", "--yes")
        run = self.assertRan(p, events)["runId"]
        self.assertEqual(self.state()["consoleVersion"], "2.1.0")

        p, events = self.cli("laptop-b", "history", "--site", self.site)
        history = [e for e in events if e["event"] == "history"][0]
        self.assertEqual(history["records"][0]["runId"], run)
        p, events = self.cli("laptop-b", "rollback", "--site", self.site, "--from-host", "--yes")
        self.assertRan(p, events)
        back = self.state()
        self.assertEqual(back["consoleVersion"], "1.0.0")
        self.assertEqual(back["taggedImage"], before["taggedImage"])
        self.assertEqual(back["dbDumpSha256"], before["dbDumpSha256"])
        # The rollback is on the host too, so the next laptop sees it.
        p, events = self.cli("laptop-c", "history", "--site", self.site)
        records = [e for e in events if e["event"] == "history"][0]["records"]
        self.assertEqual(records[0]["kind"], "rollback")


if __name__ == "__main__":
    unittest.main(verbosity=2)
