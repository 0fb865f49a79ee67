#!/usr/bin/env bash
# End-to-end benchmark: vxgwd against the Linux kernel as the same L3 gateway, measured in one
# run in the netns lab of tests/e2e/lab.sh (SPEC section 5). Run by hand, as root; not run by
# ctest/CI. tests/bench/README.md says what each figure means.
#
# usage: tests/bench/e2e_bench.sh [BUILD_DIR]     (default <repo>/build)
#
# The lab comes up once; the kernel gateway (lab.sh kernel_gw_up) is measured, taken down, the
# gateway namespace is checked back in the state vxgwd expects (ip_forward=0, no address on up0,
# no leftover device or address), vxgwd is started and measured; the lab is removed on every
# exit path. Printed at the end, and written with the raw figures and the log to
# BUILD_DIR/bench/e2e_results.md: | test | IP | vxgwd | kernel | ratio vxgwd/kernel |.
#
# IP versions (FAMILY=4, 6 or both, the default): each gateway is measured in IPv4, then in
# IPv6, the same way. For IPv6, h1 and h2 get static addresses (the EUI-64 address of their
# MAC in 2001:db8:10::/64 and 2001:db8:20::/64, 2001:db8::/32 via the gateway's ::1 of their
# /64; no router advertisement taken), the kernel gateway is kernel_gw_up --ipv6 and vxgwd's
# config lab_gw_config --ipv6 (bdif10/bdif20 hold those ::1); the inner frames are IPv6 UDP
# from h1 to h2, hop limit 64, with a valid UDP checksum, and vxsink -6 counts exactly those
# after routing. Before the frames, pings h1 -> h2 make the gateway resolve h2 (ARP; ND, which
# is checked in the gateway's neighbour table). With both, the IPv4 figures are taken with
# the gateways dual stack (their router advertisements go to the VTEPs; nothing counts them).
#
# For each gateway and IP version:
#  1. packets/s of 64-byte and 1400-byte inner frames (Ethernet, without FCS; 64 bytes hold the
#     62 of Ethernet, IPv6 and UDP headers, so both versions use the same sizes). vxgen (AF_PACKET
#     TX ring) puts VXLAN frames on the underlay's gateway port (p-gw in $P-ul, the veth whose
#     peer is the gateway's ul0), exactly as VTEP1 would send them: 192.0.2.11 ->
#     192.0.2.1:4789, VNI 5000, inner h1's MAC -> the gateway's BDIF MAC (vxgwd: bdif10 from
#     `show interfaces json`; kernel: br10), 10.1.10.50 -> 10.1.20.60 UDP to port 9. The
#     gateway routes them into VNI 6000 toward VTEP2 (192.0.2.12). vxsink (XDP) counts and
#     drops exactly those: VXLAN to 192.0.2.12 carrying that inner UDP, as they come out of
#     the gateway on p-gw (SINK_AT=port, default), or on VTEP2's ul0 (SINK_AT=vtep2). Before
#     that, 1000 paced frames of each size must reach h2 through VTEP2 (no sink): the routed
#     frames are right end to end.
#     a. overload: vxgen at full speed; rates from counter deltas over MEAS s after WARM s.
#     b. throughput at <= LOSS_MAX loss: binary search over paced rates, TRIAL s each, exact
#        counts (frames vxgen sent vs frames vxsink counted); a failed trial is retried once.
#     c. CPU of the gateway core per packet at a paced FIX_PPS that both gateways sustain.
#  2. TCP: iperf3 -c in h1 to iperf3 -s in h2 (-4 or -6), 10 s after 1 s omitted, through the
#     gateway.
#
# CPUs (2 or more): this script and all it starts (generator, sink, iperf3, the VTEPs' and
# hosts' kernel work) run on LOAD_CPU (0); the gateway gets GW_CPU (1): vxgwd is pinned there,
# and RPS on the gateway namespace's ul0 steers everything it receives there (the kernel
# gateway's whole forwarding path runs in that softirq; for vxgwd, the UDP socket receive).
# RPS on p-gw sends what the gateway transmits back to LOAD_CPU (bridge, VTEPs, hosts), except
# with the sink on p-gw, whose XDP runs where the gateway transmits (its cost, the same per
# packet for both gateways, is in the gateway core's figures).
#
# Safety: all traffic stays inside the lab's namespaces ($P-*, P=vxt<pid>); every load is
# bounded in time and count; the lab is deleted on every exit path (trap); the whole run is
# under `timeout`.
#
# Environment: FAMILY (both; 4 or 6: one IP version, about half the time); MEAS (5) WARM (2)
# TRIAL (2) seconds; FIX_PPS (100000); LOSS_MAX (0.001);
# IO (socket): vxgwd's `dataplane io` (xdp: AF_XDP sockets fed by its XDP program on ul0);
# BUSY_POLL (0): vxgwd's `dataplane busy-poll USEC` (0: none; with IO=xdp and WORKERS >= 1);
# WORKERS (1): vxgwd's `dataplane workers` (0: the main thread forwards; all of vxgwd's threads
# share GW_CPU, so more than 1 only shows the cost of sharing a core);
# LOAD_CPU (0) GW_CPU (1); LAB_GRO (1: GRO on the gateway's ul0, run in a NAPI thread pinned
# to GW_CPU, for both gateways; 0: off, every datagram its own trip through the stack);
# SINK_AT (port | vtep2); WAIT_QUIET (60): wait up to that many s (max 120)
# before starting until other processes leave the CPUs alone; E2E_BENCH_PERF=1 also records
# `perf record -g -C GW_CPU` for 3 s of vxgwd at its loss-free rate with 64-byte frames
# (BUILD_DIR/bench/e2e_perf_vxgwd.{data,txt}; IPv6: e2e_perf_vxgwd.v6.{data,txt}).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../e2e/lab.sh"
FAMILY=${FAMILY:-both}
case $FAMILY in
  4 | 6) FAMILIES=$FAMILY ;;
  both) FAMILIES="4 6" ;;
  *) echo "e2e_bench: FAMILY must be 4, 6 or both" >&2; exit 2 ;;
esac
# about 3 min per IP version (plus the wait for quiet CPUs); the bound leaves room for a slow run
lab_run_under_timeout $((180 + 300 * $(wc -w <<<"$FAMILIES"))) "$0" "$@"

[ -n "${1:-}" ] && VXGW_BUILD=$(realpath "$1")
lab_init "vxt$$"
lab_require_root
lab_require_daemon
VXGEN=$VXGW_BUILD/tests/bench/vxgen
VXSINK=$VXGW_BUILD/tests/bench/vxsink
for b in "$VXGEN" "$VXSINK"; do
  [ -x "$b" ] || { echo "e2e_bench: $b is not built (cmake --build $VXGW_BUILD)"; exit 1; }
done
lab_require_cmds ip bridge python3 iperf3 taskset timeout awk ss || exit 1
has_ipv6() { [[ " $FAMILIES " == *" 6 "* ]]; }
if has_ipv6; then lab_require_cmds radvd || exit 1; fi # (kernel_gw_up --ipv6)

