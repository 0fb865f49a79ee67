#!/usr/bin/env bash
# End-to-end IPv6 through the gateway (issue 14, dual-stack tenants) in the netns lab
# (tests/e2e/lab.sh, IPv6 addressing in its "IPv6" section), one lab for every check:
#
#   h1 (VNI 5000, BD 10)  SLAAC in 2001:db8:10::/64 from the gateway's RAs  ─┐
#   h2 (VNI 6000, BD 20)  SLAAC in 2001:db8:20::/64                          ├ gateway ── up0
#   b1 (VNI 5110, BD 110) SLAAC in 2001:db8:10::/64, VRF blue (same /64!)    │ 2001:db8:f0::2/64
#   b2 (VNI 6120, BD 120) SLAAC in 2001:db8:20::/64, VRF blue                ─┘ MTU 1400
#   ext  2001:db8:f0::1 on ext0, host address 2001:db8:ff::10, 2001:db8::/32 via the gateway
#   ext2 2001:db8:f0::3, a second router on the uplink (a macvlan of ext0 with its own MAC)
#   2001:db8:99::1 on the loopback of ext and ext2: 2001:db8:99::/64 is routed over both
#   (ECMP); ::/0 via ext.
#
# The hosts configure no IPv6 address or route: they take both from the gateway's router
# advertisements (accept_ra, SLAAC), and must get them within a bounded time. Then, exact as
# lab.sh's "exact delivery" (N echo replies and no duplicate, numbered UDP datagrams each
# received once with valid checksums where they arrive, TCP bytes exact both ways, iperf3
# without loss or reordering), with the hosts' offloads at the kernel's defaults:
#   1. SLAAC: address = prefix + EUI-64 of the host's MAC, default route via the gateway's
#      link-local (EUI-64 of its BDIF MAC), the RA's prefix, MTU and router lifetime (rdisc6)
#   2. ping -6: h1 <-> h2, each host to each gateway address (global, link-local, uplink),
#      h1/h2 <-> ext
#   3. UDP and TCP exact, iperf3 UDP and TCP: h1 <-> h2 and h1 <-> ext
#   4. tracepath -6 h1 -> ext reports pmtu 1400 (packet too big from the gateway: up0's MTU is
#      below the BDIF's 1450); traceroute -6 shows the gateway as hop 1
#   5. VRF blue holds the same /64s as the default VRF: within each, exact; across, exactly
#      nothing (not a single echo request reaches the other tenant)
#   6. ECMP: 16 UDP flows to 2001:db8:99::1 spread over ext and ext2, each flow on one path,
#      every datagram delivered once
#   7. ND follows h1's MAC change (h1 announces it with an unsolicited NA, ndisc_notify)
#   8. (vxgwd) running-config holds every IPv6 line of the configuration and reloads to the
#      same text
#
# usage: test_ipv6.sh [BUILD_DIR]           (default <repo>/build; needs root)
#        VXGW_E2E_KERNEL=1 test_ipv6.sh     the Linux kernel as the gateway (bridges + vxlan +
#                                           IPv6 forwarding + radvd; VRF blue: a router
#                                           namespace, as in test_vrf.sh): the same checks
#                                           but the daemon's tables and configuration
#        VXGW_E2E_WORKERS=N test_ipv6.sh    vxgwd with `dataplane workers N`
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_start 300 "$0" "$@"
LAB_NAMES="$LAB_NAMES b1 b2 rblue ext2"

N_PING=20
UP0_MTU=1400
LAB_RX_AT[ext]="ext ext0 $UP0_MTU" # what reaches ext left through up0
EXT2_UP=2001:db8:f0::3
EXT2_MAC=02:00:00:0f:00:03
ECMP_PFX=2001:db8:99::/64
ECMP_DST=2001:db8:99::1
ECMP_PORT=9101

