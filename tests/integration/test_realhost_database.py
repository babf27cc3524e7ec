#!/usr/bin/env python3
"""Issue 28: the zero-downtime upgrade's read-only window on realistic hosts whose database is a
real server (tests/realhost: Debian 12's MariaDB 10.11 in myststudio_db, the application on its
own account without SUPER), through the real myst-upgrade binary. Inside the window every
account's writes are refused, root's too; after it both are accepted; green has blue's data; a
laptop that dies inside the window leaves it closed until the run resumes, or until
blueGreen.readOnlyMaxSeconds; a backup restored gives the same content; a power cut is
recovered from. Writes are probed as an operator would, with the mysql client in the container."""
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest

from test_realhost_cli import CLI, REALHOST, realhost_lab

BIN = "cd /u01/myst-studio/bin && "
# The accounts, with the container's own credentials (nothing secret on a command line here).
ACCOUNTS = {"app": 'MYSQL_PWD="$MYSQL_PASSWORD" mysql -u"$MYSQL_USER"',
            "root": 'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysql -uroot'}


@unittest.skipUnless(os.geteuid() == 0, "realhost needs root (namespaces, users, dockerd)")
class RealDatabase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.calls = os.path.join(cls.tmp.name, "switch-calls.txt")
        script = os.path.join(cls.tmp.name, "switch-dns")
        with open(script, "w") as f:
            f.write('#!/bin/sh\nprintf "%%s\\n" "$*" >> "%s"\necho "DNS -> $2 ($1)"\n' % cls.calls)
        os.chmod(script, 0o755)
        t0 = time.monotonic()
        cls.dir, cls.site, cls.site_json = realhost_lab(cls.tmp.name, "blue,green")
        cls.up_seconds = time.monotonic() - t0
        cls.site_json["blueGreen"] = {"active": "blue",
                                      "switch": {"command": [script, "{role}", "{host}"]}}
        cls.write_site()
        cls.state_dir = os.path.join(cls.tmp.name, "state")
        print(f"\n[figures] realhost up (blue, green; MariaDB): {cls.up_seconds:.1f} s")

    @classmethod
    def tearDownClass(cls):
        subprocess.run([REALHOST, "down", cls.dir], check=False)
        cls.tmp.cleanup()

    @classmethod
    def write_site(cls):
        with open(cls.site, "w") as f:
            json.dump(cls.site_json, f)

    def edit_blue_green(self, **changes):
        """Changes the site's blueGreen block as the file has it now (runs record the active
        role there); a value None removes the key."""
        with open(self.site) as f:
            site = json.load(f)
        for k, v in changes.items():
            if v is None:
                site["blueGreen"].pop(k, None)
            else:
                site["blueGreen"][k] = v
        with open(self.site, "w") as f:
            json.dump(site, f)

    # --- helpers ---
    def active(self):
        with open(self.site) as f:
            return json.load(f)["blueGreen"]["active"]

    def sql(self, role, account, statement, timeout=60):
        """statement in the host's database as `account`; (exit code, stdout, stderr)."""
        p = subprocess.run([REALHOST, "exec", self.dir, role, "--", "docker", "exec", "myststudio_db",
                            "sh", "-c", ACCOUNTS[account] + ' -N -B myst -e "$1"', "sql", statement],
                           capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr

    def write(self, role, account, name):
        """An INSERT as `account`, waiting at most 2 s for a lock: None if accepted, else the
        server's ERROR line."""
        code, _, err = self.sql(role, account, "SET SESSION lock_wait_timeout = 2; "
                                f"INSERT INTO settings VALUES ('{name}', '{account}')")
        if code == 0:
            return None
        return next((line for line in err.splitlines() if line.startswith("ERROR")), err.strip())

    def state(self, role):
        return json.loads(subprocess.run([REALHOST, "state", self.dir, role], capture_output=True,
                                         text=True, check=True).stdout)

    def fault(self, role, script, *words):
        subprocess.run([REALHOST, "fault", self.dir, role, script, *words], check=True)

    def start_upgrade(self, version, command="upgrade"):
        env = dict(os.environ, XDG_STATE_HOME=self.state_dir)
        args = ([CLI, "upgrade", "--site", self.site, "--approach", "zero-downtime", "--version",
                 version, "--yes", "--json"] if command == "upgrade"
                else [CLI, "resume", "--site", self.site, "--last", "--yes", "--json"])
        return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True, env=env)

    @staticmethod
    def events_until(proc, predicate, seen):
        for line in proc.stdout:
            e = json.loads(line)
            seen.append(e)
            if predicate(e):
                return e
        raise AssertionError("the run ended first: " + json.dumps(seen[-5:]))

    def finish(self, proc, seen):
        out, err = proc.communicate(timeout=900)
        seen += [json.loads(line) for line in out.splitlines() if line.strip()]
        result = [e for e in seen if e["event"] == "result"]
        self.assertEqual(len(result), 1, json.dumps(seen[-5:]) + err[-2000:])
        return result[0]

    @staticmethod
    def step(seen, step_id):
        return [e for e in seen if e["event"] == "step-finished" and e["id"] == step_id][-1]

    def in_window(self, e):
        return e["event"] == "output" and "backup-database: working slowly" in e["line"]

    # --- the tests ---
    def test_1_every_accounts_writes_refused_for_the_whole_window_and_only_then(self):
        blue, green = self.active(), "green" if self.active() == "blue" else "blue"
        self.assertIsNone(self.write(blue, "app", "probe.app.before"))
        self.assertIsNone(self.write(blue, "root", "probe.root.before"))
        self.fault(blue, "backup-database", "slow", "20")  # a window long enough to probe
        seen = []
        proc = self.start_upgrade("2.0.0")
        try:
            self.events_until(proc, self.in_window, seen)
            t0 = time.monotonic()
            app, root = self.write(blue, "app", "probe.app.inside"), self.write(blue, "root", "probe.root.inside")
            probed = time.monotonic() - t0
            self.assertTrue(self.state(blue)["readOnly"])
        finally:
            self.fault(blue, "backup-database")
            result = self.finish(proc, seen)
        self.assertRegex(app or "accepted", r"^ERROR 1290 \(HY000\)")  # read_only, at once
        self.assertRegex(root or "accepted", r"^ERROR 1205 \(HY000\)")  # the held read lock
        self.assertEqual(result["exitCode"], 0, result["message"])
        on, off = self.step(seen, "read-only-on"), self.step(seen, "read-only-off")
        self.assertRegex(on["message"], r"root refused \(ERROR 1205 .*app refused \(ERROR 1290 ")
        self.assertRegex(off["message"], r"accepts writes again \(root accepted; app accepted\); "
                                         r"the read lock was held \d+ s")
        held = int(re.search(r"held (\d+) s", off["message"]).group(1))
        self.assertGreaterEqual(held, 20)  # the slow backup was inside it
        # After the window both write on blue; green has blue's data, and nothing refused.
        self.assertIsNone(self.write(blue, "app", "probe.app.after"))
        self.assertIsNone(self.write(blue, "root", "probe.root.after"))
        b, g = self.state(blue), self.state(green)
        self.assertFalse(b["readOnly"] or g["readOnly"])
        self.assertEqual(g["dbVersion"], "2.0.0")
        for name in ("probe.app.before", "probe.root.before"):
            self.assertIn(name, g["dbDump"])
        for name in ("probe.app.inside", "probe.root.inside"):  # refused: nowhere
            self.assertNotIn(name, b["dbDump"] + g["dbDump"])
        self.assertIn("probe.app.after", b["dbDump"])
        self.assertNotIn("probe.app.after", g["dbDump"])
        self.assertEqual(self.active(), green)
        print(f"\n[figures] read-only window: {result['outageMs']} ms (run), {held} s (lock held on "
              f"the host); two writes probed inside in {probed:.1f} s")

    def test_2_laptop_dies_inside_the_window_which_stays_closed_until_resume(self):
        blue = self.active()
        self.fault(blue, "backup-database", "slow", "8")
        seen = []
        proc = self.start_upgrade("2.1.0")
        try:
            self.events_until(proc, self.in_window, seen)
            proc.send_signal(signal.SIGKILL)  # every connection of the laptop drops with it
            proc.communicate(timeout=30)
        finally:
            self.fault(blue, "backup-database")
        time.sleep(3)
        self.assertRegex(self.write(blue, "app", "probe.app.dropped") or "accepted", r"^ERROR 1290 ")
        self.assertRegex(self.write(blue, "root", "probe.root.dropped") or "accepted", r"^ERROR 1205 ")
        seen = []
        proc = self.start_upgrade(None, "resume")
        result = self.finish(proc, seen)
        self.assertEqual(result["exitCode"], 0, result["message"])
        first = next(i for i, e in enumerate(seen) if e["event"] == "step-started")
        off = next(i for i, e in enumerate(seen)
                   if e["event"] == "output" and "read-only mode is off again" in e["line"])
        self.assertLess(off, first)  # first thing on resume
        self.assertIsNone(self.write(blue, "root", "probe.root.resumed"))
        self.assertFalse(self.state(blue)["readOnly"])

    def test_3_a_vanished_laptop_leaves_read_only_after_read_only_max_seconds(self):
        blue = self.active()
        self.edit_blue_green(readOnlyMaxSeconds=10)
        self.fault(blue, "backup-database", "slow", "30")
        seen = []
        proc = self.start_upgrade("3.0.0")
        try:
            self.events_until(proc, self.in_window, seen)
            started = time.monotonic()
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
            self.assertRegex(self.write(blue, "app", "probe.app.vanished") or "accepted", r"^ERROR 1290 ")
            while self.write(blue, "root", "probe.root.vanished") is not None:
                self.assertLess(time.monotonic() - started, 40, "the holder never let go")
                time.sleep(1)
            self.assertIsNone(self.write(blue, "app", "probe.app.expired"))
            self.assertFalse(self.state(blue)["readOnly"])
            print(f"\n[figures] holder released {time.monotonic() - started:.1f} s after the laptop "
                  "died (readOnlyMaxSeconds 10)")
            # The run, when it comes back, says the window ended without it.
            seen = []
            proc = self.start_upgrade(None, "resume")
            result = self.finish(proc, seen)
        finally:
            self.fault(blue, "backup-database")
            self.edit_blue_green(readOnlyMaxSeconds=None)
        said = [e["line"] for e in seen if e["event"] == "output" and "ended by itself" in e["line"]]
        self.assertEqual(len(said), 1, json.dumps(seen[:10]))
        self.assertIn("blueGreen.readOnlyMaxSeconds", said[0])
        self.assertIn("not in", said[0])
        self.assertIn(result["exitCode"], (0, 1), result["message"])

    def test_4_backup_and_restore_give_the_same_content(self):
        role = self.active()
        before = self.state(role)
        p = subprocess.run([REALHOST, "ssh", self.dir, role, BIN + "./backup-database.sh"],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        path = re.search(r"^Backed up to (\S+)$", p.stdout, re.M).group(1)
        local = subprocess.run([REALHOST, "path", self.dir, role, path], capture_output=True,
                               text=True, check=True).stdout.strip()
        with open(local) as f:
            dump = f.read()
        self.assertIn("Dump completed on", dump)  # a real dump: dated, so never byte-equal
        self.assertIsNone(self.write(role, "app", "probe.app.later"))
        self.assertIsNone(self.write(role, "root", "probe.root.later"))
        p = subprocess.run([REALHOST, "ssh", self.dir, role, BIN + f"./update-database.sh {path}"],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        after = self.state(role)
        self.assertEqual(after["dbDump"], before["dbDump"])
        self.assertNotIn("probe.app.later", after["dbDump"])

    def test_5_after_a_power_cut_the_server_recovers_when_start_runs(self):
        role = self.active()
        self.assertIsNone(self.write(role, "app", "probe.app.committed"))
        before = self.state(role)
        subprocess.run([REALHOST, "powercycle", self.dir, role, "--down", "1"], check=True,
                       capture_output=True)
        self.assertFalse(self.state(role)["dbRunning"])
        p = subprocess.run([REALHOST, "ssh", self.dir, role, BIN + "./start.sh"],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        deadline = time.monotonic() + 120
        while (s := self.state(role))["consoleVersion"] != before["consoleVersion"]:
            self.assertLess(time.monotonic(), deadline, s)
            time.sleep(1)
        self.assertEqual(s["dbDump"], before["dbDump"])  # committed rows intact
        self.assertFalse(s["readOnly"])
        self.assertIsNone(self.write(role, "root", "probe.root.rebooted"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
