#!/usr/bin/env python3
"""Issue 2: bad input gets a clear message, exit 2, and nothing runs on any host; host key and
connection problems get exit 3 and 4."""
import json
import os
import unittest

from clitest import CliTestCase


class BadInput(CliTestCase):
    def setUp(self):
        self.before = self.snapshot()

    def tearDown(self):
        self.assertEqual(self.snapshot(), self.before, "the host was changed")

    def write_site(self, mutate):
        site = json.loads(json.dumps(self.site_json))
        mutate(site)
        path = os.path.join(self.tmp.name, "bad-site.json")
        with open(path, "w") as f:
            json.dump(site, f)
        return path

    def upgrade(self, site=None, version="2.0.0", *extra):
        return self.cli("upgrade", "--site", site or self.site, "--approach", "in-place",
                        "--version", version, "--yes", *extra)

    def assertUsage(self, p, *words):
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        for w in words:
            self.assertIn(w, p.stderr)

    def test_bad_versions(self):
        for v in ("2.0; rm -rf ~", "$(id)", "-rf", "../2.0", "2.0 3.0", ""):
            with self.subTest(version=v):
                self.assertUsage(self.upgrade(version=v), "version")

    def test_missing_role(self):
        self.assertUsage(self.upgrade(None, "2.0.0", "--role", "staging"), 'no host with role "staging"')
        site = self.write_site(lambda s: s["hosts"].update({"test": s["hosts"].pop("prod")}))
        self.assertUsage(self.cli("upgrade", "--site", site, "--approach", "in-place",
                                  "--version", "2.0.0", "--yes", "--role", "prod"), "prod")

    def test_bad_port(self):
        for port in (0, 70000, "22", 22.5):
            with self.subTest(port=port):
                site = self.write_site(lambda s: s["hosts"]["prod"].update(port=port))
                self.assertUsage(self.upgrade(site), "port")

    def test_missing_identity_file(self):
        site = self.write_site(lambda s: s["hosts"]["prod"].update(identity="/nonexistent/id_ed25519"))
        self.assertUsage(self.upgrade(site), "/nonexistent/id_ed25519", "does not exist")

    def test_relative_or_odd_myst_home(self):
        for home in ("opt/myst-studio", "/opt/myst studio", "/opt/$(id)", "/opt/../etc"):
            with self.subTest(home=home):
                site = self.write_site(lambda s: s["hosts"]["prod"].update(mystHome=home))
                self.assertUsage(self.upgrade(site), "mystHome")

    def test_not_json_and_unknown_options(self):
        path = os.path.join(self.tmp.name, "broken.json")
        with open(path, "w") as f:
            f.write("{not json")
        self.assertUsage(self.upgrade(path), "not valid JSON")
        self.assertUsage(self.cli("upgrade", "--site", self.site, "--frobnicate"), "unknown option")
        self.assertUsage(self.cli("upgrade", "--site", self.site, "--approach", "sideways",
                                  "--version", "2.0.0", "--yes"), "unknown approach")

    def test_without_yes_on_a_pipe_refuses(self):
        p = self.cli("upgrade", "--site", self.site, "--approach", "in-place", "--version", "2.0.0")
        self.assertUsage(p, "--yes")

    def test_plan_runs_nothing_and_shows_exact_commands(self):
        p = self.cli("plan", "--site", self.site, "--approach", "in-place", "--version", "2.0.0")
        self.assertEqual(p.returncode, 0)
        # As the guide runs them: from the scripts' folder (issue 15).
        self.assertIn(f"$ cd -- {self.home()}/bin && ./pull.sh 2.0.0", p.stdout)
        self.assertIn(f"$ cd -- {self.home()}/bin && ./backup-database.sh", p.stdout)
        self.assertIn("outage starts", p.stdout)

    def test_unknown_host_key_is_exit_3_with_fingerprint(self):
        empty = os.path.join(self.tmp.name, "empty_known_hosts")
        open(empty, "w").close()
        site = self.write_site(lambda s: s.update(knownHosts=empty))
        p = self.upgrade(site)
        self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
        self.assertIn("SHA256:", p.stderr)
        p = self.cli("check", "--site", site)
        self.assertEqual(p.returncode, 3)
        self.assertIn("myst-upgrade trust", p.stdout)  # safe advice (issue 13.7)
        with open(empty) as f:
            self.assertEqual(f.read(), "")  # never trusted silently

    def test_wrong_key_is_exit_4(self):
        site = self.write_site(lambda s: s["hosts"]["prod"].update(
            identity=os.path.join(self.dir, "prod", "ssh", "ssh_host_ed25519_key")))
        p = self.upgrade(site)
        self.assertEqual(p.returncode, 4, p.stdout + p.stderr)
        self.assertIn("offers: publickey, password", p.stderr)

    def test_check_passes_on_a_healthy_host(self):
        p = self.cli("check", "--site", self.site, "--json")
        self.assertEqual(p.returncode, 0, p.stdout)
        checks = [json.loads(l) for l in p.stdout.splitlines()]
        names = {c["name"]: c["level"] for c in checks if c["event"] == "check"}
        self.assertEqual(names, {"connect": "pass", "scripts": "pass", "docker": "pass",
                                 "disk": "pass", "lock": "pass", "console": "pass"})

    def test_check_finds_a_missing_script(self):
        script = os.path.join(self.home(), "bin", "restart.sh")
        os.rename(script, script + ".away")
        try:
            p = self.cli("check", "--site", self.site)
        finally:
            os.rename(script + ".away", script)
        self.assertEqual(p.returncode, 1)
        self.assertIn("restart.sh missing", p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
