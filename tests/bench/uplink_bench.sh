#!/usr/bin/env bash
# Uplink benchmark: 64-byte frames between an uplink and a VNI, both ways, vxgwd against the
# Linux kernel as the same gateway, in one run in the netns lab of tests/e2e/lab.sh. Run by
# hand, as root; not run by ctest/CI. tests/bench/README.md says what the figures mean.
#
# usage: tests/bench/uplink_bench.sh [BUILD_DIR]     (default <repo>/build)
#
# in  (ext -> h1): vxgen (tests/bench/vxgen.c) sends, on ext0 in $P-ext (the veth peer of
#     the gateway's up0), the frame ext would send for 198.51.100.10 -> 10.1.10.50, UDP to
#     port 9, 64 bytes without FCS, to the gateway's up0 MAC. The gateway routes it into
#     VNI 5000 toward VTEP1; vxsink (XDP) on p-gw, the underlay port facing the gateway,
#     counts and drops exactly those VXLAN packets (to 192.0.2.11, inner UDP to port 9).
# out (h1 -> ext): vxgen sends, on p-gw in $P-ul, the VXLAN frame VTEP1 would send for h1's
#     64-byte frame 10.1.10.50 -> 198.51.100.10 UDP to port 9 (with an outer UDP checksum,
#     as a Linux VTEP sends it); the gateway decapsulates it and routes it out of up0;
#     vxsink -p on ext0 counts and drops those frames.
# For each direction and gateway:
#  - overload: vxgen at full speed for MEAS s; delivered = what vxsink counted;
#  - loss-free: paced trials of TRIAL s at rising rates (STEP pps apart, from STEP), the
#    highest with at most LOSS_MAX lost.
# Gateways, in this order: the kernel (lab.sh kernel_gw_up); vxgwd with `dataplane io
# socket`; vxgwd with `dataplane io xdp` (up0's XDP program: the frames reach the worker
# through an AF_XDP socket; a veth binds it in copy mode, so they leave through the packet
# socket, as they would through AF_XDP only zero-copy); vxgwd with `dataplane io xdp` and
# ` dataplane io socket` on up0 (the underlay on AF_XDP, the uplink on its packet socket).
# vxgwd runs one worker; vxgwd and the kernel gateway's receive (RPS on up0 and ul0) are
# pinned to GW_CPU (1), vxgen and vxsink's side to LOAD_CPU (0). The lab has one queue per
# netdev (LAB_GW_QUEUES=1: the pinning is per queue).
#
# Environment: DIRS ("in out"), MEAS (5), TRIAL (2), STEP (25000), LOSS_MAX (0.001),
# GW_CPU (1), LOAD_CPU (0).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../e2e/lab.sh"
lab_run_under_timeout 1800 "$0" "$@"
[ -n "${1:-}" ] && VXGW_BUILD=$(realpath "$1")
lab_init "vxu$$"
lab_require_root
lab_require_daemon
VXGEN=$VXGW_BUILD/tests/bench/vxgen
VXSINK=$VXGW_BUILD/tests/bench/vxsink
for b in "$VXGEN" "$VXSINK"; do
  [ -x "$b" ] || { echo "uplink_bench: $b is not built (cmake --build $VXGW_BUILD)"; exit 1; }
done
lab_require_cmds ip python3 taskset timeout awk || exit 1
DIRS=${DIRS:-in out}
MEAS=${MEAS:-5}
TRIAL=${TRIAL:-2}
STEP=${STEP:-25000}
LOSS_MAX=${LOSS_MAX:-0.001}
GW_CPU=${GW_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
lab_trap
say() { echo "# $*"; }
die() { echo "uplink_bench: $*" >&2; exit 1; }
taskset -pc "$LOAD_CPU" $$ >/dev/null || die "taskset -pc $LOAD_CPU $$"

# mkframe_in FILE DST_MAC: the 64-byte frame ext sends for 198.51.100.10 -> 10.1.10.50 UDP :9
mkframe_in() {
  python3 - "$1" "$2" "$(lab_host_mac ext ext0)" <<'EOF'
import socket, struct, sys
path, dst, src = sys.argv[1:4]
mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
payload = bytes(64 - 14 - 20 - 8)
udp = struct.pack("!HHHH", 1234, 9, 8 + len(payload), 0) + payload
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                 socket.inet_aton("198.51.100.10"), socket.inet_aton("10.1.10.50"))
s = sum(struct.unpack("!10H", ip))
s = (s & 0xffff) + (s >> 16)
s = (s & 0xffff) + (s >> 16)
ip = ip[:10] + struct.pack("!H", ~s & 0xffff) + ip[12:]
open(path, "wb").write(mac(dst) + mac(src) + b"\x08\x00" + ip + udp)
EOF
}

