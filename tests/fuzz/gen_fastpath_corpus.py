#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_fastpath (tests/fuzz/corpus/fastpath/*.bin).

fuzz_fastpath reads the records of fuzz_pipeline (gen_pipeline_corpus.py explains them),
so the frames and addresses are that script's. Its seeds are a few frames per path the
workers' fast path forwards (VNI -> VNI, VNI -> uplink, uplink -> VNI, uplink -> uplink,
802.1Q sub-interface -> VNI, super-packets cut), in vectors of several packets, once the
hosts are learned, and the drops each of those paths must leave to the main thread with
the pipeline's reason, alone and mixed into a vector of forwards. The same for IPv6 (the
addresses of fuzz_gw_init_ip6 in fuzz_topo.h), with IPv4 in the same vectors.

usage: tests/fuzz/gen_fastpath_corpus.py [OUTDIR]   (default: next to this script)
"""
import os
import socket
import struct
import sys

from gen_pipeline_corpus import (ADV_1MS, ADV_30S, ARP_REQ_H51, BCAST, BDIF10, BDIF20,
                                 E_GROUP, E_UP2, E_VTEP11, FLIP, GSO, CSUM, H50, H51, H60,
                                 JOIN, LEARN_H60, PEER2, UP0, UPNH, UP2, V11, V12, V13, V99,
                                 VNI10, VNI20, VNI30, arp_frame, csum, eth, from11,
                                 from_uplink, from_vtep, icmp_echo, ipv4, ping, rec, tcp_data,
                                 udp, vlan, vxlan)

H62 = bytes.fromhex("02aa00000062")
LEARN_H62 = from_vtep(V13, VNI20, arp_frame(1, BCAST, H62, "10.1.20.62", b"\0" * 6,
                                            "10.1.20.1"))
LEARN_H51 = from_vtep(V12, VNI10, ARP_REQ_H51)
LEARN_PEER2 = from_uplink(arp_frame(1, BCAST, PEER2, "100.64.0.1", b"\0" * 6, "100.64.0.0"),
                          entry=E_UP2)


def vector(recs):
    """The records joined into one vector (the first one moves the clock by 1 ms)."""
    out = b""
    for i, (make, args, kw) in enumerate(recs):
        out += make(*args, ctl=JOIN if i else ADV_1MS, **kw)
    return out


def h50_to(dst, n=32, **kw):
    return ping(BDIF10, H50, "10.1.10.50", dst, n=n, **kw)


# ---------------------------------------------------------------- IPv6
def ip6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def ipv6(src, dst, nxt, payload, hlim=64, plen=None, ver=6):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", ver << 28 | 0xabc, plen, nxt, hlim, ip6(src),
                       ip6(dst)) + payload


def with_sum6(src, dst, nxt, h, at):
    """Upper-layer header h with its checksum (at byte at) over the IPv6 pseudo-header."""
    c = csum(ip6(src) + ip6(dst) + struct.pack("!IxxxB", len(h), nxt) + h) or 0xFFFF
    return h[:at] + struct.pack("!H", c) + h[at + 2:]


def icmp6(src, dst, typ, body):
    return with_sum6(src, dst, 58, struct.pack("!BBH", typ, 0, 0) + body, 2)


def ping6(dst_mac, src_mac, src, dst, n=32, **kw):
    body = struct.pack("!HH", 0x77, 1) + bytes((i * 7 + 3) & 0xFF for i in range(n))
    return eth(dst_mac, src_mac, 0x86dd, ipv6(src, dst, 58, icmp6(src, dst, 128, body), **kw))


def udp6(dst_mac, src_mac, src, dst, sport=4000, dport=53, n=16, **kw):
    h = with_sum6(src, dst, 17, udp(sport, dport, n), 6)
    return eth(dst_mac, src_mac, 0x86dd, ipv6(src, dst, 17, h, **kw))


def tcp6(dst_mac, src_mac, src, dst, n, **kw):
    h = with_sum6(src, dst, 6, tcp_data(40000, 443, n), 16)
    return eth(dst_mac, src_mac, 0x86dd, ipv6(src, dst, 6, h, **kw))


def na6(src_mac, src, dst_mac, dst):
    """A solicited neighbour advertisement (override) for src with its MAC."""
    body = struct.pack("!B3x16sBB6s", 0x60, ip6(src), 2, 1, src_mac)
    return eth(dst_mac, src_mac, 0x86dd, ipv6(src, dst, 58, icmp6(src, dst, 136, body),
                                              hlim=255))


H50_6, H60_6, H62_6 = "2001:db8:10::50", "2001:db8:20::60", "2001:db8:20::62"
UPNH_6, FAR_6 = "2001:db8:ff::1", "2001:4860::8888"


def h50_to6(dst, n=32, **kw):
    return ping6(BDIF10, H50, H50_6, dst, n=n, **kw)


SEEDS = {}

# ---- forwarded: each path, a vector of them
SEEDS["vni_to_vni"] = LEARN_H60 + LEARN_H62 + vector(
    [(from11, (VNI10, h50_to("10.1.20.60", n=8 * i)), {}) for i in range(6)] +
    [(from_vtep, (V13, VNI20, ping(BDIF20, H62, "10.1.20.62", "10.1.10.50")), {})])
SEEDS["vni_to_vni_both_ways"] = LEARN_H60 + LEARN_H51 + vector(
    [(from_vtep, (V12, VNI20, ping(BDIF20, H60, "10.1.20.60", "10.1.10.51")), {}),
     (from_vtep, (V12, VNI10, ping(BDIF10, H51, "10.1.10.51", "10.1.20.60")), {}),
     (from11, (VNI10, h50_to("10.9.1.1")), {})])
SEEDS["vni_to_uplink"] = vector(
    [(from11, (VNI10, h50_to("8.8.8.%d" % i, n=20 * i)), {}) for i in range(1, 6)] +
    [(from11, (VNI10, eth(BDIF10, H50, 0x0800, ipv4("10.1.10.50", "9.9.9.9", 17,
                                                    udp(5000, 53)))), {})])
SEEDS["uplink_to_vni"] = LEARN_H60 + vector(
    [(from_uplink, (ping(UP0, UPNH, "8.8.8.%d" % i, "10.1.20.60"),), {}) for i in range(4)] +
    [(from_uplink, (ping(UP0, UPNH, "8.8.4.4", "10.1.10.50"),), {})])
SEEDS["uplink_to_uplink"] = LEARN_PEER2 + vector(
    [(from_uplink, (ping(UP0, UPNH, "8.8.8.8", "100.64.0.1"),), {}),
     (from_uplink, (ping(UP0, UPNH, "8.8.8.8", "203.0.113.1"),), {})])
SEEDS["vlan100_to_vni"] = from_uplink(vlan(UP0, H51, 100, 0x0806, arp_frame(
    1, BCAST, H51, "172.16.100.9", b"\0" * 6, "172.16.100.1")[14:])) + vector(
    [(from_uplink, (vlan(UP0, H51, 100, 0x0800, ipv4("172.16.100.9", "10.1.10.50", 1,
                                                     icmp_echo())),), {}),
     (from_uplink, (vlan(UP0, H51, 0x6064, 0x0800, ipv4("172.16.100.9", "10.1.10.50", 17,
                                                        udp(1, 2))),), {})])
SEEDS["vni_to_vlan100"] = from_uplink(vlan(UP0, H51, 100, 0x0806, arp_frame(
    1, BCAST, H51, "172.16.100.9", b"\0" * 6, "172.16.100.1")[14:])) + vector(
    [(from11, (VNI10, h50_to("10.7.1.%d" % i)), {}) for i in range(3)])
SEEDS["super_packet_cut"] = LEARN_H60 + rec(
    E_VTEP11, ADV_1MS, vxlan(VNI10, eth(BDIF10, H50, 0x0800, ipv4(
        "10.1.10.50", "10.1.20.60", 6, tcp_data(40000, 443, 2800), df=True))), var=GSO | CSUM)
SEEDS["mac_refresh_over_time"] = LEARN_H51 + b"".join(
    from_vtep(V12, VNI10, ping(BDIF10, H51, "10.1.10.51", "8.8.8.8"), ctl=ADV_30S)
    for _ in range(5))

# the BDIF's own MAC learned behind a VTEP, then bdif10 made an anycast gateway (ctl 0x80):
# another gateway of the fabric, dropped (anycast_gateway_peer), never forwarded (to a
# BDIF: the flip takes the uplink sockets away)
SEEDS["anycast_peer_after_flip"] = (
    from11(VNI10, ping(BDIF10, BDIF10, "10.1.10.77", "10.1.10.50")) +
    from11(VNI10, ping(BDIF10, BDIF10, "10.1.10.77", "10.1.10.50"), ctl=FLIP | ADV_1MS) +
    from11(VNI10, ping(BDIF10, BDIF10, "10.1.10.77", "10.1.10.50"), ctl=FLIP | ADV_1MS))

# ---- left to the main thread: drops, alone and amid forwards
SEEDS["drops_vxlan"] = b"".join([
    rec(E_VTEP11, ADV_1MS, vxlan(VNI10, h50_to("8.8.8.8"), flags=0x0c)),
    rec(E_VTEP11, ADV_1MS, vxlan(VNI10, h50_to("8.8.8.8"), rsv2=1)),
    rec(E_VTEP11, ADV_1MS, vxlan(VNI10, h50_to("8.8.8.8"), flags=0)),
    rec(E_VTEP11, ADV_1MS, vxlan(4321, h50_to("8.8.8.8"))),
    from_vtep(V99, VNI10, h50_to("8.8.8.8")),
    rec(E_GROUP, ADV_1MS, vxlan(VNI10, h50_to("8.8.8.8")), var=V11),
    rec(E_GROUP, ADV_1MS, vxlan(VNI30, h50_to("8.8.8.8")), var=V13),
])
SEEDS["drops_inner_frame"] = vector([
    (from11, (VNI10, h50_to("8.8.8.8")), {}),
    (from11, (VNI10, vlan(BDIF10, H50, 10, 0x0800, ipv4("10.1.10.50", "8.8.8.8", 1,
                                                        icmp_echo()))), {}),
    (from11, (VNI10, BDIF10 + H50), {}),
    (from11, (VNI10, eth(BDIF10, BCAST, 0x0800, ipv4("10.1.10.50", "8.8.8.8", 1,
                                                     icmp_echo()))), {}),
    (from11, (VNI10, eth(BDIF20, H50, 0x0800, ipv4("10.1.10.50", "8.8.8.8", 1,
                                                   icmp_echo()))), {}),
    (from11, (VNI10, eth(BCAST, H50, 0x0800, ipv4("10.1.10.50", "8.8.8.8", 1,
                                                  icmp_echo()))), {}),
    (from11, (VNI10, eth(BDIF10, H50, 0x86dd, b"\x60" + b"\0" * 39)), {}),
    (from_vtep, (V12, VNI10, h50_to("8.8.8.8")), {}),
    (from11, (VNI10, h50_to("8.8.8.8", ttl=1)), {}),
    (from11, (VNI10, h50_to("8.8.8.8")), {}),
])
SEEDS["drops_uplink"] = vector([
    (from_uplink, (ping(UP0, UPNH, "8.8.8.8", "10.1.10.50"),), {}),
    (from_uplink, (ping(UP2, UPNH, "8.8.8.8", "10.1.10.50"),), {}),
    (from_uplink, (vlan(UP0, UPNH, 300, 0x0800, ipv4("8.8.8.8", "10.1.10.50", 1,
                                                     icmp_echo())),), {}),
    (from_uplink, (UP0 + UPNH + b"\x81\0\0",), {}),
    (from_uplink, (ping(UP0, BCAST, "8.8.8.8", "10.1.10.50"),), {}),
    (from_uplink, (ping(UP0, UPNH, "8.8.8.8", "198.18.0.1"),), {}),
    (from_uplink, (ping(UP0, UPNH, "8.8.8.8", "10.1.10.50", ttl=1),), {}),
    (from_uplink, (ping(UP0, UPNH, "8.8.8.8", "10.1.10.50"),), {}),
])
SEEDS["forwards_then_too_big"] = LEARN_H60 + vector(
    [(from11, (VNI10, h50_to("10.1.20.60", n=1000, df=True)), {}),
     (from11, (VNI10, h50_to("10.1.20.60", n=400)), {}),
     (from11, (VNI10, h50_to("10.1.20.60", n=1000)), {})])

# ---- IPv6: forwarded on each path, IPv4 among it; left to the main thread
SEEDS["v6_vni_to_vni"] = LEARN_H60 + vector(
    [(from11, (VNI10, h50_to6(H60_6, n=8 * i)), {}) for i in range(5)] +
    [(from11, (VNI10, udp6(BDIF10, H50, H50_6, H60_6, n=300)), {}),
     (from11, (VNI10, h50_to("10.1.20.60")), {}),
     (from_vtep, (V12, VNI20, udp6(BDIF20, H60, H60_6, H50_6, hlim=2)), {})])
SEEDS["v6_vni_to_uplink"] = vector(
    [(from11, (VNI10, h50_to6("2001:4860::%x" % i, n=20 * i)), {}) for i in range(1, 5)] +
    [(from11, (VNI10, tcp6(BDIF10, H50, H50_6, FAR_6, 500)), {}),
     (from11, (VNI10, h50_to("8.8.8.8")), {})])
SEEDS["v6_uplink_to_vni"] = LEARN_H60 + vector(
    [(from_uplink, (ping6(UP0, UPNH, FAR_6, H50_6, n=10 * i),), {}) for i in range(3)] +
    [(from_uplink, (udp6(UP0, UPNH, FAR_6, H60_6),), {}),
     (from_uplink, (ping(UP0, UPNH, "8.8.8.8", "10.1.10.50"),), {}),
     (from_uplink, (ping6(UP0, UPNH, FAR_6, UPNH_6),), {})])
# a neighbour resolved by ND (NS from the gateway, H62's solicited NA), then forwarded
LEARN_H62_6 = from_vtep(V13, VNI20, na6(H62, H62_6, BDIF20, "2001:db8:20::1"))
SEEDS["v6_nd_then_forward"] = LEARN_H62 + from11(VNI10, h50_to6(H62_6)) + LEARN_H62_6 + \
    vector([(from11, (VNI10, h50_to6(H62_6, n=4 * i)), {}) for i in range(4)] +
           [(from_vtep, (V13, VNI20, ping6(BDIF20, H62, H62_6, H50_6)), {})])
SEEDS["v6_drops"] = LEARN_H60 + vector([
    (from11, (VNI10, h50_to6(H60_6)), {}),
    (from11, (VNI10, h50_to6(H60_6, hlim=1)), {}),
    (from11, (VNI10, h50_to6("fe80::1", hlim=255)), {}),
    (from11, (VNI10, ping6(BDIF10, H50, "::", H60_6)), {}),
    (from11, (VNI10, ping6(BDIF10, H50, "fe80::5", H60_6)), {}),
    (from11, (VNI10, ping6(bytes.fromhex("333300000001"), H50, H50_6, "ff02::1")), {}),
    (from11, (VNI10, h50_to6("ff0e::42")), {}),
    (from11, (VNI10, h50_to6("2001:db8:10::1")), {}),
    (from11, (VNI10, h50_to6("2001:db8:dead::1")), {}),
    (from11, (VNI10, h50_to6("2001:db8:99::1")), {}),
    (from11, (VNI10, h50_to6(H60_6, n=1000)), {}),
    (from11, (VNI10, h50_to6(H60_6, ver=4)), {}),
    (from11, (VNI10, h50_to6(H60_6, plen=400)), {}),
    (from11, (VNI10, h50_to6("::1")), {}),
    (from11, (VNI10, h50_to6(H60_6)), {}),
])
SEEDS["v6_super_packet"] = LEARN_H60 + rec(
    E_VTEP11, ADV_1MS, vxlan(VNI10, tcp6(BDIF10, H50, H50_6, FAR_6, 2800)), var=GSO | CSUM)
SEEDS["v6_uplink_drops"] = vector([
    (from_uplink, (ping6(UP0, UPNH, FAR_6, H50_6),), {}),
    (from_uplink, (ping6(UP0, UPNH, FAR_6, H50_6, hlim=1),), {}),
    (from_uplink, (ping6(UP0, UPNH, FAR_6, "2001:db8:ff::2"),), {}),
    (from_uplink, (ping6(UP2, UPNH, FAR_6, H50_6),), {}),
    (from_uplink, (vlan(UP0, H51, 100, 0x86dd, ipv6("2001:db8:100::9", H50_6, 17,
                                                    udp(1, 2))),), {}),
    (from_uplink, (ping6(UP0, UPNH, FAR_6, "2001:db8:dead::9"),), {}),
    (from_uplink, (ping6(UP0, UPNH, FAR_6, H50_6),), {}),
])


# ---------------------------------------------------------------- IPv6 underlay, DSCP/ECN
from gen_pipeline_corpus import (BDIF70, CE, ECT0, ECT1, H66, H77, LEARN_H66, LEARN_H77,
                                 NOT_ECT, U_LL_GROUP, U_NEW31_GROUP, U_NEW32_GROUP,
                                 U_NEW31_VTEP6, U_PEER6, U_PEER6_GROUP, U_V4TOS, VNI70,
                                 from6)

SEEDS["u6_peer6_to_vni_tos"] = LEARN_H66 + LEARN_H51 + vector(
    [(from6, (U_PEER6, VNI20, ping(BDIF20, H66, "10.1.20.66", "10.1.10.51", tos=t)),
      {"tos": o}) for o, t in ((NOT_ECT, 0x48 | ECT0), (ECT0, ECT0), (ECT1, ECT0),
                               (CE, 0xb8 | ECT1), (CE, NOT_ECT), (0xb8 | ECT1, 0x28))] +
    [(from6, (U_V4TOS, VNI10, h50_to("10.1.20.66", tos=0xb8 | ECT0)), {"tos": CE})])
SEEDS["u6_uplink_to_peer6"] = LEARN_H66 + vector(
    [(from_uplink, (ping(UP0, UPNH, "8.8.8.%d" % i, "10.1.20.66", tos=i * 0x21 & 0xff),), {})
     for i in range(6)])
SEEDS["u6_group_sender_forwarded"] = LEARN_H77 + vector(
    [(from6, (U_NEW31_GROUP, VNI70, ping(BDIF70, H77, "10.1.70.77", "8.8.8.8", tos=ECT0)),
      {"tos": CE}),
     (from_uplink, (ping(UP0, UPNH, "8.8.8.8", "10.1.70.77", tos=ECT1),), {}),
     (from6, (U_NEW32_GROUP, VNI70, ping(BDIF70, H77, "10.1.70.77", "8.8.8.8")), {}),
     (from6, (U_NEW31_VTEP6, VNI70, ping(BDIF70, H77, "10.1.70.77", "8.8.8.8")), {}),
     (from6, (U_LL_GROUP, VNI70, ping(BDIF70, H77, "10.1.70.77", "8.8.8.8")), {}),
     (from6, (U_PEER6_GROUP, VNI70, ping(BDIF70, H77, "10.1.70.77", "8.8.8.8")), {})])
SEEDS["u6_ip6_over_peer6"] = LEARN_H66 + vector(
    [(from6, (U_PEER6, VNI20, eth(BDIF20, H66, 0x86dd, ipv6("2001:db8:20::66", H50_6, 17,
                                                          udp(1, 2)))), {"tos": o})
     for o in range(4)] +
    [(from_uplink, (ping6(UP0, UPNH, FAR_6, "2001:db8:20::66"),), {})])


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "corpus", "fastpath")
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(SEEDS.items()):
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(SEEDS), out))


if __name__ == "__main__":
    main()
