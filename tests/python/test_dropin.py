"""The drop-in path: opentelemetry-api on otel_core's provider, a real
instrumentation package (WSGI) on a real server, and context shared with
opentelemetry.context both ways."""
import threading
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware

import otel_core


def test_api_spans_go_through_the_c_core(provider):
    tracer = trace.get_tracer("app", tracer_provider=provider)
    with tracer.start_as_current_span("api-parent", kind=trace.SpanKind.SERVER) as p:
        assert isinstance(p, otel_core.Span)
        assert trace.get_current_span() is p
        # otel_core's own API sees the API's current span as parent
        with provider.get_tracer("own").start_as_current_span("own-child"):
            # and the API sees otel_core's span as current
            with tracer.start_as_current_span("api-grandchild"):
                pass
    spans = {s["name"]: s for s in provider.finished_spans()}
    assert spans["own-child"]["parent_span_id"] == spans["api-parent"]["span_id"]
    assert spans["api-grandchild"]["parent_span_id"] == spans["own-child"]["span_id"]
    assert spans["api-parent"]["kind"] == 2


def test_api_status_and_exceptions(provider):
    tracer = trace.get_tracer("app", tracer_provider=provider)
    try:
        with tracer.start_as_current_span("boom"):
            raise KeyError("k")
    except KeyError:
        pass
    span = tracer.start_span("st")
    span.set_status(trace.Status(trace.StatusCode.ERROR, "bad"))
    ctx = span.get_span_context()
    assert ctx.is_valid and not ctx.is_remote
    span.end()
    assert [s["name"] for s in provider.finished_spans()] == ["boom", "st"]


def test_foreign_remote_parent_from_api_context(provider):
    remote = trace.SpanContext(0x4bf92f3577b34da6a3ce929d0e0e4736, 0x00f067aa0ba902b7, True,
                               trace.TraceFlags(1))
    ctx = trace.set_span_in_context(trace.NonRecordingSpan(remote))
    token = otel_context.attach(ctx)
    try:
        with provider.get_tracer("own").start_as_current_span("child-of-remote"):
            pass
    finally:
        otel_context.detach(token)
    s = provider.finished_spans()[0]
    assert s["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert s["parent_span_id"] == "00f067aa0ba902b7"


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def test_wsgi_instrumentation_on_a_real_server(provider):
    trace.set_tracer_provider(provider)  # once per process: the API warns on a second set

    def app(environ, start_response):
        with trace.get_tracer("handler").start_as_current_span("handler-work"):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]

    server = make_server("127.0.0.1", 0, OpenTelemetryMiddleware(app), handler_class=_Quiet)
    th = threading.Thread(target=server.handle_request)
    th.start()
    client = provider.get_tracer("client")
    with client.start_as_current_span("call", kind="client"):
        headers = otel_core.inject()
    req = urllib.request.Request("http://127.0.0.1:%d/hello" % server.server_port, headers=headers)
    assert urllib.request.urlopen(req, timeout=10).read() == b"ok"
    th.join(10)
    server.server_close()
    spans = {s["name"]: s for s in provider.finished_spans()}
    server_span = next(s for s in spans.values() if s["kind"] == 2)
    assert server_span["parent_span_id"] == spans["call"]["span_id"]
    assert server_span["trace_id"] == spans["call"]["trace_id"]
    assert spans["handler-work"]["parent_span_id"] == server_span["span_id"]
    assert server_span["attributes"].get("http.request.method", server_span["attributes"].get("http.method")) == "GET"


def test_core_propagator_as_textmap_propagator(provider):
    from opentelemetry import baggage
    from opentelemetry.propagators.textmap import TextMapPropagator
    from otel_core.propagators import CorePropagator

    prop = CorePropagator()
    assert isinstance(prop, TextMapPropagator)
    assert {"traceparent", "tracestate", "baggage"} <= prop.fields
    tracer = trace.get_tracer("app", tracer_provider=provider)
    with tracer.start_as_current_span("client") as client:
        ctx = baggage.set_baggage("tenant", "acme corp")
        carrier = {}
        prop.inject(carrier, context=ctx)
    assert carrier["traceparent"].startswith("00-%032x-%016x-" % (client.trace_id, client.span_id))
    assert carrier["baggage"] == "tenant=acme%20corp"
    # extract into an opentelemetry Context, then continue the trace through the API
    ctx = prop.extract({"TraceParent": carrier["traceparent"], "baggage": carrier["baggage"]})
    assert baggage.get_baggage("tenant", ctx) == "acme corp"
    with tracer.start_as_current_span("server", context=ctx):
        pass
    spans = {s["name"]: s for s in provider.finished_spans()}
    assert spans["server"]["parent_span_id"] == spans["client"]["span_id"]
    assert prop.extract({"traceparent": "garbage"}) is not None  # an empty context, no error
