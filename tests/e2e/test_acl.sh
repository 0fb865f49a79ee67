#!/usr/bin/env bash
# End-to-end access lists (issue 16) in the netns lab (tests/e2e/lab.sh), one lab for every
# check, IPv4 and IPv6 (static addresses 2001:db8:10::50 on h1, 2001:db8:20::60 on h2), the
# kernel's offloads and the default worker count kept:
#
#   ip access-list WEB                             ipv6 access-list WEB6 (the same in IPv6)
#    10 permit tcp 10.1.10.0/24 any eq 80           10 permit tcp 2001:db8:10::/64 any eq 80
#    20 permit tcp any any established              20 permit tcp any any established
#    30 permit icmp any any echo                    30 permit icmpv6 any any echo-request
#    40 deny udp any range 5000 6000 10.1.20.0/24   40 deny udp any range 5000 6000 2001:db8:20::/64
#    50 deny ip any any log                         50 deny ipv6 any any log
#   WEBNF / WEB6NF: 10 and 30 of those only (no final deny: the implicit deny counts)
#
# Each list is applied out on bdif20 (h2's side), then in on bdif10 (h1's side): either way
# it filters what h1 sends to h2 and nothing of what h2 sends to h1. Every count is exact:
# each entry's and the implicit deny's matches move by exactly what was sent (those not named
# by 0), `acl_deny` by the denied packets, and the hosts' kernels count what reached them:
#   1. TCP 80 passes: iperf3 -s -p 80 on h2 (1 s); an exact transfer to port 80 (tcpxfer.py,
#      lab_tcp_exact: bytes, checksums where it arrives) with the list out; N connects to a
#      closed port 80 are refused by h2 (entry 10)
#   2. TCP 22 is dropped: of N SYNs (raw, so that no retransmission makes them more) h2
#      receives none (entry 50, `acl_deny`)
#   3. N bare ACKs to port 22 pass (entry 20, established); with the list in, an exact
#      transfer on a connection opened by h2 (h1's side of it permitted by entry 20)
#   4. ping h1 -> h2: N replies (entry 30 counts the N requests; the replies come back
#      unfiltered); ping h2 -> h1: no reply (h1's echo replies: entry 50)
#   5. UDP to h2 from ports 5500.. (entry 40: `range 5000 6000` follows the source, so it
#      is a range of source ports): none arrives; UDP to port 5500: none arrives (entry 50)
#   6. the implicit deny of WEBNF counts the TCP 22 and UDP 5500 packets sent
#   7. vxgwd only, with `dataplane workers 0` set at run time: the probes of 1-6 again (the
#      default workers ran them first), IPv4 out and IPv6 in
#   8. WEB edited while applied (20 edits: entries added and removed, resequenced) under a
#      100/s ping of permitted traffic: exactly 300 of 300 replies, entry 30 counts 300
#   9. vxgwd only: running-config holds the lists and the access groups, `vxgwd -n` takes
#      it, a reload gives the same text and the same filtering; `log` lines name the list,
#      entry, direction, interface and 5-tuple; an applied list cannot be deleted; clear
#      (ip|ipv6) access-list counters
#
# usage: test_acl.sh [BUILD_DIR]           (default <repo>/build; needs root)
#        VXGW_E2E_KERNEL=1 test_acl.sh     the Linux kernel as the gateway (kernel_gw_up --wire
#                                          --ipv6) with nftables doing the filtering: table
#                                          inet acl, one chain per list, jumped to from the
#                                          forward hook by oifname br20 / iifname br10, a
#                                          counter per rule (its comment: the entry's number
#                                          or "implicit"); checks 7 and 9 skipped
#        VXGW_E2E_WORKERS=N test_acl.sh    vxgwd with `dataplane workers N` (check 7 then
#                                          skipped)
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_start 240 "$0" "$@"

N=10 # probes of each kind
declare -A H1=([4]=${LAB_HOST[1]} [6]=${LAB_PFX6[1]}50)
declare -A H2=([4]=${LAB_HOST[2]} [6]=${LAB_PFX6[2]}60)
declare -A WEB=([4]=WEB [6]=WEB6) WEBNF=([4]=WEBNF [6]=WEB6NF)
declare -A IPV=([4]=ip [6]=ipv6)
# the hosts' kernel counters (lab_rx_*): TCP segments, UDP to a closed port, echo requests
# and replies received
declare -A RX_UDP=([4]=Udp.NoPorts [6]=Udp6NoPorts)
declare -A RX_ECHO=([4]=Icmp.InEchos [6]=Icmp6InEchos)
declare -A RX_REPLY=([4]=Icmp.InEchoReps [6]=Icmp6InEchoReplies)

