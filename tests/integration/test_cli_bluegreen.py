#!/usr/bin/env python3
"""Issue 18: the zero-downtime (blue/green) upgrade on two simulated hosts, blue and green.

The switch is a small script here that appends its arguments to a file and points a local
"DNS" (a proxy serving the active role's console page) at the instance it was given, so that
the service URL check sees the switch as users would."""
import http.server
import json
import os
import signal
import subprocess
import threading
import time
import unittest
import urllib.request

from clitest import CLI, CliTestCase

SWITCH = """#!/bin/sh
printf '%s\\n' "$*" >> "{calls}"
printf '%s\\n' "$1" > "{dns}"
echo "DNS record myst.example.com -> $2 ($1)"
"""


class BlueGreen(CliTestCase):
    roles = "blue,green"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calls = os.path.join(cls.tmp.name, "switch-calls.txt")
        cls.dns = os.path.join(cls.tmp.name, "dns")
        with open(cls.dns, "w") as f:
            f.write("blue\n")
        script = os.path.join(cls.tmp.name, "switch-dns")
        with open(script, "w") as f:
            f.write(SWITCH.format(calls=cls.calls, dns=cls.dns))
        os.chmod(script, 0o755)
        cls.proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), cls.proxy_handler())
        threading.Thread(target=cls.proxy.serve_forever, daemon=True).start()
        cls.site_json["blueGreen"] = {
            "active": "blue", "switch": {"command": [script, "{role}", "{host}"]},
            "serviceUrl": "http://127.0.0.1:%d/" % cls.proxy.server_address[1]}
        with open(cls.site, "w") as f:
            json.dump(cls.site_json, f)
        # Blue serves, with data of its own that green does not have.
        subprocess.run(["sqlite3", os.path.join(cls.site_json["hosts"]["blue"]["mystHome"],
                                                "data", "myst.db"),
                        "INSERT INTO environments VALUES('BLUE-ONLY', 'SOA 14.1.2')"], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.proxy.shutdown()
        super().tearDownClass()

    @classmethod
    def proxy_handler(cls):
        test = cls

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with open(test.dns) as f:
                    role = f.read().strip()
                with urllib.request.urlopen(test.site_json["hosts"][role]["consoleUrl"]) as r:
                    body = r.read()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass
        return Handler

    # --- helpers ---
    def upgrade(self, version, *extra):
        return self.cli_json("upgrade", "--site", self.site, "--approach", "zero-downtime",
                             "--version", version, "--yes", *extra)

    def sql(self, role, query):
        return subprocess.run(["sqlite3", os.path.join(self.home(role), "data", "myst.db"), query],
                              capture_output=True, text=True, check=True).stdout.strip()

    def read_only(self, role):
        with open(os.path.join(self.home(role), "sim", "mysql.json")) as f:
            return json.load(f)["readOnly"]

    def switch_calls(self):
        if not os.path.exists(self.calls):
            return []
        with open(self.calls) as f:
            return f.read().splitlines()

    def active(self):
        """What the site file and each host record as the active instance."""
        with open(self.site) as f:
            site = json.load(f)["blueGreen"]["active"]
        hosts = {}
        for role in ("blue", "green"):
            path = os.path.join(self.home(role), ".myst-upgrade", "active.json")
            with open(path) as f:
                hosts[role] = json.load(f)["active"]
        return site, hosts

    def assert_active(self, role):
        self.assertEqual(self.active(), (role, {"blue": role, "green": role}))

    # --- the tests, in order: each starts where the one before left the pair ---
    def test_0_plan_prints_every_command(self):
        p = self.cli("plan", "--site", self.site, "--approach", "zero-downtime", "--version", "2.0.0")
        self.assertEqual(p.returncode, 0, p.stderr)
        # The read-only window's holder, in the container with its own credentials (issue 28).
        self.assertIn("docker exec myststudio_db sh -c 'd=", p.stdout)
        self.assertIn("export MYSQL_PWD=\"$MYSQL_ROOT_PASSWORD\"", p.stdout)
        self.assertIn("FLUSH TABLES WITH READ LOCK; SET GLOBAL read_only = ON;", p.stdout)
        self.assertIn("SET GLOBAL read_only = OFF; UNLOCK TABLES;", p.stdout)
        self.assertIn("./update-database.sh <the copied backup>", p.stdout)
        self.assertIn("green 127.0.0.1", p.stdout.replace("'", ""))  # the switch, placeholders filled
        self.assertIn("lost", p.stdout)  # changes on blue after its backup

    def test_1_upgrade_green_with_blues_data_then_switch(self):
        blue_data = self.sql("blue", "SELECT * FROM environments ORDER BY name")
        blue_tag = self.tagged_image("blue")
        started = time.monotonic()
        p, events = self.upgrade("2.0.0")
        wall = time.monotonic() - started
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        # Green runs 2.0.0 with blue's data; blue still serves 1.0.0, untouched and writable.
        self.assertEqual(self.console_version("green"), "2.0.0")
        self.assertEqual(self.schema_version("green"), "2.0.0")
        self.assertEqual(self.sql("green", "SELECT * FROM environments ORDER BY name"), blue_data)
        self.assertEqual(self.console_version("blue"), "1.0.0")
        self.assertEqual(self.schema_version("blue"), "1.0.0")
        self.assertEqual(self.tagged_image("blue"), blue_tag)
        self.assertFalse(self.read_only("blue"))
        self.assertEqual(self.switch_calls(), ["green 127.0.0.1"])
        self.assert_active("green")
        result = self.result_of(events)
        self.assertGreater(result["outageMs"], 0)  # the read-only window
        self.assertIn("read-only window on blue", result["message"].lower())
        ids = self.started_steps(events)
        self.assertLess(ids.index("read-only-on"), ids.index("backup-for-copy"))
        self.assertLess(ids.index("read-only-off"), ids.index("switch"))
        # The database password reached mysql in its environment, not as an argument (where
        # every user of the host sees it in ps, and mysql warns so).
        lines = [e.get("line", "") for e in events if e["event"] == "output"]
        self.assertFalse([l for l in lines if "password on the command line" in l])
        print(f"\n[figures] read-only window {result['outageMs']} ms; upgrade wall {wall:.1f} s")

    def test_2_the_next_upgrade_goes_the_other_way(self):
        green_data = self.sql("green", "SELECT * FROM environments ORDER BY name")
        p, events = self.upgrade("3.0.0")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        roles = {e["id"]: e["role"] for e in events if e["event"] == "step-started"}
        self.assertEqual(roles["read-only-on"], "green")
        self.assertEqual(roles["restore-copy"], "blue")
        self.assertEqual(self.console_version("blue"), "3.0.0")
        self.assertEqual(self.console_version("green"), "2.0.0")
        self.assertEqual(self.sql("blue", "SELECT * FROM environments ORDER BY name"), green_data)
        self.assertFalse(self.read_only("green"))
        self.assertEqual(self.switch_calls()[-1], "blue 127.0.0.1")
        self.assert_active("blue")

    def test_3_green_fails_to_start(self):
        calls = len(self.switch_calls())
        self.set_fault("start", "fail", role="green")
        try:
            p, events = self.upgrade("4.0.0")
        finally:
            self.set_fault("start", None, role="green")
        self.assertEqual(p.returncode, 1)
        self.assertFalse(self.read_only("blue"))
        self.assertEqual(len(self.switch_calls()), calls)  # never called
        self.assert_active("blue")
        self.assertEqual(self.console_version("blue"), "3.0.0")
        finished = {e["id"]: e["status"] for e in events if e["event"] == "step-finished"}
        self.assertEqual(finished["restore-copy"], "failed")
        self.assertNotIn("switch", finished)

    def test_4_laptop_dies_while_blue_is_read_only(self):
        self.set_fault("backup-database", "slow 3", role="blue")
        env = dict(os.environ, XDG_STATE_HOME=self.state)
        proc = subprocess.Popen([CLI, "upgrade", "--site", self.site, "--approach",
                                 "zero-downtime", "--version", "5.0.0", "--yes", "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, text=True, env=env)
        try:
            for line in proc.stdout:
                e = json.loads(line)
                if e["event"] == "output" and "backup-database: working slowly" in e["line"]:
                    break
            self.assertTrue(self.read_only("blue"))
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
        finally:
            self.set_fault("backup-database", None, role="blue")
        time.sleep(0.2)
        self.assertTrue(self.read_only("blue"))  # nobody turned it off
        p, events = self.cli_json("resume", "--site", self.site, "--last", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        first_step = next(i for i, e in enumerate(events) if e["event"] == "step-started")
        off = next(i for i, e in enumerate(events)
                   if e["event"] == "output" and "read-only mode is off again" in e["line"])
        self.assertLess(off, first_step)  # before anything else
        self.assertFalse(self.read_only("blue"))
        self.assertEqual(self.console_version("green"), "5.0.0")
        self.assert_active("green")

    def test_5_switch_back(self):
        p, events = self.cli_json("switch", "--site", self.site, "--to", "blue", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        self.assert_active("blue")
        self.assertEqual(self.switch_calls()[-1], "blue 127.0.0.1")
        self.assertEqual(self.console_version("blue"), "3.0.0")  # it serves its version
        p = self.cli("switch", "--site", self.site, "--to", "blue", "--yes")
        self.assertEqual(p.returncode, 2)
        self.assertIn("already the active instance", p.stderr)

    def test_6_site_and_hosts_disagree(self):
        with open(self.site) as f:
            site = json.load(f)
        site["blueGreen"]["active"] = "green"  # the hosts say blue
        path = os.path.join(self.tmp.name, "stale-site.json")
        with open(path, "w") as f:
            json.dump(site, f)
        self.maxDiff = None
        before = self.snapshot("green"), self.snapshot("blue")
        calls = len(self.switch_calls())
        p, events = self.cli_json("upgrade", "--site", path, "--approach", "zero-downtime",
                                  "--version", "6.0.0", "--yes")
        self.assertEqual(p.returncode, 1)
        self.assertIn("records blue", self.result_of(events)["message"])
        self.assertEqual(self.started_steps(events), ["check-active"])
        self.assertEqual((self.snapshot("green"), self.snapshot("blue")), before)
        self.assertEqual(len(self.switch_calls()), calls)

    def test_7_a_manual_switch_needs_switched(self):
        site = json.loads(json.dumps(self.site_json))
        with open(self.site) as f:
            site["blueGreen"] = json.load(f)["blueGreen"]
        site["blueGreen"]["switch"] = "manual"
        del site["blueGreen"]["serviceUrl"]
        path = os.path.join(self.tmp.name, "manual-site.json")
        with open(path, "w") as f:
            json.dump(site, f)
        p, events = self.cli_json("upgrade", "--site", path, "--approach", "zero-downtime",
                                  "--version", "7.0.0", "--yes")
        self.assertEqual(p.returncode, 1)
        message = self.result_of(events)["message"]
        self.assertIn("Point the service's DNS name at green", message)
        self.assertIn("--switched", message)
        self.assertFalse(self.read_only("blue"))
        with open(path) as f:
            self.assertEqual(json.load(f)["blueGreen"]["active"], "blue")  # not switched yet
        p, events = self.cli_json("resume", "--site", path, "--last", "--switched", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        self.assertEqual(self.started_steps(events), ["switch", "record-active"])
        with open(path) as f:
            self.assertEqual(json.load(f)["blueGreen"]["active"], "green")
        self.assertEqual(self.console_version("green"), "7.0.0")

    def test_8_the_active_database_refuses_read_only(self):
        # After test 7 green serves (its site file says so): blue is the idle one.
        path = os.path.join(self.tmp.name, "manual-site.json")
        blue_tag = self.tagged_image("blue")
        # A database that does not answer is found before anything changes.
        self.set_fault("mysql", "down", role="green")
        try:
            p, events = self.cli_json("upgrade", "--site", path, "--approach", "zero-downtime",
                                      "--version", "8.0.0", "--yes")
        finally:
            self.set_fault("mysql", None, role="green")
        self.assertEqual(p.returncode, 1)
        self.assertIn("Can't connect to local MySQL server", self.result_of(events)["message"])
        self.assertEqual(self.started_steps(events), ["check-active"])
        # One that answers but refuses read-only: after blue pulled.
        self.set_fault("mysql", "denied", role="green")
        try:
            p, events = self.cli_json("upgrade", "--site", path, "--approach", "zero-downtime",
                                      "--version", "8.0.0", "--yes")
        finally:
            self.set_fault("mysql", None, role="green")
        self.assertEqual(p.returncode, 1)
        message = self.result_of(events)["message"]
        self.assertIn("SUPER or SYSTEM_VARIABLES_ADMIN", message)
        self.assertIn("pull", self.started_steps(events))
        self.assertIn("green still serves", message)
        # Blue pulled 8.0.0, which moved its tag: put back, as nothing restarted it.
        self.assertEqual(self.tagged_image("blue"), blue_tag)
        self.assertFalse(self.read_only("green"))
        with open(path) as f:
            self.assertEqual(json.load(f)["blueGreen"]["active"], "green")

    def test_9_laptop_dies_while_read_only_then_rolled_back_instead(self):
        # Green serves (after tests 7 and 8); the run dies while green is read-only, and the
        # operator rolls blue back instead of continuing: green is writable again all the same.
        path = os.path.join(self.tmp.name, "manual-site.json")
        self.set_fault("backup-database", "slow 3", role="green")
        env = dict(os.environ, XDG_STATE_HOME=self.state)
        proc = subprocess.Popen([CLI, "upgrade", "--site", path, "--approach", "zero-downtime",
                                 "--version", "9.0.0", "--yes", "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, text=True, env=env)
        run_id = None
        try:
            for line in proc.stdout:
                e = json.loads(line)
                run_id = run_id or e.get("runId")
                if e["event"] == "output" and "backup-database: working slowly" in e["line"]:
                    break
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
        finally:
            self.set_fault("backup-database", None, role="green")
        self.assertTrue(self.read_only("green"))
        run_id = run_id or self.newest_run_id()
        p, events = self.cli_json("rollback", "--site", path, "--run", run_id, "--role", "blue",
                                  "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        self.assertFalse(self.read_only("green"))
        self.assertEqual(self.journal(run_id)["status"], "rolled-back")

    def newest_run_id(self):
        runs = os.path.join(self.state, "myst-upgrade", "runs")
        return sorted(f[:-5] for f in os.listdir(runs) if f.endswith(".json"))[-1]


if __name__ == "__main__":
    unittest.main(verbosity=2)
