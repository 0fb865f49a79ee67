#!/usr/bin/env bash
# End-to-end forwarding through vxgwd in the netns lab (tests/e2e/lab.sh), with the kernel's
# offloads on every veth (the hosts send partial checksums and TSO super-packets):
# gateways, routing across VNIs, the flood-group bridge domain, the uplink and the "internet",
# TTL expiry, fragmentation and "fragmentation needed", ARP / MAC tables, drop counters, and
# the outer headers on the wire (UDP source port range, DF).
# Each path -- VNI to VNI (h1 <-> h2), flood-group BD (h3 <-> h1), VNI to uplink and back
# (h1, h2, h3 <-> ext 198.51.100.10) -- is checked for exact delivery (lab.sh "exact
# delivery"): ICMP (exactly N replies, no duplicate), UDP (numbered datagrams each received
# exactly once and intact, valid checksums where they arrive; iperf3 -u without loss or
# reordering), TCP (exact byte counts both ways on one connection, valid checksums; iperf3
# completing), with no checksum error counted by the receiving kernels.
#
# usage: test_forwarding.sh [BUILD_DIR]          (default <repo>/build; needs root)
#        VXGW_E2E_KERNEL=1 test_forwarding.sh    the same lab with the Linux kernel as the
#                                                gateway (no vxgwd needed): proves the lab and
#                                                the checks, and is the baseline; daemon-only
#                                                checks are skipped or replaced by the kernel's
#                                                tables.
#        VXGW_E2E_WORKERS=N test_forwarding.sh   vxgwd with `dataplane workers N` (default:
#                                                none given, one worker per CPU)
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_start 420 "$0" "$@"

check "test tools are installed" lab_require_tools || lab_finish
check "lab comes up" lab_up || lab_finish

LAB_RX_AT[ext]="ext ext0 1400" # what reaches ext left through up0, MTU 1400
if [ "$KERNEL" = 1 ]; then
  note "gateway: the Linux kernel (vxlan + bridge + ip_forward), up0 MTU 1400," \
    "complete frames on ul0 and up0 (kernel_gw_up --wire)"
  check "kernel gateway comes up" kernel_gw_up --up0-mtu 1400 --wire || lab_finish
else
  CONF=$LAB_TMP/vxgw.conf
  { lab_conf_ipv4 "$LAB_ROOT/etc/vxgw.conf" | sed '/^interface ethernet up0$/a\ mtu 1400'; lab_workers_line; } >"$CONF"
  grep -q '^ mtu 1400$' "$CONF" || { echo "could not add mtu 1400 to $CONF"; lab_finish; }
  note "gateway: vxgwd with etc/vxgw.conf plus 'mtu 1400' on interface ethernet up0," \
    "$(grep '^dataplane workers' "$CONF" || echo "dataplane workers: default (one per CPU)")"
  gw_ns_is_raw() { # the kernel of the gateway namespace must not route: vxgwd does
    [ "$(lab_exec gw sysctl -n net.ipv4.ip_forward)" = 0 ] &&
      [ -z "$(lab_exec gw ip -4 -o addr show dev up0)" ]
  }
  check "gateway namespace: ip_forward=0, no kernel address on up0" gw_ns_is_raw
  check "vxgwd starts and answers the CLI" gw_start "$CONF" || lab_finish
fi

# --- underlay and gateway addresses (exact: N echo replies, no duplicate) -------------------
check "underlay: vtep1 reaches 192.0.2.1" lab_ping_exact vtep1 192.0.2.1 10
check "h1 pings its gateway 10.1.10.1" lab_ping_exact h1 10.1.10.1 10
check "h2 pings its gateway 10.1.20.1" lab_ping_exact h2 10.1.20.1 10
check "h3 (BD 30, flood-group) pings its gateway 10.1.30.1" lab_ping_exact h3 10.1.30.1 10
check "h1 pings the gateway's other addresses (10.1.20.1)" lab_ping_exact h1 10.1.20.1 10
check "h1 pings the gateway's uplink address 203.0.113.2" lab_ping_exact h1 203.0.113.2 10
check "ext pings the gateway's uplink address 203.0.113.2" lab_ping_exact ext 203.0.113.2 10