# --- the lists ---------------------------------------------------------------------------------
acl_lists_config() {
  cat <<EOF
ip access-list WEB
 10 permit tcp 10.1.10.0/24 any eq 80
 20 permit tcp any any established
 30 permit icmp any any echo
 40 deny udp any range 5000 6000 10.1.20.0/24
 50 deny ip any any log
!
ip access-list WEBNF
 10 permit tcp 10.1.10.0/24 any eq 80
 30 permit icmp any any echo
!
ipv6 access-list WEB6
 10 permit tcp ${LAB_PFX6[1]}/64 any eq 80
 20 permit tcp any any established
 30 permit icmpv6 any any echo-request
 40 deny udp any range 5000 6000 ${LAB_PFX6[2]}/64
 50 deny ipv6 any any log
!
ipv6 access-list WEB6NF
 10 permit tcp ${LAB_PFX6[1]}/64 any eq 80
 30 permit icmpv6 any any echo-request
!
EOF
}

# The same lists as nftables chains; a rule's comment names its entry; every chain ends with
# the implicit deny.
acl_lists_nft() {
  cat <<EOF
table inet acl {
  chain forward { type filter hook forward priority filter; policy accept; }
  chain WEB {
    ip saddr 10.1.10.0/24 tcp dport 80 counter accept comment "10"
    tcp flags & (ack | rst) != 0 counter accept comment "20"
    icmp type echo-request counter accept comment "30"
    ip daddr 10.1.20.0/24 udp sport 5000-6000 counter drop comment "40"
    counter drop comment "50"
    counter drop comment "implicit"
  }
  chain WEBNF {
    ip saddr 10.1.10.0/24 tcp dport 80 counter accept comment "10"
    icmp type echo-request counter accept comment "30"
    counter drop comment "implicit"
  }
  chain WEB6 {
    ip6 saddr ${LAB_PFX6[1]}/64 tcp dport 80 counter accept comment "10"
    tcp flags & (ack | rst) != 0 counter accept comment "20"
    icmpv6 type echo-request counter accept comment "30"
    ip6 daddr ${LAB_PFX6[2]}/64 udp sport 5000-6000 counter drop comment "40"
    counter drop comment "50"
    counter drop comment "implicit"
  }
  chain WEB6NF {
    ip6 saddr ${LAB_PFX6[1]}/64 tcp dport 80 counter accept comment "10"
    icmpv6 type echo-request counter accept comment "30"
    counter drop comment "implicit"
  }
}
EOF
}

# --- the lab -------------------------------------------------------------------------------------
# IPv6 on h1 and h2: static addresses, default via the gateway's ::1, no SLAAC (no RA taken)
hosts6_up() {
  local i h
  for i in 1 2; do
    h=$P-h$i
    lab_must _lab_sysctl "$h" net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.eth0.accept_ra=0 ||
      return 1
    lab_must lab_ipv6_on "h$i" --nodad eth0 || return 1
    lab_must ip -n "$h" -6 addr add "${LAB_PFX6[i]}$((i == 1 ? 50 : 60))/64" dev eth0 nodad ||
      return 1
    lab_must ip -n "$h" -6 route add default via "${LAB_PFX6[i]}1" dev eth0 || return 1
  done
}

# the lab's dual-stack configuration with the lists before the interfaces
gw_conf() {
  lab_gw_config --ipv6 | awk -v lists="$LAB_TMP/lists.conf" '
    /^bridge-domain / && !done { while ((getline l < lists) > 0) print l; done = 1 } { print }'
}

kernel_acl_up() {
  lab_must kernel_gw_up --wire --ipv6 || return 1
  acl_lists_nft | lab_exec gw nft -f - || return 1
  lab_exec gw nft list table inet acl
}

