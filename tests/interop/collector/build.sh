#!/usr/bin/env bash
# Builds the interop Collector (main.go: the OTLP receiver, the batch
# processor, the debug and contrib file exporters) from the Go module proxy,
# pinned by go.mod/go.sum, into build/collector/ once; later calls reuse the
# binary while it is newer than its sources. Logs go to stderr; the last
# line of stdout is the binary's absolute path.
#
# fileexporter is pinned at v0.162.0: later releases' test-only
# dependencies are not served by the proxy here, and `go mod tidy` wants
# them; `go build` does not.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${COLLECTOR_OUT:-$root/build/collector}
bin=$out/otelcol-interop
if ! command -v go >/dev/null; then
    for d in /usr/local/go/bin /usr/lib/go/bin; do [ -x "$d/go" ] && PATH=$PATH:$d; done
fi
command -v go >/dev/null || { echo "collector: Go is not installed" >&2; exit 1; }
if [ -x "$bin" ] && [ "$bin" -nt "$here/main.go" ] && [ "$bin" -nt "$here/go.mod" ] &&
   [ "$bin" -nt "$here/go.sum" ]; then
    echo "$bin"
    exit 0
fi
mkdir -p "$out"
echo "collector: building $bin (first build downloads ~300 MB of modules)" >&2
cd "$here"
GOFLAGS=-mod=mod go build -trimpath -o "$bin.tmp" . >&2
mv "$bin.tmp" "$bin"
echo "$bin"
