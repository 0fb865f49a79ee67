#!/usr/bin/env python3
"""tests/e2e/hostile.py - hostile traffic for the vxgw netns lab (tests/e2e/test_hostile.sh).

Frames are built with scapy (once, as templates) and sent in tight loops from plain
sockets: VXLAN datagrams from a UDP socket bound to a lab VTEP address (the kernel gives
them a correct outer IPv4/UDP header; the daemon's underlay is a UDP socket, so the outer
header is the kernel's business), uplink frames from an AF_PACKET socket.

Run it only inside a lab namespace (ip netns exec PREFIX-vtep1 ...): it refuses
destinations outside the lab's documentation ranges (192.0.2.0/24, 239.1.1.70, and for
raw frames an interface of the namespace it runs in). Every loop is bounded in count and
in time (--seconds, default 20).

usage:
  hostile.py vxlan --src A --dst A --case CASE [--count N] [--vni N] [--gw-mac M]
                   [--host-mac M] [--spoof-mac M] [--host-ip A] [--gw-ip A] [--peer-ip A]
  hostile.py eth   --iface IF --case CASE [--count N] [--gw-mac M] [--src-mac M]
                   [--gw-ip A] [--peer-ip A]
  hostile.py macflood --src A --dst A --vni N --count N [--seconds S]
  hostile.py arpstorm --src A --dst A --vni N --count N --gw-ip A [--seconds S]
  hostile.py bumstorm --src A --dst A --vni N --count N --host-mac M [--seconds S]

Each run prints one line: "sent N" (plus what it was), exit 0; 2 on a usage error.
"""
import argparse
import ipaddress
import random
import socket
import struct
import sys
import time

import logging

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import ARP, ICMP, IP, UDP, Dot1Q, Ether, IPOption, Raw  # noqa: E402

LAB_NETS = [ipaddress.ip_network("192.0.2.0/24"), ipaddress.ip_network("239.1.1.70/32")]
BCAST = "ff:ff:ff:ff:ff:ff"


def die(msg):
    print("hostile.py: " + msg, file=sys.stderr)
    sys.exit(2)


def lab_addr(a):
    ip = ipaddress.ip_address(a)
    if not any(ip in n for n in LAB_NETS):
        die("%s is not a lab address (192.0.2.0/24, 239.1.1.70)" % a)
    return a


def vxh(vni, flags=0x08, r1=0, r2=0, r3=0, r7=0):
    """The 8-byte VXLAN header with every field under control."""
    return struct.pack("!BBBB", flags, r1, r2, r3) + struct.pack("!I", (vni << 8) | r7)


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def over(self):
        return time.monotonic() >= self.end


# ------------------------------------------------------------------ VXLAN datagrams
def udp_sender(src, dst, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    s.bind((src, 0))
    if ipaddress.ip_address(dst).is_multicast:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(src))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    return s


def send_all(s, dst, port, payloads, count, seconds, pace_every=0):
    """Sends count datagrams cycling over payloads; stops at the deadline. A pause every
    pace_every datagrams keeps small exact-count cases from overrunning socket buffers."""
    dl = Deadline(seconds)
    n = 0
    addr = (dst, port)
    for i in range(count):
        if (i & 255) == 0 and dl.over():
            break
        for _ in range(1000):  # ENOBUFS, EAGAIN: back off a little and send it again
            try:
                s.sendto(payloads[i % len(payloads)], addr)
                break
            except OSError as e:
                if e.errno not in (105, 11):
                    raise
                time.sleep(0.001)
        else:
            break
        n += 1
        if pace_every and n % pace_every == 0:
            time.sleep(0.002)
    return n


