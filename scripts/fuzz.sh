#!/usr/bin/env bash
# Builds the env-file fuzzer (libFuzzer + ASan + UBSan, clang) in build/fuzz and
# runs it on a scratch copy of tests/fuzz/corpus, so the checked-in seed corpus
# stays small. Prints libFuzzer's final "Done N runs in S second(s)" line.
#
#   scripts/fuzz.sh                  # 1,000,000 runs
#   FUZZ_RUNS=100000 scripts/fuzz.sh
#   scripts/fuzz.sh -max_len=256     # extra arguments go to libFuzzer
#
# Env: FUZZ_RUNS (default 1000000), CC/CXX (default clang-14/clang++-14),
# FUZZ_BUILD_DIR (default build/fuzz). A crash leaves its input in the build
# dir (crash-*); reproduce with: build/fuzz/env_file_fuzz FILE
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${FUZZ_BUILD_DIR:-${repo_root}/build/fuzz}"
runs="${FUZZ_RUNS:-1000000}"

if [[ ! -f "${build_dir}/build.ninja" ]]; then
  CC="${CC:-clang-14}" CXX="${CXX:-clang++-14}" cmake -S "${repo_root}" -B "${build_dir}" -G Ninja \
    -DPLATFORMCTL_FUZZ=ON -DBUILD_TESTING=OFF -DPLATFORMCTL_WARNINGS_AS_ERRORS=ON
fi
cmake --build "${build_dir}" --target env_file_fuzz

fuzzer="${build_dir}/env_file_fuzz"  # RUNTIME_OUTPUT_DIRECTORY in tests/fuzz/CMakeLists.txt
[[ -x "${fuzzer}" ]] || { echo "fuzz.sh: ${fuzzer} was not built" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/platformctl-fuzz.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
mkdir -p "${work}/corpus"
cp "${repo_root}/tests/fuzz/corpus/"* "${work}/corpus/"

log="${work}/fuzz.log"
status=0
(cd "${build_dir}" && "${fuzzer}" -runs="${runs}" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -dict="${repo_root}/tests/fuzz/env_file.dict" -print_final_stats=1 "$@" "${work}/corpus") \
  >"${log}" 2>&1 || status=$?

if [[ ${status} -ne 0 ]]; then
  tail -n 60 "${log}" >&2
  echo "fuzz.sh: env_file_fuzz failed (exit ${status}); crash inputs are in ${build_dir}" >&2
  exit "${status}"
fi
grep -E '^Done [0-9]+ runs in [0-9]+ second' "${log}" || { tail -n 20 "${log}" >&2; exit 1; }
