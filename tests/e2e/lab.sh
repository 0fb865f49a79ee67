# shellcheck shell=bash
# tests/e2e/lab.sh — the vxgw network-namespace lab (a bash library: source it, don't run it).
#
# TOPOLOGY (every name starts with the per-run prefix $P, e.g. vxt12345):
#
#   $P-h1 eth0 10.1.10.50/24 ── $P-vtep1 br0 ─ vxlan5000 (VNI 5000, 192.0.2.11, head-end → .1)
#   $P-h2 eth0 10.1.20.60/24 ── $P-vtep2 br0 ─ vxlan6000 (VNI 6000, 192.0.2.12, head-end → .1)
#   $P-h3 eth0 10.1.30.70/24 ── $P-vtep3 br0 ─ vxlan7000 (VNI 7000, 192.0.2.13, group 239.1.1.70)
#                                                │ ul0
#   $P-ul  br0 = underlay L2 segment 192.0.2.0/24 (Linux bridge, multicast snooping off;
#                ports p-gw p-vtep1 p-vtep2 p-vtep3)
#                                                │ ul0 192.0.2.1/24
#   $P-gw  the gateway namespace: vxgwd (or the kernel, see kernel_gw_up) ── up0 (veth)
#                                                │ ext0 203.0.113.1/30
#   $P-ext the "internet": 198.51.100.10/24 on inet0 (veth pair inet0/inet1), 10.0.0.0/8 via .2
#
#   Hosts: MTU 1450, default route via 10.1.X.1; MACs 02:00:00:01:0X:0Y (see LAB_HOST_MAC).
#   VTEP1/2 are `nolearning` with one static all-zero FDB entry to 192.0.2.1 (head-end
#   replication toward the gateway); VTEP3 is flood-and-learn on the multicast group.
#   IPv6 is disabled in every namespace. Every veth keeps the kernel's defaults, as the
#   veths of the users' containers and VMs do: tx checksum offload, TSO and GSO on, GRO off.
#   So the hosts hand their VTEPs CHECKSUM_PARTIAL frames and TCP super-packets of up to
#   64 KiB, the VTEPs encapsulate them as they are, and a user-space gateway receives inner
#   checksums to complete and super-packets to segment (uplink frames too, on AF_PACKET).
#   The gateway's ul0 has GRO on, as a NIC would (LAB_GRO=0: off), and a receive queue per
#   CPU, as a NIC spreads flows over its queues by their hash (RSS; LAB_GW_QUEUES=N: N): with
#   `dataplane io xdp` each worker serves its queue. Its uplink up0 has as many. LAB_OFFLOAD=0 turns tx
#   checksum offload (and so TSO) off on every veth: only for a test that needs it and says
#   why where it sets it.
#
# GATEWAY MODES (in $P-gw):
#   daemon (state after lab_up): ul0 192.0.2.1/24, up0 up with NO address, ip_forward=0;
#          gw_start CONFIG runs $VXGWD -f CONFIG -s SOCKET -F there.
#   kernel: kernel_gw_up [--up0-mtu N] [--wire] [--ipv6] builds the same gateway from Linux
#          parts: vxlan5000/6000/7000 (srcport 49152-65535, df set, learning) in bridges br10/
#          br20/br30 holding 10.1.X.1/24, up0 203.0.113.2/30, default via 203.0.113.1,
#          ip_forward=1 (--ipv6: the same in IPv6, with radvd, see "IPv6"). --wire: its ul0 and up0 send what a NIC puts on a wire, complete
#          checksums and frames within the MTU (tx checksum and segmentation offloads off, so
#          the kernel completes and segments in software); without it the twin hands the
#          hosts' partial checksums and super-packets on as they came, which a capture cannot
#          check. kernel_gw_down returns to the daemon state. It is the lab's plumbing check
#          and the benchmark baseline.
#
# FUNCTIONS
#   lab_init PREFIX [TMPDIR]   set $P, $LAB_TMP (created; default mktemp -d), binaries
#   lab_start SECONDS "$0" "$@"  a script's start: timeout, build dir, KERNEL, lab_init,
#                              root (and vxgwd unless KERNEL=1) required, cleanup trap
#   lab_up / lab_down          build / remove the lab (lab_down is idempotent: kills every
#                              process in the lab namespaces, deletes them)
#   lab_cleanup                lab_down + remove $LAB_TMP (lab_trap installs it on EXIT/INT/TERM)
#   lab_exec NS CMD...         run CMD in namespace NS (short name h1, gw, ... or full name)
#   lab_ping FROM DST [ARGS]   ping; succeeds once $PING_COUNT (3) replies came back within
#                              10 s (ping -c N -w 10 sends more if one is lost)
#   lab_ping_exact, lab_udp_exact, lab_tcp_exact, lab_iperf_udp, lab_iperf_tcp: exact
#                              delivery, see "exact delivery" below
#   lab_has_line TOK...        stdin has a line holding every TOK as a whole word
#   lab_flush_neigh            flush ARP caches and route caches of hosts and ext
#   lab_tshark NAME ARGS...    tshark -r on a capture (no IP reassembly)
#   lab_rx_snap NS FILE, lab_rx_expect NS FILE "KEY=N ..."   what NS's kernel received
#                              (its SNMP counters) moved by exactly N: see "exact delivery"
#   lab_host_mac h1            the MAC of h1's eth0
#   gw_start CONFIG [ARGS]     start vxgwd in $P-gw, wait (max 10 s) until the CLI answers;
#                              ul0 sends what a NIC's wire shows (lab_gw_wire)
#   gw_stop                    SIGTERM, wait max 5 s (then SIGKILL); exit status in $GW_EXIT
#   gw_cli CMD...              vxgw-cli -s $GW_SOCK -c CMD1 -c CMD2 ... (in $P-gw)
#   gw_reload                  SIGHUP, then wait until the CLI answers again
#   gw_alive                   vxgwd still running?
#   gw_running                 the same, printing how it ended and its log's end if not
#   gw_has_line "SHOW" TOK...  run a show command; succeed if one line has all TOKs as words
#   lab_gw_config [--bds "10 20 30"] [--up0-mtu N] [--ipv6]   print a vxgwd config for this
#                              lab (--ipv6: dual stack as kernel_gw_up --ipv6: the tenants'
#                              ::1 on the BDIFs, LAB_GW6_UP on up0, ::/0 via LAB_EXT6_UP)
#   kernel_gw_up [--up0-mtu N] [--wire] [--ipv6] / kernel_gw_down
#   IPv6: lab_ipv6_on, lab_host6_on, lab_ext6_up, lab_eui64, lab_slaac, lab_radvd: see
#   "IPv6" below; a second tenant: lab_blue_up, lab_kernel_tenant_bd (below)
#   lab_wire NS off|on IFACE...  the interfaces send complete frames, as a NIC does on its
#                              wire (offloads done in software) / back to the lab's setting
#   lab_workers_line           "dataplane workers N" when VXGW_E2E_WORKERS=N is set (else
#                              nothing: the default, one worker per CPU), and "dataplane io
#                              MODE" when VXGW_E2E_IO=MODE is (xdp: the _xdp runs)
#   gw_cli_stdin               vxgw-cli -s $GW_SOCK with the commands on stdin (in $P-gw)
#   gw_json "SHOW ... json" [PYEXPR]   the output is one JSON object and PYEXPR (Python, the
#                              object is `d`, has(o, k...) tests keys) is true; prints it
#   gw_listening NS PORT       a TCP socket listens on PORT in namespace NS
#   gw_cli_refused WORD CMD... vxgw-cli -c CMD... fails with a "% " error naming WORD on
#                              stderr, and the running-config is byte-identical after it
#   lab_require_cmds CMD...    fails (not skips) naming the commands that are missing
#   cap_start NAME NS IF FILTER / cap_stop NAME / cap_file NAME   tcpdump captures
#   wait_until SECONDS CMD...  poll CMD every 0.2 s
#   check "DESC" CMD...        TAP-style assertion: ok N - DESC / not ok N - DESC (+ output)
#   skip "DESC" REASON         ok N - DESC # SKIP REASON (counted apart)
#   not CMD...                 negation usable in check
#   daemon_only DESC           true with vxgwd; with KERNEL=1 records DESC skipped, false
#   lab_finish                 cleanup, print "N passed, M failed", exit 0/1
#
# Variables: VXGW_BUILD (default <repo>/build), VXGWD, VXGW_CLI, LAB_OFFLOAD, LAB_GRO, PING_COUNT,
#   LAB_TENANT_MTU (1450: hosts, VTEP vxlan devices and bridges),
#   VXGW_E2E_WORKERS, VXGW_E2E_IO (lab_gw_config; scripts writing their own config add
#   lab_workers_line).
# Safety: all traffic stays inside the lab namespaces; every command is bounded by timeout.

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# ---------------------------------------------------------------------------------------------
# tiny assertion library (TAP-like)
T_N=0
T_PASS=0
T_FAIL=0
T_SKIP=0

check() {
  local desc=$1 out rc
  shift
  T_N=$((T_N + 1))
  out=$(mktemp "${LAB_TMP:-${TMPDIR:-/tmp}}/vxgw-check.XXXXXX")
  # Runs in the current shell (not a subshell) so that gw_start & co. keep their variables.
  if "$@" >"$out" 2>&1; then
    echo "ok $T_N - $desc"
    T_PASS=$((T_PASS + 1))
    rc=0
  else
    rc=$?
    echo "not ok $T_N - $desc"
    echo "#   command: $* (exit $rc)"
    tail -n 40 "$out" | sed 's/^/#   /'
    T_FAIL=$((T_FAIL + 1))
  fi
  rm -f "$out"
  return $rc
}

skip() {
  T_N=$((T_N + 1))
  T_SKIP=$((T_SKIP + 1))
  echo "ok $T_N - $1 # SKIP $2"
}

note() { echo "# $*"; }

# not CMD...: succeeds when CMD fails (check "..." not CMD; a bare `!` is not a command).
not() { ! "$@"; }

# daemon_only DESC: true with vxgwd as the gateway; with the kernel as the gateway
# (KERNEL=1, the scripts' VXGW_E2E_KERNEL) records DESC as skipped and is false.
daemon_only() {
  [ "${KERNEL:-0}" = 1 ] || return 0
  skip "$1" "needs vxgwd (kernel mode)"
  return 1
}

lab_summary() {
  [ "$T_SKIP" -gt 0 ] && echo "# $T_SKIP skipped"
  echo "$T_PASS passed, $T_FAIL failed"
  [ "$T_FAIL" -eq 0 ] && [ "$T_PASS" -gt 0 ]
}

# Clean up first, so that the summary is the last line printed.
lab_finish() {
  type lab_cleanup >/dev/null 2>&1 && lab_cleanup >/dev/null 2>&1
  trap - EXIT
  lab_summary
  exit $?
}

# Re-executes the calling script under `timeout` once (so every test has a hard bound and
# gets SIGTERM, which runs the cleanup trap, well before ctest's own TIMEOUT).
lab_run_under_timeout() {
  local secs=$1
  shift
  if [ -z "${VXGW_E2E_UNDER_TIMEOUT:-}" ]; then
    export VXGW_E2E_UNDER_TIMEOUT=$secs
    exec timeout -k 30 "$secs" bash "$@"
  fi
}

