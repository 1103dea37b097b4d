#!/usr/bin/env bash
# Builds the fuzz targets with ASan + UBSan and prints their directory last.
# With clang and its libFuzzer runtime (libclang-rt-*-dev) they are real
# fuzzers (build-fuzz/); otherwise, or with FUZZ_ENGINE=replay, gcc builds
# them with tests/fuzz/replay_main.c, which only replays inputs
# (build-fuzz-replay/). FUZZ_ENGINE=libfuzzer fails when clang cannot.
# FUZZ_BUILD_DIR overrides the directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
engine=${FUZZ_ENGINE:-auto}

have_libfuzzer() {
    command -v clang >/dev/null || return 1
    local t
    t=$(mktemp -d)
    printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$t/x.c"
    clang -fsanitize=fuzzer,address,undefined "$t/x.c" -o "$t/x" >/dev/null 2>&1
    local rc=$?
    rm -rf "$t"
    return $rc
}

if [ "$engine" = auto ]; then
    if have_libfuzzer; then engine=libfuzzer; else engine=replay; fi
fi
case $engine in
libfuzzer)
    have_libfuzzer || { echo "fuzz: clang with libFuzzer is not installed (scripts/install-deps.sh)" >&2; exit 1; }
    cc=clang dir=${FUZZ_BUILD_DIR:-$root/build-fuzz} ;;
replay)
    cc=${CC:-gcc} dir=${FUZZ_BUILD_DIR:-$root/build-fuzz-replay}
    echo "fuzz: no libFuzzer; building replay-only targets with $cc" >&2 ;;
*) echo "fuzz: FUZZ_ENGINE must be auto, libfuzzer or replay" >&2; exit 1 ;;
esac
cmake -S "$root" -B "$dir" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug -DOTEL_FUZZ=ON \
      -DOTEL_BUILD_BENCH=OFF -DOTEL_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$dir" --target fuzzers -j "${JOBS:-2}" >&2
echo "$dir/fuzz"