# --- ICMP on each path: exactly N replies, no duplicate --------------------------------------
N_PING=20
check "ICMP h1 -> h2 across VNIs 5000 -> 6000: $N_PING replies exactly" lab_ping_exact h1 10.1.20.60 $N_PING
check "ICMP h2 -> h1 across VNIs 6000 -> 5000: $N_PING replies exactly" lab_ping_exact h2 10.1.10.50 $N_PING
check "ICMP h3 -> h1 (flood-group BD to head-end BD): $N_PING replies exactly" \
  lab_ping_exact h3 10.1.10.50 $N_PING
check "ICMP h1 -> h3 (head-end BD to flood-group BD): $N_PING replies exactly" \
  lab_ping_exact h1 10.1.30.70 $N_PING
check "ICMP h1 -> external host 198.51.100.10: $N_PING replies exactly" \
  lab_ping_exact h1 $LAB_EXT_HOST $N_PING
check "ICMP h2 -> external host 198.51.100.10: $N_PING replies exactly" \
  lab_ping_exact h2 $LAB_EXT_HOST $N_PING
check "ICMP h3 -> external host 198.51.100.10: $N_PING replies exactly" \
  lab_ping_exact h3 $LAB_EXT_HOST $N_PING
check "ICMP external host 198.51.100.10 -> h1: $N_PING replies exactly" \
  lab_ping_exact ext 10.1.10.50 $N_PING -I $LAB_EXT_HOST
check "ICMP external host 198.51.100.10 -> h2: $N_PING replies exactly" \
  lab_ping_exact ext 10.1.20.60 $N_PING -I $LAB_EXT_HOST
check "ICMP external host 198.51.100.10 -> h3: $N_PING replies exactly" \
  lab_ping_exact ext 10.1.30.70 $N_PING -I $LAB_EXT_HOST

# --- ICMP errors, fragmentation -------------------------------------------------------------
# (before the TCP and UDP checks to ext: they teach h1 the path MTU 1400 to ext)
ttl_exceeded() {
  local out
  out=$(lab_exec h1 timeout 10 ping -n -c 1 -t 1 -W 2 10.1.20.60)
  echo "$out"
  echo "$out" | grep -Eq '^From 10\.1\.10\.1 icmp_seq=1 Time to live exceeded'
}
check "ping -t 1 h1 -> h2: 'Time to live exceeded' from 10.1.10.1" ttl_exceeded

# -M dont -s 1420: 1448-byte IP packets, fit h1's MTU 1450, not up0's 1400 -> the gateway
# fragments each into exactly two (1396 + 72 bytes). h1's route cache is flushed first so
# that h1 itself has no learned PMTU.
N_FRAG=5
frag_test() {
  lab_exec h1 ip route flush cache
  cap_start frag-h1 h1 eth0 "icmp and src host 10.1.10.50" || return 1
  cap_start frag-ext ext ext0 "src host 10.1.10.50" || return 1
  lab_ping_exact h1 $LAB_EXT_HOST $N_FRAG -M dont -s 1420
  local rc=$?
  cap_stop frag-h1 frag-ext
  [ $rc = 0 ] || { echo "not exactly $N_FRAG replies to the 1448-byte pings"; return 1; }
  FRAG_H1=$(lab_tshark frag-h1 -Y "ip.flags.mf == 1 || ip.frag_offset > 0" | wc -l)
  FRAG_EXT=$(lab_tshark frag-ext -Y "ip.flags.mf == 1 || ip.frag_offset > 0" | wc -l)
  FRAG_BIG=$(lab_tshark frag-ext -Y "ip.len > 1400" | wc -l)
  echo "fragments sent by h1: $FRAG_H1, fragments at ext: $FRAG_EXT, packets > 1400 at ext: $FRAG_BIG"
  lab_tshark frag-ext -T fields -e ip.id -e ip.len -e ip.flags.mf -e ip.frag_offset
  return 0
}
check "ping -M dont -s 1420 h1 -> 198.51.100.10: exactly $N_FRAG replies" frag_test
check "h1 sent the 1448-byte packets whole" test "${FRAG_H1:-x}" = 0
check "they reached ext as exactly $((2 * N_FRAG)) IP fragments (2 each), none above 1400 bytes" \
  eval '[ "${FRAG_EXT:-0}" = $((2 * N_FRAG)) ] && [ "${FRAG_BIG:-1}" = 0 ]'