WORKERS=${WORKERS:-1}
case $WORKERS in *[!0-9]* | "") echo "e2e_bench: WORKERS must be a number" >&2; exit 2 ;; esac
IO=${IO:-socket}
BUSY_POLL=${BUSY_POLL:-0}
case $BUSY_POLL in *[!0-9]* | '') echo "e2e_bench: BUSY_POLL must be a number of microseconds" >&2; exit 2 ;; esac
case $IO in socket | xdp | auto) ;; *) echo "e2e_bench: IO must be socket, xdp or auto" >&2; exit 2 ;; esac
MEAS=${MEAS:-5}
WAIT_QUIET=${WAIT_QUIET:-60}
[ "$WAIT_QUIET" -le 120 ] || WAIT_QUIET=120
WARM=${WARM:-2}
TRIAL=${TRIAL:-2}
FIX_PPS=${FIX_PPS:-100000}
LOSS_MAX=${LOSS_MAX:-0.001}
LOAD_CPU=${LOAD_CPU:-0}
GW_CPU=${GW_CPU:-1}
SINK_AT=${SINK_AT:-port}
SEARCH_STEPS=8  # distinct rates tried at most
FOREIGN_MAX=0.05 # CPU (in cores) used by other processes above which a window is "disturbed"
CLK_TCK=$(getconf CLK_TCK)
OUT_DIR=$VXGW_BUILD/bench
RESULTS=$OUT_DIR/e2e_results.md
mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR/e2e_results.failed.log"
[ "${E2E_BENCH_PERF:-0}" = 1 ] && rm -f "$OUT_DIR"/e2e_perf_vxgwd*.txt # (only this run's)
case $SINK_AT in
  port) SINK_NS=ul SINK_IF=p-gw ;;
  vtep2) SINK_NS=vtep2 SINK_IF=ul0 ;;
  *) echo "SINK_AT must be port or vtep2"; exit 1 ;;
esac
lab_trap

RAW=$LAB_TMP/raw.txt  # key=value lines, the source of the table
LOG=$LAB_TMP/log.txt  # what was printed (copied into the results file)
: >"$RAW"
: >"$LOG"
say() { echo "# $*" | tee -a "$LOG"; }
put() { echo "$1=$2" >>"$RAW"; }
get() { awk -F= -v k="$1" '$1 == k { v = $2 } END { print v }' "$RAW"; }
label() { case $1 in *.v6) echo "${1%.v6} IPv6" ;; *) echo "$1 IPv4" ;; esac; } # KEY
kpps() { awk -v v="$1" 'BEGIN { printf "%.1f", v / 1000 }'; }
pct() { awk -v v="$1" -v d="${2:-0}" 'BEGIN { printf "%.*f %%", d, v * 100 }'; }
die() {
  say "FAILED: $*"
  cp "$LOG" "$OUT_DIR/e2e_results.failed.log" 2>/dev/null
  exit 1
}

NCPU=$(nproc --all) # (not nproc: that is this process's affinity, which may be narrowed already)
if [ "$NCPU" -ge 2 ]; then
  PINNED=1
  taskset -pc "$LOAD_CPU" $$ >/dev/null || die "taskset -pc $LOAD_CPU $$"
  taskset -c "$GW_CPU" true || die "cannot run on CPU $GW_CPU"
  GW_MASK=$(printf '%x' $((1 << GW_CPU)))
  LOAD_MASK=$(printf '%x' $((1 << LOAD_CPU)))
else
  PINNED=0
fi
MY_PGRP=$(ps -o pgid= $$ | tr -d ' ')

# --- counters -----------------------------------------------------------------------------------
# /proc/stat line of cpu N as "busy idle usr sys softirq total" (jiffies; idle includes iowait,
# softirq includes irq)
cpu_line() {
  awk -v c="cpu$1" '$1 == c { idle = $5 + $6; tot = 0; for (i = 2; i <= 9; i++) tot += $i
    print tot - idle, idle, $2 + $3, $4, $7 + $8, tot }' /proc/stat
}

ns_stats() { # NS IFACE COUNTER...: the counters of IFACE in namespace NS, on one line
  local ns=$1 ifc=$2
  shift 2
  ip netns exec "$P-$ns" sh -c 'cd "/sys/class/net/$1/statistics" && shift && cat "$@"' sh "$ifc" "$@" |
    tr '\n' ' '
}

udp_rcvbuf_errors() { # Udp RcvbufErrors of the gateway namespace
  lab_exec gw awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) k[i] = $i; h = 1 }
    else for (i = 1; i <= NF; i++) if (k[i] == "RcvbufErrors") print $i }' /proc/net/snmp
}

# "pid ticks" of every process that is neither ours (our process group: everything this
# script started, vxgwd included) nor a kernel thread
foreign_ticks() {
  # (cat, not awk FILE...: a process may exit between the glob and the read)
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v me="$MY_PGRP" '{
      s = $0; sub(/^.*\) /, "", s); n = split(s, f, " ")
      if (n < 13 || f[3] == me || int(f[7] / 2097152) % 2) next   # PF_KTHREAD
      print $1, f[12] + f[13] }'
}

# One snapshot of everything, as key=value words on one line.
snap() {
  local s t tx txd u0 u0d v2d=0 g l gwt=0 fg gb gi gu gs gsi gt lb li lt
  s=$(cat "$SINK_FILE" 2>/dev/null || echo "0 0")
  t=$(date +%s%N)
  read -r tx txd <<<"$(ns_stats ul p-gw tx_packets tx_dropped)"
  read -r u0 u0d <<<"$(ns_stats gw ul0 tx_packets tx_dropped)"
  [ "$SINK_AT" = vtep2 ] && v2d=$(ns_stats ul p-vtep2 tx_dropped)
  g=$(cpu_line "$GW_CPU")
  l=$(cpu_line "$LOAD_CPU")
  if [ -n "${GW_PID:-}" ] && [ -r "/proc/$GW_PID/stat" ]; then
    gwt=$(awk '{ print $14 + $15 }' "/proc/$GW_PID/stat")
  fi
  fg=$LAB_TMP/foreign.$t
  foreign_ticks >"$fg"
  read -r gb gi gu gs gsi gt <<<"$g"
  read -r lb li _ _ _ lt <<<"$l"
  echo "t=$t sink=${s% *} sink_t=${s#* } pgw_tx=$tx pgw_txdrop=$txd ul0_tx=$u0 ul0_txdrop=$u0d" \
    "v2_drop=${v2d// /} g_busy=$gb g_idle=$gi g_usr=$gu g_sys=$gs g_si=$gsi g_tot=$gt" \
    "l_busy=$lb l_idle=$li l_tot=$lt gwd_ticks=$gwt udp_rcvbuf=$(udp_rcvbuf_errors) fg=$fg"
}

# delta.py full PREFIX A B | brief A B: what happened between two snapshots
cat >"$LAB_TMP/delta.py" <<'EOF'
import sys
mode = sys.argv[1]
if mode == "full":
    pre, sa, sb, tck = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
