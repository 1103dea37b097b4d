"""Python span benchmarks, side by side in one process (JSON lines, ns/op).

  python.span.otel_core.attrs{0,3}        otel_core's own API
  python.span.api_dropin.attrs{0,3}        opentelemetry-api's tracer on otel_core's provider
  python.span.opentelemetry_sdk.attrs{0,3} opentelemetry-sdk, BatchSpanProcessor +
                                           OTLP/HTTP exporter
      each: span start + end, tracer.start_span(name, attributes=...).end()
  python.span_current.{otel_core,api_dropin,opentelemetry_sdk}.attrs{0,3}
      the same three with `with tracer.start_as_current_span(...)`: start,
      made current (and current in C), end: what instrumentation does
  python.counter.{otel_core,api_dropin,opentelemetry_sdk}.attrs3
                                         counter add with 3 attributes
  python.log.handler.{otel_core,opentelemetry_sdk}
      logger.info("request %s took %d ms", path, ms) through each SDK's
      logging.Handler (otel_core.LoggingHandler; opentelemetry-sdk's
      LoggingHandler), batch processors, OTLP/HTTP to the same sink
Each line has `ratio`: opentelemetry-sdk's time for the same workload and
attribute count divided by this one's.
Spans are sampled and exported for real by both SDKs (batch processors,
OTLP/HTTP protobuf) to a local sink in a child process that answers 200,
so neither side's exporter is stuck in retries; best of 5 rounds."""
import json
import os
import sys
import time

SINK = r"""
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_port, flush=True)
s.serve_forever()
"""


def start_sink():
    """An OTLP/HTTP endpoint on loopback that accepts and discards; ended
    when this process exits, however it exits (an orphan would hold the
    caller's pipes open)."""
    import atexit
    import subprocess
    proc = subprocess.Popen([sys.executable, "-c", SINK], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    atexit.register(proc.kill)
    port = int(proc.stdout.readline())
    return proc, "http://127.0.0.1:%d" % port


sink, endpoint = start_sink()
os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint
os.environ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf"
os.environ["OTEL_SDK_DISABLED"] = "false"

import otel_core  # noqa: E402
from opentelemetry import trace  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider as SdkProvider  # noqa: E402
from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: E402
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: E402
from opentelemetry.sdk.metrics import MeterProvider as SdkMeterProvider  # noqa: E402
from opentelemetry.sdk.metrics.export import InMemoryMetricReader  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
ATTRS = {"http.request.method": "GET", "http.response.status_code": 200, "cache.hit": True}


def best(fn, n=N, rounds=5):
    out = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter_ns()
        fn(n)
        out = min(out, (time.perf_counter_ns() - t0) / n)
    return out


def start_end(tracer, attrs):
    def run(n):
        for _ in range(n):
            tracer.start_span("op", attributes=attrs).end()
    return run


def as_current(tracer, attrs):
    def run(n):
        for _ in range(n):
            with tracer.start_as_current_span("op", attributes=attrs):
                pass
    return run


def main():
    core = otel_core.TracerProvider(traces_sampler="always_on", bsp_max_queue_size=8192)
    sdk = SdkProvider()
    sdk.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(timeout=5), max_queue_size=8192))
    results = {}
    def measure(fn):
        # each SDK's export thread finishes its backlog before the next
        # measurement starts (opentelemetry-sdk's would otherwise take the
        # GIL from whatever runs after it)
        ns = best(fn)
        sdk.force_flush(30000)
        core.force_flush(30000)
        return ns

    for workload, make in (("python.span.", start_end), ("python.span_current.", as_current)):
        for n_attrs, attrs in (("attrs0", None), ("attrs3", ATTRS)):
            results[workload + "otel_core." + n_attrs] = measure(make(core.get_tracer("bench"), attrs))
            results[workload + "api_dropin." + n_attrs] = measure(
                make(trace.get_tracer("bench.api", tracer_provider=core), attrs))
            results[workload + "opentelemetry_sdk." + n_attrs] = measure(
                make(sdk.get_tracer("bench"), attrs))
    for name, ns in results.items():
        _, workload, _, n_attrs = name.split(".")
        sdk_ns = results["python.%s.opentelemetry_sdk.%s" % (workload, n_attrs)]
        print(json.dumps({"name": name, "value": round(ns, 1), "unit": "ns/op", "threads": 1,
                          "ratio": round(sdk_ns / ns, 2)}))
    cmp = otel_core.MeterProvider(exporter="memory")
    smp = SdkMeterProvider(metric_readers=[InMemoryMetricReader()])

    def adds(counter):
        def run(n):
            for _ in range(n):
                counter.add(1, ATTRS)
        return run

    from opentelemetry import metrics
    counters = {
        "python.counter.otel_core.attrs3": cmp.get_meter("bench").create_counter("c"),
        # what instrumentation gets from the API with otel_core's provider
        "python.counter.api_dropin.attrs3": metrics.get_meter("bench.api", meter_provider=cmp)
        .create_counter("c"),
        "python.counter.opentelemetry_sdk.attrs3": smp.get_meter("bench").create_counter("c"),
    }
    cres = {name: best(adds(c)) for name, c in counters.items()}
    sdk_c = cres["python.counter.opentelemetry_sdk.attrs3"]
    for name, ns in cres.items():
        print(json.dumps({"name": name, "value": round(ns, 1), "unit": "ns/op", "threads": 1,
                          "ratio": round(sdk_c / ns, 2)}))
    log_results(measure)
    sys.stdout.flush()
    core.shutdown(1000)
    sdk.shutdown()
    sink.terminate()
    sink.wait(5)


def log_results(measure):
    import logging
    from opentelemetry.sdk._logs import LoggerProvider as SdkLoggerProvider, LoggingHandler as SdkHandler
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    core_lp = otel_core.LoggerProvider(blrp_max_queue_size=8192)
    sdk_lp = SdkLoggerProvider()
    sdk_lp.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter(timeout=5), max_queue_size=8192))
    loggers = {}
    for name, handler in (("otel_core", otel_core.LoggingHandler(logger_provider=core_lp)),
                          ("opentelemetry_sdk", SdkHandler(logger_provider=sdk_lp))):
        lg = logging.getLogger("bench.log." + name)
        lg.propagate = False
        lg.setLevel(logging.INFO)
        lg.addHandler(handler)
        loggers[name] = lg

    def logs(lg):
        def run(n):
            for i in range(n):
                lg.info("request %s took %d ms", "/api/items", i)
        return run

    res = {}
    for name, lg in loggers.items():
        res[name] = measure(logs(lg))
        core_lp.force_flush(30000)
        sdk_lp.force_flush(30000)
    for name, ns in res.items():
        print(json.dumps({"name": "python.log.handler." + name, "value": round(ns, 1), "unit": "ns/op",
                          "threads": 1, "ratio": round(res["opentelemetry_sdk"] / ns, 2)}))
    core_lp.shutdown(1000)
    sdk_lp.shutdown()


if __name__ == "__main__":
    main()
