#!/usr/bin/env python3
"""A TCP proxy that behaves like a long link: a bandwidth limit and a fixed one-way delay, set
independently, in each direction (this kernel has no netem).

Each direction is a link of RATE Mbit/s followed by DELAY_MS of propagation: a chunk is
timestamped when it arrives, takes its turn on the link (a pacer: the link is free again after
len * 8 / RATE seconds; pieces of at most 16 KiB keep it smooth), then is released DELAY_MS
after it left the link. Every byte is delayed, not every read, and the reader keeps reading
while earlier bytes are still in flight, so the pipe never stalls: the round trip is
2 x DELAY_MS (plus serialisation) whatever the bandwidth. What the proxy holds is bounded by
the bandwidth-delay product plus a 4 MiB queue (a router's buffer), beyond which it stops
reading and TCP pushes back.

Usage:
  delay-proxy.py LISTEN_PORT TARGET_PORT DELAY_MS [MBIT]    prints "ready" when listening
  delay-proxy.py sink LISTEN_PORT                           echo for "ping", count for "send"
  delay-proxy.py probe PORT                                 prints "rtt_ms=… mbit=…"
"""
import asyncio
import collections
import statistics
import sys
import time

PIECE = 16 * 1024
QUEUE_BYTES = 4 * 1024 * 1024


async def pipe(reader, writer, delay, rate):
    """Forward reader → writer through one direction of the simulated link."""
    loop = asyncio.get_running_loop()
    queue = collections.deque()
    arrived = asyncio.Event()
    room = asyncio.Event()
    room.set()
    held = 0
    cap = int(rate * delay) + QUEUE_BYTES if rate else 1 << 62
    link_free = 0.0

    async def send():
        nonlocal held
        while True:
            while not queue:
                arrived.clear()
                await arrived.wait()
            due, data = queue.popleft()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                writer.close()
                return
            writer.write(data)
            held -= len(data)
            if held <= cap:
                room.set()
            if writer.transport.get_write_buffer_size() > 1 << 20:
                await writer.drain()

    sender = asyncio.create_task(send())
    try:
        while True:
            data = await reader.read(256 * 1024)
            now = loop.time()
            if not data:
                queue.append((max(now, link_free) + delay, b""))
                arrived.set()
                break
            for i in range(0, len(data), PIECE):
                piece = data[i:i + PIECE]
                start = max(now, link_free)
                link_free = start + (len(piece) / rate if rate else 0)
                queue.append((link_free + delay, piece))
                held += len(piece)
            arrived.set()
            if held > cap:
                room.clear()
                await room.wait()
    except ConnectionError:
        queue.append((loop.time(), b""))
        arrived.set()
    try:
        await sender
    except ConnectionError:
        pass


async def proxy(listen, target, delay, rate):
    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer, delay, rate),
                             pipe(server_reader, client_writer, delay, rate),
                             return_exceptions=True)

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


async def sink(listen):
    """ "p" → echoes "p"; "s<n>\\n" then n bytes → replies "k" once they all arrived."""
    async def handle(reader, writer):
        while True:
            kind = await reader.read(1)
            if not kind:
                return
            if kind == b"p":
                writer.write(b"p")
            else:
                n = int(await reader.readline())
                while n > 0:
                    n -= len(await reader.read(min(n, 1 << 20)))
                writer.write(b"k")
            await writer.drain()

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


async def probe(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    rtts = []
    for _ in range(7):
        t = time.monotonic()
        writer.write(b"p")
        await writer.drain()
        await reader.readexactly(1)
        rtts.append(time.monotonic() - t)
    rtt = statistics.median(rtts)
    n = 48 * 1024 * 1024
    t = time.monotonic()
    writer.write(b"s%d\n" % n)
    block = bytes(1 << 20)
    for _ in range(n >> 20):
        writer.write(block)
        await writer.drain()
    await reader.readexactly(1)
    elapsed = time.monotonic() - t - rtt  # the last byte's trip and the reply's
    print("rtt_ms=%.1f mbit=%.1f" % (rtt * 1000, n * 8 / elapsed / 1e6), flush=True)
    writer.close()


def main():
    if sys.argv[1] == "sink":
        asyncio.run(sink(int(sys.argv[2])))
    elif sys.argv[1] == "probe":
        asyncio.run(probe(int(sys.argv[2])))
    else:
        rate = float(sys.argv[4]) * 1e6 / 8 if len(sys.argv) > 4 else 0.0
        asyncio.run(proxy(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) / 1000.0, rate))


main()
