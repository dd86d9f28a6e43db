#!/usr/bin/env bash
# Installs Chromium from Debian's packages when it is missing (the portal's browser tests drive /usr/bin/chromium with
# Microsoft.Playwright; `playwright install` downloads browsers from the internet and is never used here).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "chromium is missing: installing it with apt-get" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
[ -x /usr/bin/chromium ]
