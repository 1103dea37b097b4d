"""Metrics for Python on the C core: a MeterProvider that also implements
``opentelemetry.metrics.MeterProvider`` when opentelemetry-api is installed,
its meters, and every instrument kind (observable ones with Python
callbacks). Measurements go straight to the C core's lock-free series."""
import atexit
import os
import threading
import weakref

from ._core import _OK, OtelError, _b, _check, _timeout_ms, ffi, lib
from ._options import _configured_settings, _new_options
from .attributes import _attr_value, _attrs

try:
    from opentelemetry import metrics as _api
    _ApiMeterProvider, _ApiMeter = _api.MeterProvider, _api.Meter
    _ApiCounter, _ApiUpDownCounter, _ApiHistogram = _api.Counter, _api.UpDownCounter, _api.Histogram
    _ApiGauge = getattr(_api, "_Gauge", object)
    _ApiObsCounter, _ApiObsUpDown, _ApiObsGauge = (_api.ObservableCounter, _api.ObservableUpDownCounter,
                                                   _api.ObservableGauge)
    _Observation = _api.Observation
    _CallbackOptions = _api.CallbackOptions
except ImportError:  # pragma: no cover
    _ApiMeterProvider = _ApiMeter = _ApiCounter = _ApiUpDownCounter = _ApiHistogram = object
    _ApiGauge = _ApiObsCounter = _ApiObsUpDown = _ApiObsGauge = object
    _Observation = _CallbackOptions = None

COUNTER, UP_DOWN, HISTOGRAM, GAUGE = (lib.OTEL_INSTRUMENT_COUNTER, lib.OTEL_INSTRUMENT_UP_DOWN_COUNTER,
                                      lib.OTEL_INSTRUMENT_HISTOGRAM, lib.OTEL_INSTRUMENT_GAUGE)
OBS_COUNTER, OBS_UP_DOWN, OBS_GAUGE = (lib.OTEL_INSTRUMENT_OBSERVABLE_COUNTER,
                                       lib.OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER,
                                       lib.OTEL_INSTRUMENT_OBSERVABLE_GAUGE)
INT64, DOUBLE = lib.OTEL_NUMBER_INT64, lib.OTEL_NUMBER_DOUBLE


def _out_of_range(what, value):
    text = repr(value)
    text = text if len(text) <= 24 else text[:20] + "..."
    return ValueError("%s: measurement %s is out of range (int64 for integer instruments, "
                      "else a finite double)" % (what, text))


def _whole(what, value):
    """A float recorded by an integer instrument: whole numbers only (never
    truncated in silence)."""
    if not value.is_integer():
        raise ValueError("%s: %r is not a whole number; this instrument was made with "
                         "value_type=int (the default is float)" % (what, value))
    return int(value)


def _number(value_type):
    if value_type is int:
        return INT64
    if value_type is float:
        return DOUBLE
    raise TypeError("value_type must be int or float, not %r" % (value_type,))


class _Instrument:
    def __init__(self, meter, kind, name, unit, description, number):
        out = ffi.new("otel_instrument **")
        _check(lib.otel_meter_create_instrument(out, meter._m, kind, number, _b(name, "instrument name"),
                                                _b(unit or ""), _b(description or "")),
               "create instrument %r" % (name,))
        self._meter = meter
        self._i = out[0]
        self._int = number == INT64
        self.name, self.unit, self.description = name, unit or "", description or ""

    def _record(self, value, attributes):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError("%s: a measurement must be int or float, not %s" % (self.name, type(value).__name__))
        if self._int and type(value) is float:
            value = _whole(self.name, value)
        if attributes:
            arr, n, _keep = _attrs(attributes)
        else:
            arr, n = ffi.NULL, 0
        try:  # costs nothing until a value is out of range
            if self._int and isinstance(value, int):
                lib.otel_instrument_record_i64(self._i, value, arr, n)
            else:
                lib.otel_instrument_record_f64(self._i, float(value), arr, n)
        except OverflowError:
            raise _out_of_range(self.name, value) from None

    def bind(self, attributes=None):
        """A handle for one attribute set: ``bound.add(1)`` skips the lookup."""
        arr, n, _keep = _attrs(attributes)
        h = lib.otel_instrument_bind(self._i, arr, n)
        if h == ffi.NULL:
            raise OtelError("bind: %s cannot be bound" % self.name)
        return _Bound(h, self._int)