# mkframe_out FILE BDIF_MAC: the VXLAN frame VTEP1 sends for h1's 64-byte frame
# 10.1.10.50 -> 198.51.100.10 UDP :9 to the gateway's BD 10 MAC, outer UDP checksum set
mkframe_out() {
  python3 - "$1" "$2" "${LAB_HOST_MAC[1]}" "$(lab_host_mac gw ul0)" "$(lab_host_mac vtep1 ul0)" <<'EOF'
import socket, struct, sys
path, bdif, h1, gw, vtep1 = sys.argv[1:6]
mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
def csum(b):
    b += bytes(len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ipv4(src, dst, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, 17, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload
def udp(src, dst, sp, dp, p):
    u = struct.pack("!HHHH", sp, dp, 8 + len(p), 0) + p
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, len(u))
    return u[:6] + struct.pack("!H", csum(pseudo + u) or 0xffff) + u[8:]
inner = mac(bdif) + mac(h1) + b"\x08\x00" + ipv4(
    "10.1.10.50", "198.51.100.10", struct.pack("!HHHH", 1234, 9, 8 + 22, 0) + bytes(22))
assert len(inner) == 64
vxlan = struct.pack("!II", 0x08000000, 5000 << 8) + inner
open(path, "wb").write(mac(gw) + mac(vtep1) + b"\x08\x00" + ipv4(
    "192.0.2.11", "192.0.2.1", udp("192.0.2.11", "192.0.2.1", 50000, 4789, vxlan)))
EOF
}

sink_count() { awk '{ print $1 }' "$SINK_FILE" 2>/dev/null || echo 0; }

# run_vxgen ARGS...: vxgen on GEN_IF in $P-GEN_NS, pinned to LOAD_CPU; "SENT PPS EAGAIN": the
# frames it sent, at what rate, and how often the gateway's full input queue pushed it back
run_vxgen() {
  lab_exec "$GEN_NS" timeout -k 2 70 taskset -c "$LOAD_CPU" "$VXGEN" -i "$GEN_IF" -f "$FRAME" "$@" |
    sed -n 's/^vxgen: sent \([0-9]*\) packets in [0-9.]* s = \([0-9]*\) pps.* \([0-9]*\) times$/\1 \2 \3/p'
}

# measure NAME DIR DST_MAC: the overload and loss-free figures of the gateway as it is now,
# for DIR (in, out), DST_MAC the gateway's up0 (in) or BD 10 (out) MAC. A
# paced trial the generator could not keep up (below 95 % of the rate asked) ends the
# search: its rate is what was reached, and with pushback (vxgen napping on EAGAIN: a veth
# stops its sender while the peer's input queue is full) the gateway's own limit.
measure() {
  local name="$1 $2" dir=$2 c0 c1 sent pps eagain rate best=0 lost note="" sink_ns sink_args
  FRAME=$LAB_TMP/frame.$1.$dir
  "mkframe_$dir" "$FRAME" "$3" || die "mkframe_$dir"
  lab_ping_exact ext 10.1.10.50 5 -I "$LAB_EXT_HOST" >/dev/null || die "$name: ext -> h1 does not work"
  if [ "$dir" = in ]; then
    GEN_NS=ext GEN_IF=ext0 sink_ns=ul sink_args=(-i p-gw -a "${LAB_VTEP[1]}")
  else
    GEN_NS=ul GEN_IF=p-gw sink_ns=ext sink_args=(-i ext0 -p "$LAB_EXT_HOST")
  fi
  SINK_FILE=$LAB_TMP/sink.$1.$dir
  ip netns exec "$P-$sink_ns" timeout -k 2 300 "$VXSINK" "${sink_args[@]}" -d 290 \
    -c "$SINK_FILE" >"$SINK_FILE.out" 2>&1 &
  local sink=$!
  wait_until 5 test -s "$SINK_FILE" || die "vxsink did not start"
  c0=$(sink_count)
  read -r sent pps eagain <<<"$(run_vxgen -d "$MEAS")"
  sleep 0.5
  c1=$(sink_count)
  say "$name overload: offered $pps pps (pushed back $eagain times), delivered $(((c1 - c0) / MEAS)) pps"
  for ((rate = STEP; rate <= 2000000; rate += STEP)); do
    c0=$(sink_count)
    read -r sent pps eagain <<<"$(run_vxgen -r "$rate" -n $((rate * TRIAL)) -d $((TRIAL * 3)))"
    sleep 0.5
    c1=$(sink_count)
    lost=$((sent - (c1 - c0)))
    awk -v l="$lost" -v s="$sent" -v m="$LOSS_MAX" 'BEGIN { exit !(s > 0 && l <= s * m) }' ||
      break
    if [ "$pps" -lt $((rate * 95 / 100)) ]; then
      best=$pps
      note=" (the generator reached only that; pushed back $eagain times)"
      break
    fi
    best=$rate
  done
  say "$name loss-free (<= $LOSS_MAX lost, ${TRIAL} s trials, ${STEP} pps steps): $best pps$note"
  kill "$sink" 2>/dev/null
  wait "$sink" 2>/dev/null
}

LAB_GW_QUEUES=1 lab_up >"$LAB_TMP/lab_up.log" 2>&1 || { cat "$LAB_TMP/lab_up.log"; die "lab_up"; }
for dev in up0 ul0; do
  lab_exec gw sh -c "printf '%x' $((1 << GW_CPU)) > /sys/class/net/$dev/queues/rx-0/rps_cpus" ||
    die "RPS on $dev"
done
say "offloads on ext0: $(lab_exec ext ethtool -k ext0 | awk '/^(tx-checksumming|tcp-segmentation-offload):/ { printf "%s %s ", $1, $2 }')"

kernel_gw_up >"$LAB_TMP/kgw.log" 2>&1 || { cat "$LAB_TMP/kgw.log"; die "kernel_gw_up"; }
# measure_dirs NAME BDIF_MAC: measure NAME in each direction of DIRS
measure_dirs() {
  local dir
  for dir in $DIRS; do
    case $dir in
    in) measure "$1" in "$(lab_host_mac gw up0)" ;;
    out) measure "$1" out "$2" ;;
    *) die "DIRS: $dir is neither in nor out" ;;
    esac
  done
}

