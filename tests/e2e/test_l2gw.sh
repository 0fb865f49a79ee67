#!/usr/bin/env bash
# End-to-end L2 gateway (tests/e2e/lab.sh plus hosts on the gateway's own ports): bridge
# domain 10 (VNI 5000, h1 10.1.10.50 behind VTEP1) gets two local ports on the gateway:
#
#   $P-h4 eth0 10.1.10.40/24 (02:00:00:01:10:40), VLAN 100 ── trk0 in $P-gw (a trunk)
#   $P-h5 eth0 10.1.10.45/24 (02:00:00:01:10:45), untagged ── acc0 in $P-gw
#   $P-h6 eth0 behind VTEP2 on VNI 5000 (bridge br5 there, head-end to the gateway), with
#        h4's MAC and address: the place h4's MAC moves to (eth0 down until then)
#   vxgwd: interface ethernet trk0.100 (encapsulation dot1q 100, bridge-domain 10) and
#   interface ethernet acc0 (bridge-domain 10); bridge domain 10 floods to VTEP1 and VTEP2.
# h4 tags in tc (tests/e2e/vlan_tag.bpf.c, lab_vlan_host): the lab's kernel has no 802.1Q
# devices. Hosts keep the kernel's offloads (partial checksums, TSO super-packets).
#
# Checks (both gateways): h4's ARP broadcasts and unknown unicast reach each flood peer
# exactly once (captured on the VTEPs' underlay links), h5 once, h4 never; broadcasts and
# unknown unicast from VTEP1 reach both ports exactly once and never VTEP2 (split horizon) nor
# VTEP1 again; h4 <-> h1 ping, UDP and TCP exactly, every ICMP frame on h4's wire tagged 100
# (tcpdump -e); h4 <-> h5 switched port to port (nothing on the underlay); h4 routed through
# bdif10 to h2 (VNI 6000) and to the uplink's external host; the gateway's MAC table has h4 on
# its port, h5 on acc0, h1 behind VTEP1; h4's MAC moves to VTEP2 (h6) and back, followed with
# exact delivery (and VTEP1's frames to it not relayed to VTEP2 meanwhile).
# vxgwd only: `show mac address-table` text and json name the ports.
#
# usage: test_l2gw.sh [BUILD_DIR]     (default <repo>/build; needs root)
#        VXGW_E2E_KERNEL=1 test_l2gw.sh    the Linux kernel as the gateway (kernel_gw_up --wire):
#                                          bridge br10 holds vxlan5000 (head-end to VTEP1 and
#                                          VTEP2), acc0 and s100, a veth whose frames leave
#                                          trk0 tagged 100 (lab_vlan_subif)
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_start 240 "$0" "$@"
LAB_NAMES="$LAB_NAMES h4 h5 h6"

H1=${LAB_HOST[1]}
H1_MAC=${LAB_HOST_MAC[1]}
H4=10.1.10.40
H4_MAC=02:00:00:01:10:40
H5=10.1.10.45
H5_MAC=02:00:00:01:10:45
VTEP1=${LAB_VTEP[1]}
VTEP2=${LAB_VTEP[2]}
LAB_RX_AT[h4]="h4 eth0 1450"
LAB_RX_AT[h5]="h5 eth0 1450"
if [ "$KERNEL" = 1 ]; then PORT4=s100; else PORT4=trk0.100; fi
PORT5=acc0

# host_on NS MAC ADDR: NS's eth0 as a host of 10.1.10.0/24 (MTU 1450 as behind the VTEPs)
host_on() {
  local h=$P-$1
  lab_must ip -n "$h" link set eth0 address "$2" mtu 1450 up || return 1
  lab_must _lab_offload "$h" eth0 || return 1
  lab_must ip -n "$h" addr add "$3/24" dev eth0 || return 1
  lab_must ip -n "$h" route add default via 10.1.10.1
}