frag_needed() {
  local out
  lab_exec h1 ip route flush cache
  out=$(lab_exec h1 timeout 10 ping -n -c 1 -W 2 -M do -s 1400 $LAB_EXT_HOST)
  echo "$out"
  echo "$out" | grep -Eq '^From [0-9.]+ icmp_seq=1 Frag needed and DF set \(mtu = 1400\)'
}
check "ping -M do -s 1400 h1 -> 198.51.100.10: 'Frag needed and DF set (mtu = 1400)'" frag_needed

# --- UDP on each path: numbered datagrams, each exactly once, checksums valid ----------------
# (lab_udp_exact: 200 datagrams of 12..1300 bytes over 8 flows, the senders' checksums left
# to the offload; iperf3 -u at 50 Mbit/s both ways for 2 s: nothing lost or out of order)
check "UDP h1 -> h2: 200 datagrams exactly once, intact, valid checksums" lab_udp_exact h1 h2 10.1.20.60
check "UDP h2 -> h1: 200 datagrams exactly once, intact, valid checksums" lab_udp_exact h2 h1 10.1.10.50
check "UDP h3 -> h1 (flood-group BD): 200 datagrams exactly once, valid checksums" \
  lab_udp_exact h3 h1 10.1.10.50
check "UDP h1 -> h3 (to the flood-group BD): 200 datagrams exactly once, valid checksums" \
  lab_udp_exact h1 h3 10.1.30.70
check "UDP h1 -> ext 198.51.100.10 (uplink): 200 datagrams exactly once, valid checksums" \
  lab_udp_exact h1 ext $LAB_EXT_HOST
check "UDP ext -> h1 (from the uplink): 200 datagrams exactly once, valid checksums" \
  lab_udp_exact ext h1 10.1.10.50
check "UDP h2 -> ext (uplink): 200 datagrams exactly once, valid checksums" \
  lab_udp_exact h2 ext $LAB_EXT_HOST
check "UDP ext -> h2 (from the uplink): 200 datagrams exactly once, valid checksums" \
  lab_udp_exact ext h2 10.1.20.60
check "iperf3 UDP h1 <-> h2, 50 Mbit/s each way: none lost, none out of order" \
  lab_iperf_udp h1 h2 10.1.20.60
check "iperf3 UDP h3 <-> h1, 50 Mbit/s each way: none lost, none out of order" \
  lab_iperf_udp h3 h1 10.1.10.50
check "iperf3 UDP h1 <-> ext, 50 Mbit/s each way: none lost, none out of order" \
  lab_iperf_udp h1 ext $LAB_EXT_HOST

# --- TCP on each path: exact bytes both ways, valid checksums; iperf3 -------------------------
# The hosts send with TSO: super-packets of up to 64 KiB reach the gateway, which must send
# segments within the egress MTU (1450 on the BDIFs, 1400 on up0: there after "fragmentation
# needed" taught the sender the path MTU).
[ "$KERNEL" = 1 ] || gw_snap "$LAB_TMP/gso.snap"
check "TCP h1 <-> h2: 8 MiB each way, exactly, intact, valid checksums" lab_tcp_exact h1 h2 10.1.20.60
# The pieces of each super-packet leave vxgwd as one UDP super-datagram that ul0 cuts (the
# captures at the VTEPs above checked the datagrams); AF_XDP sends datagram by datagram.
if [ "${VXGW_E2E_IO:-}" != xdp ]; then
  daemon_only "...vxgwd sent it in UDP super-datagrams the kernel cut (tx_underlay_gso)" &&
    check "...vxgwd sent it in UDP super-datagrams the kernel cut (tx_underlay_gso)" \
      gw_grew "$LAB_TMP/gso.snap" tx_underlay_gso 1000
