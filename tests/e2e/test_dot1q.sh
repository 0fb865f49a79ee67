#!/usr/bin/env bash
# End-to-end 802.1Q sub-interfaces through vxgwd (tests/e2e/lab.sh plus VLAN hosts):
#
#   $P-gw up0 (veth) ── ext0 in $P-ext, a port of bridge sw0 there (VLAN-unaware, so tagged
#                       frames cross it as they are), which holds the untagged 203.0.113.1/30
#                       of the standard lab; further ports of sw0 lead to two hosts:
#     $P-v100 eth0 172.16.100.10/24 (02:00:00:16:01:0a), VLAN 100, via 172.16.100.1
#     $P-v200 eth0 172.16.200.10/24 (02:00:00:16:02:0a), VLAN 200, via 172.16.200.1
#   vxgwd: interface ethernet up0 (untagged, 203.0.113.2/30), up0.100 (encapsulation
#   dot1q 100, 172.16.100.1/24), up0.200 (dot1q 200, 172.16.200.1/24): one netdev, one
#   socket, three interfaces.
# The lab's kernel has no 802.1Q devices, so the VLAN hosts are ordinary kernel hosts whose
# eth0 tags in tc: tests/e2e/vlan_tag.bpf.c (built here with clang) pushes the tag on
# egress and pops it on ingress, where frames of other VLANs and untagged ones are dropped.
# Their stacks keep the kernel's offloads, so they send partial checksums and TSO
# super-packets (tagged) to the gateway as the other hosts do. A user-space peer
# (tests/e2e/vlan_peer.py) sends the frames of a VLAN no sub-interface has.
#
# Checks: exact delivery (lab.sh) with ICMP, UDP and TCP on each path: VXLAN <-> VLAN 100,
# VXLAN <-> VLAN 200, VLAN 100 <-> VLAN 200 through the gateway; the untagged uplink beside
# them; the tags on the wire (tcpdump on ext0); a full 1500-byte IP packet on a VLAN (the tag
# is extra on the wire). vxgwd only: an unknown VLAN dropped as vlan_unknown, `no
# encapsulation dot1q` takes a sub-interface down and back, a VLAN used twice on one netdev
# is refused naming the other sub-interface, a reload swapping two sub-interfaces' VLANs,
# show interfaces (text, json), `no interface ethernet up0`.
#
# usage: test_dot1q.sh [BUILD_DIR]     (default <repo>/build; needs root)
#        VXGW_E2E_KERNEL=1 test_dot1q.sh    the Linux kernel as the gateway (kernel_gw_up
#                                           --wire), its sub-interfaces veth pairs tagged by
#                                           the same BPF program: the VLAN forwarding and tag
#                                           checks; the vxgwd-only ones are skipped
#        VXGW_E2E_WORKERS=N test_dot1q.sh   vxgwd with `dataplane workers N`
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_start 300 "$0" "$@"
LAB_NAMES="$LAB_NAMES v100 v200" # the VLAN hosts, removed with the lab

VMAC=(x 02:00:00:16:01:0a 02:00:00:16:02:0a)
VID=(x 100 200)
VHOST=(x 172.16.100.10 172.16.200.10)
LAB_RX_AT[v100]="v100 eth0 1500"
LAB_RX_AT[v200]="v200 eth0 1500"

# vlan_obj NAME CLANG-ARGS...: builds vlan_tag.bpf.c into $LAB_TMP/NAME.o
vlan_obj() {
  local name=$1
  shift
  clang -O2 -g0 -target bpf -I"/usr/include/$(clang -print-multiarch)" "$@" \
    -c "$HERE/vlan_tag.bpf.c" -o "$LAB_TMP/$name.o"
}

# tc_bpf NS DEV ingress|egress OBJ SEC: one direct-action cls_bpf filter (clsact made once)
tc_bpf() {
  lab_exec "$1" tc qdisc show dev "$2" | grep -q clsact ||
    lab_exec "$1" tc qdisc add dev "$2" clsact || return 1
  lab_exec "$1" tc filter add dev "$2" "$3" bpf da obj "$4" sec "$5"
}

