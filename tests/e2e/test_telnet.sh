#!/usr/bin/env bash
# Telnet (libcli) to vxgwd in the netns lab (tests/e2e/lab.sh), driven by expect
# (tests/e2e/telnet.exp) from inside the gateway namespace to 127.0.0.1:2323: off until
# `line vty` is configured; plain-text secrets refused; no login without `username`; login
# with the crypt(3) SHA-512 secret, a wrong password refused after a delay; `enable`; `?`
# help; a bridge domain configured over telnet carries traffic; 8 concurrent sessions; the
# listener follows `line vty` committed from vxgw-cli.
#
# usage: test_telnet.sh [BUILD_DIR]     (default <repo>/build; needs root)
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
check "expect, telnet and openssl are installed" lab_require_cmds expect telnet openssl || lab_finish
check "lab comes up" lab_up || lab_finish

EXP=$HERE/telnet.exp
TEL_PORT=2323
# Passwords made for this run; the config holds only their SHA-512 crypt(3) hashes.
rand() { od -An -N6 -tx1 /dev/urandom | tr -d ' \n'; }
USER_PW=u$(rand)
EN_PW=e$(rand)
USER_HASH=$(openssl passwd -6 "$USER_PW")
EN_HASH=$(openssl passwd -6 "$EN_PW")
note "user admin / $USER_PW, enable / $EN_PW"

CONF=$LAB_TMP/vxgw.conf
put_config() { cat >"$CONF.new" && mv -f "$CONF.new" "$CONF"; }
base_config() { lab_gw_config --bds "10 20" | sed 's/^hostname .*/hostname gw1/'; }
user_lines() {
  echo "username admin secret $USER_HASH"
  echo "enable secret $EN_HASH"
}
vty_lines() {
  echo "line vty"
  echo " telnet listen 127.0.0.1 $TEL_PORT"
  echo " exec-timeout 10"
  echo "!"
}

# tel [telnet.exp options] USER PASSWORD [COMMAND]...: one telnet session from the gateway
# namespace to 127.0.0.1:$TEL_PORT; prints the transcript (CRs removed), which is also in
# $TEL_OUT; the expect script's exit status in $TEL_RC (see telnet.exp), returned as well.
tel() {
  local opts=()
  while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do
    opts+=("$1" "$2")
    shift 2
  done
  lab_exec gw timeout 60 expect -f "$EXP" -- "${opts[@]}" 127.0.0.1 "$TEL_PORT" "$@" \
    </dev/null >"$LAB_TMP/tel.out" 2>&1
  TEL_RC=$?
  TEL_OUT=$(tr -d '\r' <"$LAB_TMP/tel.out")
  echo "$TEL_OUT"
  echo "telnet.exp exit status $TEL_RC"
  return "$TEL_RC"
}
# retry_ms: after a refused login, the time telnet.exp measured from the password to the next
# Username: prompt (or the close of the connection): the delay of a failure, wherever it is.
retry_ms() { sed -n 's/^telnet\.exp: next attempt possible after \([0-9]*\) ms$/\1/p' <<<"$TEL_OUT" | tail -n 1; }

# ------------------------------------------------------------------ off until configured
base_config | put_config
check "vxgwd starts (no line vty in the config)" gw_start "$CONF" || lab_finish
no_telnet() {
  gw_listening gw "$TEL_PORT" && { echo "something listens on $TEL_PORT"; return 1; }
  tel admin "$USER_PW" "show version"
  [ "$TEL_RC" = 3 ]
}
check "telnet is not listening before line vty is configured (connection refused)" no_telnet

plain_file() {
  local f=$LAB_TMP/plain.conf out rc line
  { base_config; echo "username admin secret hunter2"; vty_lines; } >"$f"
  line=$(grep -n '^username admin secret hunter2$' "$f" | cut -d: -f1)
  out=$(timeout 10 "$VXGWD" -n -f "$f" 2>&1)
  rc=$?
  echo "$out"
  echo "exit status $rc"
  [ "$rc" != 0 ] && [ "$rc" != 124 ] && grep -q -- "^$f:$line: " <<<"$out"
}
check "vxgwd -n refuses a plain-text secret, with FILE:LINE: on its line" plain_file
check "vxgw-cli: 'username admin secret hunter2' (plain text) is refused, nothing changes" \
  gw_cli_refused "" "configure terminal" "username admin secret hunter2"
