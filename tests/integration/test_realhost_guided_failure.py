#!/usr/bin/env python3
"""Issue 27 on a host that behaves like a real installation (tests/realhost: real dockerd, sudo,
HTTPS console inside the host): production loses power while start.sh brings up 2.0.0. The run
says the host restarted (its boot ID changed) and what runs there now, never reattaches to the
start.sh of the earlier boot, and one `resume --retry` brings production to 2.0.0, verified, with
both attempts in the journal and the host's record. Default settings."""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from test_realhost_cli import CLI, REALHOST, realhost_lab  # noqa: E402


@unittest.skipUnless(os.geteuid() == 0, "realhost needs root (namespaces, users, dockerd)")
class PowerCycleMidStart(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir, cls.site, _ = realhost_lab(cls.tmp.name, "prod")
        cls.state_dir = os.path.join(cls.tmp.name, "state")

    @classmethod
    def tearDownClass(cls):
        subprocess.run([REALHOST, "down", cls.dir], check=False)
        cls.tmp.cleanup()

    def env(self):
        return dict(os.environ, XDG_STATE_HOME=self.state_dir)

    def cli(self, *args):
        p = subprocess.run([CLI, *args, "--json"], capture_output=True, text=True,
                           env=self.env(), stdin=subprocess.DEVNULL, timeout=900)
        return p, [json.loads(line) for line in p.stdout.splitlines()]

    def state(self):
        return json.loads(subprocess.run([REALHOST, "state", self.dir, "prod"],
                                         capture_output=True, text=True, check=True).stdout)

    def fault(self, script, *words):
        subprocess.run([REALHOST, "fault", self.dir, "prod", script, *words], check=True)

    def journal(self, run_id):
        with open(os.path.join(self.state_dir, "myst-upgrade", "runs", run_id + ".json")) as f:
            return json.load(f)

    def test_power_cycle_during_start_then_one_retry(self):
        before = self.state()
        self.assertEqual(before["consoleVersion"], "1.0.0")
        # start.sh works slowly first: the power goes while it runs.
        self.fault("start", "slow", "20")
        began = time.monotonic()
        proc = subprocess.Popen([CLI, "upgrade", "--site", self.site, "--approach", "in-place",
                                 "--version", "2.0.0", "--yes", "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=self.env(), stdin=subprocess.DEVNULL)
        stderr = []
        threading.Thread(target=lambda: stderr.append(proc.stderr.read()), daemon=True).start()
        events, cycled = [], None
        for line in proc.stdout:
            e = json.loads(line)
            events.append(e)
            if (cycled is None and e["event"] == "output"
                    and "start: working slowly" in e.get("line", "")):
                self.fault("start")  # the switch goes with the power: the next start is plain
                t = time.monotonic()
                subprocess.run([REALHOST, "powercycle", self.dir, "prod", "--down", "5"],
                               check=True, stdout=subprocess.DEVNULL)
                cycled = time.monotonic() - t
        proc.wait(timeout=60)
        first_run_s = time.monotonic() - began
        self.assertIsNotNone(cycled, "start.sh never said it was working")
        self.assertEqual(proc.returncode, 1, stderr)
        result = [e for e in events if e["event"] == "result"][0]
        start = [e for e in events if e["event"] == "step-finished" and e["id"] == "start"][0]
        self.assertEqual(start["status"], "failed")
        msg = start["message"]
        self.assertIn("prod restarted (boot ID changed) while \"Start MyST Studio", msg)
        self.assertIn("its outcome is not known", msg)
        self.assertIn("myststudio_web", msg)    # what runs there now: the containers...
        self.assertIn("Exited", msg)            # ...down, as after a real boot
        self.assertIn("not answering", msg)     # and the console
        self.assertIn("Retry", msg)
        ways = {e["kind"]: e for e in events if e["event"] == "way-on"}
        self.assertTrue(ways["retry"]["offered"])
        self.assertNotEqual(self.state()["consoleVersion"], "2.0.0")

        began = time.monotonic()
        p, events = self.cli("resume", "--site", self.site, "--last", "--retry", "--yes")
        retry_s = time.monotonic() - began
        self.assertEqual(p.returncode, 0, p.stdout[-4000:] + p.stderr)
        self.assertEqual([e["id"] for e in events if e["event"] == "step-started"],
                         ["start", "verify"])
        after = self.state()
        self.assertEqual(after["consoleVersion"], "2.0.0")
        run = self.journal(result["runId"])
        self.assertEqual(run["status"], "succeeded")
        step = [s for s in run["steps"] if s["id"] == "start"][0]
        self.assertEqual(len(step["attempts"]), 1)
        self.assertIn("restarted", step["attempts"][0]["message"])
        self.assertEqual([d["kind"] for d in run["decisions"]], ["retry"])
        self.assertGreater(run["outageMs"], 0)  # counted from the stop, through both attempts
        print(f"\npower cycle {cycled:.1f} s; first run {first_run_s:.1f} s (to the restart "
              f"message); resume --retry {retry_s:.1f} s; outage {run['outageMs'] / 1000:.1f} s",
              file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
