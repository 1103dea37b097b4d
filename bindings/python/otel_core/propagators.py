"""The C core's propagators for Python: W3C Trace Context, W3C Baggage, B3
(single and multi-header), composites and the one ``OTEL_PROPAGATORS``
names, and ``CorePropagator``, which follows the process-wide one. Each
implements ``opentelemetry.propagators.textmap.TextMapPropagator`` when
opentelemetry-api is installed::

    from opentelemetry.propagate import set_global_textmap
    set_global_textmap(otel_core.propagators.CorePropagator())

so every instrumentation parses and writes headers with the C core (W3C
Level 2 parsing, bounded work on hostile input), the same for every
language in the process.

Contexts: what is injected is the span and baggage of an
``opentelemetry.context.Context`` (default: the current one); what extract
returns is that context plus the remote span (an ``otel_core.Span`` that
is not recording) and the baggage found in the carrier. Without the API,
``context`` is a Span and extract returns a dict ``{"span": Span or None,
"baggage": {name: value}}``."""
from ._api import _HAVE_API
from ._core import _ADOPT, _OK, _ROOT, _addr, _b, _check, ffi, lib
from ._options import _new_options
from .context import _c_parent, _parent_span
from .span import Span, _INTERNAL

if _HAVE_API:
    from opentelemetry import baggage as _api_baggage
    from opentelemetry import context as _api_context
    from opentelemetry import trace as _api_trace
    from opentelemetry.propagators import textmap as _textmap
    _Base = _textmap.TextMapPropagator
    _DefaultGetter, _DefaultSetter = _textmap.DefaultGetter, _textmap.DefaultSetter
else:  # pragma: no cover - exercised when the API is absent
    _Base = object
    _DefaultGetter = _DefaultSetter = type(None)

__all__ = ["Propagator", "CorePropagator", "TraceContextTextMapPropagator", "W3CBaggagePropagator",
           "B3SingleFormat", "B3MultiFormat", "CompositePropagator", "from_env",
           "get_global", "set_global"]

_W3C = ("traceparent", "tracestate")
_BAGGAGE = ("baggage",)
# either B3 propagator extracts both forms
_B3 = ("b3", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "x-b3-flags", "x-b3-parentspanid")
_ALL = _W3C + _BAGGAGE + _B3


def _dict_get(carrier, key):
    """Header lookup without the API's getter: exact name, then any case."""
    v = carrier.get(key)
    if v is None:
        for k, val in carrier.items():
            if isinstance(k, str) and k.lower() == key:
                v = val
                break
    if v is None:
        return None
    return list(v) if isinstance(v, (list, tuple)) else [v]


