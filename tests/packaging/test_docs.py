#!/usr/bin/env python3
"""The man pages and the bash completion say what --help says (issue 19).

Reads `myst-upgrade --help` and every `myst-upgrade COMMAND --help` as a user would, then
checks that the built man page has a section for each command with each of its options, and
drives the built bash completion (COMP_WORDS, COMP_CWORD, the function `complete -p` names)
for commands, options, --approach's values, roles from the --site file and run IDs from
`myst-upgrade runs`. A command or option that --help shows and either of them lacks fails.

Environment: MYST_CLI (the built myst-upgrade), MYST_DOCS (the folder help2docs.py wrote).
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

CLI = os.environ["MYST_CLI"]
DOCS = os.environ["MYST_DOCS"]
COMPLETION = os.path.join(DOCS, "bash-completion", "myst-upgrade")
FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "journal-kinds-as-numbers.json")


def help_of(*args, env=None):
    p = subprocess.run([CLI, *args, "--help"], capture_output=True, text=True, env=env, timeout=30)
    assert p.returncode == 0, (args, p.returncode, p.stderr)
    return p.stdout


def commands_in_help():
    text = help_of()
    block = text.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines() if re.match(r"^  \S", line)]


def options_in_help(command):
    text = help_of(command)
    block = text.split("\nOptions:\n", 1)[1].split("\n\n", 1)[0]
    return [m.group(1) for m in re.finditer(r"^  (--[\w-]+)", block, re.M)]


class DocsMatchHelp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="myst-docs-")
        cls.env = dict(os.environ, XDG_STATE_HOME=os.path.join(cls.tmp, "state"))
        cls.commands = commands_in_help()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def complete(self, *words, env=None):
        """What the completion offers for the line `myst-upgrade WORDS…`, the last word being
        the one under the cursor."""
        script = ('source "$1"; shift; complete -p myst-upgrade; COMP_WORDS=("$@"); '
                  'COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _myst_upgrade; '
                  'printf "%s\\n" "${COMPREPLY[@]}"')
        p = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash", COMPLETION,
                            CLI, *words], capture_output=True, text=True,
                           env=env or self.env, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(lines[0], "complete -F _myst_upgrade myst-upgrade")
        return [l for l in lines[1:] if l]

    def test_the_help_is_complete(self):
        self.assertGreaterEqual(len(self.commands), 10, self.commands)
        for command in self.commands:
            with self.subTest(command=command):
                text = help_of(command)
                self.assertIn(f"Usage: myst-upgrade {command}", text)
                for option in options_in_help(command):
                    # every option has its text: the line goes on after the option itself
                    self.assertRegex(text, rf"(?m)^  {option}(?: \S+)?  +\S")

    def test_man_page_has_every_command_and_option(self):
        with open(os.path.join(DOCS, "man1", "myst-upgrade.1")) as f:
            page = f.read()
        for command in self.commands:
            with self.subTest(command=command):
                self.assertIn(f'.SS "{command}"', page)
                section = page.split(f'.SS "{command}"', 1)[1].split(".SS ", 1)[0]
                for option in options_in_help(command):
                    self.assertIn("\\fB" + option.replace("-", "\\-") + "\\fR", section)
        self.assertIn(".SH \"EXIT STATUS\"", page)
        p = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z",
                            os.path.join(DOCS, "man1", "myst-upgrade.1")],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.stderr, "", "groff warns about the man page")

    def test_wizard_man_page_names_its_options(self):
        with open(os.path.join(DOCS, "man1", "myst-upgrade-wizard.1")) as f:
            page = f.read()
        for option in ("--site", "--version", "--help"):
            self.assertIn("\\fB" + option.replace("-", "\\-") + "\\fR", page)
        self.assertIn("SITE", page.split(".SH ARGUMENTS", 1)[1])

    def test_completion_offers_every_command(self):
        offered = self.complete("")
        for command in self.commands:
            self.assertIn(command, offered)
        self.assertEqual(self.complete("ro"), ["rollback", "roles"])

    def test_completion_offers_each_commands_options(self):
        for command in self.commands:
            with self.subTest(command=command):
                self.assertEqual(sorted(self.complete(command, "--")),
                                 sorted(options_in_help(command)))

    def test_completion_offers_the_approaches(self):
        self.assertEqual(self.complete("plan", "--approach", ""),
                         ["in-place", "phased", "zero-downtime"])
        self.assertEqual(self.complete("plan", "--approach", "=", "ph"), ["phased"])

    def test_completion_offers_the_roles_of_the_site_file(self):
        site = os.path.join(self.tmp, "site.json")
        host = {"host": "myst.example.com", "user": "oracle", "auth": "agent",
                "mystHome": "/u01/myst-studio", "consoleUrl": "https://127.0.0.1:8443/"}
        with open(site, "w") as f:
            json.dump({"hosts": {"prod": host, "nonprod": dict(host, host="myst-test")}}, f)
        self.assertEqual(sorted(self.complete("upgrade", "--site", site, "--role", "")),
                         ["nonprod", "prod"])
        self.assertEqual(self.complete("check", "--site", "=", site, "--role", "n"), ["nonprod"])
        # no --site yet: nothing to offer, and no error
        self.assertEqual(self.complete("check", "--role", ""), [])

    def test_completion_offers_the_run_ids(self):
        runs = os.path.join(self.tmp, "state", "myst-upgrade", "runs")
        os.makedirs(runs, exist_ok=True)
        shutil.copy(FIXTURE, os.path.join(runs, "20261201-155724-7d23.json"))
        listed = subprocess.run([CLI, "runs"], capture_output=True, text=True, env=self.env)
        self.assertIn("20261201-155724-7d23", listed.stdout)
        self.assertEqual(self.complete("rollback", "--run", ""), ["20261201-155724-7d23"])
        empty = dict(self.env, XDG_STATE_HOME=os.path.join(self.tmp, "empty"))
        self.assertEqual(self.complete("rollback", "--run", "", env=empty), [])

    def test_completion_offers_files_for_the_site(self):
        open(os.path.join(self.tmp, "my site.json"), "w").close()
        self.assertEqual(self.complete("check", "--site", os.path.join(self.tmp, "my s")),
                         [os.path.join(self.tmp, "my site.json")])


class WizardCommandLine(unittest.TestCase):
    def test_both_programs_print_the_project_version(self):
        version = os.environ["MYST_VERSION"]
        # as from an SSH session: no display, no platform plugin chosen
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
        env["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="myst-version-")
        for program, name in ((CLI, "myst-upgrade"), (os.environ["MYST_WIZARD"],
                                                     "myst-upgrade-wizard")):
            p = subprocess.run([program, "--version"], capture_output=True, text=True, env=env,
                               timeout=30)
            self.assertEqual((p.returncode, p.stdout), (0, f"{name} {version}\n"))
        shutil.rmtree(env["XDG_STATE_HOME"], ignore_errors=True)

    def test_the_wizard_takes_one_site_file(self):
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
                   XDG_STATE_HOME=tempfile.mkdtemp(prefix="myst-wizard-"))
        p = subprocess.run([os.environ["MYST_WIZARD"], "a.json", "--site", "b.json"],
                           capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertIn("give one site file", p.stderr)
        shutil.rmtree(env["XDG_STATE_HOME"], ignore_errors=True)


    def test_an_unusable_site_file_is_said_so(self):
        tmp = tempfile.mkdtemp(prefix="myst-wizard-")
        site = os.path.join(tmp, "site.json")
        with open(site, "w") as f:
            f.write('{"hosts": {"prod": {"host": "x", "port": 99999}}}')
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_STATE_HOME=tmp)
        p = subprocess.Popen([os.environ["MYST_WIZARD"], site], stderr=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, env=env, text=True)
        try:
            line = ""
            deadline = time.monotonic() + 20
            while "not usable" not in line and time.monotonic() < deadline:
                line = p.stderr.readline()
                if not line and p.poll() is not None:
                    break
            self.assertIn(f"The site file {site} is not usable", line)
            self.assertIn("hosts.prod.port", p.stderr.readline())
            self.assertIsNone(p.poll(), "the wizard should stay open")
        finally:
            p.kill()
            p.wait()
            p.stderr.close()
        with open(site) as f:  # and the file is as it was
            self.assertIn("99999", f.read())
        shutil.rmtree(tmp, ignore_errors=True)


class DesktopFiles(unittest.TestCase):
    RESOURCES = os.path.join(os.path.dirname(__file__), "..", "..", "resources")

    def test_desktop_file_and_metainfo_validate(self):
        for command in (["desktop-file-validate", "myst-upgrade-wizard.desktop"],
                        # --no-net: the screenshot and home page URLs are not reachable here
                        ["appstreamcli", "validate", "--no-net", "--pedantic",
                         "org.example.myst_upgrade_wizard.metainfo.xml"]):
            p = subprocess.run(command, cwd=self.RESOURCES, capture_output=True, text=True,
                               timeout=60)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertNotIn("hint:", p.stdout + p.stderr)

    def test_icon_pngs_have_the_hicolor_sizes(self):
        import struct
        for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
            with open(os.path.join(self.RESOURCES, "icons", f"myst-upgrade-wizard-{size}.png"),
                      "rb") as f:
                head = f.read(24)
            self.assertEqual(head[:8], b"\x89PNG\r\n\x1a\n")
            self.assertEqual(struct.unpack(">II", head[16:24]), (size, size))


if __name__ == "__main__":
    unittest.main(verbosity=2)
