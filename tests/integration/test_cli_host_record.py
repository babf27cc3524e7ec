#!/usr/bin/env python3
"""Issue 17: rollback from any laptop. The host keeps a record of each run
(<MyST home>/.myst-upgrade/records/), so that a second laptop (an empty state folder) can roll
back with --from-host; a tampered record is refused with nothing run; rolling back an upgrade
that is not the last one warns; and an upgrade done by hand (upgrade.sh over ssh, no record)
is rolled back from what `history` finds: the previous image and the backup."""
import glob
import hashlib
import json
import os
import stat
import subprocess
import unittest

from clitest import CliTestCase


class HostRecordTestCase(CliTestCase):
    def records_dir(self):
        return os.path.join(self.home(), ".myst-upgrade", "records")

    def host_record(self, run_id):
        with open(os.path.join(self.records_dir(), run_id + ".json")) as f:
            return json.load(f)

    def as_laptop(self, name):
        """Another laptop: its own, empty state folder."""
        self.state = os.path.join(self.tmp.name, name)
        os.makedirs(self.state, exist_ok=True)

    def upgrade(self, version):
        p, events = self.cli_json("upgrade", "--site", self.site, "--approach", "in-place",
                                  "--version", version, "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        return self.result_of(events)["runId"]

    def ssh(self, command):
        h = self.site_json["hosts"]["prod"]
        return subprocess.run(
            ["ssh", "-i", h["identity"], "-p", str(h["port"]), "-o", "BatchMode=yes",
             "-o", "UserKnownHostsFile=" + self.site_json["knownHosts"],
             "%s@%s" % (h["user"], h["host"]), command],
            capture_output=True, text=True, timeout=120)

    def upgrade_by_hand(self, version):
        p = self.ssh("cd \"$MYST_HOME/bin\" && ./upgrade.sh " + version)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.split("Backed up to ")[1].split()[0]

    def assert_nothing_ran(self, before, p):
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertEqual(self.snapshot(), before)
        self.assertFalse(glob.glob(os.path.join(self.home(), "FORGED*")))


class RollbackFromAnyLaptop(HostRecordTestCase):
    def test_1_upgrade_here_roll_back_from_another_laptop(self):
        before_id, before_dump = self.tagged_image(), self.db_dump()
        self.as_laptop("laptop-a")
        run = self.upgrade("2.0.0")
        self.assertEqual(self.console_version(), "2.0.0")

        # The record on the host: private, complete, no secrets.
        self.assertEqual(stat.S_IMODE(os.stat(self.records_dir()).st_mode), 0o700)
        record = self.host_record(run)
        self.assertEqual((record["format"], record["version"]), ("myst-upgrade-host-record", 1))
        self.assertEqual(record["previous"]["imageId"], before_id)
        self.assertEqual(record["previous"]["version"], "1.0.0")
        self.assertEqual(record["newImageId"], self.tagged_image())
        backup = record["backup"]
        with open(backup["path"], "rb") as f:
            data = f.read()
        self.assertEqual(data.decode(), before_dump)
        self.assertEqual(backup["size"], len(data))
        self.assertEqual(backup["sha256"], hashlib.sha256(data).hexdigest())
        self.assertEqual(record["status"], "succeeded")
        self.assertEqual([s["status"] for s in record["steps"]], ["succeeded"] * 7)
        self.assertTrue(record["user"] and record["from"])
        self.assertNotIn("identity", json.dumps(record))
        self.assertEqual([os.path.basename(f) for f in glob.glob(self.records_dir() + "/*")],
                         [run + ".json"])  # no temporary file left behind

        # Laptop B knows nothing; the host tells it.
        self.as_laptop("laptop-b")
        p = self.cli("history", "--site", self.site)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(run, p.stdout)
        self.assertIn("Proposed rollback: image " + before_id[:19], p.stdout)
        p, events = self.cli_json("rollback", "--site", self.site, "--from-host", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        self.assertEqual(self.tagged_image(), before_id)
        self.assertEqual(self.db_dump(), before_dump)  # byte for byte
        self.assertEqual(self.console_version(), "1.0.0")
        rollback = self.result_of(events)["runId"]
        self.assertEqual(self.journal(rollback)["rollbackOf"], run)
        # ...and the rollback is on the host too, for the next laptop.
        undo = self.host_record(rollback)
        self.assertEqual((undo["kind"], undo["status"], undo["rollbackOf"]),
                         ("rollback", "succeeded", run))
        self.assertEqual(undo["newImageId"], before_id)

        # Laptop C, later: the upgrade reads as rolled back, and "roll back the last upgrade"
        # does not restore its backup a second time (that would lose what was written since).
        self.as_laptop("laptop-c2")
        p = self.cli("history", "--site", self.site)
        self.assertEqual(p.returncode, 0, p.stderr)
        upgrade_line = [line for line in p.stdout.splitlines() if line.strip().startswith(run)]
        self.assertIn("succeeded, rolled back on ", upgrade_line[0])
        self.assertEqual(json.loads(self.cli("history", "--site", self.site, "--json").stdout
                                    .splitlines()[0])["records"][1]["rolledBackBy"], rollback)
        self.assertIn("Proposed rollback: none", p.stdout)
        self.assertIn("already rolled back", p.stdout)
        before_again = self.snapshot()
        p = self.cli("rollback", "--site", self.site, "--from-host", "--yes")
        self.assertNotEqual(p.returncode, 0, p.stdout)
        self.assertIn(f"already rolled back by run {rollback}", p.stdout + p.stderr)
        self.assertEqual(self.snapshot(), before_again)
        # Named, it may still be done, with a warning of what it restores again.
        p = self.cli("rollback", "--site", self.site, "--from-host", "--run", run, "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        self.assertIn(f"WARNING: Run {rollback} already rolled it back", p.stderr)
        self.assertEqual(self.tagged_image(), before_id)
        self.assertEqual(self.db_dump(), before_dump)

    def tamper(self, change):
        """A copy of the newest record, newer still, changed by `change`."""
        source = sorted(glob.glob(self.records_dir() + "/2*.json"))[0]
        with open(source) as f:
            record = json.load(f)
        record["runId"] = "29991231-235959-ffff"
        change(record)
        path = os.path.join(self.records_dir(), record["runId"] + ".json")
        with open(path, "w") as f:
            json.dump(record, f)
        return path

    def test_2_a_tampered_record_is_refused_and_nothing_runs(self):
        self.as_laptop("laptop-c")
        bad_path = lambda r: r["backup"].update(path=r["backup"]["path"] + "; touch " +
                                                self.home() + "/FORGED")
        bad_image = lambda r: r["previous"].update(imageId="myst-studio$(touch FORGED2)")
        for change, words in ((bad_path, "not a plain absolute path"),
                              (bad_image, "not a sha256 digest")):
            with self.subTest(words):
                tampered = self.tamper(change)
                try:
                    before = self.snapshot()
                    for extra in ([], ["--run", "29991231-235959-ffff"]):
                        p = self.cli("rollback", "--site", self.site, "--from-host", *extra,
                                     "--yes")
                        self.assertIn(words, p.stderr)
                        self.assertIn("nothing was run", p.stderr)
                        self.assert_nothing_ran(before, p)
                    p = self.cli("history", "--site", self.site)
                    self.assertIn("REFUSED", p.stdout)
                finally:
                    os.remove(tampered)

    def test_3_rolling_back_the_second_to_last_upgrade_warns(self):
        self.as_laptop("laptop-d")
        before_id, before_dump = self.tagged_image(), self.db_dump()
        self.assertEqual(self.console_version(), "1.0.0")
        first = self.upgrade("2.0.0")
        second = self.upgrade("3.0.0")
        self.as_laptop("laptop-e")
        p = self.cli("rollback", "--site", self.site, "--from-host", "--run", first, "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        self.assertIn("WARNING: This is not the last upgrade: it also undoes run " + second,
                      p.stderr)
        self.assertIn("2.0.0 → 3.0.0", p.stderr)
        self.assertEqual(self.tagged_image(), before_id)
        self.assertEqual(self.db_dump(), before_dump)
        self.assertEqual(self.console_version(), "1.0.0")


    def test_4_a_change_by_hand_after_the_last_record_is_not_skipped(self):
        self.as_laptop("laptop-g")
        before_id, before_dump = self.tagged_image(), self.db_dump()  # 1.0.0, as test 3 left it
        backup = self.upgrade_by_hand("4.0.0")
        before = self.snapshot()
        p = self.cli("rollback", "--site", self.site, "--from-host", "--yes")
        self.assertIn("changed after its last record", p.stderr)
        self.assert_nothing_ran(before, p)
        p, events = self.cli_json("history", "--site", self.site)
        pairing = [e for e in events if e["event"] == "history"][0]["pairing"]
        self.assertTrue(pairing["ok"], pairing)
        self.assertEqual((pairing["imageId"], pairing["backupPath"]), (before_id, backup))
        p = self.cli("rollback", "--site", self.site, "--image", before_id, "--backup", backup,
                     "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        self.assertEqual(self.tagged_image(), before_id)
        self.assertEqual(self.db_dump(), before_dump)

    def test_5_old_records_are_pruned_to_the_newest_30_once_per_run(self):
        """The record is rewritten at each step's start and end; the first write of a run
        prunes, the others only replace the file. Nothing but records is ever removed."""
        self.as_laptop("laptop-h")
        earlier = sorted(os.listdir(self.records_dir()))
        planted = ["20200101-0000%02d-abcd.json" % i for i in range(40)]
        for name in planted + ["notes.txt"]:
            with open(os.path.join(self.records_dir(), name), "w") as f:
                f.write("{}\n")
        run = self.upgrade("5.0.0")
        left = sorted(os.listdir(self.records_dir()))
        self.assertIn("notes.txt", left)
        left.remove("notes.txt")
        self.assertEqual(len(left), 30, left)
        self.assertIn(run + ".json", left)
        self.assertTrue(set(earlier) <= set(left))  # the newer ones stay
        kept = 30 - 1 - len(earlier)
        self.assertEqual(sorted(set(left) & set(planted)), planted[-kept:])
        self.assertEqual(stat.S_IMODE(os.stat(self.records_dir()).st_mode), 0o700)
        path = os.path.join(self.records_dir(), run + ".json")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(self.host_record(run)["status"], "succeeded")
        self.assertEqual([s["status"] for s in self.host_record(run)["steps"]],
                         ["succeeded"] * 7)


class RollbackWithoutRecord(HostRecordTestCase):

    def test_upgrade_by_hand_then_history_and_rollback(self):
        self.as_laptop("laptop-f")
        before_id, before_dump = self.tagged_image(), self.db_dump()
        backup = self.upgrade_by_hand("2.0.0")
        self.assertEqual(self.console_version(), "2.0.0")
        self.assertFalse(os.path.exists(self.records_dir()))

        p, events = self.cli_json("history", "--site", self.site)
        self.assertEqual(p.returncode, 0, p.stderr)
        history = [e for e in events if e["event"] == "history"][0]
        self.assertEqual(history["records"], [])
        images = {i["id"]: i for i in history["images"]}
        self.assertEqual(images[before_id]["version"], "1.0.0")
        current = images[self.tagged_image()]
        self.assertTrue(current["tagged"] and current["running"])
        self.assertEqual([b["path"] for b in history["backups"]], [backup])
        self.assertGreater(history["backups"][0]["size"], 0)
        pairing = history["pairing"]
        self.assertTrue(pairing["ok"], pairing)
        self.assertEqual((pairing["imageId"], pairing["backupPath"]), (before_id, backup))
        self.assertIn("newest backup taken before 2.0.0 first started", pairing["why"])
        text = self.cli("history", "--site", self.site).stdout
        self.assertIn("Proposed rollback: image %s (1.0.0) with backup %s" % (before_id[:19],
                                                                             backup), text)

        # Checked on the host before anything stops.
        before = self.snapshot()
        for image, path, words in (("sha256:" + "0" * 64, backup, "has no image"),
                                   (before_id, backup + ".missing", "missing, empty or not"),
                                   (before_id, "/tmp/x;reboot", "not a plain absolute path")):
            p = self.cli("rollback", "--site", self.site, "--image", image, "--backup", path,
                         "--yes")
            self.assertIn(words, p.stderr)
            self.assert_nothing_ran(before, p)

        p = self.cli("rollback", "--site", self.site, "--image",
                     "registry.example.com/myst-studio:1.0.0", "--backup", backup, "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        self.assertEqual(self.tagged_image(), before_id)
        self.assertEqual(self.db_dump(), before_dump)
        self.assertEqual(self.console_version(), "1.0.0")
        # The rollback is recorded on the host, though the upgrade was not.
        records = glob.glob(self.records_dir() + "/*.json")
        self.assertEqual(len(records), 1)
        with open(records[0]) as f:
            self.assertEqual(json.load(f)["kind"], "rollback")


if __name__ == "__main__":
    unittest.main(verbosity=2)
