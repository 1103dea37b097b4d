"""otel_core: an OpenTelemetry SDK for Python backed by libotel_core.

Spans are made, batched and exported by the C library the whole process
shares, so a trace that crosses C, Python, Lua and Ruby leaves in one
request. Two ways in:

* its own API::

      import otel_core
      otel_core.configure(service_name="checkout")
      tracer = otel_core.get_tracer("shop")
      with tracer.start_as_current_span("GET /cart", kind="server") as span:
          span.set_attribute("cart.items", 3)

* a drop-in SDK for opentelemetry-api (when it is installed)::

      from opentelemetry import trace
      trace.set_tracer_provider(otel_core.TracerProvider())

The current span lives in ``opentelemetry.context`` when opentelemetry-api
is installed (so both APIs see the same current span), else in a
``contextvars.ContextVar``; either way asyncio tasks and threads each see
their own. The span current in Python is also attached in C around a
``with`` block, so C code called from there makes children of it.
"""
import atexit
import contextlib
import contextvars
import functools
import inspect
import os
import threading
import traceback
import weakref

from asyncio.events import _get_running_loop

from ._native import ffi, lib

_ADOPT = object()  # passed by the package (only) to make a Span from an address

try:  # CPython: the span hot path in C (ADR 0005); elsewhere cffi does it all
    if os.environ.get("OTEL_CORE_PY_SPEEDUPS", "on").lower() in ("0", "off", "false"):
        raise ImportError("disabled by OTEL_CORE_PY_SPEEDUPS")
    from ._speedups import SpanBase as _SpanBase
    from ._speedups import start as _fast_start
    from ._speedups import _setup as _speedups_setup
    from ._speedups import _c_detach
except ImportError:
    _fast_start = None

    def _c_detach(token):
        if token:
            lib.otel_context_detach(token)

    class _SpanBase:
        """What _speedups.SpanBase does, in Python: owns one reference to a
        C span (and the context made for it), released when collected."""
        __slots__ = ("_addr", "_kind", "_hc", "_span_context", "_ctxa")

        def __new__(cls, address=0, kind=1, token=None):
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

try:  # the drop-in layer is optional
    from opentelemetry import context as _otel_context
    from opentelemetry import trace as _otel_trace
    from opentelemetry.trace.status import Status as _OtelStatus
    from opentelemetry.trace.status import StatusCode as _OtelStatusCode
    _HAVE_API = True
    _ApiTracerProvider = _otel_trace.TracerProvider
    _ApiTracer = _otel_trace.Tracer
    _ApiSpan = _otel_trace.Span
except ImportError:  # pragma: no cover - exercised when the API is absent
    _HAVE_API = False
    _ApiTracerProvider = _ApiTracer = _ApiSpan = object

# The API's current context is one ContextVar holding a dict; reading it
# directly saves two function calls per span start. Any other runtime
# context (OTEL_PYTHON_CONTEXT) goes through the public functions.
_api_cv = _SPAN_KEY = None
if _HAVE_API:
    try:
        from opentelemetry.context.contextvars_context import ContextVarsRuntimeContext
        from opentelemetry.trace.propagation import _SPAN_KEY
        if type(_otel_context._RUNTIME_CONTEXT) is ContextVarsRuntimeContext:
            _api_cv = _otel_context._RUNTIME_CONTEXT._current_context
    except (ImportError, AttributeError):  # pragma: no cover - a different API layout
        _api_cv = None

# the API's ContextVar runtime, set in C (CPython with the speedups)
_fast_set = None
if _api_cv is not None and _fast_start is not None:
    from ._speedups import _set_current as _fast_set

__all__ = ["configure", "get_tracer", "TracerProvider", "Tracer", "Span", "inject",
           "extract", "get_current_span", "c_current_span", "c_attached", "use_span", "stats", "force_flush",
           "shutdown", "OtelError", "MeterProvider", "get_meter"]

_ROOT = lib.otel_context_root()
_NULL = ffi.NULL
KINDS = {"internal": 1, "server": 2, "client": 3, "producer": 4, "consumer": 5}
_STATUS = {"unset": 0, "ok": 1, "error": 2}


class OtelError(RuntimeError):
    """A libotel_core call failed; the message is the library's."""


class OtelValueError(OtelError, ValueError):
    """The library rejected an argument (invalid, unparsable, over a limit)."""


_BAD_ARGUMENT = (1, 6, 9)  # OTEL_ERR_INVALID_ARGUMENT, _PARSE, _LIMIT


