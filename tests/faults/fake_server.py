#!/usr/bin/env python3
"""A scripted OTLP server for fault tests: what a real collector will not do
on demand. Loopback only; every loop is bounded by time.

    fake_server.py --proto http|grpc --scenario NAME [--log FILE] [--lifetime S]

Prints "PORT <n>" on its first stdout line, then serves until killed or
--lifetime seconds pass. Every request received is appended to --log as one
JSON line: {"t": monotonic seconds, "path": ..., "headers": {...}, "bytes": n}.

HTTP/1.1 is served by http.server; gRPC (h2c, prior knowledge) with the h2
package. A scenario is a list of answers, one per request; the last repeats.
"""
import argparse
import base64
import json
import os
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def pb_varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb_field(num, wt, payload):
    if wt == 0:
        return pb_varint(num << 3) + pb_varint(payload)
    return pb_varint(num << 3 | 2) + pb_varint(len(payload)) + payload


def partial_success(rejected, message):
    inner = pb_field(1, 0, rejected) + pb_field(2, 2, message.encode())
    return pb_field(1, 2, inner)


def rpc_status(code, message, retry_delay_s=None):
    out = pb_field(1, 0, code) + pb_field(2, 2, message.encode())
    if retry_delay_s is not None:
        dur = pb_field(1, 0, int(retry_delay_s)) + pb_field(2, 0, int((retry_delay_s % 1) * 1e9))
        retry_info = pb_field(1, 2, dur)
        anyv = pb_field(1, 2, b"type.googleapis.com/google.rpc.RetryInfo") + pb_field(2, 2, retry_info)
        out += pb_field(3, 2, anyv)
    return out


OVERSIZED = 5 * 1024 * 1024


def grpc_percent(msg):
    """grpc-message is percent-encoded (the gRPC spec): so is a quoted secret."""
    return "".join(c if 0x20 <= ord(c) < 0x7F and c != "%" else "%%%02X" % ord(c) for c in msg)

# Each answer: dict(kind=...). Kinds: ok, status (http), grpc (code), blackhole,
# reset, oversized, partial.
SCENARIOS = {
    "ok": [dict(kind="ok")],
    "retry_after_429": [dict(kind="status", code=429, headers={"Retry-After": "1"}), dict(kind="ok")],
    "retry_after_date": [dict(kind="status", code=503, date_in=1), dict(kind="ok")],
    "storm_503": [dict(kind="status", code=503)] * 4 + [dict(kind="ok")],
    "bad_request": [dict(kind="status", code=400, body=rpc_status(3, "bad data"))],
    "blackhole": [dict(kind="blackhole")],
    "reset": [dict(kind="reset"), dict(kind="ok")],
    "oversized": [dict(kind="oversized")],
    "partial": [dict(kind="partial", rejected=2, message="two spans too old")],
    "partial_json": [dict(kind="partial_json", rejected=2, message="two spans too old")],
    "unavailable_storm": [dict(kind="grpc", code=14, message="busy")] * 3 + [dict(kind="ok")],
    "exhausted_retry_info": [dict(kind="grpc", code=8, message="slow down", retry_delay=1.0),
                             dict(kind="ok")],
    "exhausted_plain": [dict(kind="grpc", code=8, message="quota"), dict(kind="ok")],
    "invalid_argument": [dict(kind="grpc", code=3, message="bad%20data")],
    "ok_then_close": [dict(kind="ok", close=True)],
    # a careless server that echoes the credential back in its error
    "echo_secret": [dict(kind="echo")],
    # response headers no client should buffer: one of 200 KiB, or 100k small ones
    "huge_header": [dict(kind="big_headers", one=200 * 1024)],
    "many_headers": [dict(kind="big_headers", count=100000)],
}


# "echo:VIA:PAD0": a server that quotes the credentials it received in its
# answer, after PAD0 + n padding characters on the n-th request (so a run of
# requests moves the secrets across every cut a client makes). VIA says
# where: body (google.rpc.Status), json_body, header (401 with the quote in
# WWW-Authenticate), partial, partial_json (accepted, with a partial-success
# message), grpc_message, grpc_details (grpc-status-details-bin only),
# grpc_partial.
ECHO_VIAS = ("body", "json_body", "header", "partial", "partial_json", "grpc_message",
             "grpc_details", "grpc_partial")


def echo_answers(scenario):
    _, via, pad0 = scenario.split(":")
    if via not in ECHO_VIAS:
        raise ValueError("unknown echo channel " + via)
    return [dict(kind="echo_" + via, pad=int(pad0))]


def echo_text(headers, pad):
    """Every way a careless server quotes a credential: whole header values,
    the token after the scheme, decoded Basic credentials and the password."""
    auth = headers.get("authorization", "")
    parts = []
    if " " in auth:
        parts.append(auth.split(" ", 1)[1])  # the token alone first: it meets the cut
    parts.append(auth)
    if auth.lower().startswith("basic "):
        dec = base64.b64decode(auth.split(" ", 1)[1]).decode(errors="replace")
        parts += [dec, dec.split(":", 1)[-1]]
    parts.append(headers.get("api-key", ""))
    return "q" * pad + " ".join(p for p in parts if p) + " rejected"


