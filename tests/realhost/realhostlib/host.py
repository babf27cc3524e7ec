"""One host: made and started (user, MyST home, sshd, TLS, namespaces), MyST installed in it,
and everything it made stopped and removed again."""
import grp
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time

from .common import (CLEAN_ENV, ENTRY, HOST_HOME, HTTPS_FRONT, MYSQL_IMAGE, MYST_HOME_SRC, PYTHON,
                     REGISTRY, USER_LOCK, Fail, alive, kill, read_pid, run, stop_pid, tail, write)
from .hoststate import console_version
from .lab import inside, load_record, ns_pid, rdir_of, role_names, save_record, ssh_cmd


# ---------------------------------------------------------------- start

BASHRC_BANNER = r"""
# --- Oracle client environment (added by the DBA team; MyST uses the Oracle client) ---
export ORACLE_BASE=/u01/app/oracle
export ORACLE_HOME=$ORACLE_BASE/product/19c/dbhome_1
export ORACLE_SID=MYST
export NLS_LANG=AMERICAN_AMERICA.AL32UTF8
export PATH=$PATH:$ORACLE_HOME/bin
echo "ORACLE_HOME=$ORACLE_HOME ORACLE_SID=$ORACLE_SID"
stty erase '^H'
# ---

"""

SSH_BANNER = """*****************************************************************
  WARNING: This system is for the use of authorised users only.
  Activity on this system is monitored and recorded.
*****************************************************************
"""


def cgroup_mounts():
    """The cgroup file systems of the main namespace, to mount again inside each host."""
    mounts = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            pre, post = line.rstrip("\n").split(" - ", 1)
            fields, tail = pre.split(), post.split()
            point = fields[4].replace("\\040", " ")
            if point == "/sys/fs/cgroup" or point.startswith("/sys/fs/cgroup/"):
                mounts.append({"point": point, "type": tail[0], "source": tail[1],
                               "options": tail[2] if len(tail) > 2 else "rw"})
    links = []
    if os.path.isdir("/sys/fs/cgroup"):
        for name in os.listdir("/sys/fs/cgroup"):
            p = os.path.join("/sys/fs/cgroup", name)
            if os.path.islink(p):
                links.append([p, os.readlink(p)])
    return mounts, links


