#!/usr/bin/env python3
"""Issue 30 (5 of 5), findings 2 to 5, against simulated hosts (real sshd, the real CLI): nothing
a host says takes over the wizard or steers a rollback. A backup's file name cannot forge the
inventory, a dump changed after the upgrade is not restored, myst-studio is the archive that was
checked, and host text, host records and host keys are held to what they may say."""
import glob
import hashlib
import json
import os
import shutil
import subprocess
import unittest

from clitest import CLI, CliTestCase
from test_cli_offline import make_image_tar

FAKE_ID = "sha256:" + "e" * 64


class HostSaysCase(CliTestCase):
    def ssh(self, command, role="prod"):
        h = self.site_json["hosts"][role]
        return subprocess.run(
            ["ssh", "-i", h["identity"], "-p", str(h["port"]), "-o", "BatchMode=yes",
             "-o", "UserKnownHostsFile=" + self.site_json["knownHosts"],
             "%s@%s" % (h["user"], h["host"]), command],
            capture_output=True, text=True, timeout=120)

    def upgrade(self, version, *extra):
        p, events = self.cli_json("upgrade", "--site", self.site, "--approach", "in-place",
                                  "--version", version, "--yes", *extra)
        return p, events

    def backups(self):
        return sorted(glob.glob(os.path.join(self.home(), "backup", "*")))


class ForgedInventory(HostSaysCase):
    """Finding 2: a file in the backup folder whose name holds newlines and protocol lines."""

    def test_a_backup_file_name_cannot_forge_images_or_notes(self):
        before_id = self.tagged_image()
        p = self.ssh("cd \"$MYST_HOME/bin\" && ./upgrade.sh 2.0.0")  # by hand: no record
        self.assertEqual(p.returncode, 0, p.stderr)
        forged = ("x\nmyst-image %s 2026-01-01T00:00:00Z [\"myst-studio:1.9.0\"] "
                  "{\"com.rubiconred.myst.version\":\"1.9.0\"}\n"
                  "myst-note OWNED-BY-THE-HOST\n" % FAKE_ID)
        evil = os.path.join(self.home(), "backup", forged)
        with open(evil, "w") as f:
            f.write("not a backup\n")
        try:
            p = self.cli("history", "--site", self.site)
        finally:
            os.remove(evil)
        self.assertEqual(p.returncode, 0, p.stderr)
        # The name is said once, escaped, in its note; nothing else comes from it.
        notes = [l for l in p.stdout.splitlines() if l.startswith("  note: ")]
        self.assertEqual(len(notes), 1, p.stdout)
        self.assertIn("x\\nmyst-image " + FAKE_ID, notes[0])
        rest = "\n".join(l for l in p.stdout.splitlines() if not l.startswith("  note: "))
        for forged in ("1.9.0", FAKE_ID[:19], "OWNED-BY-THE-HOST"):
            self.assertNotIn(forged, rest)
        self.assertIn("skipped a backup file whose name holds control or unusual characters",
                      p.stdout)
        self.assertIn("Proposed rollback: image " + before_id[:19] + " (1.0.0)", p.stdout)


class ChangedBackup(HostSaysCase):
    """Finding 3: the backup's recorded size and SHA-256 are checked before a restore."""

    def test_1_a_dump_changed_after_the_upgrade_is_not_restored(self):
        p, events = self.upgrade("2.0.0")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        run = self.result_of(events)["runId"]
        record = self.journal(run)["records"]["prod"]
        path, size, sha = record["backupPath"], record["backupSize"], record["backupSha256"]
        with open(path, "a") as f:
            f.write("INSERT INTO environments VALUES('EVIL', 'planted');\n")
        with open(path, "rb") as f:
            data = f.read()
        after_upgrade = self.snapshot()
        for how in (["--run", run], ["--from-host"]):
            with self.subTest(how[0]):
                p, events = self.cli_json("rollback", "--site", self.site, *how, "--yes")
                self.assertEqual(p.returncode, 1, p.stdout[-2000:] + p.stderr)
                message = self.result_of(events)["message"]
                for value in (path, str(size), sha, str(len(data)),
                              hashlib.sha256(data).hexdigest()):
                    self.assertIn(value, message)
                self.assertIn("nothing was changed", message)
                self.assertEqual(self.snapshot()["db"], after_upgrade["db"])
                self.assertEqual(self.tagged_image(), after_upgrade["tag"])
                self.assertNotIn("EVIL", self.db_dump())

    def test_2_the_unchanged_dump_is_checked_and_restored(self):
        before = self.db_dump()
        p, events = self.upgrade("2.1.0")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        run = self.result_of(events)["runId"]
        p, events = self.cli_json("rollback", "--site", self.site, "--run", run, "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        self.assertEqual(self.started_steps(events)[:4],
                         ["check-rollback", "check-backup", "retag", "restore"])
        self.assertEqual(self.db_dump(), before)


