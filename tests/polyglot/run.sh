#!/usr/bin/env bash
# `make test`: runs examples/polyglot (C hosting Python, Lua and Ruby)
# against the real OpenTelemetry Collector over OTLP/HTTP and checks what
# the Collector wrote (check.py). Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
fail() { echo "polyglot: $1"; echo "0 passed, 1 failed"; exit 1; }
[ -x "$build/examples/polyglot" ] || fail "$build/examples/polyglot was not built (python3-dev, liblua5.4-dev, ruby-dev?)"
collector=${OTEL_COLLECTOR_BIN:-}
if [ -z "$collector" ]; then
    log=$(mktemp)
    collector=$("$root/tests/interop/collector/build.sh" 2>"$log" | tail -n1)
    if [ "${PIPESTATUS[0]}" -eq 3 ]; then
        echo "SKIP polyglot: not run against the Collector: $(tail -n1 "$log")"
        rm -f "$log"; echo "0 passed, 0 failed"; exit 0
    fi
    cat "$log" >&2; rm -f "$log"
fi
[ -x "$collector" ] || fail "no collector"
. "$root/scripts/polyglot-env.sh"
work=$(mktemp -d /tmp/polyglot.XXXXXX)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
cat >"$work/config.yaml" <<YAML
receivers:
  otlp:
    protocols:
      http: {endpoint: "127.0.0.1:$port"}
exporters:
  file: {path: "$work/out.jsonl", flush_interval: 100ms}
  file/metrics: {path: "$work/metrics.jsonl", flush_interval: 100ms}
service:
  telemetry:
    metrics: {level: none}
  pipelines:
    traces: {receivers: [otlp], exporters: [file]}
    metrics: {receivers: [otlp], exporters: [file/metrics]}
YAML
"$collector" --config "$work/config.yaml" >"$work/collector.log" 2>&1 &
cpid=$!
trap 'kill $cpid 2>/dev/null; wait $cpid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$port" "$build/examples/polyglot" || fail "the polyglot program failed"
for _ in $(seq 1 50); do [ -s "$work/out.jsonl" ] && break; sleep 0.1; done
sleep 0.3 # the file exporter flushes every 100 ms
python3 "$root/tests/polyglot/check.py" "$work/out.jsonl" "$work/metrics.jsonl"
