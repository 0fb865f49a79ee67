#!/usr/bin/env python3
"""tests/e2e/vlan_peer.py - hosts on 802.1Q VLANs of one interface, in user space.

The lab's kernel may lack 802.1Q (no `ip link add ... type vlan`), so the VLAN hosts of
tests/e2e/test_dot1q.sh live here, on an AF_PACKET socket: each host is (VLAN, IPv4
address, MAC) and sees only the frames tagged with its VLAN. A tag reaches us either in
the frame or, moved out by the kernel, in PACKET_AUXDATA; we send tags in the frame.

Run it only inside a lab namespace (ip netns exec PREFIX-ext ...): host addresses must
be in 172.16.0.0/16, destinations there or on the lab's tenant subnets (10.1.0.0/16),
frames go out of --iface only, and every loop is bounded in time.

usage:
  vlan_peer.py serve --iface IF --host VLAN,IP,MAC [--host ...] [--seconds S]
      answer ARP requests and ICMP echo requests for the hosts, until S seconds passed
  vlan_peer.py ping --iface IF --host VLAN,IP,MAC --gw-mac M --dst A [--count N]
                    [--size N] [--seconds S]
      send N echo requests (DF) from the host to A through the gateway's MAC; exit 0 when
      every one was answered, tagged with the host's VLAN, within S seconds
Exit status: 0 done, 1 ping: replies missing, 2 usage error.
"""
import argparse
import errno
import ipaddress
import os
import select
import socket
import struct
import sys
import time

LAB_NET = ipaddress.ip_network("172.16.0.0/16")
TENANT_NET = ipaddress.ip_network("10.1.0.0/16")
ETH_P_ALL, ETH_P_IP, ETH_P_ARP, ETH_P_8021Q = 0x0003, 0x0800, 0x0806, 0x8100
SOL_PACKET, PACKET_AUXDATA = 263, 8
TP_STATUS_VLAN_VALID = 0x10
PACKET_OUTGOING = 4
AUX = struct.Struct("=IIIHHHH")  # struct tpacket_auxdata


def die(msg):
    print("vlan_peer.py: " + msg, file=sys.stderr)
    sys.exit(2)


def mac_bytes(m):
    b = bytes.fromhex(m.replace(":", ""))
    if len(b) != 6:
        die("bad MAC " + m)
    return b


def lab_ip(a, nets=(LAB_NET,)):
    try:
        ip = ipaddress.ip_address(a)
    except ValueError:
        die("bad address " + a)
    if not any(ip in n for n in nets):
        die("%s is not a lab address (%s)" % (a, ", ".join(str(n) for n in nets)))
    return ip.packed


def host(spec):
    try:
        vlan, ip, mac = spec.split(",")
        vlan = int(vlan)
    except ValueError:
        die("--host wants VLAN,IP,MAC: " + spec)
    if not 1 <= vlan <= 4094:
        die("VLAN %d out of range 1-4094" % vlan)
    return vlan, lab_ip(ip), mac_bytes(mac)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, payload, df=True):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0x1234, 0x4000 if df else 0,
                    64, 1, 0, src, dst)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def icmp_echo(typ, ident, seq, data):
    h = struct.pack("!BBHHH", typ, 0, 0, ident, seq) + data
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


def frame(dst, src, vlan, etype, payload):
    return dst + src + struct.pack("!HHH", ETH_P_8021Q, vlan, etype) + payload


