#!/usr/bin/env bash
# End-to-end counters in the netns lab (tests/e2e/lab.sh): per interface, bridge domain and
# peer, moving with pings h1 -> h2; their 10-second rates; clear counters; and the Prometheus
# endpoint (metrics listen ADDR PORT): off by default, scraped with curl in the gateway's
# namespace, the same numbers as show counters json, the text format 0.0.4 checked line by
# line, 404/405 for anything but GET /metrics, closed again by `no metrics listen`.
#
# usage: test_counters.sh [BUILD_DIR]      (default <repo>/build; needs root)
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_run_under_timeout 200 "$0" "$@"

[ -n "${1:-}" ] && VXGW_BUILD=$1
lab_init "vxc$$"
lab_require_root
lab_require_daemon
lab_trap

N=20                # pings counted
PORT=9109           # metrics port, on the gateway namespace's loopback
URL=http://127.0.0.1:$PORT/metrics

check "test tools are installed" lab_require_tools || lab_finish
check "curl is installed" lab_require_cmds curl || lab_finish
check "lab comes up" lab_up || lab_finish
CONF=$LAB_TMP/vxgw.conf
lab_conf_ipv4 "$LAB_ROOT/etc/vxgw.conf" >"$CONF"
check "vxgwd starts and answers the CLI" gw_start "$CONF" || lab_finish
check "h1 -> h2 (ARP and MACs learned)" lab_ping h1 10.1.20.60

# ------------------------------------------------------------------ counters move
SNAP=$LAB_TMP/counters
counters_json() { gw_cli "show counters json" >"$1"; }
# grew FILE0 FILE1: every counter the pings h1 -> h2 go through grew by >= N
grew() {
  timeout 10 python3 - "$1" "$2" "$N" <<'PYEOF'
import json, sys
a, b, n = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
def get(d, kind, key, name):
    for o in d[kind]:
        if str(o[key]) == name:
            return o
    return {}
ok = True
for kind, key, name, field in [
        ("interfaces", "name", "bdif10", "rx_packets"), ("interfaces", "name", "bdif10", "tx_packets"),
        ("interfaces", "name", "bdif20", "rx_packets"), ("interfaces", "name", "bdif20", "tx_packets"),
        ("bridge_domains", "bridge_domain", "10", "rx_packets"),
        ("bridge_domains", "bridge_domain", "10", "tx_packets"),
        ("bridge_domains", "bridge_domain", "20", "rx_packets"),
        ("bridge_domains", "bridge_domain", "20", "tx_packets"),
        ("peers", "peer", "192.0.2.11", "rx_packets"), ("peers", "peer", "192.0.2.11", "tx_packets"),
        ("peers", "peer", "192.0.2.12", "rx_packets"), ("peers", "peer", "192.0.2.12", "tx_packets")]:
    d = get(b, kind, key, name).get(field, 0) - get(a, kind, key, name).get(field, 0)
    byt = field.replace("packets", "bytes")
    db = get(b, kind, key, name).get(byt, 0) - get(a, kind, key, name).get(byt, 0)
    print("%-15s %-11s %-10s +%d packets, +%d bytes" % (kind, name, field, d, db))
    ok = ok and d >= n and db >= d * 60  # a ping is > 60 bytes of Ethernet frame
sys.exit(not ok)
PYEOF
}
pings_counted() {
  counters_json "$SNAP.0" || return 1
  lab_exec h1 timeout 20 ping -n -q -c $N -i 0.2 -w 15 10.1.20.60 || return 1
  counters_json "$SNAP.1" || return 1
  grew "$SNAP.0" "$SNAP.1"
}
check "$N pings h1 -> h2: bdif10/20, bridge domains 10/20, peers .11/.12 rx and tx grew >= $N" \
  pings_counted

text_sections() {
  local out
  out=$(gw_cli "show counters") || return 1
  echo "$out"
  lab_has_line 10 5000 <<<"$out" && lab_has_line 192.0.2.11 <<<"$out" &&
    grep -q '^10 second rates' <<<"$out" && lab_has_line interface bdif10 <<<"$out" &&
    lab_has_line bridge-domain 20 <<<"$out" && lab_has_line peer 192.0.2.12 <<<"$out"
}
check "show counters: interface, bridge-domain, peer and rate sections" text_sections

# ------------------------------------------------------------------ rates
# pings at 5/s for ~14 s: the 10-second sample that covers them shows a non-zero rate
rate_of() { # KIND KEY NAME FIELD: one rate field of show counters json
  gw_cli "show counters json" | timeout 10 python3 -c '
import json, sys
k, key, name, f = sys.argv[1:]
print(next((o[f] for o in json.load(sys.stdin)[k] if str(o[key]) == name), 0))' "$@"
}
rates_nonzero() {
  [ "$(rate_of interfaces name bdif10 rx_pps)" -gt 0 ] &&
    [ "$(rate_of interfaces name bdif10 rx_bps)" -gt 0 ] &&
    [ "$(rate_of bridge_domains bridge_domain 20 tx_pps)" -gt 0 ] &&
    [ "$(rate_of peers peer 192.0.2.11 rx_pps)" -gt 0 ]
}
lab_exec h1 timeout 20 ping -n -q -c 70 -i 0.2 10.1.20.60 >/dev/null 2>&1 &
PING_PID=$!
check "rates: bdif10 rx, bridge-domain 20 tx, peer .11 rx non-zero within 12 s" \
  wait_until 12 rates_nonzero
