"""Metrics from Python: own API, the opentelemetry-api drop-in, observable
instruments with Python callbacks, bound instruments, bad arguments."""
import threading

import pytest
from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation

import otel_core


@pytest.fixture
def mp():
    p = otel_core.MeterProvider(exporter="memory")
    yield p
    p.shutdown(1000)


def test_every_instrument_kind(mp):
    m = mp.get_meter("py.test", "1.0")
    c = m.create_counter("orders", unit="{order}")
    u = m.create_up_down_counter("depth")
    h = m.create_histogram("latency", unit="ms", explicit_bucket_boundaries_advisory=[10, 100])
    g = m.create_gauge("temp")
    c.add(2, {"region": "eu"})
    c.add(3, {"region": "eu"})
    u.add(5)
    u.add(-2)
    h.record(5)
    h.record(50.5)
    g.set(21.5)
    got = mp.collect()
    assert got["orders"] == [({"region": "eu"}, 5)]
    assert got["depth"] == [({}, 3)]
    assert got["latency"] == [({}, (2, 55.5))]
    assert got["temp"] == [({}, 21.5)]


def test_observable_callbacks_and_options(mp):
    m = mp.get_meter("py.test")
    seen = []

    def cb(options):
        seen.append(isinstance(options, CallbackOptions))
        return [Observation(7, {"pool": "db"}), Observation(9, {"pool": "cache"})]

    m.create_observable_up_down_counter("connections", callbacks=[cb])
    m.create_observable_gauge("load", callbacks=[lambda o: iter([Observation(0.5)])])
    got = mp.collect()
    assert sorted(got["connections"], key=lambda p: p[0]["pool"]) == [({"pool": "cache"}, 9), ({"pool": "db"}, 7)]
    assert got["load"] == [({}, 0.5)]
    assert seen == [True]


def test_failing_callback_does_not_break_collection(mp, capsys):
    m = mp.get_meter("py.test")

    def bad(options):
        raise RuntimeError("boom")

    m.create_observable_gauge("bad", callbacks=[bad])
    m.create_counter("fine").add(1)
    got = mp.collect()
    assert got["fine"] == [({}, 1)]
    assert "boom" in capsys.readouterr().err


def test_bound_instrument_and_threads(mp):
    c = mp.get_meter("py.test").create_counter("hits")
    b = c.bind({"k": "v"})

    def work():
        for _ in range(2000):
            b.add(1)
            c.add(1, {"k": "v"})

    ths = [threading.Thread(target=work) for _ in range(4)]
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    assert mp.collect()["hits"] == [({"k": "v"}, 16000)]


def test_bad_arguments(mp):
    m = mp.get_meter("py.test")
    with pytest.raises(otel_core.OtelError):
        m.create_counter("9bad-name")
    c = m.create_counter("ok")
    with pytest.raises(TypeError):
        c.add("one")
    with pytest.raises(TypeError):
        c.add(1, {"k": object()})
    with pytest.raises(TypeError):
        m.create_observable_gauge("g", callbacks=[42])
    c.add(-1)  # a negative counter increment is dropped, not raised
    assert "ok" not in mp.collect()


def test_dropin_through_opentelemetry_api(mp):
    metrics.set_meter_provider(mp)
    meter = metrics.get_meter("instrumented.lib", "2.0")
    counter = meter.create_counter("requests")
    counter.add(4, {"route": "/x"})
    assert isinstance(meter, otel_core.metrics.Meter)
    assert mp.collect()["requests"] == [({"route": "/x"}, 4)]


def test_out_of_range_measurements_raise_value_error(mp):
    m = mp.get_meter("py.test")
    ints, floats = m.create_counter("ints"), m.create_histogram("floats")
    bound = ints.bind({"k": "v"})
    for record in (ints.add, floats.record, bound.add):
        with pytest.raises(ValueError, match="out of range"):
            record(1 << 2000)  # beyond int64 and beyond a double
    with pytest.raises(TypeError, match="int or float"):
        bound.add("1")
    ints.add((1 << 63) - 1)  # the int64 maximum itself is fine
    assert "ints" in mp.collect()
