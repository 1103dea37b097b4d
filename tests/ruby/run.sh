#!/usr/bin/env bash
# `make test`: the Ruby binding's minitest suite against the module CMake
# builds in BUILD_DIR/ruby (built here when missing). Ends with
# "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
if [ ! -f "$build/ruby/otel_core_native.so" ]; then
    { cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
      cmake --build "$build" -j2 --target otel_core_native >/dev/null; } 2>&1 | tail -n 20
fi
if [ ! -f "$build/ruby/otel_core_native.so" ]; then
    echo "ruby: $build/ruby/otel_core_native.so was not built (swig, ruby-dev missing? scripts/install-deps.sh)"
    echo "0 passed, 1 failed"; exit 1
fi
log=$(mktemp)
ruby -I "$build/ruby" -I "$root/bindings/ruby/lib" "$root/tests/ruby/test_otel_core.rb" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
line=$(grep -E '^[0-9]+ runs' "$log" | tail -n1)
runs=$(sed -n 's/^\([0-9]*\) runs.*/\1/p' <<<"$line")
bad=$(sed -n 's/.* \([0-9]*\) failures, \([0-9]*\) errors.*/\1 \2/p' <<<"$line" | awk '{print $1+$2}')
rm -f "$log"
p=$(( ${runs:-0} - ${bad:-0} ))
f=${bad:-0}
[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
echo "$p passed, $f failed"
exit "$rc"
