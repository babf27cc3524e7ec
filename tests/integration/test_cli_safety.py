#!/usr/bin/env python3
"""Issue 13 (1 of 8), safety: what a review found, each end to end against the simulated host
(real sshd): host keys decided by the site's file alone, backups that cannot be overwritten,
processes that are not ours left alone, resume that runs only what the plan builders make,
advice that is safe to paste, remote bytes that cannot drive the terminal, private files."""
import glob
import hashlib
import json
import os
import pwd
import shlex
import shutil
import stat
import subprocess
import tempfile
import time
import unittest

from clitest import CLI, HOSTSIM as CLI_HOSTSIM, CliTestCase


# Under AddressSanitizer (packaging/run-sanitized.sh) memory is the sanitizer's: shadow memory
# and a quarantine of freed blocks. The bounds on RSS hold for the product as users run it.
SANITIZED = os.environ.get("MYST_SANITIZED") == "1"


def upgrade_until_stop_runs(test, site):
    """Starts an upgrade to 2.0.0 (the test has made stop.sh slow) and returns the running CLI
    once stop.sh has begun on the host."""
    env = dict(os.environ, XDG_STATE_HOME=test.state)
    proc = subprocess.Popen([CLI, "upgrade", "--site", site, "--approach", "in-place",
                             "--version", "2.0.0", "--yes", "--json"],
                            stdout=subprocess.PIPE, text=True, env=env, stdin=subprocess.DEVNULL)
    for line in proc.stdout:
        if json.loads(line).get("line") == "stop: working slowly...":
            break
    return proc


def newest_journal(test):
    runs = os.path.join(test.state, "myst-upgrade", "runs")
    return max((os.path.join(runs, n) for n in os.listdir(runs) if n.endswith(".json")),
               key=os.path.getmtime)


def sshd_log(test, role="prod"):
    with open(os.path.join(test.dir, role, "ssh", "sshd.log")) as f:
        return f.read()


class HostKeys(CliTestCase):
    """Item 1: ~/.ssh/config cannot switch host-key checking off."""

    def cli_with_ssh_config(self, config_text, *args):
        # libssh finds ~/.ssh/config through the passwd entry's home, not $HOME: give this run
        # a private home with a mount namespace, so the tester's own home is never touched.
        home = pwd.getpwuid(os.getuid()).pw_dir
        fake = tempfile.mkdtemp(dir=self.tmp.name)
        os.makedirs(os.path.join(fake, ".ssh"), mode=0o700)
        with open(os.path.join(fake, ".ssh", "config"), "w") as f:
            f.write(config_text)
        env = dict(os.environ, XDG_STATE_HOME=self.state)
        script = 'mount --bind "$1" "$2" && shift 2 && exec "$@"'
        return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                               script, "sh", fake, home, CLI, *args],
                              capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                              timeout=120)

    def site_using_config(self, known_hosts_text):
        known = os.path.join(self.tmp.name, "kh-%d" % len(os.listdir(self.tmp.name)))
        with open(known, "w") as f:
            f.write(known_hosts_text)
        site = json.loads(json.dumps(self.site_json))
        site["knownHosts"] = known
        site["hosts"]["prod"]["useSshConfig"] = True
        path = known + ".site.json"
        with open(path, "w") as f:
            json.dump(site, f)
        return path, known

    def other_key_line(self):
        key = os.path.join(self.tmp.name, "impostor")
        if not os.path.exists(key):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
        with open(key + ".pub") as f:
            pub = " ".join(f.read().split()[:2])
        port = self.site_json["hosts"]["prod"]["port"]
        return f"[127.0.0.1]:{port} {pub}\n"

    def test_changed_key_is_refused_whatever_ssh_config_says(self):
        config = ("Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n"
                  "  GlobalKnownHostsFile /dev/null\n")
        site, known = self.site_using_config(self.other_key_line())
        before = open(known).read()
        logins = sshd_log(self).count("Accepted publickey")
        p = self.cli_with_ssh_config(config, "upgrade", "--site", site, "--approach", "in-place",
                                     "--version", "2.0.0", "--yes")
        self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
        self.assertIn("CHANGED", p.stderr)
        self.assertEqual(open(known).read(), before, "known_hosts was changed")
        self.assertEqual(sshd_log(self).count("Accepted publickey"), logins,
                         "a login was sent to a host whose key changed")
        self.assertEqual(self.tagged_image(), self.image_id("registry.example.com/myst-studio:1.0.0"))

    def test_unknown_key_is_not_trusted_because_ssh_config_says_so(self):
        config = "Host *\n  StrictHostKeyChecking no\n"
        site, known = self.site_using_config("")
        logins = sshd_log(self).count("Accepted publickey")
        p = self.cli_with_ssh_config(config, "check", "--site", site)
        self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
        self.assertEqual(open(known).read(), "", "an unknown key was trusted silently")
        self.assertEqual(sshd_log(self).count("Accepted publickey"), logins)