# lab_start SECONDS "$0" "$@": how a test script with a kernel twin starts: again under
# `timeout SECONDS` (lab_run_under_timeout); VXGW_BUILD from its first argument, KERNEL from
# VXGW_E2E_KERNEL; lab_init with prefix vxt<PID>; root needed, and vxgwd unless KERNEL=1
# (else exit 77); lab_cleanup on exit.
lab_start() {
  local secs=$1
  shift
  lab_run_under_timeout "$secs" "$@"
  shift
  [ -n "${1:-}" ] && VXGW_BUILD=$1
  KERNEL=${VXGW_E2E_KERNEL:-0}
  lab_init "vxt$$"
  lab_require_root
  [ "$KERNEL" = 1 ] || lab_require_daemon
  lab_trap
}

# ---------------------------------------------------------------------------------------------
# setup
lab_init() {
  P=$1
  if [ -n "${2:-}" ]; then
    LAB_TMP=$2
    mkdir -p "$LAB_TMP"
  else
    LAB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vxgw-e2e.XXXXXX")
  fi
  chmod 755 "$LAB_TMP"
  : "${VXGW_BUILD:=$LAB_ROOT/build}"
  VXGWD=${VXGWD:-$VXGW_BUILD/gw/vxgwd}
  VXGW_CLI=${VXGW_CLI:-$VXGW_BUILD/cli/vxgw-cli}
  GW_PID=
  GW_EXIT=
  GW_SOCK=$LAB_TMP/vxgwd.sock
  GW_LOG=$LAB_TMP/vxgwd.log
  GW_CONF=
  LAB_KERNEL_GW=0
  declare -gA CAP_PID=()
}

lab_trap() {
  trap 'lab_cleanup' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

lab_require_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "SKIP: the e2e lab needs root (network namespaces)"
    exit 77
  fi
}

lab_require_daemon() {
  if [ ! -x "$VXGWD" ] || [ ! -x "$VXGW_CLI" ]; then
    echo "SKIP: $VXGWD or $VXGW_CLI is not built"
    exit 77
  fi
}

# Fails (not skips) when a tool is missing: scripts/deps.sh installs them all.
lab_require_tools() {
  local t missing=
  for t in ip bridge sysctl ping tcpdump tshark iperf3 python3 timeout ss awk ethtool; do
    command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
  done
  [ -z "$missing" ] || { echo "missing tools:$missing (run scripts/deps.sh test)"; return 1; }
}

# Namespace name from a short name (h1, gw, ...) or a full one.
lab_ns() {
  case $1 in
    "$P"-*) echo "$1" ;;
    *) echo "$P-$1" ;;
  esac
}

lab_exec() {
  local ns
  ns=$(lab_ns "$1")
  shift
  ip netns exec "$ns" "$@"
}

LAB_NAMES="ul gw vtep1 vtep2 vtep3 h1 h2 h3 ext"
# per tenant index 1..3: bridge domain, VNI, VTEP address, host address, host MAC
LAB_BD=(x 10 20 30)
LAB_VNI=(x 5000 6000 7000)
LAB_VTEP=(x 192.0.2.11 192.0.2.12 192.0.2.13)
LAB_HOST=(x 10.1.10.50 10.1.20.60 10.1.30.70)
LAB_HOST_MAC=(x 02:00:00:01:10:50 02:00:00:01:20:60 02:00:00:01:30:70)
LAB_GROUP=239.1.1.70
LAB_GW_UL=192.0.2.1
# the MTU of the tenants' side of a VTEP (hosts, vxlan devices, bridges); 1450 leaves room for
# VXLAN over IPv4 on the 1500-byte underlay (a test over an IPv6 underlay sets 1430)
LAB_TENANT_MTU=1450
LAB_EXT_HOST=198.51.100.10

# _lab_ethtool_set NS CMD VALUE IFACE...: one legacy ethtool "set" ioctl (struct
# ethtool_value) on each interface of NS; ethtool(8) is not needed.
_lab_ethtool_set() {
  local ns=$1
  shift
  ip netns exec "$ns" python3 - "$@" <<'EOF'
import array, fcntl, socket, struct, sys
SIOCETHTOOL = 0x8946
cmd, value = int(sys.argv[1], 0), int(sys.argv[2], 0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for name in sys.argv[3:]:
    val = array.array('B', struct.pack('II', cmd, value))
    ifr = struct.pack('16sP16x', name.encode(), val.buffer_info()[0])
    fcntl.ioctl(s, SIOCETHTOOL, ifr)
EOF
}

# The lab's offload setting for the given interfaces of NS: by default nothing changes (the
# kernel's defaults); LAB_OFFLOAD=0 turns tx checksum offload off, and with it TSO
# (ETHTOOL_STXCSUM). Every script that makes veths calls it on them.
_lab_offload() {
  local ns=$1
  shift
  [ "${LAB_OFFLOAD:-1}" = 0 ] || return 0
  _lab_ethtool_set "$ns" 0x17 0 "$@"
}

# Turns GRO on for the given interfaces of NS (ETHTOOL_SGRO; on a veth it also gives the
# receive side a NAPI context, where GRO runs), as a NIC has it: the kernel may then hand a
# UDP socket with UDP_GRO (vxgwd's) a run of one flow's datagrams coalesced. LAB_GRO=0: off.
_lab_gro() {
  local ns=$1
  shift
  [ "${LAB_GRO:-1}" = 0 ] && return 0
  _lab_ethtool_set "$ns" 0x2c 1 "$@"
}

_lab_sysctl() { # NS key=value...
  local ns=$1
  shift
  ip netns exec "$ns" sysctl -q -w "$@" >/dev/null
}

# Removes namespaces left by earlier runs that were SIGKILLed: only names of the form
# vxt<PID>-<lab name> whose PID is no longer alive.
lab_gc_stale() {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    # (the standard names, and those of test_anycast, test_vrf, test_dot1q, test_ipv6 and
    # test_l2gw)
    [[ $ns =~ ^vxt([0-9]+)-(ul|gw[12]?|vtep[123]|h[1-6]|ext2?|b[12]|v[0-9]+|rred|rblue)$ ]] || continue
    pid=${BASH_REMATCH[1]}
    # alive unless gone or a zombie (state Z: killed, not yet reaped)
    [ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] && continue
    _lab_kill_ns "$ns"
    ip netns del "$ns" 2>/dev/null
  done
  return 0
}

# _lab_ns_add NAME...: namespaces $P-NAME, IPv6 off, no rp_filter, no forwarding, lo up.
_lab_ns_add() {
  local n ns
  for n in "$@"; do
    ns=$P-$n
    lab_must ip netns add "$ns" || return 1
    lab_must _lab_sysctl "$ns" net.ipv6.conf.all.disable_ipv6=1 \
      net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.lo.disable_ipv6=1 \
      net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
      net.ipv4.ip_forward=0 || return 1
    lab_must ip -n "$ns" link set lo up || return 1
  done
}

# _lab_vxlan_bridge NS VNI BR HEADEND [VXLAN ARGS...]: in NS, vxlanVNI (UDP port 4789, MTU
# LAB_TENANT_MTU, with the extra ARGS) as a port of a new bridge BR (no STP, no multicast
# snooping, MTU LAB_TENANT_MTU), both up; HEADEND: where the all-zero FDB entry sends BUM frames (head-end
# replication), "-" for none (a flood group).
_lab_vxlan_bridge() {
  local ns=$1 vni=$2 br=$3 headend=$4
  shift 4
  lab_must ip -n "$ns" link add "vxlan$vni" type vxlan id "$vni" dstport 4789 "$@" || return 1
  lab_must ip -n "$ns" link set "vxlan$vni" mtu "$LAB_TENANT_MTU" || return 1
  lab_must ip -n "$ns" link add "$br" type bridge stp_state 0 mcast_snooping 0 || return 1
  lab_must ip -n "$ns" link set "vxlan$vni" master "$br" up || return 1
  lab_must ip -n "$ns" link set "$br" mtu "$LAB_TENANT_MTU" up || return 1
  [ "$headend" = - ] ||
    lab_must bridge -n "$ns" fdb append 00:00:00:00:00:00 dev "vxlan$vni" dst "$headend"
}

# _lab_host_behind VT PORT HOSTNS MAC ADDR BR: host HOSTNS (eth0: MAC, ADDR/24, MTU
# LAB_TENANT_MTU, default route via ADDR's .1) on veth PORT of bridge BR in the VTEP's
# namespace VT.
_lab_host_behind() {
  local vt=$1 port=$2 h=$3 mac=$4 addr=$5 br=$6
  lab_must ip -n "$vt" link add "$port" type veth peer name eth0 netns "$h" || return 1
  lab_must ip -n "$vt" link set "$port" mtu "$LAB_TENANT_MTU" master "$br" up || return 1
  lab_must _lab_offload "$vt" "$port" || return 1
  lab_must ip -n "$h" link set eth0 address "$mac" mtu "$LAB_TENANT_MTU" up || return 1
  lab_must ip -n "$h" addr add "$addr/24" dev eth0 || return 1
  lab_must ip -n "$h" route add default via "${addr%.*}.1" || return 1
  lab_must _lab_offload "$h" eth0 || return 1
}

# The lab's namespaces and its underlay segment: bridge br0 in $P-ul, a veth ul0 from it
# into the gateway and each VTEP (the kernel's offloads, GRO on the gateway's), the
# gateway's ul0 up with $LAB_GW_UL/24. The VTEPs' addresses are the caller's. The gateway's
# pair has LAB_GW_QUEUES queues each way (default: one per CPU, at most 8): the bridge's port hashes
# each flow to one of them, as a switch feeding a NIC with RSS does.
_lab_underlay_segment() {
  local n q queues=${LAB_GW_QUEUES:-$(nproc)}
  # without workers vxgwd serves the first 8 queues (GW_UDP_XSK_MAX)
  [ -n "${LAB_GW_QUEUES:-}" ] || [ "$queues" -le 8 ] || queues=8
  lab_must _lab_ns_add $LAB_NAMES || return 1
  lab_must ip -n "$P-ul" link add br0 type bridge stp_state 0 mcast_snooping 0 || return 1
  lab_must ip -n "$P-ul" link set br0 up || return 1
  for n in gw vtep1 vtep2 vtep3; do
    q=1
    [ $n = gw ] && q=$queues
    lab_must ip -n "$P-ul" link add "p-$n" numtxqueues "$q" numrxqueues "$q" type veth \
      peer name ul0 numtxqueues "$q" numrxqueues "$q" netns "$P-$n" || return 1
    lab_must ip -n "$P-ul" link set "p-$n" master br0 up || return 1
    lab_must _lab_offload "$P-ul" "p-$n" || return 1
    lab_must _lab_offload "$P-$n" ul0 || return 1
  done
  lab_must _lab_gro "$P-gw" ul0 || return 1
  lab_must ip -n "$P-gw" addr add $LAB_GW_UL/24 dev ul0 || return 1
  lab_must ip -n "$P-gw" link set ul0 up || return 1
}

# Each step is `lab_must CMD || return 1`: lab_up is mostly called from check, whose `if`
# makes bash ignore set -e (see lab_must).
_lab_up_body() {
  local i vt
  _lab_underlay_segment || return 1
  # Lets a daemon's multicast socket find the underlay without a default route.
  lab_must ip -n "$P-gw" route add 224.0.0.0/4 dev ul0 || return 1

  # tenants: VTEP + host
  for i in 1 2 3; do
    vt=$P-vtep$i
    lab_must ip -n "$vt" addr add "${LAB_VTEP[i]}/24" dev ul0 || return 1
    lab_must ip -n "$vt" link set ul0 up || return 1
    if [ "$i" = 3 ]; then
      _lab_vxlan_bridge "$vt" "${LAB_VNI[i]}" br0 - local "${LAB_VTEP[i]}" group $LAB_GROUP \
        dev ul0 || return 1
    else
      _lab_vxlan_bridge "$vt" "${LAB_VNI[i]}" br0 $LAB_GW_UL local "${LAB_VTEP[i]}" nolearning ||
        return 1
    fi
    _lab_host_behind "$vt" "h$i" "$P-h$i" "${LAB_HOST_MAC[i]}" "${LAB_HOST[i]}" br0 || return 1
  done

  # uplink and "internet"
  # as many queues as ul0 (an uplink NIC spreads flows too: with `dataplane io xdp` each
  # worker's AF_XDP socket on up0 serves its queue)
  local q=${LAB_GW_QUEUES:-$(nproc)}
  [ -n "${LAB_GW_QUEUES:-}" ] || [ "$q" -le 8 ] || q=8
  lab_must ip -n "$P-gw" link add up0 numtxqueues "$q" numrxqueues "$q" type veth \
    peer name ext0 numtxqueues "$q" numrxqueues "$q" netns "$P-ext" || return 1
  lab_must ip -n "$P-gw" link set up0 up || return 1
  lab_must _lab_offload "$P-gw" up0 || return 1
  lab_must ip -n "$P-ext" addr add 203.0.113.1/30 dev ext0 || return 1
  lab_must ip -n "$P-ext" link set ext0 up || return 1
  lab_must ip -n "$P-ext" link add inet0 type veth peer name inet1 || return 1
  lab_must ip -n "$P-ext" addr add $LAB_EXT_HOST/24 dev inet0 || return 1
  lab_must ip -n "$P-ext" link set inet0 up || return 1
  lab_must ip -n "$P-ext" link set inet1 up || return 1
  lab_must ip -n "$P-ext" route add 10.0.0.0/8 via 203.0.113.2 || return 1
  lab_must _lab_offload "$P-ext" ext0 inet0 inet1 || return 1
}

lab_up() {
  local rc
  lab_gc_stale
  if ip netns list | grep -q "^$P-"; then
    echo "lab_up: namespaces $P-* exist already" >&2
    return 1
  fi
  (_lab_up_body)
  rc=$?
  if [ $rc -ne 0 ]; then
    lab_down
    return $rc
  fi
  return 0
}

_lab_kill_ns() { # kills every process in namespace $1: TERM, then KILL after 2 s
  local ns=$1 pids i
  pids=$(ip netns pids "$ns" 2>/dev/null)
  [ -z "$pids" ] && return 0
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null
  for i in $(seq 20); do
    pids=$(ip netns pids "$ns" 2>/dev/null)
    [ -z "$pids" ] && return 0
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null
  sleep 0.1
}

lab_down() {
  local ns name
  [ -n "${P:-}" ] || return 0
  for name in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    for ns in $LAB_NAMES; do
      [ "$name" = "$P-$ns" ] || continue
      _lab_kill_ns "$name"
    done
  done
  for ns in $LAB_NAMES; do
    ip netns del "$P-$ns" 2>/dev/null
  done
  if [ -n "${GW_PID:-}" ]; then
    wait "$GW_PID" 2>/dev/null
    GW_PID=
  fi
  LAB_KERNEL_GW=0
  return 0
}

lab_cleanup() {
  lab_down
  if [ -n "${LAB_TMP:-}" ] && [ -d "$LAB_TMP" ] && [ -z "${LAB_KEEP_TMP:-}" ]; then
    rm -rf "$LAB_TMP"
  fi
  return 0
}

# ---------------------------------------------------------------------------------------------
# helpers
# wait_until SECONDS CMD...: polls CMD every LAB_POLL_S seconds (default 0.2) until it succeeds.
wait_until() {
  local secs=$1 end
  shift
  end=$(($(date +%s%N) + secs * 1000000000))
  while :; do
    "$@" && return 0
    [ "$(date +%s%N)" -ge "$end" ] && return 1
    sleep "${LAB_POLL_S:-0.2}"
  done
}

lab_host_mac() {
  ip -n "$(lab_ns "$1")" -br link show "${2:-eth0}" | awk '{print $3}'
}

# lab_ping FROM DST [ping options]: PING_COUNT (default 3) replies within 10 s, or fail.
# (With both -c and -w, iputils ping goes on sending until it has -c replies or the deadline.)
lab_ping() {
  local from=$1 dst=$2
  shift 2
  lab_exec "$from" timeout 20 ping -n -q -c "${PING_COUNT:-3}" -i 0.2 -w 10 "$@" "$dst"
}

lab_flush_neigh() {
  local n
  for n in h1 h2 h3 ext; do
    ip -n "$P-$n" neigh flush all 2>/dev/null
    ip -n "$P-$n" route flush cache 2>/dev/null
  done
  return 0
}

# lab_has_line TOK...: stdin has a line containing every TOK as a whole word (words are
# separated by blanks and , ; | ( ) [ ] { } " ' =).
lab_has_line() {
  awk -v toks="$*" '
    BEGIN { n = split(toks, T, " ") }
    {
      m = split($0, F, /[ \t,;|()\[\]{}"'"'"'=]+/); ok = 0
      for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) if (F[j] == T[i]) { ok++; break }
      if (ok == n) hit = 1
    }
    END { exit !hit }'
}

