#!/usr/bin/env python3
"""Issue 15 (3 of 8): the product on hosts that behave like real installations
(tests/realhost: a real dockerd, a non-root login user with sudo for docker on one host and a
docker group on the other, a chatty login shell, scripts that work only from their folder, an
HTTPS console with a self-signed certificate reachable only from the host, a Tomcat start-up
log), through the real myst-upgrade binary, with a site file that names only what a real site
must and default settings."""
import glob
import hashlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REALHOST = os.path.join(HERE, "..", "realhost", "realhost")
CLI = os.environ.get("MYST_CLI", os.path.join(HERE, "..", "..", "build", "app", "myst-upgrade"))
SITE_KEYS = ("host", "port", "user", "identity", "mystHome", "consoleUrl", "sudo",
             "consoleCertSha256")


def oci_layout_archive(legacy, out):
    """A Docker 25+ `docker save` archive (OCI index.json, blobs/sha256/…, manifest.json
    pointing into blobs/) with the same image as a legacy one."""
    with tarfile.open(legacy) as src:
        manifest = json.load(src.extractfile("manifest.json"))[0]
        blobs, layers = {}, []
        config = src.extractfile(manifest["Config"]).read()
        config_digest = hashlib.sha256(config).hexdigest()
        blobs[config_digest] = config
        for layer in manifest["Layers"]:
            data = src.extractfile(layer).read()
            digest = hashlib.sha256(data).hexdigest()
            blobs[digest] = data
            layers.append(digest)
    image_manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + config_digest, "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": "sha256:" + d, "size": len(blobs[d])} for d in layers]}).encode()
    manifest_digest = hashlib.sha256(image_manifest).hexdigest()
    blobs[manifest_digest] = image_manifest
    index = json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": "sha256:" + manifest_digest, "size": len(image_manifest),
        "annotations": {"io.containerd.image.name": manifest["RepoTags"][0]}}]}).encode()
    docker_manifest = json.dumps([{"Config": "blobs/sha256/" + config_digest,
                                   "RepoTags": manifest["RepoTags"],
                                   "Layers": ["blobs/sha256/" + d for d in layers]}]).encode()

    def add(tar, name, data):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))

    with tarfile.open(out, "w") as tar:
        for digest, data in blobs.items():
            add(tar, "blobs/sha256/" + digest, data)
        add(tar, "index.json", index)
        add(tar, "manifest.json", docker_manifest)
        add(tar, "oci-layout", b'{"imageLayoutVersion": "1.0.0"}')


def realhost_lab(tmp, roles):
    """Realistic hosts under tmp/lab and a site file that names only what a real site must:
    no settings, nothing tuned to the test host. Returns (lab, site file, site)."""
    lab = os.path.join(tmp, "lab")
    subprocess.run([REALHOST, "up", lab, "--roles", roles], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(lab, "site.json")) as f:
        full = json.load(f)
    site = {"knownHosts": full["knownHosts"],
            "hosts": {role: {k: h[k] for k in SITE_KEYS if k in h}
                      for role, h in full["hosts"].items()}}
    path = os.path.join(tmp, "site.json")
    with open(path, "w") as f:
        json.dump(site, f)
    return lab, path, site