fi
check "TCP h3 <-> h1 (flood-group BD): 8 MiB each way, exactly, valid checksums" \
  lab_tcp_exact h3 h1 10.1.10.50
[ "$KERNEL" = 1 ] || gw_snap "$LAB_TMP/uplink.snap"
check "TCP h1 <-> ext (uplink): 8 MiB each way, exactly, valid checksums" \
  lab_tcp_exact h1 ext $LAB_EXT_HOST
check "TCP ext <-> h2 (connection from the uplink): 8 MiB each way, exactly, valid checksums" \
  lab_tcp_exact ext h2 10.1.20.60
# With dataplane io xdp and workers, up0 has a program of its own too: the frames ext sends
# to the gateway's MAC (untagged IPv4) reach the workers through AF_XDP sockets, with the
# checksums ext's kernel left partial completed (the transfers above checked them at h1, h2).
# A veth's AF_XDP sockets are in copy mode: the frames to ext leave through the packet
# socket (through AF_XDP only where a NIC's socket is zero-copy).
if [ "${VXGW_E2E_IO:-}" = xdp ] && [ "${VXGW_E2E_WORKERS:-}" != 0 ]; then
  daemon_only "show dataplane: up0 has an XDP program in native mode and AF_XDP sockets (copy)" &&
    check "show dataplane: up0 has an XDP program in native mode and AF_XDP sockets (copy)" \
      gw_json "show dataplane json" '(d["io"]["uplinks"] or "").startswith("up0 (native, copy")'
  daemon_only "...those transfers' frames from ext came through them (rx_uplink_xdp >= 5000)" &&
    check "...those transfers' frames from ext came through them (rx_uplink_xdp >= 5000)" \
      gw_grew "$LAB_TMP/uplink.snap" rx_uplink_xdp 5000
  daemon_only "...and the frames to ext left through the packet socket (copy mode: tx_uplink_xdp +0)" &&
    check "...and the frames to ext left through the packet socket (copy mode: tx_uplink_xdp +0)" \
      gw_grew "$LAB_TMP/uplink.snap" tx_uplink_xdp 0 0
  # ` dataplane io socket` on up0 takes its program off (a container's veth keeps its
  # TSO): the same pings arrive, through the packet sockets only
  up0_socket() {
    printf 'configure terminal\ninterface ethernet up0\ndataplane io socket\nend\n' |
      gw_cli_stdin >/dev/null || return 1
    gw_json "show dataplane json" \
      '"up0 (no program: dataplane io socket" in (d["io"]["uplinks"] or "")' || return 1
    gw_snap "$LAB_TMP/up0-socket.snap"
    lab_ping_exact ext 10.1.10.50 "$N_PING" -I "$LAB_EXT_HOST" || return 1
    gw_grew "$LAB_TMP/up0-socket.snap" rx_uplink_xdp 0 0 || return 1
    printf 'configure terminal\ninterface ethernet up0\nno dataplane io\nend\n' |
      gw_cli_stdin >/dev/null || return 1
    gw_json "show dataplane json" '(d["io"]["uplinks"] or "").startswith("up0 (native")' ||
      return 1
    gw_snap "$LAB_TMP/up0-socket.snap"
    lab_ping_exact ext 10.1.10.50 "$N_PING" -I "$LAB_EXT_HOST" || return 1
    gw_grew "$LAB_TMP/up0-socket.snap" rx_uplink_xdp "$N_PING"
  }
  daemon_only "interface up0 dataplane io socket: no program on up0, ext -> h1 exact; no: back" &&
    check "interface up0 dataplane io socket: no program on up0, ext -> h1 exact; no: back" \
      up0_socket
fi
check "iperf3 TCP h1 <-> h2 for 3 s: completes, data both ways, no checksum error" \
  lab_iperf_tcp h1 h2 10.1.20.60 && sed 's/^/# iperf3 /' "$LAB_TMP/iperf-tcp.txt"
