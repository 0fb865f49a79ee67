#!/usr/bin/env bash
# `ping` sent by vxgwd itself, in the netns lab (tests/e2e/lab.sh): Cisco-style output from
# vxgw-cli; a host behind a VTEP, the external host via the uplink, `source` interface and
# address, an address where nobody answers (0 percent, exit status 1), errors naming the
# word; the output streamed while the ping runs; the daemon keeps forwarding and answering
# other sessions meanwhile; Ctrl-C aborts; clients that go away mid-ping free their ping;
# ping over telnet; IPv6: a host's global and link-local addresses, a source address, the
# gateway's own, nobody there, no route.
#
# usage: test_ping.sh [BUILD_DIR]     (default <repo>/build; needs root)
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_run_under_timeout 240 "$0" "$@"

[ -n "${1:-}" ] && VXGW_BUILD=$1
lab_init "vxt$$"
lab_trap
lab_require_root
lab_require_daemon

check "test tools are installed" lab_require_tools || lab_finish
check "lab comes up" lab_up || lab_finish

TEL_PORT=2323
HAVE_TELNET=0
command -v expect >/dev/null && command -v telnet >/dev/null && command -v openssl >/dev/null &&
  HAVE_TELNET=1
CONF=$LAB_TMP/vxgw.conf
{
  lab_gw_config
  if [ "$HAVE_TELNET" = 1 ]; then
    USER_PW=u$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
    echo "username admin secret $(openssl passwd -6 "$USER_PW")"
    echo "line vty"
    echo " telnet listen 127.0.0.1 $TEL_PORT"
  fi
  printf 'interface bdif 10\n ipv6 address %s1/64\n!\n' "${LAB_PFX6[1]}"
} >"$CONF"
check "vxgwd starts" gw_start "$CONF" || lab_finish

# ping_ok CMD SENT: the command succeeds with the Cisco header, SENT '!' and 100 percent.
ping_ok() {
  local out n=$2
  out=$(gw_cli "$1")
  local rc=$?
  echo "$out"
  [ $rc = 0 ] || { echo "exit status $rc"; return 1; }
  grep -qx "Type escape sequence to abort." <<<"$out" &&
    grep -Eq "^Sending $n, [0-9]+-byte ICMP Echos to [0-9a-f.:]+, timeout is [0-9]+ seconds:$" <<<"$out" &&
    grep -qx "$(printf '!%.0s' $(seq "$n"))" <<<"$out" &&
    grep -Eq "^Success rate is 100 percent \($n/$n\), round-trip min/avg/max = [0-9]+/[0-9]+/[0-9]+ ms$" <<<"$out"
}

check "ping 10.1.20.60 count 3: !!! and 100 percent (3/3)" ping_ok "ping 10.1.20.60 count 3" 3
check "ping 10.1.10.50 (default count 5)" ping_ok "ping 10.1.10.50" 5
check "ping 10.1.30.70 (flood-group bridge domain) count 3" ping_ok "ping 10.1.30.70 count 3" 3
check "ping 198.51.100.10 (via the uplink) count 3 size 1400" \
  ping_ok "ping 198.51.100.10 count 3 size 1400" 3
check "ping its own address 10.1.20.1 count 2" ping_ok "ping 10.1.20.1 count 2" 2
check "ping vrf default 10.1.20.60 count 2" ping_ok "ping vrf default 10.1.20.60 count 2" 2

# A client of the control socket that sends ahead while a ping runs: 400 requests (6 KB,
# more than the daemon's input buffer) right behind the ping. Each gets its reply after
# the ping's (every reply ends with a NUL and the status).
send_ahead() {
  timeout 30 python3 - "$GW_SOCK" <<'EOF'
import socket, sys, time
n = 400
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b"x ping 10.1.20.60 count 3\n" + b"x show version\n" * n)
s.settimeout(1)
buf, end = b"", time.time() + 20
while buf.count(b"\0") < n + 1 and time.time() < end:
    try:
        d = s.recv(65536)
    except socket.timeout:
        continue
    if not d:
        break
    buf += d
got, ok = buf.count(b"\0"), b"Success rate is 100 percent (3/3)" in buf
print("replies %d of %d, ping summary %s" % (got, n + 1, "seen" if ok else "missing"))
sys.exit(0 if got == n + 1 and ok else 1)
EOF
}
check "400 requests sent behind a running ping (6 KB): the ping's reply, then all 400" send_ahead

