#!/usr/bin/env bash
# Cost of computing a full plan (no cluster access):
#   platformctl -C . plan --profile profiles/overlay-staging.env
# Targets: median wall time <= 5 ms and peak RSS <= 20 MiB (release build).
# RUNS=N (default 30); BENCH_STRICT=1 makes a missed target exit 1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec python3 bench/measure.py --label plan --build-preset release \
  --runs "${RUNS:-30}" --warmup 3 --target-ms 5 --target-rss-mib 20 -- \
  build/release/platformctl -C . plan --profile profiles/overlay-staging.env