def open_sock(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((iface, 0))
    return s


def recv(s, timeout):
    """(vlan, dst, src, etype, payload) of the next frame received, or None at timeout.
    vlan 0: untagged."""
    r, _, _ = select.select([s], [], [], max(timeout, 0))
    if not r:
        return None
    data, anc, _, addr = s.recvmsg(65535, socket.CMSG_SPACE(AUX.size))
    if addr[2] == PACKET_OUTGOING or len(data) < 14:
        return ()
    vlan = 0
    for level, typ, cdata in anc:
        if level == SOL_PACKET and typ == PACKET_AUXDATA and len(cdata) >= AUX.size:
            st, _, _, _, _, tci, _ = AUX.unpack(cdata[:AUX.size])
            if st & TP_STATUS_VLAN_VALID:
                vlan = tci & 0xFFF
    etype = struct.unpack("!H", data[12:14])[0]
    body = data[14:]
    if not vlan and etype == ETH_P_8021Q and len(data) >= 18:
        vlan = struct.unpack("!H", data[14:16])[0] & 0xFFF
        etype = struct.unpack("!H", data[16:18])[0]
        body = data[18:]
    return vlan, data[0:6], data[6:12], etype, body


def answer(s, hosts, f):
    """ARP reply or echo reply for a host of the frame's VLAN; True when one was sent."""
    vlan, _, src, etype, body = f
    for hv, hip, hmac in hosts:
        if hv != vlan:
            continue
        if etype == ETH_P_ARP and len(body) >= 28 and body[6:8] == b"\0\1" and body[24:28] == hip:
            arp = struct.pack("!HHBBH", 1, ETH_P_IP, 6, 4, 2) + hmac + hip + body[8:14] + body[14:18]
            send(s, frame(src, hmac, vlan, ETH_P_ARP, arp + b"\0" * 18))
            return True
        if etype == ETH_P_IP and len(body) >= 28 and body[9] == 1 and body[16:20] == hip:
            ihl = (body[0] & 0xF) * 4
            tot = struct.unpack("!H", body[2:4])[0]
            icmp = body[ihl:tot]
            if len(icmp) >= 8 and icmp[0] == 8:
                ident, seq = struct.unpack("!HH", icmp[4:8])
                rep = ipv4(hip, body[12:16], icmp_echo(0, ident, seq, icmp[8:]))
                send(s, frame(src, hmac, vlan, ETH_P_IP, rep))
                return True
    return False


def send(s, f):
    """Sends frame f; ENOBUFS (the veth's queue full on a loaded machine) is retried a
    few times, 20 ms apart, as a host's stack would, before the frame counts as lost."""
    for _ in range(5):
        try:
            s.send(f)
            return
        except OSError as e:
            if e.errno != errno.ENOBUFS:
                raise
            time.sleep(0.02)


def serve(a):
    hosts = [host(h) for h in a.host]
    s = open_sock(a.iface)
    end = time.monotonic() + a.seconds
    n = 0
    while time.monotonic() < end:
        f = recv(s, end - time.monotonic())
        if f:
            n += answer(s, hosts, f)
    print("answered %d" % n)
    return 0


def ping(a):
    vlan, ip, mac = host(a.host[0])
    gw, dst = mac_bytes(a.gw_mac), lab_ip(a.dst, (LAB_NET, TENANT_NET))
    s = open_sock(a.iface)
    ident = os.getpid() & 0xFFFF
    data = bytes(i & 0xFF for i in range(a.size))
    got = set()
    end = time.monotonic() + a.seconds
    for seq in range(1, a.count + 1):
        req = ipv4(ip, dst, icmp_echo(8, ident, seq, data))
        send(s, frame(gw, mac, vlan, ETH_P_IP, req))
        stop = min(end, time.monotonic() + 0.3)
        while time.monotonic() < stop:
            f = recv(s, stop - time.monotonic())
            if not f:
                continue
            fv, fdst, _, etype, body = f
            if (fv == vlan and fdst == mac and etype == ETH_P_IP and len(body) >= 28 and
                    body[9] == 1 and body[12:16] == dst and body[20] == 0 and
                    struct.unpack("!H", body[24:26])[0] == ident):
                got.add(struct.unpack("!H", body[26:28])[0])
    while len(got) < a.count and time.monotonic() < end:
        f = recv(s, end - time.monotonic())
        if f and f[0] == vlan and f[3] == ETH_P_IP and len(f[4]) >= 28 and f[4][20] == 0:
            got.add(struct.unpack("!H", f[4][26:28])[0])
    print("VLAN %d %s -> %s: %d requests, %d replies" %
          (vlan, socket.inet_ntoa(ip), a.dst, a.count, len(got)))
    return 0 if len(got) == a.count else 1


def main():
    p = argparse.ArgumentParser(description="hosts on 802.1Q VLANs, in user space")
    p.add_argument("mode", choices=["serve", "ping"])
    p.add_argument("--iface", required=True)
    p.add_argument("--host", action="append", required=True)
    p.add_argument("--gw-mac")
    p.add_argument("--dst")
    p.add_argument("--count", type=int, default=3)
    p.add_argument("--size", type=int, default=56)
    p.add_argument("--seconds", type=float, default=10)
    a = p.parse_args()
    if not 0 < a.seconds <= 300 or not 0 < a.count <= 1000 or not 0 <= a.size <= 8972:
        die("--seconds 0-300, --count 1-1000, --size 0-8972")
    if a.mode == "ping" and (not a.gw_mac or not a.dst):
        die("ping needs --gw-mac and --dst")
    return serve(a) if a.mode == "serve" else ping(a)


if __name__ == "__main__":
    sys.exit(main())
