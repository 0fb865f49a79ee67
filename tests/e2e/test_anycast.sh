#!/usr/bin/env bash
# Distributed anycast gateway, end to end: two vxgwd instances with the same tenant
# configuration (only `vxlan source`, the hostname and the other gateway in the flood lists
# differ) serve the same hosts behind kernel VTEPs whose flood lists (or flood group) hold
# both gateways. The gateways hear each other on every bridge domain (each is in the other's
# flood list, or they share the flood group), so only gw1, the lowest VTEP address, announces
# the anycast MAC: with both up, the VTEPs' entry for it stays at gw1 (no flip, no reordered
# flow). Then each gateway in turn is killed (SIGKILL: a crash, no goodbye) while it is the
# announcer, just after the other one heard it announce (the worst moment: the other one
# takes over 2.5 periods later), and restarted: it stays quiet while the survivor announces
# (not preemptive), so the VTEPs' entry stays put. The hosts must keep reaching each other
# through the survivor within FAILOVER_MAX_MS, with the
# same gateway MAC in their ARP caches and without sending a single ARP request (the path is
# restored by the VTEPs relearning the anycast MAC from the survivor's periodic gratuitous
# ARP, not by the hosts).
#
#   $P-h1 10.1.10.50/24 ── $P-vtep1 br0 ─ vxlan5000 (192.0.2.11, learning) ──┐
#   $P-h2 10.1.20.60/24 ── $P-vtep2 br0 ─ vxlan6000 (192.0.2.12, learning) ──┤ $P-ul br0
#          flood list of VTEP1 and VTEP2: 192.0.2.1 and 192.0.2.2            │ 192.0.2.0/24
#          flood list of gw1 (gw2) for BD 10, 20: the VTEP and gw2 (gw1)       │
#   $P-h3 10.1.30.70/24 ── $P-vtep3 br0 ─ vxlan7000 (192.0.2.13, group 239.1.1.70) ─┤
#   $P-gw1 vxgwd, vxlan source 192.0.2.1 ─────────────────────────────────────┤
#   $P-gw2 vxgwd, vxlan source 192.0.2.2 ─────────────────────────────────────┘
#   both: bdif10 10.1.10.1/24, bdif20 10.1.20.1/24, bdif30 10.1.30.1/24 (BD 30: flood-group,
#   where the gateways also hear each other), fabric anycast-gateway-mac 02:00:5e:00:aa:01;
#   dual stack: 2001:db8:10::1/64, 2001:db8:20::1/64, 2001:db8:30::1/64 on the same BDIFs
#
# IPv6: the hosts configure nothing; they take their address (prefix + EUI-64) and default
# route (via the link-local both gateways derive from the shared MAC) from the gateways'
# RAs, which must all be the same (one router). Each failover is measured in IPv6 at the
# same kill (h1 pings h2 over both families at once), with the same bounds and checks, and
# no neighbour solicitation from the hosts either.
#
# The hosts' base_reachable_time (ARP and ND) is raised (600 s) so that their entries stay
# REACHABLE during the test: any ARP request or NS a host sends would then be a real re-ARP,
# and there must be none. The VTEPs keep the kernel's default fdb ageing (300 s): without the gratuitous
# ARP, a VTEP would send the anycast MAC to the dead gateway until then.
#
# With both gateways up, forwarding is checked for exact delivery (lab.sh): ICMP with exactly
# N replies and no duplicate, numbered UDP datagrams each received once, exact TCP bytes both
# ways, iperf3; no reply is duplicated during a failover either.
#
# usage: test_anycast.sh [BUILD_DIR]   (needs root; exit 0 passed, 1 failed, 77 skipped)
#        VXGW_E2E_WORKERS=N test_anycast.sh   both vxgwd with `dataplane workers N`
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_run_under_timeout 300 "$0" "$@"

[ -n "${1:-}" ] && VXGW_BUILD=$1
lab_init "vxt$$"
lab_require_root
lab_require_daemon
LAB_NAMES="ul gw1 gw2 vtep1 vtep2 vtep3 h1 h2 h3" # what lab_down removes
lab_trap

