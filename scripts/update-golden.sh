#!/usr/bin/env bash
# Regenerates the plan golden files under tests/golden/plan/ (compared
# byte-for-byte by tests/integration/golden_test.cc):
#
#   <profile>.txt / .json                  plan --profile <profile>   (every shipped profile)
#   delete-<profile>.txt / .json           plan --delete --profile <profile>   (overlay-staging, minimal)
#   with-host-overlay-staging.txt / .json  plan --with-host --profile overlay-staging
#   with-host-delete-overlay-staging.txt / .json
#
# Shipped profiles: profiles/*.env except local.env, secrets*.env and *.local.env.
# Usage: make golden   (or PLATFORMCTL_BINARY=build/dev/platformctl bash scripts/update-golden.sh)
#
# The plans are produced in a clean copy of the repo (config.env and profiles/
# without secrets.env, local.env or *.local.env) with an empty environment
# (env -i, PATH only), so the developer's own secrets, local overrides and
# exported variables never reach the goldens. --exclusive is not used: it
# would change which layers load. The plan prints the profile path relative to
# the repo root, so the temporary location does not show. golden_test.cc runs
# exactly the same commands the same way; keep the two case lists in step.
set -euo pipefail

kRoot="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${PLATFORMCTL_BINARY:-${kRoot}/build/dev/platformctl}"
case "${bin}" in
  /*) ;;
  *) bin="${PWD}/${bin}" ;;
esac
if [[ ! -x "${bin}" ]]; then
  echo "update-golden: ${bin} is not an executable; build first (cmake --build --preset dev)" >&2
  exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
repo="${tmp}/repo"
mkdir -p "${repo}/profiles"
cp "${kRoot}/config.env" "${repo}/config.env"
profiles=()
for f in "${kRoot}"/profiles/*; do
  base="$(basename "${f}")"
  case "${base}" in
    local.env | secrets.env | *.local.env) continue ;;
  esac
  cp "${f}" "${repo}/profiles/${base}"
  if [[ "${base}" == *.env && "${base}" != secrets* ]]; then
    profiles+=("${base%.env}")
  fi
done

# The host facts of the with-host plans (as tests/integration/golden_test.cc).
mkdir -p "${repo}/hostroot/etc"
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n' >"${repo}/hostroot/etc/os-release"

out="${tmp}/golden"
mkdir -p "${out}"

# golden NAME ARGS...: NAME.txt (text) and NAME.json (-o json) from `platformctl ARGS`.
golden() {
  local name="$1"
  shift
  local format ext
  for format in text json; do
    ext="${format/text/txt}"
    if ! (cd "${repo}" && env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/home/lab PLATFORMCTL_TEST_EUID=0 \
      "${bin}" -C "${repo}" "$@" -o "${format}" >"${out}/${name}.${ext}" 2>"${tmp}/stderr"); then
      echo "update-golden: platformctl $* -o ${format} failed:" >&2
      cat "${tmp}/stderr" >&2
      exit 1
    fi
  done
}

for p in "${profiles[@]}"; do
  golden "${p}" plan --profile "${p}"
done
for p in overlay-staging minimal; do
  golden "delete-${p}" plan --delete --profile "${p}"
done
golden with-host-overlay-staging plan --with-host --root hostroot --profile overlay-staging
golden with-host-delete-overlay-staging plan --delete --with-host --root hostroot --profile overlay-staging

dest="${kRoot}/tests/golden/plan"
mkdir -p "${dest}"
rm -f "${dest}"/*.txt "${dest}"/*.json
cp "${out}"/* "${dest}/"
echo "update-golden: wrote $(find "${out}" -type f | wc -l) files to tests/golden/plan/ with ${bin}"
echo "update-golden: review with: git diff --stat tests/golden && git diff tests/golden"