# --- the lab around the gateway ----------------------------------------------------------------
# ext2: a second router on the uplink's link, a macvlan of ext0 (so with its own MAC) in a
# namespace of its own; it and ext both own 2001:db8:99::1, the ECMP destination.
ext2_up() {
  lab_must ip -n "$P-ext" link add ext2 link ext0 type macvlan mode bridge || return 1
  lab_must ip -n "$P-ext" link set ext2 address $EXT2_MAC netns "$P-ext2" || return 1
  lab_must lab_ipv6_on ext2 --nodad ext2 || return 1
  lab_must ip -n "$P-ext2" link set ext2 up || return 1
  lab_must ip -n "$P-ext2" -6 addr add $EXT2_UP/64 dev ext2 nodad || return 1
  lab_must ip -n "$P-ext2" -6 route add 2001:db8::/32 via $LAB_GW6_UP dev ext2 || return 1
  lab_must ip -n "$P-ext2" -6 addr add $ECMP_DST/128 dev lo || return 1
  lab_must ip -n "$P-ext" -6 addr add $ECMP_DST/128 dev lo || return 1
}

# The kernel twin's VRF blue: a router namespace (there are no VRF devices, see test_vrf.sh)
# on BDs 110 and 120, with the default VRF's /64s, radvd, and no route off its two links.
kernel_blue_up() {
  local i bd args=()
  lab_must lab_ipv6_on rblue --nodad || return 1
  lab_must _lab_sysctl "$P-rblue" net.ipv6.conf.all.forwarding=1 net.ipv6.icmp.ratelimit=0 ||
    return 1
  for i in 1 2; do
    bd=$((LAB_BD[i] + 100))
    lab_must lab_kernel_tenant_bd "${LAB_BLUE_VNI[i]}" $bd "${LAB_VTEP[i]}" rblue || return 1
    # the BD's bridge in $P-gw only switches: no IPv6 of the default VRF on it
    lab_must _lab_sysctl "$P-gw" "net.ipv6.conf.br$bd.disable_ipv6=1" \
      "net.ipv6.conf.g$bd.disable_ipv6=1" "net.ipv6.conf.vxlan${LAB_BLUE_VNI[i]}.disable_ipv6=1" ||
      return 1
    lab_must lab_ipv6_on rblue --nodad "bdif$bd" || return 1
    lab_must ip -n "$P-rblue" -6 addr add "${LAB_PFX6[i]}1/64" dev "bdif$bd" nodad || return 1
    args+=("bdif$bd=${LAB_PFX6[i]}")
  done
  lab_must lab_radvd blue rblue "${args[@]}" || return 1
}

kernel_up() {
  lab_must kernel_gw_up --up0-mtu $UP0_MTU --wire --ipv6 || return 1
  # ECMP over ext and ext2, flows told apart by their ports
  lab_must ip -n "$P-gw" -6 route add $ECMP_PFX nexthop via $LAB_EXT6_UP dev up0 \
    nexthop via $EXT2_UP dev up0 || return 1
  lab_must _lab_sysctl "$P-gw" net.ipv6.fib_multipath_hash_policy=1 || return 1
  kernel_blue_up
}