else:
    pre, sa, sb, tck = "", sys.argv[2], sys.argv[3], int(sys.argv[4])
a, b = (dict(w.split("=", 1) for w in x.split()) for x in (sa, sb))
d = lambda k: float(b[k]) - float(a[k])
dt = d("t") / 1e9
sdt = d("sink_t") / 1e9
def ticks(path):
    r = {}
    for line in open(path):
        p, v = line.split()
        r[p] = int(v)
    return r
fa, fb = ticks(a["fg"]), ticks(b["fg"])
foreign = sum(v - fa.get(p, 0) for p, v in fb.items() if v >= fa.get(p, 0)) / tck / dt
out = {
    "seconds": dt,
    # frames vxgen put on p-gw: accepted by the gateway's input queue + dropped there
    "offered_pps": (d("pgw_tx") + d("pgw_txdrop")) / dt,
    "accepted_pps": d("pgw_tx") / dt,
    "input_drop_pps": d("pgw_txdrop") / dt,
    "gw_out_pps": d("ul0_tx") / dt,
    "delivered_pps": d("sink") / sdt if sdt > 0 else 0.0,
    # lost after the gateway: its ul0 could not hand them on (veth peer queue or ring full)
    "sinkside_drops": d("ul0_txdrop") + d("v2_drop"),
    # busy = 1 - idle / wall time: idle is exact (NO_HZ accounting), the busy fields are tick
    # samples, which miss short softirq bursts out of idle; the split is from the ticks
    "gwcore_busy": min(1.0, max(0.0, 1 - d("g_idle") / tck / dt)),
    "gwcore_usr": d("g_usr") / d("g_tot"),
    "gwcore_sys": d("g_sys") / d("g_tot"),
    "gwcore_softirq": d("g_si") / d("g_tot"),
    "loadcore_busy": min(1.0, max(0.0, 1 - d("l_idle") / tck / dt)),
    "vxgwd_cpu": d("gwd_ticks") / tck / dt,
    "udp_rcvbuf_errors_ps": d("udp_rcvbuf") / dt,
    "foreign_cpu": foreign,
}
if mode == "full":
    for k, v in out.items():
        print("%s.%s=%.6g" % (pre, k, v))
else:
    print("%d %.2f %.2f %.2f" % (out["sinkside_drops"], out["gwcore_busy"], out["loadcore_busy"],
                                 out["foreign_cpu"]))
EOF

# window PREFIX "SNAP_A" "SNAP_B": the derived figures into $RAW as PREFIX.key=value
window() {
  python3 "$LAB_TMP/delta.py" full "$1" "$2" "$3" "$CLK_TCK" >>"$RAW"
  disturbed "$1"
}

disturbed() { # PREFIX: note a window in which other processes used the CPUs
  local f
  f=$(get "$1.foreign_cpu")
  if awk -v f="$f" -v m="$FOREIGN_MAX" 'BEGIN { exit !(f > m) }'; then
    put "$1.disturbed" 1
    say "warning: other processes used $(pct "$f") of a core during $1"
  fi
}

# --- frames, generator, sink --------------------------------------------------------------------
# mkframe FILE INNER_LEN INNER_DST_MAC [FAMILY]: the VXLAN frame VTEP1 would send for h1 -> h2
# (FAMILY 4, the default: 10.1.10.50 -> 10.1.20.60 UDP; 6: $H1_6 -> $H2_6 UDP, hop limit 64,
# with the UDP checksum IPv6 requires; both to port 9). Like the Linux VTEP it stands for,
# with an outer UDP checksum (the kernel's UDP GRO merges only datagrams that have one); every
# frame is the same, DF set and IP ID 0 (GRO takes a fixed ID with DF as one flow). INNER_LEN
# must hold the headers and fit the hosts' MTU.
mkframe() {
  local outer_dst outer_src
  outer_dst=$(lab_host_mac gw ul0)
  outer_src=$(lab_host_mac vtep1 ul0)
  python3 - "$1" "$2" "$outer_dst" "$outer_src" "$3" "${LAB_HOST_MAC[1]}" "${4:-4}" \
    "${H1_6:-}" "${H2_6:-}" <<'EOF'
import socket, struct, sys
out, inner_len, odst, osrc, idst, isrc, fam, src6, dst6 = sys.argv[1], int(sys.argv[2]), *sys.argv[3:10]
mac = lambda s: bytes.fromhex(s.replace(":", ""))
def csum(h):
    s = sum(struct.unpack("!%dH" % (len(h) // 2), h))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ipv4(src, dst, payload):  # DF set, TTL 64, UDP
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, 17, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload
def ipv6(src, dst, payload):  # hop limit 64, UDP
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), 17, 64,
                       socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst)) + payload
udp = lambda sp, dp, p: struct.pack("!HHHH", sp, dp, 8 + len(p), 0) + p
def udp_csum(af, src, dst, sp, dp, p):  # with the pseudo-header of AF; 0 is sent as 0xffff
    u = udp(sp, dp, p)
    a, b = socket.inet_pton(af, src), socket.inet_pton(af, dst)
    if af == socket.AF_INET:
        pseudo = a + b + struct.pack("!BBH", 0, 17, len(u))
    else:
        pseudo = a + b + struct.pack("!IxxxB", len(u), 17)
    data = pseudo + u + (b"\0" if len(u) % 2 else b"")
    c = csum(data) or 0xffff
    return u[:6] + struct.pack("!H", c) + u[8:]
ETH, MTU = 14, 1450  # MTU: the hosts' and the BDIFs'
hdr = ETH + (20 if fam == "4" else 40) + 8
if not hdr <= inner_len <= ETH + MTU:
    sys.exit("mkframe: an inner frame of %d bytes: want %d..%d" % (inner_len, hdr, ETH + MTU))
pad = bytes(inner_len - hdr)
if fam == "4":  # (no inner UDP checksum, as the IPv4 frames always had)
    inner = mac(idst) + mac(isrc) + b"\x08\x00" + ipv4(
        "10.1.10.50", "10.1.20.60", udp(40000, 9, pad))
else:
    inner = mac(idst) + mac(isrc) + b"\x86\xdd" + ipv6(
        src6, dst6, udp_csum(socket.AF_INET6, src6, dst6, 40000, 9, pad))
assert len(inner) == inner_len
vxlan = struct.pack("!II", 0x08000000, 5000 << 8) + inner
frame = mac(odst) + mac(osrc) + b"\x08\x00" + ipv4(
    "192.0.2.11", "192.0.2.1",
    udp_csum(socket.AF_INET, "192.0.2.11", "192.0.2.1", 50000, 4789, vxlan))
open(out, "wb").write(frame)
EOF
}

# vxgen_run ARGS...: vxgen on p-gw in $P-ul, pinned to LOAD_CPU; prints its summary line
vxgen_run() {
  lab_exec ul timeout -k 2 70 taskset -c "$LOAD_CPU" "$VXGEN" -i p-gw "$@"
}

