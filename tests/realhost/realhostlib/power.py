"""`realhost powercycle`: what a power cut and the boot after it do to one host. Every process of
the host dies at once (SIGKILL, no shutdown), what is tmpfs on a real host (/run, /tmp) is empty
again, the host gets a new boot ID, and after a pause the host boots: dockerd, sshd and the
HTTPS front start as they do in `up`. The MyST containers stay Exited, as after a real reboot
(they have no restart policy); the disk (MyST home, data, ~/.myst-upgrade, docker's data root)
is kept."""
import os
import shutil
import signal
import time
import uuid

from .common import Fail, kill, read_pid, write
from .host import host_processes
from .hostinit import docker_ping, start_daemons
from .lab import inside, inside_cmd, load_record, ns_pid, ssh_banner

BOOT_ID = "/proc/sys/kernel/random/boot_id"


def kill_everything(rec, keep):
    """SIGKILL to every process of the host but `keep` (the host's first process, which holds
    its namespaces and relays SSH: the machine itself, not something that runs on it)."""
    deadline = time.monotonic() + 15
    while True:
        left = [pid for pid in host_processes(rec) if pid != keep]
        if not left:
            return
        if time.monotonic() > deadline:
            raise Fail(f"{rec['role']}: processes survive SIGKILL: {left}")
        for pid in left:
            kill(pid, signal.SIGKILL)
        time.sleep(0.05)


def unmount_under(rec, points):
    """Mounts made inside the host under /run or /tmp (a container's, say) go as at a reboot."""
    pid = ns_pid(rec)
    with open(f"/proc/{pid}/mountinfo") as f:
        mounted = [line.split()[4] for line in f]
    for point in reversed(mounted):
        base = rec["base"]
        if any(point.startswith(p + "/") for p in points) and not (base == point or base.startswith(point + "/")):
            inside(rec, "umount", "-l", point, check=False)


def empty_tmpfs(rec, inner, outer):
    """Empties the host's `inner` (/run or /tmp), stored at `outer`, as a reboot empties a tmpfs.
    When the lab itself lives under /tmp or /run, the host sees it at its own path through
    folders inside its own /tmp or /run: that chain is kept (removing a folder that is a mount
    point elsewhere would detach the lab from the host)."""
    base = rec["base"]
    keep, lab = set(), None
    if base.startswith(inner + "/"):
        rel = os.path.relpath(base, inner).split("/")
        keep = {"/".join(rel[:i]) for i in range(1, len(rel) + 1)}
        lab = "/".join(rel)

    def clear(folder, rel):
        for name in os.listdir(folder):
            path, sub = os.path.join(folder, name), f"{rel}{name}"
            if sub in keep:
                if sub != lab:
                    clear(path, sub + "/")
            elif os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.remove(path)

    clear(outer, "")


def new_boot_id(rec):
    """A fresh /proc/sys/kernel/random/boot_id for everything that runs in the host (a file bound
    over it in the host's mount namespace; containers have their own /proc and keep the machine's)."""
    path = os.path.join(rec["dir"], "boot_id")
    write(path, f"{uuid.uuid4()}\n", 0o444)
    # Each boot binds a new file; an earlier boot's bind goes first, so they do not pile up.
    while inside(rec, "grep", "-q", f" {BOOT_ID} ", "/proc/self/mountinfo", check=False)[0] == 0:
        inside(rec, "umount", BOOT_ID)
    inside(rec, "mount", "--bind", "-o", "ro", path, BOOT_ID)
    with open(path) as f:
        return f.read().strip()


def powercycle(base, role, down_seconds):
    rec = load_record(base, role)
    init = read_pid(os.path.join(rec["dir"], "init.pid"))
    if ns_pid(rec) != init:
        raise Fail(f"{role}: the simulated host is not running")
    t0 = time.monotonic()
    kill_everything(rec, init)
    unmount_under(rec, ("/run", "/tmp"))
    for inner, outer in (("/run", "run"), ("/tmp", "tmp")):
        empty_tmpfs(rec, inner, os.path.join(rec["dir"], outer))
    for name in ("dockerd", "sshd", "https"):
        try:
            os.remove(os.path.join(rec["dir"], f"{name}.pid"))
        except FileNotFoundError:
            pass
    boot_id = new_boot_id(rec)
    time.sleep(max(0.0, down_seconds - (time.monotonic() - t0)))
    # The boot: the daemons start inside the host's namespaces; they are asked from here.
    start_daemons(rec, inside_cmd(rec, []), probes={
        "dockerd": lambda: docker_ping(os.path.join(rec["dir"], "run", "docker.sock")),
        "sshd": lambda: ssh_banner(rec),
        "https": lambda: inside(rec, "curl", "-ks", "-o", "/dev/null", "--max-time", "1",
                                "https://127.0.0.1:8443/", check=False, timeout=5)[0] == 0})
    return boot_id, time.monotonic() - t0


def containers_exited(rec):
    """The MyST containers as a boot leaves them (for the caller's report)."""
    code, out, _ = inside(rec, "docker", "ps", "-a", "--format", "{{.Names}} {{.State}}", check=False)
    return dict(line.split(None, 1) for line in out.splitlines() if line.strip()) if code == 0 else {}