# ---------------------------------------------------------------------------------------------
# packet captures (tcpdump in a namespace, bounded to 120 s)
cap_file() { echo "$LAB_TMP/cap-$1.pcap"; }

# --immediate-mode: without it libpcap's TPACKET_V3 ring hands a block of packets to
# tcpdump only when its 1 s retire timer fires, and SIGTERM before that loses them all;
# a capture stopped within 1 s of its start then saw nothing although the packets came.
cap_start() { # NAME NS IFACE FILTER...
  local name=$1 ns=$2 ifc=$3
  shift 3
  _cap_run "$name" "$ns" "$ifc" "-s 256" "$@"
}

# cap_start_rx NAME NS IFACE COUNT FILTER...: frames IFACE received (-Q in: not the ones NS
# sent, whose checksums may still be partial), whole (-s 0), the first COUNT of them.
# -B: with offloads on, libpcap sizes each slot of its ring for a 256 KiB frame (a GRO'd
# one may be that large), so the default 2 MiB ring holds 8 frames and a tcpdump that is
# slow to be scheduled loses some; 64 MiB holds 256.
cap_start_rx() {
  local name=$1 ns=$2 ifc=$3 count=$4
  shift 4
  _cap_run "$name" "$ns" "$ifc" "-Q in -s 0 -B 65536 -c $count" "$@"
}

_cap_run() { # NAME NS IFACE "TCPDUMP OPTIONS" FILTER...
  local name=$1 ns=$2 ifc=$3 opts=$4 err
  shift 4
  err=$LAB_TMP/cap-$name.err
  rm -f "$(cap_file "$name")" "$err"
  # shellcheck disable=SC2086
  lab_exec "$ns" timeout 120 tcpdump --immediate-mode -Z root -U -n $opts -i "$ifc" \
    -w "$(cap_file "$name")" "$@" \
    </dev/null >/dev/null 2>"$err" &
  CAP_PID[$name]=$!
  wait_until 5 grep -q "listening on" "$err" || { cat "$err"; return 1; }
}

# cap_stop NAME...: 0.3 s for the last frames to land, then stops each capture.
cap_stop() {
  local name pid
  sleep 0.3
  for name in "$@"; do
    pid=${CAP_PID[$name]:-}
    [ -n "$pid" ] || continue
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    unset "CAP_PID[$name]"
  done
  return 0
}

# lab_tshark NAME tshark-args...: read a capture (no reassembly, no name resolution)
lab_tshark() {
  local f
  f=$(cap_file "$1")
  shift
  timeout 60 tshark -n -o ip.defragment:FALSE -o ipv6.defragment:FALSE -r "$f" "$@" 2>/dev/null
}

# ---------------------------------------------------------------------------------------------
# exact delivery (SPEC 5: every forwarded packet delivered exactly once, with valid checksums)
#
#   lab_ping_exact FROM DST N [ping args]   N echo requests 50 ms apart (ping -c N -i 0.05
#       -W 2): exactly N replies and no duplicate; prints "N sent, M received, D duplicates"
#   lab_ping_expect FROM DST N R [ping args]   the same, exactly R replies (0: isolation)
#   (DST: IPv4 or IPv6, fe80::X%IFACE for a link-local one, in every helper here; an IPv6
#   receiver binds to ::, the checks read the IPv6 headers and the kernel's IPv6 counters)
#   lab_udp_exact FROM TO DST [N] [SIZE]    N (default 200) numbered datagrams of 12..SIZE
#       (1300) bytes over 8 flows, from namespace FROM to DST:9100 in namespace TO
#       (udpflows.py seq-*): each received exactly once and intact; the checksum-error
#       counters of FROM and TO unchanged; at TO's receive point exactly N of them seen, all
#       with valid IP and UDP checksums, none bigger than the MTU there
#   lab_tcp_exact FROM TO DST [BYTES]       one TCP connection FROM -> DST:9200, BYTES
#       (default 8 MiB) each way at once (tcpxfer.py): exactly BYTES arrive intact at each
#       end; checksum-error counters unchanged; at both receive points the connection's
#       first frames (up to 3000) have valid IP and TCP checksums and fit the MTU
#   lab_iperf_udp FROM TO DST               iperf3 -u at 50 Mbit/s each way at once for 2 s
#       (1300-byte datagrams): datagrams both ways, none lost, none out of order at the
#       receiving ends (iperf3 counts a duplicate as out of order); checksum-error counters
#       unchanged
#   lab_iperf_tcp FROM TO DST               iperf3 each way at once for 3 s: completes
#       without error, data both ways; checksum-error counters unchanged; the rates in
#       $LAB_TMP/iperf-tcp.txt
#   (iperf3's byte totals are not compared: its receiver stops counting when the test time
#   is up, with data still in flight. lab_tcp_exact counts bytes exactly.)
#   lab_csum_errors NS      the sum of NS's kernel InCsumErrors counters (IpExt, Tcp, Udp,
#       UdpLite, Icmp, and IPv6's Udp6, UdpLite6, Icmp6; nstat shows them), which count
#       every received packet with a bad checksum
#   LAB_RX_AT[NS]="CAPNS IFACE MTU"   where frames for NS arrive from the gateway as it sent
#       them: for a host behind a VTEP, the VTEP's ul0 (VXLAN, checked inside; past it the
#       VTEP's vxlan device merges a TCP flow's segments by GRO and rewrites the checksum
#       field of what it merged); for ext, its ext0. Unset: no capture for NS.

# The system's python3 for the helpers' scripts (standard library only): a python3 first on
# PATH may be a version manager's shim, which costs half a second per start.
LAB_PY=/usr/bin/python3
[ -x $LAB_PY ] || LAB_PY=python3
declare -gA LAB_RX_AT=([h1]="vtep1 ul0 1500" [h2]="vtep2 ul0 1500" [h3]="vtep3 ul0 1500"
  [ext]="ext ext0 1500")
LAB_UDP_PORT=9100
LAB_TCP_PORT=9200
LAB_IPERF_PORT=5201

lab_ping_exact() {
  local from=$1 dst=$2 n=$3
  shift 3
  lab_ping_expect "$from" "$dst" "$n" "$n" "$@"
}