def inner_cases(a):
    """case name -> list of inner Ethernet frames (bytes), all sent into VNI a.vni."""
    gw, host, spoof = a.gw_mac, a.host_mac, a.spoof_mac
    gw_ip, host_ip, peer_ip = a.gw_ip, a.host_ip, a.peer_ip
    rnd = random.Random(7)
    ping = lambda **kw: bytes(Ether(dst=gw, src=host) / IP(src=host_ip, dst=gw_ip, **kw) / ICMP())
    c = {}
    c["vlan"] = [
        bytes(Ether(dst=gw, src=host) / Dot1Q(vlan=10) / IP(src=host_ip, dst=gw_ip) / ICMP()),
        bytes(Ether(dst=gw, src=host, type=0x88A8) / Dot1Q(vlan=20) / IP(src=host_ip, dst=gw_ip) / ICMP()),
        bytes(Ether(dst=BCAST, src=host) / Dot1Q(vlan=30) / ARP(psrc=host_ip, pdst=gw_ip, hwsrc=host)),
    ]
    c["frame_short"] = [bytes(Ether(dst=gw, src=host))[:k] for k in (0, 1, 6, 12, 13)]
    c["bad_src_mac"] = [
        bytes(Ether(dst=gw, src="01:00:5e:00:00:01") / IP(src=host_ip, dst=gw_ip) / ICMP()),
        bytes(Ether(dst=gw, src="00:00:00:00:00:00") / IP(src=host_ip, dst=gw_ip) / ICMP()),
        bytes(Ether(dst=gw, src=BCAST) / IP(src=host_ip, dst=gw_ip) / ICMP()),
    ]
    c["unknown_ethertype"] = [bytes(Ether(dst=gw, src=host, type=t) / Raw(b"x" * 46)) for t in (0x88B5, 0x86DD, 0x0842)]
    c["not_for_gateway"] = [bytes(Ether(dst="02:00:00:00:77:77", src=host) / IP(src=host_ip, dst=gw_ip) / ICMP())]
    # IPv4 header checks: to the gateway's MAC, from the real host's MAC (nothing new learned)
    good = bytearray(ping())
    ip_ihl = []
    for ihl in (0, 3, 4):
        f = bytearray(good)
        f[14] = 0x40 | ihl
        ip_ihl.append(bytes(f))
    f = bytearray(good[:14 + 28])  # IHL 15 = 60 bytes, but only 28 bytes of IP
    f[14] = 0x4F
    ip_ihl.append(bytes(f))
    c["ip_bad_ihl"] = ip_ihl
    c["ip_bad_length"] = [
        bytes(Ether(dst=gw, src=host) / IP(src=host_ip, dst=gw_ip, len=1000) / ICMP()),  # > frame
        bytes(Ether(dst=gw, src=host) / IP(src=host_ip, dst=gw_ip, len=12) / ICMP()),  # < IHL
        bytes(Ether(dst=gw, src=host) / IP(src=host_ip, dst=gw_ip, len=65535) / ICMP()),
    ]
    c["ip_bad_checksum"] = [
        bytes(Ether(dst=gw, src=host) / IP(src=host_ip, dst=gw_ip, chksum=0x1234) / ICMP()),
        bytes(Ether(dst=gw, src=host) / IP(src=host_ip, dst=peer_ip, chksum=0) / ICMP()),
    ]
    f = bytearray(good)
    f[14] = 0x65
    c["ip_version"] = [bytes(f)]
    c["ip_short"] = [bytes(good[:14 + k]) for k in (0, 1, 10, 19)]
    c["ip_martian_source"] = [
        bytes(Ether(dst=gw, src=host) / IP(src="127.0.0.1", dst=gw_ip) / ICMP()),
        bytes(Ether(dst=gw, src=host) / IP(src="0.0.0.0", dst=peer_ip) / ICMP()),
        bytes(Ether(dst=gw, src=host) / IP(src="224.0.0.5", dst=peer_ip) / ICMP()),
    ]
    c["ip_broadcast"] = [
        bytes(Ether(dst=gw, src=host) / IP(src=host_ip, dst="255.255.255.255") / UDP(dport=9)),
        bytes(Ether(dst=gw, src=host) / IP(src=host_ip, dst="239.9.9.9") / UDP(dport=9)),
    ]
    c["icmp_malformed"] = [
        bytes(Ether(dst=gw, src=host) / IP(src=host_ip, dst=gw_ip) / ICMP(chksum=0xBEEF)),
        bytes(Ether(dst=gw, src=host) / IP(src=host_ip, dst=gw_ip, proto=1) / Raw(b"\x08")),
    ]
    c["ttl_expired"] = [bytes(Ether(dst=gw, src=host) / IP(src=host_ip, dst=peer_ip, ttl=t) / ICMP()) for t in (0, 1)]
    # options of every kind, some of them nonsense (bad lengths): routed or answered, never a crash
    opts = [b"\x01\x01\x01\x01", b"\x07\x27\x04" + b"\0" * 37,  # NOPs; record route
            b"\x44\xff\x05\x00", b"\x83\x00\x00\x00", b"\x00" * 4, b"\xff\x02\x01\x01"]
    c["ip_options"] = []
    for o in opts:
        for dst in (gw_ip, peer_ip):
            # scapy option parsing would "fix" bad lengths: write the raw option bytes
            base = IP(src=host_ip, dst=dst) / ICMP()
            raw = bytearray(bytes(base))
            ihl = 5 + len(o) // 4
            hdr = bytearray(raw[:20]) + bytearray(o)
            hdr[0] = 0x40 | ihl
            struct.pack_into("!H", hdr, 2, len(hdr) + len(raw) - 20)
            struct.pack_into("!H", hdr, 10, 0)
            struct.pack_into("!H", hdr, 10, inet_csum(bytes(hdr)))
            c["ip_options"].append(bytes(Ether(dst=gw, src=host, type=0x0800)) + bytes(hdr) + bytes(raw[20:]))
    # ARP that is not Ethernet/IPv4 or is cut short
    def arp_raw(hlen=6, plen=4, op=1, htype=1, ptype=0x0800, cut=None):
        body = struct.pack("!HHBBH", htype, ptype, hlen, plen, op)
        body += bytes.fromhex(host.replace(":", "")) + socket.inet_aton(host_ip)
        body += b"\0" * 6 + socket.inet_aton(gw_ip)
        if cut is not None:
            body = body[:cut]
        return bytes(Ether(dst=BCAST, src=host, type=0x0806)) + body
    c["arp_malformed"] = [arp_raw(hlen=8), arp_raw(plen=6), arp_raw(cut=20), arp_raw(cut=0),
                          arp_raw(op=7), arp_raw(htype=6), arp_raw(ptype=0x86DD)]
    # ARP claiming one of the gateway's own addresses / an address off the subnet
    c["arp_source_conflict"] = [
        bytes(Ether(dst=BCAST, src=host) / ARP(op=1, hwsrc=host, psrc=gw_ip, pdst=gw_ip)),
        bytes(Ether(dst=gw, src=host) / ARP(op=2, hwsrc=host, psrc=gw_ip, hwdst=gw, pdst=gw_ip)),
    ]
    # (a request from there for the gateway's address is answered, never learned)
    c["arp_source_offlink"] = [
        bytes(Ether(dst=gw, src=host) / ARP(op=2, hwsrc=host, psrc="10.99.99.99", hwdst=gw, pdst=gw_ip)),
    ]
    # spoofing h1 (sent from a VTEP that is no peer of the bridge domain): ARP replies,
    # gratuitous ARP and requests mapping host_ip to spoof, frames with host's MAC as source
    c["arp_poison"] = [
        bytes(Ether(dst=gw, src=spoof) / ARP(op=2, hwsrc=spoof, psrc=host_ip, hwdst=gw, pdst=gw_ip)),
        bytes(Ether(dst=BCAST, src=spoof) / ARP(op=1, hwsrc=spoof, psrc=host_ip, pdst=host_ip)),
        bytes(Ether(dst=BCAST, src=spoof) / ARP(op=2, hwsrc=spoof, psrc=host_ip, hwdst=BCAST, pdst=host_ip)),
        bytes(Ether(dst=BCAST, src=spoof) / ARP(op=1, hwsrc=spoof, psrc=host_ip, pdst=gw_ip)),
    ]
    # plain ARP from (host_mac, host_ip): to test what the table does with it
    c["arp_request"] = [bytes(Ether(dst=BCAST, src=host) / ARP(op=1, hwsrc=host, psrc=host_ip, pdst=gw_ip))]
    c["arp_reply"] = [bytes(Ether(dst=gw, src=host) / ARP(op=2, hwsrc=host, psrc=host_ip, hwdst=gw, pdst=gw_ip))]
    c["mac_spoof"] = [
        ping(),
        bytes(Ether(dst=BCAST, src=host) / ARP(op=1, hwsrc=host, psrc=host_ip, pdst=gw_ip)),
        bytes(Ether(dst=gw, src=host) / IP(src=host_ip, dst=peer_ip) / UDP(dport=9) / Raw(b"spoof")),
    ]
    # fragments: through the gateway to a host beyond it (routed as they are: first, middle,
    # last, tiny, overlapping, the highest offset) and to the gateway itself (no reassembly)
    def frags(dst):
        out = []
        for flags, off, data in ((1, 0, b"A" * 64), (1, 8, b"B" * 64), (0, 16, b"C" * 8),
                                 (1, 1, b"D" * 8), (1, 4, b"E" * 64), (0, 8189, b"F" * 16)):
            out.append(bytes(Ether(dst=gw, src=host) / IP(src=host_ip, dst=dst, proto=17, id=0x4242,
                                                          flags=flags, frag=off) / Raw(data)))
        return out
    c["frag_routed"] = frags(peer_ip)
    c["ip_fragment_local"] = frags(gw_ip)
    # jumbo inner packets (the outer datagram is fragmented in the underlay and reassembled
    # by the gateway's kernel): fragmented toward the 1450-byte BDIF MTU without DF, ICMP
    # "fragmentation needed" with DF, not fragmentable with malformed options
    big = lambda **kw: Ether(dst=gw, src=host) / IP(src=host_ip, dst=peer_ip, **kw) / UDP(dport=9) / Raw(b"J" * 8000)
    c["jumbo_frag"] = [bytes(big(flags=0)),
                       bytes(big(flags=0, options=[IPOption(b"\x83\x07\x04" + socket.inet_aton(peer_ip)), IPOption(b"\x01")]))]
    c["mtu_exceeded_df"] = [bytes(big(flags=2))]
    f = bytearray(bytes(big(flags=0)))
    hdr = bytearray(f[14:34]) + bytearray(b"\x83\x30\x04\x00")  # option length beyond the header
    hdr[0] = 0x46
    struct.pack_into("!H", hdr, 2, len(f) - 14 + 4)
    struct.pack_into("!H", hdr, 10, 0)
    struct.pack_into("!H", hdr, 10, inet_csum(bytes(hdr)))
    c["fragment_failed"] = [bytes(f[:14]) + bytes(hdr) + bytes(f[34:])]
    # packets to every unresolvable address of the peer's subnet (neighbour misses)
    pnet = peer_ip.rsplit(".", 1)[0]
    c["neigh_miss"] = [bytes(Ether(dst=gw, src=host) / IP(src=host_ip, dst="%s.%d" % (pnet, k)) / UDP(dport=9) / Raw(b"n" * 32))
                       for k in range(2, 255) if "%s.%d" % (pnet, k) != peer_ip]
    # a well-formed ping to the gateway (for the VXLAN header cases and the legit baseline)
    c["ping"] = [ping()]
    # garbage after a valid VXLAN header: random frames from host's MAC (nothing new learned)
    g = []
    for _ in range(64):
        n = rnd.randrange(14, 300)
        b = bytearray(rnd.getrandbits(8) for _ in range(n))
        b[6:12] = bytes.fromhex(host.replace(":", ""))
        if b[0] & 1 and rnd.random() < 0.5:
            b[0] &= 0xFE
        g.append(bytes(b))
    c["garbage_inner"] = g
    return c