def big_headers(a):
    if "one" in a:
        return [("x-padding", "p" * a["one"])]
    return [("x-pad-%d" % i, "v") for i in range(a["count"])]


class State:
    def __init__(self, scenario, log):
        self.answers = echo_answers(scenario) if scenario.startswith("echo:") else SCENARIOS[scenario]
        self.count = 0
        self.lock = threading.Lock()
        self.log = log
        self.stop = threading.Event()

    def next_answer(self, path, headers, nbytes):
        with self.lock:
            i = self.count
            self.count += 1
            if self.log:
                with open(self.log, "a") as f:
                    f.write(json.dumps({"t": time.monotonic(), "path": path, "headers": headers,
                                        "bytes": nbytes}) + "\n")
        a = self.answers[min(i, len(self.answers) - 1)]
        if a["kind"].startswith("echo_"):
            a = dict(a, text=echo_text(headers, a["pad"] + i))
        return a


# ---- HTTP/1.1 ------------------------------------------------------------

def make_http_handler(state):
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n)
            a = state.next_answer(self.path, {k.lower(): v for k, v in self.headers.items()}, len(body))
            k = a["kind"]
            if k == "blackhole":
                state.stop.wait(120)
                self.close_connection = True
                return
            if k == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            status, hdrs, out = 200, {}, b""
            ctype = "application/x-protobuf"
            if k == "echo_body":
                status, out = 401, rpc_status(16, a["text"])
            elif k == "echo_json_body":
                status, ctype = 401, "application/json"
                out = json.dumps({"code": 16, "message": a["text"]}).encode()
            elif k == "echo_header":
                status, hdrs = 401, {"WWW-Authenticate": 'Bearer error="invalid_token", '
                                                        'error_description="' + a["text"] + '"'}
                out = rpc_status(16, a["text"][-40:])
            elif k == "echo_partial":
                out = partial_success(1, a["text"])
            elif k == "echo_partial_json":
                ctype = "application/json"
                out = json.dumps({"partialSuccess": {"rejectedSpans": "1",
                                                     "errorMessage": a["text"]}}).encode()
            if k == "echo":
                status, out = 401, rpc_status(16, "invalid api-key " + self.headers.get("api-key", ""))
            if k == "status":
                status, hdrs, out = a["code"], dict(a.get("headers", {})), a.get("body", b"")
                if "date_in" in a:
                    from email.utils import formatdate
                    hdrs["Retry-After"] = formatdate(time.time() + a["date_in"] + 1, usegmt=True)
            elif k == "oversized":
                out = b"\0" * OVERSIZED
            elif k == "partial":
                out = partial_success(a["rejected"], a["message"])
            if k == "big_headers":
                hdrs = dict(big_headers(a))
            if k == "partial_json":
                ctype = "application/json"
                out = json.dumps({"partialSuccess": {"rejectedSpans": str(a["rejected"]),
                                                     "errorMessage": a["message"]}}).encode()
            if a.get("close"):
                self.close_connection = True
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(out)))
            for hk, hv in hdrs.items():
                self.send_header(hk, hv)
            self.end_headers()
            self.wfile.write(out)

    return H


def tls_context(certs, mtls, alpn):
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(certs, "server.pem"), os.path.join(certs, "server.key"))
    if mtls:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(os.path.join(certs, "ca.pem"))
    if alpn:
        ctx.set_alpn_protocols(alpn)
    return ctx


class QuietHTTPServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # clients that reset or abort are what the scenarios are about