# the survivor announces 2.5 s (2.5 periods of 1 s) after it last heard the announcer, at
# its next 100 ms tick; then the next ping (every 100 ms) gets through: at most 2.7 s (the
# bound leaves room for a loaded machine: one ping lost on the way was seen)
FAILOVER_MAX_MS=${FAILOVER_MAX_MS:-4000}
# for measurements: the VTEPs' fdb ageing (seconds; default: the kernel's, 300) and how
# long h1 pings across each failover
VTEP_AGEING=${VTEP_AGEING:-}
PING_SECONDS=${PING_SECONDS:-10}
AMAC=02:00:5e:00:aa:01
GWUL=(x 192.0.2.1 192.0.2.2)
declare -a GPID=(x '' '')

# (each step `lab_must CMD || return 1`: check's `if` makes bash ignore set -e)
anycast_lab_up() {
  local n i vt h vx
  lab_must _lab_ns_add $LAB_NAMES || return 1
  lab_must ip -n "$P-ul" link add br0 type bridge stp_state 0 mcast_snooping 0 || return 1
  lab_must ip -n "$P-ul" link set br0 up || return 1
  for n in gw1 gw2 vtep1 vtep2 vtep3; do
    lab_must ip -n "$P-ul" link add "p-$n" type veth peer name ul0 netns "$P-$n" || return 1
    lab_must ip -n "$P-ul" link set "p-$n" master br0 up || return 1
    lab_must _lab_offload "$P-ul" "p-$n" || return 1
    lab_must _lab_offload "$P-$n" ul0 || return 1
    lab_must ip -n "$P-$n" link set ul0 up || return 1
  done
  for i in 1 2; do
    lab_must ip -n "$P-gw$i" addr add "${GWUL[i]}/24" dev ul0 || return 1
    # the flood group's socket
    lab_must ip -n "$P-gw$i" route add 224.0.0.0/4 dev ul0 || return 1
  done
  for i in 1 2 3; do
    vt=$P-vtep$i
    h=$P-h$i
    vx=vxlan${LAB_VNI[i]}
    lab_must ip -n "$vt" addr add "${LAB_VTEP[i]}/24" dev ul0 || return 1
    # shellcheck disable=SC2046
    lab_must ip -n "$vt" link add "$vx" type vxlan id "${LAB_VNI[i]}" dstport 4789 \
      local "${LAB_VTEP[i]}" ${VTEP_AGEING:+ageing "$VTEP_AGEING"} \
      $([ "$i" = 3 ] && echo group "$LAB_GROUP" dev ul0) || return 1
    lab_must ip -n "$vt" link set "$vx" mtu 1450 || return 1
    lab_must ip -n "$vt" link add br0 type bridge stp_state 0 mcast_snooping 0 || return 1
    lab_must ip -n "$vt" link set "$vx" master br0 up || return 1
    lab_must ip -n "$vt" link add "h$i" type veth peer name eth0 netns "$h" || return 1
    lab_must ip -n "$vt" link set "h$i" mtu 1450 master br0 up || return 1
    lab_must ip -n "$vt" link set br0 up || return 1
    if [ "$i" != 3 ]; then
      lab_must bridge -n "$vt" fdb append 00:00:00:00:00:00 dev "$vx" dst "${GWUL[1]}" || return 1
      lab_must bridge -n "$vt" fdb append 00:00:00:00:00:00 dev "$vx" dst "${GWUL[2]}" || return 1
    fi
    lab_must _lab_offload "$vt" "h$i" || return 1
    lab_must ip -n "$h" link set eth0 address "${LAB_HOST_MAC[i]}" mtu 1450 up || return 1
    lab_must _lab_offload "$h" eth0 || return 1
    lab_must ip -n "$h" addr add "${LAB_HOST[i]}/24" dev eth0 || return 1
    lab_must ip -n "$h" route add default via "10.1.${LAB_BD[i]}.1" || return 1
    lab_must _lab_sysctl "$h" net.ipv4.neigh.eth0.base_reachable_time_ms=600000 || return 1
  done
}

