#!/usr/bin/env bash
# End-to-end IPv6 underlay, DSCP and ECN across the tunnel (issue 17), one lab for every
# check, the kernel's offloads kept on every veth of the hosts and VTEPs:
#
#   $P-h1 10.1.10.50/24 ── $P-vtep1 vxlan10 (VNI 10, IPv4 underlay 192.0.2.11, head-end → .1)
#   $P-h2 10.1.20.60/24 ── $P-vtep2 vxlan20 (VNI 20, IPv6 underlay 2001:db8::12, head-end → ::1)
#   $P-h3 10.1.30.70/24 ── $P-vtep3 vxlan30 (VNI 30, IPv6 2001:db8::13, group ff05::1:70)
#   $P-ul  br0: the underlay segment, both families (192.0.2.0/24, 2001:db8::/64)
#   $P-gw  ul0 192.0.2.1/24 + 2001:db8::1/64: vxgwd with
#            vxlan source 192.0.2.1 / vxlan source 2001:db8::1 / vxlan dscp inherit
#            BD 10 (flood-peer 192.0.2.11), BD 20 (flood-peer 2001:db8::12),
#            BD 30 (flood-group ff05::1:70), bdif10/20/30 at 10.1.X.1
#          or, with VXGW_E2E_KERNEL=1, the Linux kernel: vxlan10/20/30 (`tos inherit`,
#          `ttl 64`, the IPv6 ones with a fixed `flowlabel`, see below) in bridges br10/20/30
#          holding 10.1.X.1/24, ip_forward=1.
#
# MTU: the underlay is 1500; an IPv6 outer header costs 70 bytes (Ethernet 14, IPv6 40, UDP
# 8, VXLAN 8), so the IPv6 VNIs' hosts, VTEP devices and BDIFs have 1430, VNI 10's 1450.
#
# Checks (exact: N sent, N received, no duplicate; numbered UDP each received once; TCP
# byte counts both ways; checksums valid where frames arrive; the IPv6 VTEPs keep Linux's
# default of requiring outer UDP checksums, so they verify every one the gateway sends):
#   1. ICMP h1 <-> h2 (IPv4 VTEP <-> IPv6 VTEP), h2 -> h3, h3 -> h1 (the IPv6 group BD);
#      UDP h1 <-> h2 and h2 -> h3 (udpflows.py), TCP h1 <-> h2 (tcpxfer.py)
#   2. the gateway's wire (the underlay bridge's port to it, p-gw) while h1 pings h2 with
#      `ping -Q 0xb8` and h2 pings h3: each echo request reaches h2 with TOS 0xb8 and left
#      the gateway for 2001:db8::12 with outer traffic class 0xb8 (DSCP 46, Not-ECT); every
#      IPv6 VXLAN packet the gateway sent has a valid UDP checksum (tshark), hop limit 64, a
#      non-zero flow label, the same one for every packet of a flow; the counters moved by
#      exactly what was on the wire: vxgwd's per-peer counters (2001:db8::12, the learned
#      2001:db8::13, 192.0.2.11), the kernel twin's vxlan devices' rx/tx packets
#   3. ECN (RFC 6040): tests/e2e/ecn_mark.bpf.c on vtep2's underlay egress sets outer CE on
#      VXLAN packets that carry ICMP. h2 pings h1 with ECT(0) (`ping -Q 0x02`): every echo
#      request reaches h1 as CE; toward vtep1 the gateway copies CE into the outer header
#      (vxgwd, RFC 6040 normal mode) or sends ECT(0) (Linux, INET_ECN_encapsulate: CE inner
#      -> ECT(0) outer). Then Not-ECT pings: none reaches h1; vxgwd counts each in
#      `ecn_ce_not_ect`, the kernel in vxlan20's rx_frame_errors and rx_errors
#      (vxlan_ecn_decapsulate: outer CE on Not-ECT is dropped there)
#   4. vxgwd: `show vxlan peers` (text and JSON: vtep6 2001:db8::1, dscp inherit) lists
#      2001:db8::12 (configured, BD 20) and 2001:db8::13 (learned, BD 30), the MAC table h3
#      behind 2001:db8::13; kernel: the bridges' fdb holds h2 behind 2001:db8::12 and h3
#      learned behind 2001:db8::13
#
# Non-defaults, and why: the kernel twin's ul0 sends what a NIC puts on the wire (tx
# checksum and segmentation offloads off, lab_wire), because a capture on a veth sees a
# checksum left to the offload as partial, and item 2 checks the outer IPv6 UDP checksums
# (vxgwd computes them itself; its ul0 keeps the defaults, and GRO on as lab.sh has it).
# Linux's vxlan puts a fixed flow label on IPv6 outer headers (0 unless `flowlabel N`; it
# derives none from an IPv4 inner flow), so the twin is given one (U6_KLABEL) and item 2
# checks that one; vxgwd's come from the inner flow hash (RFC 6438) and must differ between
# the two flows. `ttl 64`: Linux's vxlan sends to a group with hop limit 1 unless told.
#
# usage: test_underlay6.sh [BUILD_DIR]         (default <repo>/build; needs root)
#        VXGW_E2E_KERNEL=1 test_underlay6.sh   the Linux kernel as the gateway (no vxgwd)
#        VXGW_E2E_WORKERS=N test_underlay6.sh  vxgwd with `dataplane workers N`
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_start 180 "$0" "$@"

