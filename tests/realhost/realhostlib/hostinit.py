"""Inside the host: `realhost _init`, the host's first process. It runs in the host's network
namespace and its private mount namespace, mounts the host's view of the file system, starts
dockerd, sshd and the HTTPS front, then relays SSH connections from the main namespace.

Everything it needs is imported when it starts, before its mounts: after them a checkout
under /tmp or /run is no longer at its own path (the host has its own /tmp and /run)."""
import os
import socket
import subprocess
import threading
import time

from .common import CLEAN_ENV, HOST_HOME, PYTHON, Fail, run, write
from .lab import load_record


# ---------------------------------------------------------------- inside the host: _init

def host_init(base, role):
    """Runs inside the host's namespaces as its first process: mounts, daemons, then the relay."""
    rec = load_record(base, role)
    rdir = rec["dir"]
    ready = os.path.join(rdir, "init.ready")
    lfd = int(os.environ["REALHOST_LISTEN_FD"])
    try:
        sh = lambda *c: run(*c, env=CLEAN_ENV)  # noqa: E731
        sh("ip", "link", "set", "lo", "up")
        socket.sethostname(rec["hostname"])
        # `ip netns exec` mounted a fresh /sys without the cgroup file systems dockerd needs.
        for m in rec["cgroups"]:
            os.makedirs(m["point"], exist_ok=True)
            sh("mount", "-t", m["type"], "-o", m["options"], m["source"], m["point"])
        for link, target in rec["cgroupLinks"]:
            if not os.path.lexists(link):
                os.symlink(target, link)
        binds = [(os.path.join(rdir, "home"), HOST_HOME), (os.path.join(rdir, "empty"), "/usr/local/bin"),
                 (os.path.join(rdir, "run"), "/run"), (os.path.join(rdir, "tmp"), "/tmp"),
                 (os.path.join(rdir, "etc", "hosts"), "/etc/hosts"),
                 (os.path.join(rdir, "etc", "hostname"), "/etc/hostname")]
        # The lab directory stays reachable at its own path even when it lives under /tmp or
        # /run, which the host gets its own of (a bind from a descriptor opened beforehand).
        keep = os.open(base, os.O_PATH | os.O_DIRECTORY)
        keep_ino = os.fstat(keep).st_ino
        for src, dst in binds:
            sh("mount", "--bind", src, dst)
            try:
                same = os.stat(base).st_ino == keep_ino
            except FileNotFoundError:
                same = False
            if not same:
                os.makedirs(base, mode=0o700, exist_ok=True)
                sh("mount", "--no-canonicalize", "--bind", f"/proc/{os.getpid()}/fd/{keep}", base)
        os.close(keep)
        srv = os.path.join(base, "srv")
        os.makedirs(srv, exist_ok=True)
        sh("mount", "--bind", srv, "/srv")
        sh("mount", "-o", "remount,bind,ro", "/srv")
        start_daemons(rec)
        write(ready, "ok\n")
    except Exception as e:  # noqa: BLE001 - reported to `up` through the ready file
        write(ready, f"error: {e}\n")
        raise

    def reap():
        while True:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                time.sleep(1)

    threading.Thread(target=reap, daemon=True).start()
    relay(socket.socket(fileno=lfd))


def daemon_commands(rec):
    """What the host runs at boot: dockerd, sshd and the HTTPS front, by name."""
    rdir = rec["dir"]
    return {
        "dockerd": ["dockerd", "--config-file", os.path.join(rdir, "daemon.json"), "--storage-driver=vfs",
                    "--iptables=false", "--ip6tables=false", "--ip-forward=false", "--ip-masq=false",
                    "--bridge=none", "--userland-proxy=false", "--data-root", os.path.join(rdir, "docker"),
                    "--exec-root", "/run/docker", "--pidfile", "/run/docker.pid", "-H", "unix:///run/docker.sock",
                    "--group", "root" if rec["sudo"] else rec["group"]],
        "sshd": ["/usr/sbin/sshd", "-D", "-f", os.path.join(rdir, "ssh", "sshd_config"),
                 "-E", os.path.join(rdir, "log", "sshd.log")],
        "https": [PYTHON, os.path.join(rdir, "sim", "https-front.py"), os.path.join(rdir, "tls", "console.crt"),
                  os.path.join(rdir, "tls", "console.key"), "8443", "8080",
                  os.path.join(rdir, "log", "https-access.log")],
    }


def start_daemons(rec, enter=(), probes=None, timeout=30):
    """Starts the host's daemons (as its boot does) and waits until each answers. `enter` is
    the prefix that puts a command inside the host (empty in _init, which already is there;
    nsenter for `powercycle`), `probes` how to ask each daemon from where this runs."""
    rdir = rec["dir"]
    for cmd in (["mkdir", "-p", "-m", "0755", "/run/sshd"], ["mkdir", "-p", "-m", "1777", "/run/lock"],
                ["touch", "/run/utmp"]):
        run(*enter, *cmd, env=CLEAN_ENV)
    procs = {}
    for name, cmd in daemon_commands(rec).items():
        with open(os.path.join(rdir, "log", f"{name}.log"), "ab") as log:
            procs[name] = subprocess.Popen([*enter, *cmd], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                           start_new_session=True, env=CLEAN_ENV, cwd="/")
        write(os.path.join(rdir, f"{name}.pid"), f"{procs[name].pid}\n")
    waiting = dict(probes or {"dockerd": lambda: docker_ping("/run/docker.sock"), "sshd": lambda: tcp_banner(22),
                              "https": lambda: tcp_banner(8443, False)})
    deadline = time.monotonic() + timeout
    while waiting:
        for name in list(waiting):
            if procs[name].poll() is not None:
                raise Fail(f"{name} exited with {procs[name].returncode}; see {rdir}/log/{name}.log")
            if waiting[name]():
                del waiting[name]
        if time.monotonic() > deadline:
            raise Fail(f"timed out waiting for {', '.join(waiting)}")
        time.sleep(0.02)
    return procs


def docker_ping(path):
    try:
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(1)
        s.connect(path)
        s.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
        data = s.recv(4096)
        s.close()
        return data.startswith(b"HTTP/1.") and b" 200 " in data.split(b"\r\n", 1)[0]
    except OSError:
        return False


def tcp_banner(port, expect=True):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            return (not expect) or s.recv(64).startswith(b"SSH-")
    except OSError:
        return False


def relay(listener):
    """Accepts in the main namespace (the listener was made there), connects in the host's
    (this process lives in its network namespace) and passes bytes both ways."""

    def pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def handle(client):
        try:
            server = socket.create_connection(("127.0.0.1", 22), timeout=10)
            server.settimeout(None)
        except OSError:
            client.close()
            return
        t = threading.Thread(target=pump, args=(server, client), daemon=True)
        t.start()
        pump(client, server)
        t.join()
        client.close()
        server.close()

    while True:
        client, _ = listener.accept()
        threading.Thread(target=handle, args=(client,), daemon=True).start()
