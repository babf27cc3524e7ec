#!/usr/bin/env python3
"""Issue 30 (5 of 5), findings 2 to 5, on a host that behaves like a real installation (a real
dockerd, a non-root login with sudo for docker, a chatty login shell): a file in the backup
folder whose name holds inventory lines does not make `history` offer the database image as
MyST Studio, and a dump changed on the host after the upgrade is not restored (2, 3);
myst-studio is the archive that was checked, uploaded to a folder only the login user writes
to (4); a revoked host key, a host record naming a file outside the backup folder and escape
sequences printed by a host script are refused or neutralised (5)."""
import glob
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from test_realhost_cli import CLI, REALHOST, realhost_lab


@unittest.skipUnless(os.geteuid() == 0, "realhost needs root (namespaces, users, dockerd)")
class RealHostSays(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir, cls.site, site = realhost_lab(cls.tmp.name, "prod")
        cls.home = site["hosts"]["prod"]["mystHome"]
        cls.backup_dir = subprocess.run([REALHOST, "path", cls.dir, "prod", cls.home + "/backup"],
                                        capture_output=True, text=True,
                                        check=True).stdout.strip()

    @classmethod
    def tearDownClass(cls):
        subprocess.run([REALHOST, "down", cls.dir], check=False)
        cls.tmp.cleanup()

    def cli(self, *args):
        env = dict(os.environ, XDG_STATE_HOME=os.path.join(self.tmp.name, "state"))
        p = subprocess.run([CLI, *args, "--json"], capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, timeout=900)
        return p, [json.loads(line) for line in p.stdout.splitlines()]

    def state(self, console=None):
        for _ in range(120):
            s = json.loads(subprocess.run([REALHOST, "state", self.dir, "prod"],
                                          capture_output=True, text=True, check=True).stdout)
            if console is None or s["consoleVersion"] == console:
                return s
            time.sleep(0.5)
        return s

    def on_host(self, *argv):
        return subprocess.run([REALHOST, "exec", self.dir, "prod", "--", *argv],
                              capture_output=True, text=True)

    def test_1_a_backup_file_name_does_not_offer_the_database_image(self):
        db_image = self.on_host("docker", "image", "inspect", "--format", "{{.Id}}",
                                "mysql:5.7").stdout.strip()
        self.assertTrue(db_image.startswith("sha256:"), db_image)
        forged = ("x\nmyst-image %s 2026-01-01T00:00:00Z [\"myst-studio:0.9.0\"] "
                  "{\"com.rubiconred.myst.version\":\"0.9.0\"}\nmyst-note OWNED\n" % db_image)
        evil = os.path.join(self.backup_dir, forged)
        with open(evil, "w") as f:
            f.write("-- not a backup\n")
        try:
            p, events = self.cli("history", "--site", self.site)
        finally:
            os.remove(evil)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        history = [e for e in events if e["event"] == "history"][0]
        self.assertNotIn(db_image, [i["id"] for i in history["images"]])
        self.assertNotIn("0.9.0", json.dumps(history["images"]))
        self.assertNotIn("OWNED", [n.strip() for n in history["notes"]])
        skipped = [n for n in history["notes"] if n.startswith("skipped a backup file")]
        self.assertEqual(len(skipped), 1, history["notes"])
        self.assertIn("\\nmyst-image " + db_image, skipped[0])

    def test_2_a_dump_changed_after_the_upgrade_is_not_restored(self):
        p, events = self.cli("upgrade", "--site", self.site, "--approach", "in-place",
                             "--version", "2.0.0", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-2000:])
        run = [e for e in events if e["event"] == "result"][0]["runId"]
        with open(os.path.join(self.tmp.name, "state", "myst-upgrade", "runs",
                               run + ".json")) as f:
            record = json.load(f)["records"]["prod"]
        path = record["backupPath"]
        local = os.path.join(self.backup_dir, os.path.basename(path))
        with open(local, "a") as f:  # after the upgrade, on the host: an INSERT appended
            f.write("INSERT INTO `environments` VALUES ('EVIL','planted');\n")
        with open(local, "rb") as f:
            data = f.read()
        upgraded = self.state(console="2.0.0")

        p, events = self.cli("rollback", "--site", self.site, "--run", run, "--yes")
        self.assertEqual(p.returncode, 1, p.stdout[-3000:] + p.stderr[-2000:])
        message = [e for e in events if e["event"] == "result"][0]["message"]
        for value in (path, str(record["backupSize"]), record["backupSha256"],
                      str(len(data)), hashlib.sha256(data).hexdigest()):
            self.assertIn(value, message)
        now = self.state()
        self.assertEqual(now["taggedImage"], upgraded["taggedImage"])
        self.assertEqual(now["dbDumpSha256"], upgraded["dbDumpSha256"])
        self.assertNotIn("EVIL", now["dbDump"])

    # Finding 4: the image tagged myst-studio is the archive that was checked.

    def archive(self, version):
        cached = sorted(glob.glob("/var/tmp/myst-realhost-cache/*/myst-studio-%s.tar" % version))
        self.assertTrue(cached, "realhost's registry cache")
        return cached[0]

    def site_with(self, name, **changes):
        with open(self.site) as f:
            site = json.load(f)
        site["hosts"]["prod"].update(changes.pop("host", {}))
        site.update(changes)
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            json.dump(site, f)
        return path, site

    def host_path(self, path):
        return subprocess.run([REALHOST, "path", self.dir, "prod", path], capture_output=True,
                              text=True, check=True).stdout.strip()

    def sure(self):
        s = self.state()
        return {k: s[k] for k in ("taggedImage", "runningImage", "dbDumpSha256", "backups")}

    def login_uid(self):
        return os.stat(self.host_path(self.home)).st_uid

    def test_3_an_image_folder_others_can_write_to_is_refused(self):
        host_tmp = self.host_path("/tmp")
        self.assertTrue(os.stat(host_tmp).st_mode & 0o002, "the host's /tmp is world-writable")
        before_files = set(os.listdir(host_tmp))
        before = self.state()["taggedImage"]
        path, _ = self.site_with("site-tmp-images.json", host={"imageDirectory": "/tmp"})
        p, events = self.cli("upload", "--site", path, "--role", "prod",
                             "--image-tar", self.archive("3.0.0"), "--yes")
        self.assertEqual(p.returncode, 1, p.stdout[-3000:] + p.stderr[-2000:])
        self.assertIn("other users can write to it", p.stdout + p.stderr)
        self.assertEqual(set(os.listdir(host_tmp)) - before_files, set())
        self.assertEqual(self.state()["taggedImage"], before)

    def test_4_an_image_file_of_another_owner_is_uploaded_again(self):
        archive = self.archive("3.0.0")
        images = self.host_path(self.home + "/images")
        os.makedirs(images, exist_ok=True)
        os.chown(images, self.login_uid(), -1)
        found = os.path.join(images, os.path.basename(archive))
        shutil.copy(archive, found)  # the very archive, complete: only its owner is wrong
        os.chown(found, 65534, 65534)  # nobody's: it could change it after the check
        p, events = self.cli("upload", "--site", self.site, "--role", "prod",
                             "--image-tar", archive, "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-2000:])
        self.assertNotIn("already on the host", p.stdout)
        self.assertTrue([e for e in events if e["event"] == "upload-progress"])
        self.assertEqual(os.stat(found).st_uid, self.login_uid())
        with open(found, "rb") as a, open(archive, "rb") as b:
            self.assertEqual(hashlib.sha256(a.read()).digest(), hashlib.sha256(b.read()).digest())

    def test_5_a_loaded_image_line_naming_another_image_is_not_tagged(self):
        db_image = self.on_host("docker", "image", "inspect", "--format", "{{.Id}}",
                                "mysql:5.7").stdout.strip()
        self.assertTrue(db_image.startswith("sha256:"), db_image)
        before = self.state()["taggedImage"]  # another image than the archive's
        # The host's import.sh says it loaded the database image; the script itself follows
        # its last "Loaded image:" line, so it tags that image myst-studio.
        import_sh = self.host_path(self.home + "/bin/import.sh")
        with open(import_sh) as f:
            script = f.read()
        load = 'out=$($DOCKER load -i "$1") || exit 1\n'
        self.assertIn(load, script)
        with open(import_sh, "w") as f:
            f.write(script.replace(load, load + 'out="$out\nLoaded image: mysql:5.7"\n', 1))
        try:
            p, events = self.cli("upload", "--site", self.site, "--role", "prod",
                                 "--image-tar", self.archive("2.1.0"), "--yes")
        finally:
            with open(import_sh, "w") as f:
                f.write(script)
        lines = [e.get("line", "") for e in events if e["event"] == "output"]
        self.assertIn("Tagged mysql:5.7 as myst-studio", lines)  # the host did its worst
        self.assertEqual(p.returncode, 1, p.stdout[-3000:] + p.stderr[-2000:])
        message = [e for e in events if e["event"] == "result"][0]["message"]
        self.assertIn(db_image, message)
        now = self.state()["taggedImage"]
        self.assertNotEqual(now, db_image)
        self.assertEqual(now, before)

    # Finding 5: host keys, host records and host text are held to what they may say.

    def test_6_a_revoked_host_key_is_refused(self):
        with open(os.path.join(self.dir, "known_hosts")) as f:
            lines = [l for l in f.read().splitlines() if l.strip()]
        known = os.path.join(self.tmp.name, "known_hosts.revoked")
        with open(known, "w") as f:
            f.write("\n".join(lines + ["@revoked " + lines[0]]) + "\n")
        path, _ = self.site_with("site-revoked.json", knownHosts=known)
        before = self.sure()
        p, events = self.cli("history", "--site", path)
        self.assertEqual(p.returncode, 3, p.stdout[-3000:] + p.stderr[-2000:])
        self.assertIn("REVOKED", p.stdout + p.stderr)
        self.assertFalse([e for e in events if e["event"] == "history"])
        self.assertEqual(self.sure(), before)

    def test_7_a_host_record_naming_etc_passwd_is_refused(self):
        records = self.host_path(self.home + "/.myst-upgrade/records")
        if not os.path.isdir(records):
            os.makedirs(records)
            os.chown(records, self.login_uid(), -1)
        run = "29991231-235959-ffff"
        record = {"format": "myst-upgrade-host-record", "version": 1, "runId": run,
                  "kind": "upgrade", "status": "succeeded", "role": "prod",
                  "started": "2999-12-31T23:59:59Z",
                  "previous": {"imageId": self.state()["taggedImage"], "tags": [],
                               "version": "1.0.0"},
                  "backup": {"path": "/etc/passwd", "size": 1, "sha256": ""}}
        planted = os.path.join(records, run + ".json")
        with open(planted, "w") as f:
            json.dump(record, f)
        os.chown(planted, self.login_uid(), -1)
        try:
            before = self.sure()
            p, events = self.cli("history", "--site", self.site)
            self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-2000:])
            history = [e for e in events if e["event"] == "history"][0]
            self.assertNotIn(run, [r["runId"] for r in history["records"]])
            refused = [r for r in history["refused"] if run in r]
            self.assertEqual(len(refused), 1, history["refused"])
            self.assertIn("/etc/passwd is not in " + self.home + "/backup", refused[0])
            p, events = self.cli("rollback", "--site", self.site, "--from-host", "--run", run,
                                 "--yes")
            self.assertEqual(p.returncode, 2, p.stdout[-3000:] + p.stderr[-2000:])
            self.assertFalse([e for e in events if e["event"] == "step-started"])
            self.assertEqual(self.sure(), before)
        finally:
            os.remove(planted)

    def test_8_escape_sequences_are_neutralised_in_step_logs_and_json(self):
        pull = self.host_path(self.home + "/bin/pull.sh")
        with open(pull) as f:
            script = f.read()
        hostile = ("printf 'x\\302\\233y \\342\\200\\256evil\\n'\n"
                   "printf '\\033]52;c;cm0gLXJmIH4=\\007\\033]0;owned\\007\\033[2Jfailed\\n' >&2\n"
                   "exit 1\n")
        self.assertIn("check_fault pull\n", script)
        with open(pull, "w") as f:  # in place: the login user's file, as it was
            f.write(script.replace("check_fault pull\n", "check_fault pull\n" + hostile, 1))
        state = os.path.join(self.tmp.name, "state")
        try:
            p = subprocess.run(
                [CLI, "upgrade", "--site", self.site, "--approach", "in-place", "--version",
                 "2.1.0", "--yes", "--json"],
                capture_output=True, env=dict(os.environ, XDG_STATE_HOME=state),
                stdin=subprocess.DEVNULL, timeout=900)
        finally:
            with open(pull, "w") as f:
                f.write(script)
        self.assertEqual(p.returncode, 1, p.stdout[-3000:] + p.stderr[-2000:])
        # --json: C1 controls and bidi overrides as \u escapes, never raw.
        for raw in (b"\xc2\x9b", b"\xe2\x80\xae", b"\x1b", b"\x07"):
            self.assertNotIn(raw, p.stdout)
        self.assertIn(b"x\\u009by \\u202eevil", p.stdout)
        events = [json.loads(line) for line in p.stdout.splitlines()]
        self.assertTrue(any(e.get("line") == "x\u009by \u202eevil" for e in events))
        run = [e for e in events if e["event"] == "result"][0]["runId"]
        with open(os.path.join(state, "myst-upgrade", "runs", run + ".json")) as f:
            steps = json.load(f)["steps"]
        logs = [s["logFile"] for s in steps if s.get("logFile")]
        pull_log = next(s["logFile"] for s in steps if s["id"] == "pull")
        logs.append(os.path.join(state, "myst-upgrade", "myst-upgrade.log"))
        for log in logs:
            if not os.path.exists(log):
                continue
            with open(log, "rb") as f:
                text = f.read()
            for raw in (b"\x1b", b"\x07", b"\xc2\x9b", b"\xe2\x80\xae"):
                self.assertNotIn(raw, text, log)
        with open(pull_log, "rb") as f:
            text = f.read()
        self.assertIn(b"evil", text)
        self.assertIn(b"failed", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
