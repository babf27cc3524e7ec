#!/usr/bin/env python3
"""Issue 4 of 8: keyboard-interactive with a second factor, against a real sshd with PAM.

The simulated host's sshd runs a second time with `AuthenticationMethods keyboard-interactive`
and a PAM stack that asks for the password (pam_exec) and then a one-time code (pam_oath, TOTP),
in a private mount namespace so that the machine's own /etc/pam.d/sshd is left alone. The
password comes from the keychain (a real gnome-keyring: run-with-keyring.sh); the code is typed
on a terminal (a pty); nothing but the password is stored. Needs root."""
import json
import os
import pty
import select
import socket
import subprocess
import time
import unittest

from clitest import CLI, CliTestCase, drop_sshd_connections

PASSWORD = "correct horse battery"
OATH_SECRET = "3132333435363738393031323334353637383930"  # RFC 6238's test key, in hex


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipUnless(os.geteuid() == 0 and os.path.exists("/lib/x86_64-linux-gnu/security/pam_oath.so"),
                     "needs root and pam_oath (libpam-oath)")
class TwoFactorLogin(CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lab = os.path.join(cls.tmp.name, "pam")
        os.makedirs(lab)
        check = os.path.join(lab, "check-password")
        with open(check, "w") as f:
            f.write(f"#!/bin/sh\n[ \"$(tr -d '\\000')\" = '{PASSWORD}' ]\n")
        os.chmod(check, 0o755)
        users = os.path.join(lab, "users.oath")
        with open(users, "w") as f:
            f.write(f"HOTP/T30/6 root - {OATH_SECRET}\n")
        os.chmod(users, 0o600)
        pam = os.path.join(lab, "sshd.pam")
        with open(pam, "w") as f:
            f.write(f"""auth requisite pam_exec.so expose_authtok quiet {check}
auth required pam_oath.so usersfile={users} window=12 digits=6
account required pam_permit.so
session required pam_permit.so
""")
        ssh_dir = os.path.join(cls.dir, "prod", "ssh")
        cls.port = free_port()
        cls.pidfile = os.path.join(lab, "sshd.pid")
        cls.sshd_log = os.path.join(lab, "sshd.log")
        sshd = ["/usr/sbin/sshd", "-f", os.path.join(ssh_dir, "sshd_config"), "-E", cls.sshd_log,
                "-o", f"Port={cls.port}", "-o", f"PidFile={cls.pidfile}", "-o", "UsePAM=yes",
                "-o", "KbdInteractiveAuthentication=yes", "-o", "PasswordAuthentication=no",
                "-o", "PubkeyAuthentication=no", "-o", "PermitRootLogin=yes",
                "-o", "AuthenticationMethods=keyboard-interactive"]
        subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                        'mount --bind "$0" /etc/pam.d/sshd && exec "$@"', pam, *sshd], check=True)
        for _ in range(100):
            if os.path.exists(cls.pidfile):
                break
            time.sleep(0.05)
        site = json.loads(json.dumps(cls.site_json))
        host = site["hosts"]["prod"]
        host.update(port=cls.port, auth="password", user="root")
        host.pop("identity", None)
        with open(site["knownHosts"]) as f:
            key = f.read().split("\n")[0].split(" ", 1)[1]
        with open(site["knownHosts"], "a") as f:
            f.write(f"[127.0.0.1]:{cls.port} {key}\n")
        cls.otp_site = os.path.join(cls.tmp.name, "otp-site.json")
        with open(cls.otp_site, "w") as f:
            json.dump(site, f)

    @classmethod
    def tearDownClass(cls):
        try:
            with open(cls.pidfile) as f:
                os.kill(int(f.read().split()[0]), 15)
        except (OSError, ValueError):
            pass
        super().tearDownClass()

    def cli_on_a_terminal(self, *args, answer):
        """Runs the CLI with a pty as its terminal; types `answer()` at the one-time prompt."""
        master, slave = pty.openpty()
        env = dict(os.environ, XDG_STATE_HOME=self.state)
        proc = subprocess.Popen([CLI, *args], stdin=slave, stderr=slave, stdout=subprocess.PIPE,
                                env=env, text=True)
        os.close(slave)
        screen, answered = b"", False
        deadline = time.time() + 60
        while time.time() < deadline and proc.poll() is None:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    screen += os.read(master, 4096)
                except OSError:
                    break
            if not answered and b"One-time password" in screen:
                os.write(master, (answer() + "\n").encode())
                answered = True
        out = proc.communicate(timeout=60)[0]
        os.close(master)
        return proc.returncode, screen.decode(errors="replace"), out

    def test_4_a_reconnect_asks_for_a_new_code(self):
        """The connection drops mid-step; the server asks again, so the operator is asked again
        (with the next code: pam_oath refuses a code used once)."""
        self.assertEqual(self.cli("secret", "--site", self.otp_site, "--role", "prod",
                                  input=PASSWORD + "\n").returncode, 0)
        self.set_fault("start", "slow 6")
        master, slave = pty.openpty()
        env = dict(os.environ, XDG_STATE_HOME=self.state)
        proc = subprocess.Popen([CLI, "upgrade", "--site", self.otp_site, "--approach", "in-place",
                                 "--version", "2.0.0", "--yes", "--json"], stdin=slave,
                                stderr=slave, stdout=subprocess.PIPE, env=env, text=True)
        os.close(slave)
        screen, out, asked, dropped = b"", "", 0, False
        deadline = time.time() + 120
        try:
            while time.time() < deadline and proc.poll() is None:
                ready, _, _ = select.select([master, proc.stdout], [], [], 0.2)
                if master in ready:
                    try:
                        screen += os.read(master, 4096)
                    except OSError:
                        pass
                if proc.stdout in ready:
                    out += proc.stdout.readline()
                if screen.count(b"One-time password") > asked:
                    code = self.totp()
                    os.write(master, (code + "\n").encode())
                    asked += 1
                if "working slowly" in out and not dropped:
                    dropped = drop_sshd_connections(self.pidfile) > 0
            out += proc.communicate(timeout=60)[0]
        finally:
            os.close(master)
            self.set_fault("start", None)
        self.assertTrue(dropped)
        self.assertEqual(proc.returncode, 0, out[-2000:] + screen.decode(errors="replace")[-2000:])
        self.assertGreaterEqual(asked, 2)  # once to log in, again after the drop
        self.assertIn("[wizard] reconnected", out)
        self.assertEqual(self.cli("rollback", "--site", self.otp_site, "--last", "--yes",
                                  input="").returncode, 4)  # no terminal: the code cannot be asked
        # Put the host back through its key login, from the record the upgrade left there.
        p = self.cli("rollback", "--site", self.site, "--from-host", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    used_steps = 0

    def totp(self):
        """A fresh code: pam_oath refuses one used before, and one older than the last used, so
        each answer takes the next 30 s step (within the PAM window)."""
        step = TwoFactorLogin.used_steps
        TwoFactorLogin.used_steps += 1
        return subprocess.run(["oathtool", "--totp", "-N", f"now + {30 * step} seconds",
                               OATH_SECRET], capture_output=True, text=True,
                              check=True).stdout.strip()

    def test_1_without_a_terminal_the_code_cannot_be_asked(self):
        self.assertEqual(self.cli("secret", "--site", self.otp_site, "--role", "prod",
                                  input=PASSWORD + "\n").returncode, 0)
        p = self.cli("check", "--site", self.otp_site)
        self.assertEqual(p.returncode, 4, p.stdout + p.stderr)
        self.assertIn("One-time password", p.stdout + p.stderr)
        self.assertIn("not a terminal", p.stdout + p.stderr)

    def test_2_password_from_the_keychain_code_from_the_operator(self):
        self.assertEqual(self.cli("secret", "--site", self.otp_site, "--role", "prod",
                                  input=PASSWORD + "\n").returncode, 0)
        codes = []
        rc, screen, out = self.cli_on_a_terminal("check", "--site", self.otp_site,
                                                 answer=lambda: codes.append(self.totp()) or codes[-1])
        self.assertEqual(rc, 0, screen + out)
        self.assertIn("One-time password", screen)  # the code was asked for, on the terminal
        self.assertNotIn("Password:", screen)       # the password was not: the keychain had it
        self.assertNotIn(codes[0], screen)          # typed without echo
        # Stored: the password, under the host's id, and nothing else.
        items = subprocess.run(["secret-tool", "search", "--all", "--unlock", "user",
                                f"root@127.0.0.1:{self.port}"], capture_output=True, text=True)
        self.assertIn(PASSWORD, items.stdout)
        everything = subprocess.run(["secret-tool", "search", "--all", "--unlock", "xdg:schema",
                                     "org.qt.keychain"], capture_output=True, text=True).stdout
        self.assertNotIn(codes[0], everything)
        for root, _, names in os.walk(self.state):
            for n in names:
                with open(os.path.join(root, n), "rb") as f:
                    data = f.read()
                self.assertNotIn(codes[0].encode(), data, n)
                self.assertNotIn(PASSWORD.encode(), data, n)

    def test_3_a_wrong_code_fails_cleanly(self):
        rc, screen, out = self.cli_on_a_terminal("check", "--site", self.otp_site,
                                                 answer=lambda: "000000")
        self.assertEqual(rc, 4, screen + out)
        self.assertIn("Authentication failed", screen + out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
