#!/usr/bin/env python3
"""Benchmark (run by hand, never a timed test): peak RSS of the myst-upgrade CLI while a step
prints MB megabytes of short lines, and the size of the step's log on this computer.

    python3 tests/bench/bench_step_output_rss.py [MB] [--cli build/app/myst-upgrade]
"""
import argparse
import glob
import json
import os
import resource
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTSIM = os.path.join(HERE, "..", "hostsim", "hostsim")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mb", nargs="?", type=int, default=500)
    p.add_argument("--cli", default=os.path.join(HERE, "..", "..", "build", "app", "myst-upgrade"))
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sim = os.path.join(tmp, "sim")
        subprocess.run([HOSTSIM, "up", sim], check=True, stdout=subprocess.DEVNULL)
        try:
            site = json.load(open(os.path.join(sim, "site.json")))
            pull = os.path.join(site["hosts"]["prod"]["mystHome"], "bin", "pull.sh")
            script = open(pull).read().replace(
                "check_fault pull\n",
                f"check_fault pull\nyes 'Downloading layer 3f4e2a: [=====>     ] 12.3MB/98.1MB'"
                f" | head -c {args.mb}M\necho\n", 1)
            open(pull, "w").write(script)
            env = dict(os.environ, XDG_STATE_HOME=os.path.join(tmp, "state"))
            start = time.monotonic()
            run = subprocess.run([args.cli, "upgrade", "--site", os.path.join(sim, "site.json"),
                                  "--approach", "in-place", "--version", "2.0.0", "--yes"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                                 text=True)
            seconds = time.monotonic() - start
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            logs = glob.glob(os.path.join(tmp, "state", "myst-upgrade", "runs", "*", "*pull.log*"))
            log_mb = sum(os.path.getsize(f) for f in logs) / 1e6
            print(f"step printed {args.mb} MB: exit {run.returncode}, {seconds:.1f} s, "
                  f"peak RSS of the CLI {peak_mb:.0f} MB (goal < 100), "
                  f"step log {log_mb:.0f} MB in {len(logs)} file(s)")
        finally:
            subprocess.run([HOSTSIM, "down", sim], check=False)


if __name__ == "__main__":
    main()
