#!/usr/bin/env bash
# End-to-end tenant VRFs through vxgwd in the netns lab (tests/e2e/lab.sh): two tenants
# with the SAME subnets behind the same two kernel VTEPs, each in its own VRF, routed
# apart and strictly isolated from each other and from the default VRF.
#
#   VRF red:  h1 10.1.10.50 (vtep1, VNI 5000, bdif10)    h2 10.1.20.60 (vtep2, VNI 6000, bdif20)
#   VRF blue: b1 10.1.10.50 (vtep1, VNI 5110, bdif110)   b2 10.1.20.60 (vtep2, VNI 6120, bdif120)
#             b2 also has 10.1.120.60/24 (bdif120 10.1.120.1/24 secondary): blue only
#   default:  up0 203.0.113.2/30, 0.0.0.0/0 via ext
#
# Forwarding is checked for exact delivery (lab.sh) in each tenant: ICMP with exactly N
# replies and no duplicate, numbered UDP datagrams each received once, exact TCP bytes both
# ways, iperf3; and the other tenant's host receives none of it.
#
# usage: test_vrf.sh [BUILD_DIR]     (default <repo>/build; needs root)
#        VXGW_E2E_WORKERS=N test_vrf.sh   vxgwd with `dataplane workers N`
#        VXGW_E2E_KERNEL=1 test_vrf.sh    the Linux kernel as the gateway, a namespace per
#                                         tenant as its VRF (kernel_vrf_up): the forwarding,
#                                         leak and isolation checks; the vxgwd-only ones
#                                         (tables, its own ping, configuration) are skipped
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_start 300 "$0" "$@"
# the blue hosts live in namespaces of their own, removed with the lab's; so do the kernel
# twin's tenant routers
LAB_NAMES="$LAB_NAMES b1 b2 rred rblue"

N_PING=20

# Blue tenant: lab_blue_up (b1, b2 with the addresses of h1, h2), and 10.1.120.60 on b2.
blue_up() {
  lab_blue_up || return 1
  lab_must ip -n "$P-b2" addr add 10.1.120.60/24 dev eth0 || return 1
}

write_config() {
  cat <<'EOF'
hostname vxgw-vrf
vxlan source 192.0.2.1
vrf red
vrf blue
!
bridge-domain 10
 vni 5000
 flood-peer 192.0.2.11
bridge-domain 20
 vni 6000
 flood-peer 192.0.2.12
bridge-domain 110
 vni 5110
 flood-peer 192.0.2.11
bridge-domain 120
 vni 6120
 flood-peer 192.0.2.12
!
interface bdif 10
 vrf red
 ip address 10.1.10.1/24
 mtu 1450
interface bdif 20
 vrf red
 ip address 10.1.20.1/24
 mtu 1450
interface bdif 110
 vrf blue
 ip address 10.1.10.1/24
 mtu 1450
interface bdif 120
 vrf blue
 ip address 10.1.20.1/24
 ip address 10.1.120.1/24 secondary
 mtu 1450
interface ethernet up0
 ip address 203.0.113.2/30
!
ip route 0.0.0.0/0 203.0.113.1
ip route vrf red 10.99.0.0/16 10.1.20.60
ip route vrf blue 10.99.0.0/16 10.1.20.60
EOF
  lab_workers_line
}

# lab_gc_stale knows the standard names only: the blue hosts of killed runs go here
blue_gc_stale() {
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    [[ $ns =~ ^vxt([0-9]+)-b[12]$ ]] || continue
    [ -d "/proc/${BASH_REMATCH[1]}" ] && continue
    _lab_kill_ns "$ns"
    ip netns del "$ns" 2>/dev/null
  done
  return 0
}