sink_start() { # 4|6: the routed frames of the generator's IPv4 or IPv6 flow
  local inner=()
  [ "$1" = 4 ] || inner=(-6 "$H2_6")
  SINK_FILE=$LAB_TMP/sink.count
  rm -f "$SINK_FILE"
  # not through lab_exec (a function, so a subshell): $! must be the process itself
  ip netns exec "$P-$SINK_NS" timeout -k 2 250 "$VXSINK" -i "$SINK_IF" -a "${LAB_VTEP[2]}" \
    "${inner[@]}" -d 240 -c "$SINK_FILE" >"$LAB_TMP/sink.out" 2>&1 &
  SINK_PID=$!
  wait_until 5 test -s "$SINK_FILE" || { cat "$LAB_TMP/sink.out"; return 1; }
}

sink_stop() {
  [ -n "${SINK_PID:-}" ] || return 0
  kill -TERM "$SINK_PID" 2>/dev/null
  wait "$SINK_PID" 2>/dev/null
  SINK_PID=
  # the XDP program goes with vxsink's BPF link
  wait_until 3 eval "! ip -n $P-$SINK_NS link show $SINK_IF | grep -qw xdp"
}

sink_count() { cut -d' ' -f1 "$SINK_FILE"; }

# frames_reach_h2 FRAMEFILE N: h2's eth0 receives >= N more frames after N paced frames
# (without the sink): the gateway routed them right, VTEP2 decapsulated them for h2
frames_reach_h2() {
  local a b
  a=$(ns_stats h2 eth0 rx_packets)
  vxgen_run -f "$1" -n "$2" -r 20000 -d 5 >/dev/null || return 1
  sleep 0.5
  b=$(ns_stats h2 eth0 rx_packets)
  echo "h2 eth0 received $((b - a)) of $2 frames"
  [ $((b - a)) -ge "$2" ]
}

# --- measurements -------------------------------------------------------------------------------
# overload MODE SIZE FRAME: vxgen at full speed
# gro_counts MODE: vxgwd's "rx_underlay rx_underlay_gro" (what came coalesced by UDP GRO)
gro_counts() {
  [ "$1" = vxgwd ] || return 0
  gw_cli "show counters json" | python3 -c '
import json, sys
g = json.loads(sys.stdin.readline())["gateway"]
print(g["rx_underlay"], g["rx_underlay_gro"])'
}

# gro_note MODE BEFORE AFTER: "; UDP GRO: ..." for a say line (nothing for the kernel)
gro_note() {
  [ "$1" = vxgwd ] || return 0
  awk -v a="$2" -v b="$3" 'BEGIN { split(a, x, " "); split(b, y, " "); r = y[1] - x[1]; g = y[2] - x[2]
    printf "; UDP GRO: %.0f %% of the %d datagrams vxgwd received came coalesced", (r > 0 ? 100 * g / r : 0), r }'
}

overload() {
  local key=$1 mode=${1%%.*} size=$2 frame=$3 a b pre="$1.$2.ovl" pid g0 g1
  vxgen_run -f "$frame" -d $((WARM + MEAS + 1)) >"$LAB_TMP/vxgen.out" 2>&1 &
  pid=$!
  sleep "$WARM"
  g0=$(gro_counts "$mode")
  a=$(snap)
  sleep "$MEAS"
  b=$(snap)
  g1=$(gro_counts "$mode")
  wait "$pid"
  window "$pre" "$a" "$b"
  put "$pre.vxgen" "\"$(cat "$LAB_TMP/vxgen.out")\""
  say "$(label "$key") $size B overload: offered $(kpps "$(get "$pre.offered_pps")") kpps" \
    "(input queue drops $(kpps "$(get "$pre.input_drop_pps")"), UDP socket drops" \
    "$(kpps "$(get "$pre.udp_rcvbuf_errors_ps")")), delivered $(kpps "$(get "$pre.delivered_pps")") kpps;" \
    "gateway core $(pct "$(get "$pre.gwcore_busy")") busy (ticks: softirq $(pct "$(get "$pre.gwcore_softirq")")," \
    "vxgwd $(pct "$(get "$pre.vxgwd_cpu")")), load core $(pct "$(get "$pre.loadcore_busy")")$(gro_note "$mode" "$g0" "$g1")"
  sleep 0.5 # let the queues drain
}

# trial MODE SIZE FRAME RATE SECONDS: exact loss at a paced rate; sets T_PASS and T_RATE
trial() {
  local key=$1 size=$2 frame=$3 rate=$4 secs=$5 n a b s0 s1 sent got loss out sdrop gb lb fc
  n=$((rate * secs))
  s0=$(snap)
  a=$(sink_count)
  out=$(vxgen_run -f "$frame" -n "$n" -r "$rate" -d $((secs + 5)))
  sleep 0.3
  b=$(sink_count)
  s1=$(snap)
  sent=$(echo "$out" | awk '{ print $3 }')
  T_RATE=$(echo "$out" | awk '{ print $9 }')
  # times the gateway's input queue (ul0's) was full and refused vxgen's frames
  T_PUSHBACK=$(echo "$out" | sed -n 's/.*EAGAIN \([0-9][0-9]*\) times.*/\1/p')
  got=$((b - a))
  loss=$(awk -v s="$sent" -v g="$got" 'BEGIN { printf "%.6f", (s > 0 ? (s - g) / s : 1) }')
  T_PASS=$(awk -v l="$loss" -v m="$LOSS_MAX" 'BEGIN { print ((l + 0 <= m + 0) ? 1 : 0) }')
  read -r sdrop gb lb fc <<<"$(python3 "$LAB_TMP/delta.py" brief "$s0" "$s1" "$CLK_TCK")"
  echo "$(label "$key") $size B paced $rate pps: sent $sent ($T_RATE pps), delivered $got, loss $(pct "$loss" 3)" \
    "$([ "$T_PASS" = 1 ] && echo pass || echo FAIL); busy: gateway core $gb, load core $lb," \
    "other processes $fc$([ "$sdrop" != 0 ] && echo "; $sdrop lost after the gateway's ul0 (not its fault)")" |
    tee -a "$LOG"
  put "$key.$size.trial.$rate" "sent=$sent,delivered=$got,loss=$loss,pass=$T_PASS,after_gw_drops=$sdrop,gwcore_busy=$gb,loadcore_busy=$lb,foreign_cpu=$fc"
}

