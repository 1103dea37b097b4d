"""The tracer provider: TracerProvider (a provider of the C core, made
from OTEL_* keywords and the environment), the process-wide one that
configure() makes and get_tracer(), stats(), force_flush() and shutdown()
use, and what fork and interpreter exit do to providers."""
import atexit
import os
import threading
import weakref

from ._api import _ApiTracerProvider
from ._core import _OK, _b, _check, _timeout_ms, ffi, lib
from ._options import _new_options, _remember
from .span_data import _span_data
from .trace import Tracer


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
        return lib.otel_tracer_provider_force_flush(self._tp, _timeout_ms(timeout_millis)) == _OK

    def shutdown(self, timeout_millis=30000):
        return lib.otel_tracer_provider_shutdown(self._tp, _timeout_ms(timeout_millis)) == _OK

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


# ---- module-level convenience ----------------------------------------------

_global = None
_global_lock = threading.Lock()


def configure(exporter=None, batch=True, **settings):
    """Makes the process-wide provider (C, Python and every binding share it)
    from OTEL_* keywords, e.g. ``configure(service_name="shop",
    traces_sampler="parentbased_traceidratio", traces_sampler_arg=0.1)``.
    Returns it. Replaces a previous one (which is shut down). The meter
    provider get_meter() makes on first use takes the same keywords
    (``metrics_exporter``, ``metric_export_interval``, ...)."""
    global _global
    tp = TracerProvider(exporter=exporter, batch=batch, **settings)
    _remember(settings)  # for the meter provider get_meter() makes
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


def get_tracer(name, version=None, schema_url=None):
    """A tracer of the process-wide provider (configured on first use)."""
    return _provider().get_tracer(name, version, schema_url)


def stats():
    return _provider().stats()


def force_flush(timeout_millis=30000):
    return _provider().force_flush(timeout_millis)


def shutdown(timeout_millis=30000):
    return _provider().shutdown(timeout_millis)


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
