"""otel_core's own API: spans, attributes, current span, errors, asyncio,
threads, propagation with dicts, stats."""
import asyncio
import threading

import pytest

import otel_core


def by_name(tp):
    return {s["name"]: s for s in tp.finished_spans()}


def test_nesting_and_every_attribute_type(provider):
    t = provider.get_tracer("test")
    with t.start_as_current_span("root", kind="server",
                                 attributes={"s": "x", "b": True, "i": 7, "f": 1.5,
                                             "sa": ["a", "b"], "ba": [True, False],
                                             "ia": [1, 2], "fa": [1.5, 2]}) as root:
        with t.start_as_current_span("child") as child:
            child.set_attribute("k", "v")
            child.add_event("ev", {"n": 1})
    spans = by_name(provider)
    assert spans["child"]["parent_span_id"] == spans["root"]["span_id"]
    assert spans["child"]["trace_id"] == spans["root"]["trace_id"]
    assert spans["root"]["kind"] == 2
    assert spans["root"]["attributes"] == {"s": "x", "b": True, "i": 7, "f": 1.5, "sa": ["a", "b"],
                                           "ba": [True, False], "ia": [1, 2], "fa": [1.5, 2.0]}
    assert spans["child"]["attributes"] == {"k": "v"}
    assert root.span_id == int(spans["root"]["span_id"], 16)


def test_decorator_and_exception_recorded_and_reraised(provider):
    t = provider.get_tracer("test")

    @t.start_as_current_span("work")
    def work(x):
        if x < 0:
            raise ValueError("negative")
        return x * 2

    assert work(2) == 4
    with pytest.raises(ValueError):
        work(-1)
    assert [s["name"] for s in provider.finished_spans()] == ["work", "work"]


def test_bad_arguments_raise_clear_errors(provider):
    t = provider.get_tracer("test")
    with pytest.raises(TypeError, match="span name"):
        t.start_span(42)
    with pytest.raises(ValueError, match="kind"):
        t.start_span("x", kind="sideways")
    s = t.start_span("x")
    with pytest.raises(TypeError, match="unsupported type"):
        s.set_attribute("k", object())
    with pytest.raises(ValueError, match="int64"):
        s.set_attributes({"k": 1 << 70})
    with pytest.raises(TypeError, match="one type"):
        s.set_attributes({"k": [1, "a"]})
    with pytest.raises(ValueError, match="status"):
        s.set_status("weird")
    with pytest.raises(TypeError):
        s.record_exception("not an exception")
    with pytest.raises(ValueError):
        otel_core.TracerProvider(exporter="nowhere")
    s.end()
    s.end()  # ignored, no crash
    s.set_attribute("after", 1)  # ignored after end


def test_asyncio_tasks_each_see_their_own_parent(provider):
    t = provider.get_tracer("test")

    async def job(name):
        with t.start_as_current_span(name):
            await asyncio.sleep(0.01)
            with t.start_as_current_span(name + ".inner"):
                await asyncio.sleep(0.01)

    async def main():
        await asyncio.gather(job("a"), job("b"), job("c"))

    asyncio.run(main())
    spans = by_name(provider)
    for n in "abc":
        assert spans[n + ".inner"]["parent_span_id"] == spans[n]["span_id"]


def test_threads_each_see_their_own_parent(provider):
    t = provider.get_tracer("test")
    errors = []

    def worker(i):
        try:
            for _ in range(50):
                with t.start_as_current_span("t%d" % i) as outer:
                    with t.start_as_current_span("t%d.in" % i):
                        assert otel_core.get_current_span().span_id != outer.span_id
        except Exception as e:  # pragma: no cover
            errors.append(e)

    ths = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    assert not errors
    spans = provider.finished_spans()
    assert len(spans) == 4 * 50 * 2
    outer = {s["span_id"]: s["name"] for s in spans if "." not in s["name"]}
    for s in spans:
        if s["name"].endswith(".in"):
            assert outer[s["parent_span_id"]] == s["name"][:-3]


