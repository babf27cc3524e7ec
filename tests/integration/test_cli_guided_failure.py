#!/usr/bin/env python3
"""Issue 27: after a failed step, the ways on. A step safe to repeat is retried
(`resume --retry`), a judgement is accepted (`resume --accept`), a fact cannot be accepted, and a
failed run that was not rolled back is what `resume --last` finds. Against simulated hosts
(real sshd) through the real CLI; the realistic host's power cycle is in
test_realhost_guided_failure.py."""
import glob
import datetime
import json
import os
import unittest

from clitest import CliTestCase


class GuidedFailure(CliTestCase):
    def tearDown(self):
        for script in ("start", "pull"):
            self.set_fault(script, None)

    def upgrade(self, version):
        return self.cli_json("upgrade", "--site", self.site, "--approach", "in-place",
                             "--version", version, "--yes")

    def resume(self, *how):
        return self.cli_json("resume", "--site", self.site, "--last", *how, "--yes")

    def ways_on(self, events):
        return {e["kind"]: e for e in events if e["event"] == "way-on"}

    def host_record(self, run_id):
        files = glob.glob(os.path.join(self.home(), ".myst-upgrade", "**", run_id + ".json"),
                          recursive=True)
        self.assertEqual(len(files), 1, files)
        with open(files[0]) as f:
            return json.load(f)

    def test_1_a_pull_that_fails_once_is_retried_and_the_run_finishes(self):
        self.set_fault("pull", "failonce")
        p, events = self.upgrade("2.0.0")
        self.assertEqual(p.returncode, 1)
        run_id = self.result_of(events)["runId"]
        ways = self.ways_on(events)
        self.assertTrue(ways["retry"]["offered"], ways)
        self.assertIn("--retry", ways["retry"]["command"])
        self.assertFalse(ways["accept"]["offered"])  # a failed pull is a fact
        self.assertIn("Ways on", p.stderr)
        self.assertEqual(self.console_version(), "1.0.0")

        p, events = self.resume("--retry")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        decisions = [e for e in events if e["event"] == "decision"]
        self.assertEqual([(d["kind"], d["stepId"]) for d in decisions], [("retry", "pull")])
        self.assertEqual(self.started_steps(events)[0], "pull")  # on from the failed step
        self.assertEqual(self.console_version(), "2.0.0")
        run = self.journal(run_id)
        self.assertEqual(run["status"], "succeeded")
        pull = [s for s in run["steps"] if s["id"] == "pull"][0]
        self.assertEqual([a["status"] for a in pull["attempts"]], ["failed"])
        self.assertIn("failed this once", pull["attempts"][0]["message"])
        self.assertTrue(pull["logFile"].endswith("-pull-try2.log") or
                        pull["logFile"].endswith("pull-try2.log"), pull["logFile"])
        self.assertTrue(os.path.exists(pull["logFile"]))
        self.assertTrue(os.path.exists(pull["attempts"][0]["logFile"]))
        self.assertEqual(run["decisions"][0]["kind"], "retry")
        self.assertIn("@", run["decisions"][0]["by"])
        # The host's record says it too, for the next laptop.
        record_pull = [s for s in self.host_record(run_id)["steps"] if s["id"] == "pull"][0]
        self.assertEqual(record_pull["attempts"], 2)
        self.assertIn("retry by", record_pull["decision"])

    def test_2_an_error_line_is_accepted_and_the_run_ends_successful(self):
        self.set_fault("start", "errorlog")
        p, events = self.upgrade("2.1.0")
        self.assertEqual(p.returncode, 1)
        run_id = self.result_of(events)["runId"]
        ways = self.ways_on(events)
        self.assertTrue(ways["accept"]["offered"], ways)
        self.assertIn("Failed to deploy myst-console", ways["accept"]["why"])
        self.assertTrue(ways["retry"]["offered"])  # verify only reads
        # Without a decision, resume says the ways on and does nothing.
        p = self.cli("resume", "--site", self.site, "--last", "--yes")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("--retry or --accept", p.stderr)
        self.assertEqual(self.journal(run_id)["status"], "failed")

        p, events = self.resume("--accept")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        self.assertEqual(self.started_steps(events), [])  # verify was the last step
        self.assertEqual(self.console_version(), "2.1.0")
        run = self.journal(run_id)
        self.assertEqual(run["status"], "succeeded")
        verify = [s for s in run["steps"] if s["id"] == "verify"][0]
        self.assertEqual(verify["status"], "accepted")
        # The outage ended when the console answered, at the accepted verify's end.
        stop = [s for s in run["steps"] if s["id"] == "stop"][0]
        self.assertGreaterEqual(run["outageMs"], 0)
        def at(text):
            return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
        self.assertLessEqual(run["outageMs"],
                             (at(verify["finished"]) - at(stop["started"])) * 1000 + 1)
        decision = run["decisions"][-1]
        self.assertEqual(decision["kind"], "accept")
        self.assertIn("Failed to deploy myst-console", decision["note"])
        record = self.host_record(run_id)
        self.assertEqual(record["status"], "succeeded")
        record_verify = [s for s in record["steps"] if s["id"] == "verify"][0]
        self.assertEqual(record_verify["status"], "accepted")
        self.assertIn("accept by", record_verify["decision"])

    def test_3_a_fact_is_not_accepted_but_start_is_retried(self):
        self.set_fault("start", "fail")
        p, events = self.upgrade("2.2.0")
        self.assertEqual(p.returncode, 1)
        run_id = self.result_of(events)["runId"]
        self.assertIsNone(self.console_version())  # stopped, not started
        p, _ = self.resume("--accept")
        self.assertEqual(p.returncode, 2)
        self.assertIn("not a judgement", p.stderr)
        self.set_fault("start", None)
        p, events = self.resume("--retry")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        self.assertEqual(self.started_steps(events), ["start", "verify"])
        self.assertEqual(self.console_version(), "2.2.0")
        run = self.journal(run_id)
        self.assertEqual(run["status"], "succeeded")
        # The outage counts from the first stop, through both attempts of start.
        stop = [s for s in run["steps"] if s["id"] == "stop"][0]
        verify = [s for s in run["steps"] if s["id"] == "verify"][0]
        self.assertGreater(run["outageMs"], 0)
        start_attempt = [s for s in run["steps"] if s["id"] == "start"][0]["attempts"][0]
        self.assertLess(stop["started"], start_attempt["finished"])
        self.assertLess(start_attempt["finished"], verify["finished"])

    def test_4_a_run_followed_by_another_is_not_offered_again(self):
        self.set_fault("pull", "fail")
        p, events = self.upgrade("3.0.0")
        self.assertEqual(p.returncode, 1)
        self.set_fault("pull", None)
        p, _ = self.upgrade("3.0.0")  # a new run of the site: the failed one is history
        self.assertEqual(p.returncode, 0, p.stderr)
        p, _ = self.resume("--retry")
        self.assertEqual(p.returncode, 2)
        self.assertIn("no unfinished run", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
