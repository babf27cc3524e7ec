"""What an operator would check on a host (`realhost state`): the console, the database as
stored, the images and containers."""
import hashlib
import json
import os
import re
import sys

from .common import CONSOLE_URL, HOST_HOME, version_key
from .lab import inside, load_record, ns_pid


# ---------------------------------------------------------------- state and helpers

def console_version(rec):
    code, page, _ = inside(rec, "curl", "-ksL", "--max-time", "5", CONSOLE_URL, check=False, timeout=20)
    m = re.search(r"MyST Studio v([0-9A-Za-z][0-9A-Za-z._-]*)", page) if code == 0 else None
    return m.group(1) if m else None


def env_of(rec):
    env = {}
    try:
        with open(os.path.join(rec["dir"], "home", "etc", "myst.env")) as f:
            for line in f:
                if "=" in line and not line.startswith("#"):
                    k, v = line.rstrip("\n").split("=", 1)
                    env[k] = v
    except FileNotFoundError:
        pass
    return env


def split_row(row):
    fields, cur, q, i = [], "", "", 0
    while i < len(row):
        c = row[i]
        if q:
            cur += c
            if c == "\\":
                i += 1
                cur += row[i] if i < len(row) else ""
            elif c == q:
                q = ""
        elif c in "'\"":
            q = c
            cur += c
        elif c == ",":
            fields.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    fields.append(cur.strip())
    return [f[1:-1].replace("\\'", "'") if f[:1] == "'" and f[-1:] == "'" else f for f in fields]


def database(rec):
    """The database as files (read from the main namespace): (schema version, dump text)."""
    d = os.path.join(rec["dir"], "home", "data", "myst")
    if not os.path.isdir(d):
        return None, ""
    parts, version = [], None
    for name in sorted(os.listdir(d)):
        if name.endswith((".frm", ".ibd")):
            with open(os.path.join(d, name), errors="replace") as f:
                parts.append(f"-- {name}\n{f.read()}")
    try:
        with open(os.path.join(d, "schema_version.ibd")) as f:
            applied = [split_row(line.rstrip("\n")) for line in f if line.strip()]
        ok = [r[1] for r in applied if len(r) >= 10 and r[9] == "1"]
        version = max(ok, key=version_key) if ok else None
    except FileNotFoundError:
        pass
    return version, "".join(parts)


def state(args):
    base = os.path.abspath(args.dir)
    rec = load_record(base, args.role)
    running = ns_pid(rec) is not None
    result = {"role": args.role, "hostRunning": running, "taggedImage": None, "runningImage": None,
              "consoleVersion": None, "dbVersion": None, "dbDump": "", "dbDumpSha256": None,
              "readOnly": False, "webRunning": False, "dbRunning": False, "images": [], "backups": []}
    result["dbVersion"], result["dbDump"] = database(rec)
    result["dbDumpSha256"] = hashlib.sha256(result["dbDump"].encode()).hexdigest()
    backup = os.path.join(rec["dir"], "home", "backup")
    if os.path.isdir(backup):
        result["backups"] = sorted(f"{HOST_HOME}/backup/{n}" for n in os.listdir(backup))
    if running:
        code, out, _ = inside(rec, "docker", "image", "inspect", "myst-studio", "--format", "{{.Id}}", check=False)
        result["taggedImage"] = out.strip() if code == 0 else None
        for name, key in (("myststudio_web", "webRunning"), ("myststudio_db", "dbRunning")):
            code, out, _ = inside(rec, "docker", "inspect", name, "--format", "{{.State.Running}} {{.Image}}", check=False)
            if code == 0 and out.split()[0] == "true":
                result[key] = True
                if name == "myststudio_web":
                    result["runningImage"] = out.split()[1]
        code, out, _ = inside(rec, "docker", "image", "ls", "--no-trunc", "--format",
                              "{{.Repository}}:{{.Tag}} {{.ID}}", check=False)
        result["images"] = sorted(({"ref": line.split()[0], "id": line.split()[1]}
                                   for line in out.splitlines() if line.strip()), key=lambda i: i["ref"])
        result["consoleVersion"] = console_version(rec)
        if result["dbRunning"]:
            code, out, _ = inside(rec, "docker", "exec", "myststudio_db", "mysql", "-uroot",
                                  "-p" + env_of(rec).get("MYSQL_ROOT_PASSWORD", ""), "-N", "-e",
                                  "SELECT @@global.read_only", check=False)
            result["readOnly"] = code == 0 and out.strip() == "1"
    json.dump(result, sys.stdout, indent=2)
    print()
