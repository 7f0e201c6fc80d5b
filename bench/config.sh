#!/usr/bin/env bash
# Start-up cost of a command that only reads configuration:
#   platformctl -C . config show --profile profiles/overlay-staging.env
# Target: median wall time <= 5 ms (release build). RUNS=N (default 30, >= 20
# for a meaningful median); BENCH_STRICT=1 makes a missed target exit 1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec python3 bench/measure.py --label config-show --build-preset release \
  --runs "${RUNS:-30}" --warmup 3 --target-ms 5 -- \
  build/release/platformctl -C . config show --profile profiles/overlay-staging.env
