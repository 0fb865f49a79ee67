#!/usr/bin/env python3
"""tests/e2e/tcpxfer.py - one TCP connection, a known byte stream each way, counted exactly
(lab.sh's lab_tcp_exact).

  tcpxfer.py serve PORT NBYTES MAX_S [BIND]  accept one connection on PORT (BIND: 0.0.0.0
                                             by default, :: for IPv6)
  tcpxfer.py send DST PORT NBYTES MAX_S      connect to DST:PORT (IPv4 or IPv6)

Both ends do the same once connected: one thread writes NBYTES of a fixed pseudo-random
stream and then shuts its side down (FIN); the other reads until the peer's FIN and
compares every byte with the stream it expects. Prints JSON: sent, received, intact (every
byte received as sent), error. Exit 0 only when NBYTES went out, exactly NBYTES came in,
intact, within MAX_S seconds. Bounded: NBYTES <= 1 GiB, MAX_S <= 300.
"""
import json
import random
import socket
import sys
import threading
import time

# the stream: a 65521-byte (prime) random block repeated, so that no segment boundary lines
# up with a repetition
BLOCK = random.Random(20240611).randbytes(65521)
CHUNK = 1 << 16


def expected(pos, n):
    """n bytes of the stream from position pos"""
    out = bytearray()
    while n > 0:
        off = pos % len(BLOCK)
        take = min(n, len(BLOCK) - off)
        out += BLOCK[off:off + take]
        pos += take
        n -= take
    return bytes(out)


def run(sock, nbytes, deadline):
    res = {"sent": 0, "received": 0, "intact": True, "error": None}

    def writer():
        try:
            pos = 0
            while pos < nbytes:
                sock.settimeout(max(0.1, deadline - time.monotonic()))
                pos += sock.send(expected(pos, min(CHUNK, nbytes - pos)))
                res["sent"] = pos
            sock.shutdown(socket.SHUT_WR)
        except OSError as e:
            res["error"] = "send: %s" % e

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    try:
        pos = 0
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                res["error"] = res["error"] or "timeout"
                break
            sock.settimeout(left)
            data = sock.recv(CHUNK)
            if not data:
                break
            if res["intact"] and data != expected(pos, len(data)):
                res["intact"] = False
            pos += len(data)
            res["received"] = pos
    except OSError as e:
        res["error"] = res["error"] or "recv: %s" % e
    t.join(max(0.1, deadline - time.monotonic()))
    if t.is_alive():
        res["error"] = res["error"] or "send: timeout"
    print(json.dumps(res))
    ok = (res["sent"] == nbytes and res["received"] == nbytes and res["intact"] and
          not res["error"])
    return 0 if ok else 1


def main(argv):
    if len(argv) in (4, 5) and argv[0] == "serve":
        port, nbytes, max_s = int(argv[1]), int(argv[2]), float(argv[3])
        bind = (argv[4:] or ["0.0.0.0"])[0]
    elif len(argv) == 5 and argv[0] == "send":
        dst, port, nbytes, max_s = argv[1], int(argv[2]), int(argv[3]), float(argv[4])
    else:
        sys.exit(__doc__)
    if not 0 < nbytes <= 1 << 30 or not 0 < max_s <= 300:
        sys.exit("NBYTES 1..1 GiB, MAX_S up to 300")
    deadline = time.monotonic() + max_s
    if argv[0] == "serve":
        ls = socket.socket(socket.AF_INET6 if ":" in bind else socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((bind, port))
        ls.listen(1)
        ls.settimeout(max_s)
        try:
            sock, _ = ls.accept()
        except socket.timeout:
            print(json.dumps({"sent": 0, "received": 0, "intact": False, "error": "no connection"}))
            return 1
        ls.close()
    else:
        try:
            sock = socket.create_connection((dst, port), timeout=min(max_s, 5))
        except OSError as e:
            print(json.dumps({"sent": 0, "received": 0, "intact": False,
                              "error": "connect: %s" % e}))
            return 1
    return run(sock, nbytes, deadline)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
