"""Logs against the real OpenTelemetry Collector: runs logs_driver over
http/protobuf, http/json and grpc (gzip on and off) into the Collector's
OTLP receiver and checks what its file exporter wrote, field by field:
the body of every AnyValue type, severity number and text, event name,
timestamps, attributes, trace correlation, resource and scope.

  logs_interop.py <collector-binary> <logs_driver>
"""
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

collector, driver = sys.argv[1], sys.argv[2]
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + detail))


def port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def attrs_of(kvs):
    return {a["key"]: a["value"] for a in kvs or []}


work = tempfile.mkdtemp(prefix="logs-interop-")
out = os.path.join(work, "logs.jsonl")
gp, hp = port(), port()
cfg = os.path.join(work, "config.yaml")
with open(cfg, "w") as f:
    f.write("receivers:\n  otlp:\n    protocols:\n"
            "      grpc: {endpoint: '127.0.0.1:%d'}\n      http: {endpoint: '127.0.0.1:%d'}\n" % (gp, hp) +
            "exporters:\n  file: {path: '%s', flush_interval: 100ms}\n" % out +
            "service:\n  telemetry:\n    metrics: {level: none}\n"
            "  pipelines:\n    logs: {receivers: [otlp], exporters: [file]}\n")
col = subprocess.Popen([collector, "--config", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

want_bodies = {
    "string": {"stringValue": "string body"},
    "bool": {"boolValue": True},
    "int": {"intValue": "-7"},
    "double": {"doubleValue": 2.25},
    "bytes": {"bytesValue": base64.b64encode(bytes([0xde, 0xad, 0xbe, 0xef])).decode()},
    "array": {"arrayValue": {"values": [{"intValue": "1"}, {"stringValue": "two"}, {"boolValue": True}]}},
    "map": {"kvlistValue": {"values": [
        {"key": "user", "value": {"stringValue": "ada"}},
        {"key": "nested", "value": {"kvlistValue": {"values": [{"key": "ratio", "value": {"doubleValue": 0.5}}]}}}]}},
}

try:
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", hp), timeout=0.2).close()
            socket.create_connection(("127.0.0.1", gp), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    cases = [("http_protobuf", "http/protobuf", "http://127.0.0.1:%d" % hp, "none"),
             ("http_protobuf.gzip", "http/protobuf", "http://127.0.0.1:%d" % hp, "gzip"),
             ("http_json", "http/json", "http://127.0.0.1:%d" % hp, "none"),
             ("http_json.gzip", "http/json", "http://127.0.0.1:%d" % hp, "gzip"),
             ("grpc", "grpc", "http://127.0.0.1:%d" % gp, "none"),
             ("grpc.gzip", "grpc", "http://127.0.0.1:%d" % gp, "gzip")]
    for name, proto, endpoint, comp in cases:
        offset = os.path.getsize(out) if os.path.exists(out) else 0
        # the logs variables win over the generic ones (a bad generic endpoint proves it)
        env = dict(os.environ, OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:1",
                   OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=endpoint + ("" if proto == "grpc" else "/v1/logs"),
                   OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=proto, OTEL_EXPORTER_OTLP_LOGS_COMPRESSION=comp)
        t0 = time.time_ns()
        r = subprocess.run([driver], env=env, capture_output=True, text=True, timeout=60)
        check("logs.%s driver" % name, r.returncode == 0, r.stdout + r.stderr)
        recs = []
        scopes = []
        for _ in range(50):
            if os.path.exists(out) and os.path.getsize(out) > offset:
                time.sleep(0.3)
                break
            time.sleep(0.1)
        text = ""
        if os.path.exists(out):
            with open(out) as f:
                f.seek(offset)
                text = f.read()
        resource = {}
        for line in text.splitlines():
            for rl in json.loads(line)["resourceLogs"]:
                ra = attrs_of(rl["resource"].get("attributes"))
                if ra.get("service.name", {}).get("stringValue") != "logs-interop":
                    continue
                resource = ra
                for sl in rl["scopeLogs"]:
                    scopes.append((sl["scope"], sl.get("schemaUrl")))
                    recs.extend(sl["logRecords"])
        p = "logs.%s " % name
        check(p + "every record arrived", len(recs) == 8, "%d records" % len(recs))
        if len(recs) != 8:
            continue
        check(p + "resource", resource.get("telemetry.sdk.language", {}).get("stringValue") is not None and
              resource["service.name"] == {"stringValue": "logs-interop"}, str(resource))
        sc, url = scopes[0]
        check(p + "scope", sc.get("name") == "interop.logger" and sc.get("version") == "3.1" and
              attrs_of(sc.get("attributes")) == {"interop.lib": {"stringValue": "c"}}, str(sc))
        check(p + "scope schema URL", url == "https://opentelemetry.io/schemas/1.26.0", str(url))
        by_kind = {}
        for rec in recs[:7]:
            by_kind[attrs_of(rec.get("attributes")).get("kind", {}).get("stringValue")] = rec
        for kind, body in want_bodies.items():
            rec = by_kind.get(kind, {})
            check(p + "body " + kind, rec.get("body") == body, "%s vs %s" % (rec.get("body"), body))
        first = by_kind.get("string", {})
        check(p + "timestamps", first.get("timeUnixNano") == "1700000000000000000" and
              t0 - 60 * 10**9 < int(first.get("observedTimeUnixNano", 0)) <= time.time_ns(), str(first))
        check(p + "severity number and text",
              [x.get("severityNumber") for x in recs[:7]] == [9, 10, 11, 12, 9, 10, 11] and
              first.get("severityText") == "INFO",
              str([x.get("severityNumber") for x in recs]))
        check(p + "attributes", attrs_of(first.get("attributes")) == {
            "kind": {"stringValue": "string"}, "index": {"intValue": "0"}}, str(first.get("attributes")))
        check(p + "no trace ids outside a span", not first.get("traceId") and not first.get("spanId"), str(first))
        last = recs[7]
        ids = dict(kv.split("=", 1) for kv in r.stdout.split() if "=" in kv)
        check(p + "trace correlation", last.get("traceId") == ids.get("trace_id") and
              last.get("spanId") == ids.get("span_id") and str(last.get("flags")) == ids.get("flags"), "%s vs %s" % (last, ids))
        check(p + "event name and error severity", last.get("eventName") == "interop.failure" and
              last.get("severityNumber") == 17 and last.get("severityText") == "ERROR" and
              last.get("body") == {"stringValue": "inside the span"}, str(last))
        check(p + "export counted once in the provider's stats",
              "emitted=8 exported=8 export_errors=0" in r.stdout, r.stdout)
finally:
    col.terminate()
    try:
        col.wait(timeout=10)
    except subprocess.TimeoutExpired:
        col.kill()

print("%d passed, %d failed" % (results.count(True), results.count(False)))
sys.exit(0 if all(results) else 1)