# shellcheck disable=SC2034 # read by lab.sh (_lab_underlay_segment, lab_down)
LAB_NAMES="ul gw vtep1 vtep2 vtep3 h1 h2 h3"
N=20 # echo requests of each kind
U6_GW6=2001:db8::1
U6_GROUP=ff05::1:70
U6_KLABEL=0x6cafe # the kernel twin's fixed outer flow label
U6_VNI=(x 10 20 30)
U6_VTEP=(x 192.0.2.11 2001:db8::12 2001:db8::13)
U6_MTU=(x 1450 1430 1430)

# --- the lab -------------------------------------------------------------------------------------
# _u6_ipv6_on NS: IPv6 on lo and ul0 only (devices made later keep it off: no router
# solicitation or MLD report of a vxlan device or bridge enters a tunnel and the counts),
# no duplicate address detection (the addresses are usable at once)
_u6_ipv6_on() {
  _lab_sysctl "$1" net.ipv6.conf.lo.disable_ipv6=0 net.ipv6.conf.ul0.accept_dad=0 \
    net.ipv6.conf.ul0.disable_ipv6=0
}

_u6_up_body() {
  local n i vt LAB_TENANT_MTU # (read by _lab_vxlan_bridge and _lab_host_behind)
  _lab_underlay_segment || return 1
  for n in gw vtep2 vtep3; do lab_must _u6_ipv6_on "$P-$n" || return 1; done
  lab_must ip -n "$P-gw" -6 addr add $U6_GW6/64 dev ul0 nodad || return 1
  lab_must ip -n "$P-vtep1" addr add "${U6_VTEP[1]}/24" dev ul0 || return 1
  for i in 2 3; do
    lab_must ip -n "$P-vtep$i" -6 addr add "${U6_VTEP[i]}/64" dev ul0 nodad || return 1
  done
  for i in 1 2 3; do
    vt=$P-vtep$i
    LAB_TENANT_MTU=${U6_MTU[i]}
    lab_must ip -n "$vt" link set ul0 up || return 1
    case $i in
      1) _lab_vxlan_bridge "$vt" 10 br0 $LAB_GW_UL local "${U6_VTEP[1]}" nolearning || return 1 ;;
      2) _lab_vxlan_bridge "$vt" 20 br0 $U6_GW6 local "${U6_VTEP[2]}" nolearning || return 1 ;;
      3) _lab_vxlan_bridge "$vt" 30 br0 - local "${U6_VTEP[3]}" group $U6_GROUP dev ul0 ||
        return 1 ;;
    esac
    _lab_host_behind "$vt" "h$i" "$P-h$i" "${LAB_HOST_MAC[i]}" "${LAB_HOST[i]}" br0 || return 1
  done
}

u6_lab_up() {
  lab_gc_stale
  (_u6_up_body) || { lab_down; return 1; }
}

