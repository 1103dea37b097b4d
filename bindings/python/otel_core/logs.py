"""Logs for Python on the C core: a LoggerProvider that also implements
``opentelemetry._logs.LoggerProvider`` when opentelemetry-api is installed
(``opentelemetry._logs.set_logger_provider(otel_core.LoggerProvider())``),
its loggers, and ``LoggingHandler``, a ``logging.Handler`` that turns
standard-library records into log records of the C core (level to
severity, message and args to body, ``exc_info`` to the exception
attributes, the current span's ids). One call into C per record."""
import atexit
import logging
import sys
import threading
import traceback
import weakref

from ._core import OtelError, _b, _check, _timeout_ms, ffi, lib
from .attributes import _attr_value, _KEYS, _key_entry
from ._options import _new_options
from .context import get_current_span

try:
    from opentelemetry import _logs as _api
    from opentelemetry.trace import get_current_span as _api_current_span, INVALID_SPAN as _INVALID_SPAN
    _ApiLoggerProvider, _ApiLogger = _api.LoggerProvider, _api.Logger
except ImportError:  # pragma: no cover
    _api = None
    _ApiLoggerProvider = _ApiLogger = object
    _api_current_span = None
    _INVALID_SPAN = None

_NULL = ffi.NULL
_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1
_MAX_DEPTH = 16

STATS = ("records_emitted", "records_queued", "records_exported", "dropped_queue_full",
         "dropped_export_failed", "dropped_shutdown", "dropped_too_large", "dropped_rejected",
         "dropped_attributes", "truncated_values", "invalid_input", "export_batches", "export_errors",
         "export_retries", "last_export_time_ns", "last_error_time_ns")

# ---- AnyValues -------------------------------------------------------------------


def _fill(a, value, keep, depth=0):
    """Writes `value` into the otel_attr cdata `a` as an AnyValue: str, bool,
    int, float, bytes, list/tuple (arrays of any values) and dict (maps,
    nested). Anything else becomes its str()."""
    t = type(value)
    if t is str:
        vb = value.encode("utf-8", "surrogatepass")
        keep.append(vb)
        a.type, a.ptr, a.len = 1, ffi.from_buffer(vb), len(vb)
    elif t is bool:
        a.type, a.bool_value = 2, int(value)
    elif t is int and _I64_MIN <= value <= _I64_MAX:
        a.type, a.int_value = 3, value
    elif t is float:
        a.type, a.double_value = 4, value
    elif isinstance(value, (bytes, bytearray, memoryview)):
        vb = bytes(value)
        keep.append(vb)
        a.type, a.ptr, a.len = 9, ffi.from_buffer(vb), len(vb)
    elif depth >= _MAX_DEPTH:
        raise ValueError("log value nested deeper than %d levels" % _MAX_DEPTH)
    elif isinstance(value, (list, tuple)):
        arr = ffi.new("otel_attr[]", max(len(value), 1))
        keep.append(arr)
        for i, v in enumerate(value):
            _fill(arr[i], v, keep, depth + 1)
        a.type, a.ptr, a.len = 10, arr, len(value)
    elif isinstance(value, dict):
        arr, n = _entries(value, keep, depth + 1)
        a.type, a.ptr, a.len = 11, arr, n
    elif value is None:
        a.type = 0
    else:
        _fill(a, str(value), keep, depth)


def _entries(mapping, keep, depth=0):
    arr = ffi.new("otel_attr[]", max(len(mapping), 1))
    keep.append(arr)
    i = 0
    for key, value in mapping.items():
        if value is None:  # an unset attribute, not a value
            continue
        k = _KEYS.get(key)
        if k is None:
            k = _key_entry(key if isinstance(key, str) else str(key))
        keep.append(k)
        a = arr[i]
        a.key, a.key_len = k[1], k[2]
        _fill(a, value, keep, depth)
        i += 1
    return arr, i


def _attrs(attributes, keep):
    if not attributes:
        return _NULL, 0
    return _entries(attributes, keep)


def _body(body, keep):
    if body is None:
        return _NULL
    a = ffi.new("otel_attr *")
    keep.append(a)
    _fill(a, body, keep)
    return a


