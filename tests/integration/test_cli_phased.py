#!/usr/bin/env python3
"""Issue 4: the phased approach (non-production first, then production) on two simulated hosts."""
import hashlib
import os
import subprocess
import unittest

from clitest import CliTestCase


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Phased(CliTestCase):
    roles = "nonprod,prod"

    def sql(self, role, query):
        return subprocess.run(["sqlite3", os.path.join(self.home(role), "data", "myst.db"), query],
                              capture_output=True, text=True, check=True).stdout.strip()

    def phased(self, version, *extra):
        return self.cli_json("upgrade", "--site", self.site, "--approach", "phased",
                             "--version", version, "--yes", *extra)

    def test_1_without_the_data_copy(self):
        # Non-production has data of its own; without the copy it keeps it.
        self.sql("nonprod", "INSERT INTO environments VALUES('SANDBOX', 'SOA 14.1.2')")
        nonprod_data = self.sql("nonprod", "SELECT name FROM environments ORDER BY name")
        p, events = self.phased("2.0.0")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        for role in ("nonprod", "prod"):
            self.assertEqual(self.console_version(role), "2.0.0", role)
            self.assertEqual(self.schema_version(role), "2.0.0", role)
            self.assertEqual(self.tagged_image(role), self.image_id("registry.example.com/myst-studio:2.0.0", role))
        self.assertEqual(self.sql("nonprod", "SELECT name FROM environments ORDER BY name"), nonprod_data)
        ids = self.started_steps(events)
        self.assertLess(ids.index("nonprod-verify"), ids.index("gate"))
        self.assertLess(ids.index("gate"), ids.index("stop"))
        self.assertNotIn("nonprod-copy-backup", ids)

    def test_2_with_the_data_copy(self):
        prod_data = self.sql("prod", "SELECT * FROM environments ORDER BY name")
        self.assertNotEqual(self.sql("nonprod", "SELECT * FROM environments ORDER BY name"), prod_data)
        p, events = self.phased("3.0.0", "--copy-prod-data", "--keep-prod-copy")  # the copy is checked below
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        run = self.journal(self.result_of(events)["runId"])
        # Non-production now holds production's pre-upgrade data, migrated to 3.0.0.
        self.assertEqual(self.sql("nonprod", "SELECT * FROM environments ORDER BY name"), prod_data)
        self.assertEqual(self.schema_version("nonprod"), "3.0.0")
        self.assertIn("2.0.0|3.0.0", self.sql("nonprod", "SELECT * FROM migrations"))
        # The copy is byte-identical to production's backup: same sha256 on both hosts.
        copied = run["records"]["nonprod"]["copiedBackupPath"]
        self.assertTrue(copied.startswith(self.home("nonprod") + "/backup/"))
        source = [e["value"] for e in events if e["event"] == "captured" and e["key"] == "backupPath"
                  and e["role"] == "prod"][0]
        self.assertEqual(sha256(copied), sha256(source))
        self.assertEqual(run["records"]["nonprod"]["copiedBackupSha256"], sha256(source))
        self.assertFalse(os.path.exists(copied + ".part"))
        for role in ("nonprod", "prod"):
            self.assertEqual(self.console_version(role), "3.0.0", role)

    def test_3_nonprod_verify_fails_and_production_is_untouched(self):
        before = self.snapshot("prod")
        self.set_fault("start", "errorlog", role="nonprod")
        try:
            p, events = self.phased("4.0.0")
        finally:
            self.set_fault("start", None, role="nonprod")
        self.assertEqual(p.returncode, 1)
        result = self.result_of(events)
        self.assertIn("prod was not changed", result["message"])
        self.assertEqual(self.snapshot("prod"), before)  # image, database, files, console
        started = self.started_steps(events)
        self.assertNotIn("gate", started)
        self.assertNotIn("stop", started)

    def test_4_rollback_of_production_after_a_phased_run(self):
        before_id, before_dump = self.tagged_image("prod"), self.db_dump("prod")
        p, events = self.phased("5.0.0")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:])
        self.assertEqual(self.console_version("prod"), "5.0.0")
        run_id = self.result_of(events)["runId"]
        p, _ = self.cli_json("rollback", "--site", self.site, "--run", run_id, "--role", "prod", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:])
        self.assertEqual(self.tagged_image("prod"), before_id)
        self.assertEqual(self.db_dump("prod"), before_dump)
        self.assertEqual(self.console_version("prod"), "3.0.0")
        self.assertEqual(self.console_version("nonprod"), "5.0.0")  # only the host asked for

    def test_5_production_pulls_another_image_than_was_verified(self):
        before = {"tag": self.tagged_image("prod"), "db": self.db_dump("prod"),
                  "console": self.console_version("prod")}
        self.set_fault("pull", "rebuilt", role="prod")
        try:
            p, events = self.phased("7.0.0")
        finally:
            self.set_fault("pull", None, role="prod")
        self.assertEqual(p.returncode, 1)
        check = [e for e in events if e["event"] == "step-finished" and e["id"] == "check-image"][0]
        self.assertEqual(check["status"], "failed")
        self.assertIn("not the image", check["message"])
        self.assertNotIn("stop", self.started_steps(events))
        after = {"tag": self.tagged_image("prod"), "db": self.db_dump("prod"),
                 "console": self.console_version("prod")}
        self.assertEqual(after, before)  # the tag was put back; MyST Studio never stopped

    def test_6_phased_needs_both_hosts(self):
        import json
        site = json.loads(json.dumps(self.site_json))
        del site["hosts"]["nonprod"]
        path = os.path.join(self.tmp.name, "prod-only.json")
        with open(path, "w") as f:
            json.dump(site, f)
        p = self.cli("upgrade", "--site", path, "--approach", "phased", "--version", "6.0.0", "--yes")
        self.assertEqual(p.returncode, 2)
        self.assertIn('needs hosts "nonprod" and "prod"', p.stderr)
        p = self.cli("upgrade", "--site", self.site, "--approach", "in-place", "--version", "6.0.0",
                     "--copy-prod-data", "--yes")
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
