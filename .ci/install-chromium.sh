#!/usr/bin/env bash
# Installs Debian's chromium for the report test (test/report/report-chromium.test.ts), which drives
# it through playwright-core; playwright never downloads a browser of its own. Idempotent.
# .ci/run calls it and then sets SOAKSTORM_REQUIRE_BROWSER=1, so the report test cannot skip in CI.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "install-chromium: /usr/bin/chromium already present ($(/usr/bin/chromium --version 2>/dev/null | head -n1))"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium

if [ ! -x /usr/bin/chromium ]; then
  echo "install-chromium: apt-get finished but /usr/bin/chromium is missing" >&2
  exit 1
fi
echo "install-chromium: installed $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