# search MODE SIZE FRAME: highest paced rate with loss <= LOSS_MAX (binary search); a failed
# trial is repeated once (other load on the machine makes single failures)
search() {
  local key=$1 size=$2 frame=$3 pre="$1.$2" hi lo=0 r i=0 dov ach
  hi=$(printf '%.0f' "$(get "$pre.ovl.offered_pps")")
  dov=$(printf '%.0f' "$(get "$pre.ovl.delivered_pps")")
  [ "$hi" -gt 1000 ] || hi=1000000
  put "$pre.ndr_pps" 0
  put "$pre.ndr_genlimited" 0
  # first guess: what got through under overload, but at least an eighth of the offered rate
  r=$dov
  [ "$r" -ge $((hi / 8)) ] || r=$((hi / 8))
  [ "$r" -le "$hi" ] || r=$hi
  while [ $i -lt $SEARCH_STEPS ]; do
    i=$((i + 1))
    trial "$key" "$size" "$frame" "$r" "$TRIAL"
    if [ "$T_PASS" != 1 ]; then
      sleep 0.3
      trial "$key" "$size" "$frame" "$r" "$TRIAL"
    fi
    ach=$(printf '%.0f' "$T_RATE")
    if [ "$T_PASS" = 1 ]; then
      put "$pre.ndr_pps" "$T_RATE"
      if [ "$ach" -lt $((r * 98 / 100)) ] && [ "${T_PUSHBACK:-0}" -gt 0 ]; then
        # the gateway's input queue was full and pushed vxgen back (a veth stops its
        # sender when the peer's ring is full, as recent kernels do): nothing was lost, and
        # the rate vxgen reached is what the gateway takes, its own limit
        put "$pre.ndr_pushback" 1
        say "$(label "$key") $size B: the gateway's input queue pushed the generator back" \
          "$T_PUSHBACK times at $(kpps "$r") kpps paced ($(kpps "$ach") kpps reached): its limit; search ends"
        break
      fi
      if [ "$ach" -lt $((r * 98 / 100)) ]; then
        # vxgen could not send at the rate asked for: the result is a lower bound
        lo=$ach
        put "$pre.ndr_genlimited" 1
        say "$(label "$key") $size B: the generator reached only $(kpps "$ach") of $(kpps "$r") kpps paced:" \
          "the gateway forwards at least that; search ends"
        break
      fi
      lo=$r
    else
      hi=$r
      [ "$ach" -lt "$hi" ] && hi=$ach
    fi
    [ $((hi - lo)) -le $((hi / 50)) ] && break
    r=$(((lo + hi) / 2))
    sleep 0.3
  done
  put "$pre.ndr_bracket" "$lo-$hi"
  say "$(label "$key") $size B: throughput at <= $(pct "$LOSS_MAX" 1) loss: $(kpps "$(get "$pre.ndr_pps")") kpps" \
    "(lowest failing rate tried: $(kpps "$hi") kpps)"
}

# fixed MODE SIZE FRAME: gateway-core CPU at a paced FIX_PPS (a MEAS-s window inside the run)
fixed() {
  local key=$1 mode=${1%%.*} size=$2 frame=$3 pre="$1.$2.fix" pid n c0 c1 a b sent g0 g1
  n=$((FIX_PPS * (MEAS + 1)))
  c0=$(sink_count)
  vxgen_run -f "$frame" -n "$n" -r "$FIX_PPS" -d $((MEAS + 5)) >"$LAB_TMP/vxgen.out" 2>&1 &
  pid=$!
  sleep 0.5
  g0=$(gro_counts "$mode")
  a=$(snap)
  sleep "$MEAS"
  b=$(snap)
  g1=$(gro_counts "$mode")
  wait "$pid"
  sleep 0.3
  c1=$(sink_count)
  sent=$(awk '{ print $3 }' "$LAB_TMP/vxgen.out")
  window "$pre" "$a" "$b"
  put "$pre.sent" "$sent"
  put "$pre.delivered" "$((c1 - c0))"
  # ns of the gateway core per packet: busy share x 1e9 / packets forwarded per second
  put "$pre.gwcore_ns_per_pkt" "$(awk -v b="$(get "$pre.gwcore_busy")" -v r="$(get "$pre.delivered_pps")" \
    'BEGIN { printf "%.1f", (r > 0 ? b * 1e9 / r : 0) }')"
  say "$(label "$key") $size B paced at $(kpps "$FIX_PPS") kpps: delivered $((c1 - c0)) of $sent;" \
    "gateway core $(pct "$(get "$pre.gwcore_busy")") busy = $(get "$pre.gwcore_ns_per_pkt") ns/packet" \
    "(vxgwd process $(pct "$(get "$pre.vxgwd_cpu")"))$(gro_note "$mode" "$g0" "$g1")"
}

iperf_run() { # KEY DST: one TCP stream from h1 to h2's address DST (IPv4 or IPv6)
  local key=$1 dst=$2 json=$LAB_TMP/iperf-$1.json a b spid af=-4
  [[ $dst == *:* ]] && af=-6
  lab_exec h2 timeout 40 iperf3 -s -1 -p 5201 >"$LAB_TMP/iperf-server-$key.log" 2>&1 &
  spid=$!
  wait_until 5 gw_listening h2 5201 || { echo "iperf3 -s not listening"; return 1; }
  a=$(snap)
  lab_exec h1 timeout 30 iperf3 "$af" -c "$dst" -p 5201 -t 10 -O 1 -J >"$json" ||
    { tail -n 20 "$json"; return 1; }
  b=$(snap)
  wait "$spid"
  window "$key.tcp" "$a" "$b"
  python3 - "$json" "$key" >>"$RAW" <<'EOF'
import json, sys
e = json.load(open(sys.argv[1]))["end"]
print("%s.tcp.gbps=%.4f" % (sys.argv[2], e["sum_received"]["bits_per_second"] / 1e9))
print("%s.tcp.retransmits=%d" % (sys.argv[2], e["sum_sent"].get("retransmits", -1)))
EOF
  say "$(label "$key") TCP h1 -> h2: $(get "$key.tcp.gbps") Gbit/s, $(get "$key.tcp.retransmits") retransmits;" \
    "gateway core $(pct "$(get "$key.tcp.gwcore_busy")") busy, load core $(pct "$(get "$key.tcp.loadcore_busy")");" \
    "$(get "$key.tcp.sinkside_drops") frames the gateway sent were dropped by the veth/RPS queue toward CPU $LOAD_CPU"
}

gw_json_counters() { # FILE: vxgwd's show counters json + show errors json
  { gw_cli "show counters json"; gw_cli "show errors json"; } >"$1" 2>&1
}

perf_record() { # KEY FRAME: perf record -C GW_CPU while vxgwd forwards at its loss-free rate
  local key=$1 rate f=$2 data=$OUT_DIR/e2e_perf_$1.data pid
  command -v perf >/dev/null || { say "perf is not installed"; return 0; }
  rate=$(printf '%.0f' "$(get "$key.64.ndr_pps")")
  [ "$rate" -gt 0 ] || rate=$FIX_PPS
  vxgen_run -f "$f" -n $((rate * 5)) -r "$rate" -d 9 >/dev/null &
  pid=$!
  sleep 1
  timeout 20 perf record -q -g -C "$GW_CPU" -o "$data" -- sleep 3 >/dev/null 2>&1
  wait "$pid"
  {
    echo "--- by process and object"
    timeout 60 perf report -i "$data" --stdio --no-children --sort comm,dso -g none 2>/dev/null |
      grep -v '^#' | grep '%' | head -n 8
    echo "--- vxgwd's time by kernel entry point (children included)"
    timeout 60 perf report -i "$data" --stdio --children --comm vxgwd --sort sym -g none 2>/dev/null |
      grep -v '^#' | grep -E '__x64_sys_|net_rx_action|veth_poll|ip_route_output_flow|skb_pp_cow' | head -n 12
    echo "--- top symbols"
    timeout 60 perf report -i "$data" --stdio --no-children --sort comm,sym -g none 2>/dev/null |
      grep -v '^#' | grep '%' | head -n 25
  } >"$OUT_DIR/e2e_perf_$key.txt"
  say "perf: CPU $GW_CPU, $(label "$key") at $(kpps "$rate") kpps of 64-byte frames -> $OUT_DIR/e2e_perf_$key.txt"
}