def test_inject_extract_with_dicts(provider):
    t = provider.get_tracer("test")
    with t.start_as_current_span("client") as client:
        headers = otel_core.inject()
    assert headers["traceparent"].startswith("00-%032x-%016x-" % (client.trace_id, client.span_id))
    parent = otel_core.extract({"TRACEPARENT": headers["traceparent"]})
    with t.start_as_current_span("server", context=parent, kind="server"):
        pass
    spans = by_name(provider)
    assert spans["server"]["parent_span_id"] == spans["client"]["span_id"]
    assert otel_core.extract({"traceparent": "garbage"}) is None
    with pytest.raises(TypeError):
        otel_core.extract("not a mapping")


def test_stats(provider):
    t = provider.get_tracer("test")
    for _ in range(3):
        t.start_span("x").end()
    st = provider.stats()
    assert st["spans_started"] == 3 and st["spans_ended"] == 3 and st["spans_exported"] == 3
    assert "last_error" in st


def test_async_decorator_covers_the_awaited_body(provider):
    t = provider.get_tracer("test")

    @t.start_as_current_span("handler")
    async def handler(x):
        await asyncio.sleep(0.01)
        with t.start_as_current_span("inner"):
            await asyncio.sleep(0)
        return x + 1

    async def main():
        return await asyncio.gather(handler(1), handler(2))

    assert asyncio.run(main()) == [2, 3]
    spans = provider.finished_spans()
    handlers = {s["span_id"] for s in spans if s["name"] == "handler"}
    inners = [s for s in spans if s["name"] == "inner"]
    assert len(handlers) == 2 and len(inners) == 2
    # each inner ended before its handler and is the child of its own one
    assert {s["parent_span_id"] for s in inners} == handlers


def test_equal_values_of_different_types_keep_their_types(provider):
    t = provider.get_tracer("test")
    for value in (1, True, 1.0, "1"):
        t.start_span("s", attributes={"v": value}).end()
    got = [s["attributes"]["v"] for s in provider.finished_spans()]
    assert [type(v) for v in got] == [int, bool, float, str]


def test_more_bad_arguments(provider):
    t = provider.get_tracer("test")
    s = t.start_span("x")
    with pytest.raises(ValueError, match="out of range"):
        s.add_event("e", timestamp=-1)
    with pytest.raises(TypeError, match="timestamp"):
        s.add_event("e", timestamp="now")
    with pytest.raises(ValueError, match="end_time"):
        s.end(end_time=1 << 70)
    with pytest.raises(TypeError, match="start_time"):
        t.start_span("y", start_time=[])
    with pytest.raises(TypeError, match="mapping"):
        s.set_attributes(["k", "v"])
    with pytest.raises(TypeError, match="context"):
        t.start_span("y", context=42)
    with pytest.raises(TypeError):
        t.start_span("y", links=[42])
    with pytest.raises(TypeError, match="event name"):
        s.add_event(None)
    with pytest.raises(TypeError):
        otel_core.TracerProvider(no_such_option="x")
    with pytest.raises(ValueError):
        otel_core.configure(exporter=42)
    s.end()
    assert provider.stats()["spans_ended"] == 1


def test_explicit_times_and_links(provider):
    t = provider.get_tracer("test")
    first = t.start_span("first")
    first.end()
    s = t.start_span("second", start_time=1_000_000_000, links=[first])
    s.add_link(first, {"why": "retry"})
    s.end(end_time=2_000_000_000)
    assert [x["name"] for x in provider.finished_spans()] == ["first", "second"]


def test_attribute_values_at_the_edges(provider):
    import enum

    class Code(enum.IntEnum):
        OK = 200

    class Name(str):
        pass

    t = provider.get_tracer("test")
    attrs = {"min": -(1 << 63), "max": (1 << 63) - 1, "neg0": -0.0, "enum": Code.OK,
             "sub": Name("n"), "surrogate": "a\udc80b", "empty": "", "f": False}
    t.start_span("edges", attributes=attrs).end()
    t.start_span("edges2", attributes=dict(attrs)).end()  # the cached conversion
    spans = by_name(provider)
    for name in ("edges", "edges2"):
        got = spans[name]["attributes"]
        assert got["min"] == -(1 << 63) and got["max"] == (1 << 63) - 1
        assert got["enum"] == 200 and type(got["enum"]) is int
        assert got["sub"] == "n" and got["empty"] == "" and got["f"] is False
        # a lone surrogate is invalid UTF-8; the core repairs it as Python would
        assert got["surrogate"] == "a\udc80b".encode("utf-8", "surrogatepass").decode("utf-8", "replace")