u6_gw_config() {
  local i
  echo "hostname vxgw-e2e"
  echo "vxlan source $LAB_GW_UL"
  echo "vxlan source $U6_GW6"
  echo "vxlan dscp inherit"
  echo "!"
  for i in 1 2 3; do
    echo "bridge-domain ${U6_VNI[i]}"
    echo " vni ${U6_VNI[i]}"
    if [ "$i" = 3 ]; then echo " flood-group $U6_GROUP"; else echo " flood-peer ${U6_VTEP[i]}"; fi
    echo "!"
  done
  for i in 1 2 3; do
    echo "interface bdif ${U6_VNI[i]}"
    echo " ip address 10.1.${U6_VNI[i]}.1/24"
    echo " mtu ${U6_MTU[i]}"
    echo "!"
  done
  lab_workers_line
}

u6_kernel_gw_up() {
  local g=$P-gw i common="srcport 49152 65535 tos inherit ttl 64" LAB_TENANT_MTU
  # (LAB_TENANT_MTU: read by _lab_vxlan_bridge, which this local is visible to)
  # shellcheck disable=SC2086,SC2034
  {
    LAB_TENANT_MTU=${U6_MTU[1]}
    _lab_vxlan_bridge "$g" 10 br10 "${U6_VTEP[1]}" local $LAB_GW_UL $common df set || return 1
    LAB_TENANT_MTU=${U6_MTU[2]}
    _lab_vxlan_bridge "$g" 20 br20 "${U6_VTEP[2]}" local $U6_GW6 $common flowlabel $U6_KLABEL ||
      return 1
    LAB_TENANT_MTU=${U6_MTU[3]}
    _lab_vxlan_bridge "$g" 30 br30 - local $U6_GW6 group $U6_GROUP dev ul0 $common \
      flowlabel $U6_KLABEL || return 1
  }
  for i in 1 2 3; do
    lab_must ip -n "$g" addr add "10.1.${U6_VNI[i]}.1/24" dev "br${U6_VNI[i]}" || return 1
  done
  lab_must lab_wire gw off ul0 || return 1
  lab_must _lab_sysctl "$g" net.ipv4.ip_forward=1
}

# --- captures read in Python (tshark for the decoding and the checksum verdicts) -------------
# u6_fields NAME: one line per VXLAN packet of capture NAME: outer source, destination, VNI,
# outer traffic class or TOS, flow label, hop limit, UDP checksum status (1 good), inner
# IPv4 source, destination, TOS, ICMP type
u6_fields() {
  lab_tshark "$1" -o udp.check_checksum:TRUE -Y vxlan -T fields -E occurrence=a \
    -E aggregator=' ' -E separator=/t -e ipv6.src -e ipv6.dst -e ip.src -e ip.dst -e vxlan.vni \
    -e ipv6.tclass -e ip.dsfield -e ipv6.flow -e ipv6.hlim -e udp.checksum.status -e icmp.type
}

# The analysis (python, the fields of u6_fields on stdin): pkts is a list of dicts with
# src, dst (outer), v6, vni, tc (outer), label, hlim, csum (outer), isrc, idst, itos, icmp.
_U6_PY='
import sys
def parse(line):
    f = line.rstrip("\n").split("\t")
    f += [""] * (11 - len(f))
    ip_src, ip_dst, dsf, csum = f[2].split(), f[3].split(), f[6].split(), f[9].split()
    v6 = f[0] != ""
    p = {"v6": v6, "vni": int(f[4] or -1), "csum": csum[0] if csum else "",
         "icmp": f[10].split()[0] if f[10] else ""}
    if v6:
        p.update(src=f[0], dst=f[1], tc=int(f[5], 16), label=int(f[7] or "0", 16),
                 hlim=int(f[8] or -1), isrc=ip_src[0] if ip_src else "",
                 idst=ip_dst[0] if ip_dst else "", itos=int(dsf[0], 16) if dsf else -1)
    else:
        p.update(src=ip_src[0], dst=ip_dst[0], tc=int(dsf[0], 16), label=0, hlim=-1,
                 isrc=ip_src[1] if len(ip_src) > 1 else "",
                 idst=ip_dst[1] if len(ip_dst) > 1 else "",
                 itos=int(dsf[1], 16) if len(dsf) > 1 else -1)
    return p
pkts = [parse(l) for l in sys.stdin if l.strip()]
'