def _value_of(a):
    """An AnyValue back as Python (for finished_records())."""
    t = a.type
    if t == 9:
        return ffi.unpack(ffi.cast("char *", a.ptr), a.len)
    if t == 10:
        p = ffi.cast("otel_attr *", a.ptr)
        return [_value_of(p[i]) for i in range(a.len)]
    if t == 11:
        p = ffi.cast("otel_attr *", a.ptr)
        return {ffi.unpack(p[i].key, p[i].key_len).decode(): _value_of(p[i]) for i in range(a.len)}
    return _attr_value(a)


def _record_dict(r):
    sc = ffi.new("otel_span_context *")
    lib.otel_log_record_span_context(r, sc)
    st, ev = lib.otel_log_record_severity_text(r), lib.otel_log_record_event_name(r)
    attrs = {}
    for i in range(lib.otel_log_record_attr_count(r)):
        a = lib.otel_log_record_attr(r, i)
        attrs[ffi.unpack(a.key, a.key_len).decode()] = _value_of(a)
    return {
        "timestamp": lib.otel_log_record_timestamp(r),
        "observed_timestamp": lib.otel_log_record_observed_timestamp(r),
        "severity_number": lib.otel_log_record_severity(r),
        "severity_text": ffi.unpack(st.ptr, st.len).decode(),
        "body": _value_of(lib.otel_log_record_body(r)),
        "attributes": attrs,
        "dropped_attributes": lib.otel_log_record_dropped_attributes(r),
        "event_name": ffi.unpack(ev.ptr, ev.len).decode(),
        "trace_id": int.from_bytes(bytes(sc.trace_id), "big"),
        "span_id": int.from_bytes(bytes(sc.span_id), "big"),
        "trace_flags": sc.trace_flags,
        "scope": ffi.string(lib.otel_log_record_scope_name(r)).decode(),
    }


# ---- the trace context --------------------------------------------------------------


def _span_args(context=None):
    """(otel_span *, ids, flags) of the span current in `context` (Python's
    context: contextvars), for otel_py_log."""
    span = get_current_span(context)
    if span is None:
        return _NULL, _NULL, 0
    h = getattr(span, "_h", None)
    if h is not None:
        return h, _NULL, 0
    sc = span.get_span_context()
    if not sc.is_valid:
        return _NULL, _NULL, 0
    return _NULL, sc.trace_id.to_bytes(16, "big") + sc.span_id.to_bytes(8, "big"), int(sc.trace_flags)


# ---- provider and loggers -------------------------------------------------------------

_providers = weakref.WeakSet()


def _sev(severity_number):
    if severity_number is None:
        return 0
    return int(getattr(severity_number, "value", severity_number))


class Logger(_ApiLogger):
    """A logger of one scope. ``emit()`` takes the API's LogRecord or its
    fields as keywords. Thread-safe."""

    def __init__(self, provider, name, version=None, schema_url=None, attributes=None):
        self._provider = provider  # keeps the C provider alive
        self._name, self._version, self._schema_url, self._attributes = name, version, schema_url, attributes
        keep = []
        nb, vb, sb = _b(name or "", "logger name"), _b(version or ""), _b(schema_url or "")
        arr, n = _attrs(attributes, keep)
        self._lg = lib.otel_logger_provider_get_logger_n(provider._lp, nb, len(nb), vb, len(vb), sb, len(sb),
                                                         arr, n)
        if self._lg == _NULL:
            raise OtelError("get_logger: %s" % ffi.string(lib.otel_last_error()).decode())

    def enabled(self, *, context=None, severity_number=None, event_name=None):
        eb = _b(event_name) if event_name else b""
        return bool(lib.otel_logger_enabled(self._lg, _sev(severity_number), eb, len(eb)))

    def emit(self, record=None, *, timestamp=None, observed_timestamp=None, context=None,
             severity_number=None, severity_text=None, body=None, attributes=None, event_name=None,
             exception=None):
        if record is not None:
            timestamp, observed_timestamp = record.timestamp, record.observed_timestamp
            context = getattr(record, "context", None)
            severity_number, severity_text = record.severity_number, record.severity_text
            body, attributes = record.body, record.attributes
            event_name = getattr(record, "event_name", None)
            exception = getattr(record, "exception", None)
            tid, sid = getattr(record, "trace_id", 0), getattr(record, "span_id", 0)
        else:
            tid = sid = 0
        keep = []
        if exception is not None:
            attributes = dict(attributes or {})
            attributes.update(_exception_attrs(type(exception), exception, exception.__traceback__))
        arr, n = _attrs(attributes, keep)
        if tid and sid:
            span, ids, flags = _NULL, tid.to_bytes(16, "big") + sid.to_bytes(8, "big"), int(record.trace_flags or 0)
        else:
            span, ids, flags = _span_args(context)
        st = _b(severity_text) if severity_text else b""
        ev = _b(event_name) if event_name else b""
        lib.otel_py_log(self._lg, _sev(severity_number), st, len(st), _body(body, keep), _NULL, 0, arr, n,
                        timestamp or 0, observed_timestamp or 0, span, ids, flags, ev, len(ev))


