#!/usr/bin/env python3
"""Moves the kernel's PACKET_FANOUT group counter so that the next group created with
PACKET_FANOUT_FLAG_UNIQUEID gets id TARGET (default 0).

The kernel numbers such groups from one counter shared by every network namespace
(fanout_next_id in net/packet/af_packet.c), which starts at 0 after boot and wraps at
65536; it skips ids that are in use in the namespace of the socket asking. Two ways to
touch it:
  - a socket bound to a protocol that asks for a unique group gets the counter's value
    (the id getsockopt reports) and moves it on by one: that is how it is read;
  - a socket bound to nothing that asks also moves it on by one, and the kernel then
    refuses the request (EINVAL) and drops the group at once: a cheap step, with no
    socket to close (closing a packet socket waits for an RCU grace period).
Run it in a namespace of its own where no fanout group exists (the lab's ext), so that
no id is skipped. Other processes on the host that create groups meanwhile move the
counter too: the result is read back and the whole dance retried (bounded).

usage: fanout_id.py [TARGET [SECONDS]]
prints the id the last probe got; exit 0 when the next unique group gets TARGET, 1 when
that could not be had within SECONDS (default 20) or 5 attempts.
"""
import errno
import socket
import struct
import sys
import time

SOL_PACKET = 263
PACKET_FANOUT = 18
PACKET_FANOUT_HASH = 0
PACKET_FANOUT_FLAG_UNIQUEID = 0x2000
ETH_P_TEST = 0x88B5  # IEEE 802 local experimental: nothing the lab sends
ARG = struct.pack("I", (PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_UNIQUEID) << 16)


def probe():
    """The id a new unique group gets now (the counter moves past it)."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_TEST))
    try:
        s.setsockopt(SOL_PACKET, PACKET_FANOUT, ARG)
        return struct.unpack("I", s.getsockopt(SOL_PACKET, PACKET_FANOUT, 4))[0] & 0xFFFF
    finally:
        s.close()


def advance(steps):
    """Moves the counter on by `steps` (each a refused request)."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    try:
        for _ in range(steps):
            try:
                s.setsockopt(SOL_PACKET, PACKET_FANOUT, ARG)
            except OSError as e:
                if e.errno != errno.EINVAL:
                    raise
            else:
                raise RuntimeError("an unbound packet socket joined a fanout group")
    finally:
        s.close()


def main():
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    if not 0 <= target <= 0xFFFF:
        sys.exit("TARGET must be 0..65535")
    end = time.monotonic() + seconds
    last = (target - 1) & 0xFFFF  # the probe that leaves the counter at target takes this
    got = None
    for _ in range(5):
        if time.monotonic() > end:
            break
        got = probe()
        if got == last:
            print(got)
            return 0
        # after the probe the counter is got + 1; the final probe must find it at `last`
        advance((last - (got + 1)) & 0xFFFF)
        got = probe()
        if got == last:
            print(got)
            return 0
    print(got if got is not None else "none")
    print("the fanout counter could not be moved to %d (other groups created meanwhile?)"
          % target, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
