"""Shared fixture for the myst-upgrade end-to-end tests: simulated hosts (real sshd), the real
CLI binary, a private state folder, and helpers that read the hosts as an operator would."""
import hashlib
import json
import os
import subprocess
import tempfile
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTSIM = os.path.join(HERE, "..", "hostsim", "hostsim")
CLI = os.environ.get("MYST_CLI", os.path.join(HERE, "..", "..", "build", "app", "myst-upgrade"))


def drop_sshd_connections(pidfile):
    """Kills what the sshd whose listener is in `pidfile` forked for its connections (and their
    children), not the listener: a dropped network, as the host sees it. Returns how many."""
    with open(pidfile) as f:
        listener = f.read().split()[0]
    children = subprocess.run(["pgrep", "-P", listener], capture_output=True,
                              text=True).stdout.split()
    for child in children:
        subprocess.run(["pkill", "-KILL", "-P", child])
        subprocess.run(["kill", "-KILL", child])
    return len(children)


class CliTestCase(unittest.TestCase):
    roles = "prod"

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = os.path.join(cls.tmp.name, "sim")
        subprocess.run([HOSTSIM, "up", cls.dir, "--roles", cls.roles], check=True,
                       stdout=subprocess.DEVNULL)
        cls.site = os.path.join(cls.dir, "site.json")
        with open(cls.site) as f:
            cls.site_json = json.load(f)
        cls.state = os.path.join(cls.tmp.name, "state")

    @classmethod
    def tearDownClass(cls):
        subprocess.run([HOSTSIM, "down", cls.dir], check=False)
        cls.tmp.cleanup()

    # --- running the CLI ---
    def cli(self, *args, input=None):
        env = dict(os.environ, XDG_STATE_HOME=self.state)
        return subprocess.run([CLI, *args], capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL if input is None else None, input=input,
                              timeout=300)

    def cli_json(self, *args):
        p = self.cli(*args, "--json")
        events = [json.loads(line) for line in p.stdout.splitlines()]  # every line parses
        return p, events

    def site_with(self, **settings):
        """A copy of the site file with these settings, as a path."""
        with open(self.site) as f:
            site = json.load(f)
        site["settings"] = settings
        path = os.path.join(self.tmp.name, "site-%d.json" % len(os.listdir(self.tmp.name)))
        with open(path, "w") as f:
            json.dump(site, f)
        return path

    def site_with_prod(self, **fields):
        """A copy of the site file whose prod host has these fields too, as a path."""
        with open(self.site) as f:
            site = json.load(f)
        site["hosts"] = {"prod": dict(site["hosts"]["prod"], **fields)}
        path = os.path.join(self.tmp.name, "site-%d.json" % len(os.listdir(self.tmp.name)))
        with open(path, "w") as f:
            json.dump(site, f)
        return path

    # --- reading a host as the operator would ---
    def home(self, role="prod"):
        return self.site_json["hosts"][role]["mystHome"]

    def docker(self, role, *args):
        env = dict(os.environ, MYST_HOME=self.home(role))
        return subprocess.run([os.path.join(self.home(role), "..", "fakebin", "docker"), *args],
                              capture_output=True, text=True, env=env)

    def tagged_image(self, role="prod"):
        return self.docker(role, "image", "inspect", "myst-studio", "--format", "{{.Id}}").stdout.strip()

    def image_id(self, ref, role="prod"):
        return self.docker(role, "image", "inspect", ref, "--format", "{{.Id}}").stdout.strip()

    def db_dump(self, role="prod"):
        return subprocess.run(["sqlite3", os.path.join(self.home(role), "data", "myst.db"), ".dump"],
                              capture_output=True, text=True, check=True).stdout

    def schema_version(self, role="prod"):
        return subprocess.run(["sqlite3", os.path.join(self.home(role), "data", "myst.db"),
                               "SELECT version FROM schema_version"],
                              capture_output=True, text=True, check=True).stdout.strip()

    def console_version(self, role="prod"):
        try:
            with urllib.request.urlopen(self.site_json["hosts"][role]["consoleUrl"], timeout=5) as r:
                page = r.read().decode()
        except OSError:
            return None
        return page.split('class="version">MyST Studio ')[1].split("<")[0]

    def snapshot(self, role="prod"):
        """Everything a bad command must leave alone: image tags, database, files, service."""
        files = {}
        for root, _, names in os.walk(self.home(role)):
            for n in names:
                p = os.path.join(root, n)
                if "/logs/" in p or p.endswith("console.log"):
                    continue
                with open(p, "rb") as f:
                    files[os.path.relpath(p, self.home(role))] = hashlib.sha256(f.read()).hexdigest()
        return {"tag": self.tagged_image(role), "db": self.db_dump(role), "files": files,
                "console": self.console_version(role)}

    def set_fault(self, script, fault, role="prod"):
        path = os.path.join(self.home(role), "faults", script)
        if fault:
            with open(path, "w") as f:
                f.write(fault + "\n")
        elif os.path.exists(path):
            os.remove(path)

    def journal(self, run_id):
        with open(os.path.join(self.state, "myst-upgrade", "runs", run_id + ".json")) as f:
            return json.load(f)

    def started_steps(self, events):
        """The ids of the steps a run started, in order, from its --json events."""
        return [e["id"] for e in events if e["event"] == "step-started"]

    def result_of(self, events):
        results = [e for e in events if e["event"] == "result"]
        self.assertEqual(len(results), 1, events[-3:])
        return results[0]