def start_host(base, role, index, sudo, with_import):
    names = role_names(base, role)
    rdir = rdir_of(base, role)
    for sub in ("", "home", "run", "tmp", "empty", "etc", "ssh", "tls", "docker", "log", "sim"):
        os.makedirs(os.path.join(rdir, sub), exist_ok=True)
    os.chmod(os.path.join(rdir, "tmp"), 0o1777)
    # Inside the host only the lab directory is sure to be at its own path (a checkout under
    # /tmp or /run is not: the host has its own), so what runs there is copied into it.
    shutil.copy2(HTTPS_FRONT, os.path.join(rdir, "sim", "https-front.py"))
    rec = dict(names, role=role, dir=rdir, base=base, index=index, sudo=sudo, port=None,
               mntns=None, netns_ino=None, created=[])
    save_record(base, role, rec)
    user, group = names["user"], names["group"]

    # The login user (and the group that owns the docker socket where no sudo is needed).
    with USER_LOCK:
        rec["created"].append("user")
        save_record(base, role, rec)
        run("useradd", "-m", "-s", "/bin/bash", "-c", f"MyST Studio admin (realhost {base})", "-p", "*",
            user, quiet=True)
        if sudo:
            rec["created"].append("sudoers")
            save_record(base, role, rec)
            tmp = os.path.join(rdir, "sudoers")
            write(tmp, f"# realhost {base}: the MyST admin may run docker as root, nothing else.\n"
                       f"{user} ALL=(root) NOPASSWD: /usr/bin/docker\n", 0o440)
            run("visudo", "-c", "-q", "-f", tmp, quiet=True)
            shutil.copy2(tmp, names["sudoers"])
            os.chmod(names["sudoers"], 0o440)
        else:
            rec["created"].append("group")
            save_record(base, role, rec)
            run("groupadd", group, quiet=True)
            run("usermod", "-aG", group, user, quiet=True)
    pw = pwd.getpwnam(user)
    uid, gid = pw.pw_uid, pw.pw_gid

    # Login shell: chatty on every login, interactive or not.
    bashrc = os.path.join(pw.pw_dir, ".bashrc")
    with open(bashrc) as f:
        text = f.read()
    marker = "# If not running interactively"
    text = text.replace(marker, BASHRC_BANNER.lstrip("\n") + marker, 1) if marker in text else BASHRC_BANNER + text
    write(bashrc, text)
    os.chown(bashrc, uid, gid)
    sshdir = os.path.join(pw.pw_dir, ".ssh")
    os.makedirs(sshdir, mode=0o700, exist_ok=True)
    shutil.copy(os.path.join(base, "client_key.pub"), os.path.join(sshdir, "authorized_keys"))
    os.chmod(os.path.join(sshdir, "authorized_keys"), 0o600)
    for p in (sshdir, os.path.join(sshdir, "authorized_keys")):
        os.chown(p, uid, gid)

    # The MyST home (bind-mounted at /u01/myst-studio inside the host), installed afresh: a
    # database left by an earlier lab in DIR is not this installation's.
    home = os.path.join(rdir, "home")
    shutil.rmtree(home, ignore_errors=True)
    for sub in ("bin", "etc", "data", "backup", "logs", "faults"):
        os.makedirs(os.path.join(home, sub), exist_ok=True)
    for name in sorted(os.listdir(os.path.join(MYST_HOME_SRC, "bin"))):
        if name == "import.sh" and not with_import:
            continue
        shutil.copy2(os.path.join(MYST_HOME_SRC, "bin", name), os.path.join(home, "bin", name))
    write(os.path.join(home, "etc", "myst.env"),
          "# MyST Studio installation settings\n"
          f"MYST_REGISTRY={REGISTRY}\n"
          f"MYSQL_IMAGE={MYSQL_IMAGE}\n"
          f"MYSQL_ROOT_PASSWORD={secrets.token_hex(12)}\n"
          f"MYST_DB_PASSWORD={secrets.token_hex(12)}\n", 0o600)
    for root, dirs, files in os.walk(home):
        os.chown(root, uid, gid)
        for n in files:
            os.chown(os.path.join(root, n), uid, gid)

    # sshd, TLS certificate, /etc files of the host.
    ssh = os.path.join(rdir, "ssh")
    host_key = os.path.join(ssh, "ssh_host_ed25519_key")
    if not os.path.exists(host_key):
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"root@{names['hostname']}", "-f", host_key)
    write(os.path.join(ssh, "banner"), SSH_BANNER)
    write(os.path.join(ssh, "sshd_config"), f"""# sshd of the simulated host {names['hostname']} ({role})
Port 22
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {ssh}/sshd.pid
PermitRootLogin no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AllowUsers {user}
X11Forwarding no
PrintMotd no
Banner {ssh}/banner
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
MaxSessions 64
MaxStartups 64:30:128
LogLevel VERBOSE
""")
    tls = os.path.join(rdir, "tls")
    crt, key = os.path.join(tls, "console.crt"), os.path.join(tls, "console.key")
    if not os.path.exists(crt):
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "825",
            "-keyout", key, "-out", crt, "-subj", f"/O=Rubicon Red/CN={names['hostname']}.example.com",
            "-addext", f"subjectAltName=DNS:{names['hostname']}.example.com,DNS:{names['hostname']},IP:127.0.0.1",
            quiet=True)
    fp = run("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", crt, capture=True).stdout.decode()
    rec["certSha256"] = fp.strip().split("=", 1)[1]
    write(os.path.join(rdir, "etc", "hosts"),
          f"127.0.0.1\tlocalhost\n127.0.1.1\t{names['hostname']}.example.com {names['hostname']}\n"
          "::1\tlocalhost ip6-localhost ip6-loopback\n")
    write(os.path.join(rdir, "etc", "hostname"), names["hostname"] + "\n")
    write(os.path.join(rdir, "daemon.json"), "{}\n")
    rec["cgroups"], rec["cgroupLinks"] = cgroup_mounts()

    # The namespaces: network first, then a process holding the private mount namespace.
    rec["created"].append("netns")
    save_record(base, role, rec)
    if not os.path.exists(f"/run/netns/{names['netns']}"):
        run("ip", "netns", "add", names["netns"])
    rec["netns_ino"] = f"net:[{os.stat('/run/netns/' + names['netns']).st_ino}]"
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    rec["port"] = listener.getsockname()[1]
    save_record(base, role, rec)
    ready = os.path.join(rdir, "init.ready")
    if os.path.exists(ready):
        os.remove(ready)
    with open(os.path.join(rdir, "log", "init.log"), "ab") as log:
        proc = subprocess.Popen(
            ["ip", "netns", "exec", names["netns"], "unshare", "--mount", "--uts", "--propagation", "private",
             "--", PYTHON, ENTRY, "_init", base, role],
            pass_fds=[listener.fileno()], env=dict(CLEAN_ENV, REALHOST_LISTEN_FD=str(listener.fileno())),
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, cwd="/")
    listener.close()
    write(os.path.join(rdir, "init.pid"), f"{proc.pid}\n")
    deadline = time.monotonic() + 60
    while not os.path.exists(ready):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise Fail(f"{role}: the host did not come up; see {rdir}/log/init.log:\n" + tail(os.path.join(rdir, "log", "init.log")))
        time.sleep(0.02)
    with open(ready) as f:
        status = f.read().strip()
    if status != "ok":
        raise Fail(f"{role}: {status}; see {rdir}/log/")
    rec["mntns"] = os.readlink(f"/proc/{proc.pid}/ns/mnt")
    save_record(base, role, rec)
    threading.Thread(target=proc.wait, daemon=True).start()
    return rec


