#!/usr/bin/env bash
# End-to-end: the underlay's direct Ethernet transmit (gw/io/l2.h) in the netns lab
# (tests/e2e/lab.sh). With the gateway namespace's neighbour cache empty, the first packets
# toward VTEP2 go through the raw socket (the kernel resolves 192.0.2.12 with ARP); once the
# kernel knows it, they go as Ethernet frames on the AF_PACKET socket: `show counters json`
# tells the two apart (gateway.tx_underlay_l2 / tx_underlay_raw). The frames on the underlay
# wire: our ul0 MAC to VTEP2's, outer IPv4 exactly as the raw socket sends it (DF, TTL 64,
# ID 0, valid header checksum, UDP checksum 0, source port 49152-65535). A peer that never
# answers ARP keeps going the raw way (nothing sent to a made-up MAC). Multicast (BD 30's
# flood group) stays on the raw socket.
#
# usage: test_l2tx.sh [BUILD_DIR]      (default <repo>/build; needs root)
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_run_under_timeout 200 "$0" "$@"

[ -n "${1:-}" ] && VXGW_BUILD=$1
lab_init "vxl$$"
lab_require_root
lab_require_daemon
lab_trap

N=20 # pings h1 -> h2 once the neighbour is known

check "test tools are installed" lab_require_tools || lab_finish
check "lab comes up" lab_up || lab_finish
CONF=$LAB_TMP/vxgw.conf
lab_conf_ipv4 "$LAB_ROOT/etc/vxgw.conf" >"$CONF"
# 192.0.2.99 is a flood peer of BD 10 that does not exist: ARP for it never succeeds.
sed -i '/^ flood-peer 192.0.2.11$/a\ flood-peer 192.0.2.99' "$CONF"
grep -q '^ flood-peer 192.0.2.99$' "$CONF" || { echo "could not add flood-peer to $CONF"; lab_finish; }
lab_exec gw ip neigh flush dev ul0
check "vxgwd starts and answers the CLI" gw_start "$CONF" || lab_finish
lab_exec gw ip neigh flush dev ul0

# counter NAME: gateway.NAME of show counters json
counter() {
  gw_cli "show counters json" | timeout 10 python3 -c \
    'import json,sys; print(json.load(sys.stdin)["gateway"][sys.argv[1]])' "$1"
}
vtep2_neigh() { lab_exec gw ip -4 neigh show 192.0.2.12 dev ul0 | grep -q lladdr; }

# ------------------------------------------------------------------ first packets: raw
not_known() { not vtep2_neigh; }
check "gateway kernel has no neighbour entry for VTEP2 yet" not_known
RAW0=$(counter tx_underlay_raw)
check "h1 -> h2 with VTEP2 not yet resolved" lab_ping h1 10.1.20.60
sleep 0.3 # the daemon folds the driver's counts in every 100 ms
raw_grew() {
  local r
  r=$(counter tx_underlay_raw)
  echo "tx_underlay_raw $RAW0 -> $r"
  [ "$r" -gt "$RAW0" ]
}
check "first packets went through the raw socket" raw_grew
check "the kernel resolved VTEP2 (ARP triggered by the raw path)" wait_until 5 vtep2_neigh

# ------------------------------------------------------------------ then: Ethernet frames
sleep 1.2 # past the retry interval of an unresolved peer
L20=$(counter tx_underlay_l2)
RAW1=$(counter tx_underlay_raw)
GW_MAC=$(lab_host_mac gw ul0)
VTEP2_MAC=$(lab_host_mac vtep2 ul0)
cap_start l2 ul br0 "udp dst port 4789 and src host 192.0.2.1 and dst host 192.0.2.12" ||
  lab_finish
PING_COUNT=$N check "h1 -> h2: $N pings" lab_ping h1 10.1.20.60
cap_stop l2
sleep 0.3
l2_grew() {
  local l r
  l=$(counter tx_underlay_l2)
  r=$(counter tx_underlay_raw)
  echo "tx_underlay_l2 $L20 -> $l, tx_underlay_raw $RAW1 -> $r"
  # Every echo reply h2 -> h1 goes to VTEP1 and every request to VTEP2, all L2 now;
  # the raw path only carries BD 10's floods (to the made-up 192.0.2.99, if any).
  [ $((l - L20)) -ge "$N" ]
}
check "then they went as Ethernet frames on the packet socket" l2_grew
wire() {
  lab_tshark l2 -T fields -E occurrence=f -e eth.src -e eth.dst -e ip.ttl -e ip.id \
    -e ip.flags.df -e ip.checksum.status -e udp.checksum -e udp.srcport -e vxlan.vni \
    -o ip.check_checksum:TRUE | awk -v s="$GW_MAC" -v d="$VTEP2_MAC" -v n="$N" '
    { print; c++ }
    $1 != s || $2 != d || $3 != 64 || $4 !~ /^(0x0+|0)$/ || $5 !~ /^(1|True)$/ ||
      $6 !~ /^(1|Good)$/ || $7 !~ /^(0x0+|0)$/ || $8 < 49152 || $8 > 65535 || $9 != 6000 {
      bad++ }
    END { printf "%d frames, %d not as expected\n", c, bad; exit !(c >= n && !bad) }'
}
check "on the wire: $GW_MAC -> $VTEP2_MAC, TTL 64, ID 0, DF, IP checksum good, UDP checksum 0" wire

# ------------------------------------------------------------------ unresolvable peer
# Unknown unicast in BD 10 floods to 192.0.2.11 and 192.0.2.99; the latter never resolves.
flood_some() { lab_exec h2 timeout 10 ping -n -q -c 3 -i 0.2 -W 1 10.1.10.77 >/dev/null; true; }
RAW2=$(counter tx_underlay_raw)
flood_some
sleep 0.3
raw_only() {
  local r
  r=$(counter tx_underlay_raw)
  echo "tx_underlay_raw $RAW2 -> $r"
  [ "$r" -gt "$RAW2" ]
}
check "a peer without a neighbour entry keeps the raw path" raw_only
check "vxgwd still running" gw_alive
check "h3 (flood-group BD 30) pings its gateway (multicast stays raw)" lab_ping h3 10.1.30.1

lab_finish
