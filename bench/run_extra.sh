#!/usr/bin/env bash
# OTLP benchmarks that need a running OpenTelemetry Collector (make bench
# calls this when it exists): starts the Collector built by
# tests/interop/collector/build.sh on loopback with OTLP receivers and the
# debug exporter (it keeps up, so what is measured is this SDK), then runs
# bench_otlp with OTEL_BENCH_HTTP_ENDPOINT / OTEL_BENCH_GRPC_ENDPOINT set.
# Prints JSON lines. (The encode benchmarks need no collector: make bench
# runs bench_otlp itself.)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
bench=$(find "$build" -type f -name bench_otlp -perm -u+x -print 2>/dev/null | head -n1)
if [ -z "$bench" ]; then
    echo "run_extra.sh: bench_otlp is not built under $build" >&2
    exit 1
fi
collector=${OTEL_COLLECTOR_BIN:-}
if [ -z "$collector" ] && [ -x "$root/tests/interop/collector/build.sh" ]; then
    collector=$("$root/tests/interop/collector/build.sh" | tail -n1)
fi
if [ -z "$collector" ] || [ ! -x "$collector" ]; then
    echo "run_extra.sh: no collector; end-to-end benchmarks skipped" >&2
    exit 0
fi
work=$(mktemp -d /tmp/otlp-bench.XXXXXX)
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
gp=$(port)
hp=$(port)
cat > "$work/config.yaml" <<YAML
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:$gp
      http:
        endpoint: 127.0.0.1:$hp
exporters:
  debug:
    verbosity: basic
service:
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [debug]
YAML
"$collector" --config "$work/config.yaml" >"$work/collector.log" 2>&1 &
cpid=$!
cleanup() { kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$hp") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$gp") 2>/dev/null; then
        break
    fi
    sleep 0.1
done
OTEL_BENCH_HTTP_ENDPOINT="http://127.0.0.1:$hp/v1/traces" \
OTEL_BENCH_GRPC_ENDPOINT="http://127.0.0.1:$gp" "$bench" e2e
