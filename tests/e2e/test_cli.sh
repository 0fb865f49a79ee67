#!/usr/bin/env bash
# vxgw-cli against vxgwd in the netns lab (tests/e2e/lab.sh): configuration with -c makes
# traffic flow and shows in the running-config as the renderer prints it; bad values, bad
# prefixes and unknown commands fail, name the wrong word and change nothing; commands from
# stdin; `|` filters; abbreviations; `json` on every show command; write memory and a restart
# from the saved file; clear ip arp / clear mac address-table / clear counters.
#
# usage: test_cli.sh [BUILD_DIR]     (default <repo>/build; needs root)
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_run_under_timeout 240 "$0" "$@"

[ -n "${1:-}" ] && VXGW_BUILD=$1
lab_init "vxt$$"
lab_trap   # first: a skip removes $LAB_TMP too
lab_require_root
lab_require_daemon

check "test tools are installed" lab_require_tools || lab_finish
check "lab comes up" lab_up || lab_finish

# The config lives alone in its directory, so that a temp file left by `write memory` shows.
mkdir -p "$LAB_TMP/etc"
CONF=$LAB_TMP/etc/vxgw.conf
lab_gw_config --bds "10 20" >"$CONF"
check "vxgwd starts with bridge domains 10 and 20 only" gw_start "$CONF" || lab_finish
check "h3 does not reach 10.1.30.1 yet (no bridge domain 30)" \
  not lab_exec h3 timeout 5 ping -n -q -c 2 -i 0.2 -W 1 10.1.30.1

H1_MAC=${LAB_HOST_MAC[1]}
H2_MAC=${LAB_HOST_MAC[2]}

# rc_block HEADER: the lines of the running-config block that starts with HEADER (up to `!`).
rc_block() {
  gw_cli "show running-config" | awk -v h="$1" '$0 == h { on = 1 } on { print } on && /^!/ { exit }'
}
# block_has HEADER LINE...: the block holds every LINE exactly (whole line, blanks included).
block_has() {
  local hdr=$1 blk l
  shift
  blk=$(rc_block "$hdr")
  echo "block '$hdr':"
  echo "$blk"
  [ -n "$blk" ] || return 1
  for l in "$@"; do
    grep -qxF -- "$l" <<<"$blk" || { echo "missing line: '$l'"; return 1; }
  done
}

# ------------------------------------------------------------------ configuration with -c
configure_bd30() {
  gw_cli "configure terminal" "bridge-domain 30" "vni 7000" "flood-group 239.1.1.70" "exit" \
    "interface bdif 30" "ip address 10.1.30.1/24" "exit" \
    "ip route 10.9.0.0/16 10.1.30.70" "end"
}
check "vxgw-cli -c: bridge-domain 30 (vni 7000, flood-group), bdif30, a static route: exit 0" \
  configure_bd30
check "h3 now reaches its gateway 10.1.30.1" wait_until 5 lab_ping h3 10.1.30.1
check "h3 -> h1 through the new bridge domain" lab_ping h3 10.1.10.50
check "running-config: bridge-domain 30 block has ' vni 7000' and ' flood-group 239.1.1.70'" \
  block_has "bridge-domain 30" "bridge-domain 30" " vni 7000" " flood-group 239.1.1.70" "!"
check "running-config: interface bdif 30 block has ' ip address 10.1.30.1/24'" \
  block_has "interface bdif 30" "interface bdif 30" " ip address 10.1.30.1/24" "!"
rc_has_route() { gw_cli "show running-config" | grep -xF "ip route 10.9.0.0/16 10.1.30.70"; }
check "running-config: 'ip route 10.9.0.0/16 10.1.30.70'" rc_has_route
check "show ip route: connected 10.1.30.0/24 on bdif30" \
  gw_has_line "show ip route" C 10.1.30.0/24 connected bdif30
check "show ip route: static 10.9.0.0/16 via 10.1.30.70" \
  gw_has_line "show ip route" S 10.9.0.0/16 10.1.30.70 bdif30

# ------------------------------------------------------------------ refused changes
check "vni 99999999 is refused, the error names 99999999, running-config unchanged" \
  gw_cli_refused 99999999 "configure terminal" "bridge-domain 10" "vni 99999999"
check "ip route 10.1.0.1/16 (host bits set) is refused, names 10.1.0.1/16, nothing changes" \
  gw_cli_refused 10.1.0.1/16 "configure terminal" "ip route 10.1.0.1/16 10.1.10.5"
check "an unknown command (bridge-domian 40) is refused, names bridge-domian, nothing changes" \
  gw_cli_refused bridge-domian "configure terminal" "bridge-domian 40" "vni 8000"
