#!/usr/bin/env bash
# Data-plane worker threads end to end in the netns lab (tests/e2e/lab.sh), vxgwd with
# `dataplane workers 2`:
#   1. show dataplane reports 2 workers (and 2 threads vxgw-wN exist); many UDP flows h1 -> h2
#      across VNIs are spread over both workers, which forward (fast path) nearly all of them,
#      and h2 receives them.
#   2. 50 configuration commits through vxgw-cli during a 100/s ping h1 -> h2: no ping lost,
#      a snapshot published per commit, the workers kept forwarding.
#   3. exact counters: after clear counters, exactly N datagrams h1 -> h2 are exactly N
#      received on bdif10 and N sent on bdif20 (the workers' counters are folded in); show
#      dataplane's per-worker counts restart at clear counters too.
#   4. exceptions with workers: pings to the gateway's addresses and TTL 1 (punted), a trace
#      (everything punted while it is armed, then the fast path again), hosts the gateway
#      has never seen (h3, and h2 after clear mac/arp) reachable at once.
#   5. the worker count changed at run time (1, 0 = none, 2): threads follow, pings pass,
#      same vxgwd process, the count of snapshots published goes on (never restarts).
#   6. vxgwd alive, no punt_queue_full or tx_failed drops.
#
# usage: test_workers.sh [BUILD_DIR]      (default <repo>/build; needs root)
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_run_under_timeout 270 "$0" "$@"

[ -n "${1:-}" ] && VXGW_BUILD=$1
lab_init "vxt$$"
lab_require_root
lab_require_daemon
lab_trap

FLOWS_PY=$HERE/udpflows.py
H1=${LAB_HOST[1]}
H2=${LAB_HOST[2]}
UPORT=9000 # the UDP receiver's port on h2

check "test tools are installed" lab_require_tools || lab_finish
check "lab comes up" lab_up || lab_finish
CONF=$LAB_TMP/vxgw.conf
{
  lab_gw_config --bds "10 20 30"
  echo "dataplane workers 2"
} >"$CONF"
check "vxgwd starts with 'dataplane workers 2'" gw_start "$CONF" || lab_finish
GW_PID0=$GW_PID

# ------------------------------------------------------------------ helpers
dp_snap() { gw_cli "show dataplane json" >"$LAB_TMP/dp.$1"; }

# dp_cmp SNAP0 SNAP1 PYEXPR [NAME=INT]...: compares two `show dataplane json` (dp_snap) of
# the same workers. PYEXPR sees a, b (the objects), per-worker deltas fwd rx punted pdrops
# txfail (lists by id), snaps (snapshots published in between) and the NAME=INT arguments.
dp_cmp() {
  local a=$LAB_TMP/dp.$1 b=$LAB_TMP/dp.$2 expr=$3
  shift 3
  timeout 10 python3 - "$a" "$b" "$expr" "$@" <<'PYEOF'
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
if a["workers"] != b["workers"] or len(a["threads"]) != len(b["threads"]):
    sys.exit("the workers changed between the two snapshots: %s / %s" % (a, b))
def delta(k):
    before = {t["id"]: t[k] for t in a["threads"]}
    return [t[k] - before[t["id"]] for t in b["threads"]]
env = {"a": a, "b": b, "fwd": delta("forwarded"), "rx": delta("rx"), "punted": delta("punted"),
       "pdrops": delta("punt_drops"), "txfail": delta("tx_failed"),
       "snaps": b["snapshots"] - a["snapshots"]}
for arg in sys.argv[4:]:
    k, v = arg.split("=", 1)
    env[k] = int(v)
print("workers %d; per worker: received +%s, forwarded +%s, to main +%s, queue drops +%s, "
      "tx failed +%s; snapshots +%d" % (b["workers"], env["rx"], env["fwd"], env["punted"],
                                        env["pdrops"], env["txfail"], env["snaps"]))
if not eval(sys.argv[3], {"sum": sum, "all": all, "len": len}, env):
    sys.exit("false: " + sys.argv[3])
PYEOF
}