def _exc_text(exc):
    """str(exc), whatever the exception's __str__ does."""
    try:
        return str(exc)
    except Exception:
        return "<unprintable %s>" % type(exc).__qualname__


def _describe(exc_type, exc):
    """An ERROR status description."""
    return "%s: %s" % (exc_type.__name__, _exc_text(exc))


def _check(status, what):
    if status != 0:
        cls = OtelValueError if status in _BAD_ARGUMENT else OtelError
        raise cls("%s: %s" % (what, ffi.string(lib.otel_last_error()).decode()))


def _ns(t, what="timestamp"):
    """A timestamp in ns since the epoch as uint64 (0: now)."""
    if t is None:
        return 0
    if isinstance(t, bool) or not isinstance(t, (int, float)):
        raise TypeError("%s must be int or float nanoseconds, not %s" % (what, type(t).__name__))
    if not 0 <= t < (1 << 64):
        raise ValueError("%s %r is out of range (ns since the epoch)" % (what, t))
    return int(t)


if _fast_start is not None:
    _speedups_setup(lambda t: _ns(t, "end_time"), _ADOPT)


def _timeout_ms(t):
    """A timeout in ms as uint32 (longer ones are capped: ~49 days)."""
    if isinstance(t, bool) or not isinstance(t, (int, float)):
        raise TypeError("timeout_millis must be a number, not %s" % type(t).__name__)
    if not t >= 0:
        raise ValueError("timeout_millis must be >= 0, not %r" % (t,))
    return int(min(t, 0xFFFFFFFF))


def _b(s, what="value"):
    if isinstance(s, str):
        return s.encode("utf-8", "surrogatepass")
    if isinstance(s, (bytes, bytearray)):
        return bytes(s)
    raise TypeError("%s must be str, not %s" % (what, type(s).__name__))


# ---- attributes ---------------------------------------------------------------

_ATTR_CACHE = {}
_ATTR_CACHE_MAX = 4096
_SCALARS = frozenset((str, int, float, bool))
_NO_ATTRS = (ffi.NULL, 0, None)


def _attrs(attributes):
    """(otel_attr[] cdata, count, keep-alive) for a mapping of attributes.
    Sets of hashable values are converted once and reused: metric hot paths
    pass the same few sets over and over."""
    if not attributes:
        return _NO_ATTRS
    try:
        # the value types are part of the key: 1, 1.0 and True are equal
        # (and hash alike) in Python but are three attribute types
        key = (*attributes.items(), *map(type, attributes.values()))
        hit = _ATTR_CACHE.get(key)
        if hit is not None:
            return hit
    except (AttributeError, TypeError):  # not a mapping, or unhashable values
        key = None
    built = _build_attrs(attributes)
    # only sets of scalars are kept: a tuple's elements are not typed in
    # the key ((1,) == (True,), (1, 2) == (1.0, 2)); none being stored, a
    # lookup with one can never hit
    if key is not None and _SCALARS.issuperset(key[len(attributes):]):
        if len(_ATTR_CACHE) >= _ATTR_CACHE_MAX:
            _ATTR_CACHE.clear()
        _ATTR_CACHE[key] = built
    return built


_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1


def _build_attrs(attributes):
    if not hasattr(attributes, "items"):
        raise TypeError("attributes must be a mapping, not %s" % type(attributes).__name__)
    # str, int, float and bool values (the common case): rows that cffi
    # turns into the struct array in one call
    rows, keep = [], []
    for key, value in attributes.items():
        k = _KEYS.get(key)
        if k is None:
            k = _key_entry(key)
        t = type(value)
        if t is str:
            vb = value.encode("utf-8", "surrogatepass")
            keep.append(vb)
            rows.append((k[1], k[2], 1, 0, 0, 0.0, ffi.from_buffer(vb), len(vb)))
        elif t is int and _I64_MIN <= value <= _I64_MAX:
            rows.append((k[1], k[2], 3, 0, value, 0.0, _NULL, 0))
        elif t is float:
            rows.append((k[1], k[2], 4, 0, 0, value, _NULL, 0))
        elif t is bool:
            rows.append((k[1], k[2], 2, value, 0, 0.0, _NULL, 0))
        else:
            return _build_attrs_generic(attributes)
        keep.append(k)
    arr = ffi.new("otel_attr[]", rows)
    keep.append(arr)
    return arr, len(rows), keep


def _build_attrs_generic(attributes):
    n = len(attributes)
    arr = ffi.new("otel_attr[]", n)
    keep = [arr]
    i = 0
    for key, value in attributes.items():
        k = _KEYS.get(key)
        if k is None:
            k = _key_entry(key)
        keep.append(k)
        a = arr[i]
        a.key, a.key_len = k[1], k[2]
        _set_value(a, value, keep, key)
        i += 1
    return arr, i, keep