check "an unknown exec command (frobnicate) is refused and names it" gw_cli_refused frobnicate "frobnicate"
check "h1 -> h2 still works after the refused changes" lab_ping h1 10.1.20.60

# ------------------------------------------------------------------ stdin, filters, abbreviations
stdin_config() {
  local out rc
  out=$(gw_cli_stdin <<'EOF'
configure terminal
bridge-domain 20
 mac-limit 5000
 mac-aging 600
end
show running-config
EOF
  )
  rc=$?
  echo "$out"
  echo "exit status $rc"
  [ "$rc" = 0 ] && grep -qxF " mac-limit 5000" <<<"$out" && grep -qxF " mac-aging 600" <<<"$out"
}
check "commands from stdin (here-doc): mac-limit/mac-aging on BD 20, exit 0" stdin_config
check "running-config: bridge-domain 20 has ' mac-limit 5000' and ' mac-aging 600'" \
  block_has "bridge-domain 20" " vni 6000" " mac-limit 5000" " mac-aging 600"
stdin_no_form() {
  local out rc
  out=$(printf 'configure terminal\nbridge-domain 20\n no mac-aging\nend\n' | gw_cli_stdin)
  rc=$?
  echo "$out"
  echo "exit status $rc"
  [ "$rc" = 0 ] && not block_has "bridge-domain 20" " mac-aging 600" &&
    block_has "bridge-domain 20" " mac-limit 5000"
}
check "stdin: 'no mac-aging' removes it (mac-limit stays)" stdin_no_form
stdin_bad() {
  local out rc
  out=$(printf 'show version\nconfigure terminal\nbridge-domain 20\n mac-limit 0\nend\n' | gw_cli_stdin 2>&1)
  rc=$?
  echo "$out"
  echo "exit status $rc"
  [ "$rc" = 1 ] && grep -E '^% ' <<<"$out" | grep -qE '(^|[^0-9])0([^0-9]|$)' &&
    block_has "bridge-domain 20" " mac-limit 5000"
}
check "stdin with a bad line (mac-limit 0): exit status 1, error, mac-limit stays 5000" stdin_bad

include_filter() {
  local out
  out=$(gw_cli "show ip route | include bdif30") || return 1
  echo "$out"
  [ "$(wc -l <<<"$out")" -ge 3 ] && not grep -v bdif30 <<<"$out" &&
    lab_has_line C 10.1.30.0/24 <<<"$out" && lab_has_line S 10.9.0.0/16 <<<"$out"
}
check "show ip route | include bdif30: only bdif30 lines, connected and static among them" include_filter
exclude_filter() {
  local out
  out=$(gw_cli "show ip route | exclude bdif") || return 1
  echo "$out"
  not grep -q bdif <<<"$out" && lab_has_line S 0.0.0.0/0 203.0.113.1 <<<"$out"
}
check "show ip route | exclude bdif: no bdif line, the default route is there" exclude_filter
begin_filter() {
  local out
  out=$(gw_cli "show running-config | begin ^interface") || return 1
  echo "$out"
  [ "$(head -n 1 <<<"$out")" = "interface bdif 10" ] && not grep -q '^bridge-domain' <<<"$out"
}
check "show running-config | begin ^interface: starts at 'interface bdif 10'" begin_filter
# (on the running-config: it has no blank lines, which counters of lines may or may not skip)
count_filter() {
  local full cnt n
  full=$(gw_cli "show running-config") || return 1
  cnt=$(gw_cli "show running-config | count") || return 1
  echo "$cnt"
  n=$(grep -oE '[0-9]+' <<<"$cnt" | head -n 1)
  echo "count says '$n', show running-config has $(wc -l <<<"$full") lines"
  [ "$(wc -l <<<"$cnt")" = 1 ] && [ -n "$n" ] && [ "$n" = "$(wc -l <<<"$full")" ]
}
check "show running-config | count: one line, the number of lines of show running-config" count_filter
abbrev() {
  local a b
  a=$(gw_cli "sh ip ro") || return 1
  b=$(gw_cli "show ip route") || return 1
  echo "$a"
  [ "$a" = "$b" ] && lab_has_line C 10.1.10.0/24 <<<"$a"
}
check "'sh ip ro' gives the same output as 'show ip route'" abbrev
ambiguous() {
  local rc
  gw_cli "sh i" >"$LAB_TMP/amb.out" 2>"$LAB_TMP/amb.err"
  rc=$?
  echo "exit status $rc"
  cat "$LAB_TMP/amb.out" "$LAB_TMP/amb.err"
  [ "$rc" = 1 ] && grep -q '^% ' "$LAB_TMP/amb.err" && [ ! -s "$LAB_TMP/amb.out" ]
}
check "'sh i' (interfaces or ip) is refused as ambiguous" ambiguous

