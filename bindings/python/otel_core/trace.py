"""Tracers: starting spans (the hot path: the parent read from the current
context, the name, kind and attributes converted once and cached), and
start_as_current_span's context manager and decorator."""
import contextlib
import functools
import inspect

from . import _api
from ._api import _HAVE_API, _ApiTracer, _otel_trace, _SPAN_KEY
from ._core import _ADOPT, _NULL, _addr, _b, _describe, _ns, ffi, lib, speedups
from .attributes import _attrs
from .context import _attach_in_c, _c_detach, _c_parent, _parent_span, _reset_current, _set_current
from .span import KINDS, Span, _INTERNAL, _Remote

_fast_start = speedups.start if speedups is not None else None
_api_cv = _api._api_cv  # assigned, not imported: see context.py


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
            k = _INTERNAL if kind is None else (_KIND_OF.get(kind) or _kind(kind))
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
        return _INTERNAL
    if isinstance(kind, str):
        if kind.lower() not in KINDS:
            raise ValueError("kind must be one of %s, not %r" % (", ".join(KINDS), kind))
        return KINDS[kind.lower()]
    if _HAVE_API and isinstance(kind, _otel_trace.SpanKind):
        return kind.value + 1  # the API's enum starts at INTERNAL = 0
    if isinstance(kind, int) and kind in KINDS.values():
        return kind
    raise ValueError("bad span kind %r" % (kind,))