check "vxgw-cli: 'enable secret hunter2' (plain text) is refused, nothing changes" \
  gw_cli_refused "" "configure terminal" "enable secret hunter2"

# ------------------------------------------------------------------ no username: no login
{ base_config; vty_lines; } | put_config
check "SIGHUP with line vty but no username: vxgwd reloads" gw_reload
no_users() {
  wait_until 5 gw_listening gw "$TEL_PORT" || echo "(not listening: a refused connection is fine too)"
  tel admin "$USER_PW" "show version"
  [ "$TEL_RC" = 3 ] || [ "$TEL_RC" = 4 ]
}
check "without any username line, a telnet login is refused" no_users

# ------------------------------------------------------------------ users
{ base_config; user_lines; vty_lines; } | put_config
check "SIGHUP with username, enable secret and line vty: vxgwd reloads" gw_reload
check "telnet listens on 127.0.0.1:$TEL_PORT after the reload" wait_until 5 gw_listening gw "$TEL_PORT"
hashes_only() {
  local rc_text
  rc_text=$(gw_cli "show running-config") || return 1
  echo "$rc_text"
  grep -qxF "username admin secret $USER_HASH" <<<"$rc_text" &&
    grep -qxF "enable secret $EN_HASH" <<<"$rc_text" &&
    not grep -qF -e "$USER_PW" -e "$EN_PW" <<<"$rc_text"
}
check "running-config: username and enable secret as their hashes, never the passwords" hashes_only
vty_rendered() {
  local rc_text
  rc_text=$(gw_cli "show running-config") || return 1
  echo "$rc_text"
  grep -qxF "line vty" <<<"$rc_text" && grep -qxF " telnet listen 127.0.0.1 $TEL_PORT" <<<"$rc_text"
}
check "running-config: 'line vty' with ' telnet listen 127.0.0.1 $TEL_PORT'" vty_rendered

login_ok() {
  tel admin "$USER_PW" "show version" || return 1
  grep -qE '^gw1> ?' <<<"$TEL_OUT" && grep -q 'vxgw [0-9]' <<<"$TEL_OUT"
}
check "login with the right password gives gw1>, show version works" login_ok
wrong_pw() {
  local ms
  tel admin "x$USER_PW"
  ms=$(retry_ms)
  echo "next attempt possible after ${ms:-?} ms"
  [ "$TEL_RC" = 4 ] && [ -n "$ms" ] && [ "$ms" -ge 1000 ]
}
check "a wrong password is refused, after >= 1 s" wrong_pw
check "an unknown user is refused" eval 'tel nosuchuser "$USER_PW"; [ "$TEL_RC" = 4 ]'
no_config_unprivileged() {
  tel admin "$USER_PW" "configure terminal"
  [ "$TEL_RC" = 0 ] && not grep -qF '(config)#' <<<"$TEL_OUT"
}
check "without enable, configure terminal is not available" no_config_unprivileged
enable_ok() {
  tel -enable "$EN_PW" admin "$USER_PW" "show running-config | include hostname" || return 1
  grep -qE '^gw1# ?' <<<"$TEL_OUT" && grep -qx 'hostname gw1' <<<"$TEL_OUT"
}
check "enable with the enable secret gives gw1#" enable_ok
check "enable with a wrong secret is refused" \
  eval 'tel -enable "x$EN_PW" admin "$USER_PW"; [ "$TEL_RC" = 5 ]'
help_lists() {
  tel -enable "$EN_PW" admin "$USER_PW" "show ?" || return 1
  grep -qE '^[[:space:]]+ip([[:space:]]|$)' <<<"$TEL_OUT" &&
    grep -qE '^[[:space:]]+bridge-domain([[:space:]]|$)' <<<"$TEL_OUT"
}
check "'show ?' lists ip and bridge-domain" help_lists

