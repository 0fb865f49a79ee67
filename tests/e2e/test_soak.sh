#!/usr/bin/env bash
# Bounded soak of vxgwd in the netns lab (tests/e2e/lab.sh): legitimate traffic flows while
# the configuration churns, and nothing leaks, crashes or drops what the churn does not touch.
#
#   traffic (whole run): h1 -> h2 ping at 10/s (-D timestamps) and an iperf3 UDP stream
#                        h1 -> h2 at 10 Mbit/s (1,200-byte datagrams);
#   churn (a loop of cycles, through vxgw-cli):
#     add     bridge domains 40..49 (VNI 8040.., flood-peer 192.0.2.14, mac-aging), their
#             BDIFs and addresses 10.1.4X.1/24, static routes (172.16.4X.0/24 via them, and
#             10.9.X.0/24 via h2), static ARP and static MAC entries;
#     remove  all of it again, in reverse order; the running-config must then equal the
#             initial one (checked every cycle);
#     reload  SIGHUP of the unchanged file, twice;
#     clear   `clear ip arp`, then `clear mac address-table dynamic`.
#   vxgwd's RSS is sampled every 3 s.
#
# Bounds (and why):
#   - pings lost while the churn touches OTHER bridge domains (add, remove, reload phases):
#     0. Those changes do not touch BD 10/20, their BDIFs, ARP or MAC entries; a diff that
#     disturbed them would be a bug. (VXGW_SOAK_CHURN_LOSS raises it on a noisy machine.)
#   - pings lost within 2 s of a clear: at most 2 per clear. `clear ip arp` drops h1's and
#     h2's entries (the next packet waits in the ARP queue while the gateway re-resolves),
#     `clear mac` makes the next frame unknown unicast (flooded to the peer): a packet in
#     flight at the wrong moment may be lost, not more.
#   - pings lost over the whole run: <= 1%. iperf3 UDP loss: <= 2% (its datagrams are ~900/s,
#     so a re-resolution may overflow the 4-packet ARP queue for a moment).
#   - RSS: the largest sample of the last third <= the largest of the first third + 4 MiB
#     (the packet pool and tables are preallocated or bounded; steady churn must not grow).
#
# usage: test_soak.sh [BUILD_DIR]      (default <repo>/build; needs root)
#   VXGW_SOAK_SECONDS   length of the churn + traffic phase (default 180; CI bound 5 min
#                       total). Under ctest, a longer run needs `ctest --timeout`.
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
SOAK=${VXGW_SOAK_SECONDS:-180}
case $SOAK in '' | *[!0-9]*) echo "VXGW_SOAK_SECONDS must be a number of seconds"; exit 1 ;; esac
[ "$SOAK" -ge 30 ] || SOAK=30
lab_run_under_timeout $((SOAK + 200)) "$0" "$@"

[ -n "${1:-}" ] && VXGW_BUILD=$1
lab_init "vxt$$"
lab_trap # first: a skip removes $LAB_TMP too
lab_require_root
lab_require_daemon

CHURN_LOSS_MAX=${VXGW_SOAK_CHURN_LOSS:-0}
T_START=$(date +%s)
ms_now() { echo $(($(date +%s%N) / 1000000)); }

check "test tools are installed" lab_require_tools || lab_finish
check "lab comes up" lab_up || lab_finish
CONF=$LAB_TMP/vxgw.conf
lab_gw_config --bds "10 20" >"$CONF"
check "vxgwd starts (bridge domains 10 and 20)" gw_start "$CONF" || lab_finish
check "h1 pings h2" lab_ping h1 10.1.20.60 || lab_finish
gw_cli "show running-config" >"$LAB_TMP/rc.initial"
check "the initial running-config is saved" test -s "$LAB_TMP/rc.initial"

# ------------------------------------------------------------------------- churn phases
PHASES=$LAB_TMP/phases # "NAME START_MS END_MS OK"
CHURN_ERR=$LAB_TMP/churn.err

