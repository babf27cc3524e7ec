#!/usr/bin/env python3
"""Benchmark (run by hand, never a timed test): an offline image from the drop to the image
tagged on the host, `myst-upgrade upload` (read and check the archive, upload, verify, load,
tag), against `scp` alone of the same archive to the same host (real sshd), over loopback.
Three rounds; prints each phase (from the CLI's JSON events), median and spread.

    python3 tests/bench/bench_upload_e2e.py [MiB, default 512] [--cli build/app/myst-upgrade]
                                            [--realhost]

--realhost (root): the realistic host of tests/realhost instead of the simulated one: a real
dockerd (vfs storage), docker through sudo, a chatty login shell, sshd behind a relay. It also
times `docker load` alone of the same archive on that host, which is Docker's own share. Its
login shell talks, which breaks scp, so "scp alone" is `ssh host 'cat > file'` there.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTSIM = os.path.join(HERE, "..", "hostsim", "hostsim")
REALHOST = os.path.join(HERE, "..", "realhost", "realhost")
MAKE_IMAGE_TAR = os.path.join(HERE, "..", "hostsim", "make-image-tar")


def ssh_args(site):
    """OpenSSH's options for the site's prod host (its key, its known_hosts, nothing of
    ~/.ssh/config) and the login."""
    host = site["hosts"]["prod"]
    return (["-F", "/dev/null", "-o", "UserKnownHostsFile=" + site["knownHosts"], "-o",
             "StrictHostKeyChecking=yes", "-i", host["identity"]],
            "%s@%s" % (host["user"], host["host"]))


def scp(site, tar, remote, plain_ssh=False):
    """scp of tar to the host's file `remote`, from its start (login included) to its end.
    plain_ssh: `ssh host 'cat > remote' < tar` instead, the same bytes through the same ssh and
    sshd, for a host whose login shell talks (scp and sftp then fail: "Received message too
    long"; the realistic host's does, as many real ones do)."""
    port = str(site["hosts"]["prod"]["port"])
    opts, login = ssh_args(site)
    start = time.monotonic()
    if plain_ssh:
        with open(tar, "rb") as f:
            subprocess.run(["ssh"] + opts + ["-p", port, login,
                            "cat > '%s'" % remote], stdin=f, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=True)
    else:
        subprocess.run(["scp", "-q"] + opts + ["-P", port, tar,
                        "%s:%s" % (login, remote)], check=True)
    return time.monotonic() - start


def docker_load_alone(lab, tar, round_):
    """`docker load` of the same archive on the realistic host, run as root inside it (no
    login, no sudo: Docker's own time), from a copy in the host's /tmp; the image is removed
    again, so that the upload's load that follows loads every layer too."""
    host_tmp = subprocess.run([REALHOST, "path", lab, "prod", "/tmp"], check=True, text=True,
                              capture_output=True).stdout.strip()
    copy = os.path.join(host_tmp, "bench-load.tar")
    subprocess.run(["cp", tar, copy], check=True)
    os.chmod(copy, 0o644)
    os.sync()
    start = time.monotonic()
    subprocess.run([REALHOST, "exec", lab, "prod", "--", "docker", "load", "-q", "-i",
                    "/tmp/bench-load.tar"], check=True, stdout=subprocess.DEVNULL)
    took = time.monotonic() - start
    os.remove(copy)
    subprocess.run([REALHOST, "exec", lab, "prod", "--", "docker", "rmi",
                    "registry.example.com/myst-studio:2.1.%d" % round_], check=False,
                   stdout=subprocess.DEVNULL)
    return took


def upload(cli, site_file, tar, env):
    start = time.monotonic()
    p = subprocess.run([cli, "upload", "--site", site_file, "--image-tar", tar, "--yes", "--json"],
                       capture_output=True, text=True, env=env)
    total = time.monotonic() - start
    if p.returncode != 0:
        raise SystemExit("upload failed: " + p.stdout[-2000:] + p.stderr)
    phases = {}
    for line in p.stdout.splitlines():
        e = json.loads(line)
        if e.get("event") == "step-finished":
            phases[e["id"]] = e["durationMs"] / 1000.0
    return total, phases


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mib", nargs="?", type=int, default=512)
    p.add_argument("--cli", default=os.path.join(HERE, "..", "..", "build", "app", "myst-upgrade"))
    p.add_argument("--realhost", action="store_true")
    args = p.parse_args()
    print("load before:", os.popen("uptime").read().strip())
    with tempfile.TemporaryDirectory() as tmp:
        sim = os.path.join(tmp, "sim")
        tool = REALHOST if args.realhost else HOSTSIM
        subprocess.run([tool, "up", sim], check=True, stdout=subprocess.DEVNULL)
        try:
            site_file = os.path.join(sim, "site.json")
            site = json.load(open(site_file))
            home = site["hosts"]["prod"]["mystHome"]
            if args.realhost:  # the host's folder, as this namespace sees it
                home = subprocess.run([REALHOST, "path", sim, "prod"], check=True, text=True,
                                      capture_output=True).stdout.strip()
            env = dict(os.environ, XDG_STATE_HOME=os.path.join(tmp, "state"))
            remote_home = site["hosts"]["prod"]["mystHome"]
            opts, login = ssh_args(site)
            subprocess.run(["ssh"] + opts + ["-p", str(site["hosts"]["prod"]["port"]), login,
                            "mkdir -p '%s/images'" % remote_home], check=True,
                           stdout=subprocess.DEVNULL)
            ratios, ends, scps, loads = [], [], [], []
            for round_ in range(3):
                # A fresh archive (another image ID) each round, so that nothing is skipped.
                tar = os.path.join(tmp, "myst-studio-2.1.%d.tar" % round_)
                subprocess.run([MAKE_IMAGE_TAR, "2.1.%d" % round_, tar, "--layer-mb",
                                str(args.mib)], check=True, stdout=subprocess.DEVNULL)
                # Nothing dirty in the page cache when a transfer starts: the archive's own
                # writeback would otherwise land on whichever transfer comes first.
                os.sync()
                # scp's copy goes where the upload's does, under another name, then is removed.
                copy = "/images/scp-copy.tar"
                alone = scp(site, tar, remote_home + copy, args.realhost)
                os.remove(home + copy)
                if args.realhost:
                    loads.append(docker_load_alone(sim, tar, round_))
                os.sync()
                total, phases = upload(args.cli, site_file, tar, env)
                os.remove(os.path.join(home, "images", os.path.basename(tar)))
                os.remove(tar)
                ratios.append(total / alone)
                ends.append(total)
                scps.append(alone)
                print("round %d: end to end %.2f s (%s), scp alone %.2f s: %.2fx%s" % (
                    round_ + 1, total, ", ".join("%s %.2f" % kv for kv in phases.items()),
                    alone, total / alone,
                    "; docker load alone %.2f s" % loads[-1] if loads else ""), flush=True)
            print("%d MiB archive: end to end median %.2f s (%.2f-%.2f), scp alone median %.2f s "
                  "(%.2f-%.2f); ratio median %.2fx (%.2f-%.2f), goal <= 1.2x: %s" % (
                      args.mib, statistics.median(ends), min(ends), max(ends),
                      statistics.median(scps), min(scps), max(scps), statistics.median(ratios),
                      min(ratios), max(ratios),
                      "met" if statistics.median(ratios) <= 1.2 else "NOT met"))
            if loads:
                print("docker load alone on that host: median %.2f s (%.2f-%.2f); scp alone plus "
                      "docker load alone: %.2fx scp" % (
                          statistics.median(loads), min(loads), max(loads),
                          (statistics.median(scps) + statistics.median(loads)) /
                          statistics.median(scps)))
        finally:
            subprocess.run([tool, "down", sim], check=False)
    print("load after:", os.popen("uptime").read().strip())


if __name__ == "__main__":
    main()
