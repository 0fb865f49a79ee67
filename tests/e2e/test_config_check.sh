#!/usr/bin/env bash
# `vxgwd -n -f CONFIG`: checks syntax and semantics only (no interfaces, addresses or root
# needed), exits 0 on a good file, and on a bad one exits non-zero with one
# `FILE:LINE: message` line per error, the message naming the wrong word.
#
# usage: test_config_check.sh [BUILD_DIR]     (default <repo>/build; root not needed)
# exit: 0 all passed, 1 a check failed, 77 skipped (vxgwd not built).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
lab_run_under_timeout 60 "$0" "$@"

[ -n "${1:-}" ] && VXGW_BUILD=$1
lab_init "vxc$$"   # only for $LAB_TMP and the binaries: no namespaces here
if [ ! -x "$VXGWD" ]; then
  echo "SKIP: $VXGWD is not built"
  exit 77
fi
trap 'rm -rf "$LAB_TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# check_ok FILE: exit 0 and no FILE:LINE: error line
check_ok() {
  local out rc
  out=$(timeout 10 "$VXGWD" -n -f "$1" 2>&1)
  rc=$?
  echo "$out"
  echo "exit status $rc"
  [ "$rc" = 0 ] && not grep -qF -- "$1:" <<<"$out"
}
SAMPLE=$LAB_ROOT/etc/vxgw.conf
check "vxgwd -n accepts etc/vxgw.conf (without its interfaces or addresses on this host)" check_ok "$SAMPLE"

sed '/^interface ethernet up0$/a\ mtu 1400' "$SAMPLE" >"$LAB_TMP/sample-mtu.conf"
check "vxgwd -n accepts etc/vxgw.conf + 'mtu 1400' on up0 (test_forwarding's config)" \
  check_ok "$LAB_TMP/sample-mtu.conf"
lab_gw_config --bds "10 20" >"$LAB_TMP/lab-10-20.conf"
check "vxgwd -n accepts the lab config with BDs 10 and 20 (test_reload)" check_ok "$LAB_TMP/lab-10-20.conf"
lab_gw_config >"$LAB_TMP/lab-all.conf"
check "vxgwd -n accepts the full lab config (test_restart)" check_ok "$LAB_TMP/lab-all.conf"

BAD=$LAB_TMP/bad.conf
cat >"$BAD" <<'EOF'
hostname bad
vxlan source 192.0.2.1
vxlan sorce 192.0.2.1
!
bridge-domain 10
 vni 5000
 flood-peer 192.0.2.11
!
bridge-domain 20
 vni 16777216
 flood-peer 192.0.2.12
!
interface bdif 10
 ip address 10.1.10.1/24
!
EOF
BAD_OUT=$(timeout 10 "$VXGWD" -n -f "$BAD" 2>&1)
BAD_RC=$?
show_bad() { echo "$BAD_OUT"; echo "exit status $BAD_RC"; }
check "vxgwd -n exits non-zero on a file with 2 bad lines" eval 'show_bad; [ "$BAD_RC" != 0 ] && [ "$BAD_RC" != 124 ]'
check "it reports $(basename "$BAD"):3: naming the unknown word 'sorce'" \
  eval 'show_bad; grep -E -- "^$BAD:3: .*sorce" <<<"$BAD_OUT"'
check "it reports $(basename "$BAD"):10: naming the out-of-range VNI 16777216" \
  eval 'show_bad; grep -E -- "^$BAD:10: .*16777216" <<<"$BAD_OUT"'
only_bad_lines() {
  local others
  show_bad
  others=$(grep -E -- "^$BAD:[0-9]+:" <<<"$BAD_OUT" | grep -vE -- "^$BAD:(3|10):")
  [ -z "$others" ]
}
check "it reports no other line" only_bad_lines

check "vxgwd -n on a missing file exits non-zero" not timeout 10 "$VXGWD" -n -f "$LAB_TMP/missing.conf"

rm -rf "$LAB_TMP"
trap - EXIT
lab_summary
exit $?
