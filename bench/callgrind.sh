#!/usr/bin/env bash
# Instructions per call of the hot-path benchmarks under callgrind, for
# before/after comparisons that the machine's load cannot blur (issue 14:
# no benchmark may regress by more than 5%). Usage:
#   bench/callgrind.sh [BUILD_DIR] [N]
# BUILD_DIR (default build/) holds a built libotel_core.so; N (default
# 20000) calls are measured after a warm-up. Prints one JSON line per
# workload: {"name":"callgrind.<bench name>","value":...,"unit":"instr/op"}.
# The batch workload counts the main thread's calls only; its figure still
# varies by a few percent run to run (how the worker's hand-offs fall).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
case "$build" in /*) ;; *) build=$PWD/$build ;; esac
n=${2:-20000}
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 1; }
[ -e "$build/libotel_core.so" ] || { echo "callgrind.sh: no libotel_core.so in $build" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"${CC:-cc}" -O2 -I"$root/include" "$root/bench/callgrind_workloads.c" -o "$tmp/workloads" \
    -L"$build" -lotel_core -Wl,-rpath,"$build" -lpthread
for w in $("$tmp/workloads" 2>&1 | sed -n 's/^  //p'); do
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=measured \
        --callgrind-out-file="$tmp/out" "$tmp/workloads" "$w" "$n" >/dev/null 2>"$tmp/log" ||
        { cat "$tmp/log" >&2; exit 1; }
    ir=$(sed -n 's/^summary: \([0-9]*\).*/\1/p' "$tmp/out")
    awk -v w="$w" -v ir="$ir" -v n="$n" \
        'BEGIN { printf "{\"name\":\"callgrind.%s\",\"value\":%.1f,\"unit\":\"instr/op\",\"calls\":%d}\n", w, ir / n, n }'
done
