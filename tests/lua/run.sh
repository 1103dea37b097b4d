#!/usr/bin/env bash
# `make test`: the Lua binding's busted suite against the module CMake
# builds in BUILD_DIR/lua (built here when missing), then, under valgrind,
# spans and contexts collected without finish must leak nothing
# (gc_leak.lua). Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
if [ ! -f "$build/lua/otel_core_c.so" ]; then
    { cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
      cmake --build "$build" -j2 --target otel_core_c >/dev/null; } 2>&1 | tail -n 20
fi
if [ ! -f "$build/lua/otel_core_c.so" ]; then
    echo "lua: $build/lua/otel_core_c.so was not built (swig, liblua5.4-dev missing? scripts/install-deps.sh)"
    echo "0 passed, 1 failed"; exit 1
fi
export LUA_CPATH="$build/lua/?.so;;"
export LUA_PATH="$root/bindings/lua/?.lua;;"
log=$(mktemp)
lua5.4 /usr/bin/busted -o TAP "$root/tests/lua" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
p=$(grep -c '^ok ' "$log")
f=$(grep -c '^not ok ' "$log")
[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
if command -v valgrind >/dev/null; then
    if valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
        lua5.4 "$root/tests/lua/gc_leak.lua" 300 >"$log" 2>&1; then
        echo "ok - valgrind: spans and contexts collected without finish leak nothing"
        p=$((p + 1))
    else
        cat "$log"
        echo "not ok - valgrind: spans and contexts collected without finish leak nothing"
        f=$((f + 1)); rc=1
    fi
else
    echo "# valgrind not installed: leak check skipped"
fi
rm -f "$log"
echo "$p passed, $f failed"
exit "$rc"