_KEYS = {}  # attribute key -> (UTF-8 bytes, pointer to them, length): keys repeat


def _key_entry(key):
    kb = _b(key, "attribute key")
    k = (kb, ffi.from_buffer(kb), len(kb))
    if type(key) is str:
        if len(_KEYS) >= _ATTR_CACHE_MAX:
            _KEYS.clear()
        _KEYS[key] = k
    return k


def _set_value(a, value, keep, key):
    if isinstance(value, bool):
        a.type, a.bool_value = 2, int(value)
    elif isinstance(value, int):
        if not -(1 << 63) <= value < (1 << 63):
            raise ValueError("attribute %r: %d does not fit in int64" % (key, value))
        a.type, a.int_value = 3, value
    elif isinstance(value, float):
        a.type, a.double_value = 4, value
    elif isinstance(value, (str, bytes)):
        vb = _b(value)
        keep.append(vb)
        a.type, a.ptr, a.len = 1, ffi.from_buffer(vb), len(vb)
    elif isinstance(value, (list, tuple)):
        _set_array(a, list(value), keep, key)
    else:
        raise TypeError("attribute %r: unsupported type %s" % (key, type(value).__name__))


def _set_array(a, values, keep, key):
    kinds = {type(v) for v in values}
    if not values or kinds <= {str}:
        strs = [_b(v) for v in values]
        arr = ffi.new("otel_str[]", max(len(strs), 1))
        for i, s in enumerate(strs):
            arr[i].ptr = ffi.from_buffer(s)
            arr[i].len = len(s)
        keep.extend(strs)
        keep.append(arr)
        a.type, a.ptr, a.len = 5, arr, len(strs)
    elif kinds == {bool}:
        arr = ffi.new("int[]", [int(v) for v in values])
        keep.append(arr)
        a.type, a.ptr, a.len = 6, arr, len(values)
    elif kinds == {int}:
        if not all(_I64_MIN <= v <= _I64_MAX for v in values):
            raise ValueError("attribute %r: an array element does not fit in int64" % (key,))
        arr = ffi.new("int64_t[]", values)
        keep.append(arr)
        a.type, a.ptr, a.len = 7, arr, len(values)
    elif kinds <= {int, float}:
        try:
            arr = ffi.new("double[]", [float(v) for v in values])
        except OverflowError:
            raise ValueError("attribute %r: an array element does not fit in a double" % (key,)) from None
        keep.append(arr)
        a.type, a.ptr, a.len = 8, arr, len(values)
    else:
        raise TypeError("attribute %r: arrays must hold one type (str, bool, int or float)" % (key,))


# ---- the current span ---------------------------------------------------------

_current = contextvars.ContextVar("otel_core_current_span", default=None)


def get_current_span(context=None):
    """The span current in `context` (default: this task's), or None."""
    if context is not None and not isinstance(context, dict):  # Context is a dict
        raise TypeError("context must be a Context, not %s" % type(context).__name__)
    if _HAVE_API:
        span = _otel_trace.get_current_span(context)
        return span if span is not _otel_trace.INVALID_SPAN else None
    return _current.get() if context is None else context.get("span")


def _parent_span(parent):
    """The Span standing for an explicit or current parent, or None. A
    foreign API span becomes a non-recording Span with its ids."""
    span = parent
    if parent is None:
        span = get_current_span()
    elif _HAVE_API and isinstance(parent, _otel_context.Context):
        span = get_current_span(parent)
    if span is None or isinstance(span, Span):
        return span
    if _HAVE_API and isinstance(span, _ApiSpan):
        sc = span.get_span_context()
        return _Remote.of(sc) if sc.is_valid else None
    raise TypeError("context must be a Span or a Context, not %s" % type(parent).__name__)


def _c_parent(span):
    """The otel_context* of a parent Span (owned by it: keep it alive)."""
    return span._context() if span is not None else lib.otel_context_root()


def _attach_in_c(span):
    """Makes `span` current in C on this thread for a synchronous block, so
    C code called from Python makes children of it; the token for
    _c_detach (0: not attached). Not while an asyncio loop runs on the
    thread: tasks interleave their blocks, which would detach C contexts
    out of order; there C code takes the parent explicitly
    (Span.c_context) or inside ``with otel_core.c_attached():``."""
    return span._c_attach() if isinstance(span, Span) and _get_running_loop() is None else 0