# --- applying a list: acl_apply FAM WHERE [LIST] -------------------------------------------------
# WHERE: out20 (out on h2's side), in10 (in on h1's side) or none; LIST default WEB / WEB6.
declare -A APPLIED=([4]="none -" [6]="none -")
_vx_group() { # FAM WHERE LIST [no]: the interface block that applies (or removes) it
  local fam=$1 where=$2 list=$3 no=${4:+no } cmd=
  [ "$fam" = 4 ] && cmd="ip access-group" || cmd="ipv6 traffic-filter"
  case $where in
    out20) printf '%s\n' "interface bdif 20" "$no$cmd $list out" "exit" ;;
    in10) printf '%s\n' "interface bdif 10" "$no$cmd $list in" "exit" ;;
  esac
}
_nft_forward() { # the forward chain's jumps for APPLIED
  local fam where list proto
  echo "flush chain inet acl forward"
  for fam in 4 6; do
    read -r where list <<<"${APPLIED[$fam]}"
    [ "$fam" = 4 ] && proto=ipv4 || proto=ipv6
    case $where in
      out20) echo "add rule inet acl forward oifname br20 meta nfproto $proto jump $list" ;;
      in10) echo "add rule inet acl forward iifname br10 meta nfproto $proto jump $list" ;;
    esac
  done
}
acl_apply() {
  local fam=$1 where=$2 list=${3:-${WEB[$1]}} old cmds
  old=${APPLIED[$fam]}
  APPLIED[$fam]="$where $list"
  if [ "$KERNEL" = 1 ]; then
    _nft_forward | lab_exec gw nft -f - && lab_exec gw nft list chain inet acl forward
  else
    # shellcheck disable=SC2086
    mapfile -t cmds < <(echo "configure terminal"; _vx_group "$fam" $old no
      _vx_group "$fam" "$where" "$list"; echo end)
    gw_cli "${cmds[@]}" && gw_cli "show running-config" | grep -E "^interface bdif|access-group|traffic-filter"
  fi
}

# --- counters --------------------------------------------------------------------------------------
# acl_snap FILE: "FAM LIST ENTRY MATCHES" for every entry of every list (FAM 4 or 6, ENTRY a
# sequence number or "implicit"): nftables' rule counters, or vxgwd's show (ip|ipv6)
# access-lists json; with vxgwd also "0 drop REASON N" and "0 counter NAME N" (show errors
# json, show counters json). One call to nft or vxgw-cli.
ACL_COUNTS_PY='
import json, sys
text, dec, pos = sys.stdin.read(), json.JSONDecoder(), 0
while text[pos:].strip():
    while text[pos].isspace():
        pos += 1
    d, pos = dec.raw_decode(text, pos)
    for o in d.get("nftables", []):
        r = o.get("rule")
        if r and r["chain"] != "forward":
            c = [e["counter"]["packets"] for e in r["expr"] if "counter" in e]
            print(6 if r["chain"].startswith("WEB6") else 4, r["chain"], r.get("comment", "?"),
                  c[0] if c else 0)
    for l in d.get("access_lists", []):
        fam = 6 if d["family"] == "ipv6" else 4
        for e in l["entries"]:
            print(fam, l["name"], e["seq"], e["matches"])
        print(fam, l["name"], "implicit", l["implicit_deny_matches"])
    for k, v in d.get("drops", {}).items():
        print(0, "drop", k, v)
    for k, v in d.get("gateway", {}).items():
        print(0, "counter", k, v)
'
acl_snap() {
  if [ "$KERNEL" = 1 ]; then
    lab_exec gw nft -j list table inet acl
  else
    gw_cli "show ip access-lists json" "show ipv6 access-lists json" "show errors json" \
      "show counters json"
  fi | $LAB_PY -c "$ACL_COUNTS_PY" >"$1"
}

# _acl_moved SNAP: "FAM LIST ENTRY DELTA" for every line of acl_snap since SNAP
_acl_moved() {
  acl_snap "$1.now" || return 1
  awk 'NR == FNR { was[$1 " " $2 " " $3] = $4; next }
    { print $1, $2, $3, $4 - was[$1 " " $2 " " $3] }' "$1" "$1.now"
}