# with a source: h1 sees the requests from that address, and answers them
source_test() { # SOURCE ADDRESS
  local txt=$LAB_TMP/src.txt err=$LAB_TMP/src.err pid srcs
  rm -f "$txt" "$err"
  lab_exec h1 timeout 15 tcpdump -l -n -i eth0 -c 2 "icmp[icmptype] == icmp-echo" \
    >"$txt" 2>"$err" </dev/null &
  pid=$!
  wait_until 5 grep -q "listening on" "$err" || { cat "$err"; kill "$pid"; return 1; }
  ping_ok "ping 10.1.10.50 source $1 count 2" 2 || { kill "$pid"; return 1; }
  wait "$pid"
  cat "$txt"
  srcs=$(awk '{ print $3 }' "$txt" | sort -u)
  echo "sources seen by h1: $srcs"
  [ "$srcs" = "$2" ] &&
    gw_cli "ping 10.1.10.50 source $1 count 1" | grep -qx "Packet sent with a source address of $2"
}
check "ping 10.1.10.50 source up0: from 203.0.113.2" source_test up0 203.0.113.2
check "ping 10.1.10.50 source 10.1.20.1: from 10.1.20.1" source_test 10.1.20.1 10.1.20.1

nobody() { # [ADDRESS]
  local out rc
  out=$(gw_cli "ping ${1:-10.1.20.99} count 2 timeout 1" 2>&1)
  rc=$?
  echo "$out"
  echo "exit status $rc"
  [ $rc = 1 ] && grep -Eqx '[.U]{2}' <<<"$out" &&
    grep -qx 'Success rate is 0 percent (0/2)' <<<"$out"
}
check "ping 10.1.20.99 (nobody there): 0 percent (0/2), exit status 1" nobody
null0() {
  local out
  out=$(gw_cli "ping 198.18.0.1 count 2 timeout 1" 2>&1)
  echo "$out"
  grep -qx '\.\.' <<<"$out" && grep -qx 'Success rate is 0 percent (0/2)' <<<"$out"
}
check "ping 198.18.0.1 (null0): .. and 0 percent" null0
check "ping vrf blue 10.1.20.60: refused, naming blue" gw_cli_refused blue "ping vrf blue 10.1.20.60"
check "ping 10.1.20.60 source bdif99: refused, naming bdif99" \
  gw_cli_refused bdif99 "ping 10.1.20.60 source bdif99"
check "ping 10.1.20.60 count 0: refused" gw_cli_refused 0 "ping 10.1.20.60 count 0"
check "ping 10.1.20.60 size 9001: refused" gw_cli_refused 9001 "ping 10.1.20.60 size 9001"

# IPv6: h1 gets 2001:db8:10::50 (static, no DAD) beside its link-local address.
H1_6=${LAB_PFX6[1]}50
h1_ipv6() {
  lab_ipv6_on h1 --nodad eth0 &&
    lab_exec h1 ip -6 addr add "$H1_6/64" dev eth0 nodad &&
    H1_LL=$(lab_exec h1 ip -6 -o addr show dev eth0 scope link | awk '{ split($4, a, "/"); print a[1] }') &&
    [ -n "$H1_LL" ] && echo "h1: $H1_6 and $H1_LL"
}
if check "h1 speaks IPv6" h1_ipv6; then
  check "ping $H1_6 count 3: !!!" ping_ok "ping $H1_6 count 3" 3
  check "ping ipv6 $H1_6 source ${LAB_PFX6[1]}1 size 48" \
    ping_ok "ping ipv6 $H1_6 source ${LAB_PFX6[1]}1 size 48 repeat 2" 2
  check "ping $H1_LL (link-local) source bdif10" ping_ok "ping $H1_LL source bdif10 count 2" 2
  check "ping the gateway's own ${LAB_PFX6[1]}1" ping_ok "ping ${LAB_PFX6[1]}1 count 2" 2
  check "ping ${LAB_PFX6[1]}99 (nobody there): 0 percent, exit status 1" nobody "${LAB_PFX6[1]}99"
  check "ping 2001:db8:99::1: refused, no route" \
    gw_cli_refused 2001:db8:99::1 "ping 2001:db8:99::1"
  check "ping $H1_LL without source: refused, naming it" gw_cli_refused "$H1_LL" "ping $H1_LL"
fi

# A slow ping (4 probes to nobody, 1 s each) runs while other things happen.
SLOW=$LAB_TMP/slow.out
slow_start() {
  ip netns exec "$P-gw" timeout 30 "$VXGW_CLI" -s "$GW_SOCK" -c "ping 10.1.20.98 count 4 timeout 1" \
    >"$SLOW" 2>&1 &
  SLOW_PID=$!
}
slow_start
sleep 0.3
meanwhile() {
  local t0 t1
  t0=$(date +%s%N)
  gw_cli "show version" >/dev/null || return 1
  t1=$(date +%s%N)
  echo "show version answered in $(((t1 - t0) / 1000000)) ms during the ping"
  [ $(((t1 - t0) / 1000000)) -lt 1000 ] && kill -0 "$SLOW_PID"
}
check "another vxgw-cli session is answered during a ping" meanwhile
check "h1 -> h2 is forwarded during a ping" lab_ping h1 10.1.20.60
streamed() {
  wait_until 5 grep -q '^\.' "$SLOW" || { cat "$SLOW"; return 1; }
  cat "$SLOW"
  # a mark is out, the summary not yet: the output came while the ping ran
  kill -0 "$SLOW_PID" && ! grep -q "Success rate" "$SLOW"
}
check "the output is streamed: marks before the summary, while the ping runs" streamed
slow_end() {
  wait "$SLOW_PID"
  local rc=$?
  cat "$SLOW"
  [ $rc = 1 ] && grep -qx 'Success rate is 0 percent (0/4)' "$SLOW"
}
check "the slow ping ends with 0 percent (0/4)" slow_end