lab_ping_expect() {
  local from=$1 dst=$2 n=$3 want=$4 out tx rx dup
  shift 4
  out=$(lab_exec "$from" timeout $((n / 20 + 15)) ping -n -q -c "$n" -i 0.05 -W 2 "$@" "$dst" 2>&1)
  echo "$out" | tail -n 3
  tx=$(echo "$out" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
  rx=$(echo "$out" | sed -n 's/.* \([0-9]*\) received.*/\1/p')
  dup=$(echo "$out" | sed -n 's/.* +\([0-9]*\) duplicates.*/\1/p')
  echo "${tx:-?} sent, ${rx:-?} received, ${dup:-0} duplicates (expected $n, $want, 0)"
  [ "$tx" = "$n" ] && [ "$rx" = "$want" ] && [ -z "$dup" ]
}

# (read from /proc/net/snmp and /proc/net/netstat: pairs of a header line and a value line;
# and /proc/net/snmp6: a name and a value a line, Udp6InCsumErrors, Icmp6InCsumErrors...)
lab_csum_errors() {
  lab_exec "$1" cat /proc/net/snmp /proc/net/netstat /proc/net/snmp6 2>/dev/null | awk '
    NF == 2 && $1 ~ /6InCsumErrors$/ { s += $2; next }
    $1 == prev { for (i = 2; i <= NF; i++) if (h[i] == "InCsumErrors") s += $i; prev = ""; next }
    { prev = $1; for (i = 2; i <= NF; i++) h[i] = $i }
    END { print s + 0 }'
}

# _lab_csum_snap NS...: remembers the counters; _lab_csum_same NS...: prints them, succeeds
# when none grew
declare -gA _LAB_CSUM=()
_lab_csum_snap() {
  local ns
  for ns in "$@"; do _LAB_CSUM[$ns]=$(lab_csum_errors "$ns"); done
}
_lab_csum_same() {
  local ns now ok=0
  for ns in "$@"; do
    now=$(lab_csum_errors "$ns")
    echo "$ns: packets with a bad checksum received (InCsumErrors) +$((now - ${_LAB_CSUM[$ns]:-0}))"
    [ "$now" = "${_LAB_CSUM[$ns]:-0}" ] || ok=1
  done
  return $ok
}

# lab_rx_snap NS FILE / lab_rx_expect NS FILE "KEY=N ...": what NS's kernel received since
# the snapshot, by its counters (KEY: Proto.Name of /proc/net/snmp, e.g. Tcp.InSegs,
# Icmp.InEchos, Udp.NoPorts, or a name of /proc/net/snmp6, e.g. Icmp6InEchos): each KEY moved
# by exactly N; prints every one. (Tcp.* counts IPv4 and IPv6 alike.)
lab_rx_counts() {
  lab_exec "$1" cat /proc/net/snmp /proc/net/snmp6 | awk '
    NF == 2 && $1 !~ /:$/ { print $1, $2; next }
    $1 == prev { for (i = 2; i <= NF; i++) print p h[i], $i; prev = ""; next }
    { prev = $1; p = substr($1, 1, length($1) - 1) "."; for (i = 2; i <= NF; i++) h[i] = $i }'
}
lab_rx_snap() { lab_rx_counts "$1" >"$2"; }
lab_rx_expect() {
  local ns=$1 snap=$2 want=$3
  lab_rx_counts "$ns" | awk -v ns="$ns" -v want="$want" '
    NR == FNR { was[$1] = $2; next }
    { now[$1] = $2 }
    END { n = split(want, w, " ")
          for (i = 1; i <= n; i++) { split(w[i], kv, "="); d = now[kv[1]] - was[kv[1]]
            printf "%s received: %s +%d (expected %s)\n", ns, kv[1], d, kv[2]
            if (!(kv[1] in now) || d != kv[2]) bad = 1 }
          exit bad }' "$snap" -
}

# _lab_reap PID SECONDS: waits up to SECONDS for background job PID (a receiver whose sender
# is done), then ends it; returns its exit status (143 if it had to be ended)
_lab_reap() {
  local pid=$1 end=$(($(date +%s%N) + $2 * 1000000000))
  while kill -0 "$pid" 2>/dev/null && [ "$(date +%s%N)" -lt "$end" ]; do sleep 0.05; done
  kill -TERM "$pid" 2>/dev/null
  wait "$pid"
}

# _lab_rx_start NAME NS COUNT: capture of what arrives for NS at LAB_RX_AT[NS] (none if unset)
_lab_rx_start() {
  local name=$1 at=${LAB_RX_AT[$2]:-} capns ifc mtu
  [ -n "$at" ] || return 0
  read -r capns ifc mtu <<<"$at"
  case $ifc in
    ul0) cap_start_rx "$name" "$capns" "$ifc" "$3" udp dst port 4789 ;;
    *) cap_start_rx "$name" "$capns" "$ifc" "$3" ;;
  esac
}

# _lab_rx_check NAME NS DISPLAY-FILTER MIN [EXACT]: of the frames captured by _lab_rx_start
# that match the filter: at least MIN (exactly EXACT if given), no bad IP, TCP, UDP or ICMP
# checksum (inner headers of VXLAN included), no IP packet bigger than the MTU there. An
# ICMP error that matches (it quotes such a packet) is counted apart: its own IP and ICMP
# checksums are checked and its size, not the quoted packet's TCP or UDP checksum (a quote
# of a sender's partial checksum stays partial, the kernel's quotes too) nor its length.
# _lab_rx_wait NAME TO COUNT: gives the receive point's capture up to 5 s to have written
# COUNT frames. tcpdump reads the kernel's ring at its own pace; on a busy machine it can be
# behind the receiving socket, and what is still in the ring when it is stopped is lost.
_lab_rx_wait() {
  [ -n "${LAB_RX_AT[$2]:-}" ] || return 0
  wait_until 5 _cap_has "$(cap_file "$1")" "$3"
  return 0
}
_cap_has() { [ "$(tcpdump -r "$1" 2>/dev/null | wc -l)" -ge "$2" ]; } # FILE COUNT
_lab_rx_check() {
  local name=$1 at=${LAB_RX_AT[$2]:-} filter=$3 min=$4 exact=${5:-} capns ifc mtu
  [ -n "$at" ] || { echo "no receive point for $2: frames not checked"; return 0; }
  read -r capns ifc mtu <<<"$at"
  local rc=0
  # fields: 1 IPv4 lengths, 2 IPv6 payload lengths, 3-5 IPv4, TCP, UDP checksum status,
  # 6-7 ICMP and ICMPv6 checksum status, 8-9 ICMP and ICMPv6 type (every occurrence: the
  # outer headers of VXLAN come first), 10-11 TCP checksum as sent and as computed.
  # A TCP checksum of 0xffff where 0x0000 was computed is the same one's complement sum:
  # every receiver accepts it, and the Linux kernel writes it when it completes a checksum
  # in software (skb_checksum_help's CSUM_MANGLED_0, for TCP too); a router forwards it as
  # it is. tshark flags it (tcp.checksum.ffff); it counts as valid here.
  lab_tshark "$name" -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
    -o ip.check_checksum:TRUE -Y "$filter" -T fields -E occurrence=a -E aggregator=' ' \
    -e ip.len -e ipv6.plen -e ip.checksum.status -e tcp.checksum.status -e udp.checksum.status \
    -e icmp.checksum.status -e icmpv6.checksum.status -e icmp.type -e icmpv6.type \
    -e tcp.checksum -e tcp.checksum_calculated |
    awk -F'\t' -v mtu="$mtu" -v min="$min" -v exact="$exact" -v at="$capns $ifc" '
      function badf(f, first,   k, i, st, sent, calc) {
        k = split($f, st, " "); if (first && k > 1) k = 1
        split($10, sent, " "); split($11, calc, " ")
        for (i = 1; i <= k; i++)
          if (st[i] == "0" && !(f == 4 && sent[i] == "0xffff" && calc[i] == "0x0000")) return 1
        return 0 }
      { k = split($1, len, " "); k6 = split($2, len6, " ")
        for (i = 1; i <= k6; i++) len[k + i] = len6[i] + 40
        if ($8 != "" || $9 != "") { icmp++; if (len[1] + 0 > mtu) big++
                                    b = badf(3, 0) || badf(6, 1) || badf(7, 1) }
        else { n++; for (i = 1; i <= k + k6; i++) if (len[i] + 0 > mtu) big++
               b = badf(3, 0) || badf(4, 0) || badf(5, 0) || badf(6, 0) || badf(7, 0) }
        if (b) { bad++; if (bad <= 5) print "bad checksum:", $0 } }
      END { printf "%s: %d frames, %d with a bad checksum, %d IP packets above MTU %d", at, n, bad, big, mtu
            if (icmp) printf " (and %d ICMP errors quoting them)", icmp
            print ""
            if (exact != "" && n != exact) { print "expected exactly " exact; exit 1 }
            exit !(n >= min && !bad && !big) }' || rc=1
  # the bytes of the first frames with a bad checksum, for whoever reads the log
  [ $rc = 0 ] || lab_tshark "$name" -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
    -o ip.check_checksum:TRUE -x -Y "($filter) && (tcp.checksum.status == 0 ||
      udp.checksum.status == 0 || ip.checksum.status == 0) && !icmp && !icmpv6" | head -30
  return $rc
}

# _lab_ip_field ADDR: the display-filter protocol of ADDR's family (ip or ipv6);
# _lab_any_addr ADDR: the wildcard address of that family, for a receiver to bind to.
_lab_ip_field() { case $1 in *:*) echo ipv6 ;; *) echo ip ;; esac; }
_lab_any_addr() { case $1 in *:*) echo :: ;; *) echo 0.0.0.0 ;; esac; }

lab_udp_exact() {
  local from=$1 to=$2 dst=$3 n=${4:-200} size=${5:-1300} tag rpid rc=0 sent
  local out=$LAB_TMP/udp-exact.json cap=udpx-$to
  tag=$((RANDOM * 32768 + RANDOM))
  _lab_csum_snap "$from" "$to"
  _lab_rx_start "$cap" "$to" $((n + 100)) || return 1
  lab_exec "$to" timeout 40 $LAB_PY "$LAB_ROOT/tests/e2e/udpflows.py" seq-recv $LAB_UDP_PORT \
    "$n" 30 "$tag" "$(_lab_any_addr "$dst")" >"$out" 2>&1 &
  rpid=$!
  wait_until 5 eval "lab_exec $to ss -Hluan 'sport = :$LAB_UDP_PORT' | grep -q ." ||
    { echo "the receiver in $to does not listen"; kill "$rpid"; cap_stop "$cap"; return 1; }
  sent=$(lab_exec "$from" timeout 30 $LAB_PY "$LAB_ROOT/tests/e2e/udpflows.py" seq-send "$dst" \
    $LAB_UDP_PORT "$n" "$size" 8 "$tag") || rc=1
  _lab_reap "$rpid" 5 || rc=1
  _lab_rx_wait "$cap" "$to" "$n"
  cap_stop "$cap"
  echo "$from -> $dst ($to): sent ${sent:-?} datagrams of 12..$size bytes over 8 flows; received: $(cat "$out")"
  _lab_csum_same "$from" "$to" || rc=1
  _lab_rx_check "$cap" "$to" "udp.dstport == $LAB_UDP_PORT && $(_lab_ip_field "$dst").dst == $dst" \
    "$n" "$n" || rc=1
  return $rc
}

