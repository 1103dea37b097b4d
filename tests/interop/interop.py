#!/usr/bin/env python3
"""Interop tests: the OTLP exporter against a real OpenTelemetry Collector.

    interop.py COLLECTOR_BINARY DRIVER

Starts the Collector on loopback with OTLP receivers (grpc and http; plain,
TLS, and mutual TLS with certificates generated here) feeding its file
exporter, runs tests/interop/otlp_driver once per combination of protocol
(http/protobuf, http/json, grpc), security and compression, and compares what
the Collector wrote with what was sent (check_collector.py). The Collector
has traces, metrics and logs pipelines into the one file exporter; a last test
posts a gauge and a log record as OTLP/JSON and checks that the file exporter
writes those back intact as well. Ends with
"interop: N passed, N failed"; exits non-zero on any failure.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, proc, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def collector_config(ports, certs, out):
    def tls(mtls):
        t = "        tls:\n          cert_file: %s\n          key_file: %s\n" % (
            os.path.join(certs, "server.pem"), os.path.join(certs, "server.key"))
        if mtls:
            t += "          client_ca_file: %s\n" % os.path.join(certs, "ca.pem")
        return t

    def receiver(name, sec):
        r = "  otlp/%s:\n    protocols:\n" % name
        r += "      grpc:\n        endpoint: 127.0.0.1:%d\n" % ports[name]["grpc"]
        if sec:
            r += tls(sec == "mtls")
        r += "      http:\n        endpoint: 127.0.0.1:%d\n" % ports[name]["http"]
        if sec:
            r += tls(sec == "mtls")
        return r

    return ("receivers:\n" + receiver("plain", None) + receiver("tls", "tls") + receiver("mtls", "mtls") +
            "exporters:\n  file:\n    path: %s\n    flush_interval: 100ms\n" % out +
            "service:\n  telemetry:\n    metrics:\n      level: none\n"
            "  pipelines:\n" +
            "".join("    %s:\n      receivers: [otlp/plain, otlp/tls, otlp/mtls]\n"
                    "      exporters: [file]\n" % signal for signal in ("traces", "metrics", "logs")))


def post_json(port, path, body):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status


def check_metrics_and_logs(port, out):
    """The file exporter writes metrics and logs too (one shared file, one
    OTLP/JSON request per line): posts one gauge and one log record as
    OTLP/JSON and waits for both to come back intact. Returns "" or what
    went wrong."""
    service = "interop-file-metrics-logs"
    resource = {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]}
    t = 1700000000123456789
    metrics = {"resourceMetrics": [{"resource": resource, "scopeMetrics": [{
        "scope": {"name": "interop.scope"},
        "metrics": [{"name": "interop.gauge", "unit": "1", "gauge": {"dataPoints": [
            {"timeUnixNano": str(t), "asInt": "42",
             "attributes": [{"key": "k", "value": {"stringValue": "v"}}]}]}}]}]}]}
    logs = {"resourceLogs": [{"resource": resource, "scopeLogs": [{
        "scope": {"name": "interop.scope"},
        "logRecords": [{"timeUnixNano": str(t), "severityNumber": 17, "severityText": "ERROR",
                        "body": {"stringValue": "interop log \u00fc"},
                        "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174"}]}]}]}
    try:
        for path, body in (("/v1/metrics", metrics), ("/v1/logs", logs)):
            status = post_json(port, path, body)
            if status != 200:
                return "%s answered %d" % (path, status)
    except (OSError, urllib.error.URLError) as e:
        return "post: %s" % e
    end = time.monotonic() + 15
    got_metric = got_log = None
    while time.monotonic() < end and (got_metric is None or got_log is None):
        lines = open(out).readlines() if os.path.exists(out) else []
        for line in lines:
            if service not in line or not line.endswith("\n"):
                continue
            req = json.loads(line)
            for rm in req.get("resourceMetrics", []):
                for sm in rm.get("scopeMetrics", []):
                    got_metric = sm.get("metrics", [None])[0]
            for rl in req.get("resourceLogs", []):
                for sl in rl.get("scopeLogs", []):
                    got_log = sl.get("logRecords", [None])[0]
        time.sleep(0.1)
    want_metric = metrics["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0]
    want_log = logs["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]
    problems = []
    if got_metric != want_metric:
        problems.append("metric: got %r, want %r" % (got_metric, want_metric))
    if got_log != want_log:
        problems.append("log: got %r, want %r" % (got_log, want_log))
    return "; ".join(problems)


def main():
    collector, driver = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="otlp-interop-")
    certs = os.path.join(work, "certs")
    subprocess.run([os.path.join(HERE, "gen_certs.sh"), certs], check=True)
    out = os.path.join(work, "traces.jsonl")
    ports = {n: {"grpc": free_port(), "http": free_port()} for n in ("plain", "tls", "mtls")}
    cfg = os.path.join(work, "config.yaml")
    with open(cfg, "w") as f:
        f.write(collector_config(ports, certs, out))
    log = open(os.path.join(work, "collector.log"), "w")
    col = subprocess.Popen([collector, "--config", cfg], stdout=log, stderr=subprocess.STDOUT)
    passed = failed = 0
    try:
        for p in (ports["plain"]["grpc"], ports["plain"]["http"], ports["tls"]["http"], ports["mtls"]["http"]):
            if not wait_port(p, col):
                log.flush()
                print(open(os.path.join(work, "collector.log")).read()[-3000:])
                print("FAIL collector did not start")
                print("interop: 0 passed, 1 failed")
                sys.exit(1)
        combos = []
        for proto in ("http/protobuf", "http/json", "grpc"):
            for sec in ("plain", "tls", "mtls"):
                for gz in ("none", "gzip"):
                    combos.append((proto, sec, gz))
        for proto, sec, gz in combos:
            name = "%s.%s.%s" % (proto.replace("/", "_"), sec, gz)
            service = "interop-" + name
            kind = "grpc" if proto == "grpc" else "http"
            scheme = "http" if sec == "plain" else "https"
            env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
            env.update({
                "OTEL_SERVICE_NAME": service,
                "OTEL_EXPORTER_OTLP_ENDPOINT": "%s://127.0.0.1:%d" % (scheme, ports[sec][kind]),
                "OTEL_EXPORTER_OTLP_PROTOCOL": proto,
                "OTEL_EXPORTER_OTLP_COMPRESSION": gz,
                "OTEL_EXPORTER_OTLP_HEADERS": "x-interop=" + name,
            })
            if sec != "plain":
                env["OTEL_EXPORTER_OTLP_CERTIFICATE"] = os.path.join(certs, "ca.pem")
            if sec == "mtls":
                env["OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"] = os.path.join(certs, "client.pem")
                env["OTEL_EXPORTER_OTLP_CLIENT_KEY"] = os.path.join(certs, "client.key")
            t0 = time.monotonic()
            r = subprocess.run([driver, "fixture", "10000", "10000"], env=env, capture_output=True,
                               text=True, timeout=60)
            ok = r.returncode == 0 and '"spans_exported":3' in r.stdout
            msg = ""
            if not ok:
                msg = "driver: " + (r.stdout + r.stderr)[-1500:]
            else:
                # the file exporter flushes every 100 ms: poll until the spans are there
                end = time.monotonic() + 15
                while True:
                    c = subprocess.run([sys.executable, os.path.join(HERE, "check_collector.py"), out, service],
                                       capture_output=True, text=True)
                    if c.returncode == 0:
                        break
                    if time.monotonic() > end or "arrived 0 times" not in c.stdout:
                        ok, msg = False, c.stdout[-3000:]
                        break
                    time.sleep(0.1)
            if ok:
                passed += 1
                print("PASS interop.%s (%.1fs)" % (name, time.monotonic() - t0), flush=True)
            else:
                failed += 1
                print("FAIL interop.%s: %s" % (name, msg), flush=True)
        t0 = time.monotonic()
        msg = check_metrics_and_logs(ports["plain"]["http"], out)
        if msg:
            failed += 1
            print("FAIL interop.file_exporter.metrics_and_logs: %s" % msg, flush=True)
        else:
            passed += 1
            print("PASS interop.file_exporter.metrics_and_logs (%.1fs)" % (time.monotonic() - t0), flush=True)
    finally:
        col.terminate()
        try:
            col.wait(10)
        except subprocess.TimeoutExpired:
            col.kill()
        log.close()
        if failed:
            print("collector log: %s" % os.path.join(work, "collector.log"))
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("interop: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