bd_add() { # ID: one bridge domain and everything hanging off it, in one vxgw-cli session
  local i=$1 k=$(($1 - 40))
  gw_cli "configure terminal" \
    "bridge-domain $i" "vni $((8000 + i))" "flood-peer 192.0.2.14" "mac-aging $((60 + k))" "exit" \
    "interface bdif $i" "ip address 10.1.$i.1/24" "mtu 1400" "exit" \
    "ip route 172.16.$i.0/24 10.1.$i.5" \
    "ip route 10.9.$k.0/24 10.1.20.60" \
    "arp 10.1.$i.5 02:00:00:00:$i:05 bdif$i" \
    "mac-address-table static 02:00:00:00:$i:05 bridge-domain $i peer 192.0.2.14" "end"
}
bd_del() {
  local i=$1 k=$(($1 - 40))
  gw_cli "configure terminal" \
    "no mac-address-table static 02:00:00:00:$i:05 bridge-domain $i peer 192.0.2.14" \
    "no arp 10.1.$i.5" \
    "no ip route 10.9.$k.0/24 10.1.20.60" \
    "no ip route 172.16.$i.0/24 10.1.$i.5" \
    "no interface bdif $i" "no bridge-domain $i" "end"
}
phase() { # NAME CMD...: runs CMD, logs the time window and whether it succeeded
  local name=$1 t0 t1 ok=1
  shift
  t0=$(ms_now)
  "$@" >>"$CHURN_ERR" 2>&1 || ok=0
  t1=$(ms_now)
  echo "$name $t0 $t1 $ok" >>"$PHASES"
  [ $ok = 1 ] || echo "phase $name failed at $(date +%T)" >>"$CHURN_ERR"
}
churn_add() { local i; for i in $(seq 40 49); do bd_add "$i" || return 1; done; }
churn_del() {
  local i
  for i in $(seq 49 -1 40); do bd_del "$i" || return 1; done
  gw_cli "show running-config" >"$LAB_TMP/rc.now" || return 1
  diff -u "$LAB_TMP/rc.initial" "$LAB_TMP/rc.now" >>"$LAB_TMP/rc.diffs" ||
    { echo "running-config differs from the initial one after the churn was undone"; return 1; }
}
churn_check_added() { # every BD 40..49 with its BDIF and VNI shows up
  gw_cli "show bridge-domain json" | python3 -c '
import json, sys
ids = {b["id"]: b for b in json.load(sys.stdin)["bridge_domains"]}
miss = [i for i in range(40, 50) if i not in ids or ids[i]["vni"] != 8000 + i or ids[i]["bdif"] != "bdif%d" % i]
sys.exit("missing or wrong: %s" % miss if miss else 0)'
}
reload_twice() { gw_reload && gw_reload; }
clear_both() { gw_cli "clear ip arp" && sleep 1 && gw_cli "clear mac address-table dynamic"; }

# ------------------------------------------------------------------ traffic + sampling
PING_LOG=$LAB_TMP/ping.log
lab_exec h1 timeout $((SOAK + 15)) ping -n -D -i 0.1 -W 1 -w "$SOAK" 10.1.20.60 >"$PING_LOG" 2>&1 &
PING_PID=$!
IPERF_JSON=$LAB_TMP/iperf.json
lab_exec h2 timeout $((SOAK + 40)) iperf3 -s -1 -p 5201 >"$LAB_TMP/iperf-server.log" 2>&1 &
IPERF_SRV=$!
wait_until 5 eval "lab_exec h2 ss -ltnH | grep -q ':5201 '"
lab_exec h1 timeout $((SOAK + 30)) iperf3 -c 10.1.20.60 -p 5201 -u -b 10M -l 1200 -t "$SOAK" -J --get-server-output \
  >"$IPERF_JSON" 2>&1 &
IPERF_CLI=$!
RSS_LOG=$LAB_TMP/rss.log
(
  end=$(($(date +%s) + SOAK + 5))
  while [ "$(date +%s)" -lt "$end" ] && [ -r "/proc/$GW_PID/status" ]; do
    echo "$(date +%s) $(gw_rss_kib)" >>"$RSS_LOG"
    sleep 3
  done
) &
RSS_PID=$!

note "soak: $SOAK s of churn with ping (10/s) and iperf3 UDP (10 Mbit/s) h1 -> h2"
sleep 2
CYCLES=0
SOAK_END=$(($(date +%s) + SOAK - 5))
T_CHURN=$(date +%s)
while [ "$(date +%s)" -lt "$SOAK_END" ] && [ "$CYCLES" -lt 10000 ]; do
  phase add churn_add
  phase added churn_check_added
  phase del churn_del
  phase reload reload_twice
  sleep 1
  phase clear clear_both
  sleep 2
  CYCLES=$((CYCLES + 1))
  gw_alive || break
