#!/usr/bin/env python3
"""Writes the man pages and the bash completion from the programs' own --help.

Run at build time on the built executables (resources/CMakeLists.txt), so that a command or
option added to the command table (app/cli/CommandTable.cpp) appears in the manual and the
completion without any edit here:

    help2docs.py --cli build/app/myst-upgrade --wizard build/app/myst-upgrade-wizard \
                 --version 0.1.0 --out build/resources/generated

Writes man1/myst-upgrade.1.gz, man1/myst-upgrade-wizard.1.gz (and the plain .1 beside them)
and bash-completion/myst-upgrade. `--check` reads them back instead and says what differs from
what --help says now (the CTest test DocsMatchHelp).
"""
import argparse
import datetime
import gzip
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# An option line: two spaces, the option (and its argument), two or more spaces, what it does.
# Both our own format ("--site SITE") and QCommandLineParser's ("-h, --help", "--site <SITE>").
OPTION = re.compile(r"^  ((?:-\w, )?--[\w-]+(?: <?[^\s>]+>?)?)\s{2,}(\S.*)$")
ENTRY = re.compile(r"^  (\S+)\s{2,}(\S.*)$")


def run_help(program, *args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    # --help must not leave a state folder in the builder's home.
    env.setdefault("XDG_STATE_HOME", os.path.join(os.getcwd(), "help2docs-state"))
    out = subprocess.run([program, *args], capture_output=True, text=True, env=env, timeout=60)
    if out.returncode != 0:
        sys.exit(f"help2docs: {program} {' '.join(args)} exited {out.returncode}: {out.stderr}")
    return out.stdout


def sections(text):
    """A help text as [(heading or None, [lines])]: a line ending in ':' opens a section."""
    result = [(None, [])]
    for line in text.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            result.append((line[:-1], []))
        else:
            result[-1][1].append(line)
    return result


def entries(lines, pattern):
    """[(label, description)] from indented lines, continuation lines joined."""
    found = []
    for line in lines:
        m = pattern.match(line)
        if m:
            found.append([m.group(1), m.group(2).strip()])
        elif line.startswith("   ") and found:
            found[-1][1] += " " + line.strip()
    return [tuple(e) for e in found]


def paragraphs(lines):
    text = "\n".join(lines).strip()
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def parse_cli(cli):
    top = sections(run_help(cli, "--help"))
    found = {"usage": [], "description": [], "commands": [], "common": [], "alone": [],
             "exit": [], "notes": []}
    for heading, lines in top:
        if heading is None:
            body = paragraphs(lines)
            found["usage"] = [l.strip() for l in lines if l.strip().startswith(("Usage:", "myst-upgrade"))]
            found["description"] = [p for p in body if not p.startswith("Usage:")]
        elif heading == "Commands":
            found["commands"] = entries(lines, ENTRY)
        elif heading == "Options of every command":
            found["common"] = entries(lines, OPTION)
            found["notes"] += [p for p in paragraphs([l for l in lines if not OPTION.match(l) and not l.startswith("   ")])]
        elif heading == "Without a command":
            found["alone"] = entries(lines, OPTION)
            found["notes"] += paragraphs([l for l in lines if not OPTION.match(l) and not l.startswith("   ")])
        elif heading == "Exit status":
            found["exit"] = entries(lines, re.compile(r"^  (\d+)\s+(\S.*)$"))
            found["notes"] += paragraphs([l for l in lines if not l.startswith("  ")])
    found["details"] = {}
    for name, _summary in found["commands"]:
        found["details"][name] = parse_command(run_help(cli, name, "--help"))
    return found


def parse_command(text):
    parts = sections(text)
    head = paragraphs(parts[0][1])
    command = {"synopsis": head[0].removeprefix("Usage: "), "summary": " ".join(head[1:]),
               "options": [], "details": []}
    for heading, lines in parts[1:]:
        if heading == "Options":
            command["options"] = entries(lines, OPTION)
            command["details"] = paragraphs([l for l in lines if not l.startswith("  ")])
    return command


def parse_wizard(wizard):
    parts = sections(run_help(wizard, "--help"))
    # QCommandLineParser: the usage line, then the description without a blank line between.
    usage, *description = parts[0][1]
    found = {"synopsis": usage.removeprefix("Usage: "), "description": paragraphs(description),
             "options": [], "arguments": []}
    for heading, lines in parts[1:]:
        if heading == "Options":
            found["options"] = entries(lines, OPTION)
        elif heading == "Arguments":
            found["arguments"] = entries(lines, ENTRY)
    return found


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-").replace("`", "\\(aq").replace("'", "\\(aq")
    return re.sub(r"^([.'])", r"\\&\1", text)


def roff_option(label):
    # --site SITE → \fB\-\-site\fR \fISITE\fR; -h, --help → bold both
    parts = label.split(" ")
    out = []
    for p in parts:
        p = p.strip("<>") if p.startswith("<") else p
        out.append(f"\\fB{roff(p)}\\fR" if p.startswith("-") else f"\\fI{roff(p)}\\fR")
    return " ".join(out)


def roff_synopsis(program, synopsis):
    words = synopsis.split()
    if words and os.path.basename(words[0]) == program:
        words = words[1:]
    out = []
    for w in words:
        # options bold, placeholders (SITE, ROLE, …) italic, the brackets as they are
        parts = re.split(r"(--?[\w-]+|\b[A-Z][A-Z_]+\b)", w)
        out.append("".join(
            f"\\fB{roff(p)}\\fR" if p.startswith("-") and len(p) > 1 else
            f"\\fI{roff(p)}\\fR" if re.fullmatch(r"[A-Z][A-Z_]+", p) else roff(p)
            for p in parts if p))
    return f".B {program}\n" + " ".join(out) + "\n"


def header(name, version, summary):
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch \
        else datetime.datetime.now(datetime.timezone.utc)
    return (f'.\\" Generated by resources/help2docs.py from {name} --help; do not edit.\n'
            f'.TH {name.upper()} 1 "{when:%Y-%m-%d}" "{name} {version}" "User Commands"\n'
            f".SH NAME\n{name} \\- {roff(summary)}\n")


STATE = (".SH FILES\n.TP\n\\fI$XDG_STATE_HOME/myst\\-upgrade/\\fR\n"
         "The journal of runs, step logs and the application log (default "
         "\\fI~/.local/state/myst\\-upgrade/\\fR), private to the user.\n"
         ".SH ENVIRONMENT\n.TP\n\\fBXDG_STATE_HOME\\fR\nWhere the state folder is.\n")


def cli_manpage(cli, version):
    page = header("myst-upgrade", version, "upgrade and roll back MyST Studio over SSH")
    page += ".SH SYNOPSIS\n"
    for i, line in enumerate(cli["usage"]):
        page += (".br\n" if i else "") + roff_synopsis("myst-upgrade", line.removeprefix("Usage: "))
    page += ".SH DESCRIPTION\n" + "".join(f".PP\n{roff(p)}\n" for p in cli["description"])
    page += ".SH COMMANDS\n"
    for name, summary in cli["commands"]:
        c = cli["details"][name]
        page += f'.SS "{roff(name)}"\n' + roff_synopsis("myst-upgrade", c["synopsis"])
        page += f".PP\n{roff(c['summary'])}\n"
        for label, text in c["options"]:
            page += f".TP\n{roff_option(label)}\n{roff(text)}\n"
        page += "".join(f".PP\n{roff(p)}\n" for p in c["details"])
    page += ".SH OPTIONS\nEvery command takes:\n"
    page += "".join(f".TP\n{roff_option(l)}\n{roff(t)}\n" for l, t in cli["common"])
    page += ".PP\nWithout a command:\n"
    page += "".join(f".TP\n{roff_option(l)}\n{roff(t)}\n" for l, t in cli["alone"])
    page += "".join(f".PP\n{roff(p)}\n" for p in cli["notes"])
    page += '.SH "EXIT STATUS"\n' + "".join(f".TP\n\\fB{c}\\fR\n{roff(t)}\n" for c, t in cli["exit"])
    page += STATE
    page += '.SH "SEE ALSO"\n\\fBmyst\\-upgrade\\-wizard\\fR(1)\n'
    return page


def wizard_manpage(wizard, version):
    page = header("myst-upgrade-wizard", version, "the MyST Studio upgrade wizard (Qt)")
    page += ".SH SYNOPSIS\n" + roff_synopsis("myst-upgrade-wizard", wizard["synopsis"])
    page += ".SH DESCRIPTION\n" + "".join(f".PP\n{roff(p)}\n" for p in wizard["description"])
    page += ".SH OPTIONS\n" + "".join(f".TP\n{roff_option(l)}\n{roff(t)}\n" for l, t in wizard["options"])
    page += ".SH ARGUMENTS\n" + "".join(f".TP\n\\fI{roff(l)}\\fR\n{roff(t)}\n" for l, t in wizard["arguments"])
    page += STATE
    page += '.SH "SEE ALSO"\n\\fBmyst\\-upgrade\\fR(1)\n'
    return page


def completion(cli):
    """The bash completion: the template, with the commands and their options filled in."""
    lines = [f"_myst_upgrade_commands='{' '.join(n for n, _ in cli['commands'])}'"]
    arguments = {}
    choices = {}
    common = [l.split()[0] for l, _ in cli["common"]]
    for name, _ in cli["commands"]:
        opts = []
        for label, text in cli["details"][name]["options"]:
            parts = label.split()
            opts.append(parts[0])
            if len(parts) > 1:
                arguments[parts[0]] = parts[1]
            m = re.search(r"One of: ([^.]+)\.", text)
            if m:
                choices[parts[0]] = m.group(1).replace(",", " ")
        key = name.replace("-", "_")
        lines.append(f"_myst_upgrade_options_{key}='{' '.join(dict.fromkeys(opts + common))}'")
    lines.append("_myst_upgrade_argument() {\n    case \"$1\" in")
    for opt in sorted(arguments):
        lines.append(f"    {opt}) echo '{arguments[opt]}' ;;")
    lines.append("    esac\n}")
    lines.append("_myst_upgrade_choices() {\n    case \"$1\" in")
    for opt in sorted(choices):
        lines.append(f"    {opt}) echo '{' '.join(choices[opt].split())}' ;;")
    lines.append("    esac\n}")
    with open(os.path.join(HERE, "myst-upgrade.bash-completion.in")) as f:
        template = f.read()
    return template.replace("@GENERATED@", "\n".join(lines))


def outputs(cli_path, wizard_path, version):
    cli = parse_cli(cli_path)
    missing = [n for n, _ in cli["commands"] if not cli["details"][n]["options"]]
    if not cli["commands"]:
        sys.exit("help2docs: found no commands in myst-upgrade --help")
    if missing:
        sys.exit(f"help2docs: no options in --help of: {', '.join(missing)}")
    return {
        "man1/myst-upgrade.1": cli_manpage(cli, version),
        "man1/myst-upgrade-wizard.1": wizard_manpage(parse_wizard(wizard_path), version),
        "bash-completion/myst-upgrade": completion(cli),
    }


def without_date(text):
    return re.sub(r'^\.TH (\S+) 1 "[^"]*"', r".TH \1 1", text, flags=re.M)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", required=True)
    parser.add_argument("--wizard", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--check", action="store_true",
                        help="compare what is in --out with what --help says now")
    args = parser.parse_args()
    stale = []
    for name, text in outputs(args.cli, args.wizard, args.version).items():
        path = os.path.join(args.out, name)
        if args.check:
            try:
                with open(path) as f:
                    if without_date(f.read()) != without_date(text):
                        stale.append(path)
            except FileNotFoundError:
                stale.append(path)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        if name.startswith("man1/"):
            # gzip -9n: no name or time inside, so the package builds the same each time.
            with open(path + ".gz", "wb") as packed:
                with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=packed,
                                   mtime=0) as z:
                    z.write(text.encode())
    if stale:
        sys.exit("help2docs: not what --help says now: " + ", ".join(stale))


if __name__ == "__main__":
    main()