# The VLAN hosts behind bridge sw0 in $P-ext, ext0 moved into sw0 with its address (the
# namespaces v100 and v200 were made by lab_up, from LAB_NAMES).
vlan_hosts_up() {
  local e=$P-ext i h
  lab_must ip -n "$e" link add sw0 type bridge stp_state 0 mcast_snooping 0 || return 1
  lab_must ip -n "$e" link set sw0 address "$(lab_host_mac ext ext0)" || return 1
  lab_must ip -n "$e" addr del 203.0.113.1/30 dev ext0 || return 1
  lab_must ip -n "$e" link set ext0 master sw0 || return 1
  lab_must ip -n "$e" link set sw0 up || return 1
  lab_must ip -n "$e" addr add 203.0.113.1/30 dev sw0 || return 1
  lab_must ip -n "$e" route add 10.0.0.0/8 via 203.0.113.2 || return 1
  for i in 1 2; do
    h=$P-v${VID[i]}
    lab_must ip -n "$e" link add "vh${VID[i]}" type veth peer name eth0 netns "$h" || return 1
    lab_must ip -n "$e" link set "vh${VID[i]}" master sw0 up || return 1
    lab_must _lab_offload "$e" "vh${VID[i]}" || return 1
    lab_must ip -n "$h" link set eth0 address "${VMAC[i]}" up || return 1
    lab_must _lab_offload "$h" eth0 || return 1
    lab_must ip -n "$h" addr add "${VHOST[i]}/24" dev eth0 || return 1
    lab_must ip -n "$h" route add default via "172.16.${VID[i]}.1" || return 1
    lab_must vlan_obj "host${VID[i]}" -DVID="${VID[i]}" || return 1
    lab_must tc_bpf "$h" eth0 egress "$LAB_TMP/host${VID[i]}.o" push || return 1
    lab_must tc_bpf "$h" eth0 ingress "$LAB_TMP/host${VID[i]}.o" pop || return 1
  done
}

# The kernel gateway's sub-interfaces: per VLAN a veth pair in $P-gw, sN (the interface the
# kernel routes on, with up0's MAC) and sNp; what the kernel sends out of sN arrives at sNp
# and leaves up0 tagged; up0's frames of the VLAN lose the tag and go out of sNp into sN.
kernel_subifs_up() {
  local g=$P-gw i v up0_if peer_if mac
  up0_if=$(lab_exec gw cat /sys/class/net/up0/ifindex)
  mac=$(lab_host_mac gw up0)
  for i in 1 2; do
    v=${VID[i]}
    lab_must ip -n "$g" link add "s$v" type veth peer name "s${v}p" || return 1
    lab_must ip -n "$g" link set "s$v" address "$mac" || return 1
    lab_must ip -n "$g" link set "s$v" up || return 1
    lab_must ip -n "$g" link set "s${v}p" up || return 1
    lab_must ip -n "$g" addr add "172.16.$v.1/24" dev "s$v" || return 1
    peer_if=$(lab_exec gw cat "/sys/class/net/s${v}p/ifindex")
    lab_must vlan_obj "gwtx$v" -DVID="$v" -DTO_IF="$up0_if" || return 1
    lab_must vlan_obj "gwrx$v" -DVID="$v" -DTO_IF="$peer_if" -DOTHERS=TC_ACT_UNSPEC || return 1
    lab_must tc_bpf gw "s${v}p" ingress "$LAB_TMP/gwtx$v.o" push || return 1
    lab_must tc_bpf gw up0 ingress "$LAB_TMP/gwrx$v.o" pop || return 1
  done
}

check "test tools are installed" eval 'lab_require_tools && lab_require_cmds clang tc'
check "lab comes up" lab_up || lab_finish
check "VLAN hosts v100 (VLAN 100) and v200 (VLAN 200) come up behind sw0 in ext" \
  vlan_hosts_up || lab_finish

CONF=$LAB_TMP/vxgw.conf
if [ "$KERNEL" = 1 ]; then
  note "gateway: the Linux kernel (kernel_gw_up --wire), sub-interfaces s100/s200 tagged by BPF"
  check "kernel gateway comes up" kernel_gw_up --wire || lab_finish
  check "kernel sub-interfaces s100 (VLAN 100) and s200 (VLAN 200) on up0" kernel_subifs_up ||
    lab_finish
else
  {
    lab_gw_config
    printf 'interface ethernet up0.100\n encapsulation dot1q 100\n ip address 172.16.100.1/24\n!\n'
    printf 'interface ethernet up0.200\n encapsulation dot1q 200\n ip address 172.16.200.1/24\n!\n'
  } >"$CONF"
  note "gateway: vxgwd, $(grep '^dataplane workers' "$CONF" || echo "dataplane workers: default (one per CPU)")"
  check "vxgwd starts with up0, up0.100 and up0.200" gw_start "$CONF" || lab_finish