# acl_expect SNAP FAM LIST "ENTRY=N ..." [DENIED]: since SNAP, each entry of LIST named moved
# by exactly N ("+": by at least 1), every other entry of every list by 0, and (vxgwd) the
# drop reason acl_deny by DENIED (default 0). Polls up to 3 s for the counts to arrive.
_ACL_WANT_AWK='BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) { split(w[i], kv, "="); wantv[kv[1]] = kv[2] } }'
acl_expect() {
  local snap=$1 fam=$2 list=$3 want=$4 denied=${5:-0} end got
  end=$(($(date +%s%N) + 3000000000))
  while :; do
    got=$(_acl_moved "$snap") || return 1
    _acl_reached "$fam" "$list" "$want" "$denied" <<<"$got" && break
    [ "$(date +%s%N)" -ge "$end" ] && break
    sleep 0.2
  done
  awk -v fam="$fam" -v list="$list" -v want="$want" -v denied="$denied" -v kernel="$KERNEL" "$_ACL_WANT_AWK"'
    $1 == 0 { if ($4 != 0) moved = moved " " $3 "=" $4
              if ($2 == "drop" && $3 == "acl_deny") { seen = 1; dd = $4 }
              next }
    { e = ($1 == fam && $2 == list && ($3 in wantv)) ? wantv[$3] : 0
      ok = (e == "+") ? $4 > 0 : $4 == e
      if ($4 != 0 || ($1 == fam && $2 == list))
        printf "%s %s entry %s: +%d (expected %s)%s\n", ($1 == 4 ? "ip" : "ipv6"), $2, $3, $4,
          (e == "+" ? ">0" : e), (ok ? "" : "  <-- wrong")
      if (!ok) bad = 1 }
    END { if (kernel != 1) {
            printf "drop reason acl_deny: +%d (expected %d)\n", dd, denied
            if (!seen || dd != denied) bad = 1
            if (bad) print "vxgwd counters that moved:" moved }
          exit bad }' <<<"$got"
}
_acl_reached() { # FAM LIST WANT DENIED (stdin: _acl_moved): every named count reached
  awk -v fam="$1" -v list="$2" -v want="$3" -v denied="$4" "$_ACL_WANT_AWK"'
    $1 == fam && $2 == list && ($3 in wantv) { v = wantv[$3] == "+" ? 1 : wantv[$3]; if ($4 < v) short = 1 }
    $1 == 0 && $2 == "drop" && $3 == "acl_deny" && $4 < denied { short = 1 }
    END { exit short }'
}

# --- traffic -------------------------------------------------------------------------------------
# probe FROM conn|syn|ack|udp DST PORT N [SPORT]: N connects (timeout 0.5 s: one SYN each),
# N raw TCP segments with flags S or A, or N UDP datagrams (from ports SPORT, SPORT+1, ...
# when given), each from a port of its own; prints what happened ("connected C refused R
# timeout T" for conn)
ACL_PROBE_PY='
import errno, os, random, select, socket, struct, sys, time
kind, dst, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF
def src_addr():
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.connect((dst, 9))
    return s.getsockname()[0]
if kind == "conn":
    socks = []
    for i in range(n):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((dst, port))
        socks.append(s)
    end, res = time.monotonic() + 0.5, {"connected": 0, "refused": 0, "timeout": 0}
    pending = list(socks)
    while pending and time.monotonic() < end:
        _, w, _ = select.select([], pending, [], max(0, end - time.monotonic()))
        for s in w:
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            key = "connected" if err == 0 else "refused" if err == errno.ECONNREFUSED else "error"
            res[key] = res.get(key, 0) + 1
            pending.remove(s)
    res["timeout"] = len(pending)
    for s in socks:
        s.close()
    print(" ".join("%s %d" % kv for kv in res.items()))
elif kind in ("syn", "ack"):
    sa, da = socket.inet_pton(fam, src_addr()), socket.inet_pton(fam, dst)
    r = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_TCP)
    base = random.randrange(20000, 30000)
    for i in range(n):
        flags = 0x02 if kind == "syn" else 0x10
        seg = struct.pack("!HHIIBBHHH", base + i, port, random.getrandbits(32),
                          random.getrandbits(32) if kind == "ack" else 0, 5 << 4, flags, 65535, 0, 0)
        ph = sa + da + (struct.pack("!HBB", 0, 6, len(seg)) if fam == socket.AF_INET
                        else struct.pack("!I3xB", len(seg), 6))
        seg = seg[:16] + struct.pack("!H", csum(ph + seg)) + seg[18:]
        r.sendto(seg, (dst, 0))
        time.sleep(0.002)
    print("%d TCP %s segments to %s port %d" % (n, kind.upper(), dst, port))