lab_tcp_exact() {
  local from=$1 to=$2 dst=$3 bytes=${4:-8388608} spid rc=0
  local out=$LAB_TMP/tcp-exact
  _lab_csum_snap "$from" "$to"
  _lab_rx_start tcpx-to "$to" 3000 || return 1
  _lab_rx_start tcpx-from "$from" 3000 || { cap_stop tcpx-to; return 1; }
  lab_exec "$to" timeout 40 $LAB_PY "$LAB_ROOT/tests/e2e/tcpxfer.py" serve $LAB_TCP_PORT \
    "$bytes" 30 "$(_lab_any_addr "$dst")" >"$out.serve" 2>&1 &
  spid=$!
  wait_until 5 gw_listening "$to" $LAB_TCP_PORT ||
    { echo "the server in $to does not listen"; kill "$spid"; cap_stop tcpx-to tcpx-from; return 1; }
  lab_exec "$from" timeout 40 $LAB_PY "$LAB_ROOT/tests/e2e/tcpxfer.py" send "$dst" $LAB_TCP_PORT \
    "$bytes" 30 >"$out.send" 2>&1 || rc=1
  _lab_reap "$spid" 3 || rc=1
  cap_stop tcpx-to tcpx-from
  echo "$from -> $dst ($to), $bytes bytes each way on one connection"
  echo "  at $from (sent, and received from $to): $(cat "$out.send")"
  echo "  at $to (sent, and received from $from): $(cat "$out.serve")"
  _lab_csum_same "$from" "$to" || rc=1
  # both captures read at once (tshark takes most of a second to start)
  _lab_rx_check tcpx-to "$to" "tcp.port == $LAB_TCP_PORT" 1 >"$out.rx" 2>&1 &
  spid=$!
  _lab_rx_check tcpx-from "$from" "tcp.port == $LAB_TCP_PORT" 1 || rc=1
  wait "$spid" || rc=1
  cat "$out.rx"
  return $rc
}

# _lab_iperf FROM TO DST NAME ARGS...: two iperf3 tests at once, FROM -> DST and, with -R,
# DST -> FROM, each against a one-off server bound to DST in TO (so that it answers from
# that address); JSON in $LAB_TMP/NAME-fwd.json and NAME-rev.json. (Not --bidir: iperf3
# tells its two data connections apart by the order the server accepts them, and
# connections of different flows may be reordered on the way, by the gateway's workers
# too, which leaves both ends sending on one connection and neither reading.)
# Each sending iperf3 stays on one CPU (-A): a veth queues what a process sends on the backlog
# of the CPU it runs on, so a sender that migrates mid-stream can reorder its own datagrams
# before they reach any gateway (a NIC has no such per-CPU queue). The reordering left to
# count is then what happens after the sender.
_lab_iperf() {
  local from=$1 to=$2 dst=$3 name=$4 port spid=() cpid=() rc=0 i cpu=(0 0)
  shift 4
  [ "$(nproc)" -gt 1 ] && cpu=(0 1)
  for i in 0 1; do
    port=$((LAB_IPERF_PORT + i))
    lab_exec "$to" timeout 30 iperf3 -s -1 -J -B "$dst" -p $port -A "${cpu[i]}" \
      >"$LAB_TMP/$name-$i.server" 2>&1 &
    spid+=($!)
  done
  for i in 0 1; do
    wait_until 5 gw_listening "$to" $((LAB_IPERF_PORT + i)) ||
      { echo "iperf3 -s in $to does not listen"; kill "${spid[@]}"; return 1; }
  done
  lab_exec "$from" timeout 20 iperf3 -c "$dst" -p $LAB_IPERF_PORT -J --connect-timeout 3000 \
    -A "${cpu[0]}" --get-server-output "$@" >"$LAB_TMP/$name-fwd.json" 2>&1 &
  cpid+=($!)
  lab_exec "$from" timeout 20 iperf3 -c "$dst" -p $((LAB_IPERF_PORT + 1)) -R -J \
    -A "${cpu[1]}" --connect-timeout 3000 --get-server-output "$@" >"$LAB_TMP/$name-rev.json" 2>&1 &
  cpid+=($!)
  for i in 0 1; do wait "${cpid[i]}" || rc=1; done
  for i in 0 1; do _lab_reap "${spid[i]}" 3; done
  return $rc
}

# The checks of _lab_iperf's two results (python, from stdin): load(way) gives the client's
# JSON of way "fwd" or "rev" and the server's (the first error fails), udp(j) the UDP streams
# of one, tcp_line(way, j) a summary line and whether data went each way.
_LAB_IPERF_PY='
import json, sys
base, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
def load(way):
    try:
        c = json.load(open("%s-%s.json" % (base, way)))
    except ValueError:
        sys.exit("iperf3 %s gave no JSON: %s" % (way, open("%s-%s.json" % (base, way)).read()[-2000:]))
    if c.get("error"):
        sys.exit("iperf3 %s: %s" % (way, c["error"]))
    return c, c.get("server_output_json") or {}
def arrow(way):
    return ("%s -> %s" if way == "fwd" else "%s <- %s") % (src, dst)
'

lab_iperf_udp() {
  local from=$1 to=$2 dst=$3 rc=0
  _lab_csum_snap "$from" "$to"
  _lab_iperf "$from" "$to" "$dst" iperf-udp -u -b 50M -l 1300 -w 2M -t 2 || rc=1
  timeout 10 $LAB_PY -c "$_LAB_IPERF_PY"'
ok = True
for way in ("fwd", "rev"):
    c, srv = load(way)
    # the receiving end counts loss and reordering: the server forward, the client reverse
    recv = srv if way == "fwd" else c
    for st in recv.get("end", {}).get("streams", []):
        u = st["udp"]
        print("UDP %s: %d datagrams received, %d lost, %d out of order" %
              (arrow(way), u["packets"], u["lost_packets"], u["out_of_order"]))
        ok = ok and u["packets"] > 0 and u["lost_packets"] == 0 and u["out_of_order"] == 0
    if not recv.get("end", {}).get("streams"):
        print("UDP %s: no result from the receiving end" % arrow(way))
        ok = False
sys.exit(0 if ok else 1)
' "$LAB_TMP/iperf-udp" "$from" "$dst" || rc=1
  _lab_csum_same "$from" "$to" || rc=1
  return $rc
}

lab_iperf_tcp() {
  local from=$1 to=$2 dst=$3 rc=0
  _lab_csum_snap "$from" "$to"
  _lab_iperf "$from" "$to" "$dst" iperf-tcp -t 3 || rc=1
  timeout 10 $LAB_PY -c "$_LAB_IPERF_PY"'
ok, summary = True, []
for way in ("fwd", "rev"):
    c, _ = load(way)
    s, v = c["end"]["sum_sent"], c["end"]["sum_received"]
    line = "TCP %s: %.1f Mbit/s, %d bytes sent, %d received, %d retransmits" % (
        arrow(way), v["bits_per_second"] / 1e6, s["bytes"], v["bytes"], s.get("retransmits", -1))
    print(line)
    summary.append(line)
    ok = ok and s["bytes"] > 0 and v["bytes"] > 0
open(base + ".txt", "w").write("\n".join(summary) + "\n")
sys.exit(0 if ok else 1)
' "$LAB_TMP/iperf-tcp" "$from" "$dst" || rc=1
  _lab_csum_same "$from" "$to" || rc=1
  return $rc
}

# ---------------------------------------------------------------------------------------------
# vxgwd
lab_gw_config() {
  local bds="10 20 30" up0_mtu='' ipv6=0 i
  while [ $# -gt 0 ]; do
    case $1 in
      --bds) bds=$2; shift 2 ;;
      --up0-mtu) up0_mtu=$2; shift 2 ;;
      --ipv6) ipv6=1; shift ;;
      *) echo "lab_gw_config: unknown option $1" >&2; return 1 ;;
    esac
  done
  echo "! generated by tests/e2e/lab.sh lab_gw_config --bds \"$bds\" ${up0_mtu:+--up0-mtu $up0_mtu}"
  echo "hostname vxgw-e2e"
  echo "vxlan source $LAB_GW_UL"
  echo "!"
  for i in 1 2 3; do
    [[ " $bds " == *" ${LAB_BD[i]} "* ]] || continue
    echo "bridge-domain ${LAB_BD[i]}"
    echo " vni ${LAB_VNI[i]}"
    if [ "$i" = 3 ]; then echo " flood-group $LAB_GROUP"; else echo " flood-peer ${LAB_VTEP[i]}"; fi
    echo "!"
  done
  for i in 1 2 3; do
    [[ " $bds " == *" ${LAB_BD[i]} "* ]] || continue
    echo "interface bdif ${LAB_BD[i]}"
    echo " ip address 10.1.${LAB_BD[i]}.1/24"
    [ $ipv6 = 0 ] || echo " ipv6 address ${LAB_PFX6[i]}1/64"
    echo " mtu 1450"
    echo "!"
  done
  echo "interface ethernet up0"
  echo " ip address 203.0.113.2/30"
  [ $ipv6 = 0 ] || echo " ipv6 address $LAB_GW6_UP/64"
  [ -n "$up0_mtu" ] && echo " mtu $up0_mtu"
  echo "!"
  echo "ip route 0.0.0.0/0 203.0.113.1"
  [ $ipv6 = 0 ] || echo "ipv6 route ::/0 $LAB_EXT6_UP"
  lab_workers_line
}

# lab_conf_ipv4 FILE: etc/vxgw.conf without its IPv6 lines, printed. The demo config is
# dual stack; the IPv4 tests count frames on the underlay and per interface exactly, and
# the router advertisements an IPv6 BDIF sends (at start and every ra-interval) would be
# traffic they did not send (test_ipv6.sh has the IPv6 side).
lab_conf_ipv4() { sed -e '/^ *ipv6 /d' "$1"; }

lab_workers_line() {
  [ -z "${VXGW_E2E_WORKERS:-}" ] || echo "dataplane workers $VXGW_E2E_WORKERS"
  [ -z "${VXGW_E2E_IO:-}" ] || echo "dataplane io $VXGW_E2E_IO"
}

gw_alive() { [ -n "${GW_PID:-}" ] && kill -0 "$GW_PID" 2>/dev/null; }

# gw_running: gw_alive, and if vxgwd is gone, how it ended and the end of its log
gw_running() {
  local rc
  gw_alive && return 0
  wait "${GW_PID:-0}" 2>/dev/null
  rc=$?
  echo "vxgwd (pid ${GW_PID:-?}) is not running; exit status $rc$([ $rc -gt 128 ] && echo " (signal $((rc - 128)))")"
  tail -n 30 "$GW_LOG"
  return 1
}

gw_cli() {
  local a=() c
  for c in "$@"; do a+=(-c "$c"); done
  ip netns exec "$P-gw" timeout 10 "$VXGW_CLI" -s "$GW_SOCK" "${a[@]}"
}

_gw_answers() { gw_cli "show version" >/dev/null 2>&1; }

# gw_start CONFIG [extra vxgwd args]: vxgwd in $P-gw, logs appended to $GW_LOG.
# lab_gw_wire NS: before vxgwd starts in NS. vxgwd hands the kernel UDP super-datagrams to
# cut (gw/io/udp.c), as the kernel twin hands it super-packets. On NS's ul0 the kernel cuts
# them and completes their checksums in software, as a NIC with UDP segmentation offload
# does in hardware, so that the captures at the VTEPs see a wire's datagrams (for the same
# reason as the twin's --wire; a veth would carry the runs whole, which a capture cannot
# check). LAB_GW_WIRE=0 keeps the veth's defaults (the benchmark, and scripts/lab.sh's demo).
lab_gw_wire() {
  [ "${LAB_GW_WIRE:-1}" = 1 ] || return 0
  lab_must lab_wire "$1" off ul0
}