class LoggerProvider(_ApiLoggerProvider):
    """A logger provider of the C core, configured from OTEL_* keywords and
    the environment (keywords win). ``exporter``: "otlp" (the default, or
    OTEL_LOGS_EXPORTER), "console", "none", "memory" (records readable with
    ``finished_records()``) or "file:<path>" (OTLP/JSON lines). ``batch``
    chooses the batch processor (OTEL_BLRP_*) over the simple one."""

    def __init__(self, exporter=None, batch=True, **settings):
        self._loggers = {}
        self._lock = threading.Lock()
        self._mem = None
        o = _new_options(settings)
        try:
            out = ffi.new("otel_logger_provider **")
            if exporter is None or exporter in ("otlp", "console", "none"):
                if exporter is not None:
                    nb, vb = b"OTEL_LOGS_EXPORTER", exporter.encode()
                    _check(lib.otel_options_set_n(o, nb, len(nb), vb, len(vb)), "exporter")
                _check(lib.otel_logger_provider_new(out, o), "logger_provider_new")
            else:
                e = ffi.new("otel_log_exporter **")
                if exporter == "memory":
                    _check(lib.otel_log_exporter_in_memory_new(e), "in-memory log exporter")
                elif isinstance(exporter, str) and exporter.startswith("file:"):
                    _check(lib.otel_log_exporter_file_new(e, _b(exporter[5:], "file path")), "file log exporter")
                else:
                    raise ValueError("exporter must be otlp, console, none, memory or file:<path>, not %r"
                                     % (exporter,))
                p = ffi.new("otel_log_processor **")
                st = (lib.otel_log_processor_batch_new(p, e[0], o) if batch
                      else lib.otel_log_processor_simple_new(p, e[0]))
                if exporter == "memory" and st == lib.OTEL_OK:
                    self._mem = e[0]
                else:
                    lib.otel_log_exporter_release(e[0])
                _check(st, "log processor")
                st = lib.otel_logger_provider_new_with(out, o, p, 1)
                lib.otel_log_processor_release(p[0])
                _check(st, "logger_provider_new")
            self._lp = out[0]
        finally:
            lib.otel_options_free(o)
        _providers.add(self)

    def get_logger(self, name, version=None, schema_url=None, attributes=None):
        try:
            key = (name, version, schema_url, tuple(sorted((attributes or {}).items())))
        except TypeError:
            key = None
        lg = self._loggers.get(key) if key is not None else None
        if lg is None:
            lg = Logger(self, name, version, schema_url, attributes)
            if key is not None:
                with self._lock:
                    lg = self._loggers.setdefault(key, lg)
        return lg

    def force_flush(self, timeout_millis=30000):
        return lib.otel_logger_provider_force_flush(self._lp, _timeout_ms(timeout_millis)) == lib.OTEL_OK

    def shutdown(self, timeout_millis=30000):
        return lib.otel_logger_provider_shutdown(self._lp, _timeout_ms(timeout_millis)) == lib.OTEL_OK

    def stats(self):
        """The provider's counters by name (records emitted, exported,
        dropped by reason, export batches, errors, retries)."""
        v = ffi.new("uint64_t[]", len(STATS))
        n = lib.otel_logger_provider_get_stats(self._lp, v, len(STATS))
        return {STATS[i]: v[i] for i in range(n)}

    def finished_records(self):
        """With exporter="memory": every exported record as a dict."""
        if self._mem is None:
            raise OtelError('finished_records() needs LoggerProvider(exporter="memory")')
        return [_record_dict(lib.otel_log_exporter_in_memory_get(self._mem, i))
                for i in range(lib.otel_log_exporter_in_memory_count(self._mem))]

    def __del__(self):
        lp, self._lp = getattr(self, "_lp", None), None
        if lp:
            lib.otel_logger_provider_release(lp)
        mem, self._mem = getattr(self, "_mem", None), None
        if mem:
            lib.otel_log_exporter_release(mem)