# ul0 has GRO on (lab.sh), as a NIC has: it merges the VXLAN datagrams of a flow that came
# segmented off a wire, and vxgwd splits them again. Beside VTEPs on the same host the
# gateway gets their super-packets instead (the kernel splits those at vxgwd's socket), and
# a veth whose sender can do TSO skips GRO altogether; so for this transfer the underlay
# bridge's port to the gateway (p-gw) delivers what a switch port would (lab_wire).
[ "$KERNEL" = 1 ] || gw_snap "$LAB_TMP/gro.snap"
check "TCP h1 <-> h2, segmented on the underlay's wire: 8 MiB each way, exactly, valid checksums" \
  eval 'lab_wire ul off p-gw && lab_tcp_exact h1 h2 10.1.20.60'
lab_wire ul on p-gw >/dev/null
# With dataplane io xdp the datagrams are taken before the kernel's GRO: every one of the
# transfer's (unicast, to the VTEP) came through the AF_XDP socket instead.
if [ "${VXGW_E2E_IO:-}" = xdp ]; then
  daemon_only "show dataplane: I/O xdp on the underlay netdev, a socket per queue served" &&
    check "show dataplane: I/O xdp on the underlay netdev, a socket per queue served" \
      gw_json "show dataplane json" \
      'd["io"]["mode"] == "xdp" and d["io"]["netdev"] == "ul0" and d["io"]["sockets"] >= 1'
  daemon_only "...every datagram of it came through AF_XDP (rx_underlay_xdp = rx_underlay)" &&
    check "...every datagram of it came through AF_XDP (rx_underlay_xdp = rx_underlay)" \
      gw_part_of "$LAB_TMP/gro.snap" rx_underlay_xdp -eq
else
  daemon_only "...the kernel handed part of the flow to vxgwd coalesced (rx_underlay_gro > 0)" &&
    check "...the kernel handed part of the flow to vxgwd coalesced (rx_underlay_gro > 0)" \
      gw_part_of "$LAB_TMP/gro.snap" rx_underlay_gro -le
fi
check "iperf3 TCP h3 <-> h1 for 3 s: completes, data both ways, no checksum error" \
  lab_iperf_tcp h3 h1 10.1.10.50
check "iperf3 TCP h2 <-> ext for 3 s: completes, data both ways, no checksum error" \
  lab_iperf_tcp h2 ext $LAB_EXT_HOST

# --- outer headers on the wire --------------------------------------------------------------
wire_test() {
  cap_start wire ul br0 "udp dst port 4789 and src host $LAB_GW_UL" || return 1
  lab_ping_exact h1 10.1.20.60 5
  lab_ping_exact h1 10.1.30.70 5
  cap_stop wire
  lab_tshark wire -T fields -E occurrence=f -e ip.dst -e udp.srcport -e ip.flags.df -e vxlan.vni | awk '
    { n++; dst[$1]++
      if ($2 < 49152 || $2 > 65535) { badport++; print "bad source port:", $0 }
      if ($3 != "1" && $3 != "True") { baddf++; print "DF not set:", $0 }
      if ($4 == "") { notvx++; print "not VXLAN:", $0 } }
    END { printf "%d packets from 192.0.2.1:", n; for (d in dst) printf " %s=%d", d, dst[d]; print ""
          exit !(n >= 10 && dst["192.0.2.12"] > 0 && dst["192.0.2.13"] > 0 && !badport && !baddf && !notvx) }'
}
check "outer packets from 192.0.2.1: VXLAN to 4789, UDP source port 49152-65535, DF set" wire_test