# --- start ----------------------------------------------------------------------------------------
T0=$(date +%s)
check "test tools are installed (and clang for the BPF marker)" lab_require_cmds ip bridge tc \
  ping tcpdump tshark python3 clang || lab_finish
check "lab comes up: VTEPs on IPv4 (VNI 10) and IPv6 (VNI 20, group BD 30 over $U6_GROUP)" \
  u6_lab_up || lab_finish
# Linux's default, which the VTEPs keep: IPv6 outer UDP checksums computed on send and
# required on receive (RFC 8200), so every datagram the gateway sends them is checked there
csum6_required() {
  local i out
  for i in 2 3; do
    out=$(lab_exec "vtep$i" ip -d link show "vxlan${U6_VNI[i]}") || return 1
    echo "$out" | grep -o 'udp6zerocsum[a-z]*'
    echo "$out" | lab_has_line noudp6zerocsumtx noudp6zerocsumrx || return 1
  done
}
check "vtep2, vtep3: outer IPv6 UDP checksums sent and required (noudp6zerocsumtx/rx, the default)" \
  csum6_required
CONF=$LAB_TMP/vxgw.conf
if [ "$KERNEL" = 1 ]; then
  note "gateway: the Linux kernel (vxlan tos inherit ttl 64, IPv6 flowlabel $U6_KLABEL," \
    "bridges, ip_forward), complete frames on ul0"
  check "kernel gateway comes up" u6_kernel_gw_up || lab_finish
else
  u6_gw_config >"$CONF"
  note "gateway: vxgwd with $(tr '\n' ' ' <"$CONF")"
  check "vxgwd takes the configuration (vxgwd -n)" "$VXGWD" -n -f "$CONF" || lab_finish
  check "vxgwd starts and answers the CLI" gw_start "$CONF" || lab_finish
  gw_snap "$LAB_TMP/start.snap"
fi

# --- 1. exact delivery across the families -----------------------------------------------------------
check "underlay: vtep2 reaches $U6_GW6, vtep1 reaches $LAB_GW_UL (5 replies each)" \
  eval "lab_ping_exact vtep2 $U6_GW6 5 && lab_ping_exact vtep1 $LAB_GW_UL 5"
for i in 1 2 3; do
  check "h$i pings its gateway 10.1.${U6_VNI[i]}.1: 5 replies exactly" \
    lab_ping_exact "h$i" "10.1.${U6_VNI[i]}.1" 5
done
check "ICMP h1 -> h2 (IPv4 VTEP -> IPv6 VTEP): $N replies exactly" lab_ping_exact h1 10.1.20.60 $N
check "ICMP h2 -> h1 (IPv6 VTEP -> IPv4 VTEP): $N replies exactly" lab_ping_exact h2 10.1.10.50 $N
check "ICMP h2 -> h3 (to the IPv6 group BD): $N replies exactly" lab_ping_exact h2 10.1.30.70 $N
check "ICMP h3 -> h1 (from the IPv6 group BD to the IPv4 VTEP): $N replies exactly" \
  lab_ping_exact h3 10.1.10.50 $N
check "UDP h1 -> h2: 200 datagrams exactly once, intact, valid checksums (outer IPv6 too)" \
  lab_udp_exact h1 h2 10.1.20.60
check "UDP h2 -> h1: 200 datagrams exactly once, intact, valid checksums" \
  lab_udp_exact h2 h1 10.1.10.50
check "UDP h2 -> h3 (group BD): 200 datagrams exactly once, intact, valid checksums" \
  lab_udp_exact h2 h3 10.1.30.70
check "TCP h1 <-> h2: 4 MiB each way on one connection, exactly, valid checksums" \
  lab_tcp_exact h1 h2 10.1.20.60 4194304

# --- 2. the outer headers, DSCP, counters ----------------------------------------------------------
# counters_now FILE: what the gateway counted so far (vxgwd: show counters json; kernel: the
# vxlan devices' statistics as {"peers": [...]} named by device)
counters_now() {
  if [ "$KERNEL" = 1 ]; then
    local d sep='' rx tx
    printf '{"peers": ['
    for d in vxlan10 vxlan20 vxlan30; do
      rx=$(lab_exec gw cat "/sys/class/net/$d/statistics/rx_packets") || return 1
      tx=$(lab_exec gw cat "/sys/class/net/$d/statistics/tx_packets") || return 1
      printf '%s{"peer": "%s", "rx_packets": %s, "tx_packets": %s}' "$sep" "$d" "$rx" "$tx"
      sep=", "
    done
    echo "]}"
  else
    gw_cli "show counters json"
  fi >"$1"
}

