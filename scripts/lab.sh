#!/usr/bin/env bash
# The vxgw demo lab: the network-namespace lab of the end-to-end tests (tests/e2e/lab.sh)
# with the fixed prefix `vxdemo`, kept running for you to explore.
#
# usage: scripts/lab.sh up [--kernel] [--build DIR]   build the lab; start vxgwd with
#                                                    etc/vxgw.conf (or, with --kernel, let the
#                                                    Linux kernel be the gateway); show a ping,
#                                                    check exactly-once delivery (exit 1 if not)
#        scripts/lab.sh down                         stop everything, remove the namespaces
#        scripts/lab.sh status                       list the lab's namespaces and processes
# Needs root. Everything stays inside the vxdemo-* namespaces.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/tests/e2e/lab.sh"

DEMO_DIR=/run/vxdemo          # control socket, daemon log, state
cmd=${1:-}
shift || true
kernel=0
while [ $# -gt 0 ]; do
  case $1 in
    --kernel) kernel=1; shift ;;
    --build) VXGW_BUILD=$(realpath "$2"); shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

[ "$(id -u)" = 0 ] || { echo "scripts/lab.sh: needs root (network namespaces)" >&2; exit 1; }
LAB_KEEP_TMP=1
lab_init vxdemo "$DEMO_DIR"

demo_down() {
  lab_down
  rm -rf "$DEMO_DIR"
}

show() { # NS CMD...: print and run
  echo "\$ ip netns exec $(lab_ns "$1") ${*:2}"
  lab_exec "$@"
}

case $cmd in
  up)
    if [ "$kernel" = 0 ] && [ ! -x "$VXGWD" ]; then
      echo "$VXGWD is not built: run scripts/build.sh, or use: scripts/lab.sh up --kernel" >&2
      exit 1
    fi
    lab_require_tools || exit 1
    demo_down
    mkdir -p "$DEMO_DIR"
    lab_up || { echo "lab_up failed" >&2; exit 1; }
    # dual stack: h1 and h2 take an IPv6 address from the gateway's router advertisements
    lab_host6_on h1 && lab_host6_on h2 && lab_ext6_up || { demo_down; exit 1; }
    if [ "$kernel" = 1 ]; then
      kernel_gw_up --ipv6 || { demo_down; exit 1; }
      echo "kernel" >"$DEMO_DIR/mode"
      echo "gateway: the Linux kernel in vxdemo-gw (vxlan5000/6000/7000 + br10/br20/br30)"
    else
      cp "$REPO/etc/vxgw.conf" "$DEMO_DIR/vxgw.conf"
      if ! LAB_GW_WIRE=0 gw_start "$DEMO_DIR/vxgw.conf"; then
        demo_down
        exit 1
      fi
      echo "vxgwd" >"$DEMO_DIR/mode"
      echo "$GW_PID" >"$DEMO_DIR/vxgwd.pid"
      echo "gateway: vxgwd (pid $GW_PID) in vxdemo-gw, config $DEMO_DIR/vxgw.conf"
    fi
    echo
    show h1 ping -n -c 3 -i 0.2 -w 10 10.1.20.60
    echo
    # SLAAC: each host's address and default router come from the gateway's RAs
    h1v6='' h2v6=''
    wait_until 30 lab_slaac h1 "${LAB_PFX6[1]}" >/dev/null && h1v6=$(lab_slaac h1 "${LAB_PFX6[1]}")
    wait_until 30 lab_slaac h2 "${LAB_PFX6[2]}" >/dev/null && h2v6=$(lab_slaac h2 "${LAB_PFX6[2]}")
    echo "SLAAC: h1 ${h1v6:-(none)}, h2 ${h2v6:-(none)}   (address, default router)"
    h1v6=${h1v6%% *} h2v6=${h2v6%% *}
    [ -n "$h2v6" ] && show h1 ping -6 -n -c 3 -i 0.2 -w 10 "$h2v6"
    echo
    # Exactly-once delivery, checked on each kind of path: N echo requests 50 ms apart, each
    # answered once (lab_ping_exact: no loss, no "(DUP!)").
    echo "Exactly-once delivery (10 echo requests per path, 50 ms apart):"
    bad=0
    for path in "h1 10.1.20.60 across VNIs 5000 -> 6000" "h3 10.1.10.50 flood-group VNI 7000 -> 5000" \
      "h1 $LAB_EXT_HOST VNI 5000 -> uplink host" "ext 10.1.10.50 uplink host -> VNI 5000" \
      "h1 ${h2v6:-no-slaac-address} IPv6 VNI 5000 -> 6000" "h1 $LAB_EXT6_HOST IPv6 VNI 5000 -> uplink host" \
      "ext ${h1v6:-no-slaac-address} IPv6 uplink host -> VNI 5000"; do
      read -r from dst what <<<"$path"
      args=()
      [ "$from" = ext ] && args=(-I "$LAB_EXT_HOST")
      [ "$from" = ext ] && [[ $dst == *:* ]] && args=(-I "$LAB_EXT6_HOST")
      res=$(lab_ping_exact "$from" "$dst" 10 "${args[@]}" | tail -n 1)
      rc=$?
      printf '  %-4s -> %-28s %-34s %s\n' "$from" "$dst" "($what)" "${res% (expected*}"
      [ $rc = 0 ] || bad=1
    done
    if [ $bad = 0 ]; then
      echo "  every request answered exactly once: delivery is exact on every path"
    else
      echo "  FAILED: a reply was lost or duplicated (the lab stays up to look into it)"
    fi
    echo
    cat <<EOF