gw_start() {
  local conf
  conf=$(realpath "$1") || return 1
  shift
  if gw_alive; then echo "gw_start: vxgwd already running (pid $GW_PID)"; return 1; fi
  if [ "$LAB_KERNEL_GW" = 1 ]; then echo "gw_start: kernel gateway is up"; return 1; fi
  GW_CONF=$conf
  lab_flush_neigh
  lab_gw_wire gw || return 1
  echo "=== gw_start $(date +%T.%N) $VXGWD -f $conf -s $GW_SOCK -F $*" >>"$GW_LOG"
  # `ip netns exec` execs vxgwd, so $! is vxgwd's own pid.
  ip netns exec "$P-gw" "$VXGWD" -f "$conf" -s "$GW_SOCK" -F "$@" \
    </dev/null >>"$GW_LOG" 2>&1 &
  GW_PID=$!
  local i
  for i in $(seq 100); do
    if ! gw_alive; then
      wait "$GW_PID" 2>/dev/null
      echo "gw_start: vxgwd exited with status $? during start-up; log:"
      tail -n 30 "$GW_LOG"
      GW_PID=
      return 1
    fi
    _gw_answers && return 0
    sleep 0.1
  done
  echo "gw_start: vxgwd does not answer 'show version' on $GW_SOCK after 10 s; log:"
  tail -n 30 "$GW_LOG"
  return 1
}

# gw_stop: SIGTERM and wait up to 5 s (then SIGKILL). $GW_EXIT = exit status (137 if killed),
# $GW_STOP_MS = time it took. Returns 0 only for a clean exit 0.
gw_stop() {
  local t0 i
  GW_EXIT=
  [ -n "${GW_PID:-}" ] || { echo "gw_stop: no vxgwd"; return 1; }
  t0=$(date +%s%N)
  kill -TERM "$GW_PID" 2>/dev/null
  for i in $(seq 50); do
    gw_alive || break
    sleep 0.1
  done
  if gw_alive; then
    echo "gw_stop: vxgwd still running 5 s after SIGTERM, killing it"
    kill -KILL "$GW_PID"
  fi
  wait "$GW_PID" 2>/dev/null
  GW_EXIT=$?
  GW_STOP_MS=$((($(date +%s%N) - t0) / 1000000))
  GW_PID=
  echo "=== gw_stop $(date +%T.%N): exit status $GW_EXIT after $GW_STOP_MS ms" >>"$GW_LOG"
  [ "$GW_EXIT" = 0 ]
}

# gw_reload: SIGHUP, then wait until the daemon answers the CLI again (max 10 s).
gw_reload() {
  gw_alive || { echo "gw_reload: vxgwd is not running"; return 1; }
  echo "=== gw_reload $(date +%T.%N)" >>"$GW_LOG"
  kill -HUP "$GW_PID"
  sleep 0.2
  wait_until 10 _gw_answers && gw_alive
}

# gw_has_line "show ..." TOK...: prints the output; succeeds if one line has every TOK.
gw_has_line() {
  local cmd=$1 out
  shift
  out=$(gw_cli "$cmd") || { echo "$out"; echo "gw_has_line: '$cmd' failed"; return 1; }
  echo "$out"
  echo "$out" | lab_has_line "$@" || { echo "no line with: $*"; return 1; }
}

# gw_errors_count NAME: how many drops `show errors` counts for reason NAME (0: none).
gw_errors_count() { gw_cli "show errors" | awk -v n="$1" '$1 == n { c = $2 } END { print c + 0 }'; }

# ---------------------------------------------------------------------------------------------
# the same gateway, done by the Linux kernel
# lab_wire NS off|on IFACE...: off: the interfaces put what a NIC would on its wire,
# complete checksums and frames within the MTU (tx checksum offload off, and with it TSO and
# UDP GSO; VXLAN and fraglist segmentation off), so the kernel completes and segments in
# software what a NIC does in hardware. on: back to the lab's setting (see _lab_offload).
LAB_WIRE_FEATURES="tx-udp_tnl-segmentation tx-udp_tnl-csum-segmentation tx-gso-list"
lab_wire() {
  local ns=$1 how=$2 ifc f args
  shift 2
  for ifc in "$@"; do
    args=()
    [ "$how" = on ] && [ "${LAB_OFFLOAD:-1}" = 0 ] || args=(tx "$how")
    for f in $LAB_WIRE_FEATURES; do args+=("$f" "$how"); done
    lab_exec "$ns" ethtool -K "$ifc" "${args[@]}" || return 1
  done
}

# lab_must CMD...: runs CMD; if it fails, says which and fails. For set-up steps, written
# `lab_must CMD || return 1`: check runs its command in an `if`, and there bash ignores
# set -e, even in a subshell that sets it again.
lab_must() { "$@" || { echo "failed: $*" >&2; return 1; }; }

# the kernel twin's VXLAN devices: as vxgwd sends (source ports 49152-65535, DF set)
LAB_GW_VXLAN_ARGS="local $LAB_GW_UL srcport 49152 65535 df set"
_kernel_gw_build() { # NS UP0_MTU WIRE
  local g=$1 up0_mtu=$2 wire=$3 i
  for i in 1 2 3; do
    if [ "$i" = 3 ]; then
      # shellcheck disable=SC2086
      _lab_vxlan_bridge "$g" "${LAB_VNI[i]}" "br${LAB_BD[i]}" - $LAB_GW_VXLAN_ARGS \
        group $LAB_GROUP dev ul0 || return 1
    else
      # shellcheck disable=SC2086
      _lab_vxlan_bridge "$g" "${LAB_VNI[i]}" "br${LAB_BD[i]}" "${LAB_VTEP[i]}" $LAB_GW_VXLAN_ARGS ||
        return 1
    fi
    lab_must ip -n "$g" addr add "10.1.${LAB_BD[i]}.1/24" dev "br${LAB_BD[i]}" || return 1
  done
  if [ -n "$up0_mtu" ]; then
    # a real link of that MTU: both ends (veth drops frames bigger than the receiver's MTU)
    lab_must ip -n "$g" link set up0 mtu "$up0_mtu" || return 1
    lab_must ip -n "$P-ext" link set ext0 mtu "$up0_mtu" || return 1
  fi
  lab_must ip -n "$g" addr add 203.0.113.2/30 dev up0 || return 1
  lab_must ip -n "$g" route add default via 203.0.113.1 || return 1
  if [ "$wire" = 1 ]; then lab_must lab_wire gw off ul0 up0 || return 1; fi
  lab_must _lab_sysctl "$g" net.ipv4.ip_forward=1 || return 1
}

kernel_gw_up() {
  local up0_mtu='' wire=0 ipv6=0 g rc
  while [ $# -gt 0 ]; do
    case $1 in
      --up0-mtu) up0_mtu=$2; shift 2 ;;
      --wire) wire=1; shift ;;
      --ipv6) ipv6=1; shift ;;
      *) echo "kernel_gw_up: unknown option $1" >&2; return 1 ;;
    esac
  done
  if gw_alive; then echo "kernel_gw_up: vxgwd is running"; return 1; fi
  g=$P-gw
  _kernel_gw_build "$g" "$up0_mtu" "$wire" && { [ $ipv6 = 0 ] || _kernel_gw6_build "$g"; }
  rc=$?
  LAB_KERNEL_WIRE=$wire
  [ $rc -eq 0 ] || { kernel_gw_down; return 1; }
  LAB_KERNEL_GW=1
  lab_flush_neigh
}

kernel_gw_down() {
  local g=$P-gw i
  _lab_sysctl "$g" net.ipv4.ip_forward=0 2>/dev/null
  lab_radvd_stop gw
  _lab_sysctl "$g" net.ipv6.conf.all.forwarding=0 net.ipv6.conf.up0.disable_ipv6=1 2>/dev/null
  for i in 1 2 3; do
    ip -n "$g" link del "vxlan${LAB_VNI[i]}" 2>/dev/null
    ip -n "$g" link del "br${LAB_BD[i]}" 2>/dev/null
  done
  ip -n "$g" route del default 2>/dev/null
  ip -n "$g" addr flush dev up0 2>/dev/null
  ip -n "$g" link set up0 mtu 1500 2>/dev/null
  ip -n "$P-ext" link set ext0 mtu 1500 2>/dev/null
  [ "${LAB_KERNEL_WIRE:-0}" = 0 ] || lab_wire gw on ul0 up0 >/dev/null 2>&1
  LAB_KERNEL_WIRE=0
  LAB_KERNEL_GW=0
  lab_flush_neigh
  return 0
}

# ---------------------------------------------------------------------------------------------
# IPv6 (tests/e2e/test_ipv6.sh). lab_up leaves IPv6 off everywhere; these turn it on where a
# test wants it. Addressing: tenant i has the /64 ${LAB_PFX6[i]}/64 with the gateway at ::1
# (its link-local derived from its MAC); the uplink 2001:db8:f0::/64 has the gateway at ::2
# and ext at ::1; ext's own host address LAB_EXT6_HOST sits on inet0 (as LAB_EXT_HOST), and
# ext routes 2001:db8::/32 via the gateway. The hosts configure nothing: SLAAC from the
# gateway's router advertisements (every LAB_RA_INTERVAL s at most, router lifetime
# LAB_RA_LIFETIME s, MTU option LAB_RA_MTU).
#   lab_ipv6_on NS [--nodad] IFACE...   IPv6 on lo, on interfaces made from now on and on
#                              each IFACE (--nodad: no duplicate address detection on them,
#                              for routers whose addresses must be usable at once)
#   lab_host6_on NS            a host's eth0: IPv6 on, accepting RAs, SLAAC (the kernel's
#                              defaults for a host, written out)
#   lab_ext6_up                ext's IPv6 side (above)
#   lab_eui64 PREFIX MAC       PREFIX (a /64) with the modified EUI-64 identifier of MAC
#   lab_slaac NS PREFIX        prints "ADDRESS ROUTER" once NS's eth0 has a usable (not
#                              tentative) SLAAC address in PREFIX (dynamic: with the RA's
#                              lifetimes) and a default route learnt from an RA via a
#                              link-local ROUTER; fails before
#   lab_radvd NAME NS IFACE=PREFIX...   radvd in NS advertising PREFIX/64 on each IFACE;
#                              lab_radvd_stop NAME (lab_down ends it anyway)
#   kernel_gw_up --ipv6        the kernel twin routes IPv6 too: the tenants' ::1 on br10/
#                              br20/br30, LAB_GW6_UP on up0, ::/0 via LAB_EXT6_UP,
#                              forwarding, radvd on the bridges, ICMPv6 errors not rate-limited
LAB_PFX6=(x 2001:db8:10:: 2001:db8:20:: 2001:db8:30::)
LAB_GW6_UP=2001:db8:f0::2
LAB_EXT6_UP=2001:db8:f0::1
LAB_EXT6_HOST=2001:db8:ff::10
LAB_RA_INTERVAL=30
LAB_RA_LIFETIME=1800
LAB_RA_MTU=1450
declare -gA LAB_RADVD_PID=()