# The gateway's wire is captured at its link partner, the underlay bridge's port p-gw (both
# directions): vxgwd's direct Ethernet transmit (PACKET_QDISC_BYPASS) passes no tap of its
# own ul0, so tcpdump there would miss what it sends.
wire_run() {
  counters_now "$LAB_TMP/cnt.0" || { echo "no counters"; return 1; }
  _cap_run wire ul p-gw "-s 0 -B 16384" udp port 4789 || return 1
  cap_start dscp-h2 h2 eth0 "icmp[icmptype] == icmp-echo" || { cap_stop wire; return 1; }
  local rc=0
  lab_ping_exact h1 10.1.20.60 $N -Q 0xb8 || rc=1
  lab_ping_exact h2 10.1.30.70 $N || rc=1
  cap_stop wire dscp-h2
  counters_now "$LAB_TMP/cnt.1" || { echo "no counters"; return 1; }
  u6_fields wire >"$LAB_TMP/wire.txt"
  echo "$(wc -l <"$LAB_TMP/wire.txt") VXLAN packets on the gateway's underlay port"
  return $rc
}
check "ping -Q 0xb8 h1 -> h2 and ping h2 -> h3 ($N each, exactly), captured at the gateway's underlay port" \
  wire_run

# tos_at CAPTURE SRC TOS: capture CAPTURE holds exactly $N packets from SRC, each with TOS.
tos_at() {
  lab_tshark "$1" -T fields -e ip.src -e ip.dsfield | awk -v n=$N -v src="$2" -v tos="$3" '
    $1 == src { k++; if ($2 != tos) { bad++; print "TOS", $2 } }
    END { printf "%d echo requests from %s, %d without TOS %s\n", k, src, bad, tos; exit !(k == n && !bad) }'
}
check "h2 received each of the $N echo requests with TOS 0xb8" tos_at dscp-h2 10.1.10.50 0xb8

outer_dscp() {
  timeout 20 $LAB_PY -c "$_U6_PY"'
n, gw, peer = int(sys.argv[1]), sys.argv[2], sys.argv[3]
req = [p for p in pkts if p["src"] == gw and p["dst"] == peer and p["icmp"] == "8" and p["isrc"] == "10.1.10.50"]
tcs = sorted({hex(p["tc"]) for p in req})
print("%d echo requests h1 -> h2 left %s for %s; outer traffic classes %s" % (len(req), gw, peer, tcs))
sys.exit(not (len(req) == n and tcs == ["0xb8"]))' $N $U6_GW6 "${U6_VTEP[2]}" <"$LAB_TMP/wire.txt"
}
check "...and left the gateway for ${U6_VTEP[2]} with outer traffic class 0xb8 (DSCP 46, Not-ECT)" \
  outer_dscp