measure_dirs kernel "$(lab_host_mac gw br10)"
kernel_gw_down
[ "$(lab_exec gw sysctl -n net.ipv4.ip_forward)" = 0 ] || die "kernel_gw_down left ip_forward on"

CONF=$LAB_TMP/vxgw.conf
{
  lab_gw_config
  echo "dataplane workers 1"
} >"$CONF"
LAB_GW_WIRE=0 gw_start "$CONF" >"$LAB_TMP/gw_start.log" 2>&1 || { cat "$LAB_TMP/gw_start.log"; die "gw_start"; }
taskset -a -pc "$GW_CPU" "$GW_PID" >/dev/null || die "taskset vxgwd"
BDMAC=$(gw_cli "show interfaces json" | python3 -c '
import json, sys
print([i["mac"] for i in json.load(sys.stdin)["interfaces"] if i["name"] == "bdif10"][0])') ||
  die "no bdif10 MAC from show interfaces json"
measure_dirs vxgwd-socket "$BDMAC"
gw_cli "configure terminal" "dataplane io xdp" "end" >/dev/null || die "dataplane io xdp"
taskset -a -pc "$GW_CPU" "$GW_PID" >/dev/null # the new worker thread
say "vxgwd: $(gw_cli "show dataplane" | sed -n 2p)"
measure_dirs vxgwd-xdp "$BDMAC"
gw_cli "configure terminal" "interface ethernet up0" "dataplane io socket" "end" >/dev/null ||
  die "up0 dataplane io socket"
taskset -a -pc "$GW_CPU" "$GW_PID" >/dev/null
say "vxgwd: $(gw_cli "show dataplane" | sed -n 2p)"
measure_dirs vxgwd-xdp-up0-socket "$BDMAC"
gw_cli "show errors" | sed 's/^/# /'
gw_stop >/dev/null
lab_down
