"""What every part of realhost uses: the constants, the error it reports, process and file helpers."""
import fcntl
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time

# tests/realhost: the image sources, the MyST home and the HTTPS front live next to this package.
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENTRY = os.path.join(HERE, "realhost")  # the command, run again inside each host as `realhost _init`


IMAGE_SRC = os.path.join(HERE, "image")
MYST_HOME_SRC = os.path.join(HERE, "myst-home")
HTTPS_FRONT = os.path.join(HERE, "https-front.py")
HOST_HOME = "/u01/myst-studio"
CACHE_ROOT = os.environ.get("REALHOST_CACHE", "/var/tmp/myst-realhost-cache")
GLOBAL_DIR = "/run/myst-realhost"
REGISTRY = "registry.example.com/rubiconred"
REPO = REGISTRY + "/myst-studio"
MYSQL_IMAGE = "mysql:5.7"
DEFAULT_VERSIONS = ["1.0.0", "2.0.0", "2.1.0", "3.0.0"]
LABEL = "com.rubiconred.myst.version"
CONSOLE_URL = "https://127.0.0.1:8443/"
BUILD_FORMAT = "3"  # bump to rebuild every cached image
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
CLEAN_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}
VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
ROLE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


class Fail(Exception):
    pass


# ---------------------------------------------------------------- small helpers

def run(*cmd, check=True, capture=False, input=None, timeout=120, env=None, quiet=False):
    p = subprocess.run(cmd, input=input, timeout=timeout, env=env,
                       stdout=subprocess.PIPE if capture else (subprocess.DEVNULL if quiet else None),
                       stderr=subprocess.PIPE if (capture or quiet) else None)
    if check and p.returncode != 0:
        err = p.stderr.decode(errors="replace").strip() if p.stderr else ""
        raise Fail(f"{shlex.join(cmd)}: exit {p.returncode}: {err}")
    return p


def write(path, text, mode=0o644):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def load_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return default


def alive(pid):
    """True for a running process (a zombie is not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError, TypeError):
        return False


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def kill(pid, sig):
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, TypeError):
        pass


def stop_pid(pid, timeout=10.0):
    if not pid or not alive(pid):
        return
    kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if alive(pid):
        kill(pid, signal.SIGKILL)


def version_key(v):
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-_]", v)]


class Locked:
    """An exclusive flock on a file, across processes."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.f = open(self.path, "a")
        fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


USER_LOCK = threading.Lock()


def tail(path, n=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except FileNotFoundError:
        return ""
