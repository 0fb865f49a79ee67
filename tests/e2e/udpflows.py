#!/usr/bin/env python3
"""tests/e2e/udpflows.py - UDP flows with exact counts (tests/e2e/test_workers.sh; the seq-*
modes are lab.sh's lab_udp_exact).

  udpflows.py send DST PORT FLOWS ROUNDS GAP_S
      FLOWS sockets, each on its own source port (so the VTEPs' outer source ports, and the
      gateway workers' SO_REUSEPORT choice, differ per flow); ROUNDS rounds of one 200-byte
      datagram per socket, GAP_S seconds between rounds. Prints the number sent; fails if a
      send fails (the count would then not be exact).
  udpflows.py recv PORT EXPECT MAX_S [BIND]
      Counts datagrams on PORT until EXPECT arrived (then 0.5 s more, to see extras), 3 s of
      silence after the first one, or MAX_S seconds. Prints JSON: received, sources.
  udpflows.py seq-send DST PORT COUNT SIZE FLOWS TAG
      COUNT datagrams numbered 0..COUNT-1, round robin over FLOWS sockets (source ports, so
      that gateway workers and uplink fan-out see several flows), at most 4000 per second.
      Each one holds TAG, its number, and a payload derived from both; lengths vary from 12
      to SIZE bytes (odd ones too: the checksum's padding). Prints the number sent.
  udpflows.py seq-recv PORT COUNT MAX_S TAG [BIND]
      Receives until each number arrived (then 0.5 s more, to see late duplicates), 2 s of
      silence (from the start or the last datagram), or MAX_S seconds. Prints JSON: expected, received,
      distinct, missing, duplicates, corrupt (wrong length or payload), foreign (another TAG).
      Exit 0 only when each of 0..COUNT-1 arrived exactly once, intact, and nothing else.
      (A datagram whose UDP checksum is wrong never gets here: the kernel drops it and
      counts it in UdpInCsumErrors.)

DST may be an IPv4 or an IPv6 address; a receiver listens on BIND (default 0.0.0.0; :: for
IPv6, which takes IPv4 too).

Both sides are bounded in count and time; the receiver's buffer is forced large (root) so
that a descheduled receiver does not lose what the gateway delivered.
"""
import json
import socket
import struct
import sys
import time

SO_RCVBUFFORCE = 33
SEQ_HDR = struct.Struct("!IIH")  # tag, sequence number, length
PATTERN = bytes((i * 7 + 3) & 0xFF for i in range(65536 + 256))


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def senders(dst, flows):
    """flows sockets of dst's family, each bound to its own source port"""
    socks = []
    for _ in range(flows):
        s = socket.socket(family(dst), socket.SOCK_DGRAM)
        s.bind(("::" if family(dst) == socket.AF_INET6 else "0.0.0.0", 0))
        socks.append(s)
    return socks


def receiver(bind, port):
    s = socket.socket(family(bind), socket.SOCK_DGRAM)
    big_rcvbuf(s)
    s.bind((bind, port))
    s.settimeout(0.1)
    return s


def send(dst, port, flows, rounds, gap):
    socks = senders(dst, flows)
    payload = b"w" * 200
    sent = 0
    for _ in range(rounds):
        for s in socks:
            s.sendto(payload, (dst, port))
            sent += 1
        if gap > 0:
            time.sleep(gap)
    print(sent)


def recv(port, expect, max_s, bind):
    s = receiver(bind, port)
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


def big_rcvbuf(s):
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)


def seq_len(seq, size):
    return SEQ_HDR.size + (seq * 37) % (size - SEQ_HDR.size + 1)


def seq_payload(tag, seq, n):
    off = seq % 251
    return SEQ_HDR.pack(tag, seq, n) + PATTERN[off:off + n - SEQ_HDR.size]


def seq_send(dst, port, count, size, flows, tag):
    if not SEQ_HDR.size <= size <= 65507 or not 0 < count <= 100000 or not 0 < flows <= 64:
        sys.exit("seq-send: SIZE %d..65507, COUNT 1..100000, FLOWS 1..64" % SEQ_HDR.size)
    socks = senders(dst, flows)
    t0 = time.monotonic()
    for seq in range(count):
        socks[seq % flows].sendto(seq_payload(tag, seq, seq_len(seq, size)), (dst, port))
        # at most 4000/s: a burst no receiver queue or gateway ring would drop by itself
        ahead = t0 + (seq + 1) / 4000.0 - time.monotonic()
        if ahead > 0.002:
            time.sleep(ahead)
    print(count)


def seq_recv(port, count, max_s, tag, bind):
    s = receiver(bind, port)
    seen = {}
    received = corrupt = foreign = 0
    end = time.monotonic() + max_s
    last, complete_at = time.monotonic(), None
    while True:
        now = time.monotonic()
        if now >= end or (complete_at is not None and now >= complete_at + 0.5):
            break
        if now >= last + 2:
            break
        try:
            data = s.recv(65536)
        except socket.timeout:
            continue
        last = time.monotonic()
        received += 1
        if len(data) < SEQ_HDR.size:
            corrupt += 1
            continue
        t, seq, n = SEQ_HDR.unpack_from(data)
        if t != tag:
            foreign += 1
            continue
        if seq >= count or data != seq_payload(tag, seq, n):
            corrupt += 1
            continue
        seen[seq] = seen.get(seq, 0) + 1
        if complete_at is None and len(seen) == count:
            complete_at = last
    dups = sum(c - 1 for c in seen.values())
    missing = sorted(set(range(count)) - set(seen))
    r = {"expected": count, "received": received, "distinct": len(seen),
         "missing": len(missing), "duplicates": dups, "corrupt": corrupt, "foreign": foreign}
    if missing:
        r["first_missing"] = missing[:10]
    print(json.dumps(r))
    return 0 if (len(seen) == count and not dups and not corrupt and not foreign) else 1


def main(argv):
    if len(argv) == 6 and argv[0] == "send":
        send(argv[1], int(argv[2]), int(argv[3]), int(argv[4]), float(argv[5]))
    elif len(argv) in (4, 5) and argv[0] == "recv":
        recv(int(argv[1]), int(argv[2]), float(argv[3]), (argv[4:] or ["0.0.0.0"])[0])
    elif len(argv) == 7 and argv[0] == "seq-send":
        seq_send(argv[1], int(argv[2]), int(argv[3]), int(argv[4]), int(argv[5]), int(argv[6]))
    elif len(argv) in (5, 6) and argv[0] == "seq-recv":
        sys.exit(seq_recv(int(argv[1]), int(argv[2]), float(argv[3]), int(argv[4]),
                          (argv[5:] or ["0.0.0.0"])[0]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
