#!/usr/bin/env bash
# `make demo`: runs the demo against OTEL_EXPORTER_OTLP_ENDPOINT when set,
# otherwise prints the spans on the console.
set -euo pipefail
build=${1:-build}
exe=$build/examples/demo
[ -x "$exe" ] || { echo "demo: $exe was not built" >&2; exit 1; }
exec "$exe"
