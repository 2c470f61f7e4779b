#!/usr/bin/env bash
# Installs Debian's prometheus for the live-metrics test (test/live/prometheus-scrape.test.ts),
# which starts it on 127.0.0.1 to scrape a run's --prometheus endpoint. Idempotent.
set -euo pipefail

if [ -x /usr/bin/prometheus ]; then
  echo "install-prometheus: /usr/bin/prometheus already present ($(/usr/bin/prometheus --version 2>&1 | head -n1))"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# --no-install-recommends: only the server binary is needed, not the exporters it recommends.
$SUDO apt-get install -y --no-install-recommends prometheus

if [ ! -x /usr/bin/prometheus ]; then
  echo "install-prometheus: apt-get finished but /usr/bin/prometheus is missing" >&2
  exit 1
fi
echo "install-prometheus: installed $(/usr/bin/prometheus --version 2>&1 | head -n1)"
