#!/usr/bin/env bash
# What the benchmark needs beyond the project itself: a load generator and the peers.
# Run once, as root (apt-get), from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk virtuoso-opensource >/dev/null
# Debian starts a Virtuoso service of its own; the benchmark runs a private one.
service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
[ -d .venv ] || python3 -m venv .venv
.venv/bin/pip install -q -e ".[bench]"
echo "benchmark tools installed: run .venv/bin/python benchmarks/run.py"
