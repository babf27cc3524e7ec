#!/usr/bin/env python3
"""Issue 4 of 8: SSH-level keepalive. Between the laptop and the host sits a relay that, like a
NAT or a firewall, forgets a connection that has been quiet for 3 s. A step that prints nothing
for 6 s then loses its session unless keepalive@openssh.com requests keep it busy."""
import json
import os
import socket
import threading
import time
import unittest

from clitest import CliTestCase

IDLE_LIMIT = 3.0


class IdleDroppingRelay(threading.Thread):
    def __init__(self, target):
        super().__init__(daemon=True)
        self.target = target
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.port = self.server.getsockname()[1]
        self.dropped = 0

    def run(self):
        while True:
            client, _ = self.server.accept()
            upstream = socket.create_connection(self.target)
            threading.Thread(target=self.pair, args=(client, upstream), daemon=True).start()

    def pair(self, a, b):
        last = [time.monotonic()]
        done = threading.Event()

        def pump(src, dst):
            try:
                while not done.is_set():
                    data = src.recv(65536)
                    if not data:
                        break
                    last[0] = time.monotonic()
                    dst.sendall(data)
            except OSError:
                pass
            done.set()

        for src, dst in ((a, b), (b, a)):
            threading.Thread(target=pump, args=(src, dst), daemon=True).start()
        while not done.wait(0.2):
            if time.monotonic() - last[0] > IDLE_LIMIT:
                self.dropped += 1
                break
        done.set()
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


class Keepalive(CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        host = cls.site_json["hosts"]["prod"]
        cls.relay = IdleDroppingRelay(("127.0.0.1", host["port"]))
        cls.relay.start()
        with open(cls.site_json["knownHosts"]) as f:
            key = f.read().split("\n")[0].split(" ", 1)[1]
        with open(cls.site_json["knownHosts"], "a") as f:
            f.write(f"[127.0.0.1]:{cls.relay.port} {key}\n")

    def upgrade_through_relay(self, keepalive):
        with open(self.site) as f:
            site = json.load(f)
        site["hosts"]["prod"]["port"] = self.relay.port
        site["settings"] = {"sshKeepaliveSeconds": keepalive, "reconnectSeconds": 60}
        path = os.path.join(self.tmp.name, f"relay-{keepalive}.json")
        with open(path, "w") as f:
            json.dump(site, f)
        self.set_fault("pull", "slow 6")
        try:
            p, events = self.cli_json("upgrade", "--site", path, "--approach", "in-place",
                                      "--version", "2.0.0", "--yes")
        finally:
            self.set_fault("pull", None)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = [e.get("line", "") for e in events if e["event"] == "output"]
        self.assertEqual(self.cli("rollback", "--site", path, "--last", "--yes").returncode, 0)
        return [l for l in lines if l.startswith("[wizard] reconnected")]

    def test_1_without_keepalive_the_quiet_step_is_dropped(self):
        # Shows the relay does what a NAT does; the run survives only by reconnecting.
        self.assertTrue(self.upgrade_through_relay(0))

    def test_2_with_keepalive_the_session_stays(self):
        dropped_before = self.relay.dropped
        self.assertEqual(self.upgrade_through_relay(1), [])
        self.assertEqual(self.relay.dropped, dropped_before)


if __name__ == "__main__":
    unittest.main(verbosity=2)