class _Bound:
    def __init__(self, handle, is_int):
        self._h, self._int = handle, is_int

    def add(self, amount):
        if self._int and type(amount) is float:
            amount = _whole("bound instrument", amount)
        if self._int and type(amount) is int:
            try:
                lib.otel_bound_record_i64(self._h, amount)
            except OverflowError:
                raise _out_of_range("bound instrument", amount) from None
        elif isinstance(amount, bool) or not isinstance(amount, (int, float)):
            raise TypeError("a measurement must be int or float, not %s" % type(amount).__name__)
        else:
            try:
                lib.otel_bound_record_f64(self._h, float(amount))
            except OverflowError:
                raise _out_of_range("bound instrument", amount) from None

    record = add

    def __del__(self):
        h, self._h = getattr(self, "_h", None), None
        if h is not None:
            lib.otel_bound_instrument_free(h)


class Counter(_Instrument, _ApiCounter):
    def add(self, amount, attributes=None, context=None):
        self._record(amount, attributes)


class UpDownCounter(_Instrument, _ApiUpDownCounter):
    def add(self, amount, attributes=None, context=None):
        self._record(amount, attributes)


class Histogram(_Instrument, _ApiHistogram):
    def record(self, amount, attributes=None, context=None):
        self._record(amount, attributes)


class Gauge(_Instrument, _ApiGauge):
    def set(self, amount, attributes=None, context=None):
        self._record(amount, attributes)


class _Observable(_Instrument):
    pass


class ObservableCounter(_Observable, _ApiObsCounter):
    pass


class ObservableUpDownCounter(_Observable, _ApiObsUpDown):
    pass


class ObservableGauge(_Observable, _ApiObsGauge):
    pass


class _Registration:
    """What a C callback points at: the Python callbacks of one instrument."""

    def __init__(self, inst, callbacks):
        self.inst, self.callbacks = inst, list(callbacks)
        self.handle = ffi.new_handle(self)


@ffi.def_extern()
def _otel_py_observe(observer, user_data):
    reg = ffi.from_handle(user_data)
    options = _CallbackOptions() if _CallbackOptions else None
    for cb in reg.callbacks:
        try:
            results = cb(options) if options is not None else cb()
            for obs in results or ():
                value = getattr(obs, "value", obs)
                attrs = getattr(obs, "attributes", None)
                arr, n, _keep = _attrs(attrs) if attrs else (ffi.NULL, 0, None)
                if reg.inst._int and type(value) is float:
                    value = _whole(reg.inst.name, value)
                if reg.inst._int and isinstance(value, int) and not isinstance(value, bool):
                    lib.otel_observer_observe_i64(observer, reg.inst._i, value, arr, n)
                else:
                    lib.otel_observer_observe_f64(observer, reg.inst._i, float(value), arr, n)
        except Exception:  # a failing callback must not break collection
            import traceback
            traceback.print_exc()