# iperf_udp_watched: lab_iperf_udp h1 <-> h2, and every change of VTEP1's and VTEP2's fdb
# entry for the anycast MAC meanwhile (bridge monitor): none in a steady fabric, so that a
# reordering is not a gateway flip
iperf_udp_watched() {
  local rc=0 i pids=()
  for i in 1 2; do
    ip netns exec "$P-vtep$i" timeout 30 bridge monitor fdb >"$LAB_TMP/fdbmon$i" 2>&1 &
    pids+=($!)
  done
  sleep 0.2
  lab_iperf_udp h1 h2 "${LAB_HOST[2]}" || rc=1
  kill "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  for i in 1 2; do
    echo "VTEP$i: anycast MAC moves during the test: $(grep -ci "$AMAC" "$LAB_TMP/fdbmon$i")"
    grep -i "$AMAC" "$LAB_TMP/fdbmon$i"
  done
  return $rc
}

# gw_conf N: the configuration of gateway N; only the first two lines and the other gateway
# as a flood peer differ (the gateways of a fabric must hear each other on every bridge
# domain: then only one of them announces the anycast MAC)
gw_conf() {
  cat <<EOF
hostname anycast-gw$1
vxlan source ${GWUL[$1]}
fabric anycast-gateway-mac $AMAC
!
bridge-domain 10
 vni 5000
 flood-peer ${LAB_VTEP[1]}
 flood-peer ${GWUL[3 - $1]}
!
bridge-domain 20
 vni 6000
 flood-peer ${LAB_VTEP[2]}
 flood-peer ${GWUL[3 - $1]}
!
bridge-domain 30
 vni 7000
 flood-group $LAB_GROUP
!
interface bdif 10
 ip address 10.1.10.1/24
 ipv6 address ${LAB_PFX6[1]}1/64
 mtu 1450
 fabric forwarding mode anycast-gateway
!
interface bdif 20
 ip address 10.1.20.1/24
 ipv6 address ${LAB_PFX6[2]}1/64
 mtu 1450
 fabric forwarding mode anycast-gateway
!
interface bdif 30
 ip address 10.1.30.1/24
 ipv6 address ${LAB_PFX6[3]}1/64
 mtu 1450
 fabric forwarding mode anycast-gateway
!
EOF
  lab_workers_line
}

gwc() { # N CMD...: vxgw-cli against gateway N
  local n=$1 a=() c
  shift
  for c in "$@"; do a+=(-c "$c"); done
  ip netns exec "$P-gw$n" timeout 10 "$VXGW_CLI" -s "$LAB_TMP/gw$n.sock" "${a[@]}"
}

gw_up() { # N: start gateway N, wait (max 10 s) until its CLI answers
  local n=$1 i
  gw_conf "$n" >"$LAB_TMP/gw$n.conf"
  lab_gw_wire "gw$n" || return 1 # as gw_start: ul0 cuts vxgwd's super-datagrams
  ip netns exec "$P-gw$n" "$VXGWD" -f "$LAB_TMP/gw$n.conf" -s "$LAB_TMP/gw$n.sock" -F \
    </dev/null >>"$LAB_TMP/gw$n.log" 2>&1 &
  GPID[n]=$!
  for i in $(seq 100); do
    kill -0 "${GPID[n]}" 2>/dev/null || { cat "$LAB_TMP/gw$n.log"; return 1; }
    gwc "$n" "show version" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "gateway $n does not answer"
  return 1
}

gw_kill() { # N: SIGKILL, a crash
  local n=$1
  kill -KILL "${GPID[n]}" 2>/dev/null
  wait "${GPID[n]}" 2>/dev/null
  GPID[n]=
}

# The gateway (1 or 2) that VTEP i sends the anycast MAC to now (empty if none).
vtep_gw_of_amac() {
  local dst
  dst=$(bridge -n "$P-vtep$1" fdb show dev "vxlan${LAB_VNI[$1]}" |
    awk -v m="$AMAC" '$1 == m { for (i = 2; i < NF; i++) if ($i == "dst") print $(i + 1) }')
  case $dst in
    "${GWUL[1]}") echo 1 ;;
    "${GWUL[2]}") echo 2 ;;
  esac
}

gw_drop_count() { # N NAME: drop counter NAME of gateway N
  gwc "$1" "show errors json" | timeout 10 python3 -c '
import json, sys
print(json.load(sys.stdin)["drops"][sys.argv[1]])' "$2"
}

