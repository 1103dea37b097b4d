#!/usr/bin/env bash
# `make test`: the Lua binding's busted suite against the module CMake built
# in BUILD_DIR/lua. Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
if [ ! -f "$build/lua/otel_core_c.so" ]; then
    echo "lua: $build/lua/otel_core_c.so was not built (swig, liblua5.4-dev missing?)"
    echo "0 passed, 1 failed"; exit 1
fi
export LUA_CPATH="$build/lua/?.so;;"
export LUA_PATH="$root/bindings/lua/?.lua;;"
log=$(mktemp)
lua5.4 /usr/bin/busted -o TAP "$root/tests/lua" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
p=$(grep -c '^ok ' "$log")
f=$(grep -c '^not ok ' "$log")
rm -f "$log"
[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
echo "$p passed, $f failed"
exit "$rc"
