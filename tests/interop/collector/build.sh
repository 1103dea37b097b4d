#!/usr/bin/env bash
# Builds the interop Collector (main.go: an otelcol distribution with the OTLP
# receiver, the batch processor, the debug and contrib file exporters and the
# env/file/yaml config providers) from the Go module proxy, pinned by
# go.mod/go.sum, into $BUILD_DIR/collector/otelcol-interop (BUILD_DIR as
# tests/interop/run.sh takes it: absolute, or relative to the repository), or
# <repo>/build/collector/otelcol-interop without BUILD_DIR; COLLECTOR_OUT
# names the folder outright. A binary newer than main.go, go.mod and go.sum is
# reused as it is. Installs nothing outside that folder and Go's own module
# and build caches. Logs go to stderr; the last line of stdout is the
# binary's absolute path.
#
# A cold build (empty module and build caches) downloads ~120 MB of module
# zips (~450 MB unpacked in GOMODCACHE, ~550 MB of build cache) and takes
# about 4.5 minutes on 2 cores; with warm caches a rebuild takes seconds.
#
# Versions: core collector v0.162.0 (stable modules v1.68.0) and the contrib
# fileexporter v0.162.0, one release. Later fileexporter releases need
# modules the proxy here does not serve. `go mod tidy` fails here too (it
# wants fileexporter's test-only dependency otlpencodingextension, not
# served): update with `go get ...@vX` then `go mod tidy -e`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
if [ -n "${COLLECTOR_OUT:-}" ]; then
    out=$COLLECTOR_OUT
elif [ -n "${BUILD_DIR:-}" ]; then
    out=$BUILD_DIR/collector
else
    out=$root/build/collector
fi
case "$out" in /*) ;; *) out=$root/$out ;; esac
bin=$out/otelcol-interop

if [ -x "$bin" ] && [ "$bin" -nt "$here/main.go" ] && [ "$bin" -nt "$here/go.mod" ] &&
   [ "$bin" -nt "$here/go.sum" ]; then
    echo "$bin"
    exit 0
fi

if ! command -v go >/dev/null 2>&1; then
    for d in /usr/local/go/bin /usr/lib/go/bin "$HOME/go/bin"; do
        if [ -x "$d/go" ]; then PATH=$PATH:$d; break; fi
    done
fi
# Exit status 3: no Go new enough here, so the tests that need the Collector
# are skipped (said in make test's summary); any other failure is a failure.
need=$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$here/go.mod")
if ! command -v go >/dev/null 2>&1; then
    echo "collector: needs Go >= $need (tests/interop/collector/go.mod) and Go is not installed; Debian 12 ships 1.19" >&2
    exit 3
fi
# GOTOOLCHAIN=local: never fetch a newer Go toolchain (a prebuilt binary)
export GOTOOLCHAIN=local
have=$(go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]; then
    echo "collector: needs Go >= $need (tests/interop/collector/go.mod), found $(command -v go) $have" >&2
    exit 3
fi

mkdir -p "$out"
echo "collector: building $bin with $(go version) (a cold build downloads ~120 MB of modules, ~4.5 min)" >&2
start=$(date +%s)
tmp=$bin.tmp.$$
trap 'rm -f "$tmp"' EXIT
cd "$here"
# -mod=mod: go.sum is completed from the proxy if an entry is missing.
GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath -ldflags="-s -w" -o "$tmp" . >&2
mv -f "$tmp" "$bin"
echo "collector: built in $(($(date +%s) - start)) s" >&2
echo "$bin"
