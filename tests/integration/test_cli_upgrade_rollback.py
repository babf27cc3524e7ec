#!/usr/bin/env python3
"""Issue 2: in-place upgrade 1.0.0 → 2.0.0 and rollback, end to end through myst-upgrade."""
import os
import unittest

from clitest import CliTestCase


class UpgradeThenRollback(CliTestCase):
    def test_upgrade_then_rollback(self):
        before_id = self.tagged_image()
        before_dump = self.db_dump()
        self.assertEqual(self.console_version(), "1.0.0")

        p, events = self.cli_json("upgrade", "--site", self.site, "--approach", "in-place",
                                  "--version", "2.0.0", "--yes")
        self.assertEqual(p.returncode, 0, p.stderr)
        result = self.result_of(events)
        self.assertEqual(result["status"], "succeeded")
        self.assertGreater(result["outageMs"], 0)
        kinds = {e["event"] for e in events}
        self.assertTrue({"step-started", "output", "step-finished", "captured", "result"} <= kinds)

        # The host, as the operator would check it.
        self.assertEqual(self.tagged_image(), self.image_id("registry.example.com/myst-studio:2.0.0"))
        self.assertNotEqual(self.tagged_image(), before_id)
        self.assertEqual(self.schema_version(), "2.0.0")
        self.assertEqual(self.console_version(), "2.0.0")

        # The journal holds what rollback needs, and each step has its log.
        journal = self.journal(result["runId"])
        record = journal["records"]["prod"]
        self.assertEqual(record["previousImageId"], before_id)
        self.assertEqual(record["previousVersion"], "1.0.0")
        backup = record["backupPath"]
        self.assertTrue(backup.startswith(self.home() + "/backup/myst-studio-"))
        with open(backup) as f:
            self.assertEqual(f.read(), before_dump)  # the backup is the pre-upgrade database
        self.assertEqual([s["id"] for s in journal["steps"]],
                         ["record-image", "pull", "backup", "ready", "stop", "start", "verify"])
        for step in journal["steps"]:
            self.assertEqual(step["status"], "succeeded")
            self.assertGreater(os.path.getsize(step["logFile"]), 0, step["id"])
        with open(journal["steps"][1]["logFile"]) as f:
            self.assertIn("Tagged registry.example.com/myst-studio:2.0.0 as myst-studio", f.read())
        self.assertNotIn("password", str(journal).lower())

        runs = self.cli("runs")
        self.assertIn(result["runId"], runs.stdout)

        # Rollback, one command.
        p, events = self.cli_json("rollback", "--site", self.site, "--last", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.tagged_image(), before_id)
        self.assertEqual(self.db_dump(), before_dump)
        self.assertEqual(self.console_version(), "1.0.0")
        rollback = self.journal(self.result_of(events)["runId"])
        self.assertEqual(rollback["rollbackOf"], result["runId"])
        self.assertEqual([s["id"] for s in rollback["steps"]],
                         ["check-rollback", "check-backup", "retag", "restore", "restart",
                          "verify"])

        # "Roll back the last upgrade" once more would restore that backup again and lose what
        # was written since: refused, nothing changed; named by its run, done with a warning.
        before = self.snapshot()
        p = self.cli("rollback", "--site", self.site, "--last", "--yes")
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn(f"already rolled prod of run {result['runId']} back", p.stderr)
        self.assertEqual(self.snapshot(), before)
        p = self.cli("rollback", "--site", self.site, "--run", result["runId"], "--yes")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("WARNING: Run ", p.stderr)
        self.assertEqual(self.db_dump(), before_dump)


if __name__ == "__main__":
    unittest.main(verbosity=2)