# every IPv6 VXLAN packet the gateway sent: checksum good, hop limit 64, label non-zero and
# one per flow (inner source, destination); KLABEL: the label they all must have (kernel)
outer6_headers() {
  timeout 20 $LAB_PY -c "$_U6_PY"'
gw, klabel = sys.argv[1], sys.argv[2]
out = [p for p in pkts if p["v6"] and p["src"] == gw]
bad = [p for p in out if p["csum"] != "1" or p["hlim"] != 64 or p["label"] == 0]
flows = {}
for p in out:
    if p["isrc"]:  # IP inner packets (the label of an ARP frame follows its own hash)
        flows.setdefault((p["isrc"], p["idst"], p["dst"]), set()).add(p["label"])
print("%d IPv6 VXLAN packets from %s; checksum, hop limit or label wrong: %d" % (len(out), gw, len(bad)))
for p in bad[:5]:
    print("  ", p)
for f, labels in sorted(flows.items()):
    print("flow %s -> %s via %s: labels %s" % (f[0], f[1], f[2], sorted(hex(l) for l in labels)))
ok = len(out) >= 2 * int(sys.argv[5]) and not bad and all(len(l) == 1 for l in flows.values())
pings = [next(iter(flows.get(k, {0}))) for k in (("10.1.10.50", "10.1.20.60", sys.argv[3]),
                                                 ("10.1.20.60", "10.1.30.70", sys.argv[4]))]
if klabel:
    ok = ok and all(l == int(klabel, 16) for ls in flows.values() for l in ls)
else:  # RFC 6438: from the inner flow; two flows, two labels (a 2^-20 chance to collide)
    print("the two ping flows: labels %s" % [hex(l) for l in pings])
    ok = ok and 0 not in pings and pings[0] != pings[1]
sys.exit(not ok)' $U6_GW6 "$([ "$KERNEL" = 1 ] && echo $U6_KLABEL)" "${U6_VTEP[2]}" \
    "${U6_VTEP[3]}" $N <"$LAB_TMP/wire.txt"
}
if [ "$KERNEL" = 1 ]; then
  check "outer IPv6 from $U6_GW6: UDP checksum valid, hop limit 64, flow label $U6_KLABEL (fixed)" \
    outer6_headers
else
  check "outer IPv6 from $U6_GW6: UDP checksum valid, hop limit 64, flow label non-zero, one per flow" \
    outer6_headers
fi

# the counters moved by exactly the VXLAN packets on the wire: per peer (vxgwd: received
# from it, sent to it) or per vxlan device (kernel: received in its VNI, sent in its VNI);
# and the pings account for N each way on each leg
counted_as_wire() {
  timeout 20 $LAB_PY -c "$_U6_PY"'
import json
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
kernel, n, gw4, gw6 = sys.argv[3] == "1", int(sys.argv[4]), sys.argv[5], sys.argv[6]
def delta(name, field):
    get = lambda d: next((p.get(field, 0) for p in d["peers"] if p["peer"] == name), 0)
    return get(b) - get(a)
ours = (gw4, gw6)
if kernel:
    rows = [("vxlan%d" % v, lambda p, v=v: p["vni"] == v and p["src"] not in ours,
             lambda p, v=v: p["vni"] == v and p["src"] in ours) for v in (10, 20, 30)]
else:
    rows = [(peer, lambda p, peer=peer: p["src"] == peer,
             lambda p, peer=peer: p["src"] in ours and p["dst"] == peer)
            for peer in sys.argv[7:]]
ok = True
for name, rx, tx in rows:
    wrx, wtx = sum(map(rx, pkts)), sum(map(tx, pkts))
    crx, ctx = delta(name, "rx_packets"), delta(name, "tx_packets")
    print("%-14s on the wire: %3d in, %3d out; counted: rx +%d, tx +%d" % (name, wrx, wtx, crx, ctx))
    ok = ok and (crx, ctx) == (wrx, wtx)
# each leg of the two pings: outer source and destination, inner ones, ICMP type
v1, v2, v3 = sys.argv[7:10]
h1, h2, h3 = "10.1.10.50", "10.1.20.60", "10.1.30.70"
legs = [(v1, gw4, h1, h2, "8"), (gw6, v2, h1, h2, "8"), (v2, gw6, h2, h1, "0"), (gw4, v1, h2, h1, "0"),
        (v2, gw6, h2, h3, "8"), (gw6, v3, h2, h3, "8"), (v3, gw6, h3, h2, "0"), (gw6, v2, h3, h2, "0")]
for leg in legs:
    k = sum(1 for p in pkts if (p["src"], p["dst"], p["isrc"], p["idst"], p["icmp"]) == leg)
    print("echo %s %s -> %s (%s -> %s): %d" % ("requests" if leg[4] == "8" else "replies", *leg[:4], k))
    ok = ok and k == n
sys.exit(not ok)' "$LAB_TMP/cnt.0" "$LAB_TMP/cnt.1" "$KERNEL" $N $LAB_GW_UL $U6_GW6 \
    "${U6_VTEP[1]}" "${U6_VTEP[2]}" "${U6_VTEP[3]}" <"$LAB_TMP/wire.txt"
}
if [ "$KERNEL" = 1 ]; then
  check "vxlan10/20/30 rx/tx packets moved by exactly the VXLAN packets on the wire ($N echoes each leg)" \
    counted_as_wire
