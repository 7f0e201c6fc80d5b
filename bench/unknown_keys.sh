#!/usr/bin/env bash
# Hostile input: an env file of nothing but unknown keys, 1, 5 and 10 MB.
#   platformctl -C REPO config show -q --profile big
# Prints wall time and peak RSS per size; linear time shows as ms/MB staying
# flat, bounded memory as RSS growing by about the file's size (the text is
# read whole), not by a multiple of it.
# BINARY=... (default build/release/platformctl); SIZES_MB="1 5 10".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin="${BINARY:-build/release/platformctl}"
[[ -x "$bin" ]] || { echo "unknown_keys: $bin is missing; run 'make release'" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/profiles"
cp config.env "$work/"
for mb in ${SIZES_MB:-1 5 10}; do
  python3 - "$work/profiles/big.env" "$mb" <<'PY'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
target, n, i = mb * 1024 * 1024, 0, 0
with open(path, "w") as f:
    while n < target:
        line = "UNKNOWN_KEY_%08d=value%d\n" % (i, i)
        f.write(line)
        n += len(line)
        i += 1
PY
  python3 - "$bin" "$work" "$mb" <<'PY'
import resource, subprocess, sys, time
binary, repo, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.monotonic()
p = subprocess.run([binary, "-C", repo, "config", "show", "-q", "--profile", "big"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
ms = (time.monotonic() - t0) * 1000
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("unknown-keys: size_mb=%d exit=%d wall_ms=%.0f ms_per_mb=%.1f peak_rss_mib=%.1f"
      % (mb, p.returncode, ms, ms / mb, rss))
PY
done
