"""The span: otel_core.Span (an opentelemetry.trace.Span when the API is
installed), which owns one reference to a C span, and _Remote, the
non-recording stand-in for a foreign span context."""
import traceback

from ._api import _HAVE_API, _ApiSpan, _OtelStatus, _OtelStatusCode, _otel_trace
from ._core import _ADOPT, _addr, _b, _check, _describe, _exc_text, _ns, ffi, lib, speedups
from .attributes import _attrs

KINDS = {"internal": lib.OTEL_SPAN_KIND_INTERNAL, "server": lib.OTEL_SPAN_KIND_SERVER,
         "client": lib.OTEL_SPAN_KIND_CLIENT, "producer": lib.OTEL_SPAN_KIND_PRODUCER,
         "consumer": lib.OTEL_SPAN_KIND_CONSUMER}
_STATUS = {"unset": lib.OTEL_STATUS_CODE_UNSET, "ok": lib.OTEL_STATUS_CODE_OK,
           "error": lib.OTEL_STATUS_CODE_ERROR}
_INTERNAL = lib.OTEL_SPAN_KIND_INTERNAL

if speedups is not None:
    _SpanBase = speedups.SpanBase
else:
    class _SpanBase:
        """What _speedups.SpanBase does, in Python: owns one reference to a
        C span (and the context made for it), released when collected."""
        __slots__ = ("_addr", "_kind", "_hc", "_span_context", "_ctxa")

        def __new__(cls, address=0, kind=_INTERNAL, token=None):
            if token is not _ADOPT:
                raise TypeError("otel_core.Span cannot be made directly: use a tracer's "
                                "start_span or start_as_current_span")
            self = object.__new__(cls)
            self._addr, self._kind = address, kind
            self._hc = self._span_context = None
            self._ctxa = 0
            return self

        def __del__(self, _release=lib.otel_span_release, _cast=ffi.cast):
            try:
                addr, ctxa = self._addr, self._ctxa
            except AttributeError:  # __new__ never finished
                return
            if ctxa:
                lib.otel_context_release(_cast("otel_context *", ctxa))
            _release(_cast("otel_span *", addr))

        def _context_address(self):
            if not self._ctxa and self._addr:
                ctx = lib.otel_context_with_span(lib.otel_context_root(), self._h)
                self._ctxa = int(ffi.cast("uintptr_t", ctx))
            return self._ctxa or int(ffi.cast("uintptr_t", lib.otel_context_root()))

        def end(self, end_time=None):
            # end consumes a reference; this object keeps its own until collected
            lib.otel_py_span_end(self._h, 0 if end_time is None else _ns(end_time, "end_time"))

        def is_recording(self):
            return bool(lib.otel_span_is_recording(self._h))

        def _c_attach(self):
            return lib.otel_context_attach(self._context())