fi
lab_flush_neigh
for n in v100 v200; do ip -n "$P-$n" neigh flush all 2>/dev/null; done

UP0_MAC=$(lab_host_mac gw up0)
if daemon_only "show interfaces, show interfaces json, running-config of the sub-interfaces"; then
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
fi

# --- forwarding, tags on the wire ---------------------------------------------------------
N_PING=20
tagged_pings() { # FROM DST VLAN: exact pings while capturing on ext0; every ICMP frame tagged
  local from=$1 dst=$2 vid=$3 out
  cap_start "v$vid" ext ext0 "vlan and icmp" || return 1
  lab_ping_exact "$from" "$dst" $N_PING
  local rc=$?
  cap_stop "v$vid"
  [ $rc = 0 ] || { echo "not exactly $N_PING replies from $dst"; return 1; }
  out=$(lab_tshark "v$vid" -T fields -e vlan.id -e eth.src -e ip.src -e ip.dst -e icmp.type)
  # requests to dst leave the gateway with the VLAN's tag and up0's MAC; replies come in
  # with the same tag; no other VLAN carries them; each request and reply seen once
  echo "$out" | awk -v vid="$vid" -v mac="$UP0_MAC" -v dst="$dst" -v n=$N_PING '
    $4 == dst && $5 == 8 { req++; if ($1 != vid || $2 != mac) bad++ }
    $3 == dst && $5 == 0 { rep++; if ($1 != vid) bad++ }
    END { printf "requests %d, replies %d (expected %d each), wrong tag or MAC %d\n", req, rep, n, bad
          exit !(req == n && rep == n && !bad) }'
}
check "ICMP h1 (VXLAN 5000) -> VLAN 100 host: $N_PING replies exactly, VLAN 100 tags both ways" \
  tagged_pings h1 172.16.100.10 100
check "ICMP h2 (VXLAN 6000) -> VLAN 200 host: $N_PING replies exactly, VLAN 200 tags both ways" \
  tagged_pings h2 172.16.200.10 200
check "ICMP VLAN 100 host -> h1: $N_PING replies exactly" lab_ping_exact v100 10.1.10.50 $N_PING
check "ICMP VLAN 200 host -> h2: $N_PING replies exactly" lab_ping_exact v200 10.1.20.60 $N_PING
check "ICMP VLAN 100 host -> VLAN 200 host through the gateway: $N_PING replies exactly" \
  lab_ping_exact v100 172.16.200.10 $N_PING
check "ICMP VLAN 200 host -> VLAN 100 host through the gateway: $N_PING replies exactly" \
  lab_ping_exact v200 172.16.100.10 $N_PING
check "untagged beside them: ext pings 203.0.113.2 exactly" lab_ping_exact ext 203.0.113.2 10
check "untagged beside them: h1 -> external host 198.51.100.10 exactly" \
  lab_ping_exact h1 $LAB_EXT_HOST $N_PING
check "VLAN 100 host -> 172.16.100.1, 1500-byte IP packets (1518-byte tagged frames), exactly" \
  lab_ping_exact v100 172.16.100.1 5 -M do -s 1472

check "UDP h1 -> VLAN 100 host: 200 datagrams exactly once, valid checksums" \
  lab_udp_exact h1 v100 172.16.100.10
check "UDP VLAN 100 host -> h1: 200 datagrams exactly once, valid checksums" \
  lab_udp_exact v100 h1 10.1.10.50
check "UDP h2 -> VLAN 200 host: 200 datagrams exactly once, valid checksums" \
  lab_udp_exact h2 v200 172.16.200.10
check "UDP VLAN 200 host -> h2: 200 datagrams exactly once, valid checksums" \
  lab_udp_exact v200 h2 10.1.20.60
check "UDP VLAN 100 host -> VLAN 200 host: 200 datagrams exactly once, valid checksums" \
  lab_udp_exact v100 v200 172.16.200.10
check "UDP VLAN 200 host -> VLAN 100 host: 200 datagrams exactly once, valid checksums" \
  lab_udp_exact v200 v100 172.16.100.10
check "iperf3 UDP h1 <-> VLAN 100 host, 50 Mbit/s each way: none lost, none out of order" \
  lab_iperf_udp h1 v100 172.16.100.10