@contextlib.contextmanager
def c_attached(context=None):
    """Makes the current span (or the one in `context`) current in C on this
    thread for the block, also inside asyncio tasks (keep the block free of
    ``await``): C code called inside starts children of it."""
    span = _parent_span(context)
    token = lib.otel_context_attach(_c_parent(span))
    try:
        yield span
    finally:
        if token:
            lib.otel_context_detach(token)


_dict_setitem = dict.__setitem__  # Context forbids item assignment once published


def _set_current(span):
    """Makes `span` current in Python; returns the token for _reset_current."""
    if _fast_set is not None:
        return _fast_set(_api_cv, _otel_context.Context, _SPAN_KEY, span)
    if _api_cv is not None:  # what opentelemetry.context.attach(set_span_in_context()) does
        ctx = _otel_context.Context(_api_cv.get())
        _dict_setitem(ctx, _SPAN_KEY, span)  # new and not yet shared: one copy, not two
        return _api_cv.set(ctx)
    if _HAVE_API:
        return _otel_context.attach(_otel_trace.set_span_in_context(span))
    return _current.set(span)


def _reset_current(token):
    if _api_cv is not None:
        try:
            _api_cv.reset(token)
            return
        except ValueError:  # made in another context: let the API report it
            pass
    if _HAVE_API:
        _otel_context.detach(token)
    else:
        _current.reset(token)


@contextlib.contextmanager
def use_span(span, end_on_exit=False, record_exception=True, set_status_on_exception=True):
    """Makes `span` current in Python (and in C on this thread) for the block."""
    if not isinstance(span, Span if not _HAVE_API else _ApiSpan):
        raise TypeError("use_span needs a Span, not %s" % type(span).__name__)
    token = _set_current(span)
    ctoken = _attach_in_c(span)
    try:
        yield span
    except BaseException as exc:
        if isinstance(span, Span) and span.is_recording():
            if record_exception:
                span.record_exception(exc)
            if set_status_on_exception:
                span.set_status("error", _describe(type(exc), exc))
        raise
    finally:
        _c_detach(ctoken)
        _reset_current(token)
        if end_on_exit:
            span.end()


# ---- spans ----------------------------------------------------------------------

def _addr(cdata):
    return int(ffi.cast("uintptr_t", cdata))


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
        elif status not in (0, 1, 2):
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
        return cls(_addr(out[0]), 1, _ADOPT)


class Tracer(_ApiTracer):
    """Starts spans for one instrumentation scope."""

    def __init__(self, provider, handle):
        self._provider = provider  # keeps the C provider alive
        self._t = handle
        self._ta = _addr(handle)

    def start_span(self, name, context=None, kind=None, attributes=None, links=None,
                   start_time=None, record_exception=True, set_status_on_exception=True):
        # the parent: the current span read straight from the API's
        # ContextVar when possible (the hot path), else the general lookup
        if context is None and _api_cv is not None:
            span = _api_cv.get().get(_SPAN_KEY)
            if span is not None and span.__class__ is not Span:
                span = _parent_span(span)
        else:
            span = _parent_span(context)
        try:
            k = 1 if kind is None else (_KIND_OF.get(kind) or _kind(kind))
        except TypeError:  # unhashable
            raise TypeError("kind must be a SpanKind, a name or 1..5, not %s"
                            % type(kind).__name__) from None
        if _fast_start is not None and not links and start_time is None:
            out = _fast_start(self._ta, name, k, span, attributes, Span)
            if out is not NotImplemented:
                return out
        try:
            nb = _NAMES.get(name)
        except TypeError:  # unhashable
            raise TypeError("span name must be str, not %s" % type(name).__name__) from None
        if nb is None:
            nb = _name_bytes(name)
        arr, n, _keep = _attrs(attributes)  # cached per attribute set
        if links or start_time is not None:
            cl, nl, _keep_links = _links(links) if links else (ffi.NULL, 0, None)
            h = lib.otel_tracer_start_span_n(self._t, nb, len(nb), k, _c_parent(span), arr, n,
                                             cl, nl, _ns(start_time, "start_time"))
        else:
            h = lib.otel_py_start(self._t, nb, len(nb), k, _NULL if span is None else span._h,
                                  arr, n)
        return Span(_addr(h), k, _ADOPT)

    def start_as_current_span(self, name, context=None, kind=None, attributes=None, links=None,
                              start_time=None, record_exception=True,
                              set_status_on_exception=True, end_on_exit=True):
        """A context manager (and decorator) that starts a span and makes it current."""
        return _AsCurrent(self, name, context, kind, attributes, links, start_time,
                          record_exception, set_status_on_exception, end_on_exit)