# The lab's IPv4 configuration (lab_gw_config) with every IPv6 line the gateway takes (issue
# 14) added under the line it belongs to ("LINE|ADDED LINE" below), then VRF blue.
config_ipv6_lines() {
  local i
  echo "vxlan source $LAB_GW_UL|vrf blue"
  for i in 1 2; do
    echo "interface bdif ${LAB_BD[i]}| ipv6 address ${LAB_PFX6[i]}1/64"
    echo "interface bdif ${LAB_BD[i]}| ipv6 nd ra-interval $LAB_RA_INTERVAL"
    echo "interface bdif ${LAB_BD[i]}| ipv6 nd ra-lifetime $LAB_RA_LIFETIME"
  done
  cat <<EOF
interface bdif 30| ipv6 address ${LAB_PFX6[3]}1/64
interface bdif 30| ipv6 address fe80::1 link-local
interface bdif 30| ipv6 nd suppress-ra
interface bdif 30| ipv6 nd prefix ${LAB_PFX6[3]}/64 no-autoconfig
interface bdif 30| ipv6 nd managed-config-flag
interface bdif 30| ipv6 nd other-config-flag
interface ethernet up0| ipv6 address $LAB_GW6_UP/64
EOF
}
write_config() {
  local i
  lab_gw_config --up0-mtu $UP0_MTU | awk '
    NR == FNR { i = index($0, "|"); k = substr($0, 1, i - 1); add[k] = add[k] substr($0, i + 1) "\n"; next }
    { print; if ($0 in add) printf "%s", add[$0] }' <(config_ipv6_lines) - || return 1
  for i in 1 2; do
    printf 'bridge-domain %s\n vni %s\n flood-peer %s\n' $((LAB_BD[i] + 100)) \
      "${LAB_BLUE_VNI[i]}" "${LAB_VTEP[i]}"
  done
  for i in 1 2; do
    printf 'interface bdif %s\n vrf blue\n ipv6 address %s1/64\n ipv6 nd ra-lifetime %s\n mtu 1450\n' \
      $((LAB_BD[i] + 100)) "${LAB_PFX6[i]}" $LAB_RA_LIFETIME
  done
  cat <<EOF
ipv6 route ::/0 $LAB_EXT6_UP
ipv6 route $ECMP_PFX $LAB_EXT6_UP
ipv6 route $ECMP_PFX $EXT2_UP
ipv6 route 2001:db8:98::/64 $LAB_EXT6_UP up0
ipv6 route 2001:db8:dead::/48 null0
ipv6 route vrf blue 2001:db8:77::/48 null0
ipv6 neighbor ${LAB_PFX6[3]}99 02:00:00:00:30:99 bdif30
EOF
}

# the gateway's link-local address on bridge domain BD
gw_linklocal() {
  if [ "$KERNEL" = 1 ]; then
    local ns=gw dev=br$1
    [ "$1" -gt 100 ] && { ns=rblue; dev=bdif$1; }
    lab_exec $ns ip -6 -o addr show dev "$dev" scope link | awk '{ sub("/.*", "", $4); print $4 }'
  else
    lab_eui64 fe80:: "$(gw_if_mac "bdif$1")"
  fi
}

check "test tools are installed" eval 'lab_require_tools &&
  lab_require_cmds radvd rdisc6 tracepath traceroute' || lab_finish
check "lab comes up (with b1, b2, ext2; IPv6 on at ext and ext2)" \
  eval 'lab_up && lab_blue_up && lab_ext6_up && ext2_up' || lab_finish
if [ "$KERNEL" = 1 ]; then
  note "gateway: the Linux kernel (vxlan + bridge + IPv6 forwarding + radvd), VRF blue a" \
    "router namespace, up0 MTU $UP0_MTU, complete frames on ul0 and up0"
  check "kernel gateway comes up" kernel_up || lab_finish
else
  CONF=$LAB_TMP/vxgw.conf
  write_config >"$CONF"
  note "gateway: vxgwd, $(grep '^dataplane workers' "$CONF" || echo "dataplane workers: default (one per CPU)")"
  # a link of MTU 1400 at both ends, as kernel_gw_up --up0-mtu makes it
  check "uplink MTU $UP0_MTU at both ends" eval 'ip -n "$P-gw" link set up0 mtu $UP0_MTU &&
    ip -n "$P-ext" link set ext0 mtu $UP0_MTU'
  gw_ns_no_ipv6() { # the kernel of the gateway namespace must not route or answer IPv6: vxgwd does
    [ "$(lab_exec gw sysctl -n net.ipv6.conf.all.forwarding)" = 0 ] &&
      [ -z "$(lab_exec gw ip -6 -o addr show)" ]
  }
  check "gateway namespace: no kernel IPv6 address, no IPv6 forwarding" gw_ns_no_ipv6
  check "vxgwd -n accepts the configuration" "$VXGWD" -n -f "$CONF"
  check "vxgwd starts and answers the CLI" gw_start "$CONF" || lab_finish
fi