@atexit.register
def _at_exit():
    for p in list(_providers):
        if p._lp:
            lib.otel_logger_provider_shutdown(p._lp, 5000)


# ---- logging.Handler ------------------------------------------------------------------

# logging's own LogRecord attributes: everything else on a record came from
# `extra=` and becomes an attribute
_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
_BASE = len(vars(logging.LogRecord("", 0, "", 0, "", (), None)))


def _severity(levelno):
    """The standard library level as a severity number, as
    opentelemetry-sdk maps it (DEBUG 5, INFO 9, WARNING 13, ERROR 17,
    CRITICAL 21, and +1..+3 for the levels just above each)."""
    if levelno < 10:
        return 0
    if levelno >= 53:
        return 24
    return 1 + 4 * (levelno // 10) + min(levelno % 10, 3)


_SEVERITY = [_severity(i) for i in range(64)]


def _exception_attrs(etype, value, tb):
    return {"exception.type": getattr(etype, "__qualname__", str(etype)),
            "exception.message": str(value),
            "exception.stacktrace": "".join(traceback.format_exception(etype, value, tb))}


# Strings that repeat record after record (paths, function names, level
# names), encoded once: (bytes, (pointer, length)).
_CSTR = {}
_K_PATH, _K_FUNC = _key_entry("code.file.path")[1:], _key_entry("code.function.name")[1:]
_K_LINE = _key_entry("code.line.number")[1:]
_LEVEL_NAMES = {}


def _cstr(s):
    hit = _CSTR.get(s)
    if hit is None:
        vb = _b(s if s is not None else "")
        if len(_CSTR) >= 4096:
            _CSTR.clear()
        hit = _CSTR[s] = (vb, (ffi.from_buffer(vb), len(vb)))
    return hit


def _level_name(name):
    b = _b(str(name))
    if len(_LEVEL_NAMES) < 256:
        _LEVEL_NAMES[name] = b
    return b


class LoggingHandler(logging.Handler):
    """Sends standard-library log records to a logger of `logger_provider`
    (default: the provider ``opentelemetry._logs`` has, else a new
    otel_core LoggerProvider). The logger is the record's logger name."""

    def __init__(self, level=logging.NOTSET, logger_provider=None):
        super().__init__(level=level)
        if logger_provider is None:
            logger_provider = _api.get_logger_provider() if _api is not None else None
            if not isinstance(logger_provider, LoggerProvider):
                logger_provider = LoggerProvider()
        self._provider = logger_provider
        self._loggers = {}

    def _logger(self, name):
        lg = self._loggers.get(name)
        if lg is None:
            lg = self._loggers[name] = self._provider.get_logger(name)
        return lg

    def emit(self, record):
        try:
            lg = self._loggers.get(record.name) or self._logger(record.name)
            levelno = record.levelno
            sev = _SEVERITY[levelno] if 0 <= levelno < 64 else _severity(levelno)
            keep = None
            d = record.__dict__
            if len(d) > _BASE or record.exc_info:  # extra= or an exception: the general path
                attrs = {"code.file.path": record.pathname, "code.function.name": record.funcName,
                         "code.line.number": record.lineno}
                for k, v in d.items():
                    if k not in _RESERVED:
                        attrs[k] = v
                if record.exc_info and record.exc_info[0] is not None:
                    attrs.update(_exception_attrs(*record.exc_info))
                keep = []
                arr, n = _entries(attrs, keep)
            else:  # the common record: three attributes in one cffi call
                p, f = _cstr(record.pathname), _cstr(record.funcName)
                arr, n = ffi.new("otel_attr[]", (_K_PATH + (1, 0, 0, 0.0) + p[1], _K_FUNC + (1, 0, 0, 0.0) + f[1],
                                                 _K_LINE + (3, 0, record.lineno, 0.0, _NULL, 0))), 3
            msg = record.getMessage()
            mb = msg.encode("utf-8", "surrogatepass") if type(msg) is str else _b(str(msg))
            span, ids, flags = _span_args()
            lt = _LEVEL_NAMES.get(record.levelname) or _level_name(record.levelname)
            lib.otel_py_log(lg._lg, sev, lt, len(lt), _NULL, mb, len(mb), arr, n, int(record.created * 1e9), 0,
                            span, ids, flags, b"", 0)
        except Exception:  # as logging.Handler does: never raise into the caller
            self.handleError(record)

    def flush(self):
        self._provider.force_flush()
