#!/usr/bin/env bash
# `make test`: replays each fuzz target's committed corpus
# (tests/fuzz/corpus/<target>/) through the target built with ASan + UBSan:
# libFuzzer under clang, else the replay main under gcc (see build.sh).
# A target without a corpus directory fails, and so does a corpus without a
# target. Ends with "N passed, N failed" (one count per target).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# the build's output is shown only when it fails
if ! bins=$("$here/build.sh" 2>"$log" | tail -n1) || [ ! -d "$bins" ]; then
    tail -n 40 "$log"; echo "fuzz: build failed"; echo "0 passed, 1 failed"; exit 1
fi
grep '^fuzz:' "$log"
passed=0 failed=0
for src in "$here"/fuzz_*.c; do
    name=$(basename "$src" .c)
    [ -d "$here/corpus/$name" ] || { echo "FAIL $name: no corpus in tests/fuzz/corpus/$name"; failed=$((failed + 1)); }
done
for corpus in "$here"/corpus/*/; do
    name=$(basename "$corpus")
    bin=$bins/$name
    if [ ! -x "$bin" ]; then
        echo "FAIL $name: no target"; failed=$((failed + 1)); continue
    fi
    n=$(find "$corpus" -type f | wc -l)
    if find "$corpus" -type f -print0 | xargs -0 "$bin" -runs=0 >"$log" 2>&1; then
        echo "PASS $name ($n inputs)"; passed=$((passed + 1))
    else
        echo "FAIL $name:"; tail -n 30 "$log"; failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