# --- 1. SLAAC from the gateway's router advertisements --------------------------------------
for n in h1 h2 b1 b2; do lab_host6_on $n; done
declare -A ADDR6=() ROUTER6=()
slaac_ok() { # HOST PREFIX MAC BD
  local got want_addr want_router
  wait_until 20 lab_slaac "$1" "$2" >/dev/null
  got=$(lab_slaac "$1" "$2") || {
    echo "$1 has no usable SLAAC address in $2/64 or no default route from an RA after 20 s:"
    lab_exec "$1" ip -6 addr show dev eth0
    lab_exec "$1" ip -6 route show
    return 1
  }
  read -r ADDR6[$1] ROUTER6[$1] <<<"$got"
  want_addr=$(lab_eui64 "$2" "$3")
  want_router=$(gw_linklocal "$4")
  lab_exec "$1" ip -6 addr show dev eth0 scope global
  lab_exec "$1" ip -6 route show default
  echo "$1: address ${ADDR6[$1]} (expected $want_addr), router ${ROUTER6[$1]} (expected $want_router)"
  [ "${ADDR6[$1]}" = "$want_addr" ] && [ "${ROUTER6[$1]}" = "$want_router" ]
}
check "h1 autoconfigures from the RA: ${LAB_PFX6[1]}/64 + EUI-64, default via the gateway's link-local" \
  slaac_ok h1 "${LAB_PFX6[1]}" "${LAB_HOST_MAC[1]}" 10
check "h2 autoconfigures from the RA: ${LAB_PFX6[2]}/64 + EUI-64, default via the gateway's link-local" \
  slaac_ok h2 "${LAB_PFX6[2]}" "${LAB_HOST_MAC[2]}" 20
check "b1 (VRF blue) autoconfigures the same /64 ${LAB_PFX6[1]}/64 from its own RA" \
  slaac_ok b1 "${LAB_PFX6[1]}" "${LAB_BLUE_MAC[1]}" 110
check "b2 (VRF blue) autoconfigures ${LAB_PFX6[2]}/64 from its own RA" \
  slaac_ok b2 "${LAB_PFX6[2]}" "${LAB_BLUE_MAC[2]}" 120
H1=${ADDR6[h1]:-${LAB_PFX6[1]}h1}
H2=${ADDR6[h2]:-${LAB_PFX6[2]}h2}
B1=${ADDR6[b1]:-${LAB_PFX6[1]}b1}
B2=${ADDR6[b2]:-${LAB_PFX6[2]}b2}
GWLL1=${ROUTER6[h1]:-fe80::gw}
GWLL2=${ROUTER6[h2]:-fe80::gw}

# rdisc6 solicits an RA and prints it: the prefix (on-link, autonomous), the MTU option and
# the router lifetime
ra_content() { # HOST PREFIX
  local out
  out=$(lab_exec "$1" timeout 10 rdisc6 -1 -r 3 -w 2000 eth0 2>&1)
  echo "$out"
  echo "$out" | grep -Eq "^ *Prefix +: $2/64\$" && echo "$out" | grep -Eq "^ *On-link +: +Yes\$" &&
    echo "$out" | grep -Eq "^ *Autonomous address conf\. *: +Yes\$" &&
    echo "$out" | grep -Eq "^ *MTU +: +$LAB_RA_MTU bytes" &&
    echo "$out" | grep -Eq "^ *Router lifetime +: +$LAB_RA_LIFETIME " &&
    echo "$out" | grep -Eq "^ *from fe80:"
}
check "h1 solicits an RA: prefix ${LAB_PFX6[1]}/64 on-link autonomous, MTU $LAB_RA_MTU, lifetime $LAB_RA_LIFETIME" \
  ra_content h1 "${LAB_PFX6[1]}"

