"""The optional opentelemetry-api: what the drop-in layer needs of it, or
stand-ins when it is not installed (then _HAVE_API is False)."""
try:  # the drop-in layer is optional
    from opentelemetry import context as _otel_context
    from opentelemetry import trace as _otel_trace
    from opentelemetry.trace.status import Status as _OtelStatus
    from opentelemetry.trace.status import StatusCode as _OtelStatusCode
    _HAVE_API = True
    _ApiTracerProvider = _otel_trace.TracerProvider
    _ApiTracer = _otel_trace.Tracer
    _ApiSpan = _otel_trace.Span
except ImportError:  # exercised by tests/python/test_package_layout.py (the API hidden)
    _HAVE_API = False
    _otel_context = _otel_trace = _OtelStatus = _OtelStatusCode = None
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