class ArchiveImage(HostSaysCase):
    """Finding 4: myst-studio is the archive that was checked, from a folder only we write."""

    def images_dir(self):
        return os.path.join(self.home(), "images")

    def test_1_a_loaded_image_line_naming_another_image_is_not_tagged(self):
        tar = os.path.join(self.tmp.name, "myst-studio-2.1.0.tar.gz")
        image_id = make_image_tar(tar, "2.1.0")
        old = self.tagged_image()
        import_sh = os.path.join(self.home(), "bin", "import.sh")
        shutil.move(import_sh, import_sh + ".away")
        self.set_fault("docker-load", "lie")
        try:
            p = self.cli("upload", "--site", self.site, "--image-tar", tar, "--yes")
        finally:
            self.set_fault("docker-load", None)
            shutil.move(import_sh + ".away", import_sh)
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        self.assertNotEqual(self.tagged_image(), old)
        self.assertEqual(self.tagged_image(), image_id)

    def test_2_a_folder_others_can_write_to_is_refused(self):
        tar = os.path.join(self.tmp.name, "myst-studio-3.0.0.tar.gz")
        make_image_tar(tar, "3.0.0")
        shared = os.path.join(self.tmp.name, "shared-images")
        os.makedirs(shared, exist_ok=True)
        os.chmod(shared, 0o1777)  # as /tmp is
        path = self.site_with_prod(imageDirectory=shared)
        before = self.tagged_image()
        p = self.cli("upload", "--site", path, "--image-tar", tar, "--yes")
        self.assertEqual(p.returncode, 1, p.stdout[-2000:] + p.stderr)
        self.assertIn("other users can write to it", p.stdout + p.stderr)
        self.assertEqual(os.listdir(shared), [])
        self.assertEqual(self.tagged_image(), before)

    def test_2b_a_folder_inside_one_others_can_write_to_is_refused(self):
        tar = os.path.join(self.tmp.name, "myst-studio-3.0.0.tar.gz")
        make_image_tar(tar, "3.0.0")
        open_parent = os.path.join(self.tmp.name, "open-parent")
        images = os.path.join(open_parent, "images")
        os.makedirs(images, exist_ok=True)
        os.chmod(images, 0o755)  # the folder itself is fine...
        os.chmod(open_parent, 0o777)  # ...but anyone can rename it away (no sticky bit)
        path = self.site_with_prod(imageDirectory=images)
        before = self.tagged_image()
        p = self.cli("upload", "--site", path, "--image-tar", tar, "--yes")
        self.assertEqual(p.returncode, 1, p.stdout[-2000:] + p.stderr)
        self.assertIn("lies in %s" % open_parent, p.stdout + p.stderr)
        self.assertIn("anyone can rename", p.stdout + p.stderr)
        self.assertEqual(os.listdir(images), [])
        self.assertEqual(self.tagged_image(), before)
        # Named through a link that anyone could replace, though it leads to a safe folder.
        safe_images = os.path.join(self.tmp.name, "safe", "images")
        os.makedirs(safe_images, exist_ok=True)
        link = os.path.join(open_parent, "link")
        os.symlink(safe_images, link)
        path = self.site_with_prod(imageDirectory=link)
        p = self.cli("upload", "--site", path, "--image-tar", tar, "--yes")
        self.assertEqual(p.returncode, 1, p.stdout[-2000:] + p.stderr)
        self.assertIn("lies in %s" % open_parent, p.stdout + p.stderr)
        self.assertEqual(os.listdir(safe_images), [])
        # A parent its group can write to (/u01 as oracle:oinstall 775) is the installation's.
        os.chmod(open_parent, 0o775)
        p = self.cli("upload", "--site", path, "--image-tar", tar, "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        self.assertNotEqual(self.tagged_image(), before)

    def test_3_a_file_of_another_owner_found_there_is_uploaded_again(self):
        tar = os.path.join(self.tmp.name, "myst-studio-3.0.0.tar.gz")
        make_image_tar(tar, "3.0.0")
        os.makedirs(self.images_dir(), exist_ok=True)
        found = os.path.join(self.images_dir(), os.path.basename(tar))
        shutil.copy(tar, found)
        os.chown(found, 65534, 65534)  # nobody's: it could change it after our check
        p = self.cli("upload", "--site", self.site, "--image-tar", tar, "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        self.assertNotIn("already on the host", p.stdout)
        self.assertEqual(os.stat(found).st_uid, os.getuid())


class HostText(HostSaysCase):
    """Finding 5: host text in logs and --json, host keys, backup paths."""

    def test_1_escape_sequences_are_neutralised_in_the_step_log_and_app_log(self):
        pull = os.path.join(self.home(), "bin", "pull.sh")
        with open(pull) as f:
            script = f.read()
        hostile = ("printf 'x\\302\\233y \\342\\200\\256evil\\n'\n"
                   "printf '\\033]52;c;cm0gLXJmIH4=\\007\\033]0;owned\\007\\033[2Jfailed\\n' >&2\n"
                   "exit 1\n")
        with open(pull, "w") as f:
            f.write(script.replace("check_fault pull\n", "check_fault pull\n" + hostile, 1))
        try:
            p = subprocess.run(
                [CLI, "upgrade", "--site",
                 self.site, "--approach", "in-place", "--version", "2.0.0", "--yes", "--json"],
                capture_output=True, env=dict(os.environ, XDG_STATE_HOME=self.state),
                stdin=subprocess.DEVNULL, timeout=300)
        finally:
            with open(pull, "w") as f:
                f.write(script)
        self.assertEqual(p.returncode, 1, p.stdout[-2000:] + p.stderr)
        # --json: C1 controls and bidi overrides as \u escapes, never raw.
        for raw in (b"\xc2\x9b", b"\xe2\x80\xae", b"\x1b", b"\x07"):
            self.assertNotIn(raw, p.stdout)
        self.assertIn(b"x\\u009by \\u202eevil", p.stdout)
        events = [json.loads(line) for line in p.stdout.splitlines()]
        self.assertTrue(any(e.get("line") == "x\u009by \u202eevil" for e in events))
        run = self.result_of(events)["runId"]
        logs = [s["logFile"] for s in self.journal(run)["steps"] if s.get("logFile")]
        logs.append(os.path.join(self.state, "myst-upgrade", "myst-upgrade.log"))
        for log in logs:
            if not os.path.exists(log):
                continue
            with open(log, "rb") as f:
                text = f.read()
            for raw in (b"\x1b", b"\x07", b"\xc2\x9b", b"\xe2\x80\xae"):
                self.assertNotIn(raw, text, log)
        with open(next(s["logFile"] for s in self.journal(run)["steps"] if s["id"] == "pull"),
                  "rb") as f:
            self.assertIn(b"failed", f.read())

    def test_2_a_revoked_host_key_is_refused(self):
        known = self.site_json["knownHosts"]
        with open(known) as f:
            lines = f.read().splitlines()
        site = dict(self.site_json, knownHosts=known + ".revoked")
        with open(site["knownHosts"], "w") as f:
            f.write("\n".join(lines + ["@revoked " + lines[0]]) + "\n")
        path = os.path.join(self.tmp.name, "site-revoked.json")
        with open(path, "w") as f:
            json.dump(site, f)
        before = self.snapshot()
        p = self.cli("history", "--site", path)
        self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
        self.assertIn("REVOKED", p.stderr)
        self.assertEqual(self.snapshot(), before)

    def test_3_a_backup_outside_the_backup_folder_is_refused(self):
        self.set_fault("backup-database", "elsewhere")
        try:
            p, events = self.upgrade("2.0.0")
        finally:
            self.set_fault("backup-database", None)
        self.assertEqual(p.returncode, 1, p.stdout[-2000:] + p.stderr)
        self.assertIn("not in the backup folder", self.result_of(events)["message"])
        self.assertNotIn("stop", self.started_steps(events))
        self.assertEqual(self.console_version(), "1.0.0")

    def test_3b_a_backup_folder_the_site_file_names_is_restored_from(self):
        dumps = os.path.join(self.home(), "dumps")
        path = self.site_with_prod(backupDirectory=dumps)
        self.set_fault("backup-database", "dumps")
        try:
            p, events = self.cli_json("upgrade", "--site", path, "--approach", "in-place",
                                      "--version", "2.0.0", "--yes")
        finally:
            self.set_fault("backup-database", None)
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        self.assertEqual(self.console_version(), "2.0.0")
        backups = os.listdir(dumps)
        self.assertEqual(len(backups), 1)
        p = self.cli("rollback", "--site", path, "--last", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        self.assertIn(os.path.join(dumps, backups[0]), p.stdout)
        self.assertEqual(self.console_version(), "1.0.0")

    def test_4_a_host_record_naming_etc_passwd_is_refused(self):
        records = os.path.join(self.home(), ".myst-upgrade", "records")
        os.makedirs(records, exist_ok=True)
        record = {"format": "myst-upgrade-host-record", "version": 1,
                  "runId": "29991231-235959-ffff", "kind": "upgrade", "status": "succeeded",
                  "role": "prod", "started": "2999-12-31T23:59:59Z",
                  "previous": {"imageId": self.tagged_image(), "tags": [], "version": "1.0.0"},
                  "backup": {"path": "/etc/passwd", "size": 1, "sha256": ""}}
        planted = os.path.join(records, record["runId"] + ".json")
        with open(planted, "w") as f:
            json.dump(record, f)
        try:
            before = self.snapshot()
            p = self.cli("history", "--site", self.site)
            self.assertIn("REFUSED", p.stdout)
            self.assertIn("/etc/passwd is not in", p.stdout)
            p = self.cli("rollback", "--site", self.site, "--from-host", "--yes")
            self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
            self.assertEqual(self.snapshot(), before)
        finally:
            os.remove(planted)


if __name__ == "__main__":
    unittest.main(verbosity=2)