check "TCP h1 <-> VLAN 100 host: 8 MiB each way, exactly, valid checksums" \
  lab_tcp_exact h1 v100 172.16.100.10
check "TCP VLAN 200 host <-> h2: 8 MiB each way, exactly, valid checksums" \
  lab_tcp_exact v200 h2 10.1.20.60
check "TCP VLAN 100 host <-> VLAN 200 host: 8 MiB each way, exactly, valid checksums" \
  lab_tcp_exact v100 v200 172.16.200.10
check "iperf3 TCP h1 <-> VLAN 100 host for 3 s: completes, data both ways" \
  lab_iperf_tcp h1 v100 172.16.100.10
check "iperf3 TCP VLAN 100 host <-> VLAN 200 host for 3 s: completes, data both ways" \
  lab_iperf_tcp v100 v200 172.16.200.10

if [ "$KERNEL" = 1 ]; then
  check "(kernel) neighbour 172.16.100.10 ${VMAC[1]} on s100" \
    eval 'lab_exec gw ip neigh show 172.16.100.10 dev s100 | tee /dev/stderr |
          lab_has_line 172.16.100.10 lladdr ${VMAC[1]}'
  check "VLAN 300 (no sub-interface): not answered" \
    not lab_exec ext timeout 20 python3 "$HERE/vlan_peer.py" ping --iface ext0 \
    --host 300,172.16.30.10,02:00:00:16:03:0a --gw-mac "$UP0_MAC" --dst 172.16.30.1 --seconds 2
  lab_finish
fi

# With dataplane io xdp, up0's program was on through all of the above (the tagged frames,
# their tags in the veth's metadata, left to the packet sockets; the untagged ones taken)
if [ "${VXGW_E2E_IO:-}" = xdp ] && [ "${VXGW_E2E_WORKERS:-}" != 0 ]; then
  up0_xdp_on() {
    gw_json "show dataplane json" '(d["io"]["uplinks"] or "").startswith("up0 (native")' &&
      gw_json "show counters json" 'd["gateway"]["rx_uplink_xdp"] > 0'
  }
  check "show dataplane: up0 has its XDP program; untagged frames came through it" up0_xdp_on
fi

check "show ip arp: 172.16.100.10 ${VMAC[1]} on up0.100" \
  gw_has_line "show ip arp" 172.16.100.10 "${VMAC[1]}" up0.100

# --- drops ----------------------------------------------------------------------------------
unknown_vlan() {
  local before now
  before=$(gw_errors_count vlan_unknown)
  # 3 echo requests in VLAN 300, which no sub-interface has (a user-space peer on ext0)
  lab_exec ext timeout 20 python3 "$HERE/vlan_peer.py" ping --iface ext0 \
    --host 300,172.16.30.10,02:00:00:16:03:0a --gw-mac "$UP0_MAC" --dst 172.16.30.1 \
    --seconds 2 && { echo "answered?"; return 1; }
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
  not lab_ping v200 172.16.200.1 -c 2 -w 3
check "the VLAN 100 host still does (VLAN 100 untouched), exactly" \
  lab_ping_exact v100 172.16.100.1 10
check "encapsulation dot1q 200 again: h2 reaches the VLAN 200 host, exactly" \
  eval 'gw_cli "configure terminal" "interface ethernet up0.200" "encapsulation dot1q 200" &&
        lab_ping_exact h2 172.16.200.10 10'
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
check "after the swap: the VLAN 100 host reaches h1 exactly, through up0.200" \
  eval 'lab_ping_exact v100 10.1.10.50 10 &&
        gw_has_line "show ip arp" 172.16.100.10 ${VMAC[1]} up0.200'
check "after the swap: h2 reaches the VLAN 200 host exactly, through up0.100" \
  eval 'lab_ping_exact h2 172.16.200.10 10 &&
        gw_has_line "show ip arp" 172.16.200.10 ${VMAC[2]} up0.100'
check "after the swap: UDP VLAN 100 host -> h1, 200 datagrams exactly once" \
  lab_udp_exact v100 h1 10.1.10.50
check "no interface ethernet up0: the sub-interfaces keep the netdev open" \
  eval 'gw_cli "configure terminal" "no interface ethernet up0" &&
        lab_ping_exact v100 10.1.10.50 10 && not lab_ping ext 203.0.113.2 -c 2 -w 3'
check "vxgwd is still running" gw_running

lab_finish
