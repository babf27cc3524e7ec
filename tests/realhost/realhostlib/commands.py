"""The commands of `realhost` (see its docstring): up, down, state, exec, ssh, fault, path,
publish, powercycle, and the internal _init."""
import argparse
import json
import os
import re
import shutil
import signal
import sys
import threading
import time

from .common import (CLEAN_ENV, CONSOLE_URL, DEFAULT_VERSIONS, HOST_HOME, ROLE_RE, VERSION_RE, Fail,
                     run, version_key, write)
from .host import down_role, install_host, start_host
from .hostinit import host_init
from .hoststate import state
from .image import ensure_cache, mariadb_missing, publish_links
from .power import containers_exited, powercycle
from .lab import (claim_mountpoint, inside, inside_cmd, load_record, ns_pid, release_mountpoint,
                  roles_in, ssh_cmd)


def up(args):
    base = os.path.abspath(args.dir)
    roles = [r for r in args.roles.split(",") if r]
    if not roles or len(set(roles)) != len(roles) or not all(ROLE_RE.match(r) for r in roles):
        raise Fail(f"bad --roles {args.roles!r}")
    sudo_on = set(roles[:1]) if args.sudo_on is None else set(filter(None, args.sudo_on.split(",")))
    import_on = set(roles[:1]) if args.import_on is None else set(filter(None, args.import_on.split(",")))
    versions = DEFAULT_VERSIONS if args.registry is None else [v for v in args.registry.split(",") if v]
    versions = sorted(set(versions) | {args.version}, key=version_key)
    for v in versions:
        if not VERSION_RE.match(v):
            raise Fail(f"bad version {v!r}")
    if os.geteuid() != 0:
        raise Fail("realhost needs root (namespaces, users, dockerd)")
    for tool in ("dockerd", "sshd", "sudo", "busybox", "openssl", "nsenter", "unshare", "ip", "curl"):
        if not shutil.which(tool, path="/usr/sbin:/usr/bin:/sbin:/bin"):
            raise Fail(f"{tool} is missing: apt-get install -y docker.io sudo busybox-static openssl "
                       "openssh-server openssh-client curl iproute2 util-linux")
    if mariadb_missing():
        raise Fail(f"{', '.join(mariadb_missing())} missing: apt-get install -y mariadb-server mariadb-client "
                   "(the hosts' database is Debian's MariaDB; packaging/install-deps.sh keeps its service off)")
    if not os.path.exists("/usr/bin/docker"):
        raise Fail("/usr/bin/docker is missing: apt-get install -y docker.io")
    for role in roles_in(base):
        if ns_pid(load_record(base, role)):
            raise Fail(f"{base} already has running hosts; run `realhost down {base}` first")
    if roles_in(base):
        down_dir(base)  # what an earlier, interrupted up or down left behind
    os.makedirs(base, exist_ok=True)
    t0 = time.monotonic()
    client_key = os.path.join(base, "client_key")
    if not os.path.exists(client_key):
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "realhost-client", "-f", client_key)
    os.chmod(client_key, 0o600)
    claim_mountpoint(base)
    timings = {}
    try:
        recs, errors = {}, []

        def each(fn, items):
            threads = []
            for item in items:
                def body(item=item):
                    try:
                        fn(item)
                    except Exception as e:  # noqa: BLE001 - reported below
                        errors.append(e)
                threads.append(threading.Thread(target=body))
                threads[-1].start()
            for t in threads:
                t.join()
            if errors:
                raise errors[0]

        each(lambda r: recs.__setitem__(r, start_host(base, r, roles.index(r), r in sudo_on, r in import_on)),
             roles)
        timings["hosts"] = time.monotonic() - t0
        known = "".join(f"[127.0.0.1]:{recs[r]['port']} " +
                        " ".join(open(os.path.join(recs[r]["dir"], "ssh", "ssh_host_ed25519_key.pub")).read().split()[:2]) +
                        "\n" for r in roles)
        write(os.path.join(base, "known_hosts"), known)
        cdir = ensure_cache(recs[roles[0]], versions)
        publish_links(base, versions, cdir)
        timings["images"] = time.monotonic() - t0
        each(lambda r: install_host(base, recs[r], args.version, cdir), roles)
        timings["installed"] = time.monotonic() - t0
    except BaseException:
        if not args.keep_on_failure:
            down_dir(base)
        raise
    site = {"knownHosts": os.path.join(base, "known_hosts"), "hosts": {}}
    for r in roles:
        rec = recs[r]
        site["hosts"][r] = {"host": "127.0.0.1", "port": rec["port"], "user": rec["user"],
                            "identity": client_key, "mystHome": HOST_HOME, "consoleUrl": CONSOLE_URL,
                            "consoleCertSha256": rec["certSha256"], "sudo": rec["sudo"]}
    write(os.path.join(base, "site.json"), json.dumps(site, indent=2) + "\n")
    json.dump(site, sys.stdout, indent=2)
    print()
    print("realhost up: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()), file=sys.stderr)


def down_dir(base):
    errors = []
    threads = []
    for role in roles_in(base):
        def body(role=role):
            try:
                down_role(base, role)
            except Exception as e:  # noqa: BLE001
                errors.append(e)
        threads.append(threading.Thread(target=body))
        threads[-1].start()
    for t in threads:
        t.join()
    release_mountpoint(base)
    if errors:
        raise errors[0]


def down(args):
    t0 = time.monotonic()
    base = os.path.abspath(args.dir)
    down_dir(base)
    print(f"realhost down: {time.monotonic() - t0:.1f}s", file=sys.stderr)


def exec_(args):
    base = os.path.abspath(args.dir)
    rec = load_record(base, args.role)
    cmd, as_user = list(args.cmd), args.user
    if cmd[:1] == ["--user"]:
        cmd, as_user = cmd[1:], True
    if cmd[:1] == ["--"]:
        cmd = cmd[1:]
    if not cmd:
        cmd = ["/bin/bash"]
    full = inside_cmd(rec, cmd, rec["user"] if as_user else None)
    os.chdir("/")
    os.execvpe(full[0], full, CLEAN_ENV | {"TERM": os.environ.get("TERM", "dumb")})


def ssh_(args):
    base = os.path.abspath(args.dir)
    rec = load_record(base, args.role)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    full = ssh_cmd(base, rec, " ".join(cmd) if cmd else None, batch=bool(cmd))
    os.execvp(full[0], full)


DF_WRAPPER = """#!/bin/sh
# realhost: df reports a nearly full disk while the fault switch faults/df holds free KiB.
fault={home}/faults/df
if [ -s "$fault" ]; then
  free=$(tr -dc '0-9' < "$fault")
  echo "Filesystem     1024-blocks      Used Available Capacity Mounted on"
  echo "/dev/mapper/vg01-u01  20961280  20940800 ${{free:-0}}     100% /u01"
  exit 0
fi
exec {real} "$@"
"""


def fault(args):
    base = os.path.abspath(args.dir)
    rec = load_record(base, args.role)
    if not re.match(r"^[A-Za-z0-9_.-]+$", args.script):
        raise Fail(f"bad script name {args.script!r}")
    path = os.path.join(rec["dir"], "home", "faults", args.script)
    word = " ".join(args.word).strip()
    if word in ("", "none", "off", "-"):
        if os.path.exists(path):
            os.remove(path)
    else:
        write(path, word + "\n")
    if args.script == "df":
        sim = os.path.join(rec["dir"], "sim")
        real = os.path.join(sim, "df.real")
        if not os.path.exists(real):
            shutil.copy2("/usr/bin/df", real)
        write(os.path.join(sim, "df"), DF_WRAPPER.format(home=HOST_HOME, real=real), 0o755)
        mounted = inside(rec, "grep", "-q", " /usr/bin/df ", "/proc/self/mountinfo", check=False)[0] == 0
        if word not in ("", "none", "off", "-") and not mounted:
            inside(rec, "mount", "--bind", os.path.join(sim, "df"), "/usr/bin/df")
        elif word in ("", "none", "off", "-") and mounted:
            inside(rec, "umount", "/usr/bin/df")


def path_(args):
    base = os.path.abspath(args.dir)
    rec = load_record(base, args.role)
    p = os.path.normpath(args.path or HOST_HOME)
    for inner, outer in ((HOST_HOME, "home"), ("/tmp", "tmp"), ("/run", "run"), ("/var/run", "run"),
                         ("/srv", os.path.join("..", "srv"))):
        if p == inner or p.startswith(inner + "/"):
            print(os.path.normpath(os.path.join(rec["dir"], outer, os.path.relpath(p, inner))))
            return
    print(p)


def publish(args):
    base = os.path.abspath(args.dir)
    for v in args.versions:
        if not VERSION_RE.match(v):
            raise Fail(f"bad version {v!r}")
    builder = None
    for role in roles_in(base):
        rec = load_record(base, role)
        if ns_pid(rec):
            builder = rec
            break
    if builder is None:
        raise Fail(f"no running host in {base}")
    cdir = ensure_cache(builder, args.versions)
    publish_links(base, args.versions, cdir)


def powercycle_(args):
    base = os.path.abspath(args.dir)
    if args.down < 0:
        raise Fail("--down must not be negative")
    boot_id, seconds = powercycle(base, args.role, args.down)
    print(json.dumps({"role": args.role, "bootId": boot_id,
                      "containers": containers_exited(load_record(base, args.role))}))
    print(f"realhost powercycle: {seconds:.1f}s", file=sys.stderr)


def interrupted(*_):
    raise KeyboardInterrupt  # so that an interrupted up cleans up after itself


def main(doc=__doc__):
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    u = sub.add_parser("up")
    u.add_argument("dir")
    u.add_argument("--roles", default="prod")
    u.add_argument("--version", default="1.0.0")
    u.add_argument("--sudo-on", help="roles whose docker needs sudo (default: the first role)")
    u.add_argument("--import-on", help="roles whose MyST home has import.sh (default: the first role)")
    u.add_argument("--registry", help="versions the registry offers (default: %s)" % ",".join(DEFAULT_VERSIONS))
    u.add_argument("--keep-on-failure", action="store_true", help="leave a failed up in place to debug it")
    d = sub.add_parser("down")
    d.add_argument("dir")
    s = sub.add_parser("state")
    s.add_argument("dir")
    s.add_argument("role")
    e = sub.add_parser("exec")
    e.add_argument("dir")
    e.add_argument("role")
    e.add_argument("--user", action="store_true", help="as the login user instead of root")
    e.add_argument("cmd", nargs=argparse.REMAINDER)
    h = sub.add_parser("ssh")
    h.add_argument("dir")
    h.add_argument("role")
    h.add_argument("cmd", nargs=argparse.REMAINDER)
    f = sub.add_parser("fault")
    f.add_argument("dir")
    f.add_argument("role")
    f.add_argument("script")
    f.add_argument("word", nargs="*")
    pa = sub.add_parser("path")
    pa.add_argument("dir")
    pa.add_argument("role")
    pa.add_argument("path", nargs="?")
    pu = sub.add_parser("publish")
    pu.add_argument("dir")
    pu.add_argument("versions", nargs="+")
    pc = sub.add_parser("powercycle")
    pc.add_argument("dir")
    pc.add_argument("role")
    pc.add_argument("--down", type=float, default=5.0, help="seconds the host stays off (default 5)")
    i = sub.add_parser("_init")
    i.add_argument("dir")
    i.add_argument("role")
    args = p.parse_args()
    signal.signal(signal.SIGTERM, interrupted)
    try:
        if args.command == "_init":
            host_init(os.path.abspath(args.dir), args.role)
            return
        {"up": up, "down": down, "state": state, "exec": exec_, "ssh": ssh_, "fault": fault,
         "path": path_, "publish": publish, "powercycle": powercycle_}[args.command](args)
    except Fail as e:
        print(f"realhost: {e}", file=sys.stderr)
        sys.exit(1)
