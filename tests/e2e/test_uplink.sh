#!/usr/bin/env bash
# The Ethernet uplink end to end in the netns lab (tests/e2e/lab.sh), vxgwd with the default
# worker count (auto: one per CPU):
#   1. ARP from a sender outside up0's subnet (ext pinging from its inet0 address, as a
#      Linux router pinging from a loopback address does, arp_announce=0) and an RFC 5227
#      probe (sender 0.0.0.0) are answered: first with the Linux kernel as the gateway (the
#      job), then by vxgwd, which counts arp_offlink_replies and does not learn the sender.
#   2. every uplink frame is received by exactly one thread, also when the kernel hands
#      the uplink's PACKET_FANOUT group the id 0 (the kernel's counter is moved there
#      first, tests/e2e/fanout_id.py): the workers' sockets on up0 form one group (the
#      main thread's only sends while they run), ext's pings
#      to h1 and h2 get exactly one reply each (no "DUP!") and up0 counts exactly the frames
#      ext0 sent, at start and after each of: a worker handover (dataplane workers 1, then
#      auto), ip link set up0 down/up, the up0/ext0 veth pair deleted and created again
#      (show interfaces has up0 down while it is missing; vxgwd reopens its sockets and
#      takes the new MAC), `no interface ethernet up0` and its configuration added back.
#
# usage: test_uplink.sh [BUILD_DIR]      (default <repo>/build; needs root)
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_run_under_timeout 300 "$0" "$@"

[ -n "${1:-}" ] && VXGW_BUILD=$1
lab_init "vxt$$"
lab_require_root
lab_require_daemon
lab_trap

N=${UPLINK_PINGS:-20}       # echo requests per exactness check
H1=${LAB_HOST[1]}
H2=${LAB_HOST[2]}
EXT=$LAB_EXT_HOST           # ext's inet0 address: off-link for up0's 203.0.113.0/30
UP0_GW=203.0.113.2

check "test tools are installed" lab_require_tools || lab_finish
check "lab comes up" lab_up || lab_finish

# ------------------------------------------------------------------ helpers
# fanout_zero: the next PACKET_FANOUT group created with a kernel-chosen id gets id 0.
fanout_zero() { lab_exec ext timeout 60 python3 "$HERE/fanout_id.py" 0 20; }

# ping_exact DST N [ping args]: N echo requests from ext, exactly N replies, no duplicate.
ping_exact() {
  local dst=$1 n=$2 out rcv dups
  shift 2
  out=$(lab_exec ext timeout 60 ping -n -c "$n" -i 0.05 -W 2 "$@" "$dst" 2>&1)
  rcv=$(sed -nE 's/.* ([0-9]+) received.*/\1/p' <<<"$out")
  dups=$(grep -c 'DUP!' <<<"$out")
  echo "$out" | tail -n 4
  echo "ping $dst: $n sent, ${rcv:-?} received, $dups duplicates"
  [ "${rcv:-x}" = "$n" ] && [ "$dups" = 0 ] && ! grep -q duplicates <<<"$out"
}

ext_tx() { lab_exec ext cat /sys/class/net/ext0/statistics/tx_packets; }
up0_rx() {
  gw_cli "show interfaces json" | timeout 10 python3 -c '
import json, sys
print(sum(i["rx_packets"] for i in json.load(sys.stdin)["interfaces"] if i["name"] == "up0"))'
}

# frames_exact TX0 RX0: once ext0 is quiet, up0 received exactly what ext0 sent since.
frames_exact() {
  local tx0=$1 rx0=$2 end ta tb rx
  end=$(($(date +%s%N) + 3000000000))
  while :; do
    ta=$(ext_tx)
    sleep 0.3
    rx=$(up0_rx)
    tb=$(ext_tx)
    [ "$ta" = "$tb" ] && [ $((rx - rx0)) = $((ta - tx0)) ] && break
    [ "$(date +%s%N)" -ge "$end" ] && break
  done
  echo "ext0 sent $((tb - tx0)) frames, vxgwd counted $((rx - rx0)) received on up0"
  [ "$ta" = "$tb" ] && [ $((rx - rx0)) = $((ta - tx0)) ]
}