# --- 2. ping -6: exactly N replies, no duplicate ------------------------------------------------
check "ICMPv6 h1 -> h2 $H2 across VNIs: $N_PING replies exactly" lab_ping_exact h1 "$H2" $N_PING
check "ICMPv6 h2 -> h1 $H1 across VNIs: $N_PING replies exactly" lab_ping_exact h2 "$H1" $N_PING
for pair in "h1 ${LAB_PFX6[1]}1" "h1 ${LAB_PFX6[2]}1" "h1 $LAB_GW6_UP" "h1 $GWLL1%eth0" \
  "h2 ${LAB_PFX6[2]}1" "h2 ${LAB_PFX6[1]}1" "h2 $LAB_GW6_UP" "h2 $GWLL2%eth0"; do
  read -r n a <<<"$pair"
  check "$n pings the gateway's $a: 10 replies exactly" lab_ping_exact "$n" "$a" 10
done
check "ext pings the gateway's uplink address $LAB_GW6_UP: 10 replies exactly" \
  lab_ping_exact ext $LAB_GW6_UP 10
check "ICMPv6 h1 -> ext $LAB_EXT6_HOST: $N_PING replies exactly" lab_ping_exact h1 $LAB_EXT6_HOST $N_PING
check "ICMPv6 h2 -> ext $LAB_EXT6_HOST: $N_PING replies exactly" lab_ping_exact h2 $LAB_EXT6_HOST $N_PING
check "ICMPv6 ext $LAB_EXT6_HOST -> h1: $N_PING replies exactly" \
  lab_ping_exact ext "$H1" $N_PING -I $LAB_EXT6_HOST
check "ICMPv6 ext $LAB_EXT6_HOST -> h2: $N_PING replies exactly" \
  lab_ping_exact ext "$H2" $N_PING -I $LAB_EXT6_HOST
check "dual stack: IPv4 h1 -> h2 still $N_PING replies exactly" lab_ping_exact h1 10.1.20.60 $N_PING

# --- 4. path MTU and hops (before the transfers to ext teach h1 the path MTU) -----------------
pmtu_test() {
  local out ptb
  lab_exec h1 ip -6 route flush cache
  cap_start ptb h1 eth0 "icmp6 and ip6[40] == 2" || return 1
  out=$(lab_exec h1 timeout 30 tracepath -6 -n -m 5 $LAB_EXT6_HOST 2>&1)
  cap_stop ptb
  echo "$out"
  ptb=$(lab_tshark ptb -Y "icmpv6.type == 2" -T fields -E occurrence=f -e ipv6.src -e icmpv6.mtu |
    sort -u)
  echo "packet too big received by h1 (source, mtu): ${ptb:-none}"
  echo "$out" | grep -Eq "^ *1: +${LAB_PFX6[1]}1 " &&
    echo "$out" | grep -Eq "Resume: pmtu $UP0_MTU " &&
    [ "$ptb" = "${LAB_PFX6[1]}1	$UP0_MTU" ]
}
check "tracepath -6 h1 -> ext: pmtu $UP0_MTU from the gateway's packet too big, hop 1 ${LAB_PFX6[1]}1" \
  pmtu_test
traceroute_test() {
  local out
  out=$(lab_exec h1 timeout 30 traceroute -6 -n -q 1 -w 2 -m 5 $LAB_EXT6_HOST 2>&1)
  echo "$out"
  echo "$out" | grep -Eq "^ 1  ${LAB_PFX6[1]}1  " && echo "$out" | grep -Eq "^ 2  $LAB_EXT6_HOST  "
}
check "traceroute -6 h1 -> ext: hop 1 the gateway ${LAB_PFX6[1]}1, hop 2 ext" traceroute_test

# --- 3. UDP and TCP, exact -------------------------------------------------------------------
check "UDP h1 -> h2: 200 datagrams exactly once, intact, valid checksums" lab_udp_exact h1 h2 "$H2"
check "UDP h2 -> h1: 200 datagrams exactly once, intact, valid checksums" lab_udp_exact h2 h1 "$H1"
check "UDP h1 -> ext (uplink): 200 datagrams exactly once, valid checksums" \
  lab_udp_exact h1 ext $LAB_EXT6_HOST
check "UDP ext -> h1 (from the uplink): 200 datagrams exactly once, valid checksums" \
  lab_udp_exact ext h1 "$H1"
