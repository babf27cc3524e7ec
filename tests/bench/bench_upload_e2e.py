#!/usr/bin/env python3
"""Benchmark (run by hand, never a timed test): an offline image from the drop to the image
tagged on the host, `myst-upgrade upload` (read and check the archive, upload, verify, load,
tag), against `scp` alone of the same archive to the same simulated host (real sshd), over
loopback. Three rounds; prints each phase (from the CLI's JSON events), median and spread.

    python3 tests/bench/bench_upload_e2e.py [MiB, default 512] [--cli build/app/myst-upgrade]
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
MAKE_IMAGE_TAR = os.path.join(HERE, "..", "hostsim", "make-image-tar")


def scp(site, tar, target):
    host = site["hosts"]["prod"]
    subprocess.run(["mkdir", "-p", target], check=True)
    start = time.monotonic()
    subprocess.run(["scp", "-q", "-F", "/dev/null", "-o", "UserKnownHostsFile=" + site["knownHosts"],
                    "-o", "StrictHostKeyChecking=yes", "-i", host["identity"], "-P",
                    str(host["port"]), tar, "%s@%s:%s/" % (host["user"], host["host"], target)],
                   check=True)
    return time.monotonic() - start


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
    args = p.parse_args()
    print("load before:", os.popen("uptime").read().strip())
    with tempfile.TemporaryDirectory() as tmp:
        sim = os.path.join(tmp, "sim")
        subprocess.run([HOSTSIM, "up", sim], check=True, stdout=subprocess.DEVNULL)
        try:
            site_file = os.path.join(sim, "site.json")
            site = json.load(open(site_file))
            home = site["hosts"]["prod"]["mystHome"]
            env = dict(os.environ, XDG_STATE_HOME=os.path.join(tmp, "state"))
            ratios, ends, scps = [], [], []
            for round_ in range(3):
                # A fresh archive (another image ID) each round, so that nothing is skipped.
                tar = os.path.join(tmp, "myst-studio-2.1.%d.tar" % round_)
                subprocess.run([MAKE_IMAGE_TAR, "2.1.%d" % round_, tar, "--layer-mb",
                                str(args.mib)], check=True, stdout=subprocess.DEVNULL)
                # Nothing dirty in the page cache when a transfer starts: the archive's own
                # writeback would otherwise land on whichever transfer comes first.
                os.sync()
                alone = scp(site, tar, os.path.join(tmp, "scp-target"))
                subprocess.run(["rm", "-rf", os.path.join(tmp, "scp-target")], check=True)
                os.sync()
                total, phases = upload(args.cli, site_file, tar, env)
                os.remove(os.path.join(home, "images", os.path.basename(tar)))
                os.remove(tar)
                ratios.append(total / alone)
                ends.append(total)
                scps.append(alone)
                print("round %d: end to end %.2f s (%s), scp alone %.2f s: %.2fx" % (
                    round_ + 1, total, ", ".join("%s %.2f" % kv for kv in phases.items()),
                    alone, total / alone), flush=True)
            print("%d MiB archive: end to end median %.2f s (%.2f-%.2f), scp alone median %.2f s "
                  "(%.2f-%.2f); ratio median %.2fx (%.2f-%.2f), goal <= 1.2x: %s" % (
                      args.mib, statistics.median(ends), min(ends), max(ends),
                      statistics.median(scps), min(scps), max(scps), statistics.median(ratios),
                      min(ratios), max(ratios),
                      "met" if statistics.median(ratios) <= 1.2 else "NOT met"))
        finally:
            subprocess.run([HOSTSIM, "down", sim], check=False)
    print("load after:", os.popen("uptime").read().strip())


if __name__ == "__main__":
    main()