def serve_http(state, lifetime, tls=None):
    srv = QuietHTTPServer(("127.0.0.1", 0), make_http_handler(state))
    if tls:
        srv.socket = tls.wrap_socket(srv.socket, server_side=True)
    srv.daemon_threads = True
    print("PORT %d" % srv.server_address[1], flush=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    state.stop.wait(lifetime)
    state.stop.set()
    srv.shutdown()


# ---- gRPC over h2c -------------------------------------------------------

def grpc_conn(sock, state):
    """Serves one h2c connection. A client that resets it or gives up on a
    stream (what the reset, blackhole and oversized scenarios provoke) ends
    it quietly: that is the behaviour under test, not a server error."""
    import h2.exceptions
    try:
        _serve_h2(sock, state)
    except (OSError, h2.exceptions.ProtocolError):  # ConnectionResetError, BrokenPipeError, ...
        pass
    finally:
        sock.close()


def _serve_h2(sock, state):
    import h2.config
    import h2.connection
    import h2.events

    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False,
                                                                       header_encoding="utf-8"))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    streams = {}
    sock.settimeout(0.2)
    deadline = time.monotonic() + 300
    while not state.stop.is_set() and time.monotonic() < deadline:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            return
        if not data:
            return
        try:
            events = conn.receive_data(data)
        except Exception:  # noqa: BLE001 - a client that is not speaking h2c
            sock.close()
            return
        for ev in events:
            if isinstance(ev, h2.events.RequestReceived):
                streams[ev.stream_id] = {"headers": dict(ev.headers), "body": b""}
            elif isinstance(ev, h2.events.DataReceived):
                streams[ev.stream_id]["body"] += ev.data
                conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.StreamEnded):
                st = streams.pop(ev.stream_id)
                h = st["headers"]
                a = state.next_answer(h.get(":path"), {k: v for k, v in h.items() if not k.startswith(":")},
                                      len(st["body"]))
                k = a["kind"]
                sid = ev.stream_id
                if k == "blackhole":
                    continue
                if k == "reset":
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    sock.close()
                    return
                if k == "echo":
                    a = dict(kind="grpc", code=16, message="invalid api-key " + h.get("api-key", ""))
                    k = "grpc"
                elif k == "echo_grpc_message":
                    a = dict(kind="grpc", code=16, message=grpc_percent(a["text"]))
                    k = "grpc"
                elif k == "echo_grpc_details":
                    a = dict(kind="grpc", code=16, message=None, details=rpc_status(16, a["text"]))
                    k = "grpc"
                elif k == "echo_grpc_partial":
                    a = dict(kind="partial", rejected=1, message=a["text"])
                    k = "partial"
                if k == "grpc":
                    trailers = [(":status", "200"), ("content-type", "application/grpc"),
                                ("grpc-status", str(a["code"]))]
                    if a["message"] is not None:
                        trailers.append(("grpc-message", a["message"]))
                    if "details" in a:
                        trailers.append(("grpc-status-details-bin",
                                         base64.b64encode(a["details"]).decode().rstrip("=")))
                    if "retry_delay" in a:
                        det = rpc_status(a["code"], a["message"], a["retry_delay"])
                        trailers.append(("grpc-status-details-bin",
                                         base64.b64encode(det).decode().rstrip("=")))
                    conn.send_headers(sid, trailers, end_stream=True)
                else:
                    msg = b""
                    if k == "partial":
                        msg = partial_success(a["rejected"], a["message"])
                    elif k == "oversized":
                        msg = b"\0" * OVERSIZED
                    framed = b"\0" + struct.pack(">I", len(msg)) + msg
                    conn.send_headers(sid, [(":status", "200"), ("content-type", "application/grpc")]
                                      + (big_headers(a) if k == "big_headers" else []))
                    # respect the client's flow-control window
                    off = 0
                    while off < len(framed):
                        win = min(conn.local_flow_control_window(sid), conn.max_outbound_frame_size)
                        if win <= 0:
                            sock.sendall(conn.data_to_send())
                            try:
                                more = sock.recv(65536)
                            except socket.timeout:
                                continue
                            if not more:
                                return
                            conn.receive_data(more)
                            continue
                        conn.send_data(sid, framed[off:off + win])
                        off += win
                        sock.sendall(conn.data_to_send())
                    conn.send_headers(sid, [("grpc-status", "0")], end_stream=True)
                    if a.get("close"):
                        sock.sendall(conn.data_to_send())
                        time.sleep(0.05)
                        sock.close()
                        return
        out = conn.data_to_send()
        if out:
            try:
                sock.sendall(out)
            except OSError:
                return


def serve_grpc(state, lifetime, tls=None):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    ls.settimeout(0.2)
    print("PORT %d" % ls.getsockname()[1], flush=True)
    end = time.monotonic() + lifetime
    while time.monotonic() < end and not state.stop.is_set():
        try:
            s, _ = ls.accept()
        except socket.timeout:
            continue
        if tls:
            try:
                s.settimeout(5)
                s = tls.wrap_socket(s, server_side=True)
            except OSError:
                s.close()
                continue
        threading.Thread(target=grpc_conn, args=(s, state), daemon=True).start()
    state.stop.set()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--proto", choices=["http", "grpc"], required=True)
    ap.add_argument("--scenario", required=True, help="one of %s, or echo:VIA:PAD0" % ", ".join(sorted(SCENARIOS)))
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=120)
    ap.add_argument("--tls", metavar="CERT_DIR", help="serve TLS with CERT_DIR/server.pem")
    ap.add_argument("--mtls", action="store_true", help="require a client certificate signed by CERT_DIR/ca.pem")
    a = ap.parse_args()
    if a.scenario not in SCENARIOS and not a.scenario.startswith("echo:"):
        ap.error("unknown scenario " + a.scenario)
    state = State(a.scenario, a.log)
    tls = tls_context(a.tls, a.mtls, ["h2"] if a.proto == "grpc" else None) if a.tls else None
    (serve_http if a.proto == "http" else serve_grpc)(state, a.lifetime, tls)


if __name__ == "__main__":
    main()