class _AsCurrent(contextlib.ContextDecorator):
    """start_as_current_span's context manager, written out (not through
    use_span's generator): it is the hot path of every instrumentation."""

    __slots__ = ("_tracer", "_name", "_args", "_span", "_token", "_c")

    def __init__(self, tracer, name, *args):
        self._tracer, self._name, self._args = tracer, name, args

    def __enter__(self):
        context, kind, attributes, links, start_time, _rec, _status, _end = self._args
        span = self._tracer.start_span(self._name, context, kind, attributes, links, start_time)
        self._token = _set_current(span)
        self._c = _attach_in_c(span)
        self._span = span
        return span

    def __exit__(self, exc_type, exc, tb):
        span, self._span = self._span, None
        _c_detach(self._c)
        _reset_current(self._token)
        _rec, status, end = self._args[5:]
        if exc is not None and span.is_recording():
            if _rec:
                span.record_exception(exc)
            if status:
                span.set_status("error", _describe(exc_type, exc))
        if end:
            span.end()
        return False

    def _recreate_cm(self):  # a fresh one per decorated call
        return _AsCurrent(self._tracer, self._name, *self._args)

    def __call__(self, func):
        if inspect.iscoroutinefunction(func):  # the span covers the awaited body
            @functools.wraps(func)
            async def inner(*args, **kwargs):
                with self._recreate_cm():
                    return await func(*args, **kwargs)
            return inner
        return super().__call__(func)


def _links(links):
    """(otel_link[] cdata, count, keep-alive) for a sequence of links: API
    Links, SpanContexts or Spans."""
    if not isinstance(links, (list, tuple)):
        links = list(links)
    keep = []
    cl = ffi.new("otel_link[]", len(links))
    for i, link in enumerate(links):
        target, lattrs = (link.context, link.attributes) if _HAVE_API and isinstance(
            link, _otel_trace.Link) else (link, None)
        t = target if isinstance(target, Span) else _Remote.of(target)
        la, ln, lkeep = _attrs(lattrs)
        keep.append((t, la, lkeep))
        cl[i].span, cl[i].attrs, cl[i].n_attrs = t._h, la, ln
    return cl, len(links), (cl, keep)


_NAMES = {}  # span name -> UTF-8 bytes (names repeat: encode each once)


def _name_bytes(name):
    nb = _b(name, "span name")
    if b"\0" in nb:
        raise ValueError("span name %r contains a NUL character" % (name,))
    if isinstance(name, str) and len(_NAMES) < 4096:
        _NAMES[name] = nb
    return nb


def _kind(kind):
    if isinstance(kind, bool):
        raise ValueError("bad span kind %r" % (kind,))
    k = _kind_slow(kind)
    if not isinstance(kind, int):  # names and SpanKinds (True == 1: no ints)
        _KIND_OF[kind] = k
    return k


_KIND_OF = {}  # kind as given (name, SpanKind, int) -> the C value


def _kind_slow(kind):
    if kind is None:
        return 1
    if isinstance(kind, str):
        if kind.lower() not in KINDS:
            raise ValueError("kind must be one of %s, not %r" % (", ".join(KINDS), kind))
        return KINDS[kind.lower()]
    if _HAVE_API and isinstance(kind, _otel_trace.SpanKind):
        return kind.value + 1  # the API's enum starts at INTERNAL = 0
    if isinstance(kind, int) and 1 <= kind <= 5:
        return kind
    raise ValueError("bad span kind %r" % (kind,))


# ---- the provider -------------------------------------------------------------

def _new_options(settings):
    """An otel_options from keywords: `service_name` means OTEL_SERVICE_NAME
    (upper-case names are taken as they are). The caller frees it."""
    opts = ffi.new("otel_options **")
    _check(lib.otel_options_new(opts), "options_new")
    o = opts[0]
    # strict: a value given here that the core cannot use is a ValueError
    # (from the environment it stays a warning, as the specification says)
    lib.otel_options_set_strict(o, 1)
    try:
        for key, value in settings.items():
            if value is None:  # not set here: the environment's value applies
                continue
            if not isinstance(value, (str, int, float)):
                raise TypeError("option %r must be str, int, float or bool, not %s"
                                % (key, type(value).__name__))
            name = key if key.isupper() else "OTEL_" + key.upper()
            nb, vb = _b(name), _b(str(value).lower() if isinstance(value, bool) else str(value))
            st = lib.otel_options_set_n(o, nb, len(nb), vb, len(vb))
            if st == 8:  # OTEL_ERR_NOT_FOUND: as Python treats an unknown keyword
                raise TypeError("unknown option %r (%s is not an OTEL_* setting this SDK reads)"
                                % (key, name))
            _check(st, "option %s" % name)
    except BaseException:
        lib.otel_options_free(o)
        raise
    return o