# --- tables ---------------------------------------------------------------------------------
MAC1=$(lab_host_mac h1)
MAC2=$(lab_host_mac h2)
MAC3=$(lab_host_mac h3)
EXTMAC=$(lab_host_mac ext ext0)
if [ "$KERNEL" = 1 ]; then
  # the same facts in the kernel gateway's tables: they prove the expectations of the
  # daemon checks (addresses, MACs, VTEPs) right
  kneigh() { lab_exec gw ip neigh show "$1" dev "$2" | tee /dev/stderr | lab_has_line "$1" lladdr "$3"; }
  kfdb() { bridge -n "$P-gw" fdb show dev "$1" | tee /dev/stderr | lab_has_line "$2" dst "$3"; }
  check "(kernel) neighbour 10.1.10.50 $MAC1 on br10" kneigh 10.1.10.50 br10 "$MAC1"
  check "(kernel) neighbour 203.0.113.1 $EXTMAC on up0" kneigh 203.0.113.1 up0 "$EXTMAC"
  check "(kernel) fdb: h1 $MAC1 behind 192.0.2.11" kfdb vxlan5000 "$MAC1" 192.0.2.11
  check "(kernel) fdb: h2 $MAC2 behind 192.0.2.12" kfdb vxlan6000 "$MAC2" 192.0.2.12
  check "(kernel) fdb: h3 $MAC3 behind 192.0.2.13 (learned)" kfdb vxlan7000 "$MAC3" 192.0.2.13
else
  check "show ip arp: 10.1.10.50 $MAC1 bdif10" gw_has_line "show ip arp" 10.1.10.50 "$MAC1" bdif10
  check "show ip arp: 10.1.20.60 $MAC2 bdif20" gw_has_line "show ip arp" 10.1.20.60 "$MAC2" bdif20
  check "show ip arp: 203.0.113.1 $EXTMAC up0" gw_has_line "show ip arp" 203.0.113.1 "$EXTMAC" up0
  check "show mac address-table: BD 10 $MAC1 192.0.2.11 dynamic" \
    gw_has_line "show mac address-table" 10 "$MAC1" 192.0.2.11 dynamic
  check "show mac address-table: BD 20 $MAC2 192.0.2.12 dynamic" \
    gw_has_line "show mac address-table" 20 "$MAC2" 192.0.2.12 dynamic
  check "show mac address-table: BD 30 $MAC3 192.0.2.13 dynamic (learned on the group)" \
    gw_has_line "show mac address-table" 30 "$MAC3" 192.0.2.13 dynamic
  routes_ok() {
    local out
    out=$(gw_cli "show ip route") || return 1
    echo "$out"
    echo "$out" | lab_has_line 0.0.0.0/0 && echo "$out" | lab_has_line 10.1.10.0/24 &&
      echo "$out" | lab_has_line 10.1.30.0/24 && echo "$out" | lab_has_line 203.0.113.0/30 &&
      echo "$out" | lab_has_line 198.18.0.0/15
  }
  check "show ip route: 0.0.0.0/0, connected 10.1.10.0/24 10.1.30.0/24 203.0.113.0/30, 198.18.0.0/15" routes_ok
fi

# --- drops: a VTEP that is not a peer of the bridge domain ----------------------------------
# 3 VXLAN packets for VNI 5000 (BD 10, whose only peer is 192.0.2.11) from 192.0.2.12.
BOGUS_MAC=02:00:00:00:99:99
send_bogus() {
  lab_exec vtep2 timeout 10 python3 - "$BOGUS_MAC" <<'EOF'
import socket, struct, sys
src = bytes.fromhex(sys.argv[1].replace(":", ""))
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, src, socket.inet_aton("10.1.10.99"),
                  b"\0" * 6, socket.inet_aton("10.1.10.1"))
frame = b"\xff" * 6 + src + b"\x08\x06" + arp + b"\0" * 18
vxlan = struct.pack("!BxxxI", 0x08, 5000 << 8)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.12", 0))
for _ in range(3):
    s.sendto(vxlan + frame, ("192.0.2.1", 4789))
EOF
}
if daemon_only "show errors: no_such_peer counts 3 packets from a VTEP that is not a peer"; then
  check "show errors answers" gw_cli "show errors"
  NSP0=$(gw_errors_count no_such_peer)
  nsp_counted() {
    local now
    send_bogus || return 1
    sleep 0.5
    now=$(gw_errors_count no_such_peer)
    gw_cli "show errors"
    echo "no_such_peer: $NSP0 before, $now after"
    [ "$now" -ge $((NSP0 + 3)) ]
  }
  check "show errors: no_such_peer grows by >= 3 after 3 VNI-5000 packets from 192.0.2.12" nsp_counted
  not_learned() {
    local out
    out=$(gw_cli "show mac address-table") || return 1
    echo "$out"
    ! echo "$out" | grep -qi "$BOGUS_MAC"
  }
  check "the inner source MAC of those packets was not learned" not_learned
  check "vxgwd is still running" gw_running
