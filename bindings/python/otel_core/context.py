"""The current span: in opentelemetry.context when opentelemetry-api is
installed (both APIs see the same one), else in a ContextVar; either way
per asyncio task and thread. Also made current in C around a ``with``
block (c_attached, use_span), so C code called from there makes children
of it; and the C side's current span as a parent for Python
(c_current_span)."""
import contextlib
import contextvars

from asyncio.events import _get_running_loop

from . import _api
from ._api import _HAVE_API, _ApiSpan, _otel_context, _otel_trace, _SPAN_KEY
from ._core import _ADOPT, _addr, _describe, ffi, lib, speedups
from .span import Span, _INTERNAL, _Remote

if speedups is not None:
    _c_detach = speedups._c_detach
else:
    def _c_detach(token):
        if token:
            lib.otel_context_detach(token)

# The API's ContextVar, bound by assignment: CPython 3.11 compiles
# `name.method()` on a name bound by an import as an attribute load that
# makes a bound method (it expects a module there), 90 instructions more on
# every span start and end.
_api_cv = _api._api_cv

# the API's ContextVar runtime, set in C (CPython with the speedups)
_fast_set = speedups._set_current if _api_cv is not None and speedups is not None else None

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


def c_current_span():
    """The span current in C on this thread (what a host program or another
    language made current), as a parent for ``context=``; None if none. For
    embedding: Python code called from C continues the host's trace."""
    span = lib.otel_context_get_span(ffi.NULL)
    return Span(_addr(lib.otel_span_retain(span)), _INTERNAL, _ADOPT) if span != ffi.NULL else None
