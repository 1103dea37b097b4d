"""The drop-in path: opentelemetry-api on otel_core's provider, a real
instrumentation package (WSGI) on a real server, and context shared with
opentelemetry.context both ways."""
import threading
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

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


def test_propagator_classes_round_trip(provider):
    from opentelemetry import baggage
    from opentelemetry.propagators.composite import CompositePropagator as ApiComposite
    from otel_core import propagators as p

    tracer = trace.get_tracer("app", tracer_provider=provider)
    b3 = p.B3SingleFormat()
    composite = p.CompositePropagator([p.TraceContextTextMapPropagator(), p.W3CBaggagePropagator(),
                                       p.B3MultiFormat()])
    assert {"traceparent", "baggage", "x-b3-traceid"} <= composite.fields
    with tracer.start_as_current_span("client") as client:
        ctx = baggage.set_baggage("user", "u-1")
        single, multi = b3.inject({}), composite.inject({}, context=ctx)
    ids = "%032x-%016x" % (client.trace_id, client.span_id)
    assert single["b3"].startswith(ids)
    assert multi["x-b3-traceid"] == "%032x" % client.trace_id and multi["baggage"] == "user=u-1"
    for carrier, prop in ((single, b3), (multi, composite), ({"X-B3-TraceId": multi["x-b3-traceid"],
                          "X-B3-SpanId": multi["x-b3-spanid"], "X-B3-Sampled": "1"}, b3)):
        ctx = prop.extract(carrier)
        remote = trace.get_current_span(ctx).get_span_context()
        assert remote.is_remote and remote.trace_id == client.trace_id
        assert remote.span_id == client.span_id
    assert baggage.get_baggage("user", composite.extract(multi)) == "u-1"
    # a pure-Python composite takes them as any TextMapPropagator
    carrier = {}
    with tracer.start_as_current_span("x"):
        ApiComposite([b3, p.W3CBaggagePropagator()]).inject(carrier, context=ctx)
    assert "b3" in carrier
    with pytest.raises(TypeError):
        p.CompositePropagator([object()])
    with pytest.raises(TypeError):
        b3.extract(42)


def test_wsgi_instrumentation_extracts_with_the_c_propagators(provider):
    from opentelemetry import propagate
    from otel_core import propagators as p

    before_api, before = propagate.get_global_textmap(), p.get_global()
    p.set_global(p.from_env(propagators="b3multi"))
    try:
        seen = {}

        def app(environ, start_response):
            seen["span"] = trace.get_current_span()
            start_response("200 OK", [])
            return [b"ok"]

        mw = OpenTelemetryMiddleware(app, tracer_provider=provider)
        server = make_server("127.0.0.1", 0, mw, handler_class=_Quiet)
        th = threading.Thread(target=server.handle_request)
        th.start()
        with provider.get_tracer("client").start_as_current_span("call", kind="client") as call:
            headers = otel_core.inject()
        assert set(headers) == {"x-b3-traceid", "x-b3-spanid", "x-b3-sampled"}
        req = urllib.request.Request("http://127.0.0.1:%d/" % server.server_port, headers=headers)
        assert urllib.request.urlopen(req, timeout=10).read() == b"ok"
        th.join(10)
        server.server_close()
    finally:
        p.set_global(before)
        propagate.set_global_textmap(before_api)
    server_span = seen["span"]
    assert isinstance(server_span, otel_core.Span)
    spans = {s["span_id"]: s for s in provider.finished_spans()}
    got = spans["%016x" % server_span.span_id]
    assert got["parent_span_id"] == "%016x" % call.span_id