check "TCP h1 <-> h2: 8 MiB each way, exactly, intact, valid checksums" lab_tcp_exact h1 h2 "$H2"
check "TCP h1 <-> ext (uplink, MTU $UP0_MTU): 8 MiB each way, exactly, valid checksums" \
  lab_tcp_exact h1 ext $LAB_EXT6_HOST
check "iperf3 UDP h1 <-> h2, 50 Mbit/s each way: none lost, none out of order" \
  lab_iperf_udp h1 h2 "$H2"
check "iperf3 UDP h1 <-> ext, 50 Mbit/s each way: none lost, none out of order" \
  lab_iperf_udp h1 ext $LAB_EXT6_HOST
check "iperf3 TCP h1 <-> h2 for 3 s: completes, data both ways, no checksum error" \
  lab_iperf_tcp h1 h2 "$H2" && sed 's/^/# iperf3 /' "$LAB_TMP/iperf-tcp.txt"
check "iperf3 TCP h1 <-> ext for 3 s: completes, data both ways, no checksum error" \
  lab_iperf_tcp h1 ext $LAB_EXT6_HOST && sed 's/^/# iperf3 /' "$LAB_TMP/iperf-tcp.txt"

# --- 5. VRF blue: the same /64s, isolated ---------------------------------------------------
check "ICMPv6 blue b1 -> b2 $B2: $N_PING replies exactly" lab_ping_exact b1 "$B2" $N_PING
check "ICMPv6 blue b2 -> b1 $B1: $N_PING replies exactly" lab_ping_exact b2 "$B1" $N_PING
check "blue b1 pings its gateway ${LAB_PFX6[1]}1: 10 replies exactly" lab_ping_exact b1 "${LAB_PFX6[1]}1" 10
check "UDP blue b1 -> b2: 200 datagrams exactly once, valid checksums" lab_udp_exact b1 b2 "$B2"
# FROM DST N: no reply to N pings, and not one echo request from FROM reaches any host
isolated() {
  local from=$1 dst=$2 n=$3 src=${ADDR6[$1]} h c rc=0
  for h in h1 h2 b1 b2; do
    [ $h = "$from" ] || cap_start "iso-$h" $h eth0 "icmp6 and src host $src" || return 1
  done
  lab_ping_expect "$from" "$dst" "$n" 0 || rc=1
  for h in h1 h2 b1 b2; do
    [ $h = "$from" ] && continue
    cap_stop "iso-$h"
    c=$(lab_tshark "iso-$h" -Y "icmpv6.type == 128" | wc -l)
    echo "echo requests from $src at $h: $c (expected 0)"
    [ "$c" = 0 ] || rc=1
  done
  return $rc
}
check "blue b1 -> h2's $H2 (default VRF): no reply, no request reaches any host" isolated b1 "$H2" 10
check "default h1 -> b2's $B2 (VRF blue): no reply, no request reaches any host" isolated h1 "$B2" 10
check "blue b1 -> ext $LAB_EXT6_HOST (no route in VRF blue): no reply" \
  lab_ping_expect b1 $LAB_EXT6_HOST 10 0
check "blue b1 -> the uplink address $LAB_GW6_UP (default VRF): no reply" \
  lab_ping_expect b1 $LAB_GW6_UP 10 0
check "h1 -> h2 still exact after the isolation checks" lab_ping_exact h1 "$H2" 10
if [ "$KERNEL" = 1 ]; then
  kneigh() { lab_exec "$1" ip -6 neigh show "$2" | tee /dev/stderr | lab_has_line "$2" lladdr "${3,,}"; }
  check "(kernel) rblue: $B2 is b2 (${LAB_BLUE_MAC[2]})" kneigh rblue "$B2" "${LAB_BLUE_MAC[2]}"
  check "(kernel) gw: $H2 is h2 (${LAB_HOST_MAC[2]})" kneigh gw "$H2" "${LAB_HOST_MAC[2]}"