def inet_csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def header_cases(a):
    """Cases that break the VXLAN header itself (the inner frame is a valid ping)."""
    inner = inner_cases(a)["ping"][0]
    rnd = random.Random(11)
    c = {}
    c["vxlan_short"] = [vxh(a.vni)[:k] for k in range(8)]
    c["vxlan_no_i_flag"] = [vxh(a.vni, flags=f) + inner for f in (0x00, 0x04, 0x80, 0xF7)]
    c["vxlan_bad_flags"] = [vxh(a.vni, flags=f) + inner for f in (0x0C, 0x88, 0x09, 0xFF)]
    c["vxlan_reserved"] = [vxh(a.vni, r1=1) + inner, vxh(a.vni, r2=0x80) + inner,
                           vxh(a.vni, r3=0xFF) + inner, vxh(a.vni, r7=1) + inner]
    c["no_such_vni"] = [vxh(v) + inner for v in (4242, 1, 0xFFFFFF, 5001)]
    # VNI 0 is no VNI of any bridge domain either
    c["no_such_vni"].append(vxh(0) + inner)
    # pure garbage: random length and bytes, the I flag never alone (so never a valid header)
    g = []
    for _ in range(128):
        n = rnd.randrange(1, 1400)
        b = bytearray(rnd.getrandbits(8) for _ in range(n))
        if b[0] == 0x08:
            b[0] = 0x18
        g.append(bytes(b))
    c["vxlan_garbage"] = g
    # datagrams bigger than any packet buffer of the gateway (9,216 bytes): the underlay
    # fragments them, the gateway's kernel reassembles them (UDP maximum 65,507)
    c["oversize"] = [vxh(a.vni) + inner + b"\0" * (n - 8 - len(inner)) for n in (9300, 20000, 65507)]
    return c


