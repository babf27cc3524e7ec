#!/usr/bin/env python3
"""Issue 2: failures during a run: a failing start.sh, errors in the start-up log, a forged
backup line, a vanished previous image, a run without a backup."""
import os
import unittest

from clitest import CliTestCase


class RunFailures(CliTestCase):
    def tearDown(self):
        for script in ("start", "backup-database", "pull"):
            self.set_fault(script, None)

    def upgrade(self, version):
        return self.cli_json("upgrade", "--site", self.site, "--approach", "in-place",
                             "--version", version, "--yes")

    def test_1_start_fails_then_rollback_restores(self):
        before_id, before_dump = self.tagged_image(), self.db_dump()
        self.set_fault("start", "fail")
        p, events = self.upgrade("2.0.0")
        self.assertEqual(p.returncode, 1)
        result = self.result_of(events)
        self.assertIn("myst-upgrade rollback", result["message"])
        self.assertIn(f"--run {result['runId']}", result["message"])
        self.assertIn("Rollback is available", p.stderr)
        steps = {s["id"]: s["status"] for s in self.journal(result["runId"])["steps"]}
        self.assertEqual(steps["start"], "failed")
        self.assertEqual(steps["verify"], "skipped")
        self.assertEqual(self.journal(result["runId"])["status"], "failed")
        self.assertIsNone(self.console_version())  # the service is down: stop ran, start failed

        self.set_fault("start", None)
        p, _ = self.cli_json("rollback", "--site", self.site, "--run", result["runId"], "--yes")
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertEqual(self.tagged_image(), before_id)
        self.assertEqual(self.db_dump(), before_dump)
        self.assertEqual(self.console_version(), "1.0.0")

    def test_2_error_in_startup_log_fails_verify_naming_the_line(self):
        self.set_fault("start", "errorlog")
        p, events = self.upgrade("2.1.0")
        self.assertEqual(p.returncode, 1)
        verify = [e for e in events if e["event"] == "step-finished" and e["id"] == "verify"][0]
        self.assertEqual(verify["status"], "failed")
        self.assertIn("Failed to deploy myst-console", verify["message"])
        self.set_fault("start", None)
        p, _ = self.cli_json("rollback", "--site", self.site, "--last", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertEqual(self.console_version(), "1.0.0")

    def test_3_forged_backup_line_never_reaches_a_shell(self):
        self.set_fault("backup-database", "forge")
        p, events = self.upgrade("2.2.0")
        self.assertEqual(p.returncode, 1)
        backup = [e for e in events if e["event"] == "step-finished" and e["id"] == "backup"][0]
        self.assertIn("Refusing the backup path", backup["message"])
        self.assertFalse(os.path.exists(os.path.join(self.home(), "FORGED")))
        self.assertEqual(self.console_version(), "1.0.0")  # never stopped
        self.assertNotIn("backupPath",
                         {e["key"] for e in events if e["event"] == "captured" and e["value"]})
        # That run has no backup: rollback refuses before touching the host.
        self.set_fault("backup-database", None)
        before = self.snapshot()
        result = self.result_of(events)
        p, _ = self.cli_json("rollback", "--site", self.site, "--run", result["runId"], "--yes")
        self.assertEqual(p.returncode, 2)
        self.assertIn("no database backup", p.stderr)
        self.assertEqual(self.snapshot(), before)

    def test_4_rollback_refuses_when_previous_image_is_gone(self):
        p, events = self.upgrade("3.0.0")
        self.assertEqual(p.returncode, 0, p.stdout)
        previous = self.journal(self.result_of(events)["runId"])["records"]["prod"]["previousImageId"]
        self.docker("prod", "rmi", previous)
        before = self.snapshot()
        p, events = self.cli_json("rollback", "--site", self.site, "--last", "--yes")
        self.assertEqual(p.returncode, 1)
        self.assertIn("no longer on the host", self.result_of(events)["message"])
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.console_version(), "3.0.0")


if __name__ == "__main__":
    unittest.main(verbosity=2)