lab_ipv6_on() {
  local ns keys ifc nodad=0
  ns=$(lab_ns "$1")
  shift
  [ "${1:-}" = --nodad ] && { nodad=1; shift; }
  keys=(net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.lo.disable_ipv6=0)
  for ifc in "$@"; do
    [ $nodad = 0 ] || keys+=("net.ipv6.conf.$ifc.accept_dad=0")
    keys+=("net.ipv6.conf.$ifc.disable_ipv6=0")
  done
  _lab_sysctl "$ns" "${keys[@]}"
}

lab_host6_on() {
  _lab_sysctl "$(lab_ns "$1")" net.ipv6.conf.eth0.accept_ra=1 net.ipv6.conf.eth0.autoconf=1 &&
    lab_ipv6_on "$1" eth0
}

lab_ext6_up() {
  local e=$P-ext
  lab_must lab_ipv6_on ext --nodad ext0 inet0 inet1 || return 1
  lab_must ip -n "$e" -6 addr add $LAB_EXT6_UP/64 dev ext0 nodad || return 1
  lab_must ip -n "$e" -6 addr add $LAB_EXT6_HOST/64 dev inet0 nodad || return 1
  lab_must ip -n "$e" -6 route add 2001:db8::/32 via $LAB_GW6_UP dev ext0 || return 1
  # (the port-unreachable answers to traceroute's probes, a few at once)
  lab_must _lab_sysctl "$e" net.ipv6.icmp.ratelimit=0 || return 1
}

lab_eui64() {
  $LAB_PY -c '
import ipaddress, sys
m = bytes.fromhex(sys.argv[2].replace(":", ""))
iid = bytes([m[0] ^ 2]) + m[1:3] + b"\xff\xfe" + m[3:]
net = ipaddress.IPv6Network(sys.argv[1].split("/")[0] + "/64")
print(ipaddress.IPv6Address(int(net.network_address) | int.from_bytes(iid, "big")))' "$1" "$2"
}

lab_slaac() {
  local ns=$1 pfx=${2%::} addr router
  addr=$(lab_exec "$ns" ip -6 -o addr show dev eth0 scope global -tentative |
    awk -v p="$pfx:" '/ dynamic / { split($4, a, "/"); if (index(a[1], p) == 1 && a[2] == 64) print a[1] }')
  router=$(lab_exec "$ns" ip -6 route show default dev eth0 proto ra |
    awk '$1 == "default" && $2 == "via" && $3 ~ /^fe80:/ { print $3; exit }')
  [ -n "$addr" ] && [ -n "$router" ] || return 1
  echo "$addr $router"
}