class Meter(_ApiMeter):
    def __init__(self, provider, handle, name, version, schema_url):
        self._provider = provider
        self._m = handle
        self._name, self._version, self._schema_url = name, version, schema_url
        self._registrations = []

    # value_type: the OpenTelemetry API has no number types, and a float
    # holds every int a counter meets exactly (to 2**53), so float is the
    # default; value_type=int exports integers (whole numbers only).
    def create_counter(self, name, unit="", description="", *, value_type=float):
        return Counter(self, COUNTER, name, unit, description, _number(value_type))

    def create_up_down_counter(self, name, unit="", description="", *, value_type=float):
        return UpDownCounter(self, UP_DOWN, name, unit, description, _number(value_type))

    def create_histogram(self, name, unit="", description="", *, explicit_bucket_boundaries_advisory=None,
                         value_type=float):
        h = Histogram(self, HISTOGRAM, name, unit, description, _number(value_type))
        if explicit_bucket_boundaries_advisory is not None:
            try:
                b = [float(x) for x in explicit_bucket_boundaries_advisory]
            except (TypeError, ValueError):
                raise TypeError("%s: explicit_bucket_boundaries_advisory must be numbers" % name) from None
            _check(lib.otel_instrument_set_bucket_boundaries(h._i, ffi.new("double[]", b), len(b)),
                   "%s: bucket boundaries" % name)
        return h

    def create_gauge(self, name, unit="", description="", *, value_type=float):
        return Gauge(self, GAUGE, name, unit, description, _number(value_type))

    def _observable(self, cls, kind, name, callbacks, unit, description, value_type):
        inst = cls(self, kind, name, unit, description, _number(value_type))
        if callbacks:
            for cb in callbacks:
                if not callable(cb):
                    raise TypeError("%s: callbacks must be callable" % name)
            reg = _Registration(inst, callbacks)
            arr = ffi.new("otel_instrument *[1]", [inst._i])
            _check(lib.otel_meter_register_callback(self._m, lib._otel_py_observe, reg.handle, arr, 1,
                                                    ffi.NULL), "register callback")
            self._registrations.append(reg)  # keeps the handle alive
        return inst

    def create_observable_counter(self, name, callbacks=None, unit="", description="", *, value_type=float):
        return self._observable(ObservableCounter, OBS_COUNTER, name, callbacks, unit, description, value_type)

    def create_observable_up_down_counter(self, name, callbacks=None, unit="", description="", *,
                                          value_type=float):
        return self._observable(ObservableUpDownCounter, OBS_UP_DOWN, name, callbacks, unit, description,
                                value_type)

    def create_observable_gauge(self, name, callbacks=None, unit="", description="", *, value_type=float):
        return self._observable(ObservableGauge, OBS_GAUGE, name, callbacks, unit, description, value_type)


