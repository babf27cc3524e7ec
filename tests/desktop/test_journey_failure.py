#!/usr/bin/env python3
"""Issue 29's journey 5 (and issue 27): a failed step on the realistic host, with each of its
ways on pressed once in the real wizard, found by accessible name over AT-SPI:

  A  pull fails: Retry the step (the fault cleared), then verify finds an error line in a
     start-up that completed: Accept and continue; the upgrade ends on 2.0.0.
  B  start.sh fails on the way to 2.1.0: Leave it as it is; the page says what runs there.
  C  a fresh wizard: the Start page offers that failed run, Continue shows its ways on, and
     Roll back restores 2.0.0 and its data."""
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from journey import REALHOST, Journey  # noqa: E402

WAYS = "Choose how to go on"


class FailedStepJourney(Journey):
    ROLES = "prod"

    def fault(self, script, *words):
        subprocess.run([REALHOST, "fault", self.lab, "prod", script, *words], check=True)

    def upgrade_until_it_fails(self, w, version):
        self.page(w, "What do you want to do?", "start page")
        w.press_button("Next >")
        self.page(w, "Choose an approach")
        w.press_button("Next >")
        self.page(w, "Hosts")
        w.press_button("Next >")
        self.page(w, "New version")
        w.click(w.find("text", "Upgrade to version:"))
        w.type(version)
        w.press_button("Next >")
        self.page(w, "Pre-flight checks")
        w.wait_for_text("All checks passed", timeout=90)
        w.press_button("Start upgrade")
        w.wait_for_text(WAYS, timeout=180)

    def test_journey5_a_failed_step_and_its_ways_on(self):
        env, site = self.laptop("journey5")
        # A: Retry, then Accept.
        self.fault("pull", "fail")
        w = self.start("journey5a", ["--site", site], env)
        self.upgrade_until_it_fails(w, "2.0.0")
        self.assertIn('Step 2 “Pull MyST Studio 2.0.0” on prod failed. Choose how to go on:',
                      w.texts())
        retry = w.find("push button", "Retry the step")
        self.assertTrue(w.enabled(retry))
        self.assertIn("pull.sh", retry.description)  # what it does, for a screen reader too
        self.assertFalse(w.showing("Accept and continue"))  # a failed pull is a fact
        self.look(w, "pull failed, its ways on")
        self.fault("pull")
        self.fault("start", "errorlog")
        w.press(retry)
        w.wait_for_text('Step 7 “Verify MyST Studio 2.0.0” on prod failed', timeout=180)
        accept = w.find("push button", "Accept and continue")
        self.look(w, "verify found an error line")
        self.fault("start")
        w.press(accept)
        w.wait_for_text("Upgrade complete: MyST Studio 2.0.0 is running.", timeout=120)
        self.look(w, "accepted, upgrade complete")
        self.done(w, "retry and accept")
        w.close()
        upgraded = self.state("prod")
        self.assertEqual(upgraded["consoleVersion"], "2.0.0")

        # B: Leave it as it is.
        self.fault("start", "fail")
        w = self.start("journey5b", ["--site", site], env)
        self.upgrade_until_it_fails(w, "2.1.0")
        self.fault("start")
        self.look(w, "start failed, its ways on")
        w.press_button("Leave it as it is")
        status = w.wait_for_text("Left as it is by", timeout=30)
        self.assertIn("myststudio_web", status)  # what runs there now
        self.look(w, "left as it is")
        self.done(w, "leave")
        w.close()
        self.assertIsNone(self.state("prod")["consoleVersion"])  # stopped, as it was left

        # C: a fresh wizard; the failed run is offered; Roll back from its ways on.
        w = self.start("journey5c", ["--site", site], env)
        self.page(w, "What do you want to do?", "start page")
        w.wait_for_text("failed")
        w.press_button("Continue the run")
        w.wait_for_text(WAYS, timeout=60)
        self.look(w, "the failed run continued: its ways on")
        w.press_button("Roll back…")
        dialog = w.window("Roll back?")
        self.look(w, "rollback dialog")
        w.press_button("Roll back", within=dialog)
        # restart.sh restarts the web container, whose log keeps part A's boot with its
        # error line (a time of day, no date): verify tells it from this boot's by the dated
        # Tomcat line before it, and the rollback ends without a judgement to make.
        w.wait_for_text("Rollback complete: MyST Studio 2.0.0 is running again.", timeout=180)
        self.look(w, "rolled back")
        self.done(w, "roll back")
        after = self.state("prod")
        self.assertEqual(after["consoleVersion"], "2.0.0")
        self.assertEqual(after["dbDumpSha256"], upgraded["dbDumpSha256"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