rate_words() {
  local out
  out=$(gw_cli "show counters interface bdif10") || return 1
  echo "$out"
  grep -Eq '^  10 second input rate [1-9][0-9]* bits/sec, [1-9][0-9]* packets/sec$' <<<"$out"
}
check "show counters interface bdif10: '10 second input rate N bits/sec, M packets/sec'" rate_words
wait "$PING_PID" 2>/dev/null

all_zero() {
  local out
  out=$(gw_cli "clear counters" "show counters json") || return 1
  printf '%s\n' "$out" | timeout 10 python3 -c '
import json, sys
d = json.load(sys.stdin)
print(json.dumps(d, indent=1))
f = ["rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "rx_pps", "rx_bps", "tx_pps", "tx_bps"]
objs = d["interfaces"] + d["bridge_domains"] + d["peers"]
sys.exit(not (len(d["interfaces"]) >= 4 and len(d["bridge_domains"]) >= 3 and
              all(o[k] == 0 for o in objs for k in f)))'
}
check "clear counters: every interface, bridge-domain and peer counter and rate at 0" all_zero

# ------------------------------------------------------------------ Prometheus endpoint
scrape() { lab_exec gw timeout 10 curl -sS --max-time 5 "$@"; }
check "metrics off by default: nothing listens on $PORT" not gw_listening gw $PORT
check "metrics listen 127.0.0.1 $PORT is accepted" \
  gw_cli "configure terminal" "metrics listen 127.0.0.1 $PORT" "end"
check "the endpoint listens on 127.0.0.1:$PORT" wait_until 5 gw_listening gw $PORT
check "show running-config has 'metrics listen 127.0.0.1 $PORT'" \
  eval "gw_cli 'show running-config' | grep -qx 'metrics listen 127.0.0.1 $PORT'"
check "metrics listen on an address the host lacks is refused, naming it" \
  gw_cli_refused 192.0.2.99 "configure terminal" "metrics listen 192.0.2.99 $PORT"

# prom_check FILE: the text format 0.0.4 line by line (HELP, TYPE, then samples of that
# family only; counters end in _total; label values quoted and escaped; integer values)
prom_check() {
  timeout 10 python3 - "$1" <<'PYEOF'
import re, sys
name_re = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
label_re = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
sample_re = re.compile(r"^(%s)(\{%s(?:,%s)*\})? (-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)$" %
                       (name_re, label_re, label_re))
fam, typ, seen, n = None, None, set(), 0
for i, line in enumerate(open(sys.argv[1]).read().split("\n")[:-1], 1):
    m = re.match(r"^# HELP (%s) .+$" % name_re, line)
    if m:
        fam, typ = m.group(1), None
        if fam in seen:
            sys.exit("line %d: family %s twice" % (i, fam))
        seen.add(fam)
        continue
    m = re.match(r"^# TYPE (%s) (counter|gauge)$" % name_re, line)
    if m:
        if m.group(1) != fam:
            sys.exit("line %d: TYPE of another family: %s" % (i, line))
        typ = m.group(2)
        if typ == "counter" and not fam.endswith("_total"):
            sys.exit("line %d: counter not ending in _total: %s" % (i, fam))
        continue
    m = sample_re.match(line)
    if not m or m.group(1) != fam or typ is None:
        sys.exit("line %d: not a sample of family %s: %r" % (i, fam, line))
    n += 1
print("%d families, %d samples: valid" % (len(seen), n))
sys.exit(n == 0)
PYEOF
}
scrape_ok() {
  scrape -D "$LAB_TMP/headers" -o "$LAB_TMP/metrics" "$URL" || return 1
  cat "$LAB_TMP/headers"
  grep -qi '^content-type: text/plain; version=0.0.4' "$LAB_TMP/headers" &&
    grep -q '^HTTP/1.1 200' "$LAB_TMP/headers" && prom_check "$LAB_TMP/metrics"
}
check "GET /metrics: 200, text/plain version=0.0.4, every line valid" scrape_ok
# the numbers: traffic, then show counters json, a scrape, show counters json again; every
# scraped value lies between the two
same_numbers() {
  lab_exec h1 timeout 20 ping -n -q -c $N -i 0.2 -w 15 10.1.20.60 >/dev/null || return 1
  counters_json "$SNAP.a" && scrape -o "$LAB_TMP/metrics" "$URL" && counters_json "$SNAP.b" ||
    return 1
  timeout 10 python3 - "$SNAP.a" "$LAB_TMP/metrics" "$SNAP.b" "$N" <<'PYEOF'
import json, re, sys
a, text, b, n = json.load(open(sys.argv[1])), open(sys.argv[2]).read(), json.load(open(sys.argv[3])), int(sys.argv[4])
prom = {}
for line in text.splitlines():
    m = re.match(r'^(\w+)\{(\w+)="([^"]*)"[^}]*\} (\d+)$', line)
    if m:
        prom[(m.group(1), m.group(3))] = int(m.group(4))
def get(d, kind, key, name, f):
    return next((o[f] for o in d[kind] if str(o[key]) == name), None)
ok = True
for kind, key, fam, name in [("interfaces", "name", "interface", "bdif10"),
                             ("interfaces", "name", "interface", "bdif20"),
                             ("bridge_domains", "bridge_domain", "bridge_domain", "10"),
                             ("bridge_domains", "bridge_domain", "bridge_domain", "20"),
                             ("peers", "peer", "peer", "192.0.2.11"),
                             ("peers", "peer", "peer", "192.0.2.12")]:
    for f in ["rx_packets", "rx_bytes", "tx_packets", "tx_bytes"]:
        p = prom.get(("vxgw_%s_%s_total" % (fam, f), name))
        lo, hi = get(a, kind, key, name, f), get(b, kind, key, name, f)
        good = p is not None and lo is not None and lo <= p <= hi and (f.endswith("bytes") or p >= n)
        print("%-7s %-11s %-10s json %s..%s, scraped %s%s" % (fam, name, f, lo, hi, p, "" if good else "  <-- wrong"))
        ok = ok and good
sys.exit(not ok)
PYEOF
}
check "scraped counters of bdif10/20, BDs 10/20, peers .11/.12 = show counters json (>= $N)" same_numbers
check "the scrape has drops by reason and the ARP table size" \
  eval "grep -q '^vxgw_drops_total{reason=\"no_such_peer\"} [0-9]' '$LAB_TMP/metrics' &&
        grep -Eq '^vxgw_arp_entries [1-9]' '$LAB_TMP/metrics'"
check "the scrape labels interfaces with their VRF and counts each VRF's routes" \
  eval "grep -Eq '^vxgw_interface_rx_packets_total\\{interface=\"bdif10\",vrf=\"default\"\\} [1-9]' '$LAB_TMP/metrics' &&
        grep -Eq '^vxgw_routes\\{vrf=\"default\"\\} [1-9]' '$LAB_TMP/metrics'"
status_of() { scrape -o /dev/null -w '%{http_code}' "$@"; }
check "GET /other: 404" eval "[ \"\$(status_of http://127.0.0.1:$PORT/other)\" = 404 ]"
check "POST /metrics: 405" eval "[ \"\$(status_of -X POST -d x $URL)\" = 405 ]"
check "the daemon still forwards (h1 -> h2)" lab_ping h1 10.1.20.60
check "no metrics listen is accepted" gw_cli "configure terminal" "no metrics listen" "end"
check "the port is closed again" wait_until 5 not gw_listening gw $PORT
check "a scrape now fails" not scrape -o /dev/null "$URL"
check "show running-config has no metrics line" \
  eval "! gw_cli 'show running-config' | grep -q '^metrics'"
# the config file is the other way in: SIGHUP applies it as a diff, listener included
reload_on() {
  echo "metrics listen 127.0.0.1 $PORT" >>"$CONF"
  gw_reload && wait_until 5 gw_listening gw $PORT && scrape -o "$LAB_TMP/metrics" "$URL" &&
    prom_check "$LAB_TMP/metrics"
}
check "metrics listen added to the config file, SIGHUP: listening and scraped" reload_on
# A reload that moves telnet and asks for a metrics address the host lacks fails as a whole:
# both listeners stay where they were, and the next commit still goes through.
TPORT=2329
listeners_kept() {
  gw_cli "configure terminal" "line vty" "telnet listen 127.0.0.1 $TPORT" "end" "write memory" &&
    wait_until 5 gw_listening gw $TPORT || return 1
  sed -i -e "s/telnet listen 127.0.0.1 $TPORT\$/telnet listen 127.0.0.1 $((TPORT + 1))/" \
    -e "s/^metrics listen .*/metrics listen 192.0.2.99 $PORT/" "$CONF"
  grep -q "telnet listen 127.0.0.1 $((TPORT + 1))" "$CONF" && grep -q 192.0.2.99 "$CONF" || return 1
  gw_reload || return 1
  tail -n 3 "$GW_LOG"
  gw_listening gw $TPORT && not gw_listening gw $((TPORT + 1)) && gw_listening gw $PORT &&
    scrape -o /dev/null "$URL" && gw_cli "configure terminal" "hostname vxgw-kept" "end"
}
check "failed reload (telnet moved, metrics on a foreign address): both kept, next commit works" \
  listeners_kept
check "vxgwd is still running" gw_alive

lab_finish