class Propagator(_Base):
    """A propagator of the C core (takes ownership of `handle`)."""

    _reads = _ALL  # header names extract asks the getter for

    def __init__(self, handle, reads=None):
        self._p = handle
        if reads is not None:
            self._reads = tuple(reads)

    def _acquire(self):
        """The otel_propagator* to use for one call, and whether to release it."""
        return self._p, False

    def __del__(self):
        p, self._p = getattr(self, "_p", None), None
        if p is not None:
            lib.otel_propagator_release(p)

    @property
    def fields(self):
        """The header names inject may write."""
        p, owned = self._acquire()
        try:
            return {ffi.string(lib.otel_propagator_field(p, i)).decode()
                    for i in range(lib.otel_propagator_field_count(p))}
        finally:
            if owned:
                lib.otel_propagator_release(p)

    # -- contexts across the boundary
    def _c_context(self, context):
        """A new otel_context* with the span and baggage of `context`."""
        span = _parent_span(context)
        ctx = lib.otel_context_retain(_c_parent(span))
        entries = {}
        if _HAVE_API and (context is None or isinstance(context, _api_context.Context)):
            entries = _api_baggage.get_all(context)
        if entries:
            bag = ffi.new("otel_baggage **")
            cur = ffi.NULL
            try:
                for name, value in entries.items():
                    nb, vb = _b(name, "baggage name"), _b(str(value), "baggage value")
                    _check(lib.otel_baggage_set_n(cur, nb, len(nb), vb, len(vb), ffi.NULL, 0, bag),
                           "baggage %r" % (name,))
                    lib.otel_baggage_release(cur)
                    cur = bag[0]
                with_bag = lib.otel_context_with_baggage(ctx, cur)
            finally:
                lib.otel_baggage_release(cur)
            lib.otel_context_release(ctx)
            ctx = with_bag
        return ctx

    def inject(self, carrier, context=None, setter=None):
        """Writes the span and baggage of `context` (default: current) into
        `carrier` through `setter` (default: item assignment)."""
        if carrier is None:
            raise TypeError("carrier must not be None")
        h = ffi.new("otel_headers **")
        _check(lib.otel_headers_new(h), "headers_new")
        ctx = self._c_context(context)
        p, owned = self._acquire()
        try:
            lib.otel_propagator_inject_headers(p, ctx, h[0])
            name, value = ffi.new("char **"), ffi.new("char **")
            nl, vl = ffi.new("size_t *"), ffi.new("size_t *")
            for i in range(lib.otel_headers_count(h[0])):
                lib.otel_headers_at(h[0], i, name, nl, value, vl)
                k = ffi.unpack(name[0], nl[0]).decode()
                v = ffi.unpack(value[0], vl[0]).decode()
                if setter is None or isinstance(setter, _DefaultSetter):
                    carrier[k] = v
                else:
                    setter.set(carrier, k, v)
        finally:
            if owned:
                lib.otel_propagator_release(p)
            lib.otel_context_release(ctx)
            lib.otel_headers_free(h[0])
        return carrier

    def _extract_c(self, carrier, getter):
        """The otel_context* (new reference) extracted from `carrier`."""
        if isinstance(getter, _DefaultGetter):
            getter = None  # a dict: names matched in any case, below
        if getter is None and not hasattr(carrier, "items"):
            raise TypeError("carrier must be a mapping (or pass a getter), not %s"
                            % type(carrier).__name__)
        h = ffi.new("otel_headers **")
        _check(lib.otel_headers_new(h), "headers_new")
        p, owned = self._acquire()
        try:
            for key in self._reads:
                values = getter.get(carrier, key) if getter is not None else _dict_get(carrier, key)
                for one in values or ():
                    kb, vb = key.encode(), _b(one, "header value")
                    lib.otel_headers_add_n(h[0], kb, len(kb), vb, len(vb))
            return lib.otel_propagator_extract_headers(p, _ROOT, h[0])
        finally:
            if owned:
                lib.otel_propagator_release(p)
            lib.otel_headers_free(h[0])

    def extract(self, carrier, context=None, getter=None):
        """`context` (default: current) plus the remote span and baggage in
        `carrier`, read through `getter` (default: a mapping of header names
        in any case to str or list of str)."""
        ctx = self._extract_c(carrier, getter)
        try:
            c_span = lib.otel_context_get_span(ctx)
            span = Span(_addr(lib.otel_span_retain(c_span)), _INTERNAL, _ADOPT) if c_span != ffi.NULL else None
            entries = {}
            bag = lib.otel_context_get_baggage(ctx)
            name, value = ffi.new("char **"), ffi.new("char **")
            for i in range(lib.otel_baggage_count(bag)):
                if lib.otel_baggage_entry(bag, i, name, value, ffi.NULL) == _OK:
                    entries[ffi.string(name[0]).decode()] = ffi.string(value[0]).decode()
        finally:
            lib.otel_context_release(ctx)
        if not _HAVE_API:
            return {"span": span, "baggage": entries}
        out = context if context is not None else _api_context.get_current()
        if span is not None:
            out = _api_trace.set_span_in_context(span, out)
        for k, v in entries.items():
            out = _api_baggage.set_baggage(k, v, out)
        return out