lab_radvd() {
  local name=$1 ns conf log ifc pfx
  ns=$(lab_ns "$2")
  shift 2
  conf=$LAB_TMP/radvd-$name.conf
  log=$LAB_TMP/radvd-$name.log
  for ifc in "$@"; do
    pfx=${ifc#*=}
    cat <<EOF
interface ${ifc%%=*} {
  AdvSendAdvert on;
  MaxRtrAdvInterval $LAB_RA_INTERVAL;
  AdvDefaultLifetime $LAB_RA_LIFETIME;
  AdvLinkMTU $LAB_RA_MTU;
  prefix ${pfx%/*}/64 { AdvOnLink on; AdvAutonomous on; };
};
EOF
  done >"$conf"
  ip netns exec "$ns" timeout 900 radvd -n -C "$conf" -p "$LAB_TMP/radvd-$name.pid" -m logfile \
    -l "$log" </dev/null >>"$log" 2>&1 &
  LAB_RADVD_PID[$name]=$!
  wait_until 5 test -s "$LAB_TMP/radvd-$name.pid" ||
    { echo "radvd $name did not start:"; cat "$log"; return 1; }
}

lab_radvd_stop() {
  local pid=${LAB_RADVD_PID[$1]:-}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  unset "LAB_RADVD_PID[$1]"
  return 0
}

_kernel_gw6_build() { # NS
  local g=$1 i args=()
  lab_must lab_ipv6_on "$g" --nodad up0 br10 br20 br30 || return 1
  for i in 1 2 3; do
    lab_must ip -n "$g" -6 addr add "${LAB_PFX6[i]}1/64" dev "br${LAB_BD[i]}" nodad || return 1
    args+=("br${LAB_BD[i]}=${LAB_PFX6[i]}")
  done
  lab_must ip -n "$g" -6 addr add $LAB_GW6_UP/64 dev up0 nodad || return 1
  lab_must ip -n "$g" -6 route add default via $LAB_EXT6_UP dev up0 || return 1
  lab_must _lab_sysctl "$g" net.ipv6.conf.all.forwarding=1 net.ipv6.icmp.ratelimit=0 || return 1
  lab_must lab_radvd gw "$g" "${args[@]}" || return 1
}

# ---------------------------------------------------------------------------------------------
# a second tenant (tests/e2e/test_vrf.sh, test_ipv6.sh), for a VRF of its own
#   lab_blue_up                hosts b1, b2 (namespaces $P-b1, $P-b2: add "b1 b2" to
#                              LAB_NAMES before lab_up) with the IPv4 addresses of h1 and h2,
#                              MACs LAB_BLUE_MAC, behind vtep1 and vtep2 on VNIs 5110 and 6120
#                              (bridge br1 there, head-end to the gateway): BDs 110 and 120
#   lab_kernel_tenant_bd VNI BD PEER RT   the kernel twin's bridge domain for it: in $P-gw
#                              vxlanVNI (head-end to PEER) in bridge brBD, and a veth from
#                              it into the tenant's router namespace $P-RT, named bdifBD there
LAB_BLUE_VNI=(x 5110 6120)
LAB_BLUE_MAC=(x 02:00:00:02:10:50 02:00:00:02:20:60)
LAB_RX_AT[b1]="vtep1 ul0 1500"
LAB_RX_AT[b2]="vtep2 ul0 1500"

lab_blue_up() {
  local i
  for i in 1 2; do
    _lab_vxlan_bridge "$P-vtep$i" "${LAB_BLUE_VNI[i]}" br1 $LAB_GW_UL local "${LAB_VTEP[i]}" \
      nolearning || return 1
    _lab_host_behind "$P-vtep$i" "b$i" "$P-b$i" "${LAB_BLUE_MAC[i]}" "${LAB_HOST[i]}" br1 || return 1
  done
}

lab_kernel_tenant_bd() {
  local vni=$1 bd=$2 peer=$3 g=$P-gw rt=$P-$4
  # shellcheck disable=SC2086
  _lab_vxlan_bridge "$g" "$vni" "br$bd" "$peer" $LAB_GW_VXLAN_ARGS || return 1
  lab_must ip -n "$g" link add "g$bd" type veth peer name "bdif$bd" netns "$rt" || return 1
  lab_must _lab_offload "$g" "g$bd" || return 1
  lab_must ip -n "$g" link set "g$bd" mtu 1450 master "br$bd" up || return 1
  lab_must ip -n "$rt" link set "bdif$bd" mtu 1450 up || return 1
  lab_must _lab_offload "$rt" "bdif$bd" || return 1
}

# ---------------------------------------------------------------------------------------------
# management plane helpers (test_cli.sh, test_telnet.sh, test_ssh.sh)

# Fails (not skips) when a command is missing: scripts/deps.sh installs them all.
lab_require_cmds() {
  local t missing=
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
  done
  [ -z "$missing" ] || { echo "missing tools:$missing (run scripts/deps.sh test)"; return 1; }
}

# gw_cli_stdin: vxgw-cli reading its commands from stdin (not a terminal).
gw_cli_stdin() {
  ip netns exec "$P-gw" timeout 10 "$VXGW_CLI" -s "$GW_SOCK"
}

# gw_json "show ... json" [PYEXPR]: prints the output; succeeds if it is exactly one JSON
# object and the Python expression PYEXPR (default True) over it (`d`) is true. has(o, k...)
# is true when o is an object holding every key k.
gw_json() {
  local cmd=$1 expr=${2:-True} out
  out=$(gw_cli "$cmd") || { printf '%s\n' "$out"; echo "gw_json: '$cmd' failed"; return 1; }
  printf '%s\n' "$out" | timeout 10 python3 -c '
import json, sys
text = sys.stdin.read()
print(text)
try:
    d = json.loads(text)
except ValueError as e:
    sys.exit("gw_json: not one valid JSON value: %s" % e)
if not isinstance(d, dict):
    sys.exit("gw_json: not a JSON object")
def has(o, *keys):
    return isinstance(o, dict) and all(k in o for k in keys)
try:
    ok = eval("(" + sys.argv[1] + "\n)", {"d": d, "has": has})
except Exception as e:
    sys.exit("gw_json: %s: %r" % (sys.argv[1], e))
if not ok:
    sys.exit("gw_json: false: " + sys.argv[1])
' "$expr"
}

# gw_listening NS PORT: some TCP socket listens on PORT in namespace NS.
gw_listening() {
  [ -n "$(ip netns exec "$(lab_ns "$1")" ss -Hltn "sport = :$2" 2>/dev/null)" ]
}

# gw_cli_refused WORD CMD...: vxgw-cli -c CMD... exits non-zero, stderr has a "% " error line
# naming WORD (any error line if WORD is ""), and `show running-config` is byte-identical
# before and after.
gw_cli_refused() {
  local word=$1 rc
  shift
  gw_cli "show running-config" >"$LAB_TMP/rc.before" || { echo "show running-config failed"; return 1; }
  gw_cli "$@" >"$LAB_TMP/cli.out" 2>"$LAB_TMP/cli.err"
  rc=$?
  gw_cli "show running-config" >"$LAB_TMP/rc.after" || { echo "show running-config failed"; return 1; }
  echo "exit status $rc"
  echo "stdout:"
  cat "$LAB_TMP/cli.out"
  echo "stderr:"
  cat "$LAB_TMP/cli.err"
  if [ "$rc" = 0 ] || [ "$rc" = 124 ]; then echo "expected a failure exit status"; return 1; fi
  grep -E '^% ' "$LAB_TMP/cli.err" | grep -qF -- "$word" ||
    { echo "no error line starting '% ' that names '$word' on stderr"; return 1; }
  diff -u "$LAB_TMP/rc.before" "$LAB_TMP/rc.after" || { echo "the running-config changed"; return 1; }
}

# --- hostile traffic helpers (tests/e2e/test_hostile.sh, tests/e2e/test_soak.sh)
#   hostile_python              prints a python3 that imports scapy (python3-scapy), or fails
#   hostile NS ARGS...          tests/e2e/hostile.py ARGS inside namespace NS (60 s bound);
#                               needs $HOSTILE_PY (set it from hostile_python)
#   gw_rss_kib                  VmRSS of vxgwd in KiB (from /proc/$GW_PID/status)
#   gw_snap FILE                saves `show errors json` and `show counters json` to FILE
#   gw_delta FILE NAME          how much drop reason NAME (or, if no such reason, gateway
#                               counter NAME) grew since gw_snap FILE
#   gw_part_of FILE PART CMP    rx_underlay and its part PART (a counter) since gw_snap
#                               FILE: prints both, succeeds if PART grew and PART CMP the
#                               whole (CMP: a test(1) operator, -le, -eq, -lt)
#   gw_grew FILE NAME MIN [MAX] polls (max 3 s) until NAME grew by >= MIN since FILE, then
#                               succeeds if it grew by MIN..MAX (MAX default: unbounded);
#                               prints every counter that moved
#   gw_if_mac IFNAME            the MAC of a gateway interface (show interfaces json)
#   gw_arp_mac ADDR             the MAC of ADDR in show ip arp json (empty if none)
#   gw_mac_vteps BD MAC         "type vtep" of each entry for MAC in bridge domain BD
#   gw_bd_field BD FIELD        one field of show bridge-domain BD json
hostile_python() {
  local py
  for py in python3 /usr/bin/python3; do
    command -v "$py" >/dev/null 2>&1 || continue
    if timeout 30 "$py" -c 'import scapy.all' >/dev/null 2>&1; then
      command -v "$py"
      return 0
    fi
  done
  echo "no python3 with scapy (install python3-scapy: scripts/deps.sh test)" >&2
  return 1
}

hostile() {
  local ns=$1
  shift
  lab_exec "$ns" timeout -k 5 60 "${HOSTILE_PY:?}" "$LAB_ROOT/tests/e2e/hostile.py" "$@"
}

gw_rss_kib() {
  awk '$1 == "VmRSS:" { print $2; f = 1 } END { exit !f }' "/proc/${GW_PID:?}/status" 2>/dev/null
}

# gw_pool_kib: KiB of vxgwd's packet pools made resident (main thread + workers); the pools
# are touched as buffers are first used, up to their preallocated size (huge pages: 2 MiB
# at a time), so a storm's peak of buffers in use shows in RSS without being a leak.
gw_pool_kib() {
  gw_cli "show dataplane json" | python3 -c '
import json, sys
b = json.loads(sys.stdin.readline())["buffers_resident_kib"]
print(b["main"] + b["workers"])'
}

gw_snap() {
  gw_cli "show errors json" "show counters json" >"$1" 2>&1
}

# _gw_moved FILE: prints "drop NAME DELTA" / "counter NAME DELTA" for every counter since FILE
_gw_moved() {
  gw_cli "show errors json" "show counters json" >"$1.now" 2>&1 || return 1
  timeout 10 python3 - "$1" "$1.now" <<'PYEOF'
import json, sys
def load(f):
    lines = [l for l in open(f).read().splitlines() if l.strip()]
    d = json.loads(lines[0])["drops"]
    g = json.loads(lines[1])["gateway"]
    return d, g
(d0, g0), (d1, g1) = load(sys.argv[1]), load(sys.argv[2])
for k in d1:
    print("drop %s %d" % (k, d1[k] - d0.get(k, 0)))
for k in g1:
    print("counter %s %d" % (k, g1[k] - g0.get(k, 0)))
PYEOF
}

gw_delta() {
  _gw_moved "$1" | awk -v n="$2" '$2 == n { print $3; f = 1; exit } END { if (!f) print "x" }'
}

gw_part_of() {
  local rx part
  rx=$(gw_delta "$1" rx_underlay)
  part=$(gw_delta "$1" "$2")
  echo "since the snapshot: rx_underlay +$rx, of which $2 +$part"
  [ "$part" != x ] && [ "$rx" != x ] && [ "$part" -gt 0 ] && test "$part" "$3" "$rx"
}

gw_grew() {
  local snap=$1 name=$2 min=$3 max=${4:-} d end
  end=$(($(date +%s%N) + 3000000000))
  while :; do
    d=$(gw_delta "$snap" "$name")
    [ "$d" != x ] || { echo "no counter named $name"; return 1; }
    [ "$d" -ge "$min" ] && break
    [ "$(date +%s%N)" -ge "$end" ] && break
    sleep 0.2
  done
  echo "$name grew by $d (expected ${min}..${max:-})"
  echo "moved: $(_gw_moved "$snap" | awk '$3 != 0 { printf "%s=%s ", $2, $3 }')"
  [ "$d" -ge "$min" ] && { [ -z "$max" ] || [ "$d" -le "$max" ]; }
}

gw_if_mac() {
  gw_cli "show interfaces json" | timeout 10 python3 -c '
import json, sys
print(" ".join(i["mac"] for i in json.load(sys.stdin)["interfaces"] if i["name"] == sys.argv[1]))' "$1"
}

gw_arp_mac() {
  gw_cli "show ip arp json" | timeout 10 python3 -c '
import json, sys
print(" ".join(e["mac"] for e in json.load(sys.stdin)["entries"] if e["address"] == sys.argv[1]))' "$1"
}

gw_mac_vteps() {
  gw_cli "show mac address-table json" | timeout 10 python3 -c '
import json, sys
for e in json.load(sys.stdin)["entries"]:
    if str(e["bridge_domain"]) == sys.argv[1] and e["mac"].lower() == sys.argv[2].lower():
        print(e["type"], e["vtep"])' "$1" "$2"
}

gw_bd_field() {
  gw_cli "show bridge-domain $1 json" | timeout 10 python3 -c '
import json, sys
print(json.load(sys.stdin)["bridge_domains"][0][sys.argv[1]])' "$2"
}

# ---------------------------------------------------------------------------------------------
# VLANs and raw L2 frames (tests/e2e/test_l2gw.sh). The lab's kernel has no 802.1Q devices
# (LAB.md): tags are pushed and popped in tc by tests/e2e/vlan_tag.bpf.c, built with clang.
#   lab_vlan_host NS IFACE VID   IFACE of NS sends every frame tagged VID and takes in only
#                              frames tagged VID, untagged: a host on VLAN VID
#   lab_vlan_subif NS TRUNK VID SUB   in NS, a veth pair SUB / SUBp that stands for TRUNK's
#                              VLAN VID as an 802.1Q device would: what leaves SUB goes out of
#                              TRUNK tagged VID; TRUNK's frames tagged VID come in on SUB
#                              untagged; TRUNK's other frames go on as they were
#   lab_arp_send NS IFACE COUNT TARGET [DSTMAC]   COUNT ARP requests for TARGET from IFACE's
#                              MAC and first IPv4 address (0.0.0.0 if none) to DSTMAC (default
#                              ff:ff:ff:ff:ff:ff), 20 ms apart, sent raw: no neighbour table
#                              decides whether or how often they go
#   lab_cap_count NAME DISPLAY-FILTER   how many frames of capture NAME match (tshark)
#   lab_cap_arp NAME SRCMAC TARGET   "N TAGS": N ARP requests from SRCMAC for TARGET in
#                              capture NAME, VXLAN's inner frames included; TAGS: the VLAN ids
#                              they carried, comma-separated ("-": untagged; none: "")
#                              (a few lines of Python: tshark takes seconds to start)

# _lab_vlan_obj VID TO_IF OTHERS: prints the path of vlan_tag.bpf.c built with these
# parameters (once per set of them)
_lab_vlan_obj() {
  local obj=$LAB_TMP/vlan-$1-$2-$3.o
  [ -s "$obj" ] || clang -O2 -g0 -target bpf -I"/usr/include/$(clang -print-multiarch)" \
    -DVID="$1" -DTO_IF="$2" -DOTHERS="$3" -c "$LAB_ROOT/tests/e2e/vlan_tag.bpf.c" -o "$obj" ||
    return 1
  echo "$obj"
}

# _lab_tc_bpf NS DEV ingress|egress SEC VID TO_IF OTHERS: that program as a direct-action
# cls_bpf filter of DEV (its clsact qdisc made on first use)
_lab_tc_bpf() {
  local ns=$1 dev=$2 hook=$3 sec=$4 obj
  obj=$(_lab_vlan_obj "$5" "$6" "$7") || return 1
  ip netns exec "$ns" tc qdisc show dev "$dev" | grep -q clsact ||
    ip netns exec "$ns" tc qdisc add dev "$dev" clsact || return 1
  ip netns exec "$ns" tc filter add dev "$dev" "$hook" bpf da obj "$obj" sec "$sec"
}

lab_vlan_host() {
  local ns
  ns=$(lab_ns "$1")
  lab_must _lab_tc_bpf "$ns" "$2" egress push "$3" 0 TC_ACT_SHOT || return 1
  lab_must _lab_tc_bpf "$ns" "$2" ingress pop "$3" 0 TC_ACT_SHOT
}

lab_vlan_subif() {
  local ns trunk=$2 vid=$3 sub=$4 trunk_if peer_if
  ns=$(lab_ns "$1")
  lab_must ip -n "$ns" link add "$sub" type veth peer name "${sub}p" || return 1
  lab_must _lab_offload "$ns" "$sub" "${sub}p" || return 1
  lab_must ip -n "$ns" link set "${sub}p" up || return 1
  lab_must ip -n "$ns" link set "$sub" up || return 1
  trunk_if=$(ip netns exec "$ns" cat "/sys/class/net/$trunk/ifindex") || return 1
  peer_if=$(ip netns exec "$ns" cat "/sys/class/net/${sub}p/ifindex") || return 1
  lab_must _lab_tc_bpf "$ns" "${sub}p" ingress push "$vid" "$trunk_if" TC_ACT_SHOT || return 1
  lab_must _lab_tc_bpf "$ns" "$trunk" ingress pop "$vid" "$peer_if" TC_ACT_UNSPEC
}

lab_arp_send() {
  local ns=$1 ifc=$2 count=$3 target=$4 dst=${5:-ff:ff:ff:ff:ff:ff} sip
  sip=$(lab_exec "$ns" ip -4 -o addr show dev "$ifc" | awk '{ split($4, a, "/"); print a[1]; exit }')
  lab_exec "$ns" timeout 20 $LAB_PY - "$ifc" "$count" "${sip:-0.0.0.0}" "$target" "$dst" <<'PYEOF'
import socket, struct, sys, time
ifc, count, sip, tip, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
mac = bytes.fromhex(open("/sys/class/net/%s/address" % ifc).read().strip().replace(":", ""))
arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + socket.inet_aton(sip) + bytes(6) + \
    socket.inet_aton(tip)
frame = bytes.fromhex(dst.replace(":", "")) + mac + b"\x08\x06" + arp
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifc, 0))
for i in range(count):
    s.send(frame.ljust(60, b"\0"))
    time.sleep(0.02)
print("%s: %d ARP requests for %s from %s to %s" % (ifc, count, tip, sip, dst))
PYEOF
}

lab_cap_count() {
  lab_tshark "$1" -Y "$2" -T fields -e frame.number | wc -l
}

lab_cap_arp() {
  timeout 20 $LAB_PY - "$(cap_file "$1")" "$2" "$3" <<'PYEOF'
import socket, struct, sys
path, mac, target = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", "")), socket.inet_aton(sys.argv[3])

def arp_vlan(f, vid="-"):
    """(VLAN id or "-") of frame f if it is, or carries in VXLAN, the ARP request sought"""
    etype, rest = struct.unpack("!H", f[12:14])[0], f[14:]
    if etype == 0x8100:
        vid, etype, rest = str(struct.unpack("!H", rest[:2])[0] & 0xFFF), struct.unpack("!H", rest[2:4])[0], rest[4:]
    if etype == 0x0806 and rest[6:8] == b"\0\1" and rest[8:14] == mac and rest[24:28] == target:
        return vid
    if etype == 0x0800 and len(rest) > 20 and rest[9] == 17:
        udp = rest[(rest[0] & 15) * 4:]
        if struct.unpack("!H", udp[2:4])[0] == 4789:
            return arp_vlan(udp[16:])
    return None

data = open(path, "rb").read()
endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
off, found = 24, []
while off + 16 <= len(data):
    caplen = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
    vid = arp_vlan(data[off + 16:off + 16 + caplen])
    if vid is not None:
        found.append(vid)
    off += 16 + caplen
print(len(found), ",".join(sorted(set(found))))
PYEOF
}