# gw_link NETDEV NS: a veth from the gateway (NETDEV) to NS's eth0
gw_link() {
  lab_must ip -n "$P-gw" link add "$1" type veth peer name eth0 netns "$P-$2" || return 1
  lab_must _lab_offload "$P-gw" "$1" || return 1
  lab_must ip -n "$P-gw" link set "$1" up
}

l2_hosts_up() {
  gw_link trk0 h4 && host_on h4 $H4_MAC $H4 && lab_vlan_host h4 eth0 100 || return 1
  gw_link acc0 h5 && host_on h5 $H5_MAC $H5 || return 1
  _lab_vxlan_bridge "$P-vtep2" 5000 br5 $LAB_GW_UL local "$VTEP2" nolearning || return 1
  _lab_host_behind "$P-vtep2" h6 "$P-h6" $H4_MAC $H4 br5 || return 1
  lab_must ip -n "$P-h6" link set eth0 down
}

# vxgwd: the lab's configuration, VTEP2 a second flood peer of bridge domain 10, two ports
gw_conf() {
  lab_gw_config | awk -v p1=" flood-peer $VTEP1" -v p2=" flood-peer $VTEP2" \
    '{ print } $0 == p1 { print p2 }'
  printf 'interface ethernet trk0.100\n encapsulation dot1q 100\n bridge-domain 10\n!\n'
  printf 'interface ethernet acc0\n bridge-domain 10\n!\n'
}

# the kernel: VTEP2 a second head-end destination of vxlan5000; s100 (VLAN 100 of trk0) and
# acc0 ports of br10; trk0 and acc0 send complete frames (see kernel_gw_up --wire)
kernel_l2_ports() {
  local g=$P-gw
  lab_must bridge -n "$g" fdb append 00:00:00:00:00:00 dev vxlan5000 dst "$VTEP2" || return 1
  lab_vlan_subif gw trk0 100 s100 || return 1
  lab_must ip -n "$g" link set s100 master br10 || return 1
  lab_must ip -n "$g" link set acc0 master br10 || return 1
  lab_must lab_wire gw off trk0 acc0
}

check "test tools are installed" eval 'lab_require_tools && lab_require_cmds clang tc bridge'
check "lab comes up" lab_up || lab_finish
check "h4 (VLAN 100 on trk0), h5 (acc0) and h6 (behind VTEP2, VNI 5000) come up" l2_hosts_up ||
  lab_finish
if [ "$KERNEL" = 1 ]; then
  note "gateway: the Linux kernel (kernel_gw_up --wire), br10 with vxlan5000, s100 and acc0"
  check "kernel gateway comes up" kernel_gw_up --wire || lab_finish
  check "kernel L2 ports: s100 (VLAN 100 of trk0) and acc0 in br10, VTEP2 a flood peer" \
    kernel_l2_ports || lab_finish
else
  CONF=$LAB_TMP/vxgw.conf
  { gw_conf; lab_workers_line; } >"$CONF"
  note "gateway: vxgwd, $(grep '^dataplane workers' "$CONF" || echo "dataplane workers: default (one per CPU)")"
  check "vxgwd starts with trk0.100 and acc0 in bridge-domain 10" gw_start "$CONF" || lab_finish
fi
lab_flush_neigh
for n in h4 h5 h6; do ip -n "$P-$n" neigh flush all 2>/dev/null; done

# moved CMD...: CMD; if it fails with vxgwd as the gateway, the counters and drop reasons
# that moved meanwhile, and the data plane's state
moved() {
  [ "$KERNEL" = 1 ] && { "$@"; return; }
  gw_snap "$LAB_TMP/moved.snap"
  "$@" && return 0
  echo "vxgwd counters that moved: $(_gw_moved "$LAB_TMP/moved.snap" | awk '$3 != 0 { printf "%s=%s ", $2, $3 }')"
  gw_cli "show dataplane"
  return 1
}

# --- flooding -----------------------------------------------------------------------------
# Frames seen arriving at: each flood peer (its underlay link, VXLAN), each port's host.
FLOOD_AT="v1:vtep1:ul0 v2:vtep2:ul0 h4:h4:eth0 h5:h5:eth0"