def cmd_vxlan(a):
    lab_addr(a.src)
    lab_addr(a.dst)
    hc = header_cases(a)
    if a.case in hc:
        payloads = hc[a.case]
    else:
        ic = inner_cases(a)
        if a.case not in ic:
            die("unknown case %s (cases: %s)" % (a.case, " ".join(sorted(list(hc) + list(ic)))))
        payloads = [vxh(a.vni) + f for f in ic[a.case]]
    count = a.count if a.count else len(payloads)
    s = udp_sender(a.src, a.dst, a.port)
    n = send_all(s, a.dst, a.port, payloads, count, a.seconds, pace_every=a.pace or 64)
    print("sent %d %s datagrams (%d distinct) %s -> %s:%d vni %d" %
          (n, a.case, len(payloads), a.src, a.dst, a.port, a.vni))


# ------------------------------------------------------------------ raw Ethernet (uplink)
def eth_cases(a):
    gw, src = a.gw_mac, a.src_mac
    rnd = random.Random(5)
    c = {}
    g = []
    for _ in range(128):
        n = rnd.randrange(14, 600)
        b = bytearray(rnd.getrandbits(8) for _ in range(n))
        b[6:12] = bytes.fromhex(src.replace(":", ""))
        if rnd.random() < 0.5:
            b[0:6] = bytes.fromhex(gw.replace(":", ""))  # garbage for the gateway itself
        g.append(bytes(b))
    c["garbage"] = g
    # QinQ: an 802.1ad outer tag, or a second tag inside a priority tag (VLAN 0: untagged)
    c["vlan_tagged"] = [
        bytes(Ether(dst=gw, src=src, type=0x88A8) / Dot1Q(vlan=2) / IP(src=a.peer_ip, dst=a.gw_ip) / ICMP()),
        bytes(Ether(dst=gw, src=src) / Dot1Q(vlan=0) / Dot1Q(vlan=5) / IP(src=a.peer_ip, dst=a.gw_ip) / ICMP()),
        bytes(Ether(dst=BCAST, src=src, type=0x88A8) / Dot1Q(vlan=3) / ARP(hwsrc=src, psrc=a.peer_ip, pdst=a.gw_ip)),
    ]
    # 802.1Q VLANs of no sub-interface (the lab's uplink has none)
    c["vlan_unknown"] = [
        bytes(Ether(dst=gw, src=src) / Dot1Q(vlan=1) / IP(src=a.peer_ip, dst=a.gw_ip) / ICMP()),
        bytes(Ether(dst=BCAST, src=src) / Dot1Q(vlan=3) / ARP(hwsrc=src, psrc=a.peer_ip, pdst=a.gw_ip)),
        bytes(Ether(dst=gw, src=src) / Dot1Q(vlan=4094) / IP(src=a.peer_ip, dst=a.gw_ip) / ICMP()),
    ]
    c["arp_source_conflict"] = [
        bytes(Ether(dst=BCAST, src=src) / ARP(op=1, hwsrc=src, psrc=a.gw_ip, pdst=a.gw_ip)),
        bytes(Ether(dst=BCAST, src=src) / ARP(op=2, hwsrc=src, psrc=a.gw_ip, hwdst=BCAST, pdst=a.gw_ip)),
        bytes(Ether(dst=gw, src=src) / ARP(op=2, hwsrc=src, psrc=a.gw_ip, hwdst=gw, pdst=a.gw_ip)),
        bytes(Ether(dst=BCAST, src=src) / ARP(op=1, hwsrc=src, psrc=a.gw_ip, pdst=a.peer_ip)),
    ]
    c["ip_bad_checksum"] = [bytes(Ether(dst=gw, src=src) / IP(src=a.peer_ip, dst=a.gw_ip, chksum=0x4321) / ICMP())]
    c["unknown_ethertype"] = [bytes(Ether(dst=gw, src=src, type=0x88B5) / Raw(b"z" * 46))]
    c["arp_source_offlink"] = [bytes(Ether(dst=gw, src=src) / ARP(op=2, hwsrc=src, psrc="198.51.100.10", hwdst=gw, pdst=a.gw_ip))]
    # frames larger than a packet buffer (9,216 bytes); the netdevs' MTU must let them through
    icmp = bytes(Ether(dst=gw, src=src) / IP(src=a.peer_ip, dst=a.gw_ip) / ICMP())
    c["oversize"] = [icmp + b"\0" * (n - len(icmp)) for n in (9300, 12000, 15000)]
    return c