gw_drops_nonzero() { # N: gateway N's drop counters that are not 0 (for the log)
  gwc "$1" "show errors json" | timeout 10 python3 -c '
import json, sys
d = json.load(sys.stdin)["drops"]
print("# gw%s drops: %s" % (sys.argv[1], {k: v for k, v in d.items() if v}))' "$1"
}

# The MAC host i has for its gateway, and the entry's state.
host_gw_neigh() {
  ip -n "$P-h$1" neigh show "10.1.${LAB_BD[$1]}.1" dev eth0
}

host_gw_mac_is_anycast() {
  local out
  out=$(host_gw_neigh "$1")
  echo "h$1: $out"
  echo "$out" | grep -q "lladdr $AMAC " && ! echo "$out" | grep -qE "FAILED|INCOMPLETE"
}

interfaces_show_anycast() {
  gwc "$1" "show interfaces" | tee /dev/stderr | grep -q "^  Forwarding mode anycast-gateway" &&
    gwc "$1" "show interfaces" | grep -q "MAC address $AMAC (anycast gateway)"
}

interfaces_json_anycast() {
  gwc "$1" "show interfaces json" | timeout 10 python3 -c '
import json, sys
d = json.load(sys.stdin)
b = [i for i in d["interfaces"] if i["kind"] == "bdif"]
print(b)
sys.exit(not (len(b) == 3 and all(i["anycast_gateway"] and i["mac"] == sys.argv[1] for i in b)))' "$AMAC"
}

running_config_has_anycast() {
  local rc
  rc=$(gwc "$1" "show running-config")
  echo "$rc"
  echo "$rc" | grep -qx "fabric anycast-gateway-mac $AMAC" &&
    [ "$(echo "$rc" | grep -cx " fabric forwarding mode anycast-gateway")" = 3 ]
}

# longest_gap LOG T_KILL: the longest time (ms) between two replies in ping -D's LOG; "x"
# when too few replies came, before or after the kill at T_KILL
longest_gap() {
  awk -v tk="$2" '
    / bytes from / { t = substr($1, 2, length($1) - 2) + 0
                     if (prev && (t - prev) * 1000 > gap) gap = (t - prev) * 1000
                     prev = t; n++; if (t > tk) after++ }
    END { if (n < 20 || after < 10) { print "x"; exit } printf "%d\n", gap }' "$1"
}

# ping_log LOG: what a failover's ping saw
ping_log() {
  grep -c " bytes from " "$1" | sed 's/^/replies: /'
  tail -n 3 "$1"
}

# vteps_at N: the three VTEPs send the anycast MAC to gateway N
vteps_at() {
  [ "$(vtep_gw_of_amac 1)" = "$1" ] && [ "$(vtep_gw_of_amac 2)" = "$1" ] &&
    [ "$(vtep_gw_of_amac 3)" = "$1" ]
}

# amac_steady N SECONDS: within 3 s, the three VTEPs have the anycast MAC at gateway N (the
# announcer) and keep it there for SECONDS, sampled every 100 ms
amac_steady() {
  local end n=0
  wait_until 3 vteps_at "$1" || { echo "not at gw$1 within 3 s"; return 1; }
  end=$(($(date +%s%N) + $2 * 1000000000))
  while [ "$(date +%s%N)" -lt "$end" ]; do
    vteps_at "$1" || {
      echo "moved after $n samples: VTEP1 gw$(vtep_gw_of_amac 1), VTEP2 gw$(vtep_gw_of_amac 2), VTEP3 gw$(vtep_gw_of_amac 3)"
      return 1
    }
    n=$((n + 1))
    sleep 0.1
  done
  echo "$n samples, all at gw$1"
}

# announcement_seen FROM TO: waits (max 3 s) until gateway TO receives a gratuitous ARP of
# gateway FROM (VXLAN from its address; inner ARP, udp[16] on, sender address = target)
announcement_seen() {
  timeout 3 ip netns exec "$P-gw$2" tcpdump --immediate-mode -c 1 -n -i ul0 -Q in \
    "udp dst port 4789 and src host ${GWUL[$1]} and udp[28:2] = 0x0806 and udp[44:4] = udp[54:4]" \
    >/dev/null 2>&1
}

