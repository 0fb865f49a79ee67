#!/usr/bin/env python3
"""tests/e2e/udpflows.py - many small UDP flows with exact counts, for tests/e2e/test_workers.sh.

  udpflows.py send DST PORT FLOWS ROUNDS GAP_S
      FLOWS sockets, each on its own source port (so the VTEPs' outer source ports, and the
      gateway workers' SO_REUSEPORT choice, differ per flow); ROUNDS rounds of one 200-byte
      datagram per socket, GAP_S seconds between rounds. Prints the number sent; fails if a
      send fails (the count would then not be exact).
  udpflows.py recv PORT EXPECT MAX_S
      Counts datagrams on PORT until EXPECT arrived (then 0.5 s more, to see extras), 3 s of
      silence after the first one, or MAX_S seconds. Prints JSON: received, sources.

Both sides are bounded in count and time; the receiver's buffer is forced large (root) so
that a descheduled receiver does not lose what the gateway delivered.
"""
import json
import socket
import sys
import time

SO_RCVBUFFORCE = 33


def send(dst, port, flows, rounds, gap):
    socks = []
    for _ in range(flows):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", 0))
        socks.append(s)
    payload = b"w" * 200
    sent = 0
    for _ in range(rounds):
        for s in socks:
            s.sendto(payload, (dst, port))
            sent += 1
        if gap > 0:
            time.sleep(gap)
    print(sent)


def recv(port, expect, max_s):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    s.bind(("0.0.0.0", port))
    s.settimeout(0.1)
    n, sources = 0, set()
    end = time.monotonic() + max_s
    last = None
    full_at = None
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if full_at is not None and now >= full_at + 0.5:
            break
        if last is not None and now >= last + 3:
            break
        try:
            _, addr = s.recvfrom(4096)
        except socket.timeout:
            continue
        n += 1
        sources.add(addr)
        last = time.monotonic()
        if n >= expect and full_at is None:
            full_at = last
    print(json.dumps({"received": n, "sources": len(sources)}))


def main(argv):
    if len(argv) == 6 and argv[0] == "send":
        send(argv[1], int(argv[2]), int(argv[3]), int(argv[4]), float(argv[5]))
    elif len(argv) == 4 and argv[0] == "recv":
        recv(int(argv[1]), int(argv[2]), float(argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