class TrustAdvice(CliTestCase):
    """Item 7: advice that is safe to paste: `trust` with the fingerprint, quoted paths."""

    def site_in_an_awkward_folder(self):
        folder = os.path.join(self.tmp.name, "my sites $HOME; x")
        os.makedirs(folder, exist_ok=True)
        known = os.path.join(folder, "known hosts")
        open(known, "w").close()
        site = json.loads(json.dumps(self.site_json))
        site["knownHosts"] = known
        path = os.path.join(folder, "site (1).json")
        with open(path, "w") as f:
            json.dump(site, f)
        return path, known

    def test_unknown_key_advice_is_a_trust_command_that_works_as_pasted(self):
        site, known = self.site_in_an_awkward_folder()
        p = self.cli("check", "--site", site)
        self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
        self.assertNotIn("ssh-keyscan", p.stdout + p.stderr)
        line = next(l for l in p.stdout.splitlines() if "myst-upgrade trust" in l).strip()
        argv = shlex.split(line)  # as the operator's shell reads it
        self.assertEqual(argv[argv.index("--site") + 1], site)
        fingerprint = argv[argv.index("--fingerprint") + 1]
        self.assertTrue(fingerprint.startswith("SHA256:"), line)

        wrong = list(argv)
        wrong[argv.index("--fingerprint") + 1] = "SHA256:" + "A" * 43
        p = self.cli(*wrong[1:])
        self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
        self.assertIn(fingerprint, p.stderr)  # says which key the server offered
        self.assertEqual(open(known).read(), "", "a key with another fingerprint was added")

        p = self.cli(*argv[1:])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(len(open(known).read().splitlines()), 1)
        self.assertEqual(self.cli("check", "--site", site).returncode, 0)

    def test_trust_does_not_replace_a_changed_key(self):
        site, known = self.site_in_an_awkward_folder()
        port = self.site_json["hosts"]["prod"]["port"]
        key = os.path.join(self.tmp.name, "other")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
        with open(key + ".pub") as f, open(known, "w") as k:
            k.write(f"[127.0.0.1]:{port} " + " ".join(f.read().split()[:2]) + "\n")
        before = open(known).read()
        fingerprint = subprocess.run(
            ["ssh-keygen", "-lf", os.path.join(self.dir, "prod", "ssh", "ssh_host_ed25519_key.pub")],
            capture_output=True, text=True, check=True).stdout.split()[1]
        p = self.cli("trust", "--site", site, "--role", "prod", "--fingerprint", fingerprint)
        self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
        self.assertIn("CHANGED", p.stderr)
        self.assertEqual(open(known).read(), before)
        # The advice to remove the old key names the file quoted, so that it can be pasted.
        removal = p.stderr.split("remove the old key with: ")[1].split("\n")[0]
        argv = shlex.split(removal)
        self.assertEqual(argv[argv.index("-f") + 1], known)