else
  check "show ipv6 neighbors vrf blue: $B2 ${LAB_BLUE_MAC[2]} bdif120" \
    gw_has_line "show ipv6 neighbors vrf blue" "$B2" "${LAB_BLUE_MAC[2],,}" bdif120
  check "show ipv6 neighbors: $H2 ${LAB_HOST_MAC[2]} bdif20" \
    gw_has_line "show ipv6 neighbors" "$H2" "${LAB_HOST_MAC[2],,}" bdif20
  check "show ipv6 neighbors (default VRF): no blue host" \
    eval 'gw_cli "show ipv6 neighbors" | tee /dev/stderr | not grep -Eq "$B1|$B2"'
fi

# --- 6. ECMP over two next hops on the uplink ------------------------------------------------
ECMP_FLOWS=16
ECMP_ROUNDS=5
ecmp_test() {
  local out=$LAB_TMP/ecmp pids=() n rc=0
  for n in ext ext2; do
    lab_exec $n timeout 30 $LAB_PY "$LAB_ROOT/tests/e2e/udpflows.py" recv $ECMP_PORT \
      $((ECMP_FLOWS * ECMP_ROUNDS)) 20 :: >"$out.$n" 2>&1 &
    pids+=($!)
  done
  for n in ext ext2; do
    wait_until 5 eval "lab_exec $n ss -Hluan 'sport = :$ECMP_PORT' | grep -q ." ||
      { echo "no receiver in $n"; kill "${pids[@]}"; return 1; }
  done
  lab_exec h1 timeout 20 $LAB_PY "$LAB_ROOT/tests/e2e/udpflows.py" send $ECMP_DST $ECMP_PORT \
    $ECMP_FLOWS $ECMP_ROUNDS 0.05 || rc=1
  for n in 0 1; do wait "${pids[n]}" || rc=1; done
  echo "at ext: $(cat "$out.ext"); at ext2: $(cat "$out.ext2")"
  $LAB_PY - "$out.ext" "$out.ext2" $ECMP_FLOWS $ECMP_ROUNDS <<'EOF' || rc=1
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
flows, rounds = int(sys.argv[3]), int(sys.argv[4])
print("datagrams %d + %d (expected %d in all), flows %d + %d (expected %d, each on one path)" %
      (a["received"], b["received"], flows * rounds, a["sources"], b["sources"], flows))
sys.exit(not (a["received"] + b["received"] == flows * rounds and a["received"] and b["received"]
              and a["sources"] + b["sources"] == flows))
EOF
  return $rc
}
check "h1 reaches both uplink routers ($LAB_EXT6_UP, $EXT2_UP) exactly" \
  eval 'lab_ping_exact h1 $LAB_EXT6_UP 5 && lab_ping_exact h1 $EXT2_UP 5'
check "ECMP: $ECMP_FLOWS UDP flows to $ECMP_DST spread over ext and ext2, each on one path, all delivered" \
  ecmp_test
if [ "$KERNEL" = 1 ]; then
  check "(kernel) $ECMP_PFX has two next hops" eval 'ip -n "$P-gw" -6 route show $ECMP_PFX |
    tee /dev/stderr | grep -c "nexthop via" | grep -qx 2'