class Span(_SpanBase):
    """A span of the C core. Safe to use from several threads. An
    ``opentelemetry.trace.Span`` (registered as one, not derived: slots make
    the one object per span cheaper to make and to drop). Made by tracers
    only (``Span(...)`` raises TypeError).
    ``end()`` and ``is_recording()`` come from the base."""

    __slots__ = ("__dict__", "__weakref__")

    @property
    def _h(self):
        """The otel_span * as cffi cdata (made once)."""
        h = self._hc
        if h is None:
            h = self._hc = ffi.cast("otel_span *", self._addr)
        return h

    @property
    def kind(self):
        """The span kind (an opentelemetry.trace.SpanKind when the API is
        installed, else its name): instrumentations read it."""
        if _HAVE_API:
            return _otel_trace.SpanKind(self._kind - 1)
        return {v: k for k, v in KINDS.items()}[self._kind]

    def _context(self):
        return ffi.cast("otel_context *", self._context_address())

    @property
    def c_context(self):
        """An ``otel_context *`` (cffi cdata) holding this span, to pass as an
        explicit parent to C code; valid while this Span object lives."""
        return self._context()

    # -- writing
    def set_attribute(self, key, value):
        kb = key.encode() if type(key) is str else _b(key, "attribute key")
        t = type(value)
        if b"\0" in kb and t is not str:  # the scalar setters take C strings
            return self.set_attributes({key: value})
        if t is str:
            vb = value.encode("utf-8", "surrogatepass")
            lib.otel_span_set_attribute_str_n(self._h, kb, len(kb), vb, len(vb))
        elif t is int and -(1 << 63) <= value < (1 << 63):
            lib.otel_span_set_attribute_i64(self._h, kb, value)
        elif isinstance(value, bool):
            lib.otel_span_set_attribute_bool(self._h, kb, int(value))
        elif isinstance(value, int) and -(1 << 63) <= value < (1 << 63):
            lib.otel_span_set_attribute_i64(self._h, kb, value)
        elif isinstance(value, float):
            lib.otel_span_set_attribute_f64(self._h, kb, value)
        elif isinstance(value, str):
            vb = value.encode("utf-8", "surrogatepass")
            lib.otel_span_set_attribute_str_n(self._h, kb, len(kb), vb, len(vb))
        else:
            self.set_attributes({key: value})
        return self

    def set_attributes(self, attributes):
        arr, n, _keep = _attrs(attributes)
        lib.otel_span_set_attributes(self._h, arr, n)
        return self

    def add_event(self, name, attributes=None, timestamp=None):
        nb = _b(name, "event name")
        arr, n, _keep = _attrs(attributes)
        lib.otel_span_add_event_n(self._h, nb, len(nb), arr, n, _ns(timestamp))
        return self

    def add_link(self, context, attributes=None):
        target = context if isinstance(context, Span) else _Remote.of(context)
        arr, n, _keep = _attrs(attributes)
        lib.otel_span_add_link(self._h, target._h, arr, n)
        return self

    def record_exception(self, exception, attributes=None, timestamp=None, escaped=False):
        if not isinstance(exception, BaseException):
            raise TypeError("record_exception needs an exception, not %s" % type(exception).__name__)
        t = _b(type(exception).__qualname__)
        m = _b(_exc_text(exception))  # never replace the caller's exception with ours
        st = _b("".join(traceback.format_exception(type(exception), exception,
                                                   exception.__traceback__)))
        arr, n, _keep = _attrs(attributes)
        lib.otel_span_record_exception_n(self._h, t, len(t), m, len(m), st, len(st), arr, n,
                                         _ns(timestamp))
        return self

    def set_status(self, status, description=None):
        if _HAVE_API and isinstance(status, _OtelStatus):
            status, description = status.status_code.value, status.description
        elif _HAVE_API and isinstance(status, _OtelStatusCode):
            status = status.value
        elif isinstance(status, str):
            if status.lower() not in _STATUS:
                raise ValueError("status must be 'unset', 'ok' or 'error', not %r" % status)
            status = _STATUS[status.lower()]
        elif isinstance(status, bool) or not isinstance(status, int):
            raise TypeError("status must be a StatusCode, a Status, 0, 1, 2 or a name, not %s"
                            % type(status).__name__)
        elif status not in _STATUS.values():
            raise ValueError("status must be 0, 1, 2 or a name, not %r" % (status,))
        d = _b(description, "status description") if description is not None else b""
        lib.otel_span_set_status_n(self._h, status, d, len(d))
        return self

    def update_name(self, name):
        nb = _b(name, "span name")
        lib.otel_span_update_name_n(self._h, nb, len(nb))
        return self

    # -- reading
    def _sc(self):
        sc = ffi.new("otel_span_context *")
        lib.otel_span_get_context(self._h, sc)
        return sc

    @property
    def trace_id(self):
        return int.from_bytes(bytes(self._sc().trace_id), "big")

    @property
    def span_id(self):
        return int.from_bytes(bytes(self._sc().span_id), "big")

    def get_span_context(self):
        # a span's ids, flags and trace state never change: read them once
        out = self._span_context
        if out is None:
            out = self._span_context = self._read_span_context()
        return out

    def _read_span_context(self):
        sc = self._sc()
        tid = int.from_bytes(bytes(sc.trace_id), "big")
        sid = int.from_bytes(bytes(sc.span_id), "big")
        if not _HAVE_API:
            return (tid, sid, sc.trace_flags)
        n = ffi.new("size_t *")
        ts = ffi.string(lib.otel_span_get_trace_state(self._h, n), n[0]).decode()
        state = _otel_trace.TraceState.from_header([ts]) if ts else None
        return _otel_trace.SpanContext(tid, sid, bool(sc.is_remote),
                                       _otel_trace.TraceFlags(sc.trace_flags & 0xFF), state)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is not None and self.is_recording():
            self.record_exception(exc)
            self.set_status("error", _describe(exc_type, exc))
        self.end()
        return False


if _HAVE_API:
    _ApiSpan.register(Span)


class _Remote(Span):
    """A non-recording span standing for a foreign span context."""

    @classmethod
    def of(cls, span_context):
        if not _HAVE_API or not isinstance(span_context, _otel_trace.SpanContext):
            raise TypeError("expected a SpanContext, not %s" % type(span_context).__name__)
        tid, sid = span_context.trace_id, span_context.span_id
        if not (isinstance(tid, int) and isinstance(sid, int) and 0 <= tid < (1 << 128)
                and 0 <= sid < (1 << 64)):
            raise ValueError("SpanContext ids out of range: trace_id needs 128 bits, span_id 64")
        sc = ffi.new("otel_span_context *")
        sc.trace_id = list(tid.to_bytes(16, "big"))
        sc.span_id = list(sid.to_bytes(8, "big"))
        sc.trace_flags = int(span_context.trace_flags) & 0xFF
        sc.is_remote = 1 if span_context.is_remote else 0
        ts = span_context.trace_state.to_header().encode() if span_context.trace_state else b""
        out = ffi.new("otel_span **")
        _check(lib.otel_span_wrap(out, sc, ts, len(ts)), "span_wrap")
        return cls(_addr(out[0]), _INTERNAL, _ADOPT)