# worker_threads N: vxgwd has exactly N threads named vxgw-w* (the workers)
worker_threads() {
  local n
  n=$(cat /proc/"$GW_PID"/task/*/comm 2>/dev/null | grep -c '^vxgw-w')
  echo "vxgw-w* threads: $n (expected $1)"
  [ "$n" = "$1" ]
}

# ping_all FROM DST COUNT: exactly COUNT echo requests (0.2 s apart), every one answered
ping_all() {
  local out
  out=$(lab_exec "$1" timeout 30 ping -n -q -c "$3" -i 0.2 -W 2 "$2")
  echo "$out"
  echo "$out" | grep -Eq "^$3 packets transmitted, $3 received, 0% packet loss"
}

# udp_flows NAME FLOWS ROUNDS GAP: FLOWS*ROUNDS datagrams h1 -> h2:$UPORT (udpflows.py), the
# receiver's JSON in $LAB_TMP/NAME.recv, the sender's count in $LAB_TMP/NAME.sent
udp_flows() {
  local name=$1 flows=$2 rounds=$3 gap=$4 rpid rc
  lab_exec h2 timeout 60 python3 "$FLOWS_PY" recv $UPORT $((flows * rounds)) 45 \
    >"$LAB_TMP/$name.recv" 2>&1 &
  rpid=$!
  if ! wait_until 5 eval "lab_exec h2 ss -Hlun 'sport = :$UPORT' | grep -q ."; then
    echo "the receiver on h2 does not listen"
    kill "$rpid" 2>/dev/null
    wait "$rpid" 2>/dev/null
    return 1
  fi
  lab_exec h1 timeout 60 python3 "$FLOWS_PY" send "$H2" $UPORT "$flows" "$rounds" "$gap" \
    >"$LAB_TMP/$name.sent" 2>&1
  rc=$?
  wait "$rpid"
  echo "sent: $(cat "$LAB_TMP/$name.sent"), received: $(cat "$LAB_TMP/$name.recv")"
  [ $rc = 0 ]
}
# recv_field NAME FIELD
recv_field() {
  timeout 10 python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
    "$LAB_TMP/$1.recv" "$2" 2>/dev/null || echo -1
}

# errors_clean: no punt_queue_full and no tx_failed in show errors
errors_clean() {
  local pf tf
  pf=$(gw_errors_count punt_queue_full)
  tf=$(gw_errors_count tx_failed)
  gw_cli "show errors"
  echo "punt_queue_full $pf, tx_failed $tf"
  [ "$pf" = 0 ] && [ "$tf" = 0 ]
}

# ------------------------------------------------------------------ 1. two workers, many flows
check "running-config: dataplane workers 2" \
  eval "gw_cli 'show running-config' | grep -qx 'dataplane workers 2'"
check "show dataplane json: 2 workers, threads 0 and 1 with every counter" \
  gw_json "show dataplane json" 'd["workers"] == 2 and [t["id"] for t in d["threads"]] == [0, 1]
    and all(has(t, "rx", "forwarded", "punted", "punt_drops", "tx_failed") for t in d["threads"])
    and isinstance(d["snapshots"], int)'
dp_text() {
  local out
  out=$(gw_cli "show dataplane") || return 1
  echo "$out"
  grep -Eq '^Workers: 2, forwarding snapshots published: [0-9]+$' <<<"$out" &&
    grep -Eq '^Worker +Received +Forwarded +To main +Queue drops +Tx failed$' <<<"$out" &&
    [ "$(grep -Ec '^[01] +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+$' <<<"$out")" = 2 ]
}
check "show dataplane: 'Workers: 2', the header and one line per worker" dp_text
check "vxgwd runs 2 worker threads (vxgw-w*)" wait_until 5 worker_threads 2

# ARP and MACs learned on both sides first, so that the flows take the fast path
check "h1 -> h2 across VNIs (warm-up)" lab_ping h1 "$H2"
check "h2 -> h1 across VNIs (warm-up)" lab_ping h2 10.1.10.50

FLOWS=32
ROUNDS=100
NF=$((FLOWS * ROUNDS))
flows_run() {
  dp_snap f0 || return 1
  udp_flows flows $FLOWS $ROUNDS 0.01 || return 1
  sleep 0.3
  dp_snap f1
}
check "$NF UDP datagrams h1 -> h2 in $FLOWS flows (source ports) sent" flows_run
check "h2 received >= 99% of them, from $FLOWS sources" \
  eval '[ "$(recv_field flows received)" -ge $((NF * 99 / 100)) ] &&
        [ "$(recv_field flows sources)" = $FLOWS ]'
check "the flows are spread: each worker received and forwarded some" \
  dp_cmp f0 f1 'all(x > 0 for x in rx) and all(x > 0 for x in fwd)'
check "the workers' fast path forwarded >= 90% of the $NF datagrams (and no more than sent)" \
  dp_cmp f0 f1 'N * 9 // 10 <= sum(fwd) <= N + 20 and sum(pdrops) == 0 and sum(txfail) == 0' N=$NF
note "flows: $(cat "$LAB_TMP/flows.sent" 2>/dev/null) sent, $(recv_field flows received) received; $(dp_cmp f0 f1 True)"

# ------------------------------------------------------------------ 2. commits under traffic
CHURN_PING=$LAB_TMP/churn-ping.txt
COMMITS=0
COMMIT_FAILS=0
# churn_round I: 10 commits (each of these lines changes the configuration, so each one is a
# commit of its own): a static route, a bridge domain with a VNI and its BDIF with an address
# (connected routes), the hostname; then all of it taken back. 5 rounds spread over the ping.
churn_round() {
  local i=$1
  gw_cli "configure terminal" "ip route 198.19.$i.0/24 null0" "end" >/dev/null &&
    COMMITS=$((COMMITS + 1)) || COMMIT_FAILS=$((COMMIT_FAILS + 1))
  gw_cli "configure terminal" "bridge-domain 40" "vni 8000" "exit" "interface bdif 40" \
    "ip address 10.1.40.1/24" "end" >/dev/null &&
    COMMITS=$((COMMITS + 4)) || COMMIT_FAILS=$((COMMIT_FAILS + 1))
  gw_cli "configure terminal" "hostname churn$i" "end" >/dev/null &&
    COMMITS=$((COMMITS + 1)) || COMMIT_FAILS=$((COMMIT_FAILS + 1))
  gw_cli "configure terminal" "no interface bdif 40" "no bridge-domain 40" \
    "no ip route 198.19.$i.0/24 null0" "end" >/dev/null &&
    COMMITS=$((COMMITS + 3)) || COMMIT_FAILS=$((COMMIT_FAILS + 1))
  gw_cli "configure terminal" "hostname vxgw-e2e" "end" >/dev/null &&
    COMMITS=$((COMMITS + 1)) || COMMIT_FAILS=$((COMMIT_FAILS + 1))
}
churn_run() {
  local ppid i t0 still
  dp_snap c0 || return 1
  gw_cli "show running-config" >"$LAB_TMP/rc.before" || return 1
  lab_exec h1 timeout 60 ping -n -q -i 0.01 -c 1500 -W 2 "$H2" >"$CHURN_PING" 2>&1 &
  ppid=$!
  sleep 1
  t0=$(date +%s%N)
  for i in 1 2 3 4 5; do
    churn_round "$i"
    sleep 2
  done
  still=no
  kill -0 "$ppid" 2>/dev/null && still=yes
  CHURN_INFO="$COMMITS commits ($COMMIT_FAILS vxgw-cli calls failed) in $((($(date +%s%N) - t0) / 1000000)) ms; ping still running after them: $still"
  echo "$CHURN_INFO"
  wait "$ppid"
  cat "$CHURN_PING"
  dp_snap c1
  gw_cli "show running-config" >"$LAB_TMP/rc.after" || return 1
  diff -u "$LAB_TMP/rc.before" "$LAB_TMP/rc.after" || { echo "the churn did not undo itself"; return 1; }
  [ "$COMMIT_FAILS" = 0 ] && [ "$COMMITS" = 50 ] && [ "$still" = yes ]
}
check "50 commits through vxgw-cli (route, bridge domain + VNI + BDIF, hostname) during a ping" \
  churn_run
check "the 100/s ping h1 -> h2 through the commits: 1500 sent, 1500 answered (0% loss)" \
  grep -Eq '^1500 packets transmitted, 1500 received, 0% packet loss' "$CHURN_PING"
check "a snapshot was published for each commit" dp_cmp c0 c1 'snaps >= C' C=$COMMITS
check "the workers forwarded >= 90% of the 3000 echo requests and replies meanwhile" \
  dp_cmp c0 c1 'sum(fwd) >= 2700 and sum(pdrops) == 0 and sum(txfail) == 0'
note "churn: ${CHURN_INFO:-}; $(dp_cmp c0 c1 True); ping: $(grep -E 'packets transmitted|rtt' "$CHURN_PING" | tr '\n' ' ')"

# ------------------------------------------------------------------ 3. exact counters
check "no punt_queue_full, no tx_failed so far" errors_clean
# fresh neighbours on all sides (the gateway's REACHABLE lasts 30 s, the hosts' >= 15 s): no
# ARP on bdif10/bdif20 while the datagrams are counted. h2 resolves the gateway itself first:
# an entry it made from the gateway's ARP request is only STALE, turns DELAY with its ping
# replies and is probed 5 s later, inside the counting window on a busy machine (bdif20 tx
# 501 of 500, the gateway's ARP reply). One that h2 resolved is REACHABLE.
fresh_neigh() {
  lab_exec h1 ip neigh flush all
  lab_exec h2 ip neigh flush all
  gw_cli "clear ip arp" || return 1
  PING_COUNT=1 lab_ping h2 10.1.20.1 && PING_COUNT=3 lab_ping h1 "$H2" &&
    lab_exec h2 ip neigh show 10.1.20.1 | tee /dev/stderr | grep -q REACHABLE
}
check "neighbours re-resolved (h1, h2 and the gateway) just before counting" fresh_neigh
fwd_again() {
  dp_snap w0 && PING_COUNT=2 lab_ping h1 "$H2" >/dev/null && dp_snap w1 && dp_cmp w0 w1 'sum(fwd) >= 4'
}
check "the workers forward h1 -> h2 again (the snapshot has the new neighbour)" wait_until 5 fwd_again
NX=500
exact_run() {
  gw_cli "clear counters" || return 1
  dp_snap x0 || return 1
  # 50 flows: both workers get some (all on one: 2^-49)
  udp_flows exact 50 $((NX / 50)) 0.01 || return 1
  [ "$(recv_field exact received)" = $NX ] || { echo "h2 did not receive exactly $NX"; return 1; }
  sleep 0.5
  dp_snap x1 || return 1
  gw_cli "show counters interface bdif10 json" >"$LAB_TMP/x.bdif10" &&
    gw_cli "show counters interface bdif20 json" >"$LAB_TMP/x.bdif20" || return 1
  gw_cli "show counters json" >"$LAB_TMP/x.all" || return 1
  gw_cli "show counters interface bdif10" "show counters interface bdif20"
}
check "clear counters, exactly $NX datagrams h1 -> h2 in 50 flows, h2 received $NX" exact_run
if_field() { # NAME FIELD
  timeout 10 python3 -c '
import json, sys
print(json.load(open(sys.argv[1]))["interfaces"][0][sys.argv[2]])' "$LAB_TMP/x.$1" "$2" 2>/dev/null
}
check "show counters interface bdif10 json: rx_packets == $NX exactly" \
  eval '[ "$(if_field bdif10 rx_packets)" = $NX ] || { cat "$LAB_TMP/x.bdif10"; false; }'
check "show counters interface bdif20 json: tx_packets == $NX exactly" \
  eval '[ "$(if_field bdif20 tx_packets)" = $NX ] || { cat "$LAB_TMP/x.bdif20"; false; }'
check "both workers took part and forwarded them (>= 90% on the fast path, none lost)" \
  dp_cmp x0 x1 'sum(rx) == N and all(x > 0 for x in fwd) and sum(fwd) >= N * 9 // 10' N=$NX
# what show dataplane says, not only its deltas: clear counters restarted each worker's
# counts (a few packets may arrive between the clear and the first show)
check "show dataplane json right after clear counters: every worker's counters 0 or small" \
  dp_cmp x0 x0 'all(t[k] <= 5 for t in a["threads"]
                    for k in ("rx", "forwarded", "punted", "punt_drops", "tx_failed"))'
check "then they grew with the $NX datagrams: received in all $NX..$NX+10" \
  dp_cmp x0 x1 'N <= sum(t["rx"] for t in b["threads"]) <= N + 10' N=$NX
exact_objects() {
  timeout 10 python3 - "$LAB_TMP/x.all" $NX <<'PYEOF'
import json, sys
d, n = json.load(open(sys.argv[1])), int(sys.argv[2])
def get(kind, key, name, field):
    return next((o[field] for o in d[kind] if str(o[key]) == name), None)
ok = True
for kind, key, name, field in [("bridge_domains", "bridge_domain", "10", "rx_packets"),
                               ("bridge_domains", "bridge_domain", "20", "tx_packets"),
                               ("peers", "peer", "192.0.2.11", "rx_packets"),
                               ("peers", "peer", "192.0.2.12", "tx_packets")]:
    v = get(kind, key, name, field)
    print("%s %s %s: %s" % (kind, name, field, v))
    ok = ok and v == n
sys.exit(not ok)
PYEOF
}
check "show counters json: bridge-domain 10 rx, 20 tx, peer .11 rx, .12 tx == $NX exactly" \
  exact_objects
note "exact: $(dp_cmp x0 x1 True)"

# ------------------------------------------------------------------ 4. exceptions
punted_ping() { # DST: every echo answered, and they went to the main thread
  dp_snap p0 || return 1
  ping_all h1 "$1" 3 || return 1
  dp_snap p1 && dp_cmp p0 p1 'sum(punted) >= 3'
}
check "h1 pings its gateway 10.1.10.1 (to the gateway: punted to the main thread)" \
  punted_ping 10.1.10.1
check "h1 pings the gateway's other BDIF 10.1.20.1 (punted)" punted_ping 10.1.20.1
ttl_exceeded() {
  local out
  out=$(lab_exec h1 timeout 10 ping -n -c 1 -t 1 -W 2 "$H2")
  echo "$out"
  echo "$out" | grep -Eq '^From 10\.1\.10\.1 icmp_seq=1 Time to live exceeded'
}
check "ping -t 1 h1 -> h2: 'Time to live exceeded' from 10.1.10.1" ttl_exceeded

TRACE=$LAB_TMP/trace.txt
traced_ping() {
  gw_cli "clear trace" "trace add 5" || return 1
  dp_snap t0 || return 1
  PING_COUNT=2 lab_ping h1 "$H2" || return 1
  dp_snap t1 || return 1
  gw_cli "show trace" >"$TRACE" || return 1
  cat "$TRACE"
}
check "trace add 5, 2 pings h1 -> h2, show trace" traced_ping
trace_has() {
  local re
  for re in "$@"; do
    grep -Eq -- "$re" "$TRACE" || { echo "no line matches: $re"; return 1; }
  done
}
check "show trace: the routed request (lookup 10.1.20.0/24 on bdif20, encap to 192.0.2.12)" \
  trace_has "ip4-lookup +dst 10\.1\.20\.60 prefix 10\.1\.20\.0/24 path connected interface bdif20$" \
  "vxlan-encap +vtep 192\.0\.2\.12 vni 6000 " "vxlan-encap +vtep 192\.0\.2\.11 vni 5000 "
trace_budget() {
  local n
  n=$(sed -n 's/^Packet trace: \([0-9]*\) traced, \([0-9]*\) more to trace$/\1 \2/p' "$TRACE")
  echo "traced, more: $n"
  case $n in "4 1" | "5 0") return 0 ;; *) return 1 ;; esac
}
check "all 4 packets traced (nothing slipped past on the fast path)" trace_budget
check "while the trace was armed the workers forwarded nothing" \
  dp_cmp t0 t1 'sum(fwd) == 0 and sum(punted) >= 4'
fast_again() {
  PING_COUNT=3 lab_ping h1 "$H2" >/dev/null || return 1 # spends the rest of the budget
  wait_until 5 eval 'dp_snap a0 && PING_COUNT=3 lab_ping h1 "$H2" >/dev/null && dp_snap a1 &&
    dp_cmp a0 a1 "sum(fwd) >= 6"'
}
check "once the budget is spent the workers forward again" fast_again

# h3 (BD 30, flood-group) has not sent anything to the gateway yet: its MAC and neighbour are
# new, punted until the next snapshot has them
check "h3 is unknown to the gateway so far" \
  eval "! gw_cli 'show ip arp' | grep -q '10\.1\.30\.70 '"
check "h1 -> h3, a host never seen: 5 of 5 echoes answered" ping_all h1 10.1.30.70 5
check "h3 -> h1: 5 of 5" ping_all h3 10.1.10.50 5
fresh_h2() {
  gw_cli "clear mac address-table dynamic" "clear ip arp" || return 1
  ping_all h1 "$H2" 5
}
check "clear mac address-table dynamic, clear ip arp, h1 -> h2: 5 of 5 answered" fresh_h2
h3_fast() {
  wait_until 5 eval 'dp_snap h0 && PING_COUNT=3 lab_ping h1 10.1.30.70 >/dev/null && dp_snap h1 &&
    dp_cmp h0 h1 "sum(fwd) >= 6"'
}
check "then h1 <-> h3 takes the fast path" h3_fast

# ------------------------------------------------------------------ 5. the count at run time
snaps_now() {
  gw_cli "show dataplane json" |
    timeout 10 python3 -c 'import json, sys; print(json.load(sys.stdin)["snapshots"])'
}
# snaps_go_on BEFORE: show dataplane json's snapshots is not below BEFORE
snaps_go_on() {
  local n
  n=$(snaps_now) || return 1
  echo "snapshots published: $1 before, $n now"
  [ "$n" -ge "$1" ]
}
workers_is() { # N: show dataplane json and the threads agree on N
  gw_json "show dataplane json" "d['workers'] == $1 and len(d['threads']) == $1" &&
    wait_until 5 worker_threads "$1"
}
set_workers() { gw_cli "configure terminal" "dataplane workers $1" "end"; }
SNAPS2=$(snaps_now)
check "show dataplane json: snapshots published so far (2 workers) >= 50" \
  eval '[ "${SNAPS2:-0}" -ge 50 ] || { echo "snapshots: $SNAPS2"; false; }'
check "dataplane workers 1 is accepted" set_workers 1
check "show dataplane json: 1 worker; 1 thread" workers_is 1
check "the count of snapshots published went on with the new worker (not restarted)" \
  snaps_go_on "${SNAPS2:-0}"
check "h1 -> h2 with 1 worker" lab_ping h1 "$H2"
one_fwd() {
  dp_snap o0 && PING_COUNT=3 lab_ping h1 "$H2" >/dev/null && dp_snap o1 &&
    dp_cmp o0 o1 'sum(fwd) >= 6'
}
check "the one worker forwards" wait_until 5 one_fwd
check "dataplane workers 0 is accepted" set_workers 0
check "show dataplane: 'Workers: none'; json workers 0; no worker thread" \
  eval 'gw_has_line "show dataplane" Workers: none && workers_is 0'
check "h1 -> h2 with no workers (the main thread receives)" lab_ping h1 "$H2"
check "h1 pings its gateway with no workers" lab_ping h1 10.1.10.1
main_routes() {
  local r0 r1
  r0=$(gw_cli "show counters json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["gateway"]["routed"])')
  PING_COUNT=3 lab_ping h1 "$H2" >/dev/null || return 1
  r1=$(gw_cli "show counters json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["gateway"]["routed"])')
  echo "routed: $r0 -> $r1"
  [ $((r1 - r0)) -ge 6 ]
}
check "the main thread routed them (show counters json: routed grew by >= 6)" main_routes
check "dataplane workers 2 again is accepted" set_workers 2
check "show dataplane json: 2 workers; 2 threads" workers_is 2
check "the count of snapshots published went on through 0 workers and back to 2" \
  snaps_go_on "${SNAPS2:-0}"
check "h1 -> h2 with 2 workers again" lab_ping h1 "$H2"
check "h1 -> h3 with 2 workers again" lab_ping h1 10.1.30.70
HANDOVER_PING=$LAB_TMP/handover.ping
HANDOVER_UP=$LAB_TMP/handover-up.ping
# a new count while two 100/s pings run, one across VNIs and one from the uplink: the new
# workers join the groups before the old leave (with xdp the main thread holds the queues'
# share meanwhile), and the main thread rejoins a fanout group before workers leave it
handover_run() {
  local ppid upid
  lab_exec h1 timeout 30 ping -n -q -i 0.01 -c 600 -W 2 "$H2" >"$HANDOVER_PING" 2>&1 &
  ppid=$!
  lab_exec ext timeout 30 ping -n -q -i 0.01 -c 600 -W 2 "$H1" >"$HANDOVER_UP" 2>&1 &
  upid=$!
  sleep 1
  set_workers 1 >/dev/null && sleep 1 && set_workers 2 >/dev/null && sleep 1 &&
    set_workers 1 >/dev/null && sleep 1 && set_workers 2 >/dev/null ||
    { wait "$ppid" "$upid"; return 1; }
  wait "$ppid" "$upid"
  cat "$HANDOVER_PING" "$HANDOVER_UP"
  workers_is 2
}
check "2 -> 1 -> 2 -> 1 -> 2 workers during 100/s pings" handover_run
check "the ping h1 -> h2 through the handovers: 600 sent, 600 answered (0% loss)" \
  eval 'cat "$HANDOVER_PING"; grep -Eq "^600 packets transmitted, 600 received, 0% packet loss" "$HANDOVER_PING"'
check "the ping ext -> h1 (from the uplink) through the handovers: 600 sent, 600 answered" \
  eval 'cat "$HANDOVER_UP"; grep -Eq "^600 packets transmitted, 600 received, 0% packet loss" "$HANDOVER_UP"'
check "the same vxgwd process all along (pid $GW_PID0)" \
  eval '[ "$GW_PID" = "$GW_PID0" ] && gw_alive && [ "$(cat /proc/$GW_PID/comm)" = vxgwd ]'
check "its log has no restart" eval '[ "$(grep -c "^=== gw_start" "$GW_LOG")" = 1 ]'

# ------------------------------------------------------------------ 6. the end
check "vxgwd is still running" gw_alive
check "no punt_queue_full, no tx_failed at the end" errors_clean

lab_finish
