"""The C span hot path (otel_core._speedups, ADR 0005): on CPython it is
built and used, it converts the common attribute dicts exactly as the cffi
path does, hands everything else to that path, and a Span releases its C
span when collected. The same suite passes with OTEL_CORE_PY_SPEEDUPS=off
(run.sh runs this file that way too)."""
import enum
import gc
import os
import platform
import subprocess
import sys
import textwrap
import time

import pytest

import otel_core

SPEEDUPS = os.environ.get("OTEL_CORE_PY_SPEEDUPS", "on").lower() not in ("0", "off", "false")


def only(tp):
    (s,) = tp.finished_spans()
    tp.clear_finished_spans()
    return s


@pytest.mark.skipif(platform.python_implementation() != "CPython", reason="CPython only")
def test_speedups_built_and_used_unless_disabled():
    assert (otel_core._fast_start is not None) == SPEEDUPS
    assert isinstance(otel_core.Span, type)
    if SPEEDUPS:
        from otel_core import _speedups
        assert issubclass(otel_core.Span, _speedups.SpanBase)


class Color(enum.IntEnum):
    RED = 1


@pytest.mark.parametrize("attrs, expected", [
    ({"s": "x", "b": True, "i": -7, "f": 1.5}, {"s": "x", "b": True, "i": -7, "f": 1.5}),
    ({"t": True, "one": 1, "onef": 1.0}, {"t": True, "one": 1, "onef": 1.0}),
    ({"max": (1 << 63) - 1, "min": -(1 << 63)}, {"max": (1 << 63) - 1, "min": -(1 << 63)}),
    ({"ü": "ñ€𝄞", "empty": ""}, {"ü": "ñ€𝄞", "empty": ""}),
    ({"a": [1, 2], "s": "x"}, {"a": [1, 2], "s": "x"}),             # an array: cffi path
    ({"e": Color.RED}, {"e": 1}),                                     # an int subclass: cffi path
    ({"k%d" % i: i for i in range(20)}, {"k%d" % i: i for i in range(20)}),  # > 16: cffi path
    ({}, {}),
    (None, {}),
])
def test_attribute_dicts_arrive_exactly(provider, attrs, expected):
    t = provider.get_tracer("fast")
    t.start_span("op", attributes=attrs).end()
    s = only(provider)
    assert s["attributes"] == expected
    for k, v in expected.items():
        assert type(s["attributes"][k]) is type(v), k


def test_other_mappings_and_odd_strings_take_the_general_path(provider):
    t = provider.get_tracer("fast")
    from types import MappingProxyType
    t.start_span("op", attributes=MappingProxyType({"k": "v"})).end()
    assert only(provider)["attributes"] == {"k": "v"}
    # lone surrogates: encoded with surrogatepass by the general path, then
    # the core's UTF-8 check (an invalid key is dropped, a value repaired)
    t.start_span("op\udc80", attributes={"k": "v\udc82", "bad\udc81": 1}).end()
    s = only(provider)
    assert s["name"].startswith("op") and list(s["attributes"]) == ["k"]
    with pytest.raises(ValueError, match="int64"):
        t.start_span("op", attributes={"big": 1 << 64})
    with pytest.raises(TypeError, match="span name"):
        t.start_span(42)


def test_end_arguments(provider):
    t = provider.get_tracer("fast")
    s = t.start_span("op")
    with pytest.raises(TypeError, match="argument"):
        s.end(1, 2)
    with pytest.raises(TypeError, match="unexpected keyword"):
        s.end(when=1)
    with pytest.raises(TypeError, match="end_time"):
        s.end(end_time="soon")
    with pytest.raises(ValueError, match="end_time"):
        s.end(-1)
    assert s.is_recording()
    when = time.time_ns() + 10**9  # an end before the start would be clamped to it
    s.end(end_time=when)
    assert not s.is_recording()
    s.end()  # ignored
    assert only(provider)["end_time_unix_nano"] == when


def test_parents_children_and_released_parents(provider):
    t = provider.get_tracer("fast")
    root = t.start_span("root")
    kids = [t.start_span("kid%d" % i, context=root) for i in range(3)]
    rid = root.get_span_context().span_id
    root.end()
    del root
    gc.collect()  # the parent object goes; its children keep working
    grandkid = t.start_span("grandkid", context=kids[0])
    for k in kids + [grandkid]:
        k.end()
    spans = {s["name"]: s for s in provider.finished_spans()}
    for i in range(3):
        assert int(spans["kid%d" % i]["parent_span_id"], 16) == rid
    assert spans["grandkid"]["parent_span_id"] == spans["kid0"]["span_id"]


def test_spans_never_ended_are_released():
    """Spans made and dropped without end() free their C memory: the
    process's RSS stays flat over a million of them."""
    code = textwrap.dedent("""
        import gc, resource, otel_core
        tp = otel_core.TracerProvider(exporter="memory", traces_sampler="always_on")
        t = tp.get_tracer("leak")
        a = {"k": "v", "n": 1}
        def burst():
            for _ in range(200_000):
                s = t.start_span("op", attributes=a)
                c = t.start_span("child", context=s)
                c.c_context  # a C context made for it, released with it
        burst(); gc.collect()
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for _ in range(3):
            burst()
        gc.collect()
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ), timeout=300)
    assert out.returncode == 0, out.stderr
    grew_kib = int(out.stdout.split()[-1])
    # 1.2 M spans of ~300 bytes each would be ~350 MiB if they leaked
    assert grew_kib < 20 * 1024, "RSS grew by %d KiB" % grew_kib