elif kind == "udp":
    sport = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    for i in range(n):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        if sport:
            s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", sport + i))
        s.sendto(b"acl probe %d" % i, (dst, port))
        s.close()
        time.sleep(0.002)
    print("%d UDP datagrams to %s port %d from %s" % (n, dst, port,
          "ports %d-%d" % (sport, sport + n - 1) if sport else "ephemeral ports"))
'
probe() {
  local from=$1
  shift
  lab_exec "$from" timeout 10 "$LAB_PY" -c "$ACL_PROBE_PY" "$@"
}

# expect_probe FROM KIND DST PORT N RESULT: probe, and its output is RESULT
expect_probe() {
  local out
  out=$(probe "$1" "$2" "$3" "$4" "$5") || { echo "$out"; return 1; }
  echo "$2 x$5 to $3 port $4: $out (expected: $6)"
  [ "$out" = "$6" ]
}

# iperf_80 FAM: iperf3 h1 -> h2 port 80 for 1 s (one-off server bound to h2's address)
iperf_80() {
  local dst=${H2[$1]} spid rc=0
  lab_exec h2 timeout 20 iperf3 -s -1 -B "$dst" -p 80 >"$LAB_TMP/iperf80.server" 2>&1 &
  spid=$!
  wait_until 5 gw_listening h2 80 || { echo "no iperf3 server on h2"; kill $spid; return 1; }
  lab_exec h1 timeout 15 iperf3 -c "$dst" -p 80 -t 1 -J --connect-timeout 3000 \
    >"$LAB_TMP/iperf80.json" 2>&1 || rc=1
  _lab_reap $spid 3 || rc=1
  $LAB_PY -c '
import json, sys
c = json.load(open(sys.argv[1]))
if c.get("error"):
    sys.exit("iperf3: " + c["error"])
s, r = c["end"]["sum_sent"], c["end"]["sum_received"]
print("iperf3 port 80: %d bytes sent, %d received, %.0f Mbit/s" % (s["bytes"], r["bytes"], r["bits_per_second"] / 1e6))
sys.exit(not (s["bytes"] > 0 and r["bytes"] > 0))' "$LAB_TMP/iperf80.json" || rc=1
  return $rc
}

# tcp_exact FROM TO DST PORT: lab_tcp_exact (256 KiB each way, what arrives checked in
# captures) on PORT
tcp_exact() {
  local LAB_TCP_PORT=$4
  lab_tcp_exact "$1" "$2" "$3" 262144
}