else
  check "show ipv6 route json: $ECMP_PFX active via $LAB_EXT6_UP and $EXT2_UP on up0" \
    gw_json "show ipv6 route json" "any(r['prefix'] == '$ECMP_PFX' and r['active'] and
      sorted((p['next_hop'], p['interface']) for p in r['paths']) ==
      [('$LAB_EXT6_UP', 'up0'), ('$EXT2_UP', 'up0')] for r in d['routes'])"
  check "show ipv6 route vrf blue: ${LAB_PFX6[1]}/64 on bdif110" \
    gw_has_line "show ipv6 route vrf blue" "${LAB_PFX6[1]}/64" bdif110
  check "show ipv6 interface brief: bdif10 with ${LAB_PFX6[1]}1 and its link-local $GWLL1" \
    gw_has_line "show ipv6 interface brief" bdif10 "${LAB_PFX6[1]}1" "$GWLL1"
  check "show ipv6 interface json: RA settings of bdif10 and bdif30, bdif30's link-local" \
    gw_json "show ipv6 interface json" "(lambda i: i['bdif10']['ra']['sending'] and
      i['bdif10']['ra']['interval'] == $LAB_RA_INTERVAL and i['bdif10']['ra']['lifetime'] == $LAB_RA_LIFETIME and
      i['bdif10']['link_local'] == '$GWLL1' and i['bdif30']['ra']['mode'] == 'suppress' and
      i['bdif30']['ra']['managed'] and i['bdif30']['ra']['other'] and
      i['bdif30']['link_local'] == 'fe80::1' and i['bdif30']['link_local_configured'] and
      any(p['prefix'] == '${LAB_PFX6[3]}/64' and not p['autoconfig'] for p in i['bdif30']['ra']['prefixes']))(
      {x['name']: x for x in d['interfaces']})"
  check "show ipv6 neighbors json: one JSON object" gw_json "show ipv6 neighbors json"
fi

# --- 7. ND follows a host's MAC change ---------------------------------------------------------
# h1 takes a new MAC on the fly and announces it as Linux does when asked to (ndisc_notify:
# an unsolicited NA with the override flag for each of its addresses); the gateway's entry
# for h1 must follow, and traffic to h1 recover without waiting for NUD to fail.
NEW_MAC=02:00:00:01:10:51
neigh_mac() { # the gateway's MAC for h1's address
  if [ "$KERNEL" = 1 ]; then
    lab_exec gw ip -6 neigh show "$H1" dev br10 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'
  else
    gw_cli "show ipv6 neighbors" | awk -v a="$H1" '$1 == a { print tolower($2) }'
  fi
}
mac_change() {
  local got
  lab_ping_exact h2 "$H1" 5 || return 1
  echo "before: the gateway has $H1 at $(neigh_mac)"
  lab_exec h1 sysctl -qw net.ipv6.conf.eth0.ndisc_notify=1 || return 1
  lab_exec h1 ip link set eth0 address $NEW_MAC || return 1
  wait_until 10 eval "[ \"\$(neigh_mac)\" = $NEW_MAC ]"
  got=$(neigh_mac)
  echo "after: the gateway has $H1 at ${got:-nothing} (expected $NEW_MAC)"
  [ "$got" = $NEW_MAC ]
}
check "h1's MAC changes to $NEW_MAC: the gateway's neighbour entry for $H1 follows" mac_change
check "after the MAC change: h2 -> h1 $N_PING replies exactly" lab_ping_exact h2 "$H1" $N_PING
check "after the MAC change: h1 -> ext $N_PING replies exactly" lab_ping_exact h1 $LAB_EXT6_HOST $N_PING

# --- 8. the configuration's IPv6 lines survive the running-config --------------------------
roundtrip() {
  local rc1=$LAB_TMP/rc1 rc2=$LAB_TMP/rc2 line missing=0
  gw_cli "show running-config" >"$rc1" || return 1
  cat "$rc1"
  while read -r line; do
    awk -v l="$line" '{ $1 = $1 } $0 == l { f = 1 } END { exit !f }' "$rc1" ||
      { echo "not in the running-config: $line"; missing=1; }
  done < <(grep -E '^ ?ipv6 ' "$CONF")
  [ $missing = 0 ] || return 1
  "$VXGWD" -n -f "$rc1" || { echo "vxgwd -n refuses its own running-config"; return 1; }
  cp "$rc1" "$CONF" && gw_reload || return 1
  gw_cli "show running-config" >"$rc2" || return 1
  diff -u "$rc1" "$rc2" || { echo "the running-config changed when reloaded"; return 1; }
}
if daemon_only "running-config: every IPv6 line, reloaded to the same text"; then
  check "running-config: every IPv6 line, reloaded to the same text" roundtrip
  check "after the reload: h1 -> h2 $N_PING replies exactly" lab_ping_exact h1 "$H2" $N_PING
  check "vxgwd is still running" gw_running
fi

lab_finish