else
  check "peer counters (192.0.2.11, 2001:db8::12, learned 2001:db8::13) moved by exactly the wire ($N echoes each leg)" \
    counted_as_wire
fi

# --- 3. ECN --------------------------------------------------------------------------------------
ecn_mark_on() {
  local obj=$LAB_TMP/ecn_mark.o
  clang -O2 -g0 -target bpf -I"/usr/include/$(clang -print-multiarch)" \
    -c "$LAB_ROOT/tests/e2e/ecn_mark.bpf.c" -o "$obj" || return 1
  lab_exec vtep2 tc qdisc add dev ul0 clsact || return 1
  lab_exec vtep2 tc filter add dev ul0 egress bpf da obj "$obj" sec mark || return 1
  lab_exec vtep2 tc filter show dev ul0 egress
}
check "the CE marker (ecn_mark.bpf.c) on vtep2's underlay egress" ecn_mark_on

# kstat NAME: vxlan20's statistics NAME in the kernel twin
kstat() { lab_exec gw cat "/sys/class/net/vxlan20/statistics/$1"; }

ecn_ect_run() {
  _cap_run ecn-wire ul p-gw "-s 0 -B 16384" udp port 4789 || return 1
  cap_start ecn-h1 h1 eth0 "icmp[icmptype] == icmp-echo" || { cap_stop ecn-wire; return 1; }
  local rc=0
  lab_ping_exact h2 10.1.10.50 $N -Q 0x02 || rc=1
  cap_stop ecn-wire ecn-h1
  u6_fields ecn-wire >"$LAB_TMP/ecn-wire.txt"
  return $rc
}
check "ping -Q 0x02 (ECT(0)) h2 -> h1 with outer CE on the way in: $N replies exactly" ecn_ect_run

check "h1 received each of the $N echo requests with ECN CE (TOS 0x03)" tos_at ecn-h1 10.1.20.60 0x03

# WANT: the outer TOS toward vtep1 (vxgwd 0x03: CE copied; Linux 0x02: ECT(0) for a CE inner)
ecn_outer() {
  timeout 20 $LAB_PY -c "$_U6_PY"'
n, gw4, gw6, v1, v2, want = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6], 16)
inn = [p for p in pkts if p["src"] == v2 and p["dst"] == gw6 and p["icmp"] == "8"]
out = [p for p in pkts if p["src"] == gw4 and p["dst"] == v1 and p["icmp"] == "8"]
print("from %s: %d echo requests, outer traffic classes %s, inner TOS %s" % (v2, len(inn),
      sorted({hex(p["tc"]) for p in inn}), sorted({hex(p["itos"]) for p in inn})))
print("to %s: %d echo requests, outer TOS %s, inner TOS %s" % (v1, len(out),
      sorted({hex(p["tc"]) for p in out}), sorted({hex(p["itos"]) for p in out})))
sys.exit(not (len(inn) == n and {p["tc"] & 3 for p in inn} == {3} and {p["itos"] for p in inn} == {2}
              and len(out) == n and {p["tc"] for p in out} == {want} and {p["itos"] for p in out} == {3}))
' $N $LAB_GW_UL $U6_GW6 "${U6_VTEP[1]}" "${U6_VTEP[2]}" "$1" <"$LAB_TMP/ecn-wire.txt"
}
if [ "$KERNEL" = 1 ]; then
  check "wire: outer CE over inner ECT(0) from vtep2; toward vtep1 outer ECT(0) (Linux) over inner CE" \
    ecn_outer 0x02
else
  check "wire: outer CE over inner ECT(0) from vtep2; toward vtep1 outer CE copied (RFC 6040) over inner CE" \
    ecn_outer 0x03
fi