done
T_CHURN=$(($(date +%s) - T_CHURN))
note "churn: $CYCLES cycles in $T_CHURN s"
note "$(awk '{ n[$1]++; t[$1] += $3 - $2 } END { for (p in n) printf "%s: %d x %.0f ms  ", p, n[p], t[p] / n[p] }' "$PHASES")"

check "vxgwd survived the churn" gw_alive
wait "$IPERF_CLI"
IPERF_RC=$?
wait "$PING_PID" # (ping -w: ends by itself)
kill "$RSS_PID" 2>/dev/null
wait "$RSS_PID" 2>/dev/null
wait "$IPERF_SRV" 2>/dev/null

check "at least 3 churn cycles ran ($CYCLES)" test "$CYCLES" -ge 3
phases_ok() {
  local bad
  bad=$(awk '$4 != 1' "$PHASES" | wc -l)
  echo "$(wc -l <"$PHASES") phases, $bad failed"
  [ "$bad" = 0 ] || { tail -n 30 "$CHURN_ERR"; return 1; }
}
check "every churn phase succeeded (vxgw-cli exit 0, BDs 40..49 present after add, SIGHUP answered)" phases_ok
check "after every 'remove' phase the running-config equalled the initial one" \
  eval '[ ! -s "$LAB_TMP/rc.diffs" ] || { head -n 40 "$LAB_TMP/rc.diffs"; false; }'

# ------------------------------------------------------------------------- ping loss
ping_loss() {
  timeout 30 python3 - "$PING_LOG" "$PHASES" "$CHURN_LOSS_MAX" <<'EOF'
import re, sys
log, phases, churn_max = sys.argv[1], sys.argv[2], int(sys.argv[3])
rx = {}
for line in open(log):
    m = re.match(r"\[(\d+\.\d+)\] \d+ bytes from [\d.]+: icmp_seq=(\d+) .*time=([\d.]+) ms", line)
    if m:
        t, seq, rtt = float(m.group(1)), int(m.group(2)), float(m.group(3))
        rx[seq] = t - rtt / 1000.0  # send time
if len(rx) < 10:
    sys.exit("too few replies in %s" % log)
seqs = sorted(rx)
first, last = seqs[0], seqs[-1]
# send time of a lost packet: interpolated between the nearest answered ones
def sent_at(s):
    lo = max(x for x in seqs if x < s)
    hi = min(x for x in seqs if x > s)
    return rx[lo] + (rx[hi] - rx[lo]) * (s - lo) / (hi - lo)
lost = [(s, sent_at(s)) for s in range(first, last + 1) if s not in rx]
win = []
for line in open(phases):
    name, t0, t1, ok = line.split()
    win.append((name, int(t0) / 1000.0, int(t1) / 1000.0))
clears = [(a, b) for n, a, b in win if n == "clear"]
churn = [(a, b) for n, a, b in win if n in ("add", "added", "del", "reload")]
lost_clear = [s for s, t in lost if any(a - 0.5 <= t <= b + 2.0 for a, b in clears)]
lost_churn = [s for s, t in lost if s not in lost_clear and any(a <= t <= b for a, b in churn)]
lost_other = [s for s, t in lost if s not in lost_clear and s not in lost_churn]
in_churn = sum(1 for s in range(first, last + 1)
               if any(a <= (rx.get(s) or sent_at(s)) <= b for a, b in churn))
total = last - first + 1
print("pings %d, answered %d, lost %d (%.2f%%)" % (total, len(rx), len(lost), 100.0 * len(lost) / total))
print("sent during add/remove/reload phases: %d, lost there: %d %s" % (in_churn, len(lost_churn), lost_churn[:20]))
print("lost within 2 s of one of %d clears: %d %s" % (len(clears), len(lost_clear), lost_clear[:20]))
print("lost at other times: %d %s" % (len(lost_other), lost_other[:20]))
open(log + ".summary", "w").write(
    "pings %d, lost %d (%.2f%%): %d during churn of other BDs (%d sent then), %d near %d clears, %d other"
    % (total, len(lost), 100.0 * len(lost) / total, len(lost_churn), in_churn, len(lost_clear),
       len(clears), len(lost_other)))
ok = (len(lost_churn) <= churn_max and len(lost_other) <= churn_max
      and len(lost_clear) <= 2 * len(clears) and len(lost) * 100 <= total and in_churn > 0)
sys.exit(0 if ok else 1)
EOF
}
check "ping h1 -> h2: 0 lost (or <= VXGW_SOAK_CHURN_LOSS=$CHURN_LOSS_MAX) while other BDs churn or nothing happens, <= 2 per clear, <= 1% overall" \
  ping_loss
