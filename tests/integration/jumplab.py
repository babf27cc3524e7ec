"""A simulated MyST host that is reachable only through a bastion, as at most enterprise sites.

Three network namespaces' worth of real networking (veth pairs, loopback addresses only):

    this machine 127.0.78.1 --veth-- 127.0.78.2 jump host (sshd: key login, forwarding only,
                                     127.0.77.1    to the target only)
                                         |
                                       veth
                                         |
                                     127.0.77.2 MyST host (hostsim's sshd on :2222, its console)

The jump namespace does not route, so the target is reachable from here only through an SSH
channel the jump host opens. Needs root (namespaces, veth).
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import time

from clitest import drop_sshd_connections

NS_JUMP, NS_TARGET = "mystlab-jump", "mystlab-target"
LAPTOP_IP, JUMP_IP = "127.0.78.1", "127.0.78.2"
JUMP_INNER_IP, TARGET_IP = "127.0.77.1", "127.0.77.2"
JUMP_PORT, TARGET_PORT = 22, 2222
INNER_JUMP_PORT = 2200  # a second bastion behind the first, for a two-hop route
LINKS = (("mystlab-lap", "mystlab-jmp"), ("mystlab-jin", "mystlab-tgt"))


def run(*cmd, check=True):
    return subprocess.run(cmd, check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def in_ns(ns, *cmd, check=True):
    return run("ip", "netns", "exec", ns, *cmd, check=check)


def wait_for_pidfile(path):
    for _ in range(100):
        try:
            with open(path) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):  # not there yet, or being written
            time.sleep(0.05)
    raise RuntimeError(f"sshd did not start ({path})")


def kill_pidfile(path):
    try:
        with open(path) as f:
            os.kill(int(f.read().split()[0]), signal.SIGTERM)
    except (OSError, ValueError, IndexError):
        pass


def network_down():
    for ns in (NS_JUMP, NS_TARGET):
        run("ip", "netns", "delete", ns, check=False)
    run("ip", "link", "delete", LINKS[0][0], check=False)


def network_up():
    network_down()
    for ns in (NS_JUMP, NS_TARGET):
        run("ip", "netns", "add", ns)
        in_ns(ns, "ip", "link", "set", "lo", "up")
    (lap, jmp), (jin, tgt) = LINKS
    run("ip", "link", "add", lap, "type", "veth", "peer", "name", jmp)
    run("ip", "link", "set", jmp, "netns", NS_JUMP)
    run("ip", "link", "add", jin, "type", "veth", "peer", "name", tgt)
    run("ip", "link", "set", jin, "netns", NS_JUMP)
    run("ip", "link", "set", tgt, "netns", NS_TARGET)
    # 127/8 on a real interface: the kernel routes it only with route_localnet on that interface.
    for ns, dev, addr in ((None, lap, LAPTOP_IP), (NS_JUMP, jmp, JUMP_IP),
                          (NS_JUMP, jin, JUMP_INNER_IP), (NS_TARGET, tgt, TARGET_IP)):
        prefix = ("ip", "netns", "exec", ns) if ns else ()
        run(*prefix, "sysctl", "-qw", f"net.ipv4.conf.{dev}.route_localnet=1")
        run(*prefix, "ip", "addr", "add", f"{addr}/30", "dev", dev)
        run(*prefix, "ip", "link", "set", dev, "up")


class JumpLab:
    """hostsim's host `role` in `sim_dir`, moved behind a jump host; files under `base`."""

    def __init__(self, base, sim_dir, role="prod"):
        self.base, self.sim, self.role = base, sim_dir, role
        self.jump_dir = os.path.join(base, "jump")
        self.target_ssh = os.path.join(sim_dir, role, "ssh")
        self.home = os.path.join(sim_dir, role, "home")
        self.fakebin = os.path.join(sim_dir, role, "fakebin")
        self.client_key = os.path.join(sim_dir, "client_key")

    # --- lifecycle ---
    def up(self):
        network_up()
        os.makedirs(self.jump_dir, exist_ok=True)
        self.start_jump_sshd()
        self.move_target()
        return self

    def down(self):
        kill_pidfile(os.path.join(self.jump_dir, "sshd.pid"))
        kill_pidfile(os.path.join(self.base, "inner-jump", "sshd.pid"))
        network_down()

    def start_jump_sshd(self, new_key=False, password=None):
        """With `password`: the bastion takes that password only (PAM in a private mount
        namespace, pam_exec checking it), no keys."""
        key = os.path.join(self.jump_dir, "host_key")
        if new_key or not os.path.exists(key):
            for f in (key, key + ".pub"):
                if os.path.exists(f):
                    os.remove(f)
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bastion", "-f", key)
        shutil.copy2(self.client_key + ".pub", os.path.join(self.jump_dir, "authorized_keys"))
        config = os.path.join(self.jump_dir, "sshd_config")
        with open(config, "w") as f:
            f.write(f"""# A bastion: key logins, no shell, forwarding to the MyST host only.
Port {JUMP_PORT}
ListenAddress {JUMP_IP}
HostKey {key}
PidFile {self.jump_dir}/sshd.pid
AuthorizedKeysFile {self.jump_dir}/authorized_keys
StrictModes no
KbdInteractiveAuthentication no
AllowTcpForwarding local
PermitOpen {TARGET_IP}:{TARGET_PORT} {JUMP_IP}:{INNER_JUMP_PORT}
PermitTTY no
X11Forwarding no
ForceCommand /bin/echo This bastion only forwards.
LogLevel VERBOSE
""")
        kill_pidfile(os.path.join(self.jump_dir, "sshd.pid"))
        time.sleep(0.2)
        pidfile = os.path.join(self.jump_dir, "sshd.pid")
        if os.path.exists(pidfile):
            os.remove(pidfile)
        sshd = ["/usr/sbin/sshd", "-f", config, "-E", os.path.join(self.jump_dir, "sshd.log")]
        if password is None:
            in_ns(NS_JUMP, *sshd, "-o", "UsePAM=no", "-o", "PasswordAuthentication=no",
                  "-o", "PermitRootLogin=prohibit-password")
        else:
            check = os.path.join(self.jump_dir, "check-password")
            with open(check, "w") as f:
                f.write(f"#!/bin/sh\n[ \"$(tr -d '\\000')\" = '{password}' ]\n")
            os.chmod(check, 0o755)
            pam = os.path.join(self.jump_dir, "sshd.pam")
            with open(pam, "w") as f:
                f.write(f"auth required pam_exec.so expose_authtok quiet {check}\n"
                        "account required pam_permit.so\nsession required pam_permit.so\n")
            in_ns(NS_JUMP, "unshare", "--mount", "--propagation", "private", "sh", "-c",
                  'mount --bind "$0" /etc/pam.d/sshd && exec "$@"', pam, *sshd,
                  "-o", "UsePAM=yes", "-o", "PasswordAuthentication=yes",
                  "-o", "PubkeyAuthentication=no", "-o", "PermitRootLogin=yes")
        wait_for_pidfile(pidfile)

    def start_inner_bastion(self):
        """A second bastion (its own sshd and key) on the jump host's address, port 2200, that
        the first bastion may forward to: laptop -> bastion -> inner bastion -> MyST host."""
        d = os.path.join(self.base, "inner-jump")
        os.makedirs(d, exist_ok=True)
        key = os.path.join(d, "host_key")
        if not os.path.exists(key):
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "inner-bastion", "-f", key)
        shutil.copy2(self.client_key + ".pub", os.path.join(d, "authorized_keys"))
        config = os.path.join(d, "sshd_config")
        with open(config, "w") as f:
            f.write(f"""Port {INNER_JUMP_PORT}
ListenAddress {JUMP_IP}
HostKey {key}
PidFile {d}/sshd.pid
AuthorizedKeysFile {d}/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding local
PermitOpen {TARGET_IP}:{TARGET_PORT}
PermitTTY no
ForceCommand /bin/echo This bastion only forwards.
LogLevel VERBOSE
""")
        if not os.path.exists(os.path.join(d, "sshd.pid")):
            in_ns(NS_JUMP, "/usr/sbin/sshd", "-f", config, "-E", os.path.join(d, "sshd.log"))
            wait_for_pidfile(os.path.join(d, "sshd.pid"))
        self.inner_dir = d
        with open(key + ".pub") as f:
            return f"[{JUMP_IP}]:{INNER_JUMP_PORT} " + " ".join(f.read().split()[:2]) + "\n"

    def move_target(self):
        """hostsim's sshd and console, restarted inside the target's namespace."""
        pidfile = os.path.join(self.target_ssh, "sshd.pid")
        kill_pidfile(pidfile)
        for _ in range(50):
            if not os.path.exists(pidfile):
                break
            time.sleep(0.05)
        if os.path.exists(pidfile):
            os.remove(pidfile)
        env_cmd = ("env", f"MYST_HOME={self.home}",
                   f"PATH={self.fakebin}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin")
        run(*env_cmd, os.path.join(self.home, "bin", "stop.sh"), check=False)
        in_ns(NS_TARGET, "/usr/sbin/sshd", "-f", os.path.join(self.target_ssh, "sshd_config"),
              "-E", os.path.join(self.target_ssh, "sshd.log"),
              "-o", f"ListenAddress={TARGET_IP}", "-o", f"Port={TARGET_PORT}")
        wait_for_pidfile(pidfile)
        in_ns(NS_TARGET, *env_cmd, os.path.join(self.home, "bin", "start.sh"))

    # --- what tests need ---
    def known_hosts_lines(self):
        with open(os.path.join(self.jump_dir, "host_key.pub")) as f:
            jump = " ".join(f.read().split()[:2])
        with open(os.path.join(self.target_ssh, "ssh_host_ed25519_key.pub")) as f:
            target = " ".join(f.read().split()[:2])
        return f"{JUMP_IP} {jump}\n", f"[{TARGET_IP}]:{TARGET_PORT} {target}\n"

    def site(self, site_json, known_hosts):
        """A site file whose host names the target by its own address and the jump host."""
        site = json.loads(json.dumps(site_json))
        host = site["hosts"][self.role]
        host.update({"host": TARGET_IP, "port": TARGET_PORT,
                     "jump": {"host": JUMP_IP, "port": JUMP_PORT, "user": host["user"],
                              "auth": "key", "identity": self.client_key}})
        site["knownHosts"] = known_hosts
        with open(known_hosts, "w") as f:
            f.write("".join(self.known_hosts_lines()))
        return site

    def drop_jump_connections(self):
        """Kills the jump host's per-connection processes, as a bastion restart would."""
        return drop_sshd_connections(os.path.join(self.jump_dir, "sshd.pid"))

    def console_version(self, port):
        page = in_ns(NS_TARGET, "python3", "-c",
                     f"import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:{port}/',"
                     f" timeout=5).read().decode())", check=False).stdout
        if 'class="version">MyST Studio ' not in page:
            return None
        return page.split('class="version">MyST Studio ')[1].split("<")[0]


def reachable(host, port):
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False
