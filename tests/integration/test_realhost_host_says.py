#!/usr/bin/env python3
"""Issue 30 (5 of 5), findings 2 and 3, on a host that behaves like a real installation (a real
dockerd, a non-root login with sudo for docker, a chatty login shell): a file in the backup
folder whose name holds inventory lines does not make `history` offer the database image as
MyST Studio, and a dump changed on the host after the upgrade is not restored."""
import hashlib
import json
import os
import subprocess
import tempfile
import time
import unittest

from test_realhost_cli import CLI, REALHOST, realhost_lab


@unittest.skipUnless(os.geteuid() == 0, "realhost needs root (namespaces, users, dockerd)")
class RealHostSays(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir, cls.site, site = realhost_lab(cls.tmp.name, "prod")
        cls.home = site["hosts"]["prod"]["mystHome"]
        cls.backup_dir = subprocess.run([REALHOST, "path", cls.dir, "prod", cls.home + "/backup"],
                                        capture_output=True, text=True,
                                        check=True).stdout.strip()

    @classmethod
    def tearDownClass(cls):
        subprocess.run([REALHOST, "down", cls.dir], check=False)
        cls.tmp.cleanup()

    def cli(self, *args):
        env = dict(os.environ, XDG_STATE_HOME=os.path.join(self.tmp.name, "state"))
        p = subprocess.run([CLI, *args, "--json"], capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, timeout=900)
        return p, [json.loads(line) for line in p.stdout.splitlines()]

    def state(self, console=None):
        for _ in range(120):
            s = json.loads(subprocess.run([REALHOST, "state", self.dir, "prod"],
                                          capture_output=True, text=True, check=True).stdout)
            if console is None or s["consoleVersion"] == console:
                return s
            time.sleep(0.5)
        return s

    def on_host(self, *argv):
        return subprocess.run([REALHOST, "exec", self.dir, "prod", "--", *argv],
                              capture_output=True, text=True)

    def test_1_a_backup_file_name_does_not_offer_the_database_image(self):
        db_image = self.on_host("docker", "image", "inspect", "--format", "{{.Id}}",
                                "mysql:5.7").stdout.strip()
        self.assertTrue(db_image.startswith("sha256:"), db_image)
        forged = ("x\nmyst-image %s 2026-01-01T00:00:00Z [\"myst-studio:0.9.0\"] "
                  "{\"com.rubiconred.myst.version\":\"0.9.0\"}\nmyst-note OWNED\n" % db_image)
        evil = os.path.join(self.backup_dir, forged)
        with open(evil, "w") as f:
            f.write("-- not a backup\n")
        try:
            p, events = self.cli("history", "--site", self.site)
        finally:
            os.remove(evil)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        history = [e for e in events if e["event"] == "history"][0]
        self.assertNotIn(db_image, [i["id"] for i in history["images"]])
        self.assertNotIn("0.9.0", json.dumps(history["images"]))
        self.assertNotIn("OWNED", [n.strip() for n in history["notes"]])
        skipped = [n for n in history["notes"] if n.startswith("skipped a backup file")]
        self.assertEqual(len(skipped), 1, history["notes"])
        self.assertIn("\\nmyst-image " + db_image, skipped[0])

    def test_2_a_dump_changed_after_the_upgrade_is_not_restored(self):
        p, events = self.cli("upgrade", "--site", self.site, "--approach", "in-place",
                             "--version", "2.0.0", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-2000:])
        run = [e for e in events if e["event"] == "result"][0]["runId"]
        with open(os.path.join(self.tmp.name, "state", "myst-upgrade", "runs",
                               run + ".json")) as f:
            record = json.load(f)["records"]["prod"]
        path = record["backupPath"]
        local = os.path.join(self.backup_dir, os.path.basename(path))
        with open(local, "a") as f:  # after the upgrade, on the host: an INSERT appended
            f.write("INSERT INTO `environments` VALUES ('EVIL','planted');\n")
        with open(local, "rb") as f:
            data = f.read()
        upgraded = self.state(console="2.0.0")

        p, events = self.cli("rollback", "--site", self.site, "--run", run, "--yes")
        self.assertEqual(p.returncode, 1, p.stdout[-3000:] + p.stderr[-2000:])
        message = [e for e in events if e["event"] == "result"][0]["message"]
        for value in (path, str(record["backupSize"]), record["backupSha256"],
                      str(len(data)), hashlib.sha256(data).hexdigest()):
            self.assertIn(value, message)
        now = self.state()
        self.assertEqual(now["taggedImage"], upgraded["taggedImage"])
        self.assertEqual(now["dbDumpSha256"], upgraded["dbDumpSha256"])
        self.assertNotIn("EVIL", now["dbDump"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
