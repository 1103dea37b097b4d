"""Every public call, fed garbage, either works or raises TypeError /
ValueError (never another exception, never a crash)."""
import pytest

import otel_core
from otel_core import propagators

BAD = [None, 42, -1, 1 << 80, 3.5, float("nan"), "", "x" * 100000, b"\xff\xfe", "\x00", [], {},
       [1, "a"], {"k": object()}, object(), {1: 2}, ("a",), True]


@pytest.fixture(scope="module")
def objs():
    tp = otel_core.TracerProvider(exporter="memory")
    mp = otel_core.MeterProvider(exporter="memory")
    yield tp, tp.get_tracer("bad-input"), mp, mp.get_meter("bad-input")
    tp.shutdown(1000)
    mp.shutdown(1000)


def _enter_exit(cm):
    with cm:
        pass


CALLS = {
    "start_span name": lambda o, v: o[1].start_span(v),
    "start_span kind": lambda o, v: o[1].start_span("x", kind=v),
    "start_span attributes": lambda o, v: o[1].start_span("x", attributes=v),
    "start_span links": lambda o, v: o[1].start_span("x", links=v),
    "start_span context": lambda o, v: o[1].start_span("x", context=v),
    "start_span start_time": lambda o, v: o[1].start_span("x", start_time=v),
    "start_as_current_span": lambda o, v: _enter_exit(o[1].start_as_current_span(v)),
    "set_attribute key": lambda o, v: o[1].start_span("x").set_attribute(v, 1),
    "set_attribute value": lambda o, v: o[1].start_span("x").set_attribute("k", v),
    "add_event name": lambda o, v: o[1].start_span("x").add_event(v),
    "add_event attributes": lambda o, v: o[1].start_span("x").add_event("e", v),
    "add_event timestamp": lambda o, v: o[1].start_span("x").add_event("e", None, v),
    "add_link": lambda o, v: o[1].start_span("x").add_link(v),
    "record_exception": lambda o, v: o[1].start_span("x").record_exception(v),
    "record_exception attributes": lambda o, v: o[1].start_span("x").record_exception(
        ValueError("e"), v),
    "set_status": lambda o, v: o[1].start_span("x").set_status(v),
    "set_status description": lambda o, v: o[1].start_span("x").set_status("error", v),
    "update_name": lambda o, v: o[1].start_span("x").update_name(v),
    "end": lambda o, v: o[1].start_span("x").end(v),
    "get_tracer": lambda o, v: o[0].get_tracer(v),
    "get_tracer version": lambda o, v: o[0].get_tracer("n", v),
    "force_flush": lambda o, v: o[0].force_flush(v),
    "TracerProvider option": lambda o, v: otel_core.TracerProvider(exporter="none", service_name=v),
    "TracerProvider exporter": lambda o, v: otel_core.TracerProvider(exporter=v),
    "use_span": lambda o, v: _enter_exit(otel_core.use_span(v)),
    "inject carrier": lambda o, v: otel_core.inject(v),
    "inject context": lambda o, v: otel_core.inject({}, v),
    "extract": lambda o, v: otel_core.extract(v),
    "extract header value": lambda o, v: otel_core.extract({"traceparent": v, "baggage": v}),
    "propagator extract": lambda o, v: propagators.CorePropagator().extract(v),
    "propagator inject": lambda o, v: propagators.CorePropagator().inject(v),
    "propagators from_env": lambda o, v: propagators.from_env(propagators=v),
    "create_counter": lambda o, v: o[3].create_counter(v),
    "counter add": lambda o, v: o[3].create_counter("c").add(v),
    "counter attributes": lambda o, v: o[3].create_counter("c").add(1, v),
    "histogram record": lambda o, v: o[3].create_histogram("h").record(v),
    "histogram buckets": lambda o, v: o[3].create_histogram(
        "hb", explicit_bucket_boundaries_advisory=v),
    "observable callbacks": lambda o, v: o[3].create_observable_gauge("g", callbacks=v),
    "meter force_flush": lambda o, v: o[2].force_flush(v),
}


@pytest.mark.parametrize("call", sorted(CALLS))
def test_garbage_raises_type_or_value_error(objs, call):
    for value in BAD:
        try:
            CALLS[call](objs, value)
        except (TypeError, ValueError):
            pass
    objs[2].collect()  # observable callbacks given garbage must not break collection