# ------------------------------------------------------------------ configuration over telnet
check "h3 does not reach 10.1.30.1 yet (no bridge domain 30)" \
  not lab_exec h3 timeout 5 ping -n -q -c 2 -i 0.2 -W 1 10.1.30.1
configure_over_telnet() {
  tel -enable "$EN_PW" admin "$USER_PW" "configure terminal" "bridge-domain 30" "vni 7000" \
    "flood-group 239.1.1.70" "exit" "interface bdif 30" "ip address 10.1.30.1/24" "end" \
    "show running-config | include vni" || return 1
  local p
  for p in 'gw1(config)#' 'gw1(config-bd-30)#' 'gw1(config-if-bdif30)#'; do
    grep -qF "$p" <<<"$TEL_OUT" || { echo "no prompt $p"; return 1; }
  done
  if grep -E '^% |Invalid|Incomplete|Ambiguous|[Ee]rror' <<<"$TEL_OUT"; then
    echo "an error above"
    return 1
  fi
  grep -qE '^ ?vni 7000$' <<<"$TEL_OUT" || { echo "no 'vni 7000' line from the include"; return 1; }
}
check "over telnet: bridge-domain 30, vni 7000, flood-group, bdif30 10.1.30.1/24; | include vni shows vni 7000" \
  configure_over_telnet
check "h3 now reaches its gateway 10.1.30.1" wait_until 5 lab_ping h3 10.1.30.1
check "h3 -> h1 through the bridge domain configured over telnet" lab_ping h3 10.1.10.50
check "vxgw-cli sees it: show running-config | include vni has ' vni 7000'" \
  eval 'gw_cli "show running-config | include vni" | grep -xF " vni 7000"'

# ------------------------------------------------------------------ 8 concurrent sessions
# Each logs in, stays 3 s, runs show version; all must have been logged in at the same time.
concurrent() {
  local i pids=() rc bad=0 last_in=0 first_done=0 t
  for i in 1 2 3 4 5 6 7 8; do
    lab_exec gw timeout 60 expect -f "$EXP" -- -hold 3 -timeout 20 127.0.0.1 "$TEL_PORT" \
      admin "$USER_PW" "show version" </dev/null >"$LAB_TMP/conc.$i" 2>&1 &
    pids[i]=$!
  done
  for i in 1 2 3 4 5 6 7 8; do
    wait "${pids[i]}"
    rc=$?
    tr -d '\r' <"$LAB_TMP/conc.$i" >"$LAB_TMP/conc.$i.txt"
    if [ "$rc" != 0 ] || ! grep -qE '^gw1> ?' "$LAB_TMP/conc.$i.txt"; then
      echo "session $i: exit status $rc"
      cat "$LAB_TMP/conc.$i.txt"
      bad=1
      continue
    fi
    t=$(sed -n 's/^telnet\.exp: logged in at \([0-9]*\)$/\1/p' "$LAB_TMP/conc.$i.txt")
    [ "$t" -gt "$last_in" ] && last_in=$t
    t=$(sed -n 's/^telnet\.exp: done at \([0-9]*\)$/\1/p' "$LAB_TMP/conc.$i.txt")
    { [ "$first_done" = 0 ] || [ "$t" -lt "$first_done" ]; } && first_done=$t
  done
  [ "$bad" = 0 ] || return 1
  echo "last login at $last_in, first session done at $first_done"
  [ "$last_in" -lt "$first_done" ]
}
check "8 concurrent telnet sessions all reach gw1> and are logged in at the same time" concurrent
check "a login still works after them" login_ok

# ------------------------------------------------------------------ the listener follows commits
check "vxgw-cli: no line vty" gw_cli "configure terminal" "no line vty" "end"
check "telnet stops listening after 'no line vty'" \
  wait_until 5 not gw_listening gw "$TEL_PORT"
check "vxgw-cli: line vty / telnet listen 127.0.0.1 $TEL_PORT" \
  gw_cli "configure terminal" "line vty" "telnet listen 127.0.0.1 $TEL_PORT" "end"
check "telnet listens again after the commit" wait_until 5 gw_listening gw "$TEL_PORT"
check "a login works on the re-opened listener" login_ok
check "vxgwd is still running" gw_alive

lab_finish
