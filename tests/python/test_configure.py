"""configure(): its OTEL_* keywords reach the meter provider get_meter()
makes, checked on the wire (a local OTLP/HTTP receiver)."""
import http.server
import subprocess
import sys
import threading

SCRIPT = r"""
import otel_core, sys
otel_core.configure(exporter="none", service_name="cfg-svc", metrics_exporter="otlp",
                    exporter_otlp_metrics_endpoint=sys.argv[1])
otel_core.get_meter("cfg.meter").create_counter("cfg.requests").add(5, {"route": "/x"})
sys.exit(0 if otel_core.metrics._global.force_flush(10000) else 3)
"""


def test_configure_keywords_reach_the_meter_provider():
    bodies = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            bodies.append((self.path, self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    th = threading.Thread(target=server.serve_forever, daemon=True)
    th.start()
    try:
        url = "http://127.0.0.1:%d/v1/metrics" % server.server_port
        r = subprocess.run([sys.executable, "-c", SCRIPT, url], capture_output=True, text=True,
                           timeout=60)
    finally:
        server.shutdown()
        server.server_close()
    assert r.returncode == 0, r.stderr
    body = b"".join(b for path, b in bodies if path == "/v1/metrics")
    for expected in (b"cfg-svc", b"cfg.meter", b"cfg.requests", b"/x"):
        assert expected in body
