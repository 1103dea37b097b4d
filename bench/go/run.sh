#!/usr/bin/env bash
# `make bench`: the Go binding beside the Go SDK (go.opentelemetry.io/otel/sdk),
# the same workloads through the otel API (main.go). Prints JSON lines; the
# otel_core ones carry `ratio` (the Go SDK's ns/op / ours) and both carry
# allocs_per_op. Go caches under BUILD_DIR/go, as tests/go/run.sh keeps them.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
if ! command -v go >/dev/null 2>&1; then
    for d in /usr/local/go/bin /usr/lib/go/bin "$HOME/go/bin"; do
        if [ -x "$d/go" ]; then PATH=$PATH:$d; break; fi
    done
fi
command -v go >/dev/null 2>&1 || { echo "bench/go: Go is not installed" >&2; exit 1; }
export GOCACHE=$build/go/cache GOMODCACHE=$build/go/mod GOFLAGS="-modcacherw -mod=readonly"
export PKG_CONFIG_PATH=$build${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH} GOTOOLCHAIN=local
cd "$root/bench/go"
bin=$build/go/bench-go
go build -o "$bin" . || exit 1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# the C core warns (rate-limited) when the benchmark outruns its batch queue
OTEL_TRACES_EXPORTER=none OTEL_METRICS_EXPORTER=none "$bin" 2>"$log" || { cat "$log" >&2; exit 1; }