# failover VICTIM ROUND: h1 pings h2 every 100 ms for PING_SECONDS, over IPv4 and IPv6 at
# once; gateway VICTIM is killed after 2 s. FAILOVER_MS, FAILOVER6_MS = the longest time
# without a reply, measured from the reply timestamps.
failover() {
  local victim=$1 round=$2 log=$LAB_TMP/ping-$2.log log6=$LAB_TMP/ping6-$2.log
  cap_start "arp-h1-$round" vtep1 h1 "ether src ${LAB_HOST_MAC[1]} and ($HOST_ASKS)" || return 1
  cap_start "arp-h2-$round" vtep2 h2 "ether src ${LAB_HOST_MAC[2]} and ($HOST_ASKS)" || return 1
  lab_exec h1 timeout $((PING_SECONDS + 10)) ping -n -D -i 0.1 -w "$PING_SECONDS" -W 1 \
    "${LAB_HOST[2]}" >"$log" 2>&1 &
  local ping_pid=$!
  lab_exec h1 timeout $((PING_SECONDS + 10)) ping -6 -n -D -i 0.1 -w "$PING_SECONDS" -W 1 \
    "${HOST6[2]}" >"$log6" 2>&1 &
  local ping6_pid=$!
  sleep 2
  # the announcer's worst moment: just after the survivor heard it (the survivor takes over
  # 2.5 periods after the last frame it heard from it); a quiet victim carries no traffic
  local was_at
  was_at=$(vtep_gw_of_amac 1)
  if [ "$was_at" = "$victim" ]; then
    announcement_seen "$victim" $((3 - victim)) ||
      echo "gw$((3 - victim)) got no announcement from gw$victim within 3 s; killing it anyway"
  fi
  local t_kill
  t_kill=$(date +%s.%N)
  gw_kill "$victim"
  wait "$ping_pid"
  wait "$ping6_pid"
  cap_stop "arp-h1-$round"
  cap_stop "arp-h2-$round"
  FAILOVER_MS=$(longest_gap "$log" "$t_kill")
  FAILOVER6_MS=$(longest_gap "$log6" "$t_kill")
  echo "kill at $t_kill (VTEP1 -> gw$was_at before); longest gap between replies: IPv4 $FAILOVER_MS ms, IPv6 $FAILOVER6_MS ms"
  ping_log "$log"
  ping_log "$log6"
  [ "$FAILOVER_MS" != x ] && [ "$FAILOVER6_MS" != x ]
}

# what a host sends when it asks for a neighbour: an ARP request, an IPv6 neighbour
# solicitation (DAD aside: the hosts' addresses are configured before)
HOST_ASKS="(arp and arp[6:2] = 1) or (icmp6 and ip6[40] = 135)"

no_host_arp() { # ROUND: neither host sent an ARP request or NS during the failover
  local n1 n2
  n1=$(lab_tshark "arp-h1-$1" | wc -l)
  n2=$(lab_tshark "arp-h2-$1" | wc -l)
  echo "ARP requests and neighbour solicitations sent by h1: $n1, by h2: $n2"
  lab_tshark "arp-h1-$1"
  lab_tshark "arp-h2-$1"
  [ "$n1" = 0 ] && [ "$n2" = 0 ]
}

# --- IPv6: the same addresses on both gateways, the hosts autoconfigure from their RAs
GW_LL=$(lab_eui64 fe80:: $AMAC) # the link-local both gateways derive from the shared MAC
declare -a HOST6=(x '' '' '')

hosts6_on() {
  local i
  # every RA h1 gets, from either gateway
  lab_must cap_start ra-h1 vtep1 h1 "icmp6 and ip6[40] = 134" || return 1
  for i in 1 2 3; do
    HOST6[i]=$(lab_eui64 "${LAB_PFX6[i]}" "${LAB_HOST_MAC[i]}")
    lab_must lab_host6_on "h$i" || return 1
    # as for ARP: any NS for the gateway during a failover would be a real one
    lab_must _lab_sysctl "$P-h$i" net.ipv6.neigh.eth0.base_reachable_time_ms=600000 || return 1
  done
}

slaac6_ok() { # I: host i has its EUI-64 address in its tenant's /64, default via GW_LL
  local got
  wait_until 20 lab_slaac "h$1" "${LAB_PFX6[$1]}" >/dev/null
  got=$(lab_slaac "h$1" "${LAB_PFX6[$1]}")
  lab_exec "h$1" ip -6 addr show dev eth0
  lab_exec "h$1" ip -6 route show
  echo "h$1: '$got' (expected '${HOST6[$1]} $GW_LL')"
  [ "$got" = "${HOST6[$1]} $GW_LL" ]
}