class TracerProvider(_ApiTracerProvider):
    """A provider of the C core, configured from OTEL_* keywords and the
    environment (keywords win). ``exporter`` may be "otlp", "console",
    "none", "memory" (spans readable with ``finished_spans()``) or
    "file:<path>" (OTLP/JSON lines)."""

    def __init__(self, exporter=None, batch=True, _handle=None, **settings):
        self._tracers = {}
        self._lock = threading.Lock()
        _providers.add(self)
        self._mem = None
        self._owned = _handle is None
        if _handle is not None:  # joins a provider made elsewhere (a C host)
            self._tp = _handle
            return
        o = _new_options(settings)
        try:
            if exporter is not None:
                self._add_exporter(o, exporter, batch)
            out = ffi.new("otel_tracer_provider **")
            _check(lib.otel_tracer_provider_new(out, o), "tracer_provider_new")
            self._tp = out[0]
        finally:
            lib.otel_options_free(o)

    def _add_exporter(self, o, exporter, batch):
        if exporter in ("otlp", "console", "none"):
            nb, vb = b"OTEL_TRACES_EXPORTER", exporter.encode()
            _check(lib.otel_options_set_n(o, nb, len(nb), vb, len(vb)), "exporter")
            return
        e = ffi.new("otel_exporter **")
        if exporter == "memory":
            _check(lib.otel_exporter_in_memory_new(e), "in-memory exporter")
            self._mem = e[0]
        elif isinstance(exporter, str) and exporter.startswith("file:"):
            path = _b(exporter[5:], "file path")
            if b"\0" in path or not path:
                raise ValueError("exporter file path must be non-empty and free of NUL characters")
            _check(lib.otel_exporter_file_new(e, path), "file exporter")
        else:
            raise ValueError("exporter must be 'otlp', 'console', 'none', 'memory' or 'file:<path>'")
        p = ffi.new("otel_processor **")
        if batch and exporter != "memory":
            _check(lib.otel_processor_batch_new(p, e[0], o), "batch processor")
        else:
            _check(lib.otel_processor_simple_new(p, e[0]), "simple processor")
        _check(lib.otel_options_add_processor(o, p[0]), "add processor")
        lib.otel_processor_release(p[0])
        if self._mem is None:
            lib.otel_exporter_release(e[0])

    def get_tracer(self, instrumenting_module_name, instrumenting_library_version=None,
                   schema_url=None, attributes=None):
        for what, v in (("tracer name", instrumenting_module_name),
                        ("tracer version", instrumenting_library_version), ("schema_url", schema_url)):
            if v is not None and not isinstance(v, str):
                raise TypeError("%s must be str, not %s" % (what, type(v).__name__))
        key = (instrumenting_module_name, instrumenting_library_version, schema_url)
        with self._lock:
            t = self._tracers.get(key)
            if t is None:
                h = lib.otel_tracer_provider_get_tracer(
                    self._tp, _b(instrumenting_module_name or ""),
                    _b(instrumenting_library_version) if instrumenting_library_version else ffi.NULL,
                    _b(schema_url) if schema_url else ffi.NULL)
                t = self._tracers[key] = Tracer(self, h)
            return t

    def force_flush(self, timeout_millis=30000):
        return lib.otel_tracer_provider_force_flush(self._tp, _timeout_ms(timeout_millis)) == 0

    def shutdown(self, timeout_millis=30000):
        return lib.otel_tracer_provider_shutdown(self._tp, _timeout_ms(timeout_millis)) == 0

    def stats(self):
        """The provider's counters as a dict (spans_started, dropped_queue_full, ...)."""
        n = 64
        buf = ffi.new("uint64_t[]", n)
        got = lib.otel_tracer_provider_get_stats(self._tp, buf, n)
        out = {ffi.string(lib.otel_stat_name(i)).decode(): buf[i] for i in range(got)}
        err = ffi.new("char[]", 512)
        lib.otel_tracer_provider_last_error(self._tp, err, 512)
        out["last_error"] = ffi.string(err).decode()
        return out

    def finished_spans(self):
        """With exporter="memory": the ended spans as dicts, in end order:
        name, ids, parent, kind, times, attributes, status ({code,
        description}), events (name, time, attributes) and links (ids,
        attributes)."""
        if self._mem is None:
            raise ValueError('finished_spans() needs TracerProvider(exporter="memory")')
        spans = []
        for i in range(lib.otel_exporter_in_memory_count(self._mem)):
            d = lib.otel_exporter_in_memory_get(self._mem, i)
            try:
                spans.append(_span_data(d))
            finally:
                lib.otel_span_data_release(d)
        return spans

    def clear_finished_spans(self):
        if self._mem is not None:
            lib.otel_exporter_in_memory_reset(self._mem)

    def __del__(self):
        tp = getattr(self, "_tp", None)
        if tp is not None:
            self._tp = None
            lib.otel_tracer_provider_release(tp)
        if getattr(self, "_mem", None) is not None:
            lib.otel_exporter_release(self._mem)


