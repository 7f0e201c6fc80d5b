#!/usr/bin/env bash
# Processes and wall time of `platformctl verify` (core) and `verify --deep` against
# kube-sim (../shared/tools/kube-sim) at 0 and 50 ms API latency, with the real
# kubectl and helm and the test fake for helmfile (there is no helmfile here; its
# diff answers "no changes" at once). Prints per case the median of RUNS runs:
#   processes = children platformctl started (the "$ " lines of its run.log)
#   wall_ms   = wall time of the whole command
# The deep tier's HTTPS smoke is pointed at a closed port on 127.0.0.1 (kube-sim
# serves no ingress): the probes fail at once, the other checks pass.
# Targets (issue: verify): core <= 8 processes, deep <= 15; core at 50 ms at least 10x
# faster than the Bash suite's 13.4 s (<= 1.34 s).
# BINARY=... (default build/release/platformctl); RUNS=N (default 5).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
sim="${KUBE_SIM_DIR:-$root/../shared/tools/kube-sim}"
bin="${BINARY:-build/release/platformctl}"
[[ -x "$bin" ]] || { echo "verify bench: $bin is missing; run 'make release'" >&2; exit 1; }
[[ -x "$sim/run-sim.sh" ]] || { echo "verify bench: no kube-sim at $sim" >&2; exit 1; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
export PATH="$root/.tools/bin:$PATH"
work="$(mktemp -d)"
cleanup() { "$sim/run-sim.sh" stop --state-dir "$work/sim" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/repo/profiles" "$work/fake" "$work/kubecache"
cp -r config.env infra charts "$work/repo/"
cp profiles/secrets.example.env "$work/repo/profiles/secrets.env"
chmod 600 "$work/repo/profiles/secrets.env"
ln -s "$root/tests/integration/fake-bin/fake_tool.py" "$work/fake/helmfile"
echo '{}' > "$work/fake/state.json"
run() {  # run ARGS... -> "processes wall_ms"
  local t0 t1 rc=0
  t0=$(date +%s%N)
  (cd "$work/repo" && env -i PATH="$work/fake:$PATH" HOME="$work" KUBECONFIG="$work/sim/kubeconfig" \
     KUBECACHEDIR="$work/kubecache" FAKE_STATE="$work/fake/state.json" FAKE_LOG="$work/fake/log" \
     "$bin" verify --set ACME_EMAIL=you@example.com "$@" -q >/dev/null 2>&1) || rc=$?
  t1=$(date +%s%N)
  [[ $rc -le 1 ]] || { echo "verify bench: platformctl verify $* exited $rc" >&2; exit 1; }
  local log
  log="$(ls -d "$work"/repo/artifacts/runs/*-verify* | sort | tail -1)/run.log"
  echo "$(grep -c ' \$ ' "$log") $(( (t1 - t0) / 1000000 ))"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for latency in 0 50; do
  "$sim/run-sim.sh" stop --state-dir "$work/sim" >/dev/null 2>&1 || true
  "$sim/run-sim.sh" start --state-dir "$work/sim" --latency-ms "$latency" >/dev/null 2>&1
  run >/dev/null  # warm kubectl's discovery cache, as on any machine that used kubectl before
  for tier in core deep; do
    args=()
    [[ $tier == deep ]] && args=(--deep --set VERIFY_INGRESS_ADDRESS=127.0.0.1 --set VERIFY_HTTPS_PORT=1)
    procs=(); walls=()
    for _ in $(seq "${RUNS:-5}"); do
      read -r p w < <(run "${args[@]}")
      procs+=("$p"); walls+=("$w")
    done
    echo "verify-$tier latency_ms=$latency: processes=$(printf '%s\n' "${procs[@]}" | median) wall_ms_median=$(printf '%s\n' "${walls[@]}" | median) runs=${RUNS:-5}"
  done
done