# ------------------------------------------------------------------ json
# Traffic first, so that the tables are not empty: h1 <-> h2 and h3 -> h1 (learned VTEP).
lab_ping h1 10.1.20.60 >/dev/null
lab_ping h3 10.1.10.50 >/dev/null
# A drop with a known reason: TTL 1 through the gateway.
lab_exec h1 timeout 10 ping -n -q -c 2 -i 0.2 -W 1 -t 1 10.1.20.60 >/dev/null 2>&1

check "show ip arp json: entries with every field, h1 10.1.10.50 with its MAC on bdif10" \
  gw_json "show ip arp json" '
all(has(e, "address", "mac", "state", "age", "interface") for e in d["entries"]) and
any(e["address"] == "10.1.10.50" and e["mac"].lower() == "'"$H1_MAC"'" and e["interface"] == "bdif10"
    for e in d["entries"])'
check "show mac address-table json: h1 dynamic in BD 10 behind 192.0.2.11, every field" \
  gw_json "show mac address-table json" '
all(has(e, "bridge_domain", "mac", "type", "vtep", "age") for e in d["entries"]) and
any(str(e["bridge_domain"]) == "10" and e["mac"].lower() == "'"$H1_MAC"'" and
    e["type"] == "dynamic" and e["vtep"] == "192.0.2.11" for e in d["entries"])'
check "show mac address-table bridge-domain 20 json: only BD 20, h2 in it" \
  gw_json "show mac address-table bridge-domain 20 json" '
len(d["entries"]) > 0 and all(str(e["bridge_domain"]) == "20" for e in d["entries"]) and
any(e["mac"].lower() == "'"$H2_MAC"'" for e in d["entries"])'
check "show ip route json: every field; 10.1.30.0/24 and 10.9.0.0/16 via 10.1.30.70 on bdif30" \
  gw_json "show ip route json" '
all(has(r, "prefix", "source", "active", "paths") and all(has(p, "type") for p in r["paths"])
    for r in d["routes"]) and
any(r["prefix"] == "10.1.30.0/24" for r in d["routes"]) and
any(r["prefix"] == "10.9.0.0/16" and r["active"] is True and
    any(has(p, "next_hop", "interface") and p["next_hop"] == "10.1.30.70" and
        p["interface"] == "bdif30" for p in r["paths"]) for r in d["routes"])'
check "show ip route 10.1.30.5 json: the one longest match, 10.1.30.0/24" \
  gw_json "show ip route 10.1.30.5 json" \
  'len(d["routes"]) == 1 and d["routes"][0]["prefix"] == "10.1.30.0/24"'
# The reasons are the ones of gw/drop.h (one list for the enum, the names and the counters).
DROP_NAMES=$(grep -oE '^[[:space:]]*_\([A-Z_0-9]+, "[a-z_0-9]+"' "$LAB_ROOT/gw/drop.h" 2>/dev/null |
  sed -E 's/.*"([a-z_0-9]+)"/\1/' | tr '\n' ' ')
[ -n "$DROP_NAMES" ] || DROP_NAMES="no_such_peer ttl_expired"
check "show errors json: every drop reason of gw/drop.h with a count; ttl_expired >= 1" \
  gw_json "show errors json" '
all(k in d["drops"] for k in "'"$DROP_NAMES"'".split()) and
all(isinstance(v, int) and v >= 0 for v in d["drops"].values()) and d["drops"]["ttl_expired"] >= 1'
check "show bridge-domain json: BDs 10 20 30 with every field, BD 30 vni 7000 group, BD 10 peer" \
  gw_json "show bridge-domain json" '
all(has(b, "id", "vni", "flood_group", "flood_peers", "mac_aging", "mac_limit", "macs",
        "static_macs", "bdif") for b in d["bridge_domains"]) and
sorted(str(b["id"]) for b in d["bridge_domains"]) == ["10", "20", "30"] and
any(str(b["id"]) == "30" and str(b["vni"]) == "7000" and b["flood_group"] == "239.1.1.70"
    for b in d["bridge_domains"]) and
any(str(b["id"]) == "10" and "192.0.2.11" in b["flood_peers"] for b in d["bridge_domains"])'
check "show bridge-domain 20 json: only BD 20, mac_limit 5000" \
  gw_json "show bridge-domain 20 json" \
  'len(d["bridge_domains"]) == 1 and str(d["bridge_domains"][0]["id"]) == "20" and
   str(d["bridge_domains"][0]["mac_limit"]) == "5000"'