def _attr_value(a):
    t = a.type
    if t == 1:
        return ffi.unpack(ffi.cast("char *", a.ptr), a.len).decode("utf-8", "replace")
    if t == 2:
        return bool(a.bool_value)
    if t == 3:
        return a.int_value
    if t == 4:
        return a.double_value
    if t == 5:
        strs = ffi.cast("otel_str *", a.ptr)
        return [ffi.unpack(strs[i].ptr, strs[i].len).decode("utf-8", "replace") for i in range(a.len)]
    if t == 6:
        return [bool(v) for v in ffi.unpack(ffi.cast("int *", a.ptr), a.len)]
    if t == 7:
        return list(ffi.unpack(ffi.cast("int64_t *", a.ptr), a.len))
    if t == 8:
        return list(ffi.unpack(ffi.cast("double *", a.ptr), a.len))
    return None


def _span_data(d):
    n = ffi.new("size_t *")
    name = ffi.unpack(lib.otel_span_data_name(d, n), n[0]).decode()
    sc = ffi.new("otel_span_context *")
    lib.otel_span_data_context(d, sc)
    parent = ffi.new("uint8_t[8]")
    has_parent = lib.otel_span_data_parent_span_id(d, parent)
    attrs = {}
    a = ffi.new("otel_attr *")
    for i in range(lib.otel_span_data_attribute_count(d)):
        if lib.otel_span_data_attribute(d, i, a) == 0:
            attrs[ffi.unpack(a.key, a.key_len).decode()] = _attr_value(a)
    cp, t, na = ffi.new("char **"), ffi.new("uint64_t *"), ffi.new("size_t *")
    events = []
    for i in range(lib.otel_span_data_event_count(d)):
        lib.otel_span_data_event(d, i, cp, n, t, na, ffi.NULL)
        ev = {"name": ffi.unpack(cp[0], n[0]).decode("utf-8", "replace"), "time_unix_nano": t[0],
              "attributes": {}}
        for k in range(na[0]):
            if lib.otel_span_data_event_attribute(d, i, k, a) == 0:
                ev["attributes"][ffi.unpack(a.key, a.key_len).decode()] = _attr_value(a)
        events.append(ev)
    links = []
    lsc = ffi.new("otel_span_context *")
    for i in range(lib.otel_span_data_link_count(d)):
        lib.otel_span_data_link(d, i, lsc, ffi.NULL, ffi.NULL, na, ffi.NULL)
        ln = {"trace_id": bytes(lsc.trace_id).hex(), "span_id": bytes(lsc.span_id).hex(),
              "attributes": {}}
        for k in range(na[0]):
            if lib.otel_span_data_link_attribute(d, i, k, a) == 0:
                ln["attributes"][ffi.unpack(a.key, a.key_len).decode()] = _attr_value(a)
        links.append(ln)
    msg = lib.otel_span_data_status_message(d, n)
    return {
        "name": name,
        "trace_id": bytes(sc.trace_id).hex(),
        "span_id": bytes(sc.span_id).hex(),
        "parent_span_id": bytes(parent).hex() if has_parent else None,
        "kind": lib.otel_span_data_kind(d),
        "start_time_unix_nano": lib.otel_span_data_start_time(d),
        "end_time_unix_nano": lib.otel_span_data_end_time(d),
        "attributes": attrs,
        "status": {"code": ("unset", "ok", "error")[lib.otel_span_data_status_code(d)],
                   "description": ffi.unpack(msg, n[0]).decode("utf-8", "replace") if msg else ""},
        "events": events,
        "links": links,
    }


# ---- module-level convenience ----------------------------------------------

_global = None
_global_lock = threading.Lock()
_configured = {}  # configure()'s OTEL_* keywords


