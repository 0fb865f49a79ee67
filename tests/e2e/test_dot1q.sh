#!/usr/bin/env bash
# End-to-end 802.1Q sub-interfaces through vxgwd (tests/e2e/lab.sh plus VLAN hosts):
#
#   $P-gw up0 (veth) ── ext0 in $P-ext: untagged 203.0.113.1/30 as in the standard lab, and
#                       two hosts in user space on ext0 (tests/e2e/vlan_peer.py, AF_PACKET):
#                       VLAN 100: 172.16.100.10/24   VLAN 200: 172.16.200.10/24
#   vxgwd: interface ethernet up0 (untagged, 203.0.113.2/30), up0.100 (encapsulation
#   dot1q 100, 172.16.100.1/24), up0.200 (dot1q 200, 172.16.200.1/24): one netdev, one
#   socket, three interfaces.
# The VLAN hosts are user-space programs because the lab's kernel may have no 802.1Q
# support (`ip link add link ext0 name ext0.100 type vlan id 100`); when it has, the same
# frames would come from such devices.
#
# Checks: hosts behind VXLAN reach a host on each VLAN and back, VLAN to VLAN routing, the
# untagged uplink still works beside them, the tags on the wire (tcpdump on ext0), a full
# 1500-byte IP packet on a VLAN (the tag is extra on the wire), an unknown VLAN dropped as
# vlan_unknown, `no encapsulation dot1q` takes a sub-interface down and back, a VLAN used
# twice on one netdev is refused naming the other sub-interface, a reload swapping two
# sub-interfaces' VLANs, show interfaces (text, json).
#
# usage: test_dot1q.sh [BUILD_DIR]     (default <repo>/build; needs root)
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_run_under_timeout 200 "$0" "$@"

[ -n "${1:-}" ] && VXGW_BUILD=$1
lab_init "vxt$$"
lab_require_root
lab_require_daemon
lab_trap

check "test tools are installed" lab_require_tools || lab_finish
check "lab comes up" lab_up || lab_finish

V100=100,172.16.100.10,02:00:00:16:01:0a
V200=200,172.16.200.10,02:00:00:16:02:0a
# the VLAN hosts answer ARP and ping until the lab goes down (lab_down kills them)
lab_exec ext timeout 170 python3 "$HERE/vlan_peer.py" serve --iface ext0 --host $V100 \
  --host $V200 --seconds 160 >"$LAB_TMP/vlan_peer.log" 2>&1 &
# vlan_ping HOST DST [ARGS]: echo requests from a VLAN host through the gateway
vlan_ping() {
  local h=$1 dst=$2
  shift 2
  lab_exec ext timeout 20 python3 "$HERE/vlan_peer.py" ping --iface ext0 --host "$h" \
    --gw-mac "$UP0_MAC" --dst "$dst" --seconds 8 "$@"
}

CONF=$LAB_TMP/vxgw.conf
{
  lab_gw_config
  printf 'interface ethernet up0.100\n encapsulation dot1q 100\n ip address 172.16.100.1/24\n!\n'
  printf 'interface ethernet up0.200\n encapsulation dot1q 200\n ip address 172.16.200.1/24\n!\n'
} >"$CONF"
check "vxgwd starts with up0, up0.100 and up0.200" gw_start "$CONF" || lab_finish

UP0_MAC=$(lab_host_mac gw up0)
check "show interfaces: up0.100 is up, VLAN 100 on netdev up0" \
  eval 'gw_cli "show interfaces" | tee /dev/stderr | grep -A1 "^up0.100 is up" |
        grep -q "Sub-interface of Linux netdev up0, encapsulation 802.1Q VLAN 100"'
check "show interfaces json: up0.200 encapsulation dot1q 200, MAC of up0" \
  gw_json "show interfaces json" \
  "[i for i in d['interfaces'] if i['name'] == 'up0.200' and i['netdev'] == 'up0' and
    i['encapsulation'] == {'type': 'dot1q', 'vlan': 200} and i['mac'] == '$UP0_MAC' and i['up']]"
check "running-config keeps the encapsulation" \
  eval 'gw_cli "show running-config" | grep -A1 "^interface ethernet up0.100$" |
        grep -q "^ encapsulation dot1q 100$"'

# --- forwarding -----------------------------------------------------------------------------
tagged_pings() { # FROM DST VLAN: ping while capturing on ext0; every ICMP frame carries VLAN
  local from=$1 dst=$2 vid=$3 out
  cap_start "v$vid" ext ext0 "vlan and icmp" || return 1
  lab_ping "$from" "$dst"
  local rc=$?
  cap_stop "v$vid"
  [ $rc = 0 ] || { echo "no replies from $dst"; return 1; }
  out=$(lab_tshark "v$vid" -T fields -e vlan.id -e eth.src -e ip.src -e ip.dst -e icmp.type)
  echo "$out"
  # requests to dst leave the gateway with the VLAN's tag and up0's MAC; replies come in
  # with the same tag; no other VLAN carries them
  echo "$out" | awk -v vid="$vid" -v mac="$UP0_MAC" -v dst="$dst" '
    $4 == dst && $5 == 8 { req++; if ($1 != vid || $2 != mac) bad++ }
    $3 == dst && $5 == 0 { rep++; if ($1 != vid) bad++ }
    END { printf "requests %d, replies %d, wrong tag or MAC %d\n", req, rep, bad
          exit !(req >= 3 && rep >= 3 && !bad) }'
}
check "h1 (VXLAN 5000) -> VLAN 100 host 172.16.100.10: tagged VLAN 100 on the wire, both ways" \
  tagged_pings h1 172.16.100.10 100
