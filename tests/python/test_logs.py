"""Logs from Python: the logging.Handler (level to severity, message and
args to body, extra= to attributes, exc_info to the exception attributes,
the current span's ids), the opentelemetry-api drop-in
(set_logger_provider, Logger.emit with the API's LogRecord), every AnyValue
shape, the batch processor, and the stats."""
import logging
import subprocess
import sys

import pytest

import otel_core
from otel_core.logs import _severity

_logs = pytest.importorskip("opentelemetry._logs")


@pytest.fixture
def lp():
    p = otel_core.LoggerProvider(exporter="memory", batch=False)
    yield p
    p.shutdown(2000)


@pytest.fixture
def log(lp):
    logger = logging.getLogger("test.logs.%d" % id(lp))
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    h = otel_core.LoggingHandler(logger_provider=lp)
    logger.addHandler(h)
    yield logger
    logger.removeHandler(h)


def test_level_to_severity_as_opentelemetry_sdk_maps_it():
    from opentelemetry.sdk._logs._internal import std_to_otel
    for level in range(0, 60):
        assert _severity(level) == std_to_otel(level).value, level


def test_message_args_level_and_scope(lp, log):
    log.warning("hello %s, %d", "ada", 3)
    (r,) = lp.finished_records()
    assert r["body"] == "hello ada, 3"
    assert r["severity_number"] == 13 and r["severity_text"] == "WARNING"
    assert r["scope"] == log.name
    assert r["attributes"]["code.function.name"] == "test_message_args_level_and_scope"
    assert r["attributes"]["code.file.path"] == __file__
    assert r["timestamp"] > 0 and r["observed_timestamp"] >= r["timestamp"] - 10**9


def test_extra_becomes_attributes_of_any_shape(lp, log):
    log.info("x", extra={"user": "ada", "n": 7, "ok": True, "ratio": 0.5, "raw": b"\x00\xff",
                         "nested": {"ids": [1, "two", None, 3.0], "deep": {"k": "v"}}})
    a = lp.finished_records()[0]["attributes"]
    assert a["user"] == "ada" and a["n"] == 7 and a["ok"] is True and a["ratio"] == 0.5
    assert a["raw"] == b"\x00\xff"
    assert a["nested"] == {"ids": [1, "two", None, 3.0], "deep": {"k": "v"}}


def test_exc_info_gives_the_exception_attributes(lp, log):
    try:
        raise KeyError("missing")
    except KeyError:
        log.exception("failed")
    a = lp.finished_records()[0]["attributes"]
    assert a["exception.type"] == "KeyError"
    assert a["exception.message"] == "'missing'"
    assert "raise KeyError" in a["exception.stacktrace"]
    assert lp.finished_records()[0]["severity_number"] == 17


def test_the_current_span_ids_are_on_the_record(lp, log):
    tp = otel_core.TracerProvider(exporter="memory", traces_sampler="always_on")
    with tp.get_tracer("t").start_as_current_span("op") as span:
        log.info("inside")
    log.info("outside")
    inside, outside = lp.finished_records()
    sc = span.get_span_context()
    assert inside["trace_id"] == sc.trace_id and inside["span_id"] == sc.span_id
    assert inside["trace_flags"] == int(sc.trace_flags)
    assert outside["trace_id"] == 0 and outside["span_id"] == 0
    tp.shutdown(2000)


def test_a_span_of_another_sdk_gives_its_ids(lp):
    from opentelemetry import trace
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
    sc = SpanContext(0x1234, 0x5678, is_remote=False, trace_flags=TraceFlags(1))
    with trace.use_span(NonRecordingSpan(sc)):
        lp.get_logger("x").emit(body="foreign")
    r = lp.finished_records()[0]
    assert (r["trace_id"], r["span_id"], r["trace_flags"]) == (0x1234, 0x5678, 1)


def test_dropin_for_the_api(lp):
    from opentelemetry._logs import LogRecord, SeverityNumber
    assert isinstance(lp, _logs.LoggerProvider)
    logger = lp.get_logger("api.scope", "1.2", "https://schema", {"team": "core"})
    assert isinstance(logger, _logs.Logger)
    assert logger is lp.get_logger("api.scope", "1.2", "https://schema", {"team": "core"})
    logger.emit(LogRecord(timestamp=5, severity_number=SeverityNumber.ERROR, severity_text="E",
                          body={"k": [1, 2]}, attributes={"a": "b"}, event_name="ev.name"))
    logger.emit(severity_number=SeverityNumber.INFO, body="kw", exception=ValueError("bad"))
    r1, r2 = lp.finished_records()
    assert r1["timestamp"] == 5 and r1["severity_number"] == 17 and r1["severity_text"] == "E"
    assert r1["body"] == {"k": [1, 2]} and r1["attributes"] == {"a": "b"} and r1["event_name"] == "ev.name"
    assert r2["body"] == "kw" and r2["attributes"]["exception.type"] == "ValueError"
    assert logger.enabled(severity_number=SeverityNumber.INFO)


def test_set_logger_provider_and_the_sdk_style_handler_setup():
    code = """
import logging, otel_core
from opentelemetry import _logs
lp = otel_core.LoggerProvider(exporter="memory", batch=False)
_logs.set_logger_provider(lp)
logging.getLogger().addHandler(otel_core.LoggingHandler())  # takes the global provider
logging.getLogger().warning("via the global")
_logs.get_logger("direct").emit(body="direct")
print(sorted(r["body"] for r in lp.finished_records()))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['direct', 'via the global']"


def test_batch_processor_and_stats():
    lp = otel_core.LoggerProvider(exporter="memory", blrp_schedule_delay=600000)
    logger = lp.get_logger("b")
    for i in range(10):
        logger.emit(body=i)
    assert lp.finished_records() == []  # queued: the timer is 10 minutes
    assert lp.force_flush(5000)
    assert [r["body"] for r in lp.finished_records()] == list(range(10))
    lp.shutdown(5000)
    logger.emit(body="late")
    s = lp.stats()
    assert s["records_emitted"] == 11 and s["records_exported"] == 10 and s["dropped_shutdown"] == 1


def test_bad_input_never_raises_into_the_caller(lp, log, monkeypatch):
    class Unprintable:
        def __str__(self):
            raise RuntimeError("no")
    errors = []
    monkeypatch.setattr(log.handlers[0], "handleError", errors.append)
    rec = logging.LogRecord(log.name, logging.INFO, __file__, 1, "value %s", (Unprintable(),), None)
    log.handlers[0].emit(rec)  # goes to logging's own handleError
    assert lp.finished_records() == [] and len(errors) == 1
    with pytest.raises(ValueError):
        otel_core.LoggerProvider(exporter="bogus")
    with pytest.raises(TypeError):
        otel_core.LoggerProvider(exporter="memory", not_an_option=1)
    deep = []
    for _ in range(40):
        deep = [deep]
    with pytest.raises(ValueError):
        lp.get_logger("x").emit(body=deep)
