#!/usr/bin/env python3
"""Writes tests/fuzz/corpus/nd/: seeds for fuzz_nd (python3, no dependencies).

Each seed is an IPv6 header and the ICMPv6 ND message after it, checksum included: an NS
to a solicited-node group and one for DAD, a solicited NA and an unsolicited one, an RA
with its options, an RS, and a message with an option of length 0.
"""
import ipaddress
import os
import struct

MAC = bytes.fromhex("525400123456")
LL = ipaddress.IPv6Address("fe80::5054:ff:fe12:3456").packed
GLOBAL = ipaddress.IPv6Address("2001:db8::1").packed
UNSPEC = bytes(16)
ALL_NODES = ipaddress.IPv6Address("ff02::1").packed
ALL_ROUTERS = ipaddress.IPv6Address("ff02::2").packed


def solicited_node(a):
    return ipaddress.IPv6Address("ff02::1:ff00:0").packed[:13] + a[13:]


def checksum(src, dst, msg):
    data = src + dst + struct.pack("!IxxxB", len(msg), 58) + msg
    data += b"\0" * (len(data) % 2)
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def packet(src, dst, msg):
    msg = msg[:2] + struct.pack("!H", checksum(src, dst, msg)) + msg[4:]
    return struct.pack("!IHBB", 6 << 28, len(msg), 58, 255) + src + dst + msg


def lladdr(kind):
    return bytes([kind, 1]) + MAC


def prefix(text, flags, valid, preferred):
    net = ipaddress.IPv6Network(text)
    return struct.pack("!BBBBIII", 3, 4, net.prefixlen, flags, valid, preferred, 0) + \
        net.network_address.packed


SEEDS = {
    "ns_resolve": packet(LL, solicited_node(GLOBAL),
                         bytes([135, 0, 0, 0, 0, 0, 0, 0]) + GLOBAL + lladdr(1)),
    "ns_dad": packet(UNSPEC, solicited_node(GLOBAL), bytes([135, 0, 0, 0, 0, 0, 0, 0]) + GLOBAL),
    "na_solicited": packet(GLOBAL, LL, bytes([136, 0, 0, 0, 0xE0, 0, 0, 0]) + GLOBAL + lladdr(2)),
    "na_unsolicited": packet(GLOBAL, ALL_NODES,
                             bytes([136, 0, 0, 0, 0x20, 0, 0, 0]) + GLOBAL + lladdr(2)),
    "ra": packet(LL, ALL_NODES,
                 struct.pack("!BBHBBHII", 134, 0, 0, 64, 0xC0, 1800, 30000, 1000) + lladdr(1) +
                 struct.pack("!BBHI", 5, 1, 0, 1450) +
                 prefix("2001:db8:10::/64", 0xC0, 2592000, 604800) +
                 prefix("2001:db8:20::/48", 0x80, 86400, 0)),
    "rs": packet(LL, ALL_ROUTERS, bytes([133, 0, 0, 0, 0, 0, 0, 0]) + lladdr(1)),
    "option_len0": packet(LL, solicited_node(GLOBAL),
                          bytes([135, 0, 0, 0, 0, 0, 0, 0]) + GLOBAL + bytes([1, 0]) + MAC),
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "nd")
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name + ".bin"), "wb") as f:
        f.write(data)
