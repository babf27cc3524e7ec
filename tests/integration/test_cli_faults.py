#!/usr/bin/env python3
"""Issue 6 of 6: faults during a run, through the real myst-upgrade binary against a simulated
host (real sshd): connections dropped in every kind of step, the CLI killed mid-step and
resumed, a full disk during the backup, a hanging script, two wizards on one host."""
import json
import os
import signal
import subprocess
import time
import unittest

from clitest import CLI, HOSTSIM, CliTestCase, drop_sshd_connections

MAKE_IMAGE_TAR = os.path.join(os.path.dirname(HOSTSIM), "make-image-tar")


class Faults(CliTestCase):
    def tearDown(self):
        for script in os.listdir(os.path.join(self.home(), "faults")):
            self.set_fault(script, None)

    # --- helpers ---
    def start_cli(self, *args):
        """The CLI in the background, its --json events readable one at a time."""
        env = dict(os.environ, XDG_STATE_HOME=self.state)
        return subprocess.Popen([CLI, *args, "--json"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                                env=env)

    def read_until(self, proc, predicate, timeout=120):
        """Events from a running CLI up to and including the first that matches."""
        events, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            events.append(json.loads(line))
            if predicate(events[-1]):
                return events
        self.fail(f"no matching event; last: {events[-3:]}")

    def finish(self, proc, events):
        out, err = proc.communicate(timeout=300)
        events += [json.loads(line) for line in out.splitlines()]
        return proc.returncode, events, err

    def drop_connections(self, role="prod"):
        """Kill the sshd processes serving connections to the host (not the listener)."""
        return drop_sshd_connections(os.path.join(self.dir, role, "ssh", "sshd.pid"))

    def lines(self, events):
        return [e["line"] for e in events if e["event"] == "output"]

    def upgrade(self, version, *extra):
        return self.cli_json("upgrade", "--site", self.site, "--approach", "in-place",
                             "--version", version, "--yes", *extra)

    def assert_journal_agrees_with_host(self, run_id, version):
        journal = self.journal(run_id)
        self.assertEqual(journal["status"], "succeeded")
        self.assertEqual({s["status"] for s in journal["steps"]}, {"succeeded"})
        self.assertEqual(journal["records"]["prod"]["newImageId"], self.tagged_image())
        self.assertEqual(self.console_version(), version)
        self.assertEqual(self.schema_version(), version)
        self.assertFalse(os.path.exists(os.path.join(self.home(), ".myst-upgrade", "lock")),
                         "the lock is released when the run ends")

    # --- the tests ---
    def test_1_connection_dropped_during_pull_backup_stop_and_start(self):
        before_id, before_dump = self.tagged_image(), self.db_dump()
        for script in ("pull", "backup-database", "stop", "start"):
            self.set_fault(script, "drop")
        p, events = self.upgrade("2.0.0")
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = self.lines(events)
        for script in ("pull", "backup-database", "stop", "start"):
            # The step went on on the host while the wizard was away; it reattached by byte
            # offset: no line lost, none shown twice.
            self.assertEqual(lines.count(f"{script}: working..."), 1, script)
            self.assertEqual(lines.count(f"{script}: still working after the drop"), 1, script)
        self.assertGreaterEqual(sum(1 for l in lines if l.startswith("[wizard] reconnected")), 4)
        self.assertEqual(lines.count("MyST Studio stopped"), 1)
        run_id = self.result_of(events)["runId"]
        self.assert_journal_agrees_with_host(run_id, "2.0.0")
        type(self).before = (before_id, before_dump)

    def test_2_connection_dropped_during_rollback(self):
        before_id, before_dump = type(self).before
        self.set_fault("update-database", "drop")
        self.set_fault("restart", "drop")
        p, events = self.cli_json("rollback", "--site", self.site, "--last", "--yes")
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = self.lines(events)
        self.assertEqual(lines.count("update-database: still working after the drop"), 1)
        self.assertEqual(lines.count("restart: still working after the drop"), 1)
        self.assertEqual(self.tagged_image(), before_id)
        self.assertEqual(self.db_dump(), before_dump)
        self.assertEqual(self.console_version(), "1.0.0")
        journal = self.journal(self.result_of(events)["runId"])
        self.assertEqual({s["status"] for s in journal["steps"]}, {"succeeded"})

    def test_3_connection_dropped_during_upload(self):
        tar = os.path.join(self.tmp.name, "myst-studio-3.0.0.tar")
        image_id = subprocess.run([MAKE_IMAGE_TAR, "3.0.0", tar, "--layer-mb", "300"],
                                  capture_output=True, text=True, check=True).stdout.strip()
        total = os.path.getsize(tar)
        proc = self.start_cli("upgrade", "--site", self.site, "--approach", "in-place",
                              "--image-tar", tar, "--yes")
        events = self.read_until(proc, lambda e: e["event"] == "upload-progress"
                                 and total // 5 <= e["bytes"] < total)
        self.assertGreater(self.drop_connections(), 0)
        code, events, err = self.finish(proc, events)
        self.assertEqual(code, 0, err)
        upload = [e for e in events if e["event"] == "step-finished" and e["id"] == "upload"][0]
        self.assertIn("resumed at", upload["message"])
        last = [e for e in events if e["event"] == "upload-progress"][-1]
        self.assertEqual(last["bytes"], total)
        self.assertLess(last["sent"], total)  # the retry sent only the rest
        self.assertEqual(self.tagged_image(), image_id)
        self.assert_journal_agrees_with_host(self.result_of(events)["runId"], "3.0.0")
        os.remove(tar)

    def test_4_cli_killed_mid_step_then_resume(self):
        self.set_fault("stop", "slow 4")
        proc = self.start_cli("upgrade", "--site", self.site, "--approach", "in-place",
                              "--version", "4.0.0", "--yes")
        self.read_until(proc, lambda e: e["event"] == "output"
                        and e["line"] == "stop: working slowly...")
        proc.send_signal(signal.SIGKILL)  # as a crash, or a laptop that died, would
        proc.communicate(timeout=30)
        journal = self.journal(self.journal_id_of_newest())
        self.assertEqual(journal["status"], "running")
        self.assertEqual({s["id"]: s["status"] for s in journal["steps"]}["stop"], "running")

        p, events = self.cli_json("resume", "--site", self.site, "--last", "--yes")
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = self.lines(events)
        self.assertEqual(lines.count("stop: done working slowly"), 1)
        started = self.started_steps(events)
        self.assertEqual(started, ["stop", "start", "verify"])  # the rest, not again
        result = self.result_of(events)
        self.assertEqual(result["runId"], journal["runId"])
        self.assertGreater(result["outageMs"], 3000)  # from stop, before the kill
        # The stop step counts from its start before the crash, not from the resume.
        stop_before = {s["id"]: s for s in journal["steps"]}["stop"]
        stop_after = {s["id"]: s for s in self.journal(result["runId"])["steps"]}["stop"]
        self.assertEqual(stop_after["started"], stop_before["started"])
        self.assert_journal_agrees_with_host(result["runId"], "4.0.0")
        with open(journal["steps"][4]["logFile"]) as f:
            log = f.read()
        self.assertEqual(log.count("stop: working slowly..."), 1)
        self.assertEqual(log.count("stop: done working slowly"), 1)

        p = self.cli("resume", "--site", self.site, "--last", "--yes")
        self.assertEqual(p.returncode, 2)
        self.assertIn("no unfinished run", p.stderr)

    def test_4b_a_step_that_failed_while_nobody_watched(self):
        # The CLI dies while start.sh runs; start.sh fails on the host before anyone is back.
        # resume reads the outcome from the host: the run ends failed at that step, with the
        # host's error, and rollback is then possible.
        before = self.console_version()
        self.set_fault("start", "slowfail 2")
        proc = self.start_cli("upgrade", "--site", self.site, "--approach", "in-place",
                              "--version", "4.1.0", "--yes")
        self.read_until(proc, lambda e: e["event"] == "output"
                        and e["line"] == "start: working slowly...")
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        steps = os.path.join(self.home(), ".myst-upgrade", "runs", self.journal_id_of_newest())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # start.sh's status file: it ended on the host
            found = [n for n in os.listdir(steps) if "start" in n and n.endswith(".status")]
            if found:
                break
            time.sleep(0.2)
        self.assertTrue(found, "start.sh ended on the host")

        p, events = self.cli_json("resume", "--site", self.site, "--last", "--yes")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(self.started_steps(events), ["start"])
        result = self.result_of(events)
        self.assertEqual(result["status"], "failed")
        self.assertIn("ERROR: start failed after working slowly", result["message"])
        journal = self.journal(result["runId"])
        self.assertEqual({s["id"]: s["status"] for s in journal["steps"]}["start"], "failed")
        self.assertIn("ERROR: start failed after working slowly (simulated fault)",
                      self.lines(events))  # the host's own words, read back after the fact

        self.set_fault("start", None)
        p, events = self.cli_json("rollback", "--site", self.site, "--last", "--yes")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.console_version(), before)

    def journal_id_of_newest(self):
        runs = os.path.join(self.state, "myst-upgrade", "runs")
        names = sorted(n for n in os.listdir(runs) if n.endswith(".json"))
        return names[-1][:-5]

    def test_5_two_wizards_on_one_host(self):
        self.set_fault("backup-database", "slow 5")
        first = self.start_cli("upgrade", "--site", self.site, "--approach", "in-place",
                               "--version", "5.0.0", "--yes")
        events = self.read_until(first, lambda e: e["event"] == "output"
                                 and e["line"] == "backup-database: working slowly...")
        before = self.tagged_image()
        p, second = self.upgrade("5.0.0")
        self.assertEqual(p.returncode, 1)
        message = self.result_of(second)["message"]
        self.assertIn("locked by another upgrade", message)
        self.assertIn("pid %d" % first.pid, message)
        self.assertIn("myst-upgrade unlock", message)
        self.assertEqual(self.tagged_image(), before)
        code, events, err = self.finish(first, events)
        self.assertEqual(code, 0, err)
        self.assert_journal_agrees_with_host(self.result_of(events)["runId"], "5.0.0")

    def test_6_a_stale_lock_is_named_and_can_be_broken(self):
        lock = os.path.join(self.home(), ".myst-upgrade", "lock")
        os.makedirs(os.path.dirname(lock), exist_ok=True)
        with open(lock, "w") as f:
            f.write("run=20260101-000000-dead user=bob from=old-laptop pid=4242 "
                    "since=2026-01-01T00:00:00Z\n")
        p, events = self.upgrade("6.0.0")
        self.assertEqual(p.returncode, 1)
        self.assertIn("bob on old-laptop (pid 4242), since 2026-01-01 00:00 UTC",
                      self.result_of(events)["message"])
        self.assertEqual(self.console_version(), "5.0.0")  # nothing was changed
        p = self.cli("unlock", "--site", self.site, "--role", "prod")
        self.assertEqual(p.returncode, 2)  # not without --yes
        self.assertTrue(os.path.exists(lock))
        p = self.cli("unlock", "--site", self.site, "--role", "prod", "--yes")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("bob on old-laptop", p.stdout)
        self.assertFalse(os.path.exists(lock))

    def test_7_disk_full_during_backup_stops_before_stop(self):
        self.set_fault("backup-database", "diskfull")
        before = self.tagged_image()
        p, events = self.upgrade("7.0.0")
        self.assertEqual(p.returncode, 1)
        started = self.started_steps(events)
        self.assertNotIn("stop", started)
        message = self.result_of(events)["message"]
        self.assertIn("No space left on device", message)
        self.assertIn("was not stopped", message)
        self.assertEqual(self.console_version(), "5.0.0")  # production untouched
        self.assertEqual(self.schema_version(), "5.0.0")
        # pull.sh had moved the tag; a restart must not bring up 7.0.0 by surprise.
        self.assertEqual(self.tagged_image(), before)
        self.assertIn("nothing to roll back", message)
        self.assertNotIn("Rollback is available", message)

    def test_8_a_hanging_script_times_out_and_the_service_state_is_reported(self):
        short = self.site_with(stepTimeoutSeconds=4)
        self.set_fault("start", "hang")
        began = time.monotonic()
        p, events = self.cli_json("upgrade", "--site", short, "--approach", "in-place",
                                  "--version", "8.0.0", "--yes")
        self.assertEqual(p.returncode, 1)
        self.assertLess(time.monotonic() - began, 60)
        message = self.result_of(events)["message"]
        self.assertIn("timed out after 4 s", message)
        self.assertIn("MyST Studio on prod is not answering", message)  # stop.sh had run
        self.assertIn("Rollback is available", message)
        # The hanging script was ended on the host, not left behind.
        left = subprocess.run(["pgrep", "-f", "sleep 3600"], capture_output=True, text=True)
        for pid in left.stdout.split():
            with open(f"/proc/{pid}/environ", "rb") as f:
                self.assertNotIn(("MYST_HOME=" + self.home()).encode(), f.read())

    def test_9a_rollback_not_ready_stops_before_stop(self):
        # More free disk asked for than the host has: the readiness step refuses to go on.
        before = self.tagged_image()
        site = self.site_with(minFreeMegabytes=2000000000)
        p, events = self.cli_json("upgrade", "--site", site, "--approach", "in-place",
                                  "--version", "9.0.0", "--yes")
        self.assertEqual(p.returncode, 1)
        started = self.started_steps(events)
        self.assertEqual(started[-1], "ready")
        message = self.result_of(events)["message"]
        self.assertIn("Rollback is not ready on prod", message)
        self.assertIn("2000000000 MB needed", message)
        self.assertIn("was not stopped", message)
        self.assertEqual(self.tagged_image(), before)
        self.assertFalse(os.path.exists(os.path.join(self.home(), ".myst-upgrade", "lock")))

    def test_9b_a_backup_that_is_empty_is_not_trusted(self):
        before = self.tagged_image()
        self.set_fault("backup-database", "empty")
        p, events = self.upgrade("10.0.0")
        self.assertEqual(p.returncode, 1)
        started = self.started_steps(events)
        self.assertNotIn("stop", started)
        message = self.result_of(events)["message"]
        self.assertIn("missing or empty", message)
        self.assertEqual(self.tagged_image(), before)

    def test_9c_host_gone_longer_than_reconnect_then_resume(self):
        # The VPN is down for longer than the run waits: the run stops as interrupted, the step
        # goes on on the host, and `resume` picks it up once the host is back.
        site = self.site_with(reconnectSeconds=3)
        self.set_fault("stop", "slow 6")
        proc = self.start_cli("upgrade", "--site", site, "--approach", "in-place",
                              "--version", "9.3.0", "--yes")
        events = self.read_until(proc, lambda e: e["event"] == "output"
                                 and e["line"] == "stop: working slowly...")
        ssh = os.path.join(self.dir, "prod", "ssh")
        with open(os.path.join(ssh, "sshd.pid")) as f:
            listener = f.read().split()[0]
        children = subprocess.run(["pgrep", "-P", listener], capture_output=True,
                                  text=True).stdout.split()
        subprocess.run(["kill", "-TERM", listener])  # no new connections...
        for child in children:  # ...and the open one is gone
            subprocess.run(["pkill", "-KILL", "-P", child])
            subprocess.run(["kill", "-KILL", child])
        code, events, err = self.finish(proc, events)
        self.assertEqual(code, 4, err)
        self.assertTrue(any("not reachable yet" in l for l in self.lines(events)))
        message = self.result_of(events)["message"]
        self.assertIn("could not be reached again for 3 s", message)
        self.assertIn("myst-upgrade resume", message)
        run_id = self.result_of(events)["runId"]
        self.assertEqual(self.journal(run_id)["status"], "interrupted")

        subprocess.run(["/usr/sbin/sshd", "-f", os.path.join(ssh, "sshd_config"),
                        "-E", os.path.join(ssh, "sshd.log")], check=True)
        p, events = self.cli_json("resume", "--site", site, "--last", "--yes")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.lines(events).count("stop: done working slowly"), 1)
        self.assertEqual(self.started_steps(events),
                         ["stop", "start", "verify"])
        self.assert_journal_agrees_with_host(run_id, "9.3.0")


if __name__ == "__main__":
    unittest.main(verbosity=2)
