#!/usr/bin/env bash
# Installs redis-server from Debian's packages when it is missing (tests and `make run` need a real Redis 7).
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
echo "redis-server is missing: installing it with apt-get" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
# Debian starts a system redis on 6379; ours run on their own ports, so leave it be.
command -v redis-server >/dev/null
