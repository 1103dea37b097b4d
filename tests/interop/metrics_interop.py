"""Metrics against the real OpenTelemetry Collector: runs metrics_driver
over http/protobuf and grpc (gzip on and off) into the Collector's OTLP
receiver and checks what its file exporter wrote: names, units, kinds,
temporality, values per attribute set, histogram buckets, start times.

  metrics_interop.py <collector-binary> <metrics_driver>
"""
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


work = tempfile.mkdtemp(prefix="metrics-interop-")
out = os.path.join(work, "metrics.jsonl")
gp, hp = port(), port()
cfg = os.path.join(work, "config.yaml")
with open(cfg, "w") as f:
    f.write("receivers:\n  otlp:\n    protocols:\n"
            "      grpc: {endpoint: '127.0.0.1:%d'}\n      http: {endpoint: '127.0.0.1:%d'}\n" % (gp, hp) +
            "exporters:\n  file: {path: '%s', flush_interval: 100ms}\n" % out +
            "service:\n  telemetry:\n    metrics: {level: none}\n"
            "  pipelines:\n    metrics: {receivers: [otlp], exporters: [file]}\n")
col = subprocess.Popen([collector, "--config", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        # the collector keeps the file open: read what each case appends
        offset = os.path.getsize(out) if os.path.exists(out) else 0
        env = dict(os.environ, OTEL_EXPORTER_OTLP_ENDPOINT=endpoint, OTEL_EXPORTER_OTLP_PROTOCOL=proto,
                   OTEL_EXPORTER_OTLP_COMPRESSION=comp, OTEL_METRIC_EXPORT_INTERVAL="600000")
        t0 = time.time_ns()
        r = subprocess.run([driver], env=env, capture_output=True, text=True, timeout=60)
        check("metrics.%s driver" % name, r.returncode == 0, r.stdout + r.stderr)
        metrics = {}
        for _ in range(50):
            if os.path.exists(out) and os.path.getsize(out) > offset:
                time.sleep(0.2)
                break
            time.sleep(0.1)
        with open(out) as f:
            f.seek(offset)
            text = f.read()
        for line in text.splitlines():
            for rm in json.loads(line)["resourceMetrics"]:
                attrs = {a["key"]: a["value"] for a in rm["resource"]["attributes"]}
                if attrs.get("service.name", {}).get("stringValue") != "metrics-interop":
                    continue
                for sm in rm["scopeMetrics"]:
                    for m in sm["metrics"]:
                        m["scope"] = sm["scope"]
                        m["scopeSchemaUrl"] = sm.get("schemaUrl")
                        metrics[m["name"]] = m
        p = "metrics.%s " % name
        want = {"interop.requests", "interop.latency", "interop.temperature", "interop.connections"}
        check(p + "every metric arrived", set(metrics) == want, str(sorted(metrics)))
        if set(metrics) != want:
            continue
        req = metrics["interop.requests"]
        check(p + "scope", req["scope"] == {"name": "interop.meter", "version": "2.0", "attributes": [
            {"key": "interop.lib", "value": {"stringValue": "c"}}]}, str(req["scope"]))
        check(p + "scope schema URL", req["scopeSchemaUrl"] == "https://opentelemetry.io/schemas/1.26.0",
              str(req["scopeSchemaUrl"]))
        check(p + "counter unit and description",
              req["unit"] == "{request}" and req["description"] == "requests served")
        s = req["sum"]
        check(p + "counter is a monotonic cumulative sum",
              s.get("isMonotonic") is True and s["aggregationTemporality"] == 2, str(s))
        by = {}
        for dp in s["dataPoints"]:
            a = {x["key"]: list(x["value"].values())[0] for x in dp["attributes"]}
            by[(a["method"], a["status"])] = dp
        check(p + "one point per attribute set with its value",
              by.get(("GET", "200"), {}).get("asInt") == "5" and by.get(("POST", "201"), {}).get("asInt") == "2",
              str(by))
        dp = by.get(("GET", "200"), {})
        start, end = int(dp.get("startTimeUnixNano", 0)), int(dp.get("timeUnixNano", 0))
        check(p + "start and end times", t0 - 60 * 10**9 < start <= end <= time.time_ns(), "%d %d" % (start, end))
        h = metrics["interop.latency"]["histogram"]["dataPoints"][0]
        ids = dict(kv.split("=", 1) for kv in r.stdout.split() if kv.startswith("exemplar_"))
        ex = (h.get("exemplars") or [{}])[0]
        check(p + "exemplar with the span's ids",
              ex.get("asDouble") == 400 and ex.get("traceId") == ids.get("exemplar_trace") and
              ex.get("spanId") == ids.get("exemplar_span"), "%s vs %s" % (ex, ids))
        check(p + "export counted in the provider's stats",
              "export_batches=1 export_errors=0" in r.stdout, r.stdout)
        check(p + "histogram count, sum, min, max",
              h["count"] == "5" and h["sum"] == 502 and h["min"] == 3 and h["max"] == 400, str(h))
        check(p + "histogram buckets",
              h["explicitBounds"][:4] == [0, 5, 10, 25] and
              [int(x) for x in h["bucketCounts"]] == [0, 1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0],
              str(h.get("bucketCounts")))
        gauge = metrics["interop.temperature"]["gauge"]["dataPoints"][0]
        check(p + "gauge", gauge.get("asDouble") == 21.5, str(gauge))
        conns = metrics["interop.connections"]["sum"]
        check(p + "observable up-down counter",
              conns.get("isMonotonic") is not True and conns["dataPoints"][0].get("asInt") == "7" and
              conns["dataPoints"][0]["attributes"][0]["value"] == {"stringValue": "db"}, str(conns))
    # two exports (a flush, then shutdown) in each temporality, a second
    # stream by method only, exemplars with the attributes it filtered out
    for pref in ("cumulative", "delta"):
        offset = os.path.getsize(out)
        env = dict(os.environ, OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:%d" % hp,
                   OTEL_EXPORTER_OTLP_PROTOCOL="http/protobuf", OTEL_METRIC_EXPORT_INTERVAL="600000",
                   OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=pref,
                   OTEL_METRICS_EXEMPLAR_FILTER="always_on", DRIVER_TWO_EXPORTS="1")
        r = subprocess.run([driver], env=env, capture_output=True, text=True, timeout=60)
        p = "metrics.two_exports.%s " % pref
        check(p + "driver", r.returncode == 0, r.stdout + r.stderr)
        exports = []
        for _ in range(50):
            with open(out) as f:
                f.seek(offset)
                # whole lines only: the collector may be writing the next
                lines = [ln for ln in f.read().split("\n")[:-1] if '"metrics-interop"' in ln]
            if len(lines) >= 2:
                break
            time.sleep(0.1)
        for line in lines:
            found = {}
            for rm in json.loads(line)["resourceMetrics"]:
                for sm in rm["scopeMetrics"]:
                    for m in sm["metrics"]:
                        found[m["name"]] = m
            exports.append(found)
        check(p + "two exports", len(exports) == 2, str(len(exports)))
        if len(exports) != 2:
            continue

        def get_point(e, name="interop.requests"):
            for dp in e.get(name, {}).get("sum", {}).get("dataPoints", []):
                if {"key": "method", "value": {"stringValue": "GET"}} in dp["attributes"]:
                    return dp
            return {}

        first, second = get_point(exports[0]), get_point(exports[1])
        want = "3" if pref == "delta" else "8"
        check(p + "second value", second.get("asInt") == want, str(second))
        temporality = 1 if pref == "delta" else 2
        check(p + "temporality", exports[1]["interop.requests"]["sum"]["aggregationTemporality"] == temporality)
        if pref == "delta":  # the second period starts where the first ended
            ok = second.get("startTimeUnixNano") == first.get("timeUnixNano")
        else:  # one start for every export
            ok = second.get("startTimeUnixNano") == first.get("startTimeUnixNano")
        check(p + "start times", ok and int(second["timeUnixNano"]) > int(first["timeUnixNano"]),
              "%s / %s" % (first, second))
        h2 = exports[1]["interop.latency"]["histogram"]["dataPoints"][0]
        if pref == "delta":  # the period's own count, sum, min and max
            ok = h2["count"] == "1" and h2["sum"] == 30 and h2["min"] == 30 and h2["max"] == 30
        else:
            ok = h2["count"] == "6" and h2["sum"] == 532 and h2["min"] == 3 and h2["max"] == 400
        check(p + "histogram of the second export", ok, str(h2))
        by = exports[0].get("interop.requests.by_method", {}).get("sum", {}).get("dataPoints", [])
        vals = {dp["attributes"][0]["value"]["stringValue"]: dp.get("asInt") for dp in by}
        check(p + "a second stream by method only (a view)",
              vals == {"GET": "5", "POST": "2"} and all(len(dp["attributes"]) == 1 for dp in by), str(by))
        ex = [e for dp in by for e in dp.get("exemplars", [])]
        check(p + "its exemplars keep the filtered attribute",
              ex and all(any(a["key"] == "status" for a in e.get("filteredAttributes", [])) for e in ex),
              str(ex))
    # base-2 exponential histograms, as the receiver sees them
    offset = os.path.getsize(out) if os.path.exists(out) else 0
    env = dict(os.environ, OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:%d" % hp,
               OTEL_EXPORTER_OTLP_PROTOCOL="http/json",
               OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION="base2_exponential_bucket_histogram",
               OTEL_METRIC_EXPORT_INTERVAL="600000")
    r = subprocess.run([driver], env=env, capture_output=True, text=True, timeout=60)
    check("metrics.exponential driver", r.returncode == 0, r.stdout + r.stderr)
    for _ in range(50):
        if os.path.getsize(out) > offset:
            time.sleep(0.2)
            break
        time.sleep(0.1)
    with open(out) as f:
        f.seek(offset)
        text = f.read()
    eh = None
    for line in text.splitlines():
        for rm in json.loads(line)["resourceMetrics"]:
            for sm in rm["scopeMetrics"]:
                for m in sm["metrics"]:
                    if m["name"] == "interop.latency":
                        eh = m.get("exponentialHistogram")
    dp = (eh or {}).get("dataPoints", [{}])[0]
    counts = [int(c) for c in dp.get("positive", {}).get("bucketCounts", [])]
    check("metrics.exponential histogram arrives with its buckets (OTLP/JSON)",
          eh is not None and dp.get("count") == "5" and dp.get("sum") == 502 and sum(counts) == 5
          and len(counts) <= 160 and "scale" in dp, str(eh))
    # a dead endpoint: retried, dropped, counted, and the error kept
    dead = port()
    env = dict(os.environ, OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:%d" % dead,
               OTEL_METRIC_EXPORT_INTERVAL="600000", OTEL_METRIC_EXPORT_TIMEOUT="2000")
    r = subprocess.run([driver], env=env, capture_output=True, text=True, timeout=60)
    check("metrics.dead endpoint: counted, never hangs",
          "export_errors=1" in r.stdout and "last_error=metrics:" in r.stdout and
          "127.0.0.1:%d" % dead in r.stdout, r.stdout + r.stderr)
    # the console exporter prints what it would send
    env = dict(os.environ, OTEL_METRICS_EXPORTER="console", OTEL_METRIC_EXPORT_INTERVAL="600000")
    r = subprocess.run([driver], env=env, capture_output=True, text=True, timeout=60)
    check("metrics.console prints every metric",
          r.returncode == 0 and "metric interop.requests [SUM monotonic] scope=interop.meter" in r.stdout
          and 'method="GET", status=200} 5' in r.stdout and "interop.latency [HISTOGRAM]" in r.stdout
          and "count=5 sum=502" in r.stdout, r.stdout + r.stderr)
finally:
    col.terminate()
    col.wait(10)
print("metrics: %d passed, %d failed" % (results.count(True), results.count(False)))
sys.exit(0 if all(results) else 1)