class RemoteBytes(CliTestCase):
    """Item 8: remote escape sequences never reach the operator's terminal or the step log."""

    def test_escape_sequences_are_shown_as_plain_text(self):
        pull = os.path.join(self.home(), "bin", "pull.sh")
        with open(pull) as f:
            script = f.read()
        hostile = ("printf '\\033]0;owned\\007\\033[2J\\033[31mred\\033[0m pulling\\n'\n"
                   "printf '\\033]52;c;cm0gLXJmIH4=\\007careful\\n' >&2\n")
        with open(pull, "w") as f:
            f.write(script.replace("check_fault pull\n", "check_fault pull\n" + hostile, 1))
        p = self.cli("upgrade", "--site", self.site, "--approach", "in-place", "--version",
                     "2.0.0", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        for name, text in (("stdout", p.stdout), ("stderr", p.stderr)):
            for control in ("\x1b", "\x07", "\x9b"):
                self.assertNotIn(control, text, name)
        self.assertIn("red pulling", p.stdout)
        self.assertIn("careful", p.stdout)
        run_id = p.stdout.split()[1].rstrip(":")
        log = next(s["logFile"] for s in self.journal(run_id)["steps"] if s["id"] == "pull")
        with open(log, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("red pulling", text)
        self.assertNotIn("\x1b", text)
        self.assertNotIn("\x07", text)


class ForeignProcess(CliTestCase):
    """Item 3: a step's .pid file is not trusted: an unrelated process is never signalled."""

    def test_a_planted_pid_file_survives_rollback(self):
        path = self.site_with(stepTimeoutSeconds=4)  # the wait would kill after 4 s
        self.set_fault("stop", "slow 60")
        proc = upgrade_until_stop_runs(self, path)
        run_id = os.path.basename(newest_journal(self))[:-5]
        proc.kill()  # the laptop died mid-step
        proc.communicate(timeout=30)
        steps = os.path.join(self.home(), ".myst-upgrade", "runs", run_id)
        pid_file = next(os.path.join(steps, n) for n in os.listdir(steps)
                        if n.endswith("stop.pid"))
        with open(pid_file) as f:
            real = int(f.read().split()[0])
        os.killpg(real, 9)  # the step is gone without a status, as after a reboot
        self.set_fault("stop", None)
        # An unrelated daemon that happens to get the PID, planted as the step's process.
        bystander = subprocess.Popen(["setsid", "sleep", "300"])
        try:
            with open(pid_file, "w") as f:  # a PID reused after a reboot, as a file has it
                f.write(f"{bystander.pid}\n")
            p = self.cli("rollback", "--site", path, "--run", run_id, "--yes")
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIsNone(bystander.poll(), "an unrelated process was killed")
            self.assertIn("not waited for, nothing signalled", p.stdout)
            self.assertEqual(self.tagged_image(),
                             self.image_id("registry.example.com/myst-studio:1.0.0"))
        finally:
            bystander.kill()
            bystander.wait()



class DateNamedBackups(CliTestCase):
    """Item 2: a phased copy of production's backup never replaces non-production's own."""
    roles = "nonprod,prod"

    def sql(self, role, query):
        return subprocess.run(["sqlite3", os.path.join(self.home(role), "data", "myst.db"), query],
                              capture_output=True, text=True, check=True).stdout.strip()

    def test_copy_cannot_overwrite_nonprods_rollback_backup(self):
        for role in ("nonprod", "prod"):
            self.set_fault("backup-database", "datename", role)
        self.sql("nonprod", "INSERT INTO environments VALUES('SANDBOX', 'SOA 14.1.2')")
        nonprod_dump = self.db_dump("nonprod")
        p, events = self.cli_json("upgrade", "--site", self.site, "--approach", "phased",
                                  "--version", "2.0.0", "--copy-prod-data", "--keep-prod-copy",
                                  "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        run = self.journal(self.result_of(events)["runId"])
        own = run["records"]["nonprod"]["backupPath"]
        copied = run["records"]["nonprod"]["copiedBackupPath"]
        prod = run["records"]["prod"]["backupPath"]
        self.assertEqual(os.path.basename(own), os.path.basename(prod))  # the names collide
        self.assertNotEqual(copied, own)
        with open(own) as f:
            self.assertIn("SANDBOX", f.read(), "non-production's own backup was replaced")
        # ...so that rolling non-production back restores its own data, not production's.
        p = self.cli("rollback", "--site", self.site, "--run", run["runId"], "--role", "nonprod",
                     "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        self.assertEqual(self.db_dump("nonprod"), nonprod_dump)


class Retention(CliTestCase):
    """Item 10: a successful run removes what older runs left on the host, and says so."""
    roles = "nonprod,prod"

    def test_1_production_data_leaves_nonprod_once_restored(self):
        p, events = self.cli_json("upgrade", "--site", self.site, "--approach", "phased",
                                  "--version", "2.0.0", "--copy-prod-data", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        run = self.journal(self.result_of(events)["runId"])
        copied = run["records"]["nonprod"]["copiedBackupPath"]
        self.assertTrue(copied.startswith(self.home("nonprod") + "/backup/"), copied)
        self.assertFalse(os.path.exists(copied), "production's data stayed on non-production")
        lines = [e["line"] for e in events if e["event"] == "output"]
        self.assertIn(f"[cleanup] removed the copy of prod's backup, {copied}, from nonprod: "
                      "it is restored", lines)
        # Non-production's own backup, which its rollback needs, is still there.
        self.assertTrue(os.path.exists(run["records"]["nonprod"]["backupPath"]))

    def test_2_only_the_newest_runs_are_kept_on_the_host(self):
        path = self.site_with(keepRuns=2)
        make = os.path.join(os.path.dirname(CLI_HOSTSIM), "make-image-tar")
        runs_dir = os.path.join(self.home(), ".myst-upgrade", "runs")
        archives, run_ids = [], []
        for version in ("3.0.0", "3.1.0", "3.2.0"):
            tar = os.path.join(self.tmp.name, f"myst-studio-{version}.tar")
            subprocess.run([make, version, tar, "--layer-mb", "1"], check=True,
                           stdout=subprocess.DEVNULL)
            p, events = self.cli_json("upload", "--site", path, "--role", "prod", "--image-tar",
                                      tar, "--yes")
            self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
            run_ids.append(self.result_of(events)["runId"])
            archives.append(os.path.join(self.home(), "images", os.path.basename(tar)))
        self.assertEqual(sorted(os.listdir(runs_dir)), sorted(run_ids[1:]))
        self.assertFalse(os.path.exists(archives[0]))
        self.assertTrue(os.path.exists(archives[1]) and os.path.exists(archives[2]))
        lines = [e["line"] for e in events if e["event"] == "output"]
        self.assertIn(f"[cleanup] prod: removed {archives[0]} (older than the newest 2 runs)",
                      lines)
        self.assertIn(f"[cleanup] prod: removed {runs_dir}/{run_ids[0]} (older than the newest "
                      "2 runs)", lines)
        # The vendor's own backups are never touched.
        self.assertTrue(os.listdir(os.path.join(self.home(), "backup")))


class EditedJournal(CliTestCase):
    """Item 6: resume runs what the plan builders make, never a command read from a journal."""

    def test_resume_ignores_a_command_planted_in_the_journal(self):
        self.set_fault("stop", "slow 3")
        proc = upgrade_until_stop_runs(self, self.site)
        proc.kill()
        proc.communicate(timeout=30)
        self.set_fault("stop", None)
        path = newest_journal(self)
        with open(path) as f:
            journal = json.load(f)
        planted = os.path.join(self.tmp.name, "PLANTED")
        for step in journal["plan"]["steps"]:
            if step["id"] == "start":  # a plain absolute path passes every value check
                step["argv"] = ["/usr/bin/touch", planted]
        with open(path, "w") as f:
            json.dump(journal, f)

        p, events = self.cli_json("resume", "--site", self.site, "--last", "--yes")
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        self.assertFalse(os.path.exists(planted), "resume ran a command from the journal")
        started = {e["id"]: e["command"] for e in events if e["event"] == "step-started"}
        self.assertEqual(started["start"], f"cd -- {self.home()}/bin && ./start.sh")
        self.assertEqual(self.console_version(), "2.0.0")


class FloodingStep(CliTestCase):
    """Item 4: a step that prints without end cannot fill this computer's memory or disk."""

    def test_a_step_printing_60_mb_is_capped_in_memory_and_on_disk(self):
        path = self.site_with(stepLogMegabytes=4)
        pull = os.path.join(self.home(), "bin", "pull.sh")
        with open(pull) as f:
            script = f.read()
        flood = "yes 'Downloading layer 3f4e2a: [=====>     ] 12.3MB/98.1MB' | head -c 60M\necho\n"
        with open(pull, "w") as f:
            f.write(script.replace("check_fault pull\n", "check_fault pull\n" + flood, 1))
        # Peak RSS of the CLI alone: measured by a parent of its own.
        measure = ("import resource, subprocess, sys\n"
                   "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
                   "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        env = dict(os.environ, XDG_STATE_HOME=self.state)
        out = subprocess.run(["python3", "-c", measure, CLI, "upgrade", "--site", path,
                              "--approach", "in-place", "--version", "2.0.0", "--yes"],
                             capture_output=True, text=True, env=env, timeout=300)
        code, peak_kb = (int(x) for x in out.stdout.split())
        self.assertEqual(code, 0, out.stderr[-2000:])
        if not SANITIZED:
            self.assertLess(peak_kb / 1024, 100, "peak RSS of the CLI, MB")
        logs = sorted(glob.glob(os.path.join(self.state, "myst-upgrade", "runs", "*",
                                             "*-pull.log*")))
        self.assertEqual(len(logs), 2, logs)  # the log and its older half
        self.assertLessEqual(sum(os.path.getsize(f) for f in logs), 4 * 1024 * 1024 + 4096)
        with open(logs[0]) as f:
            head = f.readline()
        self.assertIn("was left out", head)  # says what was cut
        self.assertEqual(self.console_version(), "2.0.0")  # and the run itself went on


class HostileConsole(CliTestCase):
    """Item 4: a console page is read with a size cap; redirects stay on the console's host."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import http.server
        import threading

        class Console(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.server.server_address[0] == "127.0.0.2":  # somewhere else
                    body = b"<footer>MyST Studio 6.6.6</footer>"
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                elif self.path == "/elsewhere":
                    self.send_response(302)
                    self.send_header("Location", f"http://127.0.0.2:{cls.other_port}/")
                    self.end_headers()
                else:  # 300 MB of page, without a length
                    self.send_response(200)
                    self.end_headers()
                    chunk = b"<p>MyST Studio " + b"x" * 65536 + b"</p>\n"
                    try:
                        for _ in range(300 * 16):
                            self.wfile.write(chunk)
                    except OSError:
                        pass

            def log_message(self, *args):
                pass

        cls.servers = []
        for address in ("127.0.0.1", "127.0.0.2"):
            server = http.server.ThreadingHTTPServer((address, 0), Console)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            cls.servers.append(server)
        cls.port = cls.servers[0].server_address[1]
        cls.other_port = cls.servers[1].server_address[1]

    @classmethod
    def tearDownClass(cls):
        for server in cls.servers:
            server.shutdown()
        super().tearDownClass()

    def check_with_console(self, url):
        site = json.loads(json.dumps(self.site_json))
        site["hosts"]["prod"]["consoleUrl"] = url
        path = os.path.join(self.tmp.name, "console-site.json")
        with open(path, "w") as f:
            json.dump(site, f)
        measure = ("import resource, subprocess, sys\n"
                   "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
                   "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
                   "print(r.stdout)")
        env = dict(os.environ, XDG_STATE_HOME=self.state)
        out = subprocess.run(["python3", "-c", measure, CLI, "check", "--site", path, "--json"],
                             capture_output=True, text=True, env=env, timeout=120)
        peak_kb, _, rest = out.stdout.partition("\n")
        events = [json.loads(line) for line in rest.splitlines() if line.strip()]
        checks = {e["name"]: e for e in events if e["event"] == "check"}
        return int(peak_kb) / 1024, checks["console"]

    def test_a_huge_page_is_not_read_whole(self):
        peak_mb, console = self.check_with_console(f"http://127.0.0.1:{self.port}/")
        if not SANITIZED:
            self.assertLess(peak_mb, 100)
        self.assertEqual(console["level"], "fail")
        self.assertIn("larger than", console["message"])

    def test_a_redirect_to_another_host_is_not_followed(self):
        _, console = self.check_with_console(f"http://127.0.0.1:{self.port}/elsewhere")
        self.assertEqual(console["level"], "fail")
        self.assertNotIn("6.6.6", console["message"])
        self.assertIn("another host", console["message"])


class Permissions(CliTestCase):
    """Item 9: what the product writes is its owner's only, here and on the host; no core dumps."""

    def mode(self, path):
        return stat.S_IMODE(os.stat(path).st_mode)

    def test_files_and_folders_are_private(self):
        self.set_fault("stop", "slow 3")
        proc = upgrade_until_stop_runs(self, self.site)
        with open(f"/proc/{proc.pid}/limits") as f:  # while it holds what login needs
            core = next(l for l in f if l.startswith("Max core file size")).split()[4:6]
        self.assertEqual(core, ["0", "0"], "core dumps are possible")
        proc.stdout.read()
        self.assertEqual(proc.wait(timeout=120), 0)
        self.set_fault("stop", None)

        state = os.path.join(self.state, "myst-upgrade")
        self.assertEqual(self.mode(state), 0o700)
        self.assertEqual(self.mode(os.path.join(state, "runs")), 0o700)
        self.assertEqual(self.mode(os.path.join(state, "myst-upgrade.log")), 0o600)
        journals = glob.glob(os.path.join(state, "runs", "*.json"))
        self.assertTrue(journals)
        for path in journals + glob.glob(os.path.join(state, "runs", "*", "*.log")):
            self.assertEqual(self.mode(path), 0o600, path)
        for path in glob.glob(os.path.join(state, "runs", "*", "")):
            self.assertEqual(self.mode(path), 0o700, path)
        remote = os.path.join(self.home(), ".myst-upgrade")
        for path in [remote, os.path.join(remote, "runs")] + glob.glob(
                os.path.join(remote, "runs", "*", "")):
            self.assertEqual(self.mode(path), 0o700, path)

    def test_a_known_hosts_folder_it_creates_is_private(self):
        folder = os.path.join(self.tmp.name, "new-ssh-folder")
        site = json.loads(json.dumps(self.site_json))
        site["knownHosts"] = os.path.join(folder, "known_hosts")
        path = os.path.join(self.tmp.name, "new-folder-site.json")
        with open(path, "w") as f:
            json.dump(site, f)
        fingerprint = subprocess.run(
            ["ssh-keygen", "-lf", os.path.join(self.dir, "prod", "ssh", "ssh_host_ed25519_key.pub")],
            capture_output=True, text=True, check=True).stdout.split()[1]
        p = self.cli("trust", "--site", path, "--role", "prod", "--fingerprint", fingerprint)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.mode(folder), 0o700)
        self.assertEqual(self.mode(os.path.join(folder, "known_hosts")), 0o600)


if __name__ == "__main__":
    unittest.main(verbosity=2)