# exact_round LABEL: ext pings h1 and h2 (N each, exactly N replies each), and up0 counted
# exactly the frames ext0 sent meanwhile (requests, ARP): no frame taken twice, none lost.
exact_round() {
  local label=$1 tx0 rx0
  if ! tx0=$(ext_tx) || ! rx0=$(up0_rx); then
    echo "cannot read the counters"
    return 1
  fi
  ping_exact "$H1" "$N" || return 1
  ping_exact "$H2" "$N" || return 1
  frames_exact "$tx0" "$rx0" || return 1
  note "$label: h1 and h2: $N sent, $N received each, no duplicate; up0 rx = ext0 tx"
}

# up0_groups: vxgwd's packet sockets bound to up0 and their PACKET_FANOUT groups (ss -0 -e),
# as "SOCKETS ID[,ID...]" (ids sorted, one per group; "-" for a socket in no group).
up0_groups() {
  lab_exec gw ss -0 -a -e -n -p | timeout 10 python3 -c '
import re, sys
pid = sys.argv[1]
blocks, cur = [], None
for line in sys.stdin:
    if line[:1].isspace() and cur is not None:
        cur.append(line)
    elif line.startswith("p_"):
        cur = [line]
        blocks.append(cur)
    else:
        cur = None
ids = []
for b in blocks:
    text = "".join(b)
    if "pid=%s," % pid not in text or not re.search(r":up0\s", b[0]):
        continue
    m = re.search(r"fanout\(id:(\d+)", text)
    ids.append(m.group(1) if m else "-")
print(len(ids), ",".join(sorted(set(ids), key=lambda x: (x == "-", x))) or "none")' "$GW_PID"
}
# one_group SOCKETS [ID]: SOCKETS sockets on up0: the workers', all in one group (with id ID
# when given), and the main thread's, in none: while workers run it only sends, so that
# every frame is theirs (the main thread rejoins the group before they leave).
one_group() {
  local g
  g=$(up0_groups)
  echo "vxgwd's sockets on up0 and their fanout groups: $g (expected $1 ${2:-any},-)"
  [ "${g%% *}" = "$1" ] && [[ ${g#* } =~ ^([0-9]+),-$ ]] &&
    { [ -z "${2:-}" ] || [ "${BASH_REMATCH[1]}" = "$2" ]; }
}

# no_socket: vxgwd holds no socket bound to a netdev named up0
no_socket() {
  local g
  g=$(up0_groups)
  echo "vxgwd's sockets on up0 and their fanout groups: $g (expected none)"
  [ "${g%% *}" = 0 ]
}

worker_threads() {
  local n
  n=$(cat /proc/"$GW_PID"/task/*/comm 2>/dev/null | grep -c '^vxgw-w')
  echo "vxgw-w* threads: $n (expected $1)"
  [ "$n" = "$1" ]
}

# if_state NAME: "up" or "down" as show interfaces json has it
if_state() {
  gw_cli "show interfaces json" | timeout 10 python3 -c '
import json, sys
print(" ".join("up" if i["up"] else "down"
               for i in json.load(sys.stdin)["interfaces"] if i["name"] == sys.argv[1]))' "$1"
}
if_is() { [ "$(if_state "$1")" = "$2" ]; }

# arp_probe IF TARGET: an RFC 5227 probe (sender 0.0.0.0) for TARGET out of ext's IF is
# answered (a reply from TARGET to ext's MAC, for 0.0.0.0) within 3 s.
arp_probe() {
  lab_exec ext timeout 10 python3 - "$1" "$2" <<'PYEOF'
import select, socket, struct, sys, time
ifc, tip = sys.argv[1], socket.inet_aton(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind((ifc, 0x0806))
mac = s.getsockname()[4]
arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + bytes(4) + bytes(6) + tip
frame = b"\xff" * 6 + mac + struct.pack("!H", 0x0806) + arp
s.send(frame + bytes(60 - len(frame)))
end = time.monotonic() + 3
while time.monotonic() < end:
    if not select.select([s], [], [], max(0, end - time.monotonic()))[0]:
        break
    f = s.recv(2048)
    if len(f) < 42 or f[12:14] != b"\x08\x06":
        continue
    op, sha, spa, tha, tpa = struct.unpack("!6xH6s4s6s4s", f[14:42])
    if op == 2 and spa == tip and tha == mac and tpa == bytes(4):
        print("probe for %s answered by %s" % (sys.argv[2], sha.hex(":")))
        sys.exit(0)
sys.exit("no answer to the probe for %s" % sys.argv[2])
PYEOF
}

# arp_from_offlink: ext forgets its neighbours and pings h1 from 198.51.100.10, so that its
# ARP request for the gateway carries that off-link sender: exactly N replies.
arp_from_offlink() {
  lab_exec ext ip neigh flush all
  ping_exact "$H1" "$N" -I "$EXT"
}

# ------------------------------------------------------------------ 1. the job: the kernel
if check "kernel gateway comes up" kernel_gw_up; then
  check "kernel gateway: ext pings h1 from $EXT (ARP sender off up0's subnet): $N sent, $N received" \
    arp_from_offlink
  check "kernel gateway: an ARP probe (sender 0.0.0.0) for $UP0_GW is answered" \
    arp_probe ext0 "$UP0_GW"
  check "kernel gateway goes down" kernel_gw_down
fi

# ------------------------------------------------------------------ 2. vxgwd, fanout id 0
CONF=$LAB_TMP/vxgw.conf
lab_gw_config >"$CONF"
NW=$(getconf _NPROCESSORS_ONLN)
[ "$NW" -gt 32 ] && NW=32
# start_on_group0: vxgwd starts while the kernel's next fanout id is 0; its main thread's
# socket on up0 creates the group, so it gets 0 unless another process on the host took it
# in between (then again, at most 3 times).
start_on_group0() {
  local i g
  for i in 1 2 3; do
    fanout_zero || return 1
    gw_start "$CONF" || return 1
    wait_until 5 worker_threads "$NW" >/dev/null
    g=$(up0_groups)
    echo "attempt $i: vxgwd's sockets on up0 and their groups: $g"
    [[ ,${g#* }, == *,0,* ]] && return 0
    gw_stop
  done
  return 1
}
check "vxgwd starts (default worker count: $NW) while the kernel's next fanout id is 0" \
  start_on_group0 || lab_finish
check "vxgwd runs $NW worker threads" worker_threads "$NW"

snap=$LAB_TMP/arp.snap
check "snapshot of the counters" gw_snap "$snap"
check "vxgwd: ext pings h1 from $EXT (ARP sender off up0's subnet) first thing: $N sent, $N received" \
  arp_from_offlink
check "vxgwd: arp_offlink_replies grew (answered, not learned)" gw_grew "$snap" arp_offlink_replies 1
not_learned() {
  local m
  m=$(gw_arp_mac "$EXT")
  gw_cli "show ip arp"
  [ -z "$m" ]
}
check "vxgwd did not learn $EXT (show ip arp)" not_learned
check "vxgwd: an ARP probe (sender 0.0.0.0) for $UP0_GW is answered" arp_probe ext0 "$UP0_GW"
check "vxgwd did not learn 0.0.0.0 (show ip arp)" eval '[ -z "$(gw_arp_mac 0.0.0.0)" ]'

check "$NW workers and the main thread on up0: $((NW + 1)) sockets, the workers' in one fanout group (id 0), the main thread's sending only" \
  one_group $((NW + 1)) 0
EXACT="ext pings h1 and h2: $N sent, $N received each, no DUP; up0 received what ext0 sent"
check "at start: $EXACT" exact_round "start"

# ------------------------------------------------------------------ 3. worker handover
check "dataplane workers 1" gw_cli "configure terminal" "dataplane workers 1" "end"
check "1 worker thread" wait_until 5 worker_threads 1
check "after the handover to 1 worker: 2 sockets on up0, one fanout group, the main thread sending only" one_group 2
check "after the handover to 1 worker: $EXACT" exact_round "1 worker"
check "no dataplane workers (auto)" gw_cli "configure terminal" "no dataplane workers" "end"
check "$NW worker threads" wait_until 5 worker_threads "$NW"
check "after the handover to auto: $((NW + 1)) sockets on up0, one fanout group" \
  one_group $((NW + 1))
check "after the handover to auto: $EXACT" exact_round "auto workers"

# ------------------------------------------------------------------ 4. netdev down and up
check "ip link set up0 down" lab_exec gw ip link set up0 down
check "show interfaces: up0 down while its netdev is down" wait_until 5 if_is up0 down
check "ip link set up0 up" lab_exec gw ip link set up0 up
check "show interfaces: up0 up again" wait_until 5 if_is up0 up
check "after down/up: $((NW + 1)) sockets on up0, one fanout group" one_group $((NW + 1))
check "after down/up: $EXACT" exact_round "link down/up"

# ------------------------------------------------------------------ 5. netdev deleted, created
UP0_MAC_OLD=$(gw_if_mac up0)
check "the kernel's next fanout id moved to 0 again" fanout_zero
check "ip link del up0 (the veth pair goes)" lab_exec gw ip link del up0
check "show interfaces: up0 down while its netdev is missing" wait_until 5 if_is up0 down
missing_text() {
  local out
  out=$(gw_cli "show interfaces") || return 1
  echo "$out" | grep -A1 '^up0 '
  grep -Eq '^up0 is down \(netdev missing\)' <<<"$out"
}
check "show interfaces: 'up0 is down (netdev missing)'" missing_text
check "no vxgwd socket left on a netdev named up0" no_socket
NEW_MTU=1400 # another netdev: another MAC, and here another MTU
recreate_pair() {
  # as lab.sh builds it; offloads left at the kernel's defaults
  ip -n "$P-gw" link add up0 mtu $NEW_MTU type veth peer name ext0 mtu $NEW_MTU \
    netns "$P-ext" &&
    ip -n "$P-gw" link set up0 up &&
    ip -n "$P-ext" addr add 203.0.113.1/30 dev ext0 &&
    ip -n "$P-ext" link set ext0 up &&
    ip -n "$P-ext" route add 10.0.0.0/8 via $UP0_GW
}
check "the up0/ext0 veth pair created again, MTU $NEW_MTU (ext0 203.0.113.1/30, 10.0.0.0/8 via $UP0_GW)" \
  recreate_pair
check "show interfaces: up0 up again" wait_until 5 if_is up0 up
check "vxgwd logged that it reopened up0's sockets" grep "uplink up0: sockets reopened" "$GW_LOG"
new_mac() {
  local m k
  m=$(gw_if_mac up0)
  k=$(lab_exec gw cat /sys/class/net/up0/address)
  echo "up0: gateway MAC $m (before: $UP0_MAC_OLD), netdev MAC $k"
  [ "$m" = "$k" ] && grep "uplink up0: sockets reopened: .*, MAC $k, MTU $NEW_MTU," "$GW_LOG"
}
check "up0 took the new netdev's MAC and MTU (show interfaces, log)" new_mac
check "vxgwd warned that up0's mtu 1500 is more than the new netdev's $NEW_MTU" \
  grep "uplink up0: interface up0 has mtu 1500, its netdev only $NEW_MTU" "$GW_LOG"
check "after the netdev came back: $((NW + 1)) sockets on the new up0, one fanout group" \
  one_group $((NW + 1))
check "after the netdev came back: $EXACT" exact_round "netdev re-created"

# ------------------------------------------------------------------ 6. interface removed, added
check "the kernel's next fanout id moved to 0 again" fanout_zero
check "no interface ethernet up0" gw_cli "configure terminal" "no interface ethernet up0" "end"
check "no vxgwd socket on up0 any more" wait_until 5 no_socket
readd() {
  gw_cli "configure terminal" "interface ethernet up0" "ip address 203.0.113.2/30" "end"
}
check "interface ethernet up0 / ip address 203.0.113.2/30 added back" readd
check "after it came back: $((NW + 1)) sockets on up0, one fanout group" \
  wait_until 5 one_group $((NW + 1))
note "vxgwd's sockets on up0 and their fanout groups now: $(up0_groups)"
check "after it came back: $EXACT" exact_round "interface re-added"

check "vxgwd still running" gw_alive
check "vxgwd exits cleanly on SIGTERM" gw_stop
lab_finish
