#!/usr/bin/env bash
# `make demo`: the polyglot program (C hosting Python, Lua and Ruby, one
# trace, one export) when it was built, else the C demo. Spans go to
# OTEL_EXPORTER_OTLP_ENDPOINT when set; otherwise the polyglot program
# writes OTLP/JSON lines to build/polyglot-trace.jsonl and prints the tree,
# and the C demo prints the spans on the console.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
if [ -x "$build/examples/polyglot" ]; then
    . "$root/scripts/polyglot-env.sh"
    : "${OTEL_CORE_EXPORTER_FILE_PATH:=$build/polyglot-trace.jsonl}"
    export OTEL_CORE_EXPORTER_FILE_PATH
    [ -n "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ] || rm -f "$OTEL_CORE_EXPORTER_FILE_PATH"
    exec "$build/examples/polyglot"
fi
exe=$build/examples/demo
[ -x "$exe" ] || { echo "demo: $exe was not built" >&2; exit 1; }
exec "$exe"
