#!/usr/bin/env bash
# Runs the end-to-end suite (tests/integration/e2e_test.cc, gtest filter E2e.*)
# against kube-sim, the Kubernetes API simulator in ../shared/tools/kube-sim:
# real kubectl and helm, the test fake for helmfile (no charts are rendered),
# a stub helm-diff plugin, and `apply --from prereqs/namespaces` (the helm
# repositories are not reachable without internet), with the default config
# (profile local) and the ACME e-mail the fixture was installed with, so that
# verify judges the cluster the fixture is. kube-sim's folder is
# read-only: its state, logs and caches go to a temp dir.
# Usage: tests/e2e/run-kube-sim.sh [BUILD_DIR]   (default build/dev)
# Exits 0 with a note when ../shared/tools/kube-sim is not there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
sim="${KUBE_SIM_DIR:-$root/../shared/tools/kube-sim}"
build="${1:-$root/build/dev}"
if [[ ! -x "$sim/run-sim.sh" ]]; then
  echo "e2e: no kube-sim at $sim; skipped (users: PLATFORMCTL_E2E_KUBECONFIG=FILE $build/platformctl_tests --gtest_filter='E2e.*')"
  exit 0
fi
tmp="$(mktemp -d)"
cleanup() { "$sim/run-sim.sh" stop --state-dir "$tmp/sim" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
"$sim/run-sim.sh" start --state-dir "$tmp/sim" >"$tmp/start.log" 2>&1 || { cat "$tmp/start.log" >&2; exit 1; }
mkdir -p "$tmp/plugins/diff" "$tmp/kubecache" "$tmp/home"
printf 'name: "diff"\nversion: "3.9.11"\nusage: "stub"\ndescription: "stub helm-diff for the e2e suite"\ncommand: "/bin/true"\n' \
  >"$tmp/plugins/diff/plugin.yaml"
export PATH="$root/.tools/bin:$PATH"
PLATFORMCTL_E2E_KUBECONFIG="$tmp/sim/kubeconfig" PLATFORMCTL_E2E_ALLOW_DELETE=1 \
PLATFORMCTL_E2E_FAKE_HELMFILE=1 PLATFORMCTL_E2E_FROM=prereqs/namespaces \
PLATFORMCTL_E2E_PROFILE=local PLATFORMCTL_E2E_SET=ACME_EMAIL=you@example.com \
HELM_PLUGINS="$tmp/plugins" KUBECACHEDIR="$tmp/kubecache" HOME="$tmp/home" \
  "$build/platformctl_tests" --gtest_filter='E2e.*' --gtest_also_run_disabled_tests=0
