#!/usr/bin/env python3
"""Fault tests: the OTLP exporter against tests/faults/fake_server.py.

    run_faults.py DRIVER [only-this-case ...]

DRIVER is the built tests/interop/otlp_driver. Each case starts a fake
server on loopback, runs the driver with OTEL_EXPORTER_OTLP_* pointing at it,
and checks the driver's stats and the server's log. Ends with the line
"faults: N passed, N failed"; exits non-zero on any failure.
"""
import base64
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "topsecretvalue42"
# credentials the echo cases send and look for (unusual prefixes: a prefix of
# four characters must not occur by chance in a log line)
TOKEN = "tok7Zq9XvB2mK4pL8wR1"
USER, PASSWORD = "u7kd", "pw3Jx8Qz5Tn2Lk7V"
BASIC = base64.b64encode((USER + ":" + PASSWORD).encode()).decode()
CREDS = {
    "bearer": {"OTEL_EXPORTER_OTLP_HEADERS": "x-test=1,api-key=%s,authorization=Bearer%%20%s" % (SECRET, TOKEN)},
    "basic": {"userinfo": USER + ":" + PASSWORD},
}


CERTS = None


class Server:
    def __init__(self, proto, scenario, tls=None):
        self.log = tempfile.NamedTemporaryFile(prefix="otlp-fake-", suffix=".jsonl", delete=False).name
        self.p = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_server.py"), "--proto", proto,
                                   "--scenario", scenario, "--log", self.log, "--lifetime", "90"]
                                  + (["--tls", CERTS] if tls else []) + (["--mtls"] if tls == "mtls" else []),
                                  stdout=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError("fake server did not start")
        self.port = int(line.split()[1])

    def requests(self):
        with open(self.log) as f:
            return [json.loads(l) for l in f if l.strip()]

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()
        os.unlink(self.log)