class CorePropagator(Propagator):
    """The process-wide propagator of the C core at each call: the one
    ``set_global`` or C code set, else what OTEL_PROPAGATORS names."""

    def __init__(self):
        super().__init__(None)

    def _acquire(self):
        return lib.otel_propagator_get_global(), True  # a reference for the call


class TraceContextTextMapPropagator(Propagator):
    """W3C Trace Context (`traceparent`, `tracestate`)."""

    def __init__(self):
        super().__init__(lib.otel_propagator_tracecontext(), _W3C)


class W3CBaggagePropagator(Propagator):
    """W3C Baggage (`baggage`)."""

    def __init__(self):
        super().__init__(lib.otel_propagator_baggage(), _BAGGAGE)


class B3SingleFormat(Propagator):
    """B3, injecting the single `b3` header (extracts both forms)."""

    def __init__(self):
        super().__init__(lib.otel_propagator_b3(), _B3)


class B3MultiFormat(Propagator):
    """B3, injecting the `x-b3-*` headers (extracts both forms)."""

    def __init__(self):
        super().__init__(lib.otel_propagator_b3multi(), _B3)


class CompositePropagator(Propagator):
    """Runs otel_core propagators in order (at most 16). For a mix with
    pure-Python propagators use opentelemetry's own CompositePropagator."""

    def __init__(self, propagators):
        props = list(propagators)
        for p in props:
            if not isinstance(p, Propagator):
                raise TypeError("CompositePropagator takes otel_core propagators, not %s"
                                % type(p).__name__)
        held = [p._acquire() for p in props]
        arr = ffi.new("otel_propagator *[]", [h for h, _ in held] or [ffi.NULL])
        out = ffi.new("otel_propagator **")
        try:
            _check(lib.otel_propagator_composite_new(out, arr, len(props)), "composite propagator")
        finally:
            for h, owned in held:
                if owned:
                    lib.otel_propagator_release(h)
        reads = []
        for p in props:
            reads += [r for r in p._reads if r not in reads]
        super().__init__(out[0], reads)


def from_env(**settings):
    """The composite `OTEL_PROPAGATORS` names (keyword `propagators=` or the
    environment; default "tracecontext,baggage")."""
    o = _new_options(settings)
    try:
        out = ffi.new("otel_propagator **")
        _check(lib.otel_propagator_from_env(out, o), "propagators from the environment")
    finally:
        lib.otel_options_free(o)
    return Propagator(out[0])


def get_global():
    """The process-wide propagator of the C core (what C, Lua and Ruby use)."""
    return Propagator(lib.otel_propagator_get_global())


def set_global(propagator):
    """Makes `propagator` the process-wide one of the C core and, with
    opentelemetry-api installed, the API's global textmap too."""
    if not isinstance(propagator, Propagator):
        raise TypeError("set_global needs an otel_core propagator, not %s"
                        % type(propagator).__name__)
    p, owned = propagator._acquire()
    if not owned:  # a CorePropagator already is the global one
        lib.otel_propagator_set_global(p)
    else:
        lib.otel_propagator_release(p)
    if _HAVE_API:
        from opentelemetry import propagate
        propagate.set_global_textmap(propagator)


def inject(carrier=None, context=None):
    """Writes the current span (or the one in `context`, a Span or an
    opentelemetry Context) and the baggage into `carrier`, a dict (a new one
    when None), with the propagators OTEL_PROPAGATORS names (or the ones
    ``propagators.set_global`` set). Returns the carrier."""
    return CorePropagator().inject({} if carrier is None else carrier, context)


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
        out = Span(_addr(lib.otel_span_retain(span)), _INTERNAL, _ADOPT) if span != ffi.NULL else None
        lib.otel_context_release(ctx)
        return out
    finally:
        lib.otel_propagator_release(p)
        lib.otel_headers_free(h[0])