The lab is up. Namespaces: vxdemo-{h1,h2,h3} hosts 10.1.10.50 / 10.1.20.60 / 10.1.30.70,
vxdemo-{vtep1,vtep2,vtep3} kernel VTEPs 192.0.2.11-13 (VNI 5000/6000/7000), vxdemo-ul the
underlay bridge, vxdemo-gw the gateway (192.0.2.1, uplink up0), vxdemo-ext the "internet"
(198.51.100.10). Try:

  ip netns exec vxdemo-h1 ping 10.1.20.60
  ip netns exec vxdemo-h3 ping 198.51.100.10
  ip netns exec vxdemo-h1 ping -6 $LAB_EXT6_HOST
  ip netns exec vxdemo-h1 tracepath -6 -n $LAB_EXT6_HOST
  ip netns exec vxdemo-ul tcpdump -ni br0 udp port 4789
EOF
    if [ "$kernel" = 0 ]; then
      cat <<EOF
  ip netns exec vxdemo-gw $VXGW_CLI -s $GW_SOCK -c "show ip arp"
  ip netns exec vxdemo-gw $VXGW_CLI -s $GW_SOCK -c "show ipv6 neighbors"
  ip netns exec vxdemo-gw $VXGW_CLI -s $GW_SOCK -c "show ipv6 interface brief"
  ip netns exec vxdemo-gw $VXGW_CLI -s $GW_SOCK -c "show mac address-table"
  ip netns exec vxdemo-gw $VXGW_CLI -s $GW_SOCK          (interactive shell)
  edit $DEMO_DIR/vxgw.conf, then: kill -HUP \$(cat $DEMO_DIR/vxgwd.pid)
  daemon log: $GW_LOG
EOF
    else
      echo "  ip netns exec vxdemo-gw bridge fdb show dev vxlan5000"
      echo "  ip netns exec vxdemo-gw ip neigh"
    fi
    echo
    echo "Tear down with: scripts/lab.sh down"
    exit $bad
    ;;
  down)
    demo_down
    echo "vxdemo lab removed"
    ;;
  status)
    if ! ip netns list | grep -q '^vxdemo-'; then
      echo "vxdemo lab is not up"
      exit 1
    fi
    echo "mode: $(cat "$DEMO_DIR/mode" 2>/dev/null || echo unknown)"
    for n in $LAB_NAMES; do
      printf '%-14s %s\n' "vxdemo-$n" "$(ip netns pids "vxdemo-$n" | xargs -r ps -o comm= -p | tr '\n' ' ')"
    done
    ;;
  *)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