# --- the checks of one application of WEB ------------------------------------------------------------
SNAP=$LAB_TMP/acl.snap
# snap NS...: the lists' counters and the hosts' (acl_snap, lab_rx_snap) before a check
snap() {
  local ns
  acl_snap "$SNAP"
  for ns in "$@"; do lab_rx_snap "$ns" "$SNAP.$ns"; done
}
# web_checks FAM WHERE TRANSFERS [LABEL]: WEB (WEB6) applied at WHERE; TRANSFERS 0: without
# iperf3 and the exact transfer (the probes' exact counts only)
web_checks() {
  local fam=$1 where=$2 transfers=$3 list=${WEB[$1]} h1=${H1[$1]} h2=${H2[$1]} t
  t="${IPV[$fam]} $list $where${4:+ ($4)}"
  check "$t: applied" acl_apply "$fam" "$where"

  if [ "$transfers" = 1 ]; then
    snap
    check "$t: iperf3 h1 -> h2 port 80 for 1 s passes; entry 10 counts, no other entry, nothing denied" \
      eval 'iperf_80 $fam && acl_expect $SNAP $fam $list "10=+"'
    # an exact transfer with what arrives checked (lab_tcp_exact): to port 80 in one run, and
    # in the other one opened by h2, h1's side of it permitted as established
    snap
    if [ "$where" = out20 ]; then
      check "$t: TCP h1 -> h2 port 80, 256 KiB each way exactly; entry 10 counts, no other entry" \
        eval 'tcp_exact h1 h2 $h2 80 && acl_expect $SNAP $fam $list "10=+"'
    else
      check "$t: TCP h2 -> h1 port 9200 (opened by h2), 256 KiB each way exactly: h1's side permitted by entry 20 (established)" \
        eval 'tcp_exact h2 h1 $h1 9200 && acl_expect $SNAP $fam $list "20=+"'
    fi
  fi
  snap h2
  check "$t: $N connects h1 -> h2 port 80 (closed) all refused by h2 (entry 10 +$N); $N bare ACKs to port 22 reach h2 (entry 20, established, +$N)" \
    eval 'expect_probe h1 conn $h2 80 $N "connected 0 refused $N timeout 0" && probe h1 ack $h2 22 $N &&
      acl_expect $SNAP $fam $list "10=$N 20=$N" && lab_rx_expect h2 $SNAP.h2 "Tcp.InSegs=$((2 * N))"'

  snap h2
  check "$t: $N SYNs h1 -> h2 port 22 (entry 50); UDP to h2 from ports 5500.. x$N (entry 40: source ports 5000-6000) and to port 5500 x$N (entry 50); h2 receives none; acl_deny +$((3 * N))" \
    eval 'probe h1 syn $h2 22 $N && probe h1 udp $h2 7000 $N 5500 && probe h1 udp $h2 5500 $N &&
      acl_expect $SNAP $fam $list "40=$N 50=$((2 * N))" $((3 * N)) &&
      lab_rx_expect h2 $SNAP.h2 "Tcp.InSegs=0 ${RX_UDP[$fam]}=0"'

  snap h2
  check "$t: ping h1 -> h2: $N replies exactly; entry 30 (echo) +$N" \
    eval 'lab_ping_exact h1 $h2 $N && acl_expect $SNAP $fam $list "30=$N" &&
      lab_rx_expect h2 $SNAP.h2 "${RX_ECHO[$fam]}=$N"'
  snap h1 h2
  check "$t: ping h2 -> h1: h1 gets the $N requests, its replies are denied (entry 50, acl_deny +$N)" \
    eval 'lab_ping_expect h2 $h1 $N 0 -W 1 && acl_expect $SNAP $fam $list "50=$N" $N &&
      lab_rx_expect h1 $SNAP.h1 "${RX_ECHO[$fam]}=$N" &&
      lab_rx_expect h2 $SNAP.h2 "${RX_REPLY[$fam]}=0"'

  # the implicit deny: WEBNF (no final deny) in WEB's place
  list=${WEBNF[$fam]}
  check "$t: $list applied in its place" acl_apply "$fam" "$where" "$list"
  snap h2
  check "$t: $list: ping passes (entry 30 +$N); SYNs to port 22 and UDP to 5500 x$N each: the implicit deny +$((2 * N))" \
    eval 'lab_ping_exact h1 $h2 $N && probe h1 syn $h2 22 $N && probe h1 udp $h2 5500 $N &&
      acl_expect $SNAP $fam $list "30=$N implicit=$((2 * N))" $((2 * N)) &&
      lab_rx_expect h2 $SNAP.h2 "Tcp.InSegs=0 ${RX_UDP[$fam]}=0 ${RX_ECHO[$fam]}=$N"'
  acl_apply "$fam" none >/dev/null
}

# --- the lab comes up ----------------------------------------------------------------------------
check "test tools are installed" eval 'lab_require_tools && lab_require_cmds nft' || lab_finish
check "lab comes up, h1 and h2 dual stack (static IPv6)" eval 'lab_up && hosts6_up' || lab_finish
acl_lists_config >"$LAB_TMP/lists.conf"
if [ "$KERNEL" = 1 ]; then
  note "gateway: the Linux kernel (kernel_gw_up --wire --ipv6), nftables table inet acl"
  check "kernel gateway comes up with the lists as nftables chains" kernel_acl_up || lab_finish
else
  CONF=$LAB_TMP/vxgw.conf
  { gw_conf; lab_workers_line; } >"$CONF"
  note "gateway: vxgwd, $(grep '^dataplane workers' "$CONF" || echo "dataplane workers: default (one per CPU)")"
  check "vxgwd -n accepts the configuration with the lists" "$VXGWD" -n -f "$CONF"
  check "vxgwd starts with the lists" gw_start "$CONF" || lab_finish
fi
check "before any list: h1 <-> h2 ping exact both ways, IPv4 and IPv6" \
  eval 'lab_ping_exact h1 ${H2[4]} 3 && lab_ping_exact h2 ${H1[4]} 3 &&
    lab_ping_exact h1 ${H2[6]} 3 && lab_ping_exact h2 ${H1[6]} 3'

