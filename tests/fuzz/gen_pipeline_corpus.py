#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_pipeline (tests/fuzz/corpus/pipeline/*.bin).

Each seed is a sequence of records in fuzz_pipeline.c's input format:
    [sel] [ctl] [len_hi] [len_lo] [packet]
sel & 7 picks the entry (0: VXLAN from vteps[sel >> 3 & 7] to the VTEP address, 1: VXLAN
from 192.0.2.11, 2: VXLAN to the flood group, 3: VXLAN to a wrong address, 4: frame on
up0, 5: frame on up0 after configuration change sel >> 3 & 7 (fuzz_pipeline.c config_op),
6: on up2, 7: on up1 (down) or a BDIF); ctl moves the clock (bits 0-2), ticks (0x08),
joins the previous vector (0x10), clears ARP (0x20) / MACs (0x40), flips bdif20 (0x80).
Entry 1 with sel >> 3 & 7 not 0 takes the packet's first byte as the outer TOS and sends
from an IPv4 or IPv6 sender (U_* below, fuzz_entry1_outer in fuzz_topo.h).
The addresses are those of fuzz_pipeline.c's topology (tests/unit/pktlab.h and more).

usage: tests/fuzz/gen_pipeline_corpus.py [OUTDIR]   (default: next to this script)
"""
import os
import struct
import sys

# ---------------------------------------------------------------- topology (fuzz_pipeline.c)
VNI10, VNI20, VNI30, VNI40, VNI50, VNI60 = 5000, 6000, 7000, 8000, 9000, 9100


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip(s):
    return bytes(int(x) for x in s.split("."))


BCAST = mac("ff:ff:ff:ff:ff:ff")
BDIF10 = mac("02:76:78:00:00:0a")
BDIF20 = mac("02:76:78:00:00:14")
BDIF30 = mac("02:76:78:00:00:1e")
BDIF40 = mac("02:76:78:00:00:28")
BDIF60 = mac("02:76:78:00:00:3c")
UP0 = mac("02:00:00:00:99:01")
UPNH = mac("02:00:00:00:99:02")
UP2 = mac("02:00:00:00:98:02")
H50 = mac("02:11:22:33:44:55")  # 10.1.10.50: static ARP, static MAC behind 192.0.2.11
H51 = mac("02:aa:00:00:00:51")
H52 = mac("02:aa:00:00:00:52")
H60 = mac("02:aa:00:00:00:60")
H70 = mac("02:aa:00:00:00:70")
PEER2 = mac("02:aa:00:00:00:02")

# entries
E_VTEP, E_VTEP11, E_GROUP, E_WRONG, E_UP0, E_UPCFG, E_UP2, E_UP1 = 0, 1, 2, 3, 4, 5, 6, 7
# configuration changes of E_UPCFG (toggles, undone at the end of each input)
OP_BDIF20, OP_BD20, OP_MTU10, OP_ARP50, OP_MAC50, OP_PORT, OP_GROUP30 = range(1, 8)
V11, V12, V13, V99 = 0, 1, 2, 3  # vteps[] indexes in fuzz_pipeline.c

# ctl
TICK, JOIN, CLRARP, CLRMAC, FLIP = 0x08, 0x10, 0x20, 0x40, 0x80
ADV_0, ADV_1MS, ADV_50MS, ADV_100MS, ADV_1S, ADV_3S, ADV_30S, ADV_700S = range(8)


# ---------------------------------------------------------------- wire formats
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def vlan(dst, src, vid, etype, payload):
    return dst + src + struct.pack("!HHH", 0x8100, vid, etype) + payload


def ipv4(src, dst, proto, payload, ttl=64, df=False, mf=False, frag=0, opts=b"", tos=0,
         ident=0x1234, bad_csum=False, tot=None):
    opts += b"\0" * (-len(opts) % 4)  # padded with end-of-options
    hl = 20 + len(opts)
    off = (0x4000 if df else 0) | (0x2000 if mf else 0) | frag
    tot = hl + len(payload) if tot is None else tot
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, tos, tot, ident, off, ttl, proto, 0,
                    ip(src), ip(dst)) + opts
    c = csum(h) ^ (0x5555 if bad_csum else 0)
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


def icmp_echo(ident=0x77, seq=1, n=32, typ=8):
    data = bytes((i * 7 + 3) & 0xFF for i in range(n))
    h = struct.pack("!BBHHH", typ, 0, 0, ident, seq) + data
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


def udp(sport, dport, n=16):
    data = bytes(i & 0xFF for i in range(n))
    return struct.pack("!HHHH", sport, dport, 8 + n, 0) + data


def tcp_syn(sport, dport):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 0x50, 0x02, 65535, 0, 0)


def tcp_data(sport, dport, n, flags=0x18, seq=1000):
    data = bytes((i * 7) & 0xFF for i in range(n))
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 1, 0x50, flags, 65535, 0, 0) + data


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, ip(spa), tha, ip(tpa))


def arp_frame(op, dst, sha, spa, tha, tpa):
    return eth(dst, sha, 0x0806, arp(op, sha, spa, tha, tpa) + b"\0" * 18)


def vxlan(vni, frame, flags=0x08, rsv=b"\0\0\0", rsv2=0):
    return bytes([flags]) + rsv + struct.pack("!I", vni << 8 | rsv2) + frame


def ping(dst_mac, src_mac, src, dst, n=32, **kw):
    return eth(dst_mac, src_mac, 0x0800, ipv4(src, dst, 1, icmp_echo(n=n), **kw))


def rec(sel, ctl, pkt, var=0):
    return struct.pack("!BBH", sel | var << 3, ctl, len(pkt)) + pkt


def from_vtep(vtep_idx, vni, frame, ctl=ADV_1MS):
    return rec(E_VTEP, ctl, vxlan(vni, frame), var=vtep_idx)


def from11(vni, frame, ctl=ADV_1MS):
    return rec(E_VTEP11, ctl, vxlan(vni, frame))


def from_uplink(frame, ctl=ADV_1MS, entry=E_UP0):
    return rec(entry, ctl, frame)


# frequently used frames
ARP_REQ_H51 = arp_frame(1, BCAST, H51, "10.1.10.51", b"\0" * 6, "10.1.10.1")
ARP_REQ_H60 = arp_frame(1, BCAST, H60, "10.1.20.60", b"\0" * 6, "10.1.20.1")
LEARN_H60 = from_vtep(V12, VNI20, ARP_REQ_H60)

SEEDS = {}

# ---- ARP with the gateway
SEEDS["arp_request_bdif10"] = from11(VNI10, ARP_REQ_H51)
SEEDS["arp_request_bdif10_secondary"] = from11(
    VNI10, arp_frame(1, BCAST, H51, "10.1.11.9", b"\0" * 6, "10.1.11.1"))
SEEDS["arp_request_uplink"] = from_uplink(
    arp_frame(1, BCAST, UPNH, "203.0.113.1", b"\0" * 6, "203.0.113.2"))
SEEDS["arp_request_up2_slash31"] = from_uplink(
    arp_frame(1, BCAST, PEER2, "100.64.0.1", b"\0" * 6, "100.64.0.0"), entry=E_UP2)
SEEDS["arp_reply_resolves_held_packet"] = (
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.52")) +
    from_vtep(V12, VNI10, arp_frame(2, BDIF10, H52, "10.1.10.52", BDIF10, "10.1.10.1"),
              ctl=ADV_100MS))
SEEDS["arp_unanswered_host_unreachable"] = (
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.99")) +
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.99"), ctl=ADV_1S | TICK) +
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.99"), ctl=ADV_3S | TICK) +
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.99"), ctl=ADV_1S | TICK))
SEEDS["arp_gratuitous"] = from11(
    VNI10, arp_frame(1, BCAST, H51, "10.1.10.51", b"\0" * 6, "10.1.10.51"))
SEEDS["arp_spoof_gateway_address"] = from11(
    VNI10, arp_frame(2, BCAST, H51, "10.1.10.1", b"\0" * 6, "10.1.10.1"))
SEEDS["arp_offlink_sender"] = from11(
    VNI10, arp_frame(1, BCAST, H51, "10.7.7.7", b"\0" * 6, "10.1.10.1"))
SEEDS["arp_for_another_host"] = from11(
    VNI10, arp_frame(1, BCAST, H51, "10.1.10.51", b"\0" * 6, "10.1.10.77"))
SEEDS["arp_malformed"] = from11(VNI10, eth(BCAST, H51, 0x0806, b"\0\1\x08\0\6\4\0\9" + b"\0" * 20))
SEEDS["arp_short"] = from11(VNI10, eth(BCAST, H51, 0x0806, b"\0\1\x08\0"))

# ---- ICMP echo to the gateway
SEEDS["echo_bdif10"] = from11(VNI10, ping(BDIF10, H50, "10.1.10.50", "10.1.10.1"))
SEEDS["echo_bdif10_learned"] = (from11(VNI10, ARP_REQ_H51) +
                                from11(VNI10, ping(BDIF10, H51, "10.1.10.51", "10.1.10.1")))
SEEDS["echo_uplink"] = from_uplink(ping(UP0, UPNH, "8.8.8.8", "203.0.113.2"))
SEEDS["echo_other_gateway_address"] = from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.20.1"))
SEEDS["echo_with_options_and_tos"] = from11(VNI10, eth(BDIF10, H50, 0x0800, ipv4(
    "10.1.10.50", "10.1.10.1", 1, icmp_echo(n=100), tos=0x10,
    opts=bytes([7, 7, 4, 0, 0, 0, 0, 1]))))
SEEDS["echo_bad_icmp_checksum"] = from11(VNI10, eth(BDIF10, H50, 0x0800, ipv4(
    "10.1.10.50", "10.1.10.1", 1, b"\x08\0\0\0\0\1\0\1" + b"x" * 8)))
SEEDS["udp_to_gateway_port_unreachable"] = from11(VNI10, eth(BDIF10, H50, 0x0800, ipv4(
    "10.1.10.50", "10.1.10.1", 17, udp(33434, 33434))))
SEEDS["tcp_to_gateway"] = from_uplink(eth(UP0, UPNH, 0x0800, ipv4(
    "8.8.8.8", "203.0.113.2", 6, tcp_syn(1234, 22))))
SEEDS["fragment_to_gateway"] = from11(VNI10, eth(BDIF10, H50, 0x0800, ipv4(
    "10.1.10.50", "10.1.10.1", 1, icmp_echo(n=64), mf=True)))

# ---- routing
SEEDS["routed_between_vnis"] = LEARN_H60 + from11(
    VNI10, ping(BDIF10, H50, "10.1.10.50", "10.1.20.60"))
SEEDS["routed_between_vnis_vector"] = LEARN_H60 + b"".join(
    from11(VNI10, ping(BDIF10, H50, "10.1.10.50", "10.1.20.60"), ctl=JOIN if i else ADV_1MS)
    for i in range(8))
SEEDS["routed_to_uplink"] = from11(VNI10, ping(BDIF10, H50, "10.1.10.50", "8.8.8.8"))
SEEDS["routed_udp_tcp_to_uplink"] = (
    from11(VNI10, eth(BDIF10, H50, 0x0800, ipv4("10.1.10.50", "8.8.4.4", 17, udp(5000, 53)))) +
    from11(VNI10, eth(BDIF10, H50, 0x0800, ipv4("10.1.10.50", "1.1.1.1", 6, tcp_syn(40000, 443))),
           ctl=JOIN))
SEEDS["routed_from_uplink"] = from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.50"))
SEEDS["routed_from_uplink_unknown_mac"] = from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.51"))
SEEDS["routed_to_flood_group_bd"] = (
    rec(E_GROUP, ADV_1MS, vxlan(VNI30, arp_frame(1, BCAST, H70, "10.1.30.70", b"\0" * 6,
                                                 "10.1.30.1")), var=V99) +
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.30.70")) +
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.30.71")))
SEEDS["routed_recursive_static"] = LEARN_H60 + from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.9.1.2"))
SEEDS["routed_ecmp"] = b"".join(
    from_uplink(ping(UP0, UPNH, "8.8.8.%d" % i, "10.8.%d.1" % i), ctl=JOIN if i else ADV_1MS)
    for i in range(6))
SEEDS["null_route"] = from11(VNI10, ping(BDIF10, H50, "10.1.10.50", "198.18.1.1"))
SEEDS["route_via_down_uplink"] = from11(VNI10, ping(BDIF10, H50, "10.1.10.50", "198.51.7.7"))
SEEDS["routed_to_bd_without_flood_peers"] = from11(VNI10, ping(BDIF10, H50, "10.1.10.50",
                                                               "10.1.50.9"))
SEEDS["routed_to_down_bdif"] = from11(VNI10, ping(BDIF10, H50, "10.1.10.50", "10.1.60.9"))
SEEDS["subnet_broadcast"] = from11(VNI10, ping(BDIF10, H50, "10.1.10.50", "10.1.20.255"))
SEEDS["ttl_1_time_exceeded"] = from11(VNI10, ping(BDIF10, H50, "10.1.10.50", "8.8.8.8", ttl=1))
SEEDS["ttl_0"] = from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.50", ttl=0))
SEEDS["martian_source"] = from_uplink(ping(UP0, UPNH, "127.0.0.1", "10.1.10.50"))
SEEDS["multicast_destination"] = from_uplink(ping(UP0, UPNH, "8.8.8.8", "224.0.0.5"))

# ---- MTU: fragmentation and fragmentation needed (bdif20: MTU 576, bdif10: 1450)
SEEDS["fragment_to_bdif20"] = LEARN_H60 + from11(
    VNI10, ping(BDIF10, H50, "10.1.10.50", "10.1.20.60", n=1400))
SEEDS["fragment_with_options"] = LEARN_H60 + from11(VNI10, eth(BDIF10, H50, 0x0800, ipv4(
    "10.1.10.50", "10.1.20.60", 1, icmp_echo(n=1200),
    opts=bytes([0x82, 11]) + b"\0" * 9 + bytes([1, 7, 7, 4]) + b"\0" * 4 + b"\0\0\0")))
SEEDS["fragment_of_fragment"] = LEARN_H60 + from11(VNI10, eth(BDIF10, H50, 0x0800, ipv4(
    "10.1.10.50", "10.1.20.60", 17, udp(1, 2, 1000), mf=True, frag=100)))
SEEDS["fragment_high_offset"] = LEARN_H60 + from11(VNI10, eth(BDIF10, H50, 0x0800, ipv4(
    "10.1.10.50", "10.1.20.60", 17, b"z" * 1200, frag=8150)))
SEEDS["frag_needed_df"] = LEARN_H60 + from11(
    VNI10, ping(BDIF10, H50, "10.1.10.50", "10.1.20.60", n=1000, df=True))
SEEDS["jumbo_from_uplink_fragmented"] = from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.50",
                                                         n=8900))
SEEDS["jumbo_df_from_uplink"] = from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.50", n=8900,
                                                 df=True))
SEEDS["too_big_for_uplink"] = from11(VNI10, ping(BDIF10, H50, "10.1.10.50", "8.8.8.8", n=1420))
SEEDS["fragment_to_bdif20_held_by_arp"] = from11(
    VNI10, ping(BDIF10, H50, "10.1.10.50", "10.1.20.61", n=2000))

# ---- malformed IPv4
SEEDS["ip_bad_checksum"] = from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.50", bad_csum=True))
SEEDS["ip_bad_version"] = from_uplink(eth(UP0, UPNH, 0x0800, b"\x65" + b"\0" * 39))
SEEDS["ip_bad_ihl"] = from_uplink(eth(UP0, UPNH, 0x0800, b"\x4f" + b"\0" * 30))
SEEDS["ip_short"] = from_uplink(eth(UP0, UPNH, 0x0800, b"\x45\0\0"))
SEEDS["ip_total_length_too_big"] = from_uplink(eth(UP0, UPNH, 0x0800, ipv4(
    "8.8.8.8", "10.1.10.50", 1, icmp_echo(), tot=1000)))
SEEDS["ip_with_padding"] = from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.50", n=2) + b"\0" * 20)
SEEDS["ip_bad_options"] = from11(VNI10, eth(BDIF10, H50, 0x0800, ipv4(
    "10.1.10.50", "10.1.20.60", 1, icmp_echo(n=1000), opts=bytes([0x83, 40, 0, 0]))))

# ---- L2
SEEDS["vlan_tagged_inner"] = from11(VNI10, vlan(BDIF10, H50, 10, 0x0800, ipv4(
    "10.1.10.50", "10.1.10.1", 1, icmp_echo())))
SEEDS["vlan_tagged_uplink"] = from_uplink(vlan(UP0, UPNH, 10, 0x0800, ipv4(
    "8.8.8.8", "203.0.113.2", 1, icmp_echo())))
# 802.1Q sub-interfaces of up0: up0.100 (VLAN 100, 172.16.100.1/24), up0.200 (no VLAN)
SEEDS["dot1q_arp_and_ping"] = (
    from_uplink(vlan(BCAST, H51, 100, 0x0806, arp_frame(
        1, BCAST, H51, "172.16.100.9", b"\0" * 6, "172.16.100.1")[14:])) +
    from_uplink(vlan(UP0, H51, 100, 0x0800, ipv4("172.16.100.9", "172.16.100.1", 1,
                                                 icmp_echo()))) +
    from_uplink(vlan(UP0, H51, 0x2064, 0x0800, ipv4("172.16.100.9", "10.1.10.50", 1,
                                                    icmp_echo()))))
SEEDS["dot1q_routed_to_vlan"] = (
    from11(VNI10, ping(BDIF10, H50, "10.1.10.50", "10.7.1.1")) +
    from_uplink(vlan(UP0, H51, 100, 0x0806, arp_frame(
        2, UP0, H51, "172.16.100.9", UP0, "172.16.100.1")[14:])))
# L2 gateway: up0.300 (VLAN 300) is a port of bridge domain 10: a host there asks for the
# gateway (flooded, answered), talks to h50 behind VTEP .11 and to the BDIF; h50 answers
SEEDS["l2_port_switch_and_route"] = (
    from_uplink(vlan(BCAST, H52, 300, 0x0806, arp_frame(
        1, BCAST, H52, "10.1.10.52", b"\0" * 6, "10.1.10.1")[14:])) +
    from_uplink(vlan(H50, H52, 300, 0x0800, ipv4("10.1.10.52", "10.1.10.50", 17,
                                                 udp(1, 2, 100)))) +
    from11(VNI10, ping(H52, H50, "10.1.10.50", "10.1.10.52")) +
    from_uplink(vlan(BDIF10, H52, 300, 0x0800, ipv4("10.1.10.52", "10.1.20.60", 1,
                                                    icmp_echo()))) +
    from11(VNI10, ping(BCAST, H51, "10.1.10.51", "10.1.10.255")))
SEEDS["dot1q_vlan_without_encapsulation"] = from_uplink(vlan(UP0, H51, 200, 0x0800, ipv4(
    "172.16.200.9", "172.16.200.1", 1, icmp_echo())))
SEEDS["dot1q_priority_tag"] = from_uplink(vlan(UP0, UPNH, 0, 0x0800, ipv4(
    "8.8.8.8", "203.0.113.2", 1, icmp_echo())))
SEEDS["qinq_uplink"] = from_uplink(UP0 + UPNH + b"\x88\xa8\0\x0a\x81\0\0\x14\x08\0" + b"\0" * 20)
SEEDS["bum_not_arp"] = from11(VNI10, ping(BCAST, H51, "10.1.10.51", "10.1.10.255"))
SEEDS["multicast_mac"] = from11(VNI10, ping(mac("01:00:5e:00:00:05"), H51, "10.1.10.51",
                                            "224.0.0.5"))
SEEDS["frame_to_another_mac"] = from11(VNI10, ping(H52, H51, "10.1.10.51", "10.1.10.52"))
SEEDS["unknown_ethertype"] = from11(VNI10, eth(BDIF10, H51, 0x86DD, b"\x60" + b"\0" * 39))
SEEDS["bad_source_mac"] = from11(VNI10, ping(BDIF10, mac("01:00:00:00:00:01"), "10.1.10.51",
                                             "10.1.10.1"))
SEEDS["static_mac_moved"] = from_vtep(V12, VNI10, ping(BDIF10, H50, "10.1.10.50", "10.1.10.1"))
SEEDS["frame_short"] = from11(VNI10, b"\x02\x76\x78\0\0\x0a\x02")
SEEDS["uplink_short"] = from_uplink(b"\x02\0\0")
SEEDS["uplink_frame_for_other_mac"] = from_uplink(ping(UPNH, UP0, "8.8.8.8", "203.0.113.2"))
SEEDS["uplink_down"] = from_uplink(ping(UP0, UPNH, "8.8.8.8", "198.51.100.1"), entry=E_UP1)
SEEDS["frame_on_bdif_index"] = rec(E_UP1, ADV_1MS, ping(UP0, UPNH, "8.8.8.8", "203.0.113.2"),
                                   var=1)
SEEDS["up2_ping"] = (from_uplink(arp_frame(1, BCAST, PEER2, "100.64.0.1", b"\0" * 6, "100.64.0.0"),
                                 entry=E_UP2) +
                     from_uplink(ping(UP2, PEER2, "100.64.0.1", "10.1.10.50"), entry=E_UP2))

# ---- VXLAN
SEEDS["vxlan_short"] = rec(E_VTEP11, ADV_1MS, b"\x08\0\0\0")
SEEDS["vxlan_no_i_flag"] = rec(E_VTEP11, ADV_1MS, vxlan(VNI10, ARP_REQ_H51, flags=0))
SEEDS["vxlan_reserved_flags"] = rec(E_VTEP11, ADV_1MS, vxlan(VNI10, ARP_REQ_H51, flags=0x0c))
SEEDS["vxlan_reserved_bytes"] = rec(E_VTEP11, ADV_1MS, vxlan(VNI10, ARP_REQ_H51, rsv=b"\0\1\0",
                                                             rsv2=7))
SEEDS["vxlan_unknown_vni"] = from11(4242, ARP_REQ_H51)
SEEDS["vxlan_not_a_peer"] = from_vtep(V13, VNI10, ARP_REQ_H51)
SEEDS["vxlan_unknown_vtep"] = from_vtep(V99, VNI10, ARP_REQ_H51)
SEEDS["vxlan_to_group"] = rec(E_GROUP, ADV_1MS, vxlan(VNI30, arp_frame(
    1, BCAST, H70, "10.1.30.70", b"\0" * 6, "10.1.30.1")), var=V13)
SEEDS["vxlan_to_group_wrong_vni"] = rec(E_GROUP, ADV_1MS, vxlan(VNI10, ARP_REQ_H51), var=V11)
SEEDS["vxlan_group_vni_to_vtep_address"] = from_vtep(V99, VNI30, arp_frame(
    1, BCAST, H70, "10.1.30.70", b"\0" * 6, "10.1.30.1"))
SEEDS["vxlan_wrong_destination"] = (rec(E_WRONG, ADV_1MS, vxlan(VNI30, ARP_REQ_H51), var=0) +
                                    rec(E_WRONG, ADV_1MS, vxlan(VNI10, ARP_REQ_H51), var=8 | 0) +
                                    rec(E_WRONG, ADV_1MS, vxlan(VNI10, ARP_REQ_H51), var=16))
SEEDS["vxlan_bd_without_bdif"] = from11(VNI40, arp_frame(1, BCAST, H51, "10.1.40.5", b"\0" * 6,
                                                         "10.1.40.1"))
SEEDS["vxlan_bd_with_down_bdif"] = from_vtep(V13, VNI60, arp_frame(
    1, BCAST, H51, "10.1.60.5", b"\0" * 6, "10.1.60.1"))
SEEDS["vxlan_mac_limit_flood_group"] = b"".join(
    rec(E_GROUP, JOIN if i else ADV_1MS, vxlan(VNI30, arp_frame(
        1, BCAST, mac("02:aa:00:00:01:%02x" % i), "10.1.30.%d" % (100 + i), b"\0" * 6,
        "10.1.30.1")), var=i % 8) for i in range(8))
SEEDS["vxlan_many_vteps_vector"] = b"".join(
    rec(E_VTEP, JOIN if i else ADV_1MS, vxlan(VNI10, ping(BDIF10, H50, "10.1.10.50", "10.1.10.1")),
        var=i % 8) for i in range(16))

# ---- timers: ageing, retries, expiry, clearing, interface down
SEEDS["mac_ageing"] = (from11(VNI10, ARP_REQ_H51) +
                       from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.51"), ctl=ADV_700S | TICK) +
                       from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.51"), ctl=ADV_1S | TICK))
SEEDS["arp_stale_probe"] = (from11(VNI10, ARP_REQ_H51) +
                            from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.51"),
                                        ctl=ADV_30S | TICK) +
                            from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.51"),
                                        ctl=ADV_1S | TICK) +
                            from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.51"),
                                        ctl=ADV_3S | TICK))
SEEDS["clear_arp_with_held_packets"] = (
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.52")) +
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.52"), ctl=JOIN) +
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.53"), ctl=CLRARP | CLRMAC))
SEEDS["bdif_down_with_held_packets"] = (
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.20.62")) +
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.20.62"), ctl=FLIP) +
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.20.62"), ctl=FLIP | TICK))
SEEDS["arp_queue_overflow"] = b"".join(
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.54"), ctl=JOIN if i else ADV_1MS)
    for i in range(10))
SEEDS["arp_table_full"] = b"".join(
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.%d" % (100 + i)), ctl=JOIN if i else ADV_1MS)
    for i in range(24))
SEEDS["icmp_rate_limit"] = b"".join(
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.10.50", ttl=1), ctl=JOIN if i else ADV_1MS)
    for i in range(60))

# ---- senders' offloads: super-packets (TSO) and pieces of them (GW_PKT_GSO, sel bit 6), and
# the driver's checksum completion first (sel bit 7)
GSO, CSUM = 8, 16  # var bits
SEEDS["tso_super_packet_to_uplink"] = from11(
    VNI10, eth(BDIF10, H50, 0x0800, ipv4("10.1.10.50", "8.8.8.8", 6, tcp_data(40000, 443, 4000),
                                         df=True)))
SEEDS["tso_piece_to_small_mtu"] = rec(
    E_VTEP11, ADV_1MS,
    vxlan(VNI10, eth(BDIF10, H50, 0x0800,
                     ipv4("10.1.10.50", "10.9.1.1", 6, tcp_data(40000, 443, 1300, flags=0x99),
                          df=True))), var=GSO | CSUM)
SEEDS["tso_super_packet_udp"] = rec(
    E_VTEP11, ADV_1MS,
    vxlan(VNI10, eth(BDIF10, H50, 0x0800, ipv4("10.1.10.50", "8.8.8.8", 17, udp(5000, 53, 3000),
                                               df=True))), var=CSUM)

# ---- configuration changes between packets
def cfg(op, frame, ctl=ADV_1MS):
    return rec(E_UPCFG, ctl, frame, var=op)


SEEDS["cfg_delete_bdif20_with_held_packets"] = (
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.20.62")) +
    cfg(OP_BDIF20, ping(UP0, UPNH, "8.8.8.8", "10.1.20.60")) +
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.9.1.1")) +
    cfg(OP_BDIF20, ping(UP0, UPNH, "8.8.8.8", "10.1.20.62"), ctl=FLIP))
SEEDS["cfg_delete_bd20"] = (
    LEARN_H60 + cfg(OP_BD20, ping(UP0, UPNH, "8.8.8.8", "10.1.20.60")) +
    LEARN_H60 + cfg(OP_BD20, ping(UP0, UPNH, "8.8.8.8", "10.1.20.60")) + LEARN_H60 +
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.20.60")))
SEEDS["cfg_jumbo_mtu"] = cfg(OP_MTU10, ping(UP0, UPNH, "8.8.8.8", "10.1.10.50", n=8900))
SEEDS["cfg_static_arp_removed"] = (
    cfg(OP_ARP50, ping(UP0, UPNH, "8.8.8.8", "10.1.10.50")) +
    from11(VNI10, arp_frame(2, BDIF10, H50, "10.1.10.50", BDIF10, "10.1.10.1")) +
    cfg(OP_ARP50, ping(UP0, UPNH, "8.8.8.8", "10.1.10.50")))
SEEDS["cfg_static_arp_back_with_held_packets"] = (
    cfg(OP_ARP50, ping(UP0, UPNH, "8.8.8.8", "10.1.10.50")) +
    cfg(OP_ARP50, b""))
SEEDS["cfg_static_mac_removed"] = (
    cfg(OP_MAC50, ping(UP0, UPNH, "8.8.8.8", "10.1.10.50")) +
    from_vtep(V12, VNI10, ping(BDIF10, H50, "10.1.10.50", "10.1.10.1")) +
    cfg(OP_MAC50, ping(UP0, UPNH, "8.8.8.8", "10.1.10.50")))
SEEDS["cfg_udp_port"] = (cfg(OP_PORT, ping(UP0, UPNH, "8.8.8.8", "10.1.10.50")) +
                         from11(VNI10, ping(BDIF10, H50, "10.1.10.50", "10.1.10.1")))
SEEDS["cfg_flood_group_removed"] = (
    rec(E_GROUP, ADV_1MS, vxlan(VNI30, arp_frame(1, BCAST, H70, "10.1.30.70", b"\0" * 6,
                                                 "10.1.30.1")), var=V99) +
    cfg(OP_GROUP30, ping(UP0, UPNH, "8.8.8.8", "10.1.30.70")) +
    from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.30.71")) +
    rec(E_GROUP, ADV_1MS, vxlan(VNI30, ARP_REQ_H51), var=V11))


# ---------------------------------------------------------------- IPv6 (fuzz_pipeline.c's pipe6_init)
def ip6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


def eui64_ll(m):
    return ip6("fe80::") [:8] + bytes([m[0] ^ 2]) + m[1:3] + b"\xff\xfe" + m[3:6]


def sn_group(a):
    return ip6("ff02::1:ff00:0")[:13] + a[13:]


def mcast_mac(g):
    return b"\x33\x33" + g[12:]


ALL_NODES, ALL_ROUTERS = ip6("ff02::1"), ip6("ff02::2")
G6_10, G6_20, G6_UP = ip6("2001:db8:10::1"), ip6("2001:db8:20::1"), ip6("2001:db8:ff::2")
H6_50, H6_51, H6_60 = ip6("2001:db8:10::50"), ip6("2001:db8:10::51"), ip6("2001:db8:20::60")
H6_UPNH, H6_FAR = ip6("2001:db8:ff::1"), ip6("2001:db8:77::7")
LL10, LL_H51 = eui64_ll(BDIF10), eui64_ll(H51)


def ipv6(src, dst, nxt, payload, hlim=64, plen=None, tc=0, flow=0):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", 6 << 28 | tc << 20 | flow, plen, nxt, hlim, src,
                       dst) + payload


def icmp6(src, dst, typ, code, body):
    ln = 4 + len(body)
    pseudo = src + dst + struct.pack("!IxxxB", ln, 58)
    c = csum(pseudo + bytes([typ, code, 0, 0]) + body)
    return bytes([typ, code]) + struct.pack("!H", c) + body


def ip6_icmp(src, dst, typ, code, body, hlim=64, ext=b"", ext_nxt=None):
    """IPv6 + optional extension headers (ext, whose first is ext_nxt) + ICMPv6."""
    m = icmp6(src, dst, typ, code, body)
    return ipv6(src, dst, ext_nxt if ext else 58, ext + m, hlim=hlim)


def echo6_body(n=32, ident=0x66, seq=1):
    return struct.pack("!HH", ident, seq) + bytes((i * 5 + 1) & 0xFF for i in range(n))


def ping6(dmac, smac, src, dst, n=32, hlim=64, **kw):
    return eth(dmac, smac, 0x86DD, ip6_icmp(src, dst, 128, 0, echo6_body(n), hlim=hlim, **kw))


def opt_lla(typ, m):
    return bytes([typ, 1]) + m


def ns6(smac, src, target, dst=None, slla=True, hlim=255):
    dst = dst or sn_group(target)
    body = b"\0" * 4 + target + (opt_lla(1, smac) if slla else b"")
    return eth(mcast_mac(dst) if dst[0] == 0xFF else BDIF10, smac, 0x86DD,
               ip6_icmp(src, dst, 135, 0, body, hlim=hlim))


def na6(dmac, smac, src, dst, target, flags=0x60, tlla=True):
    body = bytes([flags, 0, 0, 0]) + target + (opt_lla(2, smac) if tlla else b"")
    return eth(dmac, smac, 0x86DD, ip6_icmp(src, dst, 136, 0, body, hlim=255))


def rs6(smac, src, slla=True, extra=b""):
    body = b"\0" * 4 + (opt_lla(1, smac) if slla else b"") + extra
    return eth(mcast_mac(ALL_ROUTERS), smac, 0x86DD,
               ip6_icmp(src, ALL_ROUTERS, 133, 0, body, hlim=255))


def ra6(smac, src):
    pi = bytes([3, 4, 64, 0xC0]) + struct.pack("!IIxxxx", 86400, 3600) + ip6("2001:db8:10::")
    body = bytes([64, 0]) + struct.pack("!HII", 1800, 0, 0) + opt_lla(1, smac) + \
        bytes([5, 1, 0, 0]) + struct.pack("!I", 1500) + pi
    return eth(mcast_mac(ALL_NODES), smac, 0x86DD,
               ip6_icmp(src, ALL_NODES, 134, 0, body, hlim=255))


def ext_hdr(nxt, n_units=0, fill=0):
    """A hop-by-hop / routing / destination options header of 8 * (1 + n_units) bytes."""
    return bytes([nxt, n_units]) + bytes([fill]) * (6 + 8 * n_units)


def frag_hdr(nxt, off=0, more=False, ident=0x1234):
    return struct.pack("!BBHI", nxt, 0, off << 3 | (1 if more else 0), ident)


def udp6(src, dst, sport, dport, n=16):
    return ipv6(src, dst, 17, struct.pack("!HHHH", sport, dport, 8 + n, 0) + b"u" * n)


# ---- IPv6: ND with the gateway
LEARN6_H51 = from11(VNI10, ns6(H51, H6_51, G6_10))
SEEDS["ip6_ns_for_gateway"] = LEARN6_H51
SEEDS["ip6_ns_link_local"] = from11(VNI10, ns6(H51, LL_H51, LL10))
SEEDS["ip6_ns_unicast_probe"] = from11(VNI10, ns6(H51, H6_51, G6_10, dst=G6_10))
SEEDS["ip6_ns_dad"] = from11(VNI10, ns6(H51, bytes(16), G6_10, slla=False))
SEEDS["ip6_ns_dad_with_slla"] = from11(VNI10, ns6(H51, bytes(16), G6_10))
SEEDS["ip6_ns_hop_limit_64"] = from11(VNI10, ns6(H51, H6_51, G6_10, hlim=64))
SEEDS["ip6_ns_other_target"] = from11(VNI10, ns6(H51, H6_51, ip6("2001:db8:10::77")))
SEEDS["ip6_ns_spoof_own_source"] = from11(VNI10, ns6(H51, G6_10, G6_10))
SEEDS["ip6_ns_offlink_source"] = from11(VNI10, ns6(H51, H6_FAR, G6_10))
SEEDS["ip6_ns_uplink"] = from_uplink(ns6(UPNH, H6_UPNH, G6_UP))
SEEDS["ip6_ns_bad_option_len0"] = from11(VNI10, eth(
    mcast_mac(sn_group(G6_10)), H51, 0x86DD,
    ip6_icmp(H6_51, sn_group(G6_10), 135, 0, b"\0" * 4 + G6_10 + b"\1\0" + H51, hlim=255)))
SEEDS["ip6_ns_many_options"] = from11(VNI10, eth(
    mcast_mac(sn_group(G6_10)), H51, 0x86DD,
    ip6_icmp(H6_51, sn_group(G6_10), 135, 0,
             b"\0" * 4 + G6_10 + b"".join(bytes([9, 1]) + b"\0" * 6 for _ in range(70)),
             hlim=255)))
SEEDS["ip6_na_resolves_held_packet"] = (
    from_uplink(ping6(UP0, UPNH, H6_FAR, H6_51)) +
    from11(VNI10, na6(BDIF10, H51, H6_51, G6_10, H6_51), ctl=ADV_100MS))
SEEDS["ip6_na_unsolicited_override"] = LEARN6_H51 + from11(
    VNI10, na6(mcast_mac(ALL_NODES), H52, H6_51, ALL_NODES, H6_51, flags=0x20))
SEEDS["ip6_na_multicast_solicited"] = from11(
    VNI10, na6(mcast_mac(ALL_NODES), H51, H6_51, ALL_NODES, H6_51, flags=0x40))
SEEDS["ip6_na_spoof_gateway"] = from11(VNI10, na6(BDIF10, H51, H6_51, G6_10, G6_10))
SEEDS["ip6_na_no_tlla"] = from11(VNI10, na6(BDIF10, H51, H6_51, G6_10, H6_51, tlla=False))
SEEDS["ip6_rs_with_slla"] = from11(VNI10, rs6(H51, LL_H51))
SEEDS["ip6_rs_unspecified"] = from11(VNI10, rs6(H51, bytes(16), slla=False))
SEEDS["ip6_rs_storm"] = b"".join(from11(VNI10, rs6(H51, LL_H51, slla=bool(i & 1)),
                                        ctl=JOIN if i else ADV_1MS) for i in range(40))
SEEDS["ip6_rs_uplink_suppressed"] = from_uplink(rs6(UPNH, eui64_ll(UPNH)))
SEEDS["ip6_rs_spoof_gateway"] = from11(VNI10, rs6(H51, LL10))
SEEDS["ip6_ra_from_other_router"] = from11(VNI10, ra6(H51, LL_H51))
SEEDS["ip6_redirect"] = from11(VNI10, eth(BDIF10, H51, 0x86DD, ip6_icmp(
    LL_H51, LL10, 137, 0, b"\0" * 4 + H6_50 + H6_50, hlim=255)))
SEEDS["ip6_ra_timer_and_ticks"] = (from_uplink(b"", ctl=ADV_1S | TICK) +
                                   from_uplink(b"", ctl=ADV_30S | TICK) +
                                   from_uplink(b"", ctl=ADV_700S | TICK))
SEEDS["ip6_nd_unanswered"] = (
    from_uplink(ping6(UP0, UPNH, H6_FAR, ip6("2001:db8:10::99"))) +
    from_uplink(ping6(UP0, UPNH, H6_FAR, ip6("2001:db8:10::99")), ctl=ADV_1S | TICK) +
    from_uplink(ping6(UP0, UPNH, H6_FAR, ip6("2001:db8:10::99")), ctl=ADV_3S | TICK))
SEEDS["ip6_nd_queue_and_table_full"] = b"".join(
    from_uplink(ping6(UP0, UPNH, H6_FAR, ip6("2001:db8:10::%x" % (0x100 + i // 2))),
                ctl=JOIN if i else ADV_1MS) for i in range(40))

# ---- IPv6: to the gateway
SEEDS["ip6_echo_gateway"] = LEARN6_H51 + from11(VNI10, ping6(BDIF10, H51, H6_51, G6_10))
SEEDS["ip6_echo_link_local"] = from11(VNI10, ping6(BDIF10, H51, LL_H51, LL10))
SEEDS["ip6_echo_from_unspecified"] = from11(VNI10, ping6(BDIF10, H51, bytes(16), LL10))
SEEDS["ip6_echo_all_nodes"] = from11(VNI10, ping6(mcast_mac(ALL_NODES), H51, H6_51, ALL_NODES))
SEEDS["ip6_echo_uplink_other_address"] = from_uplink(ping6(UP0, UPNH, H6_FAR, G6_20))
SEEDS["ip6_echo_with_ext_headers"] = from11(VNI10, ping6(
    BDIF10, H50, H6_50, G6_10, ext=ext_hdr(60, 1) + ext_hdr(43, 0) + ext_hdr(58, 2),
    ext_nxt=0))
SEEDS["ip6_echo_routing_header_segments_left"] = from11(VNI10, ping6(
    BDIF10, H50, H6_50, G6_10, ext=bytes([58, 2, 0, 1]) + b"\0" * 4 + H6_60, ext_nxt=43))
SEEDS["ip6_too_many_ext_headers"] = from11(VNI10, ping6(
    BDIF10, H50, H6_50, G6_10, ext=b"".join(ext_hdr(60) for _ in range(9)) + ext_hdr(58),
    ext_nxt=60))
SEEDS["ip6_ext_header_truncated"] = from11(VNI10, eth(BDIF10, H50, 0x86DD, ipv6(
    H6_50, G6_10, 60, bytes([58, 200]) + b"\0" * 6)))
SEEDS["ip6_fragment_to_gateway"] = from11(VNI10, ping6(
    BDIF10, H50, H6_50, G6_10, ext=frag_hdr(58, 0, True), ext_nxt=44))
SEEDS["ip6_udp_to_gateway_traceroute"] = from11(VNI10, eth(BDIF10, H50, 0x86DD, udp6(
    H6_50, G6_10, 33434, 33434)))
SEEDS["ip6_tcp_to_gateway"] = from_uplink(eth(UP0, UPNH, 0x86DD, ipv6(
    H6_FAR, G6_UP, 6, tcp_syn(1234, 22))))
SEEDS["ip6_bad_icmp_checksum"] = from11(VNI10, eth(BDIF10, H50, 0x86DD, ipv6(
    H6_50, G6_10, 58, b"\x80\0\0\0\0\1\0\1")))
SEEDS["ip6_icmp_error_to_gateway"] = from_uplink(eth(UP0, UPNH, 0x86DD, ip6_icmp(
    H6_UPNH, G6_UP, 1, 3, b"\0" * 4 + ipv6(G6_UP, H6_FAR, 58, b"\x80\0\0\0\0\1\0\1"))))

# ---- IPv6: routing and errors
SEEDS["ip6_routed_between_vnis"] = from_vtep(V12, VNI20, ns6(H60, H6_60, G6_20)) + from11(
    VNI10, ping6(BDIF10, H50, H6_50, H6_60))
SEEDS["ip6_routed_to_uplink_vector"] = b"".join(
    from11(VNI10, ping6(BDIF10, H50, H6_50, ip6("2001:db8:77::%x" % i)),
           ctl=JOIN if i else ADV_1MS) for i in range(8))
SEEDS["ip6_routed_from_uplink"] = from_uplink(ping6(UP0, UPNH, H6_FAR, H6_50))
SEEDS["ip6_routed_recursive"] = from_uplink(ping6(UP0, UPNH, H6_FAR, ip6("2001:db8:99::9")))
SEEDS["ip6_null_route"] = from11(VNI10, ping6(BDIF10, H50, H6_50, ip6("2001:db8:dead::1")))
SEEDS["ip6_hop_limit_1"] = from11(VNI10, ping6(BDIF10, H50, H6_50, H6_FAR, hlim=1))
SEEDS["ip6_hop_limit_0"] = from_uplink(ping6(UP0, UPNH, H6_FAR, H6_50, hlim=0))
SEEDS["ip6_too_big_for_bdif20"] = from_vtep(V12, VNI20, ns6(H60, H6_60, G6_20)) + from11(
    VNI10, ping6(BDIF10, H50, H6_50, H6_60, n=1200))
SEEDS["ip6_jumbo_from_uplink"] = from_uplink(ping6(UP0, UPNH, H6_FAR, H6_50, n=8900))
SEEDS["ip6_link_local_transit"] = from11(VNI10, ping6(BDIF10, H51, LL_H51, H6_FAR))
SEEDS["ip6_to_foreign_link_local"] = from11(VNI10, ping6(BDIF10, H51, H6_51, ip6("fe80::99")))
SEEDS["ip6_multicast_source"] = from11(VNI10, ping6(BDIF10, H51, ALL_NODES, G6_10))
SEEDS["ip6_loopback_destination"] = from_uplink(ping6(UP0, UPNH, H6_FAR, ip6("::1")))
SEEDS["ip6_unspecified_destination"] = from_uplink(ping6(UP0, UPNH, H6_FAR, bytes(16)))
SEEDS["ip6_foreign_group"] = from11(VNI10, ping6(mcast_mac(ip6("ff02::fb")), H51, H6_51,
                                                 ip6("ff02::fb")))
SEEDS["ip6_site_scope_group"] = from11(VNI10, ping6(mcast_mac(ip6("ff05::2")), H51, H6_51,
                                                    ip6("ff05::2")))
SEEDS["ip6_error_about_error_fragment"] = from11(VNI10, eth(BDIF10, H50, 0x86DD, ipv6(
    H6_50, H6_FAR, 44, frag_hdr(58, 0, True) + b"\x01\0\0\0" + b"\0" * 12, hlim=1)))
SEEDS["ip6_later_fragment_hop_limit_1"] = from11(VNI10, eth(BDIF10, H50, 0x86DD, ipv6(
    H6_50, H6_FAR, 44, frag_hdr(17, 185, False) + b"z" * 64, hlim=1)))
SEEDS["ip6_icmp_rate_limit"] = b"".join(
    from11(VNI10, ping6(BDIF10, H50, H6_50, H6_FAR, hlim=1), ctl=JOIN if i else ADV_1MS)
    for i in range(60))
SEEDS["ip6_tso_super_packet_to_uplink"] = from11(VNI10, eth(BDIF10, H50, 0x86DD, ipv6(
    H6_50, H6_FAR, 6, tcp_data(40000, 443, 4000))))
SEEDS["ip6_gso_piece"] = rec(E_VTEP11, ADV_1MS, vxlan(VNI10, eth(BDIF10, H50, 0x86DD, ipv6(
    H6_50, H6_60, 6, tcp_data(40000, 443, 1300, flags=0x99)))), var=GSO | CSUM)

# ---- IPv6: malformed
SEEDS["ip6_short"] = from11(VNI10, eth(BDIF10, H50, 0x86DD, b"\x60\0\0\0\0\0"))
SEEDS["ip6_bad_version"] = from11(VNI10, eth(BDIF10, H50, 0x86DD, b"\x40" + b"\0" * 39))
SEEDS["ip6_payload_length_lies"] = from11(VNI10, eth(BDIF10, H50, 0x86DD, ipv6(
    H6_50, G6_10, 58, icmp6(H6_50, G6_10, 128, 0, echo6_body(8)), plen=1400)))
SEEDS["ip6_jumbogram_hbh"] = from11(VNI10, eth(BDIF10, H50, 0x86DD, ipv6(
    H6_50, H6_FAR, 0, bytes([58, 0, 0xC2, 4]) + struct.pack("!I", 70000) + b"\0" * 16,
    plen=0)))
SEEDS["ip6_padding_after_payload"] = from11(VNI10, eth(BDIF10, H50, 0x86DD, ip6_icmp(
    H6_50, G6_10, 128, 0, echo6_body(2)) + b"\0" * 20))
SEEDS["ip6_nd_truncated"] = from11(VNI10, eth(
    mcast_mac(sn_group(G6_10)), H51, 0x86DD,
    ip6_icmp(H6_51, sn_group(G6_10), 135, 0, b"\0" * 4 + G6_10[:6], hlim=255)))
SEEDS["ip6_on_dot1q"] = from_uplink(vlan(UP0, H51, 100, 0x86DD, ip6_icmp(
    ip6("2001:db8:100::9"), ip6("2001:db8:100::1"), 128, 0, echo6_body(8))))
SEEDS["ip6_cfg_delete_bdif20_held"] = (
    from_uplink(ping6(UP0, UPNH, H6_FAR, ip6("2001:db8:20::62"))) +
    cfg(OP_BDIF20, ping6(UP0, UPNH, H6_FAR, H6_60)) +
    cfg(OP_BDIF20, ping6(UP0, UPNH, H6_FAR, ip6("2001:db8:20::62")), ctl=FLIP))
SEEDS["ip6_clear_nd_with_held"] = (
    from_uplink(ping6(UP0, UPNH, H6_FAR, ip6("2001:db8:10::52"))) +
    from_uplink(ping6(UP0, UPNH, H6_FAR, ip6("2001:db8:10::52")), ctl=CLRARP | CLRMAC))


# ---------------------------------------------------------------- IPv6 underlay, DSCP/ECN (issue 17)
# entry 1's variants (fuzz_entry1_outer in fuzz_topo.h): the record's first byte is the outer
# TOS; the sender and destination by variant
U_V4TOS, U_PEER6, U_NEW31_GROUP, U_NEW32_GROUP, U_NEW31_VTEP6, U_PEER6_GROUP, U_LL_GROUP = (
    range(1, 8))
VNI70 = 9200  # bridge domain 70: IPv6 flood group ff05::1:70, bdif70 10.1.70.1/24
BDIF70 = mac("02:76:78:00:00:46")
H66 = mac("02:aa:00:00:00:66")  # a host of bridge domain 20 behind 2001:db8::21
H6STATIC = mac("02:11:22:33:66:60")  # the static MAC behind 2001:db8::21
H77, H78 = mac("02:aa:00:00:00:77"), mac("02:aa:00:00:00:78")
NOT_ECT, ECT1, ECT0, CE = 0, 1, 2, 3


def from6(variant, vni, frame, tos=0, ctl=ADV_1MS):
    return rec(E_VTEP11, ctl, bytes([tos]) + vxlan(vni, frame), var=variant)


LEARN_H66 = from6(U_PEER6, VNI20, arp_frame(1, BCAST, H66, "10.1.20.66", b"\0" * 6,
                                            "10.1.20.1"))
LEARN_H77 = from6(U_NEW31_GROUP, VNI70, arp_frame(1, BCAST, H77, "10.1.70.77", b"\0" * 6,
                                                  "10.1.70.1"))

SEEDS["u6_peer_arp_and_routed_back"] = LEARN_H66 + from_uplink(
    ping(UP0, UPNH, "8.8.8.8", "10.1.20.66", tos=0xb8 | ECT0)) + from_uplink(
    ping(UP0, UPNH, "8.8.8.8", "10.1.20.67", tos=0x28 | CE))
SEEDS["u6_static_mac_behind_peer6"] = from_uplink(
    ping(UP0, UPNH, "8.8.8.8", "10.1.20.69")) + from6(
    U_PEER6, VNI20, arp_frame(2, BDIF20, H6STATIC, "10.1.20.69", BDIF20, "10.1.20.1"))
SEEDS["u6_group_sender_learned"] = LEARN_H77 + from_uplink(
    ping(UP0, UPNH, "8.8.8.8", "10.1.70.77", tos=ECT1)) + from_uplink(
    ping(UP0, UPNH, "8.8.8.8", "10.1.70.78")) + from6(
    U_NEW31_GROUP, VNI70, ping(BDIF70, H77, "10.1.70.77", "8.8.8.8"), tos=CE)
SEEDS["u6_two_senders_one_mac"] = LEARN_H77 + from6(
    U_NEW32_GROUP, VNI70, arp_frame(1, BCAST, H77, "10.1.70.77", b"\0" * 6, "10.1.70.1")) + \
    from6(U_NEW31_VTEP6, VNI70, ping(BDIF70, H78, "10.1.70.78", "10.1.70.1"))
SEEDS["u6_unnamed_sender_not_a_peer"] = from6(
    U_NEW31_VTEP6, VNI20, ping(BDIF20, H66, "10.1.20.66", "10.1.20.1")) + from6(
    U_LL_GROUP, VNI70, ping(BDIF70, H78, "10.1.70.78", "10.1.70.1")) + from6(
    U_PEER6_GROUP, VNI70, ping(BDIF70, H78, "10.1.70.78", "10.1.70.1")) + from6(
    U_PEER6_GROUP, VNI20, ping(BDIF20, H66, "10.1.20.66", "10.1.20.1"))
# RFC 6040 decapsulation: every outer ECN over every inner one, DSCP both sides
SEEDS["u6_ecn_decap_matrix"] = b"".join(
    from6(U_PEER6 if i % 2 else U_V4TOS, VNI20 if i % 2 else VNI10,
          ping(BDIF20 if i % 2 else BDIF10, H66 if i % 2 else H50,
               "10.1.20.66" if i % 2 else "10.1.10.50", "10.1.10.50" if i % 2 else
               "10.1.20.60", tos=0x48 | inner), tos=0xb8 | outer, ctl=ADV_1MS)
    for i, (outer, inner) in enumerate((o, n) for o in range(4) for n in range(4)))
SEEDS["u6_ecn_inner_ip6"] = LEARN_H66 + b"".join(
    from6(U_V4TOS if k else U_PEER6, VNI10 if k else VNI20, eth(
        BDIF10 if k else BDIF20, H50 if k else H66, 0x86DD,
        ipv6(src, dst, 58, icmp6(src, dst, 128, 0, echo6_body(8)), tc=0x88 | inner)),
        tos=outer)
    for outer in (ECT1, CE) for inner in range(4)
    for k, (src, dst) in enumerate(((ip6("2001:db8:20::66"), H6_50), (H6_50, H6_60))))
SEEDS["u6_ecn_switched_l2"] = from6(U_V4TOS, VNI10, ping(
    mac("02:11:22:33:44:56"), H50, "10.1.10.50", "10.1.10.51", tos=NOT_ECT), tos=CE) + \
    from6(U_V4TOS, VNI10, arp_frame(1, BCAST, H50, "10.1.10.50", b"\0" * 6, "10.1.10.9"),
          tos=CE)
SEEDS["u6_cfg_no_ipv6_source"] = LEARN_H66 + cfg(
    OP_PORT, ping(UP0, UPNH, "8.8.8.8", "10.1.20.66")) + from_uplink(
    ping(UP0, UPNH, "8.8.8.8", "10.1.70.77")) + cfg(
    OP_PORT, ping(UP0, UPNH, "8.8.8.8", "10.1.20.66"))
SEEDS["u6_flood_bd20"] = from_uplink(ping(UP0, UPNH, "8.8.8.8", "10.1.20.99")) + from6(
    U_PEER6, VNI20, eth(BCAST, H66, 0x0800, ipv4("10.1.20.66", "10.1.20.255", 17,
                                                   udp(68, 67))))
SEEDS["u6_gso_piece_from_peer6"] = LEARN_H66 + rec(
    E_VTEP11, ADV_1MS, bytes([ECT0]) + vxlan(VNI20, eth(BDIF20, H66, 0x0800, ipv4(
        "10.1.20.66", "10.1.10.50", 6, tcp_data(40000, 443, 3000), df=True, tos=ECT0))),
    var=U_PEER6 | GSO | CSUM)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "corpus", "pipeline")
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(SEEDS.items()):
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(SEEDS), out))


if __name__ == "__main__":
    main()
