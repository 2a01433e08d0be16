#!/usr/bin/env bash
# Debian's Chromium, for the console's browser tests (driven by playwright-core: no browser is
# downloaded from npm, which this machine could not reach anyway). Once per machine.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
printf '[prepare] apt-get install chromium (browser tests)\n'
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
