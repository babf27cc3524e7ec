#!/usr/bin/env python3
"""The simulated MyST host behaves as the guide says, driven through a real sshd."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTSIM = os.path.join(HERE, "hostsim")
MAKE_TAR = os.path.join(HERE, "make-image-tar")


class HostSimTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        subprocess.run([HOSTSIM, "up", cls.dir, "--roles", "prod"], check=True,
                       stdout=subprocess.DEVNULL)
        with open(os.path.join(cls.dir, "site.json")) as f:
            cls.site = json.load(f)
        cls.host = cls.site["hosts"]["prod"]
        cls.home = cls.host["mystHome"]

    @classmethod
    def tearDownClass(cls):
        subprocess.run([HOSTSIM, "down", cls.dir], check=False)
        cls.tmp.cleanup()

    def ssh(self, command, check=True):
        """Runs a command on the simulated host through OpenSSH's own client."""
        h = self.host
        p = subprocess.run(
            ["ssh", "-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={self.site['knownHosts']}",
             "-o", "GlobalKnownHostsFile=/dev/null", "-F", "/dev/null", "-i", h["identity"],
             "-p", str(h["port"]), f"{h['user']}@{h['host']}", command],
            capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            self.fail(f"{command}: exit {p.returncode}: {p.stderr}")
        return p

    def sql(self, query):
        return subprocess.run(["sqlite3", f"{self.home}/data/myst.db", query], check=True,
                              capture_output=True, text=True).stdout.strip()

    def console(self):
        import urllib.request
        with urllib.request.urlopen(self.host["consoleUrl"], timeout=5) as r:
            return r.read().decode()

    def test_1_backup_then_update_database_restores_data(self):
        out = self.ssh("$MYST_HOME/bin/backup-database.sh").stdout
        line = [l for l in out.splitlines() if l.startswith("Backed up to ")][0]
        backup = line[len("Backed up to "):]
        self.assertTrue(backup.startswith(f"{self.home}/backup/myst-studio-"))
        self.assertGreater(os.path.getsize(backup), 0)
        before = self.sql("SELECT name FROM environments ORDER BY name")
        self.sql("DELETE FROM environments; INSERT INTO environments VALUES('LOST', 'x');")
        self.ssh(f"$MYST_HOME/bin/update-database.sh '{backup}'")
        self.assertEqual(self.sql("SELECT name FROM environments ORDER BY name"), before)
        self.assertIn("MyST Studio 1.0.0", self.console())

    def test_2_start_after_retag_migrates_to_that_version(self):
        old_id = self.ssh("docker image inspect myst-studio --format '{{.Id}}'").stdout.strip()
        self.ssh("$MYST_HOME/bin/pull.sh 2.0.0")
        new_id = self.ssh("docker image inspect myst-studio --format '{{.Id}}'").stdout.strip()
        self.assertNotEqual(old_id, new_id)
        self.ssh("$MYST_HOME/bin/restart.sh")
        self.assertEqual(self.sql("SELECT version FROM schema_version"), "2.0.0")
        self.assertIn("MyST Studio 2.0.0", self.console())
        log = self.ssh("timeout 1 $MYST_HOME/bin/output-logs.sh", check=False).stdout
        self.assertIn("Migrating database schema from 1.0.0 to 2.0.0", log)
        # Re-tagging the old image without restoring the database is visibly wrong.
        self.ssh(f"docker tag {old_id} myst-studio && $MYST_HOME/bin/restart.sh")
        log = self.ssh("timeout 1 $MYST_HOME/bin/output-logs.sh", check=False).stdout
        self.assertIn("SEVERE", log)
        self.ssh("$MYST_HOME/bin/pull.sh 2.0.0 && $MYST_HOME/bin/restart.sh")

    def test_3_load_reads_a_real_docker_save_archive(self):
        tar = os.path.join(self.dir, "myst-studio-3.0.0.tar.gz")
        image_id = subprocess.run([MAKE_TAR, "3.0.0", tar], check=True, capture_output=True,
                                  text=True).stdout.strip()
        out = self.ssh(f"$MYST_HOME/bin/import.sh '{tar}'").stdout
        self.assertIn("Loaded image: registry.example.com/myst-studio:3.0.0", out)
        tagged = self.ssh("docker image inspect myst-studio --format '{{.Id}}'").stdout.strip()
        self.assertEqual(tagged, image_id)
        bad = os.path.join(self.dir, "notes.tar")
        with open(bad, "w") as f:
            f.write("not a tar file\n")
        p = self.ssh(f"docker load -i '{bad}'", check=False)
        self.assertNotEqual(p.returncode, 0)

    def test_4_fault_switches(self):
        with open(f"{self.home}/faults/stop", "w") as f:
            f.write("fail\n")
        p = self.ssh("$MYST_HOME/bin/stop.sh", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("simulated fault", p.stderr)
        os.remove(f"{self.home}/faults/stop")
        with open(f"{self.home}/faults/backup-database", "w") as f:
            f.write("diskfull\n")
        p = self.ssh("$MYST_HOME/bin/backup-database.sh", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("No space left on device", p.stderr)
        self.assertNotIn("Backed up to", p.stdout)
        os.remove(f"{self.home}/faults/backup-database")

    def test_5_every_script_of_the_guide_is_there(self):
        for script in ("pull.sh", "backup-database.sh", "stop.sh", "start.sh", "restart.sh",
                       "output-logs.sh", "update-database.sh", "upgrade.sh", "import.sh"):
            self.assertTrue(os.access(f"{self.home}/bin/{script}", os.X_OK), script)


if __name__ == "__main__":
    unittest.main(verbosity=2)
