#!/usr/bin/env python3
"""Writes tests/fuzz/corpus/frame/: seeds for fuzz_frame (python3, no dependencies).

Each seed is an underlay Ethernet frame as AF_XDP hands it over: IPv4 or IPv6, UDP to the
VXLAN port, a VXLAN header and an inner frame with a TCP or UDP packet. Checksums complete,
left for a NIC (the field holds the pseudo-header sum: the inner one, the outer one, both,
the outer IPv6 one computed by local checksum offload over the completed inner packet),
or 0; IPv4 options and Ethernet padding.
"""
import ipaddress
import os
import struct

TCP, UDP = 6, 17


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def osum(data, s=0):
    data += b"\0" * (len(data) % 2)
    return fold(s + sum(struct.unpack("!%dH" % (len(data) // 2), data)))


def pseudo(src, dst, proto, n):
    if len(src) == 4:
        return osum(src + dst + struct.pack("!BBH", 0, proto, n))
    return osum(src + dst + struct.pack("!IxxxB", n, proto))


def with_sum(l4, at, src, dst, proto, mode):
    """l4 with its checksum at offset at: "full", "partial" (left for a NIC) or "zero"."""
    l4 = l4[:at] + b"\0\0" + l4[at + 2:]
    ph = pseudo(src, dst, proto, len(l4))
    c = {"full": ~osum(l4, ph) & 0xFFFF or 0xFFFF, "partial": ph, "zero": 0}[mode]
    return l4[:at] + struct.pack("!H", c) + l4[at + 2:]


def ip4(src, dst, proto, body, opts=b""):
    hl = 20 + len(opts)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, 0xB8, hl + len(body), 1, 0x4000, 64,
                    proto, 0, src, dst) + opts
    return h[:10] + struct.pack("!H", ~osum(h) & 0xFFFF) + h[12:] + body


def ip6(src, dst, proto, body):
    return struct.pack("!IHBB", 6 << 28 | 0xB8 << 20 | 0x12345, len(body), proto, 64) + src + \
        dst + body


def eth(etype, body):
    return bytes.fromhex("020000000002020000000001") + struct.pack("!H", etype) + body


def inner(v6, proto, mode, n=40):
    if v6:
        src, dst = (ipaddress.IPv6Address(a).packed for a in ("fd00::1", "fd00::2"))
    else:
        src, dst = (ipaddress.IPv4Address(a).packed for a in ("10.0.0.1", "10.0.0.2"))
    data = bytes((i * 7 + 3) & 0xFF for i in range(n))
    if proto == TCP:
        l4 = struct.pack("!HHIIBBHHH", 40000, 80, 1, 0, 5 << 4, 0x18, 65535, 0, 0) + data
        l4 = with_sum(l4, 16, src, dst, TCP, mode)
    else:
        l4 = with_sum(struct.pack("!HHHH", 40000, 53, 8 + n, 0) + data, 6, src, dst, UDP, mode)
    packet = ip6(src, dst, proto, l4) if v6 else ip4(src, dst, proto, l4)
    vxlan = struct.pack("!II", 0x08000000, 42 << 8)
    return vxlan + eth(0x86DD if v6 else 0x0800, packet)


def outer(v6, payload, mode, opts=b"", lco_of=None):
    """The underlay frame around payload; lco_of: the payload the outer checksum counts
    (local checksum offload: the inner packet as the NIC will complete it)."""
    if v6:
        src, dst = (ipaddress.IPv6Address(a).packed for a in ("2001:db8::1", "2001:db8::2"))
    else:
        src, dst = (ipaddress.IPv4Address(a).packed for a in ("192.0.2.1", "192.0.2.2"))
    udp = with_sum(struct.pack("!HHHH", 49152, 4789, 8 + len(payload), 0) + (lco_of or payload),
                   6, src, dst, UDP, mode)[:8] + payload
    return eth(0x86DD, ip6(src, dst, UDP, udp)) if v6 else eth(0x0800, ip4(src, dst, UDP, udp, opts))


SEEDS = {
    "ip4_tcp": outer(False, inner(False, TCP, "full"), "full"),
    "ip4_csum0_inner_udp6": outer(False, inner(True, UDP, "full"), "zero"),
    "ip4_options_padded": outer(False, inner(False, TCP, "full", 3), "full", opts=b"\x01" * 4) +
    b"\0" * 20,
    "ip4_both_partial": outer(False, inner(False, TCP, "partial"), "partial"),
    "ip6_tcp": outer(True, inner(False, TCP, "full"), "full"),
    "ip6_zero": outer(True, inner(True, TCP, "full"), "zero"),
    "ip6_outer_partial": outer(True, inner(True, UDP, "full"), "partial"),
    "ip6_inner_partial_lco": outer(True, inner(False, TCP, "partial", 300), "full",
                                   lco_of=inner(False, TCP, "full", 300)),
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "frame")
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name + ".bin"), "wb") as f:
        f.write(data)
