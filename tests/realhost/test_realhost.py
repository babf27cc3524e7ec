#!/usr/bin/env python3
"""The realistic simulated MyST hosts (tests/realhost/realhost) behave like real installations,
checked only through real OpenSSH and the host's own tools. Needs root (namespaces, users)."""
import hashlib
import json
import os
import pwd
import re
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REALHOST = os.path.join(HERE, "realhost")
BIN = "cd /u01/myst-studio/bin && "


@unittest.skipUnless(os.geteuid() == 0, "realhost needs root")
class RealHostTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="realhost-test-")
        cls.dir = os.path.join(cls.tmp.name, "lab")
        t0 = time.monotonic()
        subprocess.run([REALHOST, "up", cls.dir, "--roles", "prod,nonprod"], check=True,
                       stdout=subprocess.DEVNULL)
        cls.up_seconds = time.monotonic() - t0
        with open(os.path.join(cls.dir, "site.json")) as f:
            cls.site = json.load(f)
        cls.records = {}
        for role in ("prod", "nonprod"):
            with open(os.path.join(cls.dir, role, "realhost.json")) as f:
                cls.records[role] = json.load(f)
        cls.uids = {str(pwd.getpwnam(rec["user"]).pw_uid) for rec in cls.records.values()}

    @classmethod
    def tearDownClass(cls):
        subprocess.run([REALHOST, "down", cls.dir], check=False)
        cls.tmp.cleanup()

    # --- helpers ---
    def ssh(self, role, command, check=True, timeout=60):
        """A command on the host through OpenSSH, as its login user."""
        h = self.site["hosts"][role]
        p = subprocess.run(
            ["ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={self.site['knownHosts']}",
             "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes", "-i", h["identity"],
             "-p", str(h["port"]), f"{h['user']}@{h['host']}", command],
            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if check and p.returncode != 0:
            self.fail(f"{role}: {command}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
        return p

    def realhost(self, *args, check=True):
        p = subprocess.run([REALHOST, *args], capture_output=True, text=True, timeout=120)
        if check and p.returncode != 0:
            self.fail(f"realhost {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
        return p

    def state(self, role):
        return json.loads(self.realhost("state", self.dir, role).stdout)

    def wait_console(self, role, version, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s = self.state(role)
            if s["consoleVersion"] == version:
                return s
            time.sleep(0.3)
        self.fail(f"{role}: the console never showed {version}: {s}")

    def db_root_password(self, role):
        with open(os.path.join(self.dir, role, "home", "etc", "myst.env")) as f:
            return re.search(r"^MYSQL_ROOT_PASSWORD=(.*)$", f.read(), re.M).group(1)

    # --- the tests ---
    def test_1_site_file_and_login_shell(self):
        # A real MariaDB server per host (initialised on the first start) costs about 7 s more
        # than the stand-in did (23 s -> 30 s with the machine loaded at 10).
        self.assertLess(self.up_seconds, 45, "two hosts come up quickly once the image cache is warm")
        prod, nonprod = self.site["hosts"]["prod"], self.site["hosts"]["nonprod"]
        self.assertTrue(prod["sudo"])
        self.assertFalse(nonprod["sudo"])
        self.assertNotEqual(prod["port"], nonprod["port"])
        for h in (prod, nonprod):
            self.assertEqual(h["mystHome"], "/u01/myst-studio")
            self.assertEqual(h["consoleUrl"], "https://127.0.0.1:8443/")
            self.assertRegex(h["consoleCertSha256"], r"^([0-9A-F]{2}:){31}[0-9A-F]{2}$")
            self.assertNotEqual(h["user"], "root")
        self.assertEqual(os.stat(prod["identity"]).st_mode & 0o777, 0o600)
        # A non-interactive command still gets the login chatter, on both streams.
        p = self.ssh("prod", "true")
        self.assertIn("ORACLE_HOME=/u01/app/oracle/product/19c/dbhome_1 ORACLE_SID=MYST", p.stdout)
        self.assertIn("Inappropriate ioctl for device", p.stderr)
        self.assertIn("authorised users only", p.stderr)
        p = self.ssh("nonprod", "echo MARK; hostname; command -v docker")
        self.assertEqual(p.stdout.splitlines()[1:], ["MARK", "myst-nonprod", "/usr/bin/docker"])
        # Root may not log in.
        root = subprocess.run(["ssh", "-F", "/dev/null", "-o", "BatchMode=yes",
                               "-o", f"UserKnownHostsFile={self.site['knownHosts']}", "-i", prod["identity"],
                               "-p", str(prod["port"]), "root@127.0.0.1", "true"],
                              capture_output=True, text=True, timeout=30)
        self.assertEqual(root.returncode, 255)

    def test_2_docker_needs_sudo_on_prod_only(self):
        p = self.ssh("prod", "docker ps", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("permission denied", p.stderr)
        p = self.ssh("prod", "sudo -n docker ps --format '{{.Names}}'")
        self.assertEqual(sorted(p.stdout.split()[-2:]), ["myststudio_db", "myststudio_web"])
        p = self.ssh("prod", "sudo -n id", check=False)
        self.assertNotEqual(p.returncode, 0, "sudo allows docker only")
        p = self.ssh("nonprod", "docker ps --format '{{.Names}}'")
        self.assertEqual(sorted(p.stdout.split()[-2:]), ["myststudio_db", "myststudio_web"])
        p = self.ssh("nonprod", "sudo -n docker ps", check=False)
        self.assertNotEqual(p.returncode, 0, "no sudo rule on nonprod")
        # The guide's scripts work only from their directory (they use relative paths).
        p = self.ssh("nonprod", "/u01/myst-studio/bin/stop.sh", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertTrue(self.state("nonprod")["webRunning"])

    def test_3_console_only_inside_the_host(self):
        prod = self.site["hosts"]["prod"]
        # From the main namespace 127.0.0.1:8443 is not the host's console.
        try:
            ctx = ssl.create_default_context()
            ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
            with socket.create_connection(("127.0.0.1", 8443), timeout=3) as s:
                with ctx.wrap_socket(s) as t:
                    der = t.getpeercert(binary_form=True)
            fp = ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
            self.assertNotEqual(fp, prod["consoleCertSha256"])
        except OSError:
            pass
        p = self.realhost("exec", self.dir, "prod", "--", "curl", "-ksi", "https://127.0.0.1:8443/")
        self.assertRegex(p.stdout, r"^HTTP/1.1 302")
        self.assertIn("Location: /console/", p.stdout)
        p = self.realhost("exec", self.dir, "prod", "--", "curl", "-ksL", "https://127.0.0.1:8443/")
        self.assertIn("<title>MyST Studio</title>", p.stdout)
        self.assertRegex(p.stdout, r'<div class="footer">MyST Studio v1\.0\.0 &middot; build ')
        p = self.realhost("exec", self.dir, "prod", "--", "sh", "-c",
                          "openssl s_client -connect 127.0.0.1:8443 </dev/null 2>/dev/null | "
                          "openssl x509 -noout -fingerprint -sha256")
        self.assertEqual(p.stdout.strip().split("=", 1)[1], prod["consoleCertSha256"])

    def test_4_upgrade_by_the_guide_then_roll_back(self):
        before = {r: self.state(r) for r in ("prod", "nonprod")}
        for r in before:
            self.assertEqual(before[r]["consoleVersion"], "1.0.0")
            self.assertEqual(before[r]["dbVersion"], "1.0.0")
            self.assertEqual(before[r]["taggedImage"], before[r]["runningImage"])
        outs = {}

        def upgrade(role):
            outs[role] = self.ssh(role, BIN + "./pull.sh 2.0.0 && ./backup-database.sh && ./stop.sh && ./start.sh")

        threads = [threading.Thread(target=upgrade, args=(r,)) for r in before]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for role in before:
            out = outs[role].stdout
            self.assertIn("2.0.0: Pulling from rubiconred/myst-studio", out)
            self.assertIn("Status: Downloaded newer image for registry.example.com/rubiconred/myst-studio:2.0.0", out)
            backup = re.search(r"^Backed up to (/u01/myst-studio/backup/myst-studio-\d+\.sql)$", out, re.M).group(1)
            after = self.wait_console(role, "2.0.0")
            self.assertEqual(after["dbVersion"], "2.0.0")
            self.assertEqual(after["taggedImage"], after["runningImage"])
            self.assertNotEqual(after["taggedImage"], before[role]["taggedImage"])
            local = self.realhost("path", self.dir, role, backup).stdout.strip()
            self.assertGreater(os.path.getsize(local), 1000)
            log = self.ssh(role, BIN + "timeout 3 ./output-logs.sh", check=False)
            self.assertEqual(log.returncode, 124, "output-logs.sh follows until interrupted")
            self.assertIn("Server startup in", log.stdout)
            self.assertIn('Migrating schema `myst` to version "2.0.0 - pipelines"', log.stdout)
            self.assertNotIn("MyST Studio started", log.stdout)
            if role == "prod":
                # Rollback as the guide says: re-tag the old image, restore the backup.
                self.ssh(role, BIN + "sudo -n docker tag registry.example.com/rubiconred/myst-studio:1.0.0 "
                                     f"myst-studio && ./update-database.sh {backup}")
                rolled = self.wait_console(role, "1.0.0")
                self.assertEqual(rolled["dbDump"], before[role]["dbDump"])
                self.assertEqual(rolled["taggedImage"], before[role]["taggedImage"])

    def test_5_old_image_on_a_newer_database_does_not_deploy(self):
        # nonprod is at 2.0.0 (test 4): re-tag 1.0.0 without restoring the database.
        self.ssh("nonprod", BIN + "docker tag registry.example.com/rubiconred/myst-studio:1.0.0 myst-studio "
                                  "&& ./restart.sh")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            log = self.realhost("exec", self.dir, "nonprod", "--", "docker", "logs", "myststudio_web").stdout
            failed = log.rfind("Detected applied migration not resolved locally")
            if failed >= 0 and "Server startup in" in log[failed:]:
                break
            time.sleep(0.3)
        self.assertIn("Detected applied migration not resolved locally: 2.0.0", log)
        s = self.state("nonprod")
        self.assertIsNone(s["consoleVersion"])
        self.assertEqual(s["dbVersion"], "2.0.0")
        self.ssh("nonprod", BIN + "./pull.sh 2.0.0 && ./restart.sh")
        self.wait_console("nonprod", "2.0.0")

    def test_6_read_only_mode_of_the_blue_green_guide(self):
        """The guide's statements on the real server, one-shot: read_only refuses the
        application's account, but the read lock ends with the client that took it, and root
        (SUPER) is not stopped by read_only: root's write goes through."""
        pw = self.db_root_password("prod")
        db = "sudo -n docker exec myststudio_db "
        on = self.ssh("prod", db + f"mysql -uroot -p'{pw}' "
                              "-e 'FLUSH TABLES WITH READ LOCK; SET GLOBAL read_only = ON;'")
        self.assertNotIn("ERROR", on.stderr)
        self.assertTrue(self.state("prod")["readOnly"])
        app = self.ssh("prod", db + "sh -c 'MYSQL_PWD=$MYSQL_PASSWORD mysql -u\"$MYSQL_USER\" myst "
                                    "-e \"INSERT INTO settings VALUES (\\\"probe.app\\\", \\\"x\\\")\"'", check=False)
        self.assertNotEqual(app.returncode, 0)
        self.assertIn("ERROR 1290 (HY000)", app.stderr)
        root = self.ssh("prod", db + f"mysql -uroot -p'{pw}' myst "
                                "-e 'SET SESSION lock_wait_timeout = 2; INSERT INTO settings VALUES (\"probe.root\", \"x\")'",
                        check=False)
        self.assertEqual(root.returncode, 0, root.stderr)
        self.assertIn("probe.root", self.state("prod")["dbDump"])
        bad = self.ssh("prod", db + "mysql -uroot -pwrong -e 'SELECT 1'", check=False)
        self.assertIn("ERROR 1045 (28000): Access denied for user 'root'@'localhost'", bad.stderr)
        self.ssh("prod", db + f"mysql -uroot -p'{pw}' myst "
                         "-e 'SET GLOBAL read_only = OFF; UNLOCK TABLES; DELETE FROM settings WHERE name LIKE \"probe.%\";'")
        s = self.state("prod")
        self.assertFalse(s["readOnly"])
        self.assertNotIn("probe.", s["dbDump"])

    def test_7_fault_switches(self):
        self.realhost("fault", self.dir, "prod", "stop", "fail")
        p = self.ssh("prod", BIN + "./stop.sh", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("simulated fault", p.stderr)
        self.realhost("fault", self.dir, "prod", "stop")
        self.realhost("fault", self.dir, "prod", "backup-database", "empty")
        p = self.ssh("prod", BIN + "./backup-database.sh")
        path = re.search(r"^Backed up to (\S+)$", p.stdout, re.M).group(1)
        self.assertEqual(os.path.getsize(self.realhost("path", self.dir, "prod", path).stdout.strip()), 0)
        p = self.ssh("prod", BIN + f"./update-database.sh {path}", check=False)
        self.assertNotEqual(p.returncode, 0, "an empty backup is refused")
        self.realhost("fault", self.dir, "prod", "backup-database")
        self.realhost("fault", self.dir, "prod", "pull", "slowfail", "1")
        t0 = time.monotonic()
        p = self.ssh("prod", BIN + "./pull.sh 3.0.0", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertGreaterEqual(time.monotonic() - t0, 1)
        self.realhost("fault", self.dir, "prod", "pull")
        p = self.ssh("prod", BIN + "./pull.sh 9.9.9", check=False)
        self.assertIn("manifest for registry.example.com/rubiconred/myst-studio:9.9.9 not found", p.stderr)
        self.realhost("fault", self.dir, "prod", "start", "hang")
        p = self.ssh("prod", BIN + "timeout 1 ./start.sh", check=False)
        self.assertEqual(p.returncode, 124)
        self.realhost("fault", self.dir, "prod", "start")
        self.realhost("fault", self.dir, "prod", "df", "20480")
        p = self.ssh("prod", "df -Pk /u01/myst-studio")
        self.assertEqual(p.stdout.splitlines()[-1].split()[3], "20480")
        self.realhost("fault", self.dir, "prod", "df")
        # A process left behind on the host (down must end it).
        self.ssh("prod", "setsid nohup sleep 3600 >/dev/null 2>&1 < /dev/null &")

    def test_8_powercycle(self):
        boot_id = "cat /proc/sys/kernel/random/boot_id"
        before = self.ssh("nonprod", boot_id).stdout.split()[-1]
        was = self.state("nonprod")
        self.ssh("nonprod", "mkdir -p ~/.myst-upgrade && echo kept > ~/.myst-upgrade/mark && echo gone > /tmp/mark"
                            " && (setsid nohup sleep 3600 >/dev/null 2>&1 < /dev/null &)")
        t0 = time.monotonic()
        p = self.realhost("powercycle", self.dir, "nonprod", "--down", "1")
        self.assertGreaterEqual(time.monotonic() - t0, 1)
        after = self.ssh("nonprod", boot_id).stdout.split()[-1]
        self.assertRegex(after, r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertNotEqual(before, after)
        self.assertEqual(json.loads(p.stdout)["bootId"], after)
        # What a reboot loses and keeps, as the login user sees it.
        seen = self.ssh("nonprod", "cat ~/.myst-upgrade/mark; test -e /tmp/mark || echo tmp-empty; "
                                   "pgrep -u \"$(id -u)\" -x sleep || echo no-sleep").stdout.splitlines()
        self.assertEqual(seen[-3:], ["kept", "tmp-empty", "no-sleep"])
        ps = self.ssh("nonprod", "docker ps -a --format '{{.Names}} {{.Status}}'").stdout
        self.assertRegex(ps, r"myststudio_web Exited \(\d+\)")
        self.assertRegex(ps, r"myststudio_db Exited \(\d+\)")
        s = self.state("nonprod")
        self.assertFalse(s["webRunning"] or s["dbRunning"])
        self.assertIsNone(s["consoleVersion"])
        # The operator starts MyST again, as the guide says; the data is still there.
        self.ssh("nonprod", BIN + "./start.sh")
        s = self.wait_console("nonprod", was["consoleVersion"])
        self.assertEqual(s["dbDump"], was["dbDump"])  # the server recovered what was committed

    def test_9_down_leaves_nothing_behind(self):
        t0 = time.monotonic()
        self.realhost("down", self.dir)
        self.assertLess(time.monotonic() - t0, 15)
        netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        passwd = subprocess.run(["getent", "passwd"], capture_output=True, text=True).stdout
        with open("/proc/self/mountinfo") as f:
            mounts = f.read()
        for role, rec in self.records.items():
            self.assertNotIn(rec["netns"], netns)
            self.assertNotIn(rec["user"] + ":", passwd)
            self.assertFalse(os.path.exists(rec["sudoers"]))
            self.assertFalse(os.path.exists(f"/home/{rec['user']}"))
        self.assertNotIn(self.dir, mounts)
        left = []
        marks = {rec["netns_ino"] for rec in self.records.values()} | {rec["mntns"] for rec in self.records.values()}
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                        continue
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
                ns = {os.readlink(f"/proc/{pid}/ns/net"), os.readlink(f"/proc/{pid}/ns/mnt")}
                with open(f"/proc/{pid}/status") as f:
                    uid = re.search(r"^Uid:\s+(\d+)", f.read(), re.M).group(1)
            except (OSError, IndexError):
                continue
            if ns & marks or self.dir in cmdline or uid in self.uids:
                left.append(f"{pid} {cmdline}")
        self.assertEqual(left, [])
        # down is idempotent.
        self.realhost("down", self.dir)


if __name__ == "__main__":
    unittest.main(verbosity=2)
