"""What an audit of the binding found, each pinned by a test: no raw
pointers from users, no attribute type confusion from the cache, no silent
truncation of metric values, errors of the right type for bad settings and
values, fork and exit keeping spans, and what a span exports (status,
events, links, exceptions) read back."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

import otel_core
from otel_core import propagators


def test_span_cannot_be_made_from_an_address():
    for args in ((-1,), (0,), (), (12345678, 1)):
        with pytest.raises(TypeError, match="start_span"):
            otel_core.Span(*args)


def test_cached_attribute_sets_keep_element_types(provider):
    t = provider.get_tracer("cache")
    for first, second, want in (((1,), (True,), [True]), ((1.0, 2), (1, 2), [1, 2]),
                                ((True, False), (1, 0), [1, 0])):
        provider.clear_finished_spans()
        t.start_span("a", attributes={"k": first}).end()
        t.start_span("b", attributes={"k": second}).end()
        got = provider.finished_spans()[1]["attributes"]["k"]
        assert got == want and [type(v) for v in got] == [type(v) for v in want], (first, second, got)


def _metric(mp, name):
    return mp.collect()[name]


def test_float_measurements_are_never_truncated():
    from opentelemetry import metrics
    mp = otel_core.MeterProvider(exporter="memory")
    c = metrics.get_meter("drop-in", meter_provider=mp).create_counter("c")
    c.add(1.9)
    c.add(2)
    assert _metric(mp, "c")[0][1] == pytest.approx(3.9)
    ints = mp.get_meter("own").create_counter("ints", value_type=int)
    ints.add(2.0)  # a whole float is fine
    with pytest.raises(ValueError, match="whole number"):
        ints.add(1.5)
    with pytest.raises(ValueError, match="whole number"):
        ints.bind({"a": 1}).add(0.5)
    assert dict((tuple(a.items()), v) for a, v in _metric(mp, "ints"))[()] == 2
    with pytest.raises(TypeError, match="value_type"):
        mp.get_meter("own").create_counter("bad", value_type=str)


def test_values_out_of_range_are_value_errors(provider):
    span = provider.get_tracer("range").start_span("s")
    with pytest.raises(ValueError, match="int64"):
        span.set_attribute("k", [1, 1 << 70])
    with pytest.raises(ValueError, match="double"):
        span.set_attribute("k", [1.0, 10 ** 400])
    from opentelemetry.trace import SpanContext
    with pytest.raises(ValueError, match="out of range"):
        span.add_link(SpanContext(1 << 200, 1, False))
    span.end()


def test_bad_settings_raise_naming_the_option(tmp_path):
    with pytest.raises(ValueError, match="OTEL_TRACES_SAMPLER"):
        otel_core.TracerProvider(exporter="none", traces_sampler="bogus")
    with pytest.raises(ValueError, match="OTEL_TRACES_SAMPLER_ARG"):
        otel_core.TracerProvider(exporter="none", traces_sampler="traceidratio", traces_sampler_arg="abc")
    with pytest.raises(ValueError, match="OTEL_BSP_MAX_QUEUE_SIZE"):
        otel_core.TracerProvider(exporter="file:%s" % (tmp_path / "x.jsonl"), bsp_max_queue_size=-5)
    with pytest.raises(ValueError, match="OTEL_METRIC_EXPORT_INTERVAL"):
        otel_core.MeterProvider(metric_export_interval="soon")
    with pytest.raises(ValueError, match="bogus"):
        propagators.from_env(propagators="tracecontext,bogus")
    with pytest.raises(TypeError, match="service_name"):
        otel_core.TracerProvider(exporter="none", service_name=["a"])
    with pytest.raises(ValueError, match="NUL"):
        otel_core.TracerProvider(exporter="file:/tmp/a\0b")
    mp = otel_core.MeterProvider(exporter="memory")
    with pytest.raises(ValueError, match="bucket boundaries"):
        mp.get_meter("m").create_histogram("h", explicit_bucket_boundaries_advisory=[5, 1])
    with pytest.raises(TypeError, match="tracer name"):
        otel_core.TracerProvider(exporter="none").get_tracer(["x"])


def test_bad_span_arguments_are_type_errors(provider):
    t = provider.get_tracer("args")
    with pytest.raises(TypeError, match="span name"):
        t.start_span(["x"])
    with pytest.raises(TypeError, match="kind"):
        t.start_span("x", kind=["server"])
    span = t.start_span("x")
    with pytest.raises(TypeError):
        span.set_status(True)
    with pytest.raises(TypeError, match="description"):
        span.set_status("error", 0)
    with pytest.raises(TypeError, match="Context"):
        otel_core.get_current_span(5)
    span.end()


def test_status_events_links_and_exceptions_are_exported(provider):
    t = provider.get_tracer("export")
    target = t.start_span("target")
    target.end()
    span = t.start_span("main")
    span.add_event("cache.miss", {"key": "u42", "size": 3})
    span.add_link(target, {"why": "retry"})
    span.record_exception(KeyError("cart"))
    span.set_status("error", "boom")
    key = "nul\0key"
    span.set_attribute(key, 7)      # a key with NUL: kept whole for every value type
    span.set_attribute(key + "s", "v")
    span.end()
    got = provider.finished_spans()[-1]
    assert got["status"] == {"code": "error", "description": "boom"}
    assert got["events"][0]["name"] == "cache.miss"
    assert got["events"][0]["attributes"] == {"key": "u42", "size": 3}
    exc = got["events"][1]
    assert exc["name"] == "exception"
    assert exc["attributes"]["exception.type"] == "KeyError"
    assert "cart" in exc["attributes"]["exception.message"]
    assert "exception.stacktrace" in exc["attributes"]
    assert got["links"] == [{"trace_id": provider.finished_spans()[0]["trace_id"],
                             "span_id": provider.finished_spans()[0]["span_id"],
                             "attributes": {"why": "retry"}}]
    assert got["attributes"][key] == 7 and got["attributes"][key + "s"] == "v"


def test_an_unprintable_exception_is_the_one_raised(provider):
    class Odd(Exception):
        def __str__(self):
            raise RuntimeError("no str for you")

    with pytest.raises(Odd):
        with provider.get_tracer("odd").start_as_current_span("s"):
            raise Odd()
    ev = provider.finished_spans()[-1]["events"][0]
    assert ev["attributes"]["exception.type"].endswith("Odd")
    assert "unprintable" in ev["attributes"]["exception.message"]


CHILD = textwrap.dedent("""
    import os, sys, threading, time
    import otel_core
    mp = otel_core.MeterProvider(exporter="memory")
    tp = otel_core.TracerProvider(exporter="file:" + sys.argv[1], bsp_schedule_delay=60000)
    tracer = tp.get_tracer("exit")
    # a thread holds the meter provider's lock while the process forks
    held = threading.Event()
    def hold():
        with mp._lock:
            held.set()
            time.sleep(1)
    threading.Thread(target=hold, daemon=True).start()
    held.wait()
    pid = os.fork()
    if pid == 0:
        mp.get_meter("child").create_counter("c").add(1)   # would hang on the copied lock
        tracer.start_span("child.span").end()
        sys.exit(0)                                          # no flush: the exit hook does it
    _, status = os.waitpid(pid, 0)
    tracer.start_span("parent.span").end()
    print(os.waitstatus_to_exitcode(status))
""")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_fork_with_a_held_lock_and_exit_without_flush(tmp_path):
    out = tmp_path / "spans.jsonl"
    r = subprocess.run([sys.executable, "-c", CHILD, str(out)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "0", r.stdout + r.stderr
    names = [s["name"] for line in out.read_text().splitlines()
             for rs in json.loads(line)["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]
    assert sorted(names) == ["child.span", "parent.span"], names


def test_one_shared_core_no_private_copy():
    """The extensions link the one libotel_core.so.1 and define none of its
    symbols themselves."""
    import shutil
    from otel_core import _native
    with open("/proc/self/maps") as f:
        cores = {line.split()[-1] for line in f if "libotel_core.so" in line}
    assert len(cores) == 1, cores
    if shutil.which("nm"):
        exts = [_native.__file__]
        try:
            from otel_core import _speedups
            exts.append(_speedups.__file__)
        except ImportError:
            pass
        for ext in exts:
            out = subprocess.run(["nm", "-D", "--defined-only", ext], capture_output=True, text=True).stdout
            defined = [line.split()[-1] for line in out.splitlines() if line.split()[-1].startswith("otel_")]
            assert defined == [], (ext, defined[:5])
