#!/usr/bin/env python3
"""Issue 4 of 8: a MyST host behind a jump host (bastion), reached natively: no `ssh` binary,
the jump host's key checked like the target's, a drop of the jump connection survived."""
import json
import os
import subprocess
import sys
import threading
import unittest

from clitest import CliTestCase
from jumplab import INNER_JUMP_PORT, JUMP_IP, TARGET_IP, TARGET_PORT, JumpLab, reachable
from test_cli_offline import make_image_tar


@unittest.skipUnless(os.geteuid() == 0, "needs root: network namespaces for the jump host")
class BehindAJumpHost(CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lab = JumpLab(cls.tmp.name, cls.dir).up()
        cls.jump_site = os.path.join(cls.tmp.name, "jump-site.json")
        with open(cls.jump_site, "w") as f:
            json.dump(cls.lab.site(cls.site_json, os.path.join(cls.tmp.name, "known_hosts")), f)

    @classmethod
    def tearDownClass(cls):
        cls.lab.down()
        super().tearDownClass()

    def console_version(self, role="prod"):
        with open(os.path.join(self.home(), "etc", "console.port")) as f:
            return self.lab.console_version(int(f.read()))

    def test_0_the_target_is_reachable_only_through_the_jump_host(self):
        self.assertFalse(reachable(TARGET_IP, TARGET_PORT))
        self.assertTrue(reachable(JUMP_IP, 22))
        p = self.cli("check", "--site", self.jump_site)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # Nothing but our own libssh: no ssh client was started for the jump.
        self.assertNotIn("ProxyCommand", p.stderr)
        with open(os.path.join(self.lab.jump_dir, "sshd.log")) as f:
            self.assertIn("Accepted publickey", f.read())
        # The MyST host saw the login come from the jump host's inner address.
        with open(os.path.join(self.lab.target_ssh, "sshd.log")) as f:
            self.assertRegex(f.read(), r"Accepted publickey for \S+ from 127\.0\.77\.1 ")

    def test_1_upgrade_then_rollback_through_the_jump(self):
        before = self.tagged_image()
        p, events = self.cli_json("upgrade", "--site", self.jump_site, "--approach", "in-place",
                                  "--version", "2.0.0", "--yes")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.result_of(events)["status"], "succeeded")
        self.assertEqual(self.schema_version(), "2.0.0")
        self.assertEqual(self.console_version(), "2.0.0")  # verified through the target's tunnel
        p, events = self.cli_json("rollback", "--site", self.jump_site, "--last", "--yes")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.tagged_image(), before)
        self.assertEqual(self.console_version(), "1.0.0")

    def test_2_upload_through_the_jump(self):
        tar = os.path.join(self.tmp.name, "myst-studio-2.5.0.tar")
        make_image_tar(tar, "2.5.0")
        p, events = self.cli_json("upload", "--site", self.jump_site, "--image-tar", tar, "--yes")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.result_of(events)["status"], "succeeded")
        self.assertTrue(self.image_id("registry.example.com/myst-studio:2.5.0"))

    def test_3_a_dropped_jump_connection_mid_step_is_reattached(self):
        self.set_fault("start", "slow 6")
        env = dict(os.environ, XDG_STATE_HOME=self.state)
        proc = subprocess.Popen([self.cli_path(), "upgrade", "--site", self.jump_site,
                                 "--approach", "in-place", "--version", "2.0.0", "--yes", "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        events, dropped = [], 0
        for line in proc.stdout:
            event = json.loads(line)
            events.append(event)
            if (event["event"] == "output" and "working slowly" in event.get("line", "")
                    and not dropped):
                dropped = self.lab.drop_jump_connections()
        proc.wait(timeout=300)
        proc.stdout.close()
        self.set_fault("start", None)
        self.assertGreaterEqual(dropped, 1)
        stderr = proc.stderr.read()
        proc.stderr.close()
        self.assertEqual(proc.returncode, 0, stderr)
        self.assertEqual(self.result_of(events)["status"], "succeeded")
        lines = [e.get("line", "") for e in events if e["event"] == "output"]
        self.assertTrue(any(l.startswith("[wizard] reconnected") for l in lines), lines[-20:])
        self.assertTrue(any("done working slowly" in l for l in lines))
        self.assertEqual(self.console_version(), "2.0.0")
        self.cli("rollback", "--site", self.jump_site, "--last", "--yes")

    def changed_key_site(self, which):
        """A known_hosts in which the jump host's or the target's key is another one."""
        jump_line, target_line = self.lab.known_hosts_lines()
        other = os.path.join(self.tmp.name, f"other-{which}")
        if not os.path.exists(other):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other], check=True)
        with open(other + ".pub") as f:
            fake = " ".join(f.read().split()[:2])
        lines = {"jump": (f"{JUMP_IP} {fake}\n", target_line),
                 "target": (jump_line, f"[{TARGET_IP}]:{TARGET_PORT} {fake}\n")}[which]
        known = os.path.join(self.tmp.name, f"known-{which}")
        with open(known, "w") as f:
            f.write("".join(lines))
        with open(self.jump_site) as f:
            site = json.load(f)
        site["knownHosts"] = known
        path = os.path.join(self.tmp.name, f"site-{which}.json")
        with open(path, "w") as f:
            json.dump(site, f)
        return path, known, "".join(lines)

    def test_4_a_changed_key_on_the_jump_host_or_the_target_is_refused(self):
        for which, named in (("jump", JUMP_IP), ("target", f"{TARGET_IP}:{TARGET_PORT}")):
            with self.subTest(which):
                site, known, text = self.changed_key_site(which)
                before = self.snapshot_files()
                p = self.cli("upgrade", "--site", site, "--approach", "in-place",
                             "--version", "2.0.0", "--yes")
                self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
                self.assertIn("CHANGED", p.stdout + p.stderr)
                self.assertIn(named, p.stdout + p.stderr)
                with open(known) as f:
                    self.assertEqual(f.read(), text)
                self.assertEqual(self.snapshot_files(), before)

    def test_5_an_ssh_config_alias_with_proxyjump(self):
        home = os.path.join(self.tmp.name, "laptop-home")
        os.makedirs(os.path.join(home, ".ssh"), exist_ok=True)
        user = self.site_json["hosts"]["prod"]["user"]
        with open(os.path.join(home, ".ssh", "config"), "w") as f:
            f.write(f"""Host myst-prod
    HostName {TARGET_IP}
    Port {TARGET_PORT}
    User {user}
    IdentityFile {self.lab.client_key}
    ProxyJump bastion

Host bastion
    HostName {JUMP_IP}
    User {user}
    IdentityFile {self.lab.client_key}
""")
        with open(self.jump_site) as f:
            site = json.load(f)
        site["hosts"]["prod"] = {"host": "myst-prod", "useSshConfig": True,
                                 "mystHome": self.home(),
                                 "consoleUrl": site["hosts"]["prod"]["consoleUrl"]}
        path = os.path.join(self.tmp.name, "alias-site.json")
        with open(path, "w") as f:
            json.dump(site, f)
        env = dict(os.environ, XDG_STATE_HOME=self.state, HOME=home)
        env.pop("SSH_AUTH_SOCK", None)
        p = subprocess.run([self.cli_path(), "check", "--site", path], capture_output=True,
                           text=True, env=env, stdin=subprocess.DEVNULL, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_6_a_jump_host_that_takes_a_password_from_the_keychain(self):
        self.lab.start_jump_sshd(password="bastion pass")
        try:
            with open(self.jump_site) as f:
                site = json.load(f)
            site["hosts"]["prod"]["jump"].update(auth="password")
            del site["hosts"]["prod"]["jump"]["identity"]
            path = os.path.join(self.tmp.name, "password-jump.json")
            with open(path, "w") as f:
                json.dump(site, f)
            p = self.cli("check", "--site", path)  # nothing stored, no terminal to ask on
            self.assertEqual(p.returncode, 4, p.stdout + p.stderr)
            self.assertIn(f"Jump host root@{JUMP_IP}:22", p.stdout + p.stderr)
            self.assertIn("secret --site", p.stdout + p.stderr)
            bad = self.cli("secret", "--site", path, "--role", "prod", "--jump", "2",
                           input="x\n")
            self.assertEqual(bad.returncode, 2)
            self.assertIn("1 jump host", bad.stderr)
            stored = self.cli("secret", "--site", path, "--role", "prod", "--jump", "1",
                              input="bastion pass\n")
            self.assertEqual(stored.returncode, 0, stored.stderr)
            self.assertIn(f"root@{JUMP_IP}:22", stored.stdout + stored.stderr)
            p = self.cli("check", "--site", path)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        finally:
            self.lab.start_jump_sshd()

    def test_7_two_jump_hosts_in_a_row(self):
        inner_line = self.lab.start_inner_bastion()
        with open(self.jump_site) as f:
            site = json.load(f)
        first = site["hosts"]["prod"]["jump"]
        site["hosts"]["prod"]["jump"] = [first, dict(first, port=INNER_JUMP_PORT)]
        known = os.path.join(self.tmp.name, "known-two-hops")
        with open(known, "w") as f:
            f.write("".join(self.lab.known_hosts_lines()) + inner_line)
        site["knownHosts"] = known
        path = os.path.join(self.tmp.name, "two-hops.json")
        with open(path, "w") as f:
            json.dump(site, f)
        p = self.cli("check", "--site", path)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # Each hop saw the login come from the one before: the inner bastion from the first
        # (over its channel), the MyST host from the jump namespace's inner address.
        with open(os.path.join(self.lab.inner_dir, "sshd.log")) as f:
            self.assertRegex(f.read(), r"Accepted publickey for \S+ from 127\.0\.78\.2 ")
        # The inner bastion's key is checked too: a changed one is refused, naming it.
        with open(known, "w") as f:
            f.write("".join(self.lab.known_hosts_lines()) +
                    inner_line.split(" ")[0] + " " + self.lab.known_hosts_lines()[0].split(" ", 1)[1])
        p = self.cli("check", "--site", path)
        self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
        self.assertIn(f"{JUMP_IP}:{INNER_JUMP_PORT}", p.stdout + p.stderr)

    # --- helpers ---
    def cli_path(self):
        from clitest import CLI
        return CLI

    def snapshot_files(self):
        snap = self.snapshot()
        snap.pop("console")
        return snap


if __name__ == "__main__":
    unittest.main(verbosity=2)