def configure(exporter=None, batch=True, **settings):
    """Makes the process-wide provider (C, Python and every binding share it)
    from OTEL_* keywords, e.g. ``configure(service_name="shop",
    traces_sampler="parentbased_traceidratio", traces_sampler_arg=0.1)``.
    Returns it. Replaces a previous one (which is shut down). The meter
    provider get_meter() makes on first use takes the same keywords
    (``metrics_exporter``, ``metric_export_interval``, ...)."""
    global _global, _configured
    tp = TracerProvider(exporter=exporter, batch=batch, **settings)
    _configured = dict(settings)  # for the meter provider get_meter() makes
    with _global_lock:
        old, _global = _global, tp
    lib.otel_tracer_provider_set_global(tp._tp)
    if old is not None:
        old.shutdown(5000)
    return tp


def _provider():
    """The process-wide provider: the one a C host (or another binding)
    already made global, else one configured from the environment."""
    global _global
    with _global_lock:
        if _global is None:
            host = lib.otel_tracer_provider_get_global()
            if host != ffi.NULL:
                _global = TracerProvider(_handle=host)
            else:
                _global = TracerProvider()
                lib.otel_tracer_provider_set_global(_global._tp)
        return _global


def c_current_span():
    """The span current in C on this thread (what a host program or another
    language made current), as a parent for ``context=``; None if none. For
    embedding: Python code called from C continues the host's trace."""
    span = lib.otel_context_get_span(ffi.NULL)
    return Span(_addr(lib.otel_span_retain(span)), 1, _ADOPT) if span != ffi.NULL else None


def get_tracer(name, version=None, schema_url=None):
    """A tracer of the process-wide provider (configured on first use)."""
    return _provider().get_tracer(name, version, schema_url)


def stats():
    return _provider().stats()


def force_flush(timeout_millis=30000):
    return _provider().force_flush(timeout_millis)


def shutdown(timeout_millis=30000):
    return _provider().shutdown(timeout_millis)


# ---- propagation ------------------------------------------------------------------

def inject(carrier=None, context=None):
    """Writes the current span (or the one in `context`, a Span or an
    opentelemetry Context) and the baggage into `carrier`, a dict (a new one
    when None), with the propagators OTEL_PROPAGATORS names (or the ones
    ``propagators.set_global`` set). Returns the carrier."""
    return _propagators.CorePropagator().inject({} if carrier is None else carrier, context)


def extract(carrier):
    """The remote parent in `carrier` (a mapping of header names, any case,
    to str or list of str) as a Span to pass as `context=`, or None."""
    if not hasattr(carrier, "items"):
        raise TypeError("carrier must be a mapping, not %s" % type(carrier).__name__)
    h = ffi.new("otel_headers **")
    _check(lib.otel_headers_new(h), "headers_new")
    p = lib.otel_propagator_get_global()
    try:
        for k, v in carrier.items():
            for one in (v if isinstance(v, (list, tuple)) else [v]):
                kb, vb = _b(k, "header name"), _b(one, "header value")
                lib.otel_headers_add_n(h[0], kb, len(kb), vb, len(vb))
        ctx = lib.otel_propagator_extract_headers(p, lib.otel_context_root(), h[0])
        span = lib.otel_context_get_span(ctx)
        out = Span(_addr(lib.otel_span_retain(span)), 1, _ADOPT) if span != ffi.NULL else None
        lib.otel_context_release(ctx)
        return out
    finally:
        lib.otel_propagator_release(p)
        lib.otel_headers_free(h[0])


# ---- fork and exit -----------------------------------------------------------------
# The C core gives the child a fresh, empty pipeline; nothing to redo in
# Python except forgetting a lock a parent thread might have held.

_providers = weakref.WeakSet()  # every TracerProvider, for the fork hook


def _after_fork_in_child():
    global _global_lock
    _global_lock = threading.Lock()
    for tp in list(_providers):
        tp._lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _at_exit():
    """Exports the spans still queued when the interpreter exits (a
    short script, a pre-fork worker leaving with sys.exit), as
    opentelemetry-sdk does; bounded: 5 s a provider. The providers stay
    usable for whatever runs after this. Only providers made here: one a C
    host made is flushed by the host."""
    for tp in list(_providers):
        # a provider joined from a C host (or another binding) is the
        # host's to flush: Python may be finalized long before it ends
        if getattr(tp, "_tp", None) is not None and getattr(tp, "_owned", False):
            lib.otel_tracer_provider_force_flush(tp._tp, 5000)


atexit.register(_at_exit)

from .metrics import MeterProvider, get_meter  # noqa: E402  (needs the helpers above)
from . import propagators as _propagators  # noqa: E402
from .logs import LoggerProvider, LoggingHandler  # noqa: E402  (needs the helpers above)