# measure MODE BDIF_MAC: everything for one gateway, each IP version of FAMILY in turn
measure() {
  local fam
  for fam in $FAMILIES; do measure_family "$1" "$fam" "$2"; done
}

# measure_family MODE 4|6 BDIF_MAC: the raw figures go under KEY (MODE, or MODE.v6 for IPv6)
measure_family() {
  local mode=$1 fam=$2 bdmac=$3 key=$1 dst=${LAB_HOST[2]} size f
  [ "$fam" = 4 ] || { key=$mode.v6; dst=$H2_6; }
  # the pings make the gateway resolve h2 (ARP, ND) before the paced frames below
  PING_COUNT=3 lab_ping h1 "$dst" >/dev/null || die "$(label "$key"): h1 cannot ping h2"
  if [ "$fam" = 6 ]; then
    wait_until 5 h2_neighbour6 "$mode" ||
      die "$mode: the gateway has not resolved h2's IPv6 address $H2_6 (ND)"
  fi
  for size in 64 1400; do
    f=$LAB_TMP/frame-$key-$size.bin
    mkframe "$f" "$size" "$bdmac" "$fam" || die "mkframe"
    frames_reach_h2 "$f" 1000 >"$LAB_TMP/check.out" 2>&1 ||
      { cat "$LAB_TMP/check.out"; die "$(label "$key"): the generator's $size-byte frames do not reach h2"; }
    say "$(label "$key"): $(cat "$LAB_TMP/check.out") ($size-byte inner frames)"
  done
  sink_start "$fam" || die "vxsink did not start"
  for size in 64 1400; do
    f=$LAB_TMP/frame-$key-$size.bin
    [ "$mode" = vxgwd ] && [ "$size" = 64 ] && gw_json_counters "$LAB_TMP/ctr-$key-before.json"
    overload "$key" "$size" "$f"
    [ "$mode" = vxgwd ] && [ "$size" = 64 ] && gw_json_counters "$LAB_TMP/ctr-$key-after.json"
    search "$key" "$size" "$f"
    fixed "$key" "$size" "$f"
    if [ "$mode" = vxgwd ] && [ "$size" = 64 ] && [ "${E2E_BENCH_PERF:-0}" = 1 ]; then
      perf_record "$key" "$f"
    fi
  done
  sink_stop || die "the XDP sink is still attached"
  iperf_run "$key" "$dst" || die "$(label "$key"): iperf3 failed"
}

# h2_neighbour6 MODE: the gateway has resolved h2's IPv6 address to h2's MAC
h2_neighbour6() {
  if [ "$1" = vxgwd ]; then
    gw_has_line "show ipv6 neighbors" "$H2_6" "${LAB_HOST_MAC[2],,}" bdif20 >/dev/null
  else
    ip -n "$P-gw" -6 neigh show "$H2_6" dev br20 | grep -qi "lladdr ${LAB_HOST_MAC[2]}"
  fi
}

gw_ns_is_daemon_state() { # the gateway namespace as vxgwd expects it (lab.sh "daemon" state)
  local links addrs fwd fwd6 addrs6
  fwd=$(lab_exec gw sysctl -n net.ipv4.ip_forward)
  fwd6=$(lab_exec gw sysctl -n net.ipv6.conf.all.forwarding)
  links=$(ip -n "$P-gw" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort | tr '\n' ' ')
  addrs=$(ip -n "$P-gw" -4 -o addr show | awk '{ print $2, $4 }' | sort | tr '\n' ' ')
  # (kernel_gw_up --ipv6 leaves lo's ::1: the kernel of this namespace routes no IPv6 then)
  addrs6=$(ip -n "$P-gw" -6 -o addr show | awk '$2 != "lo" { print $2, $4 }' | sort | tr '\n' ' ')
  echo "ip_forward=$fwd, IPv6 forwarding=$fwd6, links: $links, addresses: $addrs${addrs6:+, IPv6: $addrs6}"
  [ "$fwd" = 0 ] && [ "$fwd6" = 0 ] && [ "$links" = "lo ul0 up0 " ] &&
    [ "$addrs" = "lo 127.0.0.1/8 ul0 192.0.2.1/24 " ] && [ -z "$addrs6" ]
}

# host6_static HOST I: HOST (h1, h2) gets IPv6 on eth0: the EUI-64 address of its MAC in
# tenant I's /64, and 2001:db8::/32 via the gateway's ::1 there, statically (no router
# advertisement taken: both gateways send them, from different link-local addresses, and
# the hosts must not keep a default router of the kernel gateway once vxgwd runs)
host6_static() {
  local h=$1 i=$2 addr
  addr=$(lab_eui64 "${LAB_PFX6[i]}" "${LAB_HOST_MAC[i]}") || return 1
  lab_exec "$h" sysctl -qw net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.autoconf=0 &&
    lab_ipv6_on "$h" --nodad eth0 &&
    ip -n "$P-$h" -6 addr add "$addr/64" dev eth0 nodad &&
    ip -n "$P-$h" -6 route add 2001:db8::/32 via "${LAB_PFX6[i]}1" dev eth0 &&
    echo "$addr"
}

offloads() { # NS IFACE: the offloads that matter here (ethtool -k), or what lab.sh did
  if command -v ethtool >/dev/null; then
    lab_exec "$1" ethtool -k "$2" 2>/dev/null | awk -F': ' '{ sub(/^[ \t]+/, "", $1) }
      $1 ~ /^(tx-checksumming|tx-tcp-segmentation|generic-segmentation-offload|generic-receive-offload)$/ {
        split($2, v, " "); printf "%s%s %s", sep, $1, v[1]; sep = ", " } END { print "" }'
  else
    echo "LAB_OFFLOAD=${LAB_OFFLOAD:-1} (ethtool not installed)"
  fi
}

# --- run ----------------------------------------------------------------------------------------
T0=$(date +%s)
say "vxgw end-to-end benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r)," \
  "$NCPU CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo))"