@unittest.skipUnless(os.geteuid() == 0, "realhost needs root (namespaces, users, dockerd)")
class RealHosts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir, cls.site, _ = realhost_lab(cls.tmp.name, "prod,nonprod")
        cls.state_dir = os.path.join(cls.tmp.name, "state")

    @classmethod
    def tearDownClass(cls):
        subprocess.run([REALHOST, "down", cls.dir], check=False)
        cls.tmp.cleanup()

    def cli(self, *args):
        env = dict(os.environ, XDG_STATE_HOME=self.state_dir)
        p = subprocess.run([CLI, *args, "--json"], capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, timeout=900)
        events = [json.loads(line) for line in p.stdout.splitlines()]
        return p, events

    def state(self, role):
        out = subprocess.run([REALHOST, "state", self.dir, role], capture_output=True,
                             text=True, check=True).stdout
        return json.loads(out)

    @staticmethod
    def tables(state):
        """The dump by table file, without the schema history (times of each host's own)."""
        out, name = {}, None
        for line in state["dbDump"].splitlines():
            if line.startswith("-- ") and line.endswith((".frm", ".ibd")):
                name = line[3:]
                out[name] = []
            elif name:
                out[name].append(line)
        return {k: v for k, v in out.items() if not k.startswith("schema_version")}

    def result(self, p, events):
        results = [e for e in events if e["event"] == "result"]
        self.assertEqual(len(results), 1, p.stdout[-3000:] + p.stderr[-2000:])
        return results[0]

    def assertRan(self, p, events):
        result = self.result(p, events)
        self.assertEqual(p.returncode, 0, result.get("message", "") + p.stderr[-2000:])
        return result

    def test_0_check_says_when_docker_needs_sudo(self):
        with open(self.site) as f:
            site = json.load(f)
        site["hosts"]["prod"]["sudo"] = False
        path = os.path.join(self.tmp.name, "no-sudo.json")
        with open(path, "w") as f:
            json.dump(site, f)
        p, events = self.cli("check", "--site", path, "--role", "prod")
        docker = next(e for e in events if e["event"] == "check" and e["name"] == "docker")
        self.assertEqual(docker["level"], "fail")
        self.assertIn('sudo -n docker works: set "sudo": true', docker["message"])

    def test_1_check_passes_with_default_settings(self):
        p, events = self.cli("check", "--site", self.site)
        checks = {(e["role"], e["name"]): e for e in events if e["event"] == "check"}
        failed = {k: v["message"] for k, v in checks.items() if v["level"] != "pass"}
        self.assertEqual(failed, {})
        self.assertEqual(p.returncode, 0)
        self.assertIn("MyST Studio 1.0.0", checks[("prod", "console")]["message"])
        self.assertIn("sudo", checks[("prod", "docker")]["message"])

    def test_2_in_place_upgrade_and_its_rollback(self):
        before = self.state("prod")
        p, events = self.cli("upgrade", "--site", self.site, "--approach", "in-place",
                             "--version", "2.0.0", "--yes")
        result = self.assertRan(p, events)
        after = self.state("prod")
        self.assertEqual(after["consoleVersion"], "2.0.0")
        self.assertEqual(after["dbVersion"], "2.0.0")
        self.assertEqual(after["runningImage"], after["taggedImage"])
        self.assertNotEqual(after["taggedImage"], before["taggedImage"])
        lines = [e["line"] for e in events if e["event"] == "output"]
        self.assertFalse([l for l in lines if "ORACLE_HOME" in l], "the login banner was parsed")

        p, events = self.cli("rollback", "--site", self.site, "--run", result["runId"],
                             "--yes")
        self.assertRan(p, events)
        back = self.state("prod")
        self.assertEqual(back["consoleVersion"], "1.0.0")
        self.assertEqual(back["taggedImage"], before["taggedImage"])
        self.assertEqual(back["dbDumpSha256"], before["dbDumpSha256"])

    def test_3_phased_with_the_data_copy(self):
        # Non-production has data of its own, which the copy replaces with production's.
        subprocess.run([REALHOST, "exec", self.dir, "nonprod", "--", "docker", "exec",
                        "myststudio_db", "sh", "-c",
                        'mysql -uroot -p"$MYSQL_ROOT_PASSWORD" myst -e "INSERT INTO '
                        "environments VALUES (9,'SANDBOX','Oracle SOA Suite 14.1.2',"
                        "'2026-01-01 00:00:00')\""], check=True, capture_output=True)
        self.assertIn("SANDBOX", self.state("nonprod")["dbDump"])
        prod_before = self.state("prod")
        p, events = self.cli("upgrade", "--site", self.site, "--approach", "phased",
                             "--version", "2.0.0", "--copy-prod-data", "--yes")
        self.assertRan(p, events)
        prod, nonprod = self.state("prod"), self.state("nonprod")
        self.assertEqual(prod["consoleVersion"], "2.0.0")
        self.assertEqual(nonprod["consoleVersion"], "2.0.0")
        # Non-production runs on production's data (as it was before the upgrade, migrated):
        # every table the same but the migration history, whose times are each host's own.
        self.assertEqual(self.tables(nonprod), self.tables(prod))
        self.assertIn("environments.ibd", self.tables(prod))
        self.assertNotIn("SANDBOX", nonprod["dbDump"])
        self.assertNotEqual(prod_before["dbVersion"], prod["dbVersion"])

    def test_4_offline_from_a_docker_25_layout_archive(self):
        cached = glob.glob("/var/tmp/myst-realhost-cache/*/myst-studio-3.0.0.tar")
        self.assertTrue(cached, "realhost's registry cache")
        archive = os.path.join(self.tmp.name, "myst-studio-3.0.0.tar")
        oci_layout_archive(cached[0], archive)
        p, events = self.cli("upgrade", "--site", self.site, "--approach", "in-place",
                             "--image-tar", archive, "--yes")
        self.assertRan(p, events)
        after = self.state("prod")
        self.assertEqual(after["consoleVersion"], "3.0.0")
        self.assertEqual(after["runningImage"], after["taggedImage"])

    def test_3b_phased_without_the_data_copy(self):
        before = self.tables(self.state("nonprod"))
        p, events = self.cli("upgrade", "--site", self.site, "--approach", "phased",
                             "--version", "2.1.0", "--yes")
        self.assertRan(p, events)
        for role in ("nonprod", "prod"):
            self.assertEqual(self.state(role)["consoleVersion"], "2.1.0", role)
        # Non-production keeps its own data (migrated), production's is not copied.
        self.assertEqual(self.tables(self.state("nonprod"))["environments.ibd"],
                         before["environments.ibd"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