# IPv4 both ways with the transfers, IPv6 out with them and in with the probes only (the
# suite's time)
web_checks 4 out20 1
web_checks 4 in10 1
web_checks 6 out20 1
web_checks 6 in10 0

# --- 7. dataplane workers 0, set at run time ------------------------------------------------------
if [ -n "${VXGW_E2E_WORKERS:-}" ]; then
  skip "workers 0 at run time: the probes again (IPv4 out, IPv6 in)" \
    "dataplane workers $VXGW_E2E_WORKERS given"
elif daemon_only "workers 0 at run time: the probes again (IPv4 out, IPv6 in)"; then
  check "dataplane workers 0 at run time" \
    eval 'gw_cli "configure terminal" "dataplane workers 0" "end" && gw_has_line "show running-config" dataplane workers 0'
  web_checks 4 out20 0 "workers 0"
  web_checks 6 in10 0 "workers 0"
  check "dataplane workers back to the default" eval 'gw_cli "configure terminal" "no dataplane workers" "end"'
fi

# --- 8. edits while applied, under a 100/s ping ------------------------------------------------------
# edit_once I: one atomic edit of WEB: add entry 25 (odd I) or remove it (even I); with
# vxgwd the 17th and 18th resequence WEB instead (100, 110, ... and back to 10, 20, ...)
edit_once() {
  local i=$1
  if [ "$KERNEL" = 1 ]; then
    if [ $((i % 2)) = 1 ]; then
      lab_exec gw nft -e -a insert rule inet acl WEB position "$(nft_handle WEB 30)" \
        udp dport 53 counter accept comment '"25"' >/dev/null
    else
      lab_exec gw nft delete rule inet acl WEB handle "$(nft_handle WEB 25)"
    fi
    return
  fi
  case $i in
    17) gw_cli "configure terminal" "ip access-list WEB" "resequence 100 10" "end" ;;
    18) gw_cli "configure terminal" "ip access-list WEB" "resequence" "end" ;;
    *) if [ $((i % 2)) = 1 ]; then
         gw_cli "configure terminal" "ip access-list WEB" "25 permit udp any any eq 53" "end"
       else
         gw_cli "configure terminal" "ip access-list WEB" "no 25" "end"
       fi ;;
  esac >/dev/null
}
nft_handle() { # CHAIN COMMENT: the handle of that rule
  lab_exec gw nft -a list chain inet acl "$1" |
    awk -v c="\"$2\"" '{ for (i = 1; i < NF; i++) if ($i == "comment" && $(i + 1) == c) print $NF }'
}
edits_under_ping() {
  local ppid rc=0 i got
  lab_exec h1 timeout 20 ping -n -q -c 300 -i 0.01 -W 2 "${H2[4]}" >"$LAB_TMP/ping300" 2>&1 &
  ppid=$!
  sleep 0.2
  for i in $(seq 20); do
    edit_once "$i" || { echo "edit $i failed"; rc=1; }
    if [ "$KERNEL" != 1 ] && [ "$i" = 17 ]; then
      got=$(web_entries)
      echo "WEB resequenced 100 10: entries $got"
      [ "$got" = "100 110 120 130 140 implicit" ] || rc=1
    fi
    sleep 0.08
  done
  wait $ppid
  tail -n 2 "$LAB_TMP/ping300"
  grep -q "^300 packets transmitted, 300 received," "$LAB_TMP/ping300" &&
    ! grep -q duplicates "$LAB_TMP/ping300" || rc=1
  return $rc
}
web_entries() { # the entries of WEB, in order
  acl_snap "$LAB_TMP/web" && awk '$1 == 4 && $2 == "WEB" { print $3 }' "$LAB_TMP/web" | paste -sd " "
}
check "WEB out on bdif20 again" acl_apply 4 out20
acl_snap "$SNAP"
if [ "$KERNEL" = 1 ]; then EDITS="a rule inserted before 30 and deleted"; else EDITS="entry 25 added and removed, resequenced 100 10 and back"; fi
check "WEB edited 20 times ($EDITS) under ping -i 0.01 -c 300: 300 replies exactly; entry 30 +300" \
  eval 'edits_under_ping && acl_expect $SNAP 4 WEB "30=300"'