ecn_not_ect_run() {
  local rc=0 fe0 er0 fe1 er1
  lab_rx_snap h1 "$LAB_TMP/h1.rx"
  if [ "$KERNEL" = 1 ]; then
    fe0=$(kstat rx_frame_errors) && er0=$(kstat rx_errors) || return 1
  else
    gw_snap "$LAB_TMP/ecn.snap" || return 1
  fi
  lab_ping_expect h2 10.1.10.50 $N 0 || rc=1
  lab_rx_expect h1 "$LAB_TMP/h1.rx" "Icmp.InEchos=0" || rc=1
  if [ "$KERNEL" = 1 ]; then
    fe1=$(kstat rx_frame_errors) && er1=$(kstat rx_errors) || return 1
    echo "vxlan20: rx_frame_errors +$((fe1 - fe0)), rx_errors +$((er1 - er0)) (expected $N each)"
    [ $((fe1 - fe0)) = $N ] && [ $((er1 - er0)) = $N ] || rc=1
  else
    gw_grew "$LAB_TMP/ecn.snap" ecn_ce_not_ect $N $N || rc=1
  fi
  return $rc
}
if [ "$KERNEL" = 1 ]; then
  check "Not-ECT h2 -> h1 under outer CE: none of $N arrives, vxlan20 rx_frame_errors and rx_errors +$N" \
    ecn_not_ect_run
else
  check "Not-ECT h2 -> h1 under outer CE: none of $N arrives, ecn_ce_not_ect +$N exactly" \
    ecn_not_ect_run
fi
ecn_mark_off() { lab_exec vtep2 tc qdisc del dev ul0 clsact; }
check "the CE marker removed; h2 -> h1 Not-ECT: $N replies exactly" \
  eval "ecn_mark_off && lab_ping_exact h2 10.1.10.50 $N"

# --- 4. the tables -------------------------------------------------------------------------------
MAC2=$(lab_host_mac h2)
MAC3=$(lab_host_mac h3)
if [ "$KERNEL" = 1 ]; then
  kfdb() { bridge -n "$P-gw" fdb show dev "$1" | tee /dev/stderr | lab_has_line "$2" dst "$3"; }
  check "(kernel) fdb: h2 $MAC2 behind ${U6_VTEP[2]}" kfdb vxlan20 "$MAC2" "${U6_VTEP[2]}"
  check "(kernel) fdb: h3 $MAC3 behind ${U6_VTEP[3]} (learned on the group)" \
    kfdb vxlan30 "$MAC3" "${U6_VTEP[3]}"
else
  check "show vxlan peers: ${U6_VTEP[2]} BD 20 configured, ${U6_VTEP[3]} BD 30 learned" \
    eval "gw_has_line 'show vxlan peers' ${U6_VTEP[2]} 20 configured &&
      gw_has_line 'show vxlan peers' ${U6_VTEP[3]} 30 learned"
  check "show vxlan peers json: vtep6 $U6_GW6, dscp inherit, the same peers and ${U6_VTEP[1]} BD 10" \
    gw_json "show vxlan peers json" '
d["vtep6"] == "'"$U6_GW6"'" and d["dscp"] == "inherit" and
any(p["vtep"] == "'"${U6_VTEP[1]}"'" and str(p["bridge_domain"]) == "10" and p["type"] == "configured" for p in d["peers"]) and
any(p["vtep"] == "'"${U6_VTEP[2]}"'" and str(p["bridge_domain"]) == "20" and p["type"] == "configured" for p in d["peers"]) and
any(p["vtep"] == "'"${U6_VTEP[3]}"'" and str(p["bridge_domain"]) == "30" and p["type"] == "learned" for p in d["peers"])'
  check "show mac address-table: BD 30 $MAC3 ${U6_VTEP[3]} dynamic" \
    gw_has_line "show mac address-table" 30 "$MAC3" "${U6_VTEP[3]}" dynamic
  if [ "${VXGW_E2E_IO:-}" = xdp ]; then
    # the unicast datagrams of both families came through AF_XDP; the IPv6 group's pass to
    # the kernel's socket (the program redirects only what is addressed to the VTEPs)
    check "show dataplane json: I/O xdp on ul0" \
      gw_json "show dataplane json" 'd["io"]["mode"] == "xdp" and d["io"]["netdev"] == "ul0"'
    check "the VTEPs' datagrams came through AF_XDP, the group's through the socket" \
      gw_part_of "$LAB_TMP/start.snap" rx_underlay_xdp -lt
  fi
  check "vxgwd is still running" gw_running
fi

note "the checks took $(($(date +%s) - T0)) s"
lab_finish
