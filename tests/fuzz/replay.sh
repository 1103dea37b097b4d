#!/usr/bin/env bash
# `make test`: replays each fuzz target's committed corpus
# (tests/fuzz/corpus/<target>/) through the target built with ASan + UBSan.
# Ends with "N passed, N failed" (one count per target).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bins=$("$here/build.sh" | tail -n1) || { echo "fuzz: build failed"; echo "0 passed, 1 failed"; exit 1; }
passed=0 failed=0
for corpus in "$here"/corpus/*/; do
    name=$(basename "$corpus")
    bin=$bins/$name
    if [ ! -x "$bin" ]; then
        echo "FAIL $name: no target"; failed=$((failed + 1)); continue
    fi
    n=$(find "$corpus" -type f | wc -l)
    if find "$corpus" -type f -print0 | xargs -0 "$bin" -runs=0 >"/tmp/replay-$name.log" 2>&1; then
        echo "PASS $name ($n inputs)"; passed=$((passed + 1))
    else
        echo "FAIL $name:"; tail -n 30 "/tmp/replay-$name.log"; failed=$((failed + 1))
    fi
    rm -f "/tmp/replay-$name.log"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