check "WEB after the edits: entries 10 20 30 40 50 (and the implicit deny)" \
  eval 'web_entries | tee /dev/stderr | grep -qx "10 20 30 40 50 implicit"'

# --- 9. running-config round trip, log lines ---------------------------------------------------------
acl_log() { # log lines of entry 50 for TCP h1 -> h2:22, IPv4 and IPv6, out on bdif20 and in on bdif10
  local rc=0 l fam list dir ifc src dst
  for l in "ip WEB out bdif20 ${H1[4]} ${H2[4]}" "ip WEB in bdif10 ${H1[4]} ${H2[4]}" \
    "ipv6 WEB6 out bdif20 [${H1[6]}] [${H2[6]}]" "ipv6 WEB6 in bdif10 [${H1[6]}] [${H2[6]}]"; do
    read -r fam list dir ifc src dst <<<"$l"
    grep -F "$fam access-list $list entry 50 denied $dir $ifc: tcp $src:" "$GW_LOG" |
      grep -F " -> $dst:22" | grep -E ':22$' | tail -n 1 | grep . ||
      { echo "no log line: $fam access-list $list entry 50 denied $dir $ifc: tcp $src:PORT -> $dst:22"; rc=1; }
  done
  return $rc
}
roundtrip() {
  local rc1=$LAB_TMP/rc1 rc2=$LAB_TMP/rc2 line missing=0
  gw_cli "show running-config" >"$rc1" || return 1
  while read -r line; do
    awk -v l="$line" '{ $1 = $1 } $0 == l { f = 1 } END { exit !f }' "$rc1" ||
      { echo "not in the running-config: $line"; missing=1; }
  done < <(grep -v '^!' "$LAB_TMP/lists.conf"; echo "ip access-group WEB out"; echo "ipv6 traffic-filter WEB6 in")
  [ $missing = 0 ] || { cat "$rc1"; return 1; }
  "$VXGWD" -n -f "$rc1" || { echo "vxgwd -n refuses its own running-config"; return 1; }
  cp "$rc1" "$CONF" && gw_reload || return 1
  gw_cli "show running-config" >"$rc2" || return 1
  diff -u "$rc1" "$rc2" || { echo "the running-config changed when reloaded"; return 1; }
}
# acl_cleared CMD "FAM LIST" ["FAM LIST"]: after CMD, every entry of the first list counts 0;
# the second one (given: it counted before) does not
acl_cleared() {
  local f=$LAB_TMP/cleared
  gw_cli "$1" || return 1
  acl_snap "$f" || return 1
  awk -v a="$2" -v b="${3:-}" '$1 " " $2 == a || $1 " " $2 == b' "$f"
  awk -v a="$2" -v b="${3:-}" '$1 " " $2 == a && $4 != 0 { bad = 1 } $1 " " $2 == b { kept += $4 }
    END { exit bad || (b != "" && kept == 0) }' "$f"
}
if daemon_only "log lines of entry 50 name the list, the entry and the 5-tuple"; then
  check "log lines of entry 50 name the list, the entry and the 5-tuple" acl_log
fi
if daemon_only "running-config round trip with the lists and access groups"; then
  check "WEB6 in on bdif10 (and WEB out on bdif20)" acl_apply 6 in10
  check "running-config: every list entry and both groups; vxgwd -n takes it; reloaded to the same text" \
    roundtrip
  acl_snap "$SNAP"
  check "after the reload: SYNs to h2 port 22 x$N denied (WEB entry 50), IPv6 ping passes (WEB6 entry 30)" \
    eval 'probe h1 syn ${H2[4]} 22 $N &&
      acl_expect $SNAP 4 WEB "50=$N" $N && acl_snap $SNAP && lab_ping_exact h1 ${H2[6]} $N &&
      acl_expect $SNAP 6 WEB6 "30=$N"'
  check "deleting WEB while applied is refused, naming bdif20 (out); nothing changes" \
    gw_cli_refused "bdif20 (out)" "configure terminal" "no ip access-list WEB" "end"
  check "clear ip access-list counters WEB: every WEB entry 0, WEB6's kept; clear ipv6 access-list counters: WEB6's 0" \
    eval 'acl_cleared "clear ip access-list counters WEB" "4 WEB" "6 WEB6" &&
      acl_cleared "clear ipv6 access-list counters" "6 WEB6"'
  check "vxgwd is still running" gw_running
fi

lab_finish