# flood_counts FROM COUNT TARGET DSTMACS SRCMAC v1=N v2=N h4=N h5=N: COUNT ARP requests for
# TARGET from FROM's eth0 to each of DSTMACS (comma-separated); at each place exactly N of
# them arrive (inner frames of VXLAN on the underlay), at h4 all tagged 100
flood_counts() {
  local from=$1 count=$2 target=$3 dst=$4 src=$5 at name ns ifc n tags want rc=0
  shift 5
  for at in $FLOOD_AT; do
    IFS=: read -r name ns ifc <<<"$at"
    _cap_run "fl-$name" "$ns" "$ifc" "-Q in -s 256" || return 1
  done
  for dst in ${dst//,/ }; do lab_arp_send "$from" eth0 "$count" "$target" "$dst" || rc=1; done
  sleep 0.7
  cap_stop fl-v1 fl-v2 fl-h4 fl-h5
  for want in "$@"; do
    name=${want%=*}
    read -r n tags < <(lab_cap_arp "fl-$name" "$src" "$target")
    echo "at $name: $n of them (expected ${want#*=}), VLAN tags: ${tags:-none}"
    [ "$n" = "${want#*=}" ] || rc=1
    [ "$name" != h4 ] || [ "$n" = 0 ] || [ "$tags" = 100 ] || rc=1
  done
  return $rc
}

check "h4's 5 ARP broadcasts and 5 unknown unicast: exactly once at VTEP1, VTEP2 and h5, never back at h4" \
  flood_counts h4 5 10.1.10.201 ff:ff:ff:ff:ff:ff,02:00:00:99:99:98 $H4_MAC v1=10 v2=10 h5=10 h4=0
check "VTEP1's 5 broadcasts and 5 unknown unicast (h1): exactly once at h4 (tag 100) and h5; never at VTEP2 (split horizon) nor back at VTEP1" \
  flood_counts h1 5 10.1.10.202 ff:ff:ff:ff:ff:ff,02:00:00:99:99:99 $H1_MAC v1=0 v2=0 h4=10 h5=10

# --- h4 <-> h1 across the tunnel -------------------------------------------------------------
N_PING=20
# tagged_ping: h4 pings h1 exactly while its wire is captured; `tcpdump -e` shows every echo
# request and reply there with tag 100
tagged_ping() {
  local out rc=0
  cap_start tag h4 eth0 "icmp or (vlan and icmp)" || return 1
  lab_ping_exact h4 $H1 $N_PING || rc=1
  cap_stop tag
  out=$(timeout 20 tcpdump -e -n -r "$(cap_file tag)" 2>/dev/null)
  echo "$out" | grep -m 2 "ICMP echo"
  echo "$out" | awk -v n=$N_PING '
    /ICMP echo request/ { req++; if (!/ vlan 100, /) bad++ }
    /ICMP echo reply/ { rep++; if (!/ vlan 100, /) bad++ }
    END { printf "tcpdump -e: %d requests, %d replies (expected %d each), %d without vlan 100\n", req, rep, n, bad
          exit !(req == n && rep == n && !bad) }' || rc=1
  return $rc
}
check "ICMP h4 -> h1: $N_PING replies exactly; tcpdump -e on h4's wire: every frame vlan 100" \
  tagged_ping
check "ICMP h1 -> h4: $N_PING replies exactly" lab_ping_exact h1 $H4 $N_PING
# workers_forwarded: what vxgwd's workers forwarded on their fast path (show dataplane)
workers_forwarded() {
  gw_cli "show dataplane json" | python3 -c '
import json, sys
print(sum(t["forwarded"] for t in json.loads(sys.stdin.readline())["threads"]))'
}
# on_fast_path MIN CMD...: CMD passes, and with workers (the default) they switched at least
# MIN packets of it themselves (known unicast port <-> VTEP), not the main thread. While
# workers run they alone receive: from the underlay (the main thread's socket does not
# receive; a learning refresh sends one of a source's to it now and then) and from a port
# (the main thread leaves the port's fanout group to them). TCP from the port: its
# super-frames are cut and encapsulated by the workers; the other way, the VTEP's
# super-packets bound for the port are cut by the main thread (gw_l2_segment), so only the
# port's side is counted there.
on_fast_path() {
  local min=$1 before after fwd
  shift
  [ "$KERNEL" = 1 ] && { "$@"; return; }
  before=$(workers_forwarded) || return 1
  "$@" || return 1
  sleep 0.3 # the daemon folds the workers' counts in every 100 ms
  after=$(workers_forwarded) || return 1
  fwd=$((after - before))
  echo "workers forwarded $fwd packets on the fast path (expected at least $min)"
  [ "${VXGW_E2E_WORKERS:-}" = 0 ] || [ "$fwd" -ge "$min" ]
}
check "UDP h4 -> h1: 200 datagrams exactly once, valid checksums (vxgwd: the workers switch them)" \
  on_fast_path 190 moved lab_udp_exact h4 h1 $H1
check "UDP h1 -> h4: 200 datagrams exactly once, valid checksums (vxgwd: the workers switch them)" \
  on_fast_path 190 moved lab_udp_exact h1 h4 $H4
check "TCP h4 <-> h1: 8 MiB each way, exactly, valid checksums (vxgwd: the workers switch the port's)" \
  on_fast_path 3000 moved lab_tcp_exact h4 h1 $H1

# --- port to port ---------------------------------------------------------------------------
# switched_ping: h4 pings h5 exactly; the gateway sends none of their ICMP frames to the
# underlay (captured on its ul0)
switched_ping() {
  local rc=0 n
  _cap_run sw gw ul0 "-Q out -s 256" udp port 4789 || return 1
  lab_ping_exact h4 $H5 $N_PING || rc=1
  cap_stop sw
  n=$(lab_cap_count sw "icmp && ip.addr == $H4 && ip.addr == $H5")
  echo "$n ICMP frames of h4 and h5 sent to the underlay (expected 0)"
  [ "$n" = 0 ] && return $rc
}
check "ICMP h4 (VLAN 100) -> h5 (untagged port): $N_PING replies exactly, none via a VTEP" \
  switched_ping
check "UDP h5 -> h4: 200 datagrams exactly once, valid checksums" moved lab_udp_exact h5 h4 $H4
check "TCP h4 <-> h5: 2 MiB each way, exactly, valid checksums" \
  moved lab_tcp_exact h4 h5 $H5 2097152

# --- the MAC table --------------------------------------------------------------------------
# mac_at MAC PORT|VTEP: the gateway's table of bridge domain 10 has MAC on that port or
# behind that VTEP (vxgwd: show mac address-table; the kernel: br10's and vxlan5000's FDB)
mac_at() {
  local out
  if [ "$KERNEL" = 1 ]; then
    out=$(bridge -n "$P-gw" fdb show br br10 | grep -i "^$1 ")
    echo "$out"
    case $2 in
      *.*.*.*) echo "$out" | lab_has_line "$1" dev vxlan5000 master br10 &&
        echo "$out" | lab_has_line "$1" dev vxlan5000 dst "$2" ;;
      *) echo "$out" | lab_has_line "$1" dev "$2" master br10 ;;
    esac
  else
    gw_has_line "show mac address-table bridge-domain 10" "$1" "$2"
  fi
}
check "MAC table: h4 ($H4_MAC) on $PORT4" mac_at $H4_MAC $PORT4
check "MAC table: h5 ($H5_MAC) on $PORT5" mac_at $H5_MAC $PORT5
check "MAC table: h1 ($H1_MAC) behind VTEP1 $VTEP1" mac_at $H1_MAC "$VTEP1"
if daemon_only "show mac address-table (all bridge domains, json) names the ports"; then
  check "show mac address-table: h4's MAC in bridge domain 10 on trk0.100" \
    gw_has_line "show mac address-table" 10 $H4_MAC trk0.100
  check "show mac address-table json: h4 on trk0.100, h5 on acc0, h1 behind $VTEP1" \
    gw_json "show mac address-table bridge-domain 10 json" "
      [e for e in d['entries'] if e['mac'] == '$H4_MAC' and e['interface'] == 'trk0.100' and
       e['vtep'] is None and e['type'] == 'dynamic' and e['bridge_domain'] == 10] and
      [e for e in d['entries'] if e['mac'] == '$H5_MAC' and e['interface'] == 'acc0'] and
      [e for e in d['entries'] if e['mac'] == '$H1_MAC' and e['vtep'] == '$VTEP1' and
       e['interface'] is None]"