# The RAs h1 received (the announcer's periodic ones, both gateways' answers to its RS): at
# least two, and all the same (one router for the host): the
# shared link-local and MAC, the prefix, MTU, lifetime.
ras_identical() {
  local fields n u
  cap_stop ra-h1
  fields=$(lab_tshark ra-h1 -T fields -e eth.src -e ipv6.src -e icmpv6.nd.ra.cur_hop_limit \
    -e icmpv6.nd.ra.flag -e icmpv6.nd.ra.router_lifetime -e icmpv6.nd.ra.reachable_time \
    -e icmpv6.nd.ra.retrans_timer -e icmpv6.opt.linkaddr -e icmpv6.opt.mtu \
    -e icmpv6.opt.prefix -e icmpv6.opt.prefix.length -e icmpv6.opt.prefix.flag \
    -e icmpv6.opt.prefix.valid_lifetime -e icmpv6.opt.prefix.preferred_lifetime)
  n=$(echo "$fields" | grep -c .)
  u=$(echo "$fields" | sort -u)
  echo "$n RAs, distinct:"
  echo "$u"
  [ "$n" -ge 2 ] && [ "$(echo "$u" | wc -l)" = 1 ] &&
    echo "$u" | lab_has_line "$AMAC" "$GW_LL" 1800 1450 "${LAB_PFX6[1]}" 64
}

# host_gw6_neigh I: host i's neighbour entry for the gateway's link-local: the shared MAC,
# a router, resolved
host_gw6_mac_is_anycast() {
  local out
  out=$(ip -n "$P-h$1" -6 neigh show "$GW_LL" dev eth0)
  echo "h$1: $out"
  echo "$out" | grep -q "lladdr $AMAC router" && ! echo "$out" | grep -qE "FAILED|INCOMPLETE"
}

check "test tools are installed" lab_require_tools || lab_finish
check "lab comes up (two gateways, three learning VTEPs flooding to both)" anycast_lab_up ||
  lab_finish
check "gateway 1 starts" gw_up 1 || lab_finish
check "gateway 2 starts (same tenant configuration)" gw_up 2 || lab_finish
check "IPv6 on at the hosts (RAs accepted, SLAAC)" hosts6_on || lab_finish
for n in 1 2 3; do
  check "h$n autoconfigures from the gateways' RAs: ${LAB_PFX6[n]}/64 + EUI-64, default via the shared link-local $GW_LL" \
    slaac6_ok $n
done

for n in 1 2; do
  check "gw$n: show interfaces: bdifs in anycast-gateway mode with MAC $AMAC" \
    interfaces_show_anycast $n
  check "gw$n: show interfaces json: anycast_gateway true, mac $AMAC" interfaces_json_anycast $n
  check "gw$n: running-config has the anycast lines" running_config_has_anycast $n
done

# refused_on N WORD CMD...: the commands fail on gateway N with an error naming WORD, and
# the running-config does not change
refused_on() {
  local n=$1 word=$2 before after rc
  shift 2
  before=$(gwc "$n" "show running-config")
  gwc "$n" "$@" 2>"$LAB_TMP/refused.err"
  rc=$?
  after=$(gwc "$n" "show running-config")
  cat "$LAB_TMP/refused.err"
  [ "$rc" != 0 ] && grep -E '^% ' "$LAB_TMP/refused.err" | grep -qF -- "$word" &&
    [ "$before" = "$after" ]
}
check "gw1: 'no fabric anycast-gateway-mac' refused while bdifs use it (names bdif10)" \
  refused_on 1 bdif10 "configure terminal" "no fabric anycast-gateway-mac"
check "gw1: a multicast anycast MAC refused (names it)" \
  refused_on 1 01:00:5e:00:00:01 "configure terminal" "fabric anycast-gateway-mac 01:00:5e:00:00:01"