# Ctrl-C in vxgw-cli aborts the ping: it ends at once with the summary of what was sent.
ctrl_c() {
  local out=$LAB_TMP/intr.out pid rc
  ip netns exec "$P-gw" "$VXGW_CLI" -s "$GW_SOCK" -c "ping 10.1.20.96 count 20 timeout 1" \
    >"$out" 2>&1 </dev/null &
  pid=$!
  wait_until 5 grep -q '^\.' "$out" || { kill "$pid"; cat "$out"; return 1; }
  kill -INT "$pid"
  wait_until 2 not kill -0 "$pid" || { kill "$pid"; echo "still running 2 s after SIGINT"; return 1; }
  wait "$pid"
  rc=$?
  cat "$out"
  echo "exit status $rc"
  [ $rc = 1 ] && grep -Eq '^Success rate is 0 percent \(0/[0-9]+\)$' "$out" &&
    ! grep -q '(0/20)' "$out"
}
check "Ctrl-C (SIGINT) to vxgw-cli aborts its ping with the summary" ctrl_c

# Eight clients start long pings and go away: their pings end with them, so that a new one
# can run (there are at most 8 at once).
abandon() {
  local pids=() i out
  for i in 1 2 3 4 5 6 7 8; do
    ip netns exec "$P-gw" timeout 60 "$VXGW_CLI" -s "$GW_SOCK" \
      -c "ping 10.1.20.$((100 + i)) count 50 timeout 1" >/dev/null 2>&1 &
    pids+=($!)
  done
  sleep 1
  out=$(gw_cli "ping 10.1.20.60 count 1" 2>&1)
  echo "a ninth: $out"
  grep -q "Too many pings running" <<<"$out" || { kill "${pids[@]}"; return 1; }
  kill "${pids[@]}"
  wait "${pids[@]}" 2>/dev/null
  sleep 0.3
  ping_ok "ping 10.1.20.60 count 2" 2
}
check "9th concurrent ping refused; clients killed mid-ping free theirs" abandon
check "vxgwd is still running" gw_alive

if [ "$HAVE_TELNET" = 1 ]; then
  telnet_ping() {
    local out
    out=$(lab_exec gw timeout 60 expect -f "$HERE/telnet.exp" -- -timeout 20 127.0.0.1 "$TEL_PORT" \
      admin "$USER_PW" "ping 10.1.20.60 count 3" </dev/null 2>&1 | tr -d '\r')
    echo "$out"
    grep -qx '!!!' <<<"$out" && grep -q 'Success rate is 100 percent (3/3)' <<<"$out"
  }
  check "ping over telnet: !!! and 100 percent" telnet_ping
  telnet_hangup() {
    # the session ends (expect's timeout) while its ping runs on: the ping is cancelled
    lab_exec gw timeout 8 expect -f "$HERE/telnet.exp" -- -timeout 2 127.0.0.1 "$TEL_PORT" \
      admin "$USER_PW" "ping 10.1.20.97 count 100 timeout 1" </dev/null >/dev/null 2>&1
    sleep 1
    ping_ok "ping 10.1.20.60 count 1" 1 && gw_alive
  }
  check "a telnet session that hangs up mid-ping" telnet_hangup
  telnet_abort() {
    # Ctrl-C 1.5 s into a 20-probe ping to nobody: the summary comes at once
    PING_PW=$USER_PW PING_PORT=$TEL_PORT lab_exec gw timeout 30 expect -c '
      set timeout 5
      spawn -noecho telnet 127.0.0.1 $env(PING_PORT)
      expect "Username: " { send "admin\r" } timeout { exit 6 }
      expect "Password: " { send "$env(PING_PW)\r" } timeout { exit 6 }
      expect -re {[>#] ?$} { send "ping 10.1.20.95 count 20 timeout 1\r" } timeout { exit 6 }
      sleep 1.5
      send "\003"
      set timeout 3
      expect -re {Success rate is 0 percent \(0/[0-9]+\)} {} timeout { exit 6 }
      expect -re {[>#] ?$} {} timeout { exit 6 }
      send "quit\r"
      expect eof
      exit 0' </dev/null 2>&1 | tr -d '\r' | tee "$LAB_TMP/abort.out"
    [ "${PIPESTATUS[0]}" = 0 ] && ! grep -q '(0/20)' "$LAB_TMP/abort.out"
  }
  check "Ctrl-C over telnet aborts the ping with the summary" telnet_abort
else
  skip "ping over telnet" "expect, telnet or openssl missing"
fi

lab_finish
