#!/usr/bin/env python3
"""Issue 29 (4 of 5): the wizard driven as its user drives it. The real myst-upgrade-wizard on
the realistic host (tests/realhost) with default settings, found and pressed by accessible name
over AT-SPI, typed into with xdotool, every page looked at (a screenshot in
build/artifacts/desktop, no control without a name). One lab for all journeys, in this order,
each leaving the host on a version the next one starts from:

  journey 1   in place 1.0.0 -> 2.0.0 with the live log, then the Rollback button;
  journey 1k  the same with the keyboard alone (Tab, Space, Enter, Alt+N);
  journey 2   an upgrade made elsewhere (the CLI), rolled back from a fresh laptop in 3 clicks;
  journey 4   phased with the gate: production gets the image verified on non-production;
  journey 3   an offline image dragged from another X client (XDND) onto the drop zone."""
import os
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from journey import Journey, docker25_targz  # noqa: E402

HOST_CHOICE = "Roll back from what the host knows (any computer)"
# The archive's random layer: enough to see the upload's progress and time left for a few
# seconds (a real image is hundreds of MB), little enough to keep the journey short.
PAD_MB = int(os.environ.get("MYST_DESKTOP_PAD_MB", "128"))


class Journeys(Journey):
    def test_a_journey1_in_place_with_live_logs_then_rollback(self):
        before = self.state("prod")
        self.assertEqual(before["consoleVersion"], "1.0.0")
        env, site = self.laptop("journey1")
        w = self.start("journey1", ["--site", site], env)

        # A host at 1.0.0 has nothing to roll back to: that choice is disabled and says why,
        # and Upgrade reads as the action (no empty lists).
        self.page(w, "What do you want to do?", "start page")
        w.wait_for_text("no rollback can be proposed")
        host = w.find("radio button", HOST_CHOICE)
        self.assertFalse(w.enabled(host), "rolling back offered with nothing to roll back to")
        self.assertIn("no MyST Studio image older than the current one", host.description)
        self.assertTrue(w.checked(w.find("radio button", "Upgrade MyST Studio")))
        w.wait_for_text("nothing on the hosts changes before")
        for empty in ("Roll back to", "Change the image:", "Change the backup:",
                      "Upgrade runs from this computer"):
            self.assertFalse(w.showing(empty), f"{empty!r} takes room with nothing in it")
        self.look(w, "start page, nothing to roll back")
        w.press_button("Next >")
        self.page(w, "Choose an approach")
        self.assertTrue(w.checked(w.find("radio button", "In-place upgrade")))
        w.press_button("Next >")
        self.page(w, "Hosts")
        w.press_button("Next >")

        # The running version, read from the host by the page itself.
        self.page(w, "New version")
        w.wait_for_text("MyST Studio 1.0.0 on prod")
        self.look(w, "version page, running version read")
        w.click(w.find("text", "Upgrade to version:"))
        w.type("2.0.0")
        w.press_button("Next >")
        self.page(w, "Pre-flight checks")
        w.wait_for_text("All checks passed", timeout=90)
        self.look(w, "pre-flight passed")
        w.press_button("Start upgrade")

        self.page(w, "Upgrade to MyST Studio 2.0.0", "run page")
        log = self.follow_run(w, "Upgrade complete: MyST Studio 2.0.0 is running.")
        self.look(w, "upgrade complete")
        # The log pane followed the run live: it said more than once how far it had got.
        self.assertGreaterEqual(len(log), 2, log)
        self.assertEqual(self.state("prod")["consoleVersion"], "2.0.0")

        w.press_button("Roll back", within=w.window("MyST Upgrade Wizard"))
        dialog = w.window("Roll back?")
        self.look(w, "rollback dialog")
        w.press_button("Roll back", within=dialog)
        self.follow_run(w, "Rollback complete: MyST Studio 1.0.0 is running again.")
        self.look(w, "rollback complete")
        after = self.state("prod")
        self.done(w)
        self.assertEqual(after["taggedImage"], before["taggedImage"])
        self.assertEqual(after["runningImage"], before["taggedImage"])
        self.assertEqual(after["dbDumpSha256"], before["dbDumpSha256"])
        self.assertEqual(after["consoleVersion"], "1.0.0")


    def test_b_journey1_by_keyboard_alone(self):
        """Journey 1 again, with the keyboard alone: Tab, Space, Enter, Alt+N and typing. Only
        keys are sent; the accessibility tree is only read (where the focus is, what a page
        says), as a person reads the screen."""
        self.from_version("1.0.0", "prod", "nonprod")
        before = self.state("prod")
        env, site = self.laptop("journey1k")
        w = self.start("journey1k", ["--site", site], env)
        w.focus_window("MyST Upgrade Wizard")  # what a window manager does for a new window
        self.page(w, "What do you want to do?", "start page")
        w.wait_until("the host's answer",
                     lambda: not [t for t in w.texts() if t.startswith("Asking prod")])
        self.assertTrue(w.checked(w.find("radio button", "Upgrade MyST Studio")))
        w.key("alt+n")
        self.page(w, "Choose an approach")
        w.key("alt+n")
        self.page(w, "Hosts")
        w.key("alt+n")
        self.page(w, "New version")
        w.wait_for_text("MyST Studio 1.0.0 on prod")
        w.key("alt+v")  # "Upgrade to &version:"
        w.type("2.0.0")
        w.key("alt+n")
        self.page(w, "Pre-flight checks")
        w.wait_for_text("All checks passed", timeout=90)
        w.tab_to("push button", "Start upgrade")
        w.key("space")
        self.page(w, "Upgrade to MyST Studio 2.0.0", "run page")
        self.follow_run(w, "Upgrade complete: MyST Studio 2.0.0 is running.")
        self.look(w, "upgrade complete")
        w.tab_to("push button", "Roll back")
        w.key("space")
        w.focus_window("Roll back?")
        w.tab_to("push button", "Roll back", within=w.window("Roll back?"))
        self.look(w, "rollback dialog")
        w.key("Return")
        self.follow_run(w, "Rollback complete: MyST Studio 1.0.0 is running again.")
        self.look(w, "rollback complete")
        after = self.state("prod")
        self.assertEqual(w.clicks, 0, "the mouse or an AT-SPI action was used")
        self.done(w, "keyboard only")
        self.assertEqual(after["taggedImage"], before["taggedImage"])
        self.assertEqual(after["dbDumpSha256"], before["dbDumpSha256"])

    def test_c_journey2_incident_rollback_from_a_fresh_laptop(self):
        """An upgrade made elsewhere (the CLI on another computer); a laptop that never ran the
        wizard, with only the site file where the wizard looks for it: from the first window to
        the rollback running in 3 clicks, nothing typed."""
        self.from_version("1.0.0", "prod", "nonprod")
        before = self.state("prod")
        elsewhere, _ = self.laptop("journey2-elsewhere")
        self.cli(elsewhere, "upgrade", "--site", self.site_file, "--approach", "in-place",
                 "--version", "2.0.0", "--yes")
        self.assertEqual(self.state("prod")["consoleVersion"], "2.0.0")

        env, _ = self.laptop("journey2", default_site=True)
        w = self.start("journey2", [], env)
        self.page(w, "What do you want to do?", "start page")
        row = w.find("table cell", startswith="MyST Studio 1.0.0", timeout=60)
        self.assertTrue(any("upgrade 1.0.0 → 2.0.0" in t for t in w.texts("table cell")))
        self.look(w, "start page lists the host's upgrade")
        w.click(row)
        w.press_button("Roll back…")
        dialog = w.window("Roll back now?")
        self.look(w, "roll back now dialog")
        w.press_button("Roll back now", within=dialog)
        running = time.time() - self.started
        self.assertEqual(w.clicks, 3)
        self.assertEqual(w.keys, 0)
        self.follow_run(w, "Rollback complete: MyST Studio 1.0.0 is running again.")
        self.look(w, "rollback complete")
        after = self.state("prod")
        self.done(w, f"rollback running after {running:.1f} s")
        self.assertEqual(after["taggedImage"], before["taggedImage"])
        self.assertEqual(after["dbDumpSha256"], before["dbDumpSha256"])
        self.assertEqual(after["consoleVersion"], "1.0.0")


    def to_approach_page(self, w):
        """Start (Upgrade, the default) -> Approach, by mouse."""
        self.page(w, "What do you want to do?", "start page")
        w.press_button("Next >")
        self.page(w, "Choose an approach")

    def test_d_journey4_phased_with_the_gate(self):
        """Phased: non-production first; at the gate production is untouched and the page says
        what non-production's verify found; production then gets the image verified there."""
        self.from_version("1.0.0", "prod", "nonprod")
        env, site = self.laptop("journey4")
        w = self.start("journey4", ["--site", site], env)
        self.to_approach_page(w)
        w.click(w.find("radio button", "Phased: non-production first, then production"))
        copy = w.find("check box", startswith="Copy production's data to non-production")
        self.assertTrue(w.checked(copy))
        self.look(w, "phased chosen")
        w.press_button("Next >")
        self.page(w, "Hosts")
        w.press_button("Next >")
        self.page(w, "New version")
        w.wait_for_text("MyST Studio 1.0.0 on prod")
        w.click(w.find("text", "Upgrade to version:"))
        w.type("2.0.0")
        w.press_button("Next >")
        self.page(w, "Pre-flight checks")
        w.wait_for_text("All checks passed", timeout=90)
        self.assertTrue(any(t.startswith("nonprod — console") for t in w.texts("list item")))
        w.press_button("Start upgrade")
        self.page(w, "Phased upgrade to MyST Studio 2.0.0", "run page")
        self.follow_run(w, None, log="Non-production log", gate="Continue to production")
        gate = w.wait_for_text("Non-production is upgraded and verified")
        self.look(w, "the gate")
        nonprod, prod = self.state("nonprod"), self.state("prod")
        self.assertEqual(nonprod["consoleVersion"], "2.0.0")
        self.assertEqual(prod["consoleVersion"], "1.0.0", "production changed before the gate")
        self.assertIn("production is not touched until you continue", gate)
        w.press_button("Continue to production")
        self.follow_run(w, "Upgrade complete: MyST Studio 2.0.0 is running.")
        self.look(w, "upgrade complete")
        nonprod, prod = self.state("nonprod"), self.state("prod")
        self.done(w)
        self.assertEqual(prod["consoleVersion"], "2.0.0")
        self.assertEqual(prod["taggedImage"], nonprod["taggedImage"],
                         "production runs another image than the one verified")

    def test_e_journey3_offline_image_dragged_from_another_client(self):
        """A Docker 25 `docker save | gzip` archive dragged from another X client (XDND) onto
        the drop zone: read, uploaded with progress and time left, loaded, verified."""
        archive = docker25_targz("3.0.0", os.path.join(self.tmp.name, "myst-studio-3.0.0.tar.gz"),
                                 pad_mb=PAD_MB)
        env, site = self.laptop("journey3")
        w = self.start("journey3", ["--site", site], env)
        self.to_approach_page(w)
        w.press_button("Next >")
        self.page(w, "Hosts")
        w.press_button("Next >")
        self.page(w, "New version")
        zone = w.find("frame", "Offline image")
        source = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "xdnd_source.py"),
                                   archive, "20", "790"], stdout=subprocess.PIPE, text=True)
        self.addCleanup(source.kill)
        ready = source.stdout.readline().split()
        self.assertEqual(ready[:1], ["ready"], "the drag source never showed its window")
        x, y, width, height = map(int, ready[1:])
        w.drag((x + width // 2, y + height // 2), zone)
        details = w.wait_for_text("Version: MyST Studio 3.0.0", timeout=60)
        self.assertIn("myst-studio-3.0.0.tar.gz", details)
        version = w.find("text", "Upgrade to version:")
        self.assertEqual(w.text_of(version), "3.0.0")
        self.look(w, "archive dropped and read")
        w.press_button("Next >")
        self.page(w, "Pre-flight checks")
        w.wait_for_text("All checks passed", timeout=90)
        w.press_button("Start upgrade")
        self.page(w, "Upgrade to MyST Studio 3.0.0", "run page")
        meter = w.wait_until("the upload meter", lambda: next(
            (n for n in w.nodes() if n.getRoleName() == "label" and
             w.text_of(n).startswith("1/3 Sending to prod")), None), timeout=60, interval=0.05)
        said = []
        while True:  # the one label, read as often as it changes
            text = w.text_of(meter)
            if not said or said[-1] != text:
                said.append(text)
            if not text.startswith("1/3"):
                break
            if len(said) == 2:
                self.look(w, "upload under way")
            time.sleep(0.05)
        self.assertTrue([t for t in said if " s left" in t and "/s" in t], said)
        self.follow_run(w, "Upgrade complete: MyST Studio 3.0.0 is running.")
        self.look(w, "upgrade complete")
        prod = self.state("prod")
        self.done(w, f"{PAD_MB + 2} MB archive; the meter said {said}")
        self.assertEqual(prod["consoleVersion"], "3.0.0")
        self.assertEqual(prod["runningImage"], prod["taggedImage"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