N_PING=20
check "h1 pings its gateway 10.1.10.1 exactly" lab_ping_exact h1 10.1.10.1 10
check "h2 pings its gateway 10.1.20.1 exactly" lab_ping_exact h2 10.1.20.1 10
check "ICMP h1 -> h2 across VNIs: $N_PING replies exactly" lab_ping_exact h1 "${LAB_HOST[2]}" $N_PING
check "ICMP h2 -> h1 across VNIs: $N_PING replies exactly" lab_ping_exact h2 "${LAB_HOST[1]}" $N_PING
check "h3 (flood-group BD) pings its gateway 10.1.30.1 exactly" lab_ping_exact h3 10.1.30.1 10
check "ICMP h3 -> h1 (flood-group BD to head-end BD): $N_PING replies exactly" \
  lab_ping_exact h3 "${LAB_HOST[1]}" $N_PING
check "ICMP h1 -> h3 (head-end BD to flood-group BD): $N_PING replies exactly" \
  lab_ping_exact h1 "${LAB_HOST[3]}" $N_PING
check "UDP h1 -> h2: 200 datagrams exactly once, valid checksums" \
  lab_udp_exact h1 h2 "${LAB_HOST[2]}"
check "UDP h2 -> h1: 200 datagrams exactly once, valid checksums" \
  lab_udp_exact h2 h1 "${LAB_HOST[1]}"
check "UDP h3 -> h1 (flood-group BD): 200 datagrams exactly once, valid checksums" \
  lab_udp_exact h3 h1 "${LAB_HOST[1]}"
check "UDP h1 -> h3 (to the flood-group BD): 200 datagrams exactly once, valid checksums" \
  lab_udp_exact h1 h3 "${LAB_HOST[3]}"
check "TCP h1 <-> h2: 8 MiB each way, exactly, valid checksums" lab_tcp_exact h1 h2 "${LAB_HOST[2]}"
check "TCP h3 <-> h1 (flood-group BD): 8 MiB each way, exactly, valid checksums" \
  lab_tcp_exact h3 h1 "${LAB_HOST[1]}"
# gw1 started first: it is the announcer (it would be as the lowest address anyway)
check "steady fabric: the VTEPs keep the anycast MAC at gw1, the announcer, for 5 s (no flip)" \
  amac_steady 1 5
check "iperf3 UDP h1 <-> h2, 50 Mbit/s each way: none lost, none out of order" \
  iperf_udp_watched
check "iperf3 TCP h1 <-> h2 for 3 s: completes, data both ways" lab_iperf_tcp h1 h2 "${LAB_HOST[2]}"
check "h1 pings its gateway's link-local $GW_LL exactly" lab_ping_exact h1 "$GW_LL%eth0" 10
check "h2 pings its gateway ${LAB_PFX6[2]}1 exactly" lab_ping_exact h2 "${LAB_PFX6[2]}1" 10
check "ICMPv6 h1 -> h2 across VNIs: $N_PING replies exactly" lab_ping_exact h1 "${HOST6[2]}" $N_PING
check "ICMPv6 h2 -> h1 across VNIs: $N_PING replies exactly" lab_ping_exact h2 "${HOST6[1]}" $N_PING
check "ICMPv6 h3 -> h1 (flood-group BD to head-end BD): $N_PING replies exactly" \
  lab_ping_exact h3 "${HOST6[1]}" $N_PING
check "ICMPv6 h1 -> h3 (head-end BD to flood-group BD): $N_PING replies exactly" \
  lab_ping_exact h1 "${HOST6[3]}" $N_PING
check "UDP over IPv6 h1 -> h2: 200 datagrams exactly once, valid checksums" \
  lab_udp_exact h1 h2 "${HOST6[2]}"
check "TCP over IPv6 h3 <-> h1 (flood-group BD): 8 MiB each way, exactly, valid checksums" \
  lab_tcp_exact h3 h1 "${HOST6[1]}"
check "h1's RAs (the announcer's, both gateways' answers to its RS) all the same (one router: shared link-local and MAC)" \
  ras_identical
for n in 1 2 3; do
  check "h$n has the anycast MAC for its gateway" host_gw_mac_is_anycast $n
  check "h$n has the anycast MAC for its gateway's link-local, as a router" \
    host_gw6_mac_is_anycast $n
