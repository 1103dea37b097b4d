#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, coverage) into
# build-fuzz/fuzz/ and prints that directory last.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${FUZZ_BUILD_DIR:-$root/build-fuzz}
command -v clang >/dev/null || { echo "fuzz: clang is not installed (scripts/install-deps.sh)" >&2; exit 1; }
cmake -S "$root" -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DOTEL_FUZZ=ON \
      -DOTEL_BUILD_BENCH=OFF -DOTEL_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$dir" --target fuzzers -j "${JOBS:-2}" >&2
echo "$dir/fuzz"