check "show interfaces json: bdif10/20/30 and up0 with every field, bdif30 has 10.1.30.1/24" \
  gw_json "show interfaces json" '
all(has(i, "name", "kind", "bridge_domain", "mac", "mtu", "up", "addresses", "rx_packets",
        "rx_bytes", "tx_packets", "tx_bytes") for i in d["interfaces"]) and
{"bdif10", "bdif20", "bdif30", "up0"} <= {i["name"] for i in d["interfaces"]} and
any(i["name"] == "bdif30" and i["up"] is True and "10.1.30.1/24" in str(i["addresses"])
    for i in d["interfaces"]) and
any(i["name"] == "bdif10" and i["rx_packets"] > 0 for i in d["interfaces"])'
check "show interfaces brief json: one JSON object" gw_json "show interfaces brief json"
version_json() {
  local text
  text=$(gw_cli "show version") || return 1
  echo "text: $text"
  gw_json "show version json" 'isinstance(d["version"], str) and d["version"] != "" and
    d["version"] in '"$(printf '%s' "$text" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')"
}
check "show version json: {\"version\"}, the one of show version" version_json
check "show counters json: interfaces with their counters (bdif10 received packets), gateway" \
  gw_json "show counters json" '
all(has(i, "name", "rx_packets", "rx_bytes", "tx_packets", "tx_bytes") for i in d["interfaces"]) and
any(i["name"] == "bdif10" and i["rx_packets"] > 0 for i in d["interfaces"]) and
isinstance(d["gateway"], dict)'
check "show vxlan peers json: vtep 192.0.2.1, port 4789, 192.0.2.11 configured, 192.0.2.13 learned" \
  gw_json "show vxlan peers json" '
d["vtep"] == "192.0.2.1" and str(d["udp_port"]) == "4789" and
all(has(p, "vtep", "bridge_domain", "type", "age") for p in d["peers"]) and
any(p["vtep"] == "192.0.2.11" and str(p["bridge_domain"]) == "10" for p in d["peers"]) and
any(p["vtep"] == "192.0.2.13" and str(p["bridge_domain"]) == "30" for p in d["peers"]) and
{p["type"] for p in d["peers"] if p["vtep"] == "192.0.2.11"} !=
{p["type"] for p in d["peers"] if p["vtep"] == "192.0.2.13"}'
check "show vxlan vni json: VNIs 5000 6000 7000 with every field, 7000 in BD 30 with its group" \
  gw_json "show vxlan vni json" '
all(has(v, "vni", "bridge_domain", "macs", "flood_group", "flood_peers") for v in d["vnis"]) and
sorted(str(v["vni"]) for v in d["vnis"]) == ["5000", "6000", "7000"] and
any(str(v["vni"]) == "7000" and str(v["bridge_domain"]) == "30" and v["flood_group"] == "239.1.1.70"
    for v in d["vnis"])'
# SPEC section 3: "each also with a trailing json" — running-config included (README:
# {"hostname", "config"}, the configuration text).
rc_json() {
  local text
  text=$(gw_cli "show running-config") || return 1
  gw_json "show running-config json" 'd["hostname"] == "vxgw-e2e" and
    d["config"].rstrip("\n") == '"$(printf '%s' "$text" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().rstrip("\n")))')"
}
check "show running-config json: hostname, and the text of show running-config" rc_json
check "show ip arp json | include ...: a filter still works on json output" \
  gw_has_line "show ip arp json | include 10.1.10.50" 10.1.10.50

# ------------------------------------------------------------------ clear commands
check "a static ARP entry (arp 10.1.10.99 02:00:00:01:10:99 bdif10) is accepted" \
  gw_cli "configure terminal" "arp 10.1.10.99 02:00:00:01:10:99 bdif10" "end"
check "show ip arp has h1 (learned) before clear ip arp" \
  gw_has_line "show ip arp" 10.1.10.50 "$H1_MAC" bdif10