done
check "the three VTEPs learned the anycast MAC at a gateway" \
  eval '[ -n "$(vtep_gw_of_amac 1)" ] && [ -n "$(vtep_gw_of_amac 2)" ] && [ -n "$(vtep_gw_of_amac 3)" ]'
check "gw2 (quiet) hears gw1's announcements on its flood peers and group: dropped as anycast_gateway_peer" \
  eval '[ "$(gw_drop_count 2 anycast_gateway_peer)" -gt 0 ]'
for n in 1 2; do
  check "gw$n: no ARP conflict counted" eval '[ "$(gw_drop_count $n arp_source_conflict)" = 0 ]'
done

# Round 1: kill gw1, the announcer; round 2: bring it back (quiet), kill gw2, the announcer
# since round 1.
VICTIM=1
for round in 1 2; do
  SURVIVOR=$((3 - VICTIM))
  note "round $round: killing gateway $VICTIM"
  check "round $round: ping h1 -> h2 every 100 ms while gw$VICTIM is killed" failover "$VICTIM" \
    "$round"
  check "round $round: h1 -> h2 interrupted for at most $FAILOVER_MAX_MS ms (was ${FAILOVER_MS:-?} ms)" \
    eval '[ "${FAILOVER_MS:-x}" != x ] && [ "$FAILOVER_MS" -le "$FAILOVER_MAX_MS" ]'
  [ "${FAILOVER_MS:-x}" != x ] && note "round $round: failover to gw$SURVIVOR took $FAILOVER_MS ms"
  check "round $round: ping -6 h1 -> h2 interrupted for at most $FAILOVER_MAX_MS ms (was ${FAILOVER6_MS:-?} ms)" \
    eval '[ "${FAILOVER6_MS:-x}" != x ] && [ "$FAILOVER6_MS" -le "$FAILOVER_MAX_MS" ]'
  [ "${FAILOVER6_MS:-x}" != x ] && note "round $round: IPv6 failover to gw$SURVIVOR took $FAILOVER6_MS ms"
  check "round $round: no reply duplicated across the failover (IPv4, IPv6)" \
    eval '! grep -F "(DUP!)" "$LAB_TMP/ping-$round.log" "$LAB_TMP/ping6-$round.log"'
  check "round $round: h2 -> h1 through gw$SURVIVOR, exactly" lab_ping_exact h2 "${LAB_HOST[1]}" 10
  check "round $round: h3 (flood group) -> h1 through gw$SURVIVOR, exactly" \
    lab_ping_exact h3 "${LAB_HOST[1]}" 10
  check "round $round: ICMPv6 h2 -> h1 through gw$SURVIVOR, exactly" \
    lab_ping_exact h2 "${HOST6[1]}" 10
  check "round $round: ICMPv6 h3 (flood group) -> h1 through gw$SURVIVOR, exactly" \
    lab_ping_exact h3 "${HOST6[1]}" 10
  check "round $round: the three VTEPs moved the anycast MAC to gw$SURVIVOR" \
    eval '[ "$(vtep_gw_of_amac 1)" = $SURVIVOR ] && [ "$(vtep_gw_of_amac 2)" = $SURVIVOR ] &&
          [ "$(vtep_gw_of_amac 3)" = $SURVIVOR ]'
  for n in 1 2 3; do
    check "round $round: h$n still has the anycast MAC for its gateway" host_gw_mac_is_anycast $n
    check "round $round: h$n still has the anycast MAC for its gateway's link-local" \
      host_gw6_mac_is_anycast $n
  done
  check "round $round: the hosts sent no ARP request or NS (no re-ARP, no ND needed)" \
    no_host_arp "$round"
  check "round $round: gw$VICTIM restarts" gw_up "$VICTIM"
  check "round $round: h1 -> h2 with both gateways up again, exactly" \
    lab_ping_exact h1 "${LAB_HOST[2]}" 10
  check "round $round: ICMPv6 h1 -> h2 with both gateways up again, exactly" \
    lab_ping_exact h1 "${HOST6[2]}" 10
  check "round $round: gw$VICTIM, restarted, leaves the role to gw$SURVIVOR: the VTEPs keep the anycast MAC there for 5 s" \
    amac_steady $SURVIVOR 5
  gw_drops_nonzero "$SURVIVOR"
  VICTIM=$SURVIVOR
done

lab_finish