def run_driver(driver, proto, port, extra_env=None, args=("fixture", "10000", "10000"), timeout=60,
               scheme="http", userinfo=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env.update({
        "OTEL_EXPORTER_OTLP_ENDPOINT": "%s://%s127.0.0.1:%d" % (scheme, userinfo + "@" if userinfo else "", port),
        "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc" if proto == "grpc" else "http/protobuf",
        "OTEL_EXPORTER_OTLP_HEADERS": "x-test=1,api-key=" + SECRET,
        "OTEL_CORE_EXPORTER_OTLP_RETRY_INITIAL_BACKOFF": "50",
        "OTEL_CORE_EXPORTER_OTLP_RETRY_MAX_BACKOFF": "200",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
        "OTEL_LOG_LEVEL": "debug",
    })
    env.update(extra_env or {})
    t0 = time.monotonic()
    r = subprocess.run([driver] + list(args), env=env, capture_output=True, text=True, timeout=timeout)
    wall = time.monotonic() - t0
    out = [l for l in r.stdout.splitlines() if l.startswith("{")]
    if r.returncode != 0 or not out:
        raise AssertionError("driver failed (rc %d): %s %s" % (r.returncode, r.stdout, r.stderr[-2000:]))
    res = json.loads(out[-1])
    res["wall"] = wall
    res["stderr"] = r.stderr
    balanced(res["stats"])
    return res


DROPPED = ("dropped_queue_full", "dropped_export_failed", "dropped_shutdown", "dropped_too_large",
           "dropped_rejected")


def balanced(st):
    """After any shutdown, timed out or not, every ended span is exported or
    dropped for one counted reason, and nothing is left queued."""
    if "spans_ended" not in st:
        return
    accounted = st["spans_exported"] + sum(st[k] for k in DROPPED)
    check(accounted == st["spans_ended"] and st["spans_queued"] == 0,
          "stats do not add up: ended %d, exported %d, %s, queued %d"
          % (st["spans_ended"], st["spans_exported"], ", ".join("%s %d" % (k, st[k]) for k in DROPPED),
             st["spans_queued"]))


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def no_secret(res):
    check(SECRET not in res["stats"]["last_error"], "secret in last_error")
    check(SECRET not in res["stderr"], "secret in a log line")


def no_secret_prefix(res, what):
    """Neither the log lines nor the stats JSON (last_error included) hold a
    credential or its first four characters or more."""
    texts = {"log": res["stderr"], "stats": json.dumps(res["stats"])}
    for where, text in texts.items():
        for sec in (SECRET, TOKEN, PASSWORD, BASIC, USER + ":" + PASSWORD):
            for k in range(4, len(sec) + 1):
                if sec[:k] in text:
                    at = text.index(sec[:k])
                    raise AssertionError("%s: %d characters of a secret in the %s: ...%r..."
                                         % (what, k, where, text[max(0, at - 60):at + k + 5]))


def run_echo(driver, proto, via, creds, pads):
    """One server quoting the credentials it receives through `via`, moved
    across the cuts by `pads` (consecutive paddings, one request each)."""
    s = Server(proto, "echo:%s:%d" % (via, pads[0]))
    try:
        env = dict(CREDS[creds])
        userinfo = env.pop("userinfo", None)
        for pad in pads:
            res = run_driver(driver, proto, s.port, env, userinfo=userinfo)
            what = "%s via %s, %s credentials, padding %d" % (proto, via, creds, pad)
            no_secret_prefix(res, what)
            seen = res["stderr"] + res["stats"]["last_error"]
            # the quote arrived (so the check above saw something to hide)
            check("qqq" in seen or pad == 0, "%s: the server's text never arrived" % what)
            if pad == 0:
                check("[REDACTED]" in seen and "rejected" in seen, "%s: nothing redacted: %r" % (what, seen[-600:]))
        check(len(s.requests()) == len(pads), "%d requests for %d runs" % (len(s.requests()), len(pads)))
    finally:
        s.stop()


def echoed_every_way(proto, vias):
    def f(d, s):
        for via in vias:
            for creds in CREDS:
                run_echo(d, proto, via, creds, [0])
    return f


def echoed_across_cuts(proto, via, prefix_len):
    """Paddings that put the first quoted secret (the token) across the cut
    of the server's text (255) and across the cut of last_error (255), which
    begins `prefix_len` characters before the server's text."""
    def f(d, s):
        n = len(TOKEN)
        for cut in (255, 255 - prefix_len):
            run_echo(d, proto, via, "bearer", list(range(cut - n - 4, cut + 4)))
    return f


def gaps(reqs):
    return [b["t"] - a["t"] for a, b in zip(reqs, reqs[1:])]


# ---- cases: (name, proto, scenario, fn(driver, server)) ----------------------

def ok(proto):
    def f(d, s):
        res = run_driver(d, proto, s.port)
        st = res["stats"]
        check(st["spans_exported"] == 3, "exported %r" % st["spans_exported"])
        reqs = s.requests()
        check(len(reqs) == 1, "%d requests" % len(reqs))
        h = reqs[0]["headers"]
        check(h.get("user-agent", "").startswith("OTel-OTLP-Exporter-C/"), "user-agent %r" % h)
        check(h.get("x-test") == "1", "custom header missing")
        if proto == "grpc":
            check(reqs[0]["path"] == "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
                  "path %r" % reqs[0]["path"])
            check(h.get("content-type") == "application/grpc", "content-type %r" % h)
            check(h.get("te") == "trailers", "te %r" % h)
            check(h.get("grpc-timeout", "").endswith("m"), "grpc-timeout %r" % h)
        else:
            check(reqs[0]["path"] == "/v1/traces", "path %r" % reqs[0]["path"])
            check(h.get("content-type") == "application/x-protobuf", "content-type %r" % h)
    return f


def retried_then_ok(proto, n_retries, min_gap=0.0):
    def f(d, s):
        res = run_driver(d, proto, s.port)
        st = res["stats"]
        check(st["spans_exported"] == 3, "exported %r (%s)" % (st["spans_exported"], st["last_error"]))
        check(st["export_retries"] == n_retries, "retries %r" % st["export_retries"])
        reqs = s.requests()
        check(len(reqs) == n_retries + 1, "%d requests" % len(reqs))
        if min_gap:
            check(gaps(reqs)[0] >= min_gap, "waited only %.3fs" % gaps(reqs)[0])
        no_secret(res)
    return f


def dropped(proto, expect_in_error, requests=1):
    def f(d, s):
        res = run_driver(d, proto, s.port)
        st = res["stats"]
        check(st["spans_exported"] == 0, "exported %r" % st["spans_exported"])
        check(st["dropped_export_failed"] == 3, "dropped %r" % st["dropped_export_failed"])
        check(st["export_retries"] == 0, "retried %r" % st["export_retries"])
        check(len(s.requests()) == requests, "%d requests" % len(s.requests()))
        for e in expect_in_error:
            check(e in st["last_error"], "%r not in last error %r" % (e, st["last_error"]))
        no_secret(res)
    return f


def blackhole(proto):
    def f(d, s):
        # a 30 s export timeout, but shutdown is bounded at 1.5 s and must
        # return about then even though the server never answers
        res = run_driver(d, proto, s.port, {"OTEL_EXPORTER_OTLP_TIMEOUT": "30000",
                                            "OTEL_BSP_EXPORT_TIMEOUT": "30000"},
                         args=("fixture", "0", "1500"))
        check(res["shutdown_ms"] < 2500, "shutdown took %d ms" % res["shutdown_ms"])
        check(res["stats"]["spans_exported"] == 0, "exported?")
        check(len(s.requests()) == 1, "%d requests" % len(s.requests()))
    return f


def partial(proto, env=None):
    def f(d, s):
        res = run_driver(d, proto, s.port, env)
        st = res["stats"]
        check(st["dropped_rejected"] == 2, "rejected %r" % st["dropped_rejected"])
        check(st["export_retries"] == 0, "retried")
        check(len(s.requests()) == 1, "%d requests" % len(s.requests()))
        check("two spans too old" in res["stderr"], "partial success not logged")
    return f


def gzip_ok(proto):
    def f(d, s):
        res = run_driver(d, proto, s.port, {"OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"})
        check(res["stats"]["spans_exported"] == 3, "exported %r" % res["stats"]["spans_exported"])
        h = s.requests()[0]["headers"]
        key = "grpc-encoding" if proto == "grpc" else "content-encoding"
        check(h.get(key) == "gzip", "%s %r" % (key, h))
    return f


def too_large(proto):
    def f(d, s):
        res = run_driver(d, proto, s.port, {"OTEL_CORE_EXPORTER_OTLP_MAX_REQUEST_BYTES": "1024"})
        st = res["stats"]
        check(st["dropped_too_large"] == 3, "too large %r" % st["dropped_too_large"])
        check(len(s.requests()) == 0, "a request was sent")
    return f


def tls_ok(proto, mtls):
    def f(d, s):
        env = {"OTEL_EXPORTER_OTLP_CERTIFICATE": os.path.join(CERTS, "ca.pem")}
        if mtls:
            env["OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"] = os.path.join(CERTS, "client.pem")
            env["OTEL_EXPORTER_OTLP_CLIENT_KEY"] = os.path.join(CERTS, "client.key")
        res = run_driver(d, proto, s.port, env, args=("minimal:1500", "10000", "10000"), scheme="https")
        st = res["stats"]
        check(st["spans_exported"] == 1500, "exported %r (%s)" % (st["spans_exported"], st["last_error"]))
        check(len(s.requests()) == 3, "%d requests" % len(s.requests()))
    return f


def tls_refused(proto, why):
    def f(d, s):
        env = {"OTEL_EXPORTER_OTLP_TIMEOUT": "1500"}
        if why != "untrusted":
            env["OTEL_EXPORTER_OTLP_CERTIFICATE"] = os.path.join(CERTS, "ca.pem")
        res = run_driver(d, proto, s.port, env, scheme="https")
        st = res["stats"]
        check(st["spans_exported"] == 0, "exported over an unverified connection")
        check(len(s.requests()) == 0, "the server saw a request")
        # the message says what to fix
        if why == "untrusted":
            want = "TLS failure with https://127.0.0.1:%d/" % s.port
            check(want in st["last_error"] and "the server's certificate is not trusted" in st["last_error"],
                  "last error %r" % st["last_error"])
        else:
            check("client certificate" in st["last_error"], "last error %r" % st["last_error"])
    return f


def dead_port():
    so = socket.socket()
    so.bind(("127.0.0.1", 0))
    port = so.getsockname()[1]
    so.close()
    return port


def refused_says_so(proto):
    """No collector: last_error says so in plain words while the retries go
    on (read after a flush that timed out), and the log lines do too."""
    def f(d, s):
        port = dead_port()
        path = ("/opentelemetry.proto.collector.trace.v1.TraceService/Export" if proto == "grpc"
                else "/v1/traces")
        url = "http://127.0.0.1:%d%s" % (port, path)
        res = run_driver(d, proto, port, {"OTEL_CORE_EXPORTER_OTLP_RETRY_INITIAL_BACKOFF": "200"},
                         args=("fixture", "700", "300"))
        during = res["flush_last_error"]
        pat = (r"otlp: cannot connect to %s: connection refused; retrying \(attempt \d+, next in "
               r"\d+(\.\d)? m?s\)$") % re.escape(url)
        check(re.match(pat, during), "last error while retrying: %r" % during)
        check("otel[info]: otlp: cannot connect to %s: connection refused; retrying (attempt 2, next in "
              % url in res["stderr"], "log: %r" % res["stderr"][-800:])
        check(res["stats"]["last_error"].startswith("otlp: cannot connect to %s: connection refused" % url),
              "last error %r" % res["stats"]["last_error"])
    return f


def reconnect(proto):
    def f(d, s):
        # 2000 spans: 4 batches; the server closes the connection after each
        res = run_driver(d, proto, s.port, args=("minimal:2000", "10000", "10000"))
        st = res["stats"]
        check(st["spans_exported"] == 2000, "exported %r (%s)" % (st["spans_exported"], st["last_error"]))
        check(st["dropped_export_failed"] == 0, "dropped %r" % st["dropped_export_failed"])
    return f


CASES = [
    ("http.ok", "http", "ok", ok("http")),
    ("http.gzip", "http", "ok", gzip_ok("http")),
    ("http.retry_after_seconds", "http", "retry_after_429", retried_then_ok("http", 1, 0.95)),
    ("http.retry_after_date", "http", "retry_after_date", retried_then_ok("http", 1, 0.9)),
    ("http.storm_503_then_recovery", "http", "storm_503", retried_then_ok("http", 4)),
    ("http.connection_reset", "http", "reset", retried_then_ok("http", 1)),
    ("http.bad_request_not_retried", "http", "bad_request",
     dropped("http", ["HTTP 400 Bad Request from http://127.0.0.1:", "/v1/traces: bad data"])),
    ("http.collector_down_says_connection_refused", "http", "ok", refused_says_so("http")),
    ("http.oversized_response", "http", "oversized", dropped("http", ["larger than"])),
    ("http.partial_success", "http", "partial", partial("http")),
    ("http_json.partial_success", "http", "partial_json",
     partial("http", {"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"})),
    ("http.blackhole_shutdown_in_time", "http", "blackhole", blackhole("http")),
    ("http.request_over_cap_not_sent", "http", "ok", too_large("http")),
    ("http.echoed_secret_redacted", "http", "echo_secret",
     dropped("http", ["HTTP 401 Unauthorized from", "[REDACTED]"])),
    ("http.secrets_echoed_every_way", "http", "ok",
     echoed_every_way("http", ["body", "json_body", "header", "partial", "partial_json"])),
    ("http.secret_cut_at_every_length", "http", "ok",
     echoed_across_cuts("http", "body", len("otlp: HTTP 401 Unauthorized from http://127.0.0.1:NNNNN/v1/traces: "))),
    ("http.partial_success_secret_cut_at_every_length", "http", "ok",
     echoed_across_cuts("http", "partial", len("otlp: http://127.0.0.1:NNNNN/v1/traces rejected 1 of 3 spans: "))),
    ("http.oversized_response_header_not_retried", "http", "huge_header",
     dropped("http", ["response headers from", "too large", "not retried"])),
    ("http.100k_response_headers_not_retried", "http", "many_headers",
     dropped("http", ["response headers from", "too large", "not retried"])),
    ("grpc.ok", "grpc", "ok", ok("grpc")),
    ("grpc.collector_down_says_connection_refused", "grpc", "ok", refused_says_so("grpc")),
    ("grpc.echoed_secret_redacted", "grpc", "echo_secret",
     dropped("grpc", ["UNAUTHENTICATED", "[REDACTED]"])),
    ("grpc.secrets_echoed_every_way", "grpc", "ok",
     echoed_every_way("grpc", ["grpc_message", "grpc_details", "grpc_partial"])),
    ("grpc.secret_cut_at_every_length", "grpc", "ok",
     echoed_across_cuts("grpc", "grpc_message",
                        len("otlp: gRPC UNAUTHENTICATED from http://127.0.0.1:NNNNN"
                            "/opentelemetry.proto.collector.trace.v1.TraceService/Export: "))),
    ("grpc.partial_success_secret_cut_at_every_length", "grpc", "ok",
     echoed_across_cuts("grpc", "grpc_partial",
                        len("otlp: http://127.0.0.1:NNNNN/opentelemetry.proto.collector.trace.v1.TraceService"
                            "/Export rejected 1 of 3 spans: "))),
    ("grpc.100k_response_headers_not_retried", "grpc", "many_headers",
     dropped("grpc", ["response headers from", "too large", "not retried"])),
    ("grpc.gzip", "grpc", "ok", gzip_ok("grpc")),
    ("grpc.unavailable_storm", "grpc", "unavailable_storm", retried_then_ok("grpc", 3)),
    ("grpc.resource_exhausted_with_retry_info", "grpc", "exhausted_retry_info",
     retried_then_ok("grpc", 1, 0.95)),
    ("grpc.resource_exhausted_without_retry_info", "grpc", "exhausted_plain",
     dropped("grpc", ["RESOURCE_EXHAUSTED", "quota"])),
    ("grpc.invalid_argument", "grpc", "invalid_argument", dropped("grpc", ["INVALID_ARGUMENT", "bad data"])),
    ("grpc.partial_success", "grpc", "partial", partial("grpc")),
    ("grpc.connection_reset", "grpc", "reset", retried_then_ok("grpc", 1)),
    ("grpc.oversized_response", "grpc", "oversized", dropped("grpc", ["larger than"])),
    ("grpc.blackhole_shutdown_in_time", "grpc", "blackhole", blackhole("grpc")),
    ("grpc.reconnect_after_server_close", "grpc", "ok_then_close", reconnect("grpc")),
    ("grpc.connection_reuse", "grpc", "ok", reconnect("grpc")),
    ("http.reconnect_after_server_close", "http", "ok_then_close", reconnect("http")),
    ("http.tls", "http", "ok", tls_ok("http", False), "tls"),
    ("http.mtls", "http", "ok", tls_ok("http", True), "mtls"),
    ("http.tls_untrusted_server_refused", "http", "ok", tls_refused("http", "untrusted"), "tls"),
    ("http.mtls_without_client_cert_refused", "http", "ok", tls_refused("http", "nocert"), "mtls"),
    ("grpc.tls", "grpc", "ok", tls_ok("grpc", False), "tls"),
    ("grpc.mtls", "grpc", "ok", tls_ok("grpc", True), "mtls"),
    ("grpc.tls_untrusted_server_refused", "grpc", "ok", tls_refused("grpc", "untrusted"), "tls"),
    ("grpc.mtls_without_client_cert_refused", "grpc", "ok", tls_refused("grpc", "nocert"), "mtls"),
]


def main():
    global CERTS
    driver = sys.argv[1]
    only = set(sys.argv[2:])
    passed = failed = 0
    CERTS = tempfile.mkdtemp(prefix="otlp-certs-")
    subprocess.run([os.path.join(HERE, "..", "interop", "gen_certs.sh"), CERTS], check=True)
    for case in CASES:
        name, proto, scenario, fn = case[:4]
        tls = case[4] if len(case) > 4 else None
        if only and name not in only:
            continue
        s = Server(proto, scenario, tls)
        t0 = time.monotonic()
        ok = False
        try:
            fn(driver, s)
            ok = True
            passed += 1
            print("PASS %s (%.1fs)" % (name, time.monotonic() - t0), flush=True)
        except Exception as e:  # noqa: BLE001 - report every failure the same way
            failed += 1
            print("FAIL %s: %s" % (name, e), flush=True)
        finally:
            # the scenario's figures: what the receiver saw, how long it took
            print(json.dumps({"name": "faults." + name, "ok": ok, "seconds": round(time.monotonic() - t0, 2),
                              "requests_received": len(s.requests())}), flush=True)
            s.stop()
    print("faults: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