fi

# dataplane busy-poll, switched at run time: the AF_XDP sockets are opened again with it,
# show dataplane says so, and forwarding through them stays exact; then off again.
busy_poll_is() {
  gw_json "show dataplane json" \
    "d['io']['mode'] == 'xdp' and d['io']['busy_poll_us'] == $1 and d['io']['sockets'] >= 1"
}
# Only workers busy-poll: with `dataplane workers 0` show dataplane says why it does not.
busy_poll_idle() {
  gw_json "show dataplane json" \
    "d['io']['busy_poll_us'] == 0 and 'without workers' in (d['io']['why'] or '')"
}
if [ "${VXGW_E2E_IO:-}" = xdp ] && daemon_only "dataplane busy-poll at run time"; then
  gw_snap "$LAB_TMP/busy.snap"
  if [ "${VXGW_E2E_WORKERS:-}" = 0 ]; then
    check "dataplane busy-poll 200 commits; show dataplane: no busy polling without workers" \
      eval 'gw_cli "configure terminal" "dataplane busy-poll 200" "end" && busy_poll_idle'
  else
    check "dataplane busy-poll 200 commits; show dataplane: the AF_XDP sockets busy-poll" \
      eval 'gw_cli "configure terminal" "dataplane busy-poll 200" "end" && busy_poll_is 200'
  fi
  check "...ping h1 -> h2 exact with busy polling" lab_ping_exact h1 10.1.20.60 30
  check "...UDP h1 -> h2: each datagram once, intact" lab_udp_exact h1 h2 10.1.20.60 200
  check "...every datagram through AF_XDP (rx_underlay_xdp = rx_underlay)" \
    gw_part_of "$LAB_TMP/busy.snap" rx_underlay_xdp -eq
  check "no dataplane busy-poll: the sockets sleep again" \
    eval 'gw_cli "configure terminal" "no dataplane busy-poll" "end" && busy_poll_is 0'
  check "...ping h1 -> h2 exact" lab_ping_exact h1 10.1.20.60 10
fi

# A jumbo underlay in xdp mode: the program takes frames in several buffers (and passes
# them to the kernel), so the netdev's MTU is not held to a page (a veth refuses its peer a
# larger one otherwise); an 8000-byte ping from VTEP1 to the gateway's underlay address
# arrives whole, and the VTEPs' datagrams still come through AF_XDP.
underlay_mtu() {
  lab_exec vtep1 ip link set ul0 mtu "$1" && lab_exec ul ip link set p-vtep1 mtu "$1" &&
    lab_exec ul ip link set p-gw mtu "$1" && lab_exec gw ip link set ul0 mtu "$1"
}
jumbo_underlay() {
  local rc=0
  underlay_mtu 9000 || rc=1
  [ $rc = 1 ] || lab_ping_exact vtep1 $LAB_GW_UL 5 -s 8000 -M do || rc=1
  gw_snap "$LAB_TMP/jumbo.snap"
  [ $rc = 1 ] || lab_ping_exact h1 10.1.20.60 10 || rc=1
  [ $rc = 1 ] || gw_part_of "$LAB_TMP/jumbo.snap" rx_underlay_xdp -eq || rc=1
  lab_exec gw ip link set ul0 mtu 1500
  lab_exec ul ip link set p-gw mtu 1500
  lab_exec ul ip link set p-vtep1 mtu 1500
  lab_exec vtep1 ip link set ul0 mtu 1500
  return $rc
}
if [ "${VXGW_E2E_IO:-}" = xdp ] && daemon_only "jumbo underlay in xdp mode"; then
  check "underlay MTU 9000 with the program on ul0: 8000-byte pings VTEP1 -> gateway whole; h1 -> h2 through AF_XDP" \
    jumbo_underlay
fi

lab_finish