foreign_1s() { # percent of a core other processes used in the next second
  foreign_ticks >"$LAB_TMP/q.a"
  sleep 1
  foreign_ticks >"$LAB_TMP/q.b"
  awk -v t="$CLK_TCK" 'NR == FNR { o[$1] = $2; next }
    { d = $2 - (($1 in o) ? o[$1] : 0); if (d > 0) s += d } END { printf "%d\n", 100 * s / t }' \
    "$LAB_TMP/q.a" "$LAB_TMP/q.b"
}
QUIET=$(foreign_1s)
if [ "${WAIT_QUIET:-0}" -gt 0 ] && [ "$QUIET" -gt 5 ]; then
  # wait (at most WAIT_QUIET s) for 3 quiet seconds in a row
  n=0 waited=0
  while [ $n -lt 3 ] && [ $waited -lt "$WAIT_QUIET" ]; do
    QUIET=$(foreign_1s)
    waited=$((waited + 1))
    if [ "$QUIET" -le 5 ]; then n=$((n + 1)); else n=0; fi
  done
  say "waited $waited s for other processes to calm down"
fi
say "before the run, other processes used $QUIET % of a core (1 s sample)"
put quiet "$QUIET %"

# one queue on the gateway's ul0: the pinning below (RPS, the NAPI thread) is per queue, and
# the gateway has one core
LAB_GW_QUEUES=1 lab_up >"$LAB_TMP/lab_up.log" 2>&1 || { cat "$LAB_TMP/lab_up.log"; die "lab_up"; }
if has_ipv6; then
  H1_6=$(host6_static h1 1) && H2_6=$(host6_static h2 2) || die "IPv6 on h1 and h2"
  say "IPv6: h1 $H1_6, h2 $H2_6 (static, EUI-64), each via the gateway's ::1 of its /64"
fi
if [ "$PINNED" = 1 ]; then
  lab_exec gw sh -c "echo $GW_MASK > /sys/class/net/ul0/queues/rx-0/rps_cpus" || die "RPS on ul0"
  lab_exec ul sh -c "echo $LOAD_MASK > /sys/class/net/p-gw/queues/rx-0/rps_cpus" || die "RPS on p-gw"
  CPUS="generator, sink, iperf3, VTEPs and hosts on CPU $LOAD_CPU; the gateway on CPU $GW_CPU"
  CPUS="$CPUS (vxgwd pinned with taskset; RPS of the gateway's ul0 -> CPU $GW_CPU, of p-gw -> CPU $LOAD_CPU)"
  if [ "${LAB_GRO:-1}" != 0 ]; then
    # GRO runs in ul0's NAPI poll, which a veth schedules on the sender's CPU: threaded
    # NAPI with its thread on GW_CPU puts it on the gateway's core, as a NIC's queue would
    lab_exec gw sh -c "echo 1 > /sys/class/net/ul0/threaded" || die "threaded NAPI on ul0"
    NAPI_PID=$(lab_exec gw cat /sys/class/net/ul0/threaded >/dev/null &&
      ps -eo pid=,comm= | awk '$2 ~ /^napi\/ul0-/ { print $1 }' | tail -n 1)
    [ -n "$NAPI_PID" ] || die "no NAPI thread for the gateway's ul0"
    taskset -p "$GW_MASK" "$NAPI_PID" >/dev/null || die "pinning the NAPI thread"
    CPUS="$CPUS; GRO on the gateway's ul0, in its NAPI thread on CPU $GW_CPU"
  fi
else
  CPUS="only one CPU: nothing pinned"
fi
say "CPUs: $CPUS"
say "sink: vxsink (XDP) on $SINK_IF in $P-$SINK_NS (SINK_AT=$SINK_AT)"
put cpus "\"$CPUS\""
put sink_at "$SINK_AT"
OFFL="h1 eth0: $(offloads h1 eth0); gateway ul0: $(offloads gw ul0)"
say "offloads (lab.sh keeps the kernel's defaults on every veth unless LAB_OFFLOAD=0): $OFFL"
put offloads "\"$OFFL\""

# 1. the kernel as the gateway
gw_alive && die "vxgwd is running"
GW6=()
has_ipv6 && GW6=(--ipv6)
kernel_gw_up "${GW6[@]}" >"$LAB_TMP/kgw.log" 2>&1 || { cat "$LAB_TMP/kgw.log"; die "kernel_gw_up"; }
say "gateway: the Linux kernel (vxlan + bridge + ip_forward, lab.sh kernel_gw_up ${GW6[*]})"
measure kernel "$(lab_host_mac gw br10)"
kernel_gw_down
state=$(gw_ns_is_daemon_state) || die "the gateway namespace is not clean after kernel_gw_down: $state"
say "gateway namespace back to the daemon state: $state"

# 2. vxgwd
CONF=$LAB_TMP/vxgw.conf
{
  lab_gw_config "${GW6[@]}"
  echo "dataplane workers $WORKERS"
  echo "dataplane io $IO"
  [ "$BUSY_POLL" = 0 ] || echo "dataplane busy-poll $BUSY_POLL"
} >"$CONF"
LAB_GW_WIRE=0 gw_start "$CONF" >"$LAB_TMP/gw_start.log" 2>&1 || { cat "$LAB_TMP/gw_start.log"; die "gw_start"; }
if [ "$PINNED" = 1 ]; then
  taskset -a -pc "$GW_CPU" "$GW_PID" >/dev/null || die "taskset vxgwd"