class MeterProvider(_ApiMeterProvider):
    """A meter provider of the C core: OTEL_* keywords as for TracerProvider
    (``exporter="memory"`` keeps metrics for ``collect()``; "none"; "otlp",
    the default, exports every ``metric_export_interval`` ms)."""

    def __init__(self, exporter=None, _handle=None, **settings):
        self._lock = threading.Lock()
        _meter_providers.add(self)
        self._meters = {}
        self._reader = None
        self._owned = _handle is None
        if _handle is not None:
            self._mp = _handle
            return
        o = _new_options(settings)
        try:
            if exporter in ("memory", "none"):
                nb, vb = b"OTEL_METRICS_EXPORTER", b"none"
                lib.otel_options_set_n(o, nb, len(nb), vb, len(vb))
            elif exporter not in (None, "otlp"):
                raise ValueError("exporter must be 'otlp', 'none' or 'memory'")
            out = ffi.new("otel_meter_provider **")
            _check(lib.otel_meter_provider_new(out, o), "meter_provider_new")
            self._mp = out[0]
        finally:
            lib.otel_options_free(o)
        if exporter == "memory":
            r = ffi.new("otel_metric_reader **")
            _check(lib.otel_metric_reader_manual_new(r, lib.OTEL_TEMPORALITY_CUMULATIVE), "manual reader")
            _check(lib.otel_meter_provider_add_reader(self._mp, r[0]), "add reader")
            self._reader = r[0]

    def get_meter(self, name, version=None, schema_url=None, attributes=None):
        for what, v in (("meter name", name), ("meter version", version), ("schema_url", schema_url)):
            if v is not None and not isinstance(v, str):
                raise TypeError("%s must be str, not %s" % (what, type(v).__name__))
        key = (name, version, schema_url)
        with self._lock:
            m = self._meters.get(key)
            if m is None:
                h = lib.otel_meter_provider_get_meter(self._mp, _b(name or ""),
                                                      _b(version) if version else ffi.NULL,
                                                      _b(schema_url) if schema_url else ffi.NULL)
                m = self._meters[key] = Meter(self, h, name, version, schema_url)
            return m

    def collect(self):
        """With exporter="memory": {metric name: [(attributes, value)]}; for
        histograms the value is (count, sum)."""
        if self._reader is None:
            raise ValueError('collect() needs MeterProvider(exporter="memory")')
        d = ffi.new("otel_metrics_data **")
        _check(lib.otel_metric_reader_collect(self._reader, d), "collect")
        out = {}
        name, n = ffi.new("char **"), ffi.new("size_t *")
        kind = ffi.new("int *")
        is_int, iv, dv = ffi.new("int *"), ffi.new("int64_t *"), ffi.new("double *")
        cnt, sm = ffi.new("uint64_t *"), ffi.new("double *")
        attrs, na = ffi.new("otel_attr **"), ffi.new("size_t *")
        try:
            for i in range(lib.otel_metrics_data_count(d[0])):
                lib.otel_metrics_data_metric(d[0], i, name, ffi.NULL, ffi.NULL, kind, ffi.NULL, ffi.NULL, n,
                                             ffi.NULL)
                points = out.setdefault(ffi.string(name[0]).decode(), [])
                for p in range(n[0]):
                    lib.otel_metrics_data_point(d[0], i, p, ffi.NULL, ffi.NULL, is_int, iv, dv, cnt, sm,
                                                ffi.NULL, ffi.NULL)
                    lib.otel_metrics_data_point_attrs(d[0], i, p, attrs, na)
                    a = {ffi.unpack(attrs[0][k].key, attrs[0][k].key_len).decode(): _attr_value(attrs[0][k])
                         for k in range(na[0])}
                    if kind[0] == lib.OTEL_METRIC_HISTOGRAM:
                        value = (cnt[0], sm[0])
                    else:
                        value = iv[0] if is_int[0] else dv[0]
                    points.append((a, value))
        finally:
            lib.otel_metrics_data_free(d[0])
        return out

    def force_flush(self, timeout_millis=30000):
        return lib.otel_meter_provider_force_flush(self._mp, _timeout_ms(timeout_millis)) == _OK

    def shutdown(self, timeout_millis=30000):
        return lib.otel_meter_provider_shutdown(self._mp, _timeout_ms(timeout_millis)) == _OK

    def __del__(self):
        if getattr(self, "_reader", None) is not None:
            lib.otel_metric_reader_release(self._reader)
        mp = getattr(self, "_mp", None)
        if mp is not None:
            self._mp = None
            lib.otel_meter_provider_release(mp)


_global = None
_global_lock = threading.Lock()


def get_meter(name, version=None, schema_url=None):
    """A meter of the process-wide meter provider: the one a C host made
    global, else one made with otel_core.configure()'s OTEL_* keywords and
    the environment."""
    global _global
    with _global_lock:
        if _global is None:
            host = lib.otel_meter_provider_get_global()
            if host != ffi.NULL:
                _global = MeterProvider(_handle=host)
            else:
                _global = MeterProvider(**_configured_settings())
                lib.otel_meter_provider_set_global(_global._mp)
    return _global.get_meter(name, version, schema_url)


_meter_providers = weakref.WeakSet()  # for the fork hook and the exit flush


def _after_fork_in_child():
    global _global_lock
    _global_lock = threading.Lock()  # a parent thread may have held it
    for mp in list(_meter_providers):
        mp._lock = threading.Lock()


def _at_exit():
    """Exports what the providers still hold when the interpreter exits
    (as opentelemetry-sdk does): metrics of the last interval, a worker's
    last spans. Bounded: 5 s each."""
    for mp in list(_meter_providers):
        if getattr(mp, "_mp", None) is not None and mp._reader is None and mp._owned:
            lib.otel_meter_provider_force_flush(mp._mp, 5000)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_at_exit)
