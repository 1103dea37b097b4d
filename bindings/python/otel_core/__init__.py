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

The package by concept (each module imports only the ones before it, never
this file): _core (the cffi module, errors, converters), _api (the optional
opentelemetry-api), attributes, span, context (the current span), trace
(tracers), _options (OTEL_* keywords), span_data, provider (TracerProvider
and the process-wide one), propagators, metrics.
"""
from ._core import OtelError, OtelValueError, ffi, lib
from .span import KINDS, Span
from .context import c_attached, c_current_span, get_current_span, use_span
from .trace import Tracer, _fast_start
from .provider import TracerProvider, configure, force_flush, get_tracer, shutdown, stats
from . import propagators
from .propagators import extract, inject
from . import metrics
from .metrics import MeterProvider, get_meter
from .logs import LoggerProvider, LoggingHandler
from ._options import Option, options

__all__ = ["configure", "get_tracer", "TracerProvider", "Tracer", "Span", "inject",
           "extract", "get_current_span", "c_current_span", "c_attached", "use_span", "stats", "force_flush",
           "shutdown", "OtelError", "MeterProvider", "get_meter", "LoggerProvider", "LoggingHandler",
           "options", "Option"]
