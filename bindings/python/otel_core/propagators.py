"""The C core's propagators (OTEL_PROPAGATORS: tracecontext, baggage, b3,
b3multi) as an ``opentelemetry.propagators.textmap.TextMapPropagator``:

    from opentelemetry.propagate import set_global_textmap
    set_global_textmap(otel_core.propagators.CorePropagator())
"""
from opentelemetry import baggage as _baggage
from opentelemetry import context as _context
from opentelemetry import trace as _trace
from opentelemetry.propagators.textmap import (DefaultGetter, DefaultSetter, Getter, Setter,
                                               TextMapPropagator)

from . import Span, _b, _check, _parent_span
from ._native import ffi, lib

_default_getter = DefaultGetter()
_default_setter = DefaultSetter()


class CorePropagator(TextMapPropagator):
    """Parses and writes headers with the C core (W3C Level 2 parsing,
    bounded work on hostile input); spans and baggage go through
    opentelemetry.context, so API instrumentation sees them."""

    def extract(self, carrier, context=None, getter: Getter = _default_getter):
        h = ffi.new("otel_headers **")
        _check(lib.otel_headers_new(h), "headers_new")
        p = lib.otel_propagator_get_global()
        try:
            for key in getter.keys(carrier):
                values = getter.get(carrier, key) or []
                for v in values if isinstance(values, (list, tuple)) else [values]:
                    kb, vb = _b(str(key)), _b(str(v))
                    lib.otel_headers_add_n(h[0], kb, len(kb), vb, len(vb))
            cctx = lib.otel_propagator_extract_headers(p, lib.otel_context_root(), h[0])
            try:
                ctx = context if context is not None else _context.get_current()
                span = lib.otel_context_get_span(cctx)
                if span != ffi.NULL:
                    ctx = _trace.set_span_in_context(Span(lib.otel_span_retain(span)), ctx)
                bag = lib.otel_context_get_baggage(cctx)
                name, value, meta = ffi.new("char **"), ffi.new("char **"), ffi.new("char **")
                for i in range(lib.otel_baggage_count(bag)):
                    lib.otel_baggage_entry(bag, i, name, value, meta)
                    ctx = _baggage.set_baggage(ffi.string(name[0]).decode(), ffi.string(value[0]).decode(),
                                               context=ctx)
                return ctx
            finally:
                lib.otel_context_release(cctx)
        finally:
            lib.otel_propagator_release(p)
            lib.otel_headers_free(h[0])

    def inject(self, carrier, context=None, setter: Setter = _default_setter):
        span = _parent_span(context)
        base = span._context() if span is not None else lib.otel_context_root()
        bag = ffi.NULL
        for k, v in _baggage.get_all(context).items():
            kb, vb = _b(str(k)), _b(str(v))
            nxt = ffi.new("otel_baggage **")
            if lib.otel_baggage_set_n(bag, kb, len(kb), vb, len(vb), ffi.NULL, 0, nxt) == 0:
                lib.otel_baggage_release(bag)
                bag = nxt[0]
        cctx = lib.otel_context_with_baggage(base, bag) if bag != ffi.NULL else lib.otel_context_retain(base)
        lib.otel_baggage_release(bag)
        h = ffi.new("otel_headers **")
        _check(lib.otel_headers_new(h), "headers_new")
        p = lib.otel_propagator_get_global()
        try:
            lib.otel_propagator_inject_headers(p, cctx, h[0])
            name, value = ffi.new("char **"), ffi.new("char **")
            nl, vl = ffi.new("size_t *"), ffi.new("size_t *")
            for i in range(lib.otel_headers_count(h[0])):
                lib.otel_headers_at(h[0], i, name, nl, value, vl)
                setter.set(carrier, ffi.unpack(name[0], nl[0]).decode(), ffi.unpack(value[0], vl[0]).decode())
        finally:
            lib.otel_propagator_release(p)
            lib.otel_headers_free(h[0])
            lib.otel_context_release(cctx)

    @property
    def fields(self):
        p = lib.otel_propagator_get_global()
        try:
            return {ffi.string(lib.otel_propagator_field(p, i)).decode()
                    for i in range(lib.otel_propagator_field_count(p))}
        finally:
            lib.otel_propagator_release(p)