check "h2 (VXLAN 6000) -> VLAN 200 host 172.16.200.10: tagged VLAN 200 on the wire, both ways" \
  tagged_pings h2 172.16.200.10 200
check "VLAN 100 host -> h1 10.1.10.50" vlan_ping $V100 10.1.10.50
check "VLAN 100 host -> VLAN 200 host through the gateway" vlan_ping $V100 172.16.200.10
check "untagged beside them: ext pings 203.0.113.2" lab_ping ext 203.0.113.2
check "untagged beside them: h1 -> external host 198.51.100.10" lab_ping h1 $LAB_EXT_HOST
check "VLAN 100 host -> 172.16.100.1, 1500-byte IP packets (1518-byte tagged frames)" \
  vlan_ping $V100 172.16.100.1 --size 1472
check "show ip arp: 172.16.100.10 02:00:00:16:01:0a on up0.100" \
  gw_has_line "show ip arp" 172.16.100.10 02:00:00:16:01:0a up0.100

# --- drops ----------------------------------------------------------------------------------
unknown_vlan() {
  local before now
  before=$(gw_errors_count vlan_unknown)
  # echo requests in VLAN 300, which no sub-interface has
  vlan_ping 300,172.16.30.10,02:00:00:16:03:0a 172.16.30.1 --seconds 2 && { echo "answered?"; return 1; }
  sleep 0.5
  now=$(gw_errors_count vlan_unknown)
  gw_cli "show errors"
  echo "vlan_unknown: $before before, $now after"
  [ "$now" -ge $((before + 3)) ]
}
check "VLAN 300 (no sub-interface): not answered, vlan_unknown grows by >= 3" unknown_vlan

# --- configuration at run time --------------------------------------------------------------
check "encapsulation dot1q 100 on up0.200 is refused, naming up0.100" \
  gw_cli_refused up0.100 "configure terminal" "interface ethernet up0.200" \
  "encapsulation dot1q 100"
check "encapsulation dot1q on up0 (not a sub-interface) is refused" \
  gw_cli_refused up0 "configure terminal" "interface ethernet up0" "encapsulation dot1q 5"
check "no encapsulation dot1q on up0.200" \
  gw_cli "configure terminal" "interface ethernet up0.200" "no encapsulation dot1q"
check "show interfaces: up0.200 is down (no encapsulation)" \
  gw_has_line "show interfaces brief" up0.200 172.16.200.1/24 down
check "the VLAN 200 host no longer reaches its gateway" \
  not vlan_ping $V200 172.16.200.1 --seconds 2
check "the VLAN 100 host still does (VLAN 100 untouched)" vlan_ping $V100 172.16.100.1
check "encapsulation dot1q 200 again: h2 reaches the VLAN 200 host" \
  eval 'gw_cli "configure terminal" "interface ethernet up0.200" "encapsulation dot1q 200" &&
        lab_ping h2 172.16.200.10'
# a reload that swaps the VLANs and subnets of the two sub-interfaces: the diff must
# release both VLANs before it gives them again
swapped() { gw_cli "show running-config" | grep -A1 "^interface ethernet up0.100$" | grep -q "dot1q 200"; }
swap_reload() {
  {
    lab_gw_config
    printf 'interface ethernet up0.100\n encapsulation dot1q 200\n ip address 172.16.200.1/24\n!\n'
    printf 'interface ethernet up0.200\n encapsulation dot1q 100\n ip address 172.16.100.1/24\n!\n'
  } >"$CONF" && gw_reload && wait_until 5 swapped
}
check "SIGHUP with the VLANs and subnets of up0.100 and up0.200 swapped" swap_reload
check "after the swap: the VLAN 100 host reaches h1, through up0.200" \
  eval 'vlan_ping $V100 10.1.10.50 &&
        gw_has_line "show ip arp" 172.16.100.10 02:00:00:16:01:0a up0.200'
check "after the swap: h2 reaches the VLAN 200 host, through up0.100" \
  eval 'lab_ping h2 172.16.200.10 &&
        gw_has_line "show ip arp" 172.16.200.10 02:00:00:16:02:0a up0.100'
check "no interface ethernet up0: the sub-interfaces keep the netdev open" \
  eval 'gw_cli "configure terminal" "no interface ethernet up0" &&
        vlan_ping $V100 10.1.10.50 && not lab_ping ext 203.0.113.2 -c 2 -w 3'
check "vxgwd is still running" gw_alive

lab_finish
