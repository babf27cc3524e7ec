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


# Inside the database container, with its own root password: @@global.read_only, the schema's
# applied versions, then each table of the schema as it is (SHOW CREATE TABLE without the
# AUTO_INCREMENT counter) and its rows (an InnoDB scan: primary key order), in table order.
# A canonical text of the content: two servers, or a dump restored, give the same text for
# the same data, whatever their files or a dump's dates say.
CANONICAL = r"""export MYSQL_PWD="$MYSQL_ROOT_PASSWORD"
q() { mysql -uroot -N -B -r "$@"; }
echo "#readonly $(q -e 'SELECT @@global.read_only')"
tables=$(q -e "SELECT table_name FROM information_schema.tables WHERE table_schema = 'myst' \
               AND table_type = 'BASE TABLE' ORDER BY table_name") || exit 1
for t in $tables; do
    if [ "$t" = schema_version ]; then
        echo "#versions $(q -e 'SELECT version FROM myst.schema_version WHERE success = 1' | tr '\n' ' ')"
    fi
    echo "-- $t.frm"
    q -e "SHOW CREATE TABLE myst.\`$t\`" | awk 'NR == 1 { sub(/^[^\t]*\t/, "") }
        { gsub(/ AUTO_INCREMENT=[0-9]+/, ""); print }'
    echo "-- $t.ibd"
    q -e "SELECT * FROM myst.\`$t\`"
done
"""


def database(rec):
    """The database as the server has it: (read_only, schema version, canonical text), or
    (False, None, "") when its container does not answer."""
    code, out, _ = inside(rec, "docker", "exec", "myststudio_db", "sh", "-c", CANONICAL, check=False, timeout=60)
    if code != 0 or not out.startswith("#readonly "):
        return False, None, ""
    lines = out.splitlines(keepends=True)
    read_only = lines[0].split()[1:] == ["1"]
    versions, dump = [], []
    for line in lines[1:]:
        if line.startswith("#versions"):
            versions = line.split()[1:]
        else:
            dump.append(line)
    return read_only, (max(versions, key=version_key) if versions else None), "".join(dump)


def state(args):
    base = os.path.abspath(args.dir)
    rec = load_record(base, args.role)
    running = ns_pid(rec) is not None
    result = {"role": args.role, "hostRunning": running, "taggedImage": None, "runningImage": None,
              "consoleVersion": None, "dbVersion": None, "dbDump": "", "dbDumpSha256": None,
              "readOnly": False, "webRunning": False, "dbRunning": False, "images": [], "backups": []}
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
            result["readOnly"], result["dbVersion"], result["dbDump"] = database(rec)
    result["dbDumpSha256"] = hashlib.sha256(result["dbDump"].encode()).hexdigest()
    json.dump(result, sys.stdout, indent=2)
    print()
