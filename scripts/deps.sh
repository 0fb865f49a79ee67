#!/usr/bin/env bash
# Installs the Debian packages vxgw needs to build, run and test, if any is missing.
# usage: scripts/deps.sh [build|test]     (default: test, a superset: the lab's tools too)
set -euo pipefail
what=${1:-test}
build_pkgs=(build-essential cmake pkg-config libev-dev libcli-dev libreadline-dev
            libcunit1-dev liburcu-dev libmicrohttpd-dev clang-format git
            libxdp-dev libbpf-dev clang) # AF_XDP: libxdp, libbpf; clang builds the XDP program
test_pkgs=(iproute2 iputils-ping arping iperf3 tcpdump tshark python3 python3-scapy expect telnet
           openssh-server openssh-client valgrind clang hyperfine procps psmisc ethtool
           netsniff-ng openssl curl
           radvd ndisc6 traceroute iputils-tracepath # IPv6: RAs of the kernel twin, rdisc6, paths
           nftables # the kernel twin of the access-list tests (tests/e2e/test_acl.sh)
           libclang-rt-dev) # libFuzzer and the sanitizer runtimes of clang (tests/fuzz)
pkgs=("${build_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The tests run radvd themselves, in their namespaces: the system's radvd service must not
# advertise on the host's own interfaces (Debian's starts only with an /etc/radvd.conf, which
# nothing here writes; disabled all the same).
if [[ " ${missing[*]} " == *" radvd "* ]] && command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl disable --now radvd.service >/dev/null 2>&1 || true
fi