def cmd_eth(a):
    ifaces = [n for _, n in socket.if_nameindex()]
    if a.iface not in ifaces:
        die("no interface %s in this namespace" % a.iface)
    c = eth_cases(a)
    if a.case not in c:
        die("unknown case %s (cases: %s)" % (a.case, " ".join(sorted(c))))
    payloads = c[a.case]
    count = a.count if a.count else len(payloads)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    dl = Deadline(a.seconds)
    n = 0
    for i in range(count):
        if dl.over():
            break
        for _ in range(100):  # ENOBUFS: the veth's peer is busy; retry (bounded)
            try:
                s.send(payloads[i % len(payloads)])
                break
            except OSError as e:
                if e.errno not in (105, 11):
                    raise
                time.sleep(0.01)
        else:
            die("%s: no buffer space for 1 s" % a.iface)
        n += 1
        if n % 64 == 0:
            time.sleep(0.002)
    print("sent %d %s frames (%d distinct) on %s" % (n, a.case, len(payloads), a.iface))


# ------------------------------------------------------------------ storms
def cmd_macflood(a):
    """count frames, each from a distinct source MAC 02:f1:XX:XX:XX:XX, broadcast, an
    experimental ethertype (so the gateway learns the source, then drops as BUM)."""
    lab_addr(a.src)
    lab_addr(a.dst)
    tmpl = bytearray(vxh(a.vni) + bytes(Ether(dst=BCAST, src="02:f1:00:00:00:00", type=0x88B5) / Raw(b"\0" * 46)))
    off = 8 + 6 + 2  # VXLAN header, dst MAC, the 2 fixed bytes of the source
    frames = []
    for i in range(a.count):
        struct.pack_into("!I", tmpl, off, i + 1)
        frames.append(bytes(tmpl))
    s = udp_sender(a.src, a.dst, a.port)
    t0 = time.monotonic()
    n = send_all(s, a.dst, a.port, frames, a.count, a.seconds, pace_every=a.pace)
    print("sent %d MAC-flood datagrams (distinct source MACs) in %.2f s" % (n, time.monotonic() - t0))


