#!/usr/bin/env bash
# Runs the interop Collector in the foreground for trying things by hand:
# OTLP on 127.0.0.1:4317 (grpc) and 127.0.0.1:4318 (http), every signal
# printed by the debug exporter and appended as OTLP/JSON lines to
# received.jsonl beside the binary (build/collector/). Ctrl-C stops it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$("$here/build.sh" | tail -n1)
out=$(dirname "$bin")/received.jsonl
cfg=$(mktemp /tmp/otelcol-serve.XXXXXX.yaml)
trap 'rm -f "$cfg"' EXIT
cat >"$cfg" <<YAML
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:4317"}
      http: {endpoint: "127.0.0.1:4318"}
exporters:
  debug: {verbosity: detailed}
  file: {path: "$out"}
service:
  telemetry:
    metrics: {level: none}
  pipelines:
    traces: {receivers: [otlp], exporters: [debug, file]}
    metrics: {receivers: [otlp], exporters: [debug, file]}
    logs: {receivers: [otlp], exporters: [debug, file]}
YAML
echo "collector: OTLP on 127.0.0.1:4317 (grpc) and :4318 (http); writing $out" >&2
"$bin" --config "$cfg"
