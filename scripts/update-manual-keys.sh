#!/usr/bin/env bash
# Regenerates the config key table in docs/manual.md: the block between
#   <!-- BEGIN CONFIG KEYS (generated: platformctl config keys) -->
#   <!-- END CONFIG KEYS -->
# from the output of `platformctl config keys` (the key table in
# src/config/schema.cc plus the registry's "Required by").
#
#   scripts/update-manual-keys.sh            rewrite the block (only when it changed)
#   scripts/update-manual-keys.sh --check    exit 1 when the block is out of date
#
# Env: PLATFORMCTL_BINARY (default build/dev/platformctl, relative to the repo
# root; run `make build` first), MANUAL (default docs/manual.md).
# tests/unit/docs_test.cc fails `make test` while the block is out of date.
set -euo pipefail

kRepoRoot="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${kRepoRoot}"

readonly kBegin='<!-- BEGIN CONFIG KEYS (generated: platformctl config keys) -->'
readonly kEnd='<!-- END CONFIG KEYS -->'
binary="${PLATFORMCTL_BINARY:-build/dev/platformctl}"
manual="${MANUAL:-docs/manual.md}"

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  -h | --help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "update-manual-keys: unknown argument '$1' (expected --check or --help)" >&2; exit 2 ;;
esac

die() {
  echo "update-manual-keys: ERROR: $*" >&2
  exit 1
}

[[ -x "${binary}" ]] || die "${binary} not found or not executable (run 'make build' or set PLATFORMCTL_BINARY)"
[[ -f "${manual}" ]] || die "${manual} not found"
[[ "$(grep -cxF -- "${kBegin}" "${manual}")" == 1 ]] || die "${manual} must hold the line '${kBegin}' exactly once"
[[ "$(grep -cxF -- "${kEnd}" "${manual}")" == 1 ]] || die "${manual} must hold the line '${kEnd}' exactly once"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
"${binary}" config keys >"${work}/keys.md" || die "'${binary} config keys' failed"
[[ -s "${work}/keys.md" ]] || die "'${binary} config keys' printed nothing"

# BEGIN line, a blank line, the table without leading/trailing blank lines, a
# blank line (so the table ends before the comment), END line.
awk -v keys="${work}/keys.md" -v begin="${kBegin}" -v end="${kEnd}" '
  BEGIN {
    n = 0
    while ((getline line < keys) > 0) rows[++n] = line
    first = 1; while (first <= n && rows[first] ~ /^[[:space:]]*$/) first++
    last = n; while (last >= first && rows[last] ~ /^[[:space:]]*$/) last--
  }
  $0 == begin {
    print; print ""
    for (i = first; i <= last; i++) print rows[i]
    print ""
    skipping = 1
    next
  }
  $0 == end { skipping = 0 }
  !skipping { print }
' "${manual}" >"${work}/manual.md"

if cmp -s "${work}/manual.md" "${manual}"; then
  echo "update-manual-keys: ${manual} is up to date"
  exit 0
fi
if ((check)); then
  diff -u "${manual}" "${work}/manual.md" | head -n 40 >&2 || true
  echo "update-manual-keys: ${manual} is out of date; run scripts/update-manual-keys.sh" >&2
  exit 1
fi
cat "${work}/manual.md" >"${manual}"  # keeps the file's mode and inode
echo "update-manual-keys: updated the config key table in ${manual}"