# The same tenants with the Linux kernel as the gateway. The kernel has no VRF devices here
# (CONFIG_NET_VRF is off), and policy routing cannot keep the gateway's own replies in a
# tenant when both tenants' gateway addresses are the same; so a namespace per tenant is its
# VRF. $P-gw terminates the four VNIs into bridges (as kernel_gw_up does, without addresses)
# and each bridge has a veth into its tenant's router, $P-rred or $P-rblue, which holds the
# BDIF addresses and routes between them, and nothing else: no route to the uplink. The
# default VRF -- up0 203.0.113.2/30, 0.0.0.0/0 via ext -- stays in $P-gw and knows no tenant
# subnet. ul0 and up0 send complete frames (lab_wire), as with kernel_gw_up --wire. (The
# namespaces rred and rblue were made by lab_up, from LAB_NAMES.)
kernel_vrf_up() {
  local g=$P-gw t vrf bd vni peer addrs a rt
  # (icmp_ratelimit 0: the isolation checks draw "net unreachable" a few times a second,
  # more than the kernel's default of one a second per destination after a short burst)
  lab_must _lab_sysctl "$P-rred" net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0 || return 1
  lab_must _lab_sysctl "$P-rblue" net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0 || return 1
  for t in "red 10 5000 192.0.2.11 10.1.10.1/24" "red 20 6000 192.0.2.12 10.1.20.1/24" \
    "blue 110 5110 192.0.2.11 10.1.10.1/24" \
    "blue 120 6120 192.0.2.12 10.1.20.1/24,10.1.120.1/24"; do
    read -r vrf bd vni peer addrs <<<"$t"
    rt=$P-r$vrf
    lab_must lab_kernel_tenant_bd "$vni" "$bd" "$peer" "r$vrf" || return 1
    for a in ${addrs//,/ }; do lab_must ip -n "$rt" addr add "$a" dev "bdif$bd" || return 1; done
  done
  lab_must ip -n "$g" addr add 203.0.113.2/30 dev up0 || return 1
  lab_must ip -n "$g" route add default via 203.0.113.1 || return 1
  lab_must _lab_sysctl "$g" net.ipv4.ip_forward=1 || return 1
  lab_must lab_wire gw off ul0 up0 >/dev/null || return 1
}

blue_gc_stale
check "test tools are installed" lab_require_tools || lab_finish
check "lab comes up" lab_up || lab_finish
check "blue tenant hosts b1, b2 come up behind vtep1, vtep2" blue_up || lab_finish
if [ "$KERNEL" = 1 ]; then
  note "gateway: the Linux kernel, a router namespace per tenant (rred, rblue) as its VRF"
  check "kernel gateway comes up: VNIs in $P-gw, tenant routers rred and rblue" kernel_vrf_up ||
    lab_finish
else
  CONF=$LAB_TMP/vxgw.conf
  write_config >"$CONF"
  note "gateway: vxgwd, $(grep '^dataplane workers' "$CONF" || echo "dataplane workers: default (one per CPU)")"
  check "vxgwd -n accepts the config" "$VXGWD" -n -f "$CONF"
  check "vxgwd starts and answers the CLI" gw_start "$CONF" || lab_finish
fi
lab_flush_neigh
for n in b1 b2; do
  ip -n "$P-$n" neigh flush all 2>/dev/null
done

# --- each tenant reaches its own hosts through the same addresses -----------------------------
check "red h1 pings its gateway 10.1.10.1 exactly" lab_ping_exact h1 10.1.10.1 10
check "blue b1 pings its gateway 10.1.10.1 exactly" lab_ping_exact b1 10.1.10.1 10
check "ICMP red h1 -> 10.1.20.60 (h2) across VNIs 5000 -> 6000: $N_PING replies exactly" \
  lab_ping_exact h1 10.1.20.60 $N_PING
check "ICMP blue b1 -> 10.1.20.60 (b2) across VNIs 5110 -> 6120: $N_PING replies exactly" \
  lab_ping_exact b1 10.1.20.60 $N_PING
check "ICMP red h2 -> 10.1.10.50 (h1): $N_PING replies exactly" lab_ping_exact h2 10.1.10.50 $N_PING
check "ICMP blue b2 -> 10.1.10.50 (b1): $N_PING replies exactly" lab_ping_exact b2 10.1.10.50 $N_PING
check "ICMP blue b1 -> 10.1.120.60 (b2's blue-only subnet): $N_PING replies exactly" \
  lab_ping_exact b1 10.1.120.60 $N_PING

# UDP and TCP in each tenant, to the same addresses: the other tenant's host gets none of it
# (the receive point counts exactly what arrived for the address)
check "UDP red h1 -> h2 10.1.20.60: 200 datagrams exactly once, valid checksums" \
  lab_udp_exact h1 h2 10.1.20.60
check "UDP red h2 -> h1 10.1.10.50: 200 datagrams exactly once, valid checksums" \
  lab_udp_exact h2 h1 10.1.10.50
check "UDP blue b1 -> b2 10.1.20.60: 200 datagrams exactly once, valid checksums" \
  lab_udp_exact b1 b2 10.1.20.60
check "UDP blue b2 -> b1 10.1.10.50: 200 datagrams exactly once, valid checksums" \
  lab_udp_exact b2 b1 10.1.10.50
check "UDP blue b1 -> b2 10.1.120.60 (blue only): 200 datagrams exactly once, valid checksums" \
  lab_udp_exact b1 b2 10.1.120.60
check "TCP red h1 <-> h2: 8 MiB each way, exactly, valid checksums" lab_tcp_exact h1 h2 10.1.20.60
check "TCP blue b1 <-> b2: 8 MiB each way, exactly, valid checksums" lab_tcp_exact b1 b2 10.1.20.60
check "iperf3 UDP red h1 <-> h2, 50 Mbit/s each way: none lost, none out of order" \
  lab_iperf_udp h1 h2 10.1.20.60
check "iperf3 TCP blue b1 <-> b2 for 3 s: completes, data both ways" \
  lab_iperf_tcp b1 b2 10.1.20.60

# The same address resolved to each tenant's own host in each VRF's neighbour table.
arp_mac_in() { # VRF ADDR: MAC of ADDR in show ip arp vrf VRF json
  gw_cli "show ip arp vrf $1 json" | timeout 10 python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["vrf"] == sys.argv[1], d
print(" ".join(e["mac"] for e in d["entries"] if e["address"] == sys.argv[2]))' "$1" "$2"
}
arp_is() { # VRF ADDR MAC
  local got
  got=$(arp_mac_in "$1" "$2")
  echo "vrf $1: $2 is at '$got' (expected $3)"
  [ "${got,,}" = "${3,,}" ]
}
MAC_H2=$(lab_host_mac h2)
if [ "$KERNEL" = 1 ]; then
  kneigh() { lab_exec "$1" ip neigh show "$2" | tee /dev/stderr | lab_has_line "$2" lladdr "$3"; }
  check "(kernel) rred: 10.1.20.60 is h2 ($MAC_H2)" kneigh rred 10.1.20.60 "$MAC_H2"
  check "(kernel) rblue: 10.1.20.60 is b2 (${LAB_BLUE_MAC[2]})" kneigh rblue 10.1.20.60 "${LAB_BLUE_MAC[2]}"
else
  check "show ip arp vrf red: 10.1.20.60 is h2 ($MAC_H2)" arp_is red 10.1.20.60 "$MAC_H2"
  check "show ip arp vrf blue: 10.1.20.60 is b2 (${LAB_BLUE_MAC[2]})" arp_is blue 10.1.20.60 "${LAB_BLUE_MAC[2]}"
  check "show ip arp (default VRF) holds no tenant neighbour" \
    gw_json "show ip arp json" 'd["vrf"] == "default" and not any(e["address"].startswith("10.1.") for e in d["entries"])'
fi

# Red's pings to 10.1.20.60 reach h2, each exactly once, and never b2.
no_leak() {
  cap_start leak-b2 b2 eth0 "icmp and src host 10.1.10.50" || return 1
  cap_start leak-h2 h2 eth0 "icmp and src host 10.1.10.50" || return 1
  lab_ping_exact h1 10.1.20.60 10
  local rc=$?
  cap_stop leak-b2 leak-h2
  local at_b2 at_h2
  at_b2=$(lab_tshark leak-b2 -Y "icmp.type == 8" | wc -l)
  at_h2=$(lab_tshark leak-h2 -Y "icmp.type == 8" | wc -l)
  echo "echo requests from 10.1.10.50: at h2 $at_h2 (expected 10), at b2 $at_b2 (expected 0)"
  [ $rc = 0 ] && [ "$at_h2" = 10 ] && [ "$at_b2" = 0 ]
}
check "h1's 10 pings to 10.1.20.60 arrive at h2 (red) exactly once each, none at b2 (blue)" no_leak

# --- isolation: another VRF's prefix is unreachable, ICMP net unreachable, no_route counted ----
# (with the kernel as the gateway there is no no_route counter: the ICMP errors only)
unreachable() { # FROM DST GATEWAY: ping fails with "Destination Net Unreachable" from GATEWAY
  local out before=0 after=2
  [ "$KERNEL" = 1 ] || before=$(gw_errors_count no_route)
  out=$(lab_exec "$1" timeout 10 ping -n -c 2 -i 0.3 -W 2 "$2")
  local rc=$?
  [ "$KERNEL" = 1 ] || after=$(gw_errors_count no_route)
  echo "$out"
  [ "$KERNEL" = 1 ] || echo "no_route: $before before, $after after"
  [ $rc != 0 ] && echo "$out" | grep -Eq "^From $3 icmp_seq=[0-9]+ Destination Net Unreachable" &&
    [ "$after" -ge $((before + 2)) ]
}
check "red h1 -> 10.1.120.60 (blue only): net unreachable from 10.1.10.1, no_route +2" \
  unreachable h1 10.1.120.60 10.1.10.1
check "red h1 -> 203.0.113.2 (the default VRF's uplink): net unreachable" \
  unreachable h1 203.0.113.2 10.1.10.1
check "red h1 -> external 198.51.100.10 (default VRF route only): net unreachable" \
  unreachable h1 $LAB_EXT_HOST 10.1.10.1
# (the default VRF's 0.0.0.0/0 points back at ext: the packets loop until their TTL ends)
check "ext -> 10.1.10.50 (no tenant subnet in the default VRF): no reply" \
  not lab_exec ext timeout 10 ping -n -c 2 -i 0.3 -W 2 10.1.10.50
check "blue b1 still reaches b2 afterwards, exactly" lab_ping_exact b1 10.1.120.60 10
[ "$KERNEL" = 1 ] && lab_finish

# --- the gateway's own ping in a VRF -----------------------------------------------------------
# 10.1.120.60 is b2 in blue only: blue's ping reaches it, red's has no route; the same
# address 10.1.20.60 answers in each tenant (the echo must be routed in the right table).
check "ping vrf blue 10.1.120.60 count 3: 100 percent" \
  gw_has_line "ping vrf blue 10.1.120.60 count 3" Success rate 100 percent 3/3
check "ping vrf red 10.1.120.60: no route (blue only)" \
  eval 'gw_cli "ping vrf red 10.1.120.60 count 1" 2>&1 | grep -q "No route to host"'
ping_reaches() { # VRF HOST-NS: the gateway's ping to 10.1.20.60 in VRF arrives at HOST-NS
  local before after
  before=$(lab_exec "$2" cat /sys/class/net/eth0/statistics/rx_packets)
  gw_has_line "ping vrf $1 10.1.20.60 count 5" Success rate 100 percent 5/5 || return 1
  after=$(lab_exec "$2" cat /sys/class/net/eth0/statistics/rx_packets)
  echo "$2 received $((after - before)) packets"
  [ $((after - before)) -ge 5 ]
}
check "ping vrf red 10.1.20.60 is answered by h2" ping_reaches red h2
check "ping vrf blue 10.1.20.60 is answered by b2" ping_reaches blue b2
check "ping vrf nosuch: refused, naming it" gw_cli_refused nosuch "ping vrf nosuch 10.1.20.60"

# --- show commands ---------------------------------------------------------------------------
check "show vrf: red with bdif10, bdif20" gw_has_line "show vrf" red bdif10 bdif20
check "show vrf: blue with bdif110, bdif120" gw_has_line "show vrf" blue bdif110 bdif120
check "show vrf json: default, blue, red (by name) with their interfaces" gw_json "show vrf json" '
[v["name"] for v in d["vrfs"]] == ["default", "blue", "red"] and
[v["interfaces"] for v in d["vrfs"]] == [["up0"], ["bdif110", "bdif120"], ["bdif10", "bdif20"]]'
check "show ip route vrf red: 10.99.0.0/16 via 10.1.20.60 on bdif20" \
  gw_has_line "show ip route vrf red" S 10.99.0.0/16 10.1.20.60 bdif20
check "show ip route vrf blue: 10.99.0.0/16 via 10.1.20.60 on bdif120" \
  gw_has_line "show ip route vrf blue" S 10.99.0.0/16 10.1.20.60 bdif120
check "show ip route vrf blue 10.1.120.60: connected bdif120" \
  gw_has_line "show ip route vrf blue 10.1.120.60" 10.1.120.0/24 bdif120
check "show ip route vrf red json: no 10.1.120.0/24, no default route" gw_json \
  "show ip route vrf red json" 'd["vrf"] == "red" and
all(r["prefix"] not in ("10.1.120.0/24", "0.0.0.0/0") for r in d["routes"]) and
any(r["prefix"] == "10.1.10.0/24" and r["paths"][0]["interface"] == "bdif10" for r in d["routes"])'
check "show ip route (default): no tenant subnet" gw_json "show ip route json" \
  'not any(r["prefix"].startswith("10.1.") for r in d["routes"])'
check "show interfaces json: bdif110 in vrf blue, up0 in default" gw_json "show interfaces json" '
{i["name"]: i["vrf"] for i in d["interfaces"]} == {"bdif10": "red", "bdif20": "red",
 "bdif110": "blue", "bdif120": "blue", "up0": "default"}'
check "show interfaces brief: bdif110 ... blue" gw_has_line "show interfaces brief" bdif110 blue
check "show ip route vrf nosuch: refused, naming it" gw_cli_refused nosuch "show ip route vrf nosuch"

# --- configuration: refusals and changes as a diff ---------------------------------------------
check "no vrf red while bdif10 uses it: refused, naming bdif10" \
  gw_cli_refused bdif10 "configure terminal" "no vrf red"
check "bdif120 into vrf red (10.1.20.0/24 is bdif20's there): refused, naming bdif20" \
  gw_cli_refused bdif20 "configure terminal" "interface bdif 120" "vrf red"
check "ip route vrf green ...: refused, naming green" \
  gw_cli_refused green "configure terminal" "ip route vrf green 10.77.0.0/16 null0"
check "running-config round-trips the VRF lines" eval '
gw_cli "show running-config" | tee "$LAB_TMP/rc1" | grep -q "^ vrf blue$" &&
"$VXGWD" -n -f "$LAB_TMP/rc1"'
green() {
  gw_cli "configure terminal" "vrf green" "ip route vrf green 10.77.0.0/16 null0" || return 1
  gw_has_line "show ip route vrf green" S 10.77.0.0/16 null0 || return 1
  gw_cli "configure terminal" "no ip route vrf green 10.77.0.0/16" "no vrf green" || return 1
  ! gw_cli "show ip route vrf green"
}
check "vrf green made, routed, removed at run time" green
check "red and blue still forward after the changes, exactly" \
  eval 'lab_ping_exact h1 10.1.20.60 10 && lab_ping_exact b1 10.1.20.60 10'

# SIGHUP with blue's interfaces and route moved into a new VRF "green" and blue gone: a
# diff; red is not touched and the blue hosts go on reaching each other, now in green.
reload_green() {
  sed -e 's/^vrf blue$/vrf green/' -e 's/^ vrf blue$/ vrf green/' \
    -e 's/^ip route vrf blue /ip route vrf green /' "$CONF" >"$CONF.green" &&
    cp "$CONF.green" "$CONF" && gw_reload || return 1
  gw_json "show vrf json" '[v["name"] for v in d["vrfs"]] == ["default", "green", "red"] and
d["vrfs"][1]["interfaces"] == ["bdif110", "bdif120"]' || return 1
  gw_has_line "show ip route vrf green" S 10.99.0.0/16 10.1.20.60 bdif120
}
check "reload: blue's interfaces and routes moved to vrf green, blue removed" reload_green
check "after the reload: b1 -> b2 (10.1.120.60) in green, h1 -> h2 in red, exactly" \
  eval 'lab_ping_exact b1 10.1.120.60 10 && lab_ping_exact h1 10.1.20.60 10'
check "after the reload: red h1 -> 10.1.120.60 still unreachable" \
  unreachable h1 10.1.120.60 10.1.10.1
check "after the reload: UDP green b1 -> b2 10.1.120.60, 200 datagrams exactly once" \
  lab_udp_exact b1 b2 10.1.120.60
check "vxgwd is still running" gw_running

lab_finish
