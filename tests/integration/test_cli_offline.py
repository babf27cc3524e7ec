#!/usr/bin/env python3
"""Issue 5 of 6: an offline image (a docker save tarball) uploaded, loaded and tagged, through
the real myst-upgrade binary against simulated hosts (real sshd)."""
import gzip
import io
import json
import os
import shutil
import subprocess
import tarfile
import unittest

from clitest import HOSTSIM, CliTestCase

MAKE_IMAGE_TAR = os.path.join(os.path.dirname(HOSTSIM), "make-image-tar")


def make_image_tar(path, version, layer_mb=2):
    """A real docker save archive; returns the image ID docker load will give it."""
    out = subprocess.run([MAKE_IMAGE_TAR, version, path, "--layer-mb", str(layer_mb)],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


class OfflineImage(CliTestCase):
    def connections(self, role="prod"):
        with open(os.path.join(self.dir, role, "ssh", "sshd.log")) as f:
            return f.read().count("Connection from")

    def images_dir(self, role="prod"):
        return os.path.join(self.home(role), "images")

    def test_1_upgrade_with_image_tar_then_rollback(self):
        """In place, offline, on a host without import.sh: docker load, docker tag."""
        before_id = self.tagged_image()
        before_dump = self.db_dump()
        tar = os.path.join(self.tmp.name, "myst-studio-2.1.0.tar.gz")
        image_id = make_image_tar(tar, "2.1.0")
        import_sh = os.path.join(self.home(), "bin", "import.sh")
        shutil.move(import_sh, import_sh + ".away")
        try:
            p, events = self.cli_json("upgrade", "--site", self.site, "--approach", "in-place",
                                      "--image-tar", tar, "--yes")
        finally:
            shutil.move(import_sh + ".away", import_sh)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        result = self.result_of(events)
        self.assertEqual(result["status"], "succeeded")

        # The host, as the operator would check it.
        self.assertEqual(self.tagged_image(), image_id)
        self.assertEqual(self.console_version(), "2.1.0")
        self.assertEqual(self.schema_version(), "2.1.0")
        uploaded = os.path.join(self.images_dir(), os.path.basename(tar))
        with open(uploaded, "rb") as a, open(tar, "rb") as b:
            self.assertEqual(a.read(), b.read())
        self.assertFalse(os.path.exists(uploaded + ".part"))

        # Progress: events with the file's size, ending complete.
        progress = [e for e in events if e["event"] == "upload-progress"]
        self.assertTrue(progress)
        size = os.path.getsize(tar)
        self.assertEqual(progress[-1]["bytes"], size)
        self.assertEqual(progress[-1]["total"], size)
        self.assertEqual([e["bytes"] for e in progress], sorted(e["bytes"] for e in progress))

        journal = self.journal(result["runId"])
        self.assertEqual([s["id"] for s in journal["steps"]],
                         ["record-image", "upload", "load", "backup", "ready", "stop", "start", "verify"])
        record = journal["records"]["prod"]
        self.assertEqual(record["loadedImageId"], image_id)
        self.assertEqual(record["uploadedImagePath"], uploaded)
        self.assertEqual(len(record["uploadedImageSha256"]), 64)
        self.assertEqual(record["previousImageId"], before_id)
        with open(journal["steps"][2]["logFile"]) as f:
            self.assertIn("no import.sh", f.read())

        p, events = self.cli_json("rollback", "--site", self.site, "--last", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        self.assertEqual(self.tagged_image(), before_id)
        self.assertEqual(self.db_dump(), before_dump)
        self.assertEqual(self.console_version(), "1.0.0")

    def test_2_upload_then_upgrade_keeps_the_real_previous_image(self):
        """`upload` loads and tags (with import.sh); the upgrade after it sends nothing again,
        and its rollback still goes back to the image from before the upload."""
        before_id = self.tagged_image()
        self.assertEqual(self.console_version(), "1.0.0")
        # Named as a browser names a second download: on the host it gets plain characters.
        tar = os.path.join(self.tmp.name, "myst-studio-2.2.0 (1).tar")
        image_id = make_image_tar(tar, "2.2.0")

        p, events = self.cli_json("upload", "--site", self.site, "--role", "prod",
                                  "--image-tar", tar, "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        result = self.result_of(events)
        self.assertEqual(self.tagged_image(), image_id)  # loaded and tagged
        self.assertEqual(self.console_version(), "1.0.0")  # the service was not restarted
        self.assertIn(before_id, result["message"])  # how to undo it
        journal = self.journal(result["runId"])
        self.assertEqual(journal["records"]["prod"]["loadedImageId"], image_id)
        self.assertEqual(journal["records"]["prod"]["previousImageId"], before_id)
        uploaded = os.path.join(self.images_dir(), "myst-studio-2.2.0__1_.tar")
        self.assertEqual(journal["records"]["prod"]["uploadedImagePath"], uploaded)
        with open(uploaded, "rb") as a, open(tar, "rb") as b:
            self.assertEqual(a.read(), b.read())
        with open(journal["steps"][2]["logFile"]) as f:
            self.assertIn("Tagged", f.read())  # import.sh ran

        connections = self.connections()
        p, events = self.cli_json("upgrade", "--site", self.site, "--approach", "in-place",
                                  "--version", "2.2.0", "--image-tar", tar, "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        self.assertGreater(self.connections(), connections)
        self.assertEqual(self.console_version(), "2.2.0")
        upgrade = self.journal(self.result_of(events)["runId"])
        upload_step = next(s for s in upgrade["steps"] if s["id"] == "upload")
        self.assertIn("already on the host", upload_step["message"])
        self.assertEqual(upgrade["records"]["prod"]["previousImageId"], before_id)

        p, _ = self.cli_json("rollback", "--site", self.site, "--last", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        self.assertEqual(self.tagged_image(), before_id)
        self.assertEqual(self.console_version(), "1.0.0")

    def test_3_bad_archives_are_refused_before_connecting(self):
        good = os.path.join(self.tmp.name, "good.tar")
        make_image_tar(good, "3.0.0")
        with open(good, "rb") as f:
            data = f.read()
        cases = {}
        cases["truncated.tar"] = (data[: len(data) // 2], "truncated")
        cases["notes.tar"] = (b"These are release notes, not an image.\n" * 20, "not a tar")
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as t:
            info = tarfile.TarInfo("layer.tar")
            info.size = 4
            t.addfile(info, io.BytesIO(b"abcd"))
        cases["no-manifest.tar.gz"] = (gzip.compress(buf.getvalue()), "manifest.json")
        snapshot = self.snapshot()
        connections = self.connections()
        for name, (content, reason) in cases.items():
            path = os.path.join(self.tmp.name, name)
            with open(path, "wb") as f:
                f.write(content)
            for args in (["upload", "--role", "prod"],
                         ["upgrade", "--approach", "in-place", "--version", "3.0.0"]):
                p = self.cli(*args, "--site", self.site, "--image-tar", path, "--yes")
                self.assertEqual(p.returncode, 2, (name, p.stdout, p.stderr))
                self.assertIn(name, p.stderr)
                self.assertIn(reason, p.stderr.lower(), name)
        self.assertEqual(self.connections(), connections)  # no host was contacted
        self.assertEqual(self.snapshot(), snapshot)

    def test_4_version_must_match_the_archive(self):
        tar = os.path.join(self.tmp.name, "myst-studio-4.0.0.tar")
        make_image_tar(tar, "4.0.0")
        p = self.cli("plan", "--site", self.site, "--approach", "in-place", "--version", "4.1.0",
                     "--image-tar", tar)
        self.assertEqual(p.returncode, 2)
        self.assertIn("holds MyST Studio 4.0.0, not 4.1.0", p.stderr)
        p = self.cli("plan", "--site", self.site, "--approach", "in-place", "--image-tar", tar)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("upload", p.stdout)
        self.assertIn("docker load -i", p.stdout)
        self.assertNotIn("pull.sh", p.stdout)

    def test_5_a_nearly_full_disk_stops_the_upload_before_anything_changes(self):
        tar = os.path.join(self.tmp.name, "myst-studio-5.0.0.tar")
        make_image_tar(tar, "5.0.0", layer_mb=8)
        before = self.snapshot()
        self.set_fault("df", "20480")  # the host's disk: 20 MB free
        try:
            p, events = self.cli_json("upgrade", "--site", self.site, "--approach", "in-place",
                                      "--image-tar", tar, "--yes")
        finally:
            self.set_fault("df", None)
        self.assertEqual(p.returncode, 1, p.stdout[-3000:] + p.stderr)
        result = self.result_of(events)
        self.assertIn("Not enough free disk", result["message"])
        self.assertIn("20 MB free", result["message"])
        started = self.started_steps(events)
        self.assertEqual(started, ["record-image", "upload"])  # nothing stopped
        after = self.snapshot()
        for what in ("tag", "db", "console"):
            self.assertEqual(after[what], before[what], what)
        name = os.path.basename(tar)
        self.assertFalse([n for n in os.listdir(self.images_dir()) if n.startswith(name)],
                         "not even a partial file")


class OfflinePhased(CliTestCase):
    roles = "nonprod,prod"

    def test_phased_offline_uploads_to_both_hosts(self):
        tar = os.path.join(self.tmp.name, "myst-studio-2.3.0.tar.gz")
        image_id = make_image_tar(tar, "2.3.0")
        p, events = self.cli_json("upgrade", "--site", self.site, "--approach", "phased",
                                  "--image-tar", tar, "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        for role in ("nonprod", "prod"):
            self.assertEqual(self.tagged_image(role), image_id, role)
            self.assertEqual(self.console_version(role), "2.3.0", role)
        roles = {e["role"] for e in events if e["event"] == "upload-progress"}
        self.assertEqual(roles, {"nonprod", "prod"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