def install_host(base, rec, version, cdir):
    """Installs MyST Studio <version> as the operator would: the database image is there,
    the web image is pulled, start.sh runs; then waits until the console shows it."""
    inside(rec, "docker", "load", "-q", "-i", os.path.join(cdir, "mysql-5.7.tar"), timeout=300)
    log = os.path.join(rec["dir"], "log", "install.log")
    with open(log, "ab") as f:
        p = subprocess.run(ssh_cmd(base, rec, f"cd {HOST_HOME}/bin && ./pull.sh {version} && ./start.sh"),
                           stdin=subprocess.DEVNULL, stdout=f, stderr=f, timeout=300)
    if p.returncode != 0:
        raise Fail(f"{rec['role']}: installing MyST Studio {version} failed; see {log}:\n" + tail(log))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if console_version(rec) == version:
            return
        _, logs, _ = inside(rec, "docker", "logs", "myststudio_web", check=False)
        if "Server startup in" in logs:  # Tomcat is up: the console is there or never will be
            deadline = min(deadline, time.monotonic() + 3)
        time.sleep(0.2)
    raise Fail(f"{rec['role']}: the console did not show {version}; see {log} and `docker logs myststudio_web`")


# ---------------------------------------------------------------- down

def host_processes(rec):
    """Every process in the host's network or mount namespace (sessions, containers, daemons)."""
    marks = {m for m in (rec.get("netns_ino"), rec.get("mntns")) if m}
    if not marks:
        return []
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            if os.readlink(f"/proc/{entry}/ns/net") in marks or os.readlink(f"/proc/{entry}/ns/mnt") in marks:
                if alive(int(entry)):
                    found.append(int(entry))
        except OSError:
            continue
    return found


def down_role(base, role):
    rec = load_record(base, role)
    rdir = rec["dir"]
    # Containers first, through the host's own daemon, then the daemons by PID.
    if ns_pid(rec):
        try:
            _, ids, _ = inside(rec, "docker", "ps", "-aq", check=False, timeout=20)
            if ids.split():
                inside(rec, "docker", "rm", "-f", *ids.split(), check=False, timeout=60)
        except (Fail, subprocess.TimeoutExpired):
            pass
    stop_pid(read_pid(os.path.join(rdir, "run", "docker.pid")) or read_pid(os.path.join(rdir, "dockerd.pid")))
    for name in ("sshd", "https"):
        stop_pid(read_pid(os.path.join(rdir, f"{name}.pid")), timeout=3)
    stop_pid(read_pid(os.path.join(rdir, "init.pid")), timeout=3)
    # Whatever else lives in the host: hanging scripts, detached sessions, container shims.
    deadline = time.monotonic() + 10
    while True:
        left = host_processes(rec)
        if not left or time.monotonic() > deadline:
            break
        for pid in left:
            kill(pid, signal.SIGKILL)
        time.sleep(0.1)
    if os.path.exists(f"/run/netns/{rec['netns']}"):
        run("ip", "netns", "delete", rec["netns"], check=False, quiet=True)
    with USER_LOCK:
        try:
            pw = pwd.getpwnam(rec["user"])
            if "realhost" in pw.pw_gecos:
                run("userdel", "-r", "-f", rec["user"], check=False, quiet=True)
        except KeyError:
            pass
        try:
            grp.getgrnam(rec["group"])
            run("groupdel", rec["group"], check=False, quiet=True)
        except KeyError:
            pass
        if os.path.exists(rec["sudoers"]):
            os.remove(rec["sudoers"])
    # Mounts never leave the host's private namespace; if one did, it goes now.
    with open("/proc/self/mountinfo") as f:
        points = [line.split()[4] for line in f]
    for point in reversed(points):
        if point == rdir or point.startswith(rdir + "/"):
            run("umount", "-l", point, check=False, quiet=True)
    for name in ("init.ready",):
        try:
            os.remove(os.path.join(rdir, name))
        except FileNotFoundError:
            pass
