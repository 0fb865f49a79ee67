#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_fastpath (tests/fuzz/corpus/fastpath/*.bin).

fuzz_fastpath reads the records of fuzz_pipeline (gen_pipeline_corpus.py explains them),
so the frames and addresses are that script's. Its seeds are a few frames per path the
workers' fast path forwards (VNI -> VNI, VNI -> uplink, uplink -> VNI, uplink -> uplink,
802.1Q sub-interface -> VNI, super-packets cut), in vectors of several packets, once the
hosts are learned, and the drops each of those paths must leave to the main thread with
the pipeline's reason, alone and mixed into a vector of forwards.

usage: tests/fuzz/gen_fastpath_corpus.py [OUTDIR]   (default: next to this script)
"""
import os
import sys

from gen_pipeline_corpus import (ADV_1MS, ADV_30S, ARP_REQ_H51, BCAST, BDIF10, BDIF20,
                                 E_GROUP, E_UP2, E_VTEP11, FLIP, GSO, CSUM, H50, H51, H60,
                                 JOIN, LEARN_H60, PEER2, UP0, UPNH, UP2, V11, V12, V13, V99,
                                 VNI10, VNI20, VNI30, arp_frame, eth, from11, from_uplink,
                                 from_vtep, icmp_echo, ipv4, ping, rec, tcp_data, udp, vlan,
                                 vxlan)

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
