#!/usr/bin/env bash
# Installs what is missing, builds vxgw, and starts the gateway in the demo lab: network
# namespaces with Linux-kernel VTEPs and hosts behind them, an uplink to an external host,
# vxgwd running etc/vxgw.conf; it ends by checking exactly-once delivery (scripts/lab.sh up).
# The lab stays up; `scripts/lab.sh down` removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
scripts/build.sh
exec scripts/lab.sh up --build build
