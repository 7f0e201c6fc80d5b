#!/usr/bin/env bash
# Cost of `platformctl apply` on a converged cluster and of `platformctl delete`,
# against the fake kubectl/helm/helmfile of the tests (tests/integration/fake-bin),
# which log every process they are started as. Prints per run:
#   processes  = kubectl + helm + helmfile processes spawned (counted by the fakes)
#   cpu_ms     = platformctl's own CPU time (journal.json cpuSeconds; children excluded)
# Targets (issue: execution): converged apply <= 30 processes and <= 50 ms CPU.
# BINARY=... (default build/release/platformctl); RUNS=N (default 5, the median is printed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
bin="${BINARY:-build/release/platformctl}"
[[ -x "$bin" ]] || { echo "apply bench: $bin is missing; run 'make release'" >&2; exit 1; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/profiles"
cp config.env "$work/"
cp profiles/overlay-staging.env "$work/profiles/"
cp profiles/secrets.example.env "$work/profiles/secrets.env"
# The verify phase judges the fixture of tests/fixtures/verify (kube-sim's healthy
# cluster, installed from the default config with this e-mail and prod server).
fixture=(--set ACME_EMAIL=you@example.com
         --set LETSENCRYPT_PROD_SERVER=https://acme-v02.api.letsencrypt.org/directory)
chmod 600 "$work/profiles/secrets.env"
echo '{"context":"lab"}' > "$work/state.json"
run() {  # run MODE ARGS... -> "processes cpu_ms"
  : > "$work/calls.jsonl"
  (cd "$work" && env -i PATH="$root/tests/integration/fake-bin:/usr/bin:/bin" \
     FAKE_STATE="$work/state.json" FAKE_LOG="$work/calls.jsonl" \
     FAKE_VERIFY_DIR="$root/tests/fixtures/verify" "$bin" "$@" "${fixture[@]}" -q >/dev/null 2>&1) || {
    echo "apply bench: platformctl $* failed" >&2; exit 1; }
  local journal
  journal="$(ls -d "$work"/artifacts/runs/*-"$1"* | sort | tail -1)/journal.json"
  python3 - "$journal" "$work/calls.jsonl" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
n = sum(1 for l in open(sys.argv[2]) if l.strip())
print(n, round(j["cpuSeconds"] * 1000, 1))
PY
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run apply -p overlay-staging >/dev/null   # converge
for mode in apply delete; do
  procs=(); cpus=()
  for _ in $(seq "${RUNS:-5}"); do
    if [[ "$mode" == delete ]]; then run apply -p overlay-staging >/dev/null; fi
    if [[ "$mode" == apply ]]; then read -r p c < <(run apply -p overlay-staging);
    else read -r p c < <(run delete -p overlay-staging --yes); fi
    procs+=("$p"); cpus+=("$c")
  done
  label=$([[ "$mode" == apply ]] && echo "apply-converged" || echo "delete")
  echo "$label: processes=$(printf '%s\n' "${procs[@]}" | median) cpu_ms_median=$(printf '%s\n' "${cpus[@]}" | median) runs=${RUNS:-5}"
done
