#!/usr/bin/env bash
# Stop and restart of vxgwd in the netns lab (tests/e2e/lab.sh): SIGTERM gives a quick exit
# with status 0, forwarding stops with the daemon, and recovers within seconds of a new start
# (hosts keep the gateway's MAC in their ARP caches: the BDIF MAC is stable across restarts).
#
# usage: test_restart.sh [BUILD_DIR]     (default <repo>/build; needs root)
# exit: 0 all passed, 1 a check failed, 77 skipped (not root, or vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_run_under_timeout 150 "$0" "$@"

[ -n "${1:-}" ] && VXGW_BUILD=$1
lab_init "vxt$$"
lab_require_root
lab_require_daemon
lab_trap

check "test tools are installed" lab_require_tools || lab_finish
check "lab comes up" lab_up || lab_finish

CONF=$LAB_TMP/vxgw.conf
lab_gw_config >"$CONF"
check "vxgwd starts" gw_start "$CONF" || lab_finish
check "h1 -> h2 works" lab_ping h1 10.1.20.60
check "h2 -> h1 works" lab_ping h2 10.1.10.50
check "h1 -> external host works" lab_ping h1 $LAB_EXT_HOST
GWMAC=$(lab_exec h1 ip neigh show 10.1.10.1 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
note "h1 knows its gateway 10.1.10.1 as $GWMAC"

stop_quickly() {
  gw_stop
  echo "exit status $GW_EXIT after $GW_STOP_MS ms"
  [ "$GW_EXIT" = 0 ] && [ "$GW_STOP_MS" -le 2000 ]
}
check "SIGTERM: vxgwd exits with status 0 within 2 s" stop_quickly
check "forwarding stops with the daemon (h1 -> h2 fails)" \
  not lab_exec h1 timeout 5 ping -n -q -c 2 -i 0.2 -W 1 10.1.20.60

check "vxgwd starts again (same control socket path)" gw_start "$CONF" || lab_finish
recovers() {
  local t0 ms
  t0=$(date +%s%N)
  # one echo per second until the first reply, for at most 5 s
  lab_exec h1 timeout 10 ping -n -c 1 -w 5 10.1.20.60 || return 1
  ms=$((($(date +%s%N) - t0) / 1000000))
  echo "first reply after $ms ms"
  RECOVERY_MS=$ms
}
check "forwarding h1 -> h2 recovers within 5 s" recovers && note "recovered in $RECOVERY_MS ms"
check "h2 -> h1 works again" lab_ping h2 10.1.10.50
check "h3 -> h1 works again (flood group re-joined)" lab_ping h3 10.1.10.50
check "h1 -> external host works again" lab_ping h1 $LAB_EXT_HOST
same_mac() {
  local mac
  mac=$(lab_exec h1 ip neigh show 10.1.10.1 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
  echo "before: $GWMAC, after: $mac"
  [ -n "$GWMAC" ] && [ "$mac" = "$GWMAC" ]
}
check "bdif10 has the same MAC after the restart" same_mac
check "show mac address-table: h1 relearned behind 192.0.2.11" \
  gw_has_line "show mac address-table" 10 "$(lab_host_mac h1)" 192.0.2.11
check "second SIGTERM: exit status 0 within 2 s" stop_quickly

lab_finish
