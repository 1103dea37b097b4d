#!/usr/bin/env bash
# `make bench`: builds bench/rust in release mode against the library in
# BUILD_DIR (artefacts in BUILD_DIR/cargo) and prints its JSON lines: the
# opentelemetry 0.31 API on otel-core and on opentelemetry_sdk 0.31, and
# otel-core's own API. Build output goes to stderr.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
export PATH="$PATH:$HOME/.cargo/bin" OTEL_CORE_BUILD_DIR=$build CARGO_TARGET_DIR=$build/cargo
command -v cargo >/dev/null || { echo "bench/rust: no cargo, skipped" >&2; exit 0; }
(cd "$root/bench/rust" && cargo build -q --release -j 2 >&2)
OTEL_TRACES_EXPORTER=none OTEL_METRICS_EXPORTER=none "$build/cargo/release/otel-core-bench" "$@" 2>/dev/null
