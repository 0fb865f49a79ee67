#!/usr/bin/env bash
# Packet trace and debug toggles through vxgw-cli in the netns lab (tests/e2e/lab.sh):
# `trace add 5 underlay`, pings h1 -> h2 across VNIs 5000 -> 6000, and `show trace` names
# every stage with the lab's real VNIs, bridge domains, MACs, prefix, ARP entry, rewrite and
# VTEPs; `show trace json` parses; the budget stops tracing; a TTL-1 ping shows the ICMP
# error and the drop reason; after `clear ip arp` the trace shows the ARP miss and the
# release of the held packet; `debug arp` logs, `undebug all` stops, neither is config.
#
# usage: test_trace.sh [BUILD_DIR]     (default <repo>/build; needs root)
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_run_under_timeout 180 "$0" "$@"

[ -n "${1:-}" ] && VXGW_BUILD=$1
lab_init "vxt$$"
lab_trap
lab_require_root
lab_require_daemon

check "test tools are installed" lab_require_tools || lab_finish
check "lab comes up" lab_up || lab_finish
CONF=$LAB_TMP/vxgw.conf
lab_gw_config --bds "10 20" >"$CONF"
check "vxgwd starts" gw_start "$CONF" || lab_finish

H1_MAC=${LAB_HOST_MAC[1]}
H2_MAC=${LAB_HOST_MAC[2]}
TRACE=$LAB_TMP/trace.txt

# Neighbours and MACs learned first, so that the traced packets take the whole fast path.
check "h1 -> h2 across VNIs (warm-up)" lab_ping h1 10.1.20.60

# trace_has REGEX...: the last `show trace` ($TRACE) has a line matching each REGEX.
trace_has() {
  local re
  for re in "$@"; do
    grep -Eq -- "$re" "$TRACE" || { echo "no line matches: $re"; cat "$TRACE"; return 1; }
  done
}
show_trace() { gw_cli "show trace" >"$TRACE" && cat "$TRACE"; }

traced_ping() {
  gw_cli "clear trace" "trace add 5 underlay" || return 1
  PING_COUNT=2 lab_ping h1 10.1.20.60 || return 1
  show_trace
}
check "trace add 5 underlay, ping h1 -> h2, show trace" traced_ping

check "underlay-rx: from VTEP 192.0.2.11 to 192.0.2.1, VNI 5000" \
  trace_has "underlay-rx +src 192\.0\.2\.11 sport [0-9]+ dst 192\.0\.2\.1 vni 5000 len [0-9]+"
check "vxlan-decap: VNI 5000 -> bridge-domain 10" trace_has "vxlan-decap +vni 5000 bridge-domain 10$"
check "l2-learn: h1's MAC in BD 10 behind 192.0.2.11" \
  trace_has "l2-learn +mac $H1_MAC bridge-domain 10 vtep 192\.0\.2\.11 result "
check "l2-input: to bdif10, IPv4" trace_has "l2-input +interface bdif10 src $H1_MAC dst [0-9a-f:]+ type 0x0800"
check "ip4-input: 10.1.10.50 -> 10.1.20.60 icmp ttl 64" \
  trace_has "ip4-input +interface bdif10 src 10\.1\.10\.50 dst 10\.1\.20\.60 proto icmp ttl 64"
check "ip4-lookup: FIB entry 10.1.20.0/24 connected on bdif20" \
  trace_has "ip4-lookup +dst 10\.1\.20\.60 prefix 10\.1\.20\.0/24 path connected interface bdif20$"
check "ip4-arp: 10.1.20.60 on bdif20 is h2's MAC" \
  trace_has "ip4-arp +next-hop 10\.1\.20\.60 interface bdif20 result hit mac $H2_MAC state "
check "ip4-rewrite: to h2's MAC from bdif20, TTL 63" \
  trace_has "ip4-rewrite +interface bdif20 src [0-9a-f:]+ dst $H2_MAC type 0x0800 ttl 63$"
check "bd-mac-lookup: h2's MAC in BD 20 behind 192.0.2.12" \
  trace_has "bd-mac-lookup +dst $H2_MAC bridge-domain 20 vtep 192\.0\.2\.12$"
