#!/usr/bin/env bash
# Installs one Debian package the tests need and checks its binary is there. Idempotent.
# Usage: .ci/apt-install.sh PACKAGE BINARY [apt-get options…]
#   chromium   /usr/bin/chromium    — the report test (test/report/report-chromium.test.ts), driven by
#                                     playwright-core, which never downloads a browser of its own
#   prometheus /usr/bin/prometheus  — the live-metrics scrape test (test/live/prometheus-scrape.test.ts)
set -euo pipefail
pkg="$1"; bin="$2"; shift 2

if [ -x "$bin" ]; then
  echo "apt-install: $bin already present ($("$bin" --version 2>/dev/null | head -n1))"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y "$@" "$pkg"

if [ ! -x "$bin" ]; then
  echo "apt-install: apt-get finished but $bin is missing" >&2
  exit 1
fi
echo "apt-install: installed $("$bin" --version 2>/dev/null | head -n1)"