fi
BDMAC=$(gw_cli "show interfaces json" | python3 -c '
import json, sys
print([i["mac"] for i in json.load(sys.stdin)["interfaces"] if i["name"] == "bdif10"][0])') ||
  die "no bdif10 MAC from show interfaces json"
say "gateway: $(gw_cli "show version" | head -n 1) (pid $GW_PID), config from lab_gw_config ${GW6[*]}, dataplane workers $WORKERS, dataplane io $IO, busy-poll $BUSY_POLL, bdif10 $BDMAC"
measure vxgwd "$BDMAC"
gw_alive || die "vxgwd died during the benchmark"
gw_cli "show errors" >"$LAB_TMP/errors.txt" 2>&1
gw_stop >/dev/null
put vxgwd.exit "$GW_EXIT"
lab_down
say "total time $(($(date +%s) - T0)) s"

# --- the table ----------------------------------------------------------------------------------
python3 - "$RAW" "$LOSS_MAX" "$FIX_PPS" "$MEAS" "$TRIAL" "$LOAD_CPU" "$SINK_AT" "$FAMILIES" \
  >"$LAB_TMP/table.md" <<'EOF'
import sys
raw = {}
for line in open(sys.argv[1]):
    k, _, v = line.rstrip("\n").partition("=")
    raw[k] = v.strip('"')
loss, fix, meas, trial, lcpu, sink_at, families = sys.argv[2:9]
# (family, the raw figures' key prefix of vxgwd and of the kernel)
fams = [("IPv4", "vxgwd", "kernel"), ("IPv6", "vxgwd.v6", "kernel.v6")]
fams = [x for x in fams if x[0][-1] in families.split()]
def f(k):
    try:
        return float(raw[k])
    except (KeyError, ValueError):
        return float("nan")
mark_disturbed = False
def dist(m, pre):
    global mark_disturbed
    if any(k.startswith("%s.%s" % (m, pre)) and k.endswith(".disturbed") for k in raw):
        mark_disturbed = True
        return " †"
    return ""
def cell(m, key, fmt):
    v = f(m + "." + key)
    return fmt(v, m, key) + dist(m, key.rsplit(".", 1)[0])
rows = []
def row(name, key, fmt, note):
    for fam, vm, km in fams:
        v, k = f(vm + "." + key), f(km + "." + key)
        r = "%.2f" % (v / k) if v == v and k == k and k > 0 else "—"
        if key.endswith("ndr_pps") and raw.get(km + "." + key.replace("ndr_pps", "ndr_genlimited")) == "1":
            r = "≤ " + r
        if key.endswith("ndr_pps") and raw.get(vm + "." + key.replace("ndr_pps", "ndr_genlimited")) == "1":
            r = "≥ " + r
        rows.append((name + " " + note, fam, cell(vm, key, fmt), cell(km, key, fmt), r))
def ndr(v, m, key):
    gl = raw.get(m + "." + key.replace("ndr_pps", "ndr_genlimited")) == "1"
    return ("≥ " if gl else "") + "%.1f kpps" % (v / 1e3)
def ovl(v, m, key):
    return "%.1f kpps (offered %.0f)" % (v / 1e3, f(m + "." + key.replace("delivered", "offered")) / 1e3)
ns = lambda v, m, key: "%.0f ns" % v
def gb(v, m, key):
    return "%.2f Gbit/s (gateway core %.0f %%, %.0f retransmits)" % (
        v, 100 * f(m + ".tcp.gwcore_busy"), f(m + ".tcp.retransmits"))
pl = "%g %%" % (float(loss) * 100)
row("packets/s, 64-byte inner frames, ≤ %s loss" % pl, "64.ndr_pps", ndr, "¹")
row("packets/s, 1400-byte inner frames, ≤ %s loss" % pl, "1400.ndr_pps", ndr, "¹")
row("packets/s under overload, 64-byte", "64.ovl.delivered_pps", ovl, "²")
row("packets/s under overload, 1400-byte", "1400.ovl.delivered_pps", ovl, "²")
row("gateway-core CPU per packet, 64-byte, at %.0f kpps" % (float(fix) / 1e3), "64.fix.gwcore_ns_per_pkt", ns, "³")
row("gateway-core CPU per packet, 1400-byte, at %.0f kpps" % (float(fix) / 1e3), "1400.fix.gwcore_ns_per_pkt", ns, "³")
row("TCP h1 → h2, iperf3, 1 stream, 10 s", "tcp.gbps", gb, "⁴")
print("| test | IP | vxgwd | kernel | ratio vxgwd/kernel |")
print("|---|---|---|---|---|")
for r in rows:
    print("| %s | %s | %s | %s | %s |" % r)
print()
where = ("as they leave the gateway, on the underlay port facing it (p-gw)" if sink_at == "port"
         else "on VTEP2's underlay veth")
print("¹ Highest paced rate (binary search, %s s trials, exact counts; a failed trial is repeated once) "
      "at which ≤ %s of the frames that tests/bench/vxgen (AF_PACKET TX ring) put on the gateway's "
      "underlay port were missing in the count of tests/bench/vxsink (XDP), which takes the routed frames "
      "(VXLAN to 192.0.2.12, VNI 6000, inner 10.1.10.50 → 10.1.20.60 UDP, or in IPv6 h1's → h2's "
      "EUI-64 address in 2001:db8:10::/64 → 2001:db8:20::/64, UDP with its checksum, hop limit "
      "64; both to port 9) %s. Frames as VTEP1 sends them: "
      "VNI 5000 from 192.0.2.11, inner h1 → the gateway's BDIF MAC; inner frame length without FCS. "
      "“≥”: vxgen could not go faster paced, the gateway was not the limit (a gateway whose input "
      "queue pushed vxgen back, EAGAIN, was: its figure is its own). CPUs: %s."
      % (trial, pl, where, raw.get("cpus", "?")))
print("² vxgen at full speed for %s s after a warm-up: offered = frames put on the gateway's port per s "
      "(including those its input queue dropped), delivered = counted by vxsink." % meas)
print("³ Busy time of the gateway's CPU (1 − idle from /proc/stat over wall time; for the kernel "
      "gateway this is its softirq work, for vxgwd the daemon plus the kernel's socket, veth and "
      "RPS work on that core%s) divided by the packets forwarded, at a paced %.0f kpps."
      % (", and for both the sink's XDP" if sink_at == "port" else "", float(fix) / 1e3))
print("⁴ iperf3 -c in h1, -s in h2 (both on CPU %s with the VTEPs and bridges, which limit it), 10 s "
      "after 1 s omitted; received bits/s; in brackets the gateway core's busy share and TCP "
      "retransmits. "
      "Offloads: %s." % (lcpu, raw.get("offloads", "?")))
if mark_disturbed:
    print("† Other processes used more than 5 % of a core during this measurement (see the log).")
EOF

{
  echo "# vxgw end-to-end benchmark results"
  echo
  echo "Command: \`tests/bench/e2e_bench.sh $VXGW_BUILD\` (FAMILY=$FAMILY MEAS=$MEAS WARM=$WARM TRIAL=$TRIAL" \
    "FIX_PPS=$FIX_PPS LOSS_MAX=$LOSS_MAX SINK_AT=$SINK_AT WORKERS=$WORKERS IO=$IO BUSY_POLL=$BUSY_POLL)"
  echo
  cat "$LAB_TMP/table.md"
  echo
  echo "## Log"
  echo
  echo '```'
  cat "$LOG"
  echo '```'
  echo
  echo "## Raw figures (rates per second; CPU shares of one core)"
  echo
  echo '```'
  cat "$RAW"
  echo '```'
  for key in vxgwd vxgwd.v6; do
    [ -s "$LAB_TMP/ctr-$key-before.json" ] || continue
    echo
    echo "## $(label "$key"): vxgwd show counters / show errors json before and after the 64-byte overload run"
    echo
    echo '```'
    cat "$LAB_TMP/ctr-$key-before.json"
    echo "--- after"
    cat "$LAB_TMP/ctr-$key-after.json"
    echo '```'
  done
  if [ -s "$LAB_TMP/errors.txt" ]; then
    echo
    echo "## vxgwd show errors at the end"
    echo
    echo '```'
    cat "$LAB_TMP/errors.txt"
    echo '```'
  fi
  for key in vxgwd vxgwd.v6; do
    [ "${E2E_BENCH_PERF:-0}" = 1 ] && [ -s "$OUT_DIR/e2e_perf_$key.txt" ] || continue
    echo
    echo "## perf record -g -C $GW_CPU: $(label "$key") at its loss-free rate, 64-byte frames"
    echo
    echo '```'
    cat "$OUT_DIR/e2e_perf_$key.txt"
    echo '```'
  done
} >"$RESULTS"

echo
cat "$LAB_TMP/table.md"
echo
echo "log, raw figures: $RESULTS"
lab_cleanup
trap - EXIT
exit 0
