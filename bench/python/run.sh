#!/usr/bin/env bash
# `make bench`: the Python span benchmarks (bench.py) in the project's venv,
# with the otel_core package built against BUILD_DIR and opentelemetry-sdk
# beside it for the ratio.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
venv=${OTEL_VENV:-$root/.venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q cffi opentelemetry-api opentelemetry-sdk \
    opentelemetry-exporter-otlp-proto-http >&2
OTEL_CORE_LIBDIR=$build OTEL_PY_BUILD_BASE=$build/python "$venv/bin/python" -m pip install -q --force-reinstall --no-deps "$root" >&2
"$venv/bin/python" "$root/bench/python/bench.py" 2>/dev/null
