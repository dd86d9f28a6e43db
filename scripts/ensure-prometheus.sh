#!/usr/bin/env bash
# Installs Prometheus (and with it promtool) from Debian's packages when promtool is missing, without the recommended
# extras (the node exporter and friends are not needed to check and unit-test rules). Idempotent; fails loudly.
set -euo pipefail
if command -v promtool >/dev/null 2>&1; then command -v promtool; exit 0; fi
echo "ensure-prometheus: promtool is missing: installing Debian's prometheus package (--no-install-recommends)" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
# The package enables a system service; ours (tests, `make run`) run on their own ports, so leave it be.
command -v promtool >/dev/null 2>&1 || { echo "ensure-prometheus: promtool is still missing after the install" >&2; exit 1; }
command -v promtool