def cmd_arpstorm(a):
    """ARP requests for the gateway's address from 100 senders .100-.199 of its subnet
    (each with its own MAC), and as many for other addresses (not for us)."""
    lab_addr(a.src)
    lab_addr(a.dst)
    net = a.gw_ip.rsplit(".", 1)[0]
    frames = []
    for k in range(100):
        mac = "02:a7:00:00:00:%02x" % k
        spa = "%s.%d" % (net, 100 + k)
        frames.append(vxh(a.vni) + bytes(Ether(dst=BCAST, src=mac) / ARP(op=1, hwsrc=mac, psrc=spa, pdst=a.gw_ip)))
        frames.append(vxh(a.vni) + bytes(Ether(dst=BCAST, src=mac) / ARP(op=1, hwsrc=mac, psrc=spa, pdst="%s.%d" % (net, 2 + k))))
    s = udp_sender(a.src, a.dst, a.port)
    t0 = time.monotonic()
    n = send_all(s, a.dst, a.port, frames, a.count, a.seconds, pace_every=a.pace)
    print("sent %d ARP requests (half for %s) in %.2f s" % (n, a.gw_ip, time.monotonic() - t0))


def cmd_bumstorm(a):
    """Broadcast and multicast frames that are not ARP (IPv4 to the subnet broadcast, IPv4
    multicast, an unknown ethertype) from a known host's MAC."""
    lab_addr(a.src)
    lab_addr(a.dst)
    h = a.host_mac
    frames = [
        vxh(a.vni) + bytes(Ether(dst=BCAST, src=h) / IP(src=a.host_ip, dst="255.255.255.255") / UDP(sport=68, dport=67) / Raw(b"\0" * 200)),
        vxh(a.vni) + bytes(Ether(dst="01:00:5e:01:02:03", src=h) / IP(src=a.host_ip, dst="239.1.2.3") / UDP(dport=5000) / Raw(b"m" * 100)),
        vxh(a.vni) + bytes(Ether(dst="33:33:00:00:00:01", src=h, type=0x86DD) / Raw(b"\0" * 60)),
        vxh(a.vni) + bytes(Ether(dst=BCAST, src=h, type=0x88B5) / Raw(b"b" * 46)),
    ]
    s = udp_sender(a.src, a.dst, a.port)
    t0 = time.monotonic()
    n = send_all(s, a.dst, a.port, frames, a.count, a.seconds, pace_every=a.pace)
    print("sent %d BUM frames in %.2f s" % (n, time.monotonic() - t0))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p, vx=True):
        p.add_argument("--count", type=int, default=0)
        p.add_argument("--seconds", type=float, default=20.0)
        p.add_argument("--gw-ip", default="10.1.10.1")
        p.add_argument("--peer-ip", default="10.1.20.60", help="an address routed beyond the gateway")
        p.add_argument("--pace", type=int, default=0, help="pause 2 ms every N datagrams (0: never)")
        if vx:
            p.add_argument("--src", required=True)
            p.add_argument("--dst", default="192.0.2.1")
            p.add_argument("--port", type=int, default=4789)
            p.add_argument("--vni", type=int, default=5000)
            p.add_argument("--gw-mac", default=BCAST)
            p.add_argument("--host-mac", default="02:00:00:01:10:50")
            p.add_argument("--host-ip", default="10.1.10.50")
            p.add_argument("--spoof-mac", default="02:66:66:66:66:66")

    p = sub.add_parser("vxlan")
    common(p)
    p.add_argument("--case", required=True)
    p = sub.add_parser("eth")
    common(p, vx=False)
    p.add_argument("--iface", required=True)
    p.add_argument("--case", required=True)
    p.add_argument("--gw-mac", required=True)
    p.add_argument("--src-mac", required=True)
    for name in ("macflood", "arpstorm", "bumstorm"):
        p = sub.add_parser(name)
        common(p)
    a = ap.parse_args()
    if a.count < 0 or a.count > 1000000 or not 0 < a.seconds <= 60:
        die("--count 0..1000000 and --seconds (0, 60] only")
    {"vxlan": cmd_vxlan, "eth": cmd_eth, "macflood": cmd_macflood, "arpstorm": cmd_arpstorm,
     "bumstorm": cmd_bumstorm}[a.cmd](a)


if __name__ == "__main__":
    main()
