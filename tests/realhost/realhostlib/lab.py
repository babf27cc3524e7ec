"""The lab: each host's names, its record (DIR/<role>/realhost.json), entering its namespaces,
ssh to it, and /u01/myst-studio in the main namespace (shared by every lab on the machine)."""
import hashlib
import json
import os
import re
import shlex
import socket
import subprocess

from .common import CLEAN_ENV, GLOBAL_DIR, HOST_HOME, Fail, Locked, alive, load_json, read_pid, write


# ---------------------------------------------------------------- names and records

def role_names(base, role):
    h = hashlib.sha1(f"{base}\0{role}".encode()).hexdigest()[:8]
    letter = (re.sub(r"[^a-z]", "", role.lower()) or "x")[0]
    user = f"rh{h}{letter}"
    return {"user": user, "group": f"{user}dk", "netns": f"rh-{h}",
            "sudoers": f"/etc/sudoers.d/realhost-{user}",
            "hostname": "myst-" + re.sub(r"[^a-z0-9-]", "-", role.lower())[:40]}


def rdir_of(base, role):
    return os.path.join(base, role)


def record_path(base, role):
    return os.path.join(rdir_of(base, role), "realhost.json")


def load_record(base, role):
    rec = load_json(record_path(base, role))
    if rec is None:
        raise Fail(f"{role}: no simulated host in {base}")
    return rec


def save_record(base, role, rec):
    write(record_path(base, role), json.dumps(rec, indent=1) + "\n")


def roles_in(base):
    if not os.path.isdir(base):
        return []
    return sorted(r for r in os.listdir(base) if os.path.isfile(record_path(base, r)))


def ns_pid(rec):
    """A live process inside the host's namespaces (to nsenter)."""
    rdir = rec["dir"]
    for pid in (read_pid(os.path.join(rdir, "init.pid")), read_pid(os.path.join(rdir, "run", "docker.pid")),
                read_pid(os.path.join(rdir, "ssh", "sshd.pid"))):
        if pid and alive(pid):
            try:
                if os.readlink(f"/proc/{pid}/ns/mnt") == rec.get("mntns"):
                    return pid
            except OSError:
                continue
    return None


def inside_cmd(rec, cmd, user=None):
    pid = ns_pid(rec)
    if pid is None:
        raise Fail(f"{rec['role']}: the simulated host is not running")
    pre = ["nsenter", "-t", str(pid), "-m", "-n", "-u", "--"]
    if user:
        pre += ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--reset-env"]
    return pre + list(cmd)


def inside(rec, *cmd, check=True, input=None, timeout=120, user=None):
    """Runs a command inside the host as root; returns (exit code, stdout, stderr)."""
    p = subprocess.run(inside_cmd(rec, cmd, user), input=input, capture_output=True,
                       timeout=timeout, env=CLEAN_ENV, cwd="/")
    out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    if check and p.returncode != 0:
        raise Fail(f"{rec['role']}: {shlex.join(cmd)}: exit {p.returncode}: {err.strip()}")
    return p.returncode, out, err


def ssh_cmd(base, rec, command=None, batch=True):
    cmd = ["ssh", "-F", "/dev/null", "-o", f"UserKnownHostsFile={os.path.join(base, 'known_hosts')}",
           "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes",
           "-o", "IdentitiesOnly=yes", "-i", os.path.join(base, "client_key"),
           "-p", str(rec["port"])]
    if batch:
        cmd += ["-o", "BatchMode=yes"]
    cmd.append(f"{rec['user']}@127.0.0.1")
    if command is not None:
        cmd.append(command)
    return cmd


def ssh_banner(rec):
    """The host's sshd answers through its relay (as a client from the main namespace sees it)."""
    try:
        with socket.create_connection(("127.0.0.1", rec["port"]), timeout=1) as s:
            return s.recv(64).startswith(b"SSH-")
    except OSError:
        return False


# ---------------------------------------------------------------- /u01 in the main namespace

def claim_mountpoint(base):
    """/u01/myst-studio must exist to be a mount point; made (and later removed) if missing."""
    with Locked(os.path.join(GLOBAL_DIR, "lock")):
        created = load_json(os.path.join(GLOBAL_DIR, "created.json"), [])
        path = ""
        for part in HOST_HOME.strip("/").split("/"):
            path += "/" + part
            if not os.path.exists(path):
                os.mkdir(path, 0o755)
                created.append(path)
        write(os.path.join(GLOBAL_DIR, "created.json"), json.dumps(created))
        os.makedirs(os.path.join(GLOBAL_DIR, "live"), exist_ok=True)
        write(os.path.join(GLOBAL_DIR, "live", hashlib.sha1(base.encode()).hexdigest()), base + "\n")


def release_mountpoint(base):
    if not os.path.isdir(GLOBAL_DIR):
        return
    with Locked(os.path.join(GLOBAL_DIR, "lock")):
        live = os.path.join(GLOBAL_DIR, "live")
        try:
            os.remove(os.path.join(live, hashlib.sha1(base.encode()).hexdigest()))
        except FileNotFoundError:
            pass
        if os.path.isdir(live) and os.listdir(live):
            return
        created = load_json(os.path.join(GLOBAL_DIR, "created.json"), [])
        left = []
        for path in sorted(created, key=len, reverse=True):
            try:
                os.rmdir(path)
            except FileNotFoundError:
                pass
            except OSError:
                left.append(path)
        write(os.path.join(GLOBAL_DIR, "created.json"), json.dumps(left))
