#!/usr/bin/env bash
# `make test`: the Go binding (bindings/go). Builds it against this tree's
# library through pkg-config (BUILD_DIR/otel_core-uninstalled.pc), vets it,
# runs `go test -race ./...` (the otelhttp test against the real Collector
# from tests/interop/collector), the same again with GOEXPERIMENT=cgocheck2
# (no Go pointer kept by C), and builds the examples. Go's module and build
# caches live under BUILD_DIR/go so CI can cache them. Ends with
# "N passed, N failed" (one per Go test, vet and example build).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
passed=0 failed=0
fail() { echo "go: $1"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }

if ! command -v go >/dev/null 2>&1; then
    for d in /usr/local/go/bin /usr/lib/go/bin "$HOME/go/bin"; do
        if [ -x "$d/go" ]; then PATH=$PATH:$d; break; fi
    done
fi
command -v go >/dev/null 2>&1 || fail "Go is not installed (/usr/local/go/bin/go)"
[ -f "$build/otel_core-uninstalled.pc" ] || fail "$build/otel_core-uninstalled.pc is missing (run make build)"
command -v pkg-config >/dev/null 2>&1 || fail "pkg-config is not installed"

# The Collector builds with Go's default caches (its own script); ours go
# under the build directory.
collector=${OTEL_COLLECTOR_BIN:-$("$root/tests/interop/collector/build.sh" | tail -n1)}
[ -x "$collector" ] || fail "no collector binary"

export GOCACHE=$build/go/cache GOMODCACHE=$build/go/mod GOFLAGS="-modcacherw -mod=readonly"
export PKG_CONFIG_PATH=$build${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH} GOTOOLCHAIN=local
export OTELCORE_COLLECTOR=$collector OTELCORE_REQUIRE_COLLECTOR=1
export OTEL_TRACES_EXPORTER=none OTEL_METRICS_EXPORTER=none # tests choose their exporters
cd "$root/bindings/go"
echo "go: $(go version), library $(pkg-config --modversion otel_core) from $build"

count() { # adds one go test -json stream's test results
    local r
    r=$(python3 -c '
import json, sys
p = f = 0
for line in open(sys.argv[1]):
    try: e = json.loads(line)
    except ValueError: continue
    if e.get("Action") == "output" and e.get("Test") is None and "FAIL" in e.get("Output", ""):
        sys.stderr.write(e["Output"])
    if "Test" not in e: 
        if e.get("Action") == "fail": f += 1  # a package that did not build or run
        continue
    if e.get("Action") == "pass": p += 1
    elif e.get("Action") in ("fail", "skip"): f += 1; print("FAILED/SKIPPED:", e["Test"], file=sys.stderr)
print(p, f)' "$1")
    passed=$((passed + ${r% *}))
    failed=$((failed + ${r#* }))
}

step() { # name command...: one result
    local name=$1; shift
    if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
step "go vet" go vet ./...
go test -race -count=1 -json ./... >"$log" 2>&1
count "$log"
echo "go: after go test -race: $passed passed, $failed failed"
GOEXPERIMENT=cgocheck2 go test -count=1 -json ./... >"$log" 2>&1
count "$log"
echo "go: after GOEXPERIMENT=cgocheck2: $passed passed, $failed failed"
if [ -d examples ]; then
    for ex in examples/*/; do
        step "build ${ex%/}" go build -o /dev/null "./$ex"
    done
fi
readme_quickstart() { # the README's Go block is examples/quickstart, which was just built
    python3 - "$root/README.md" examples/quickstart/main.go <<'PY'
import sys
text = open(sys.argv[1]).read()
block = text.split("\n## Go\n", 1)[1].split("```go\n", 1)[1].split("```", 1)[0]
sys.exit(0 if block == open(sys.argv[2]).read() else 1)
PY
}
step "README Go quickstart is examples/quickstart" readme_quickstart
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
step "examples/httpserver serves and shuts down" env EXAMPLE_ONESHOT=1 EXAMPLE_ADDR=127.0.0.1:$port go run ./examples/httpserver
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