fi

# --- routed through bdif10 -------------------------------------------------------------------
check "ICMP h4 -> h2 (VNI 6000) through bdif10: $N_PING replies exactly" \
  lab_ping_exact h4 ${LAB_HOST[2]} $N_PING
check "ICMP h4 -> external host $LAB_EXT_HOST through bdif10 and up0: $N_PING replies exactly" \
  lab_ping_exact h4 $LAB_EXT_HOST $N_PING
check "UDP h2 -> h4 (routed into bridge domain 10, out of the VLAN port): 200 exactly once" \
  moved lab_udp_exact h2 h4 $H4
check "TCP h4 <-> external host: 2 MiB each way, exactly, valid checksums" \
  moved lab_tcp_exact h4 ext $LAB_EXT_HOST 2097152

# --- a MAC move: port -> VTEP2 -> port ------------------------------------------------------
# h4 falls silent (no address, link up) and h6 behind VTEP2 takes its MAC and address,
# announcing itself with a gratuitous ARP as a moved VM does; then back. (h6's link was down,
# which took its default route.)
move_to_vtep2() {
  lab_exec h4 ip addr flush dev eth0 &&
    lab_exec h6 ip link set eth0 up &&
    lab_exec h6 ip route replace default via 10.1.10.1 &&
    lab_arp_send h6 eth0 1 $H4 &&
    wait_until 5 mac_at $H4_MAC "$VTEP2" >/dev/null
  mac_at $H4_MAC "$VTEP2"
}
move_to_port() {
  lab_exec h6 ip link set eth0 down &&
    lab_exec h4 ip addr add $H4/24 dev eth0 &&
    lab_exec h4 ip route add default via 10.1.10.1 &&
    lab_arp_send h4 eth0 1 $H4 &&
    wait_until 5 mac_at $H4_MAC $PORT4 >/dev/null
  mac_at $H4_MAC $PORT4
}
check "MAC move: h4's MAC from $PORT4 to behind VTEP2 $VTEP2 (h6's gratuitous ARP)" move_to_vtep2
check "after the move: ICMP h5 (port acc0) -> h6 (h4's MAC and address, behind VTEP2): $N_PING replies exactly" \
  lab_ping_exact h5 $H4 $N_PING
check "after the move: ICMP h2 -> h6 (routed into bridge domain 10, to VTEP2): $N_PING replies exactly" \
  lab_ping_exact h2 $H4 $N_PING
check "after the move: h1 (VTEP1) -> h4's MAC (behind VTEP2 now) not relayed (split horizon): 0 of 5 replies" \
  lab_ping_expect h1 $H4 5 0
check "MAC move back: h4's MAC from VTEP2 to $PORT4 (h4's gratuitous ARP)" move_to_port
check "after the move back: ICMP h1 -> h4: $N_PING replies exactly" lab_ping_exact h1 $H4 $N_PING
check "after the move back: ICMP h5 -> h4 (port to port): $N_PING replies exactly" \
  lab_ping_exact h5 $H4 $N_PING

if [ "$KERNEL" != 1 ]; then
  check "vxgwd is still running" gw_running
fi
lab_finish