note "$(cat "$PING_LOG.summary" 2>/dev/null)"

iperf_ok() {
  [ "$IPERF_RC" = 0 ] || { echo "iperf3 exit status $IPERF_RC"; tail -n 20 "$IPERF_JSON"; return 1; }
  timeout 30 python3 - "$IPERF_JSON" "$PHASES" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["end"]["sum"]
txt = "iperf3 UDP h1 -> h2: %.1f Mbit/s, %d/%d datagrams lost (%.3f%%), jitter %.3f ms" % (
    s["bits_per_second"] / 1e6, s["lost_packets"], s["packets"], s["lost_percent"], s["jitter_ms"])
# where the losses were: the server's 1 s intervals against the phase windows
where = {}
srv = r.get("server_output_json") or {}
t0 = srv.get("start", {}).get("timestamp", {}).get("timesecs")
if t0 and srv.get("intervals"):
    win = []
    for line in open(sys.argv[2]):
        name, a, b, ok = line.split()
        win.append((name, int(a) / 1000.0, int(b) / 1000.0))
    for iv in srv["intervals"]:
        lost = iv["sum"].get("lost_packets", 0)
        if not lost:
            continue
        a, b = t0 + iv["sum"]["start"], t0 + iv["sum"]["end"]
        names = sorted({n for n, x, y in win if x - 1 <= b and a <= y + 2}) or ["none"]
        key = "+".join(names)
        where[key] = where.get(key, 0) + lost
    txt += "; lost per phase overlapping the 1 s interval: " + (
        ", ".join("%s %d" % kv for kv in sorted(where.items())) or "none")
print(txt)
open(sys.argv[1] + ".txt", "w").write(txt)
sys.exit(0 if s["packets"] > 0 and s["lost_percent"] <= 2.0 else 1)
EOF
}
check "iperf3 UDP 10 Mbit/s h1 -> h2 through the churn: completed, <= 2% lost" iperf_ok
note "$(cat "$IPERF_JSON.txt" 2>/dev/null)"

# ------------------------------------------------------------------------------- RSS
rss_flat() {
  timeout 10 python3 - "$RSS_LOG" <<'EOF'
import sys
v = [int(l.split()[1]) for l in open(sys.argv[1]) if len(l.split()) == 2]
if len(v) < 6:
    sys.exit("only %d RSS samples" % len(v))
n = len(v) // 3
first, last = max(v[:n]), max(v[-n:])
txt = "RSS samples: %d; first third max %d KiB, last third max %d KiB (%+d KiB); min %d, max %d" % (
    len(v), first, last, last - first, min(v), max(v))
print(txt)
open(sys.argv[1] + ".txt", "w").write(txt)
sys.exit(0 if last <= first + 4096 else 1)
EOF
}
check "vxgwd RSS stays flat: last third's max <= first third's max + 4 MiB" rss_flat
note "$(cat "$RSS_LOG.txt" 2>/dev/null)"

# ------------------------------------------------------------------------------ the end
check "h1 still pings h2 and h2 pings h1" eval 'lab_ping h1 10.1.20.60 && lab_ping h2 10.1.10.50'
check "the final running-config equals the initial one" eval '
  gw_cli "show running-config" >"$LAB_TMP/rc.final" && diff -u "$LAB_TMP/rc.initial" "$LAB_TMP/rc.final"'
check "no bridge domain 40..49 is left (show bridge-domain json)" eval '
  gw_cli "show bridge-domain json" | python3 -c "import json,sys; sys.exit(any(b[\"id\"] >= 40 for b in json.load(sys.stdin)[\"bridge_domains\"]))"'
note "vxgwd drops over the soak: $(gw_cli "show errors" | awk 'NR > 1 && $2 ~ /^[0-9]+$/ && $2 > 0 { printf "%s=%s ", $1, $2; n++ } END { if (!n) print "none" }')"
note "UDP datagrams the kernel dropped at full socket buffers: gateway namespace $(lab_exec gw awk '/^Udp: [0-9]/ { print $6 }' /proc/net/snmp), h2 (iperf3 receiver) $(lab_exec h2 awk '/^Udp: [0-9]/ { print $6 }' /proc/net/snmp)"
check "vxgwd exits 0 on SIGTERM after the soak" gw_stop
check "no sanitizer report in the vxgwd log" \
  not grep -E "ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:" "$GW_LOG"
note "total: $(($(date +%s) - T_START)) s"
lab_finish