clear_arp() {
  local out
  out=$(gw_cli "clear ip arp" "show ip arp") || return 1
  echo "$out"
  not lab_has_line 10.1.10.50 <<<"$out" && not lab_has_line 10.1.20.60 <<<"$out" &&
    lab_has_line 10.1.10.99 02:00:00:01:10:99 <<<"$out"
}
check "clear ip arp: learned entries gone, the static one stays" clear_arp
check "traffic h1 -> h2 after clear ip arp" lab_ping h1 10.1.20.60
check "show ip arp: h1 learned again" gw_has_line "show ip arp" 10.1.10.50 "$H1_MAC" bdif10
check "show ip arp: h2 resolved again" gw_has_line "show ip arp" 10.1.20.60 "$H2_MAC" bdif20
clear_mac() {
  local out
  out=$(gw_cli "clear mac address-table dynamic" "show mac address-table") || return 1
  echo "$out"
  not grep -qw dynamic <<<"$out"
}
check "clear mac address-table dynamic: no dynamic entry left" clear_mac
check "traffic h1 -> h2 after clearing the MAC table" lab_ping h1 10.1.20.60
check "show mac address-table: h1 learned again behind 192.0.2.11" \
  gw_has_line "show mac address-table" 10 "$H1_MAC" dynamic 192.0.2.11

# counter_lines: the per-interface lines of show counters (NAME and four numbers).
counter_lines() { awk 'NF == 5 && $1 ~ /^(bdif[0-9]+|up0)$/ && $2 ~ /^[0-9]+$/'; }
counters_nonzero() {
  local out
  out=$(gw_cli "show counters") || return 1
  echo "$out"
  counter_lines <<<"$out" | awk '$1 == "bdif10" && $2 > 0 { f = 1 } END { exit !f }'
}
check "show counters: bdif10 has received packets" counters_nonzero
clear_counters() {
  local out lines
  out=$(gw_cli "clear counters" "show counters") || return 1
  echo "$out"
  lines=$(counter_lines <<<"$out")
  [ "$(wc -l <<<"$lines")" -ge 4 ] &&
    awk '$2 != 0 || $3 != 0 || $4 != 0 || $5 != 0 { bad = 1 } END { exit bad }' <<<"$lines"
}
check "clear counters: every interface line of show counters is 0 0 0 0" clear_counters
# (clear and show in one session: no packet can come in between)
clear_counters_json() {
  local out
  out=$(gw_cli "clear counters" "show counters json") || return 1
  printf '%s\n' "$out" | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
print(json.dumps(d, indent=1))
sys.exit(not (len(d["interfaces"]) >= 4 and all(
    i["rx_packets"] == i["rx_bytes"] == i["tx_packets"] == i["tx_bytes"] == 0 for i in d["interfaces"])))'
}
check "clear counters, then show counters json: every interface at 0" clear_counters_json

# ------------------------------------------------------------------ write memory, restart
copy_run_start() {
  gw_cli "configure terminal" "hostname gw-cli-e2e" "end" "copy running-config startup-config" ||
    return 1
  gw_cli "show running-config" >"$LAB_TMP/rc.saved" || return 1
  diff -u "$LAB_TMP/rc.saved" "$CONF" && grep -qxF "hostname gw-cli-e2e" "$CONF"
}
check "copy running-config startup-config: the file equals show running-config" copy_run_start
write_mem() {
  gw_cli "configure terminal" "bridge-domain 20" "mac-limit 6000" "end" || return 1
  gw_cli "show running-config" >"$LAB_TMP/rc.saved" || return 1
  gw_cli "write memory" || return 1
  diff -u "$LAB_TMP/rc.saved" "$CONF"
}
check "write memory: the file equals show running-config (mac-limit 6000 included)" write_mem
no_temp_left() {
  local files
  files=$(ls -A "$LAB_TMP/etc")
  echo "in $LAB_TMP/etc: $files"
  [ "$files" = "vxgw.conf" ]
}
check "no temp file left beside the config" no_temp_left
check "the saved file passes vxgwd -n" timeout 10 "$VXGWD" -n -f "$CONF"
stop_clean() { gw_stop; echo "exit status $GW_EXIT"; [ "$GW_EXIT" = 0 ]; }
check "SIGTERM: vxgwd exits with status 0" stop_clean
check "the file on disk still equals the saved running-config" diff -u "$LAB_TMP/rc.saved" "$CONF"
check "vxgwd starts again from the saved file" gw_start "$CONF" || lab_finish
same_rc() {
  gw_cli "show running-config" >"$LAB_TMP/rc.restarted" || return 1
  diff -u "$LAB_TMP/rc.saved" "$LAB_TMP/rc.restarted"
}
check "show running-config after the restart is identical" same_rc
check "h3 reaches its gateway 10.1.30.1 after the restart" wait_until 5 lab_ping h3 10.1.30.1
check "h3 -> h1 after the restart" lab_ping h3 10.1.10.50
check "h1 -> h2 after the restart" lab_ping h1 10.1.20.60
check "vxgwd is still running" gw_alive

lab_finish