check "vxlan-encap: to VTEP 192.0.2.12, VNI 6000, source port 49152-65535" \
  trace_has "vxlan-encap +vtep 192\.0\.2\.12 vni 6000 sport (49[1-9][0-9][0-9]|5[0-9]{4}|6[0-5][0-9]{3}) len"
check "tx: to the underlay" trace_has "tx +interface underlay len [0-9]+$"
check "the replies h2 -> h1 too: VNI 6000 -> bridge-domain 20, encap to 192.0.2.11 VNI 5000" \
  trace_has "vxlan-decap +vni 6000 bridge-domain 20$" "vxlan-encap +vtep 192\.0\.2\.11 vni 5000 "

budget_done() {
  local n
  n=$(sed -n 's/^Packet trace: \([0-9]*\) traced, \([0-9]*\) more to trace$/\1 \2/p' "$TRACE")
  echo "packets, more: $n"
  # 4 pings (2 requests, 2 replies) and at most one other underlay packet
  case $n in "4 1" | "5 0") return 0 ;; *) return 1 ;; esac
}
check "the budget: 4 or 5 packets traced of 5" budget_done
stays_bounded() {
  PING_COUNT=3 lab_ping h1 10.1.20.60 || return 1
  show_trace >/dev/null
  grep -q "^Packet trace: 5 traced, 0 more to trace$" "$TRACE" || { cat "$TRACE"; return 1; }
  ! grep -q "^Packet 6 " "$TRACE"
}
check "tracing stops after 5 packets" stays_bounded

trace_json_ok() {
  gw_json "show trace json" '
len(d["packets"]) == 5 and d["pending"] == 0
and all(p["input"] == "underlay" and p["records"][0]["stage"] == "underlay-rx" for p in d["packets"])
and any(r["stage"] == "vxlan-encap" and r["vni"] == 6000 and r["vtep"] == "192.0.2.12"
        for p in d["packets"] for r in p["records"])' >"$LAB_TMP/trace.json" || {
    cat "$LAB_TMP/trace.json"
    return 1
  }
  gw_cli "show trace json" | timeout 10 python3 -m json.tool >/dev/null
}
check "show trace json parses (python3 -m json.tool) and holds the same stages" trace_json_ok

ttl_trace() {
  gw_cli "clear trace" "trace add 3 underlay" || return 1
  lab_exec h1 timeout 10 ping -n -c 1 -t 1 -W 2 10.1.20.60
  show_trace
}
check "ping -t 1 h1 -> h2 traced" ttl_trace
check "TTL 1: the ICMP error generated and the drop reason ttl_expired" \
  trace_has "ip4-local +action icmp-error src 10\.1\.10\.1 dst 10\.1\.10\.50 icmp-type 11 icmp-code 0$" \
  "drop +reason ttl_expired$"

arp_miss_trace() {
  gw_cli "clear ip arp" "clear trace" "debug arp" "trace add 3 underlay" || return 1
  PING_COUNT=1 lab_ping h1 10.1.20.60 || return 1
  show_trace
}
check "clear ip arp, debug arp, trace add 3, ping h1 -> h2" arp_miss_trace
check "ARP miss: the packet held, then released with h2's MAC in the same entry" \
  trace_has "ip4-arp +next-hop 10\.1\.20\.60 interface bdif20 result miss" \
  "ip4-arp +next-hop 10\.1\.20\.60 interface bdif20 result resolved mac $H2_MAC"
check "show debugging: arp on" gw_has_line "show debugging" arp debugging is on
check "debug arp: the request for 10.1.20.60 in the daemon's log" \
  grep -Eq "debug: arp: bdif20: request for 10\.1\.20\.60 sent" "$GW_LOG"
check "debugging is not configuration" not gw_has_line "show running-config" debug
undebug_ok() {
  gw_cli "undebug all" || return 1
  gw_cli "show debugging" | grep -q "all debugging is off"
}
check "undebug all turns it off" undebug_ok
check "show debugging json parses" gw_json "show debugging json" 'd["debugging"]["arp"] is False'
check "vxgwd is still running" gw_alive

lab_finish
