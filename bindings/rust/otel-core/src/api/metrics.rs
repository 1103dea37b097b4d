//! `opentelemetry::metrics::MeterProvider` on the C core: every instrument
//! kind the API offers, synchronous and observable, u64/i64/f64.
use crate::attr;
use crate::metrics::{InstrumentKind, MeterInner, MeterProvider};
use crate::raw;
use opentelemetry::metrics::{
    self as api, AsyncInstrument, AsyncInstrumentBuilder, Callback, Counter, Gauge, Histogram, HistogramBuilder, InstrumentBuilder,
    ObservableCounter, ObservableGauge, ObservableUpDownCounter, SyncInstrument, UpDownCounter,
};
use opentelemetry::{InstrumentationScope, KeyValue};
use std::ffi::CString;
use std::os::raw::c_void;
use std::sync::Arc;

impl api::MeterProvider for MeterProvider {
    fn meter_with_scope(&self, scope: InstrumentationScope) -> api::Meter {
        let (np, nl) = raw::str_parts(scope.name());
        let (vp, vl) = raw::str_parts(scope.version().unwrap_or(""));
        let (sp, sl) = raw::str_parts(scope.schema_url().unwrap_or(""));
        let kvs: Vec<KeyValue> = scope.attributes().cloned().collect();
        let m = attr::with_kvs(&kvs, |p, n| unsafe { raw::otel_meter_provider_get_meter_n(self.inner.raw, np, nl, vp, vl, sp, sl, p, n) });
        api::Meter::new(Arc::new(CoreMeter { raw: m, provider: self.inner.clone() }))
    }
}

/// The API's instrument provider for one C meter.
struct CoreMeter {
    raw: *mut raw::otel_meter,
    provider: Arc<MeterInner>,
}

// C meters are safe from any thread and live while the provider we hold does.
unsafe impl Send for CoreMeter {}
unsafe impl Sync for CoreMeter {}

/// One C instrument behind the API's `SyncInstrument`.
struct Inst {
    raw: *mut raw::otel_instrument,
    _provider: Arc<MeterInner>,
}

// C instruments are safe from any thread (metrics.h: "any thread, no global lock").
unsafe impl Send for Inst {}
unsafe impl Sync for Inst {}

impl SyncInstrument<u64> for Inst {
    #[inline]
    fn measure(&self, v: u64, attrs: &[KeyValue]) {
        // Past i64::MAX the C core drops (and counts) the double: no wrap-around.
        attr::with_kvs(attrs, |p, n| unsafe {
            if v <= i64::MAX as u64 {
                raw::otel_instrument_record_i64(self.raw, v as i64, p, n)
            } else {
                raw::otel_instrument_record_f64(self.raw, v as f64, p, n)
            }
        });
    }
}

impl SyncInstrument<i64> for Inst {
    #[inline]
    fn measure(&self, v: i64, attrs: &[KeyValue]) {
        attr::with_kvs(attrs, |p, n| unsafe { raw::otel_instrument_record_i64(self.raw, v, p, n) });
    }
}

impl SyncInstrument<f64> for Inst {
    #[inline]
    fn measure(&self, v: f64, attrs: &[KeyValue]) {
        attr::with_kvs(attrs, |p, n| unsafe { raw::otel_instrument_record_f64(self.raw, v, p, n) });
    }
}

/// A value an observable callback reports.
trait Observe: Copy + 'static {
    unsafe fn observe(self, o: *mut raw::otel_observer, inst: *mut raw::otel_instrument, p: *const raw::otel_attr, n: usize);
}
impl Observe for u64 {
    unsafe fn observe(self, o: *mut raw::otel_observer, i: *mut raw::otel_instrument, p: *const raw::otel_attr, n: usize) {
        if self <= i64::MAX as u64 {
            raw::otel_observer_observe_i64(o, i, self as i64, p, n)
        } else {
            raw::otel_observer_observe_f64(o, i, self as f64, p, n)
        }
    }
}
impl Observe for i64 {
    unsafe fn observe(self, o: *mut raw::otel_observer, i: *mut raw::otel_instrument, p: *const raw::otel_attr, n: usize) {
        raw::otel_observer_observe_i64(o, i, self, p, n)
    }
}
impl Observe for f64 {
    unsafe fn observe(self, o: *mut raw::otel_observer, i: *mut raw::otel_instrument, p: *const raw::otel_attr, n: usize) {
        raw::otel_observer_observe_f64(o, i, self, p, n)
    }
}

/// What an observable callback sees as the API's `AsyncInstrument`: valid
/// only during the C callback, which is the only place it exists.
struct Observer {
    observer: *mut raw::otel_observer,
    inst: *mut raw::otel_instrument,
}

// Only ever borrowed inside the collecting thread's callback; the API's
// trait demands the bounds.
unsafe impl Send for Observer {}
unsafe impl Sync for Observer {}

impl<T: Observe> AsyncInstrument<T> for Observer {
    fn observe(&self, v: T, attrs: &[KeyValue]) {
        attr::with_kvs(attrs, |p, n| unsafe { v.observe(self.observer, self.inst, p, n) });
    }
}

struct Callbacks<T> {
    inst: *mut raw::otel_instrument,
    callbacks: Vec<Callback<T>>,
}

// The instrument pointer is thread-safe; callbacks are Send + Sync by the API.
unsafe impl<T> Send for Callbacks<T> {}

unsafe extern "C" fn observe_cb<T: Observe>(observer: *mut raw::otel_observer, ud: *mut c_void) {
    let cbs = &*ud.cast::<Callbacks<T>>();
    let o = Observer { observer, inst: cbs.inst };
    for cb in &cbs.callbacks {
        crate::log::guard("observable instrument", (), || cb(&o));
    }
}

fn cstr(s: &str) -> CString {
    CString::new(s.replace('\0', "")).unwrap_or_default()
}

impl CoreMeter {
    fn create(&self, kind: InstrumentKind, integer: bool, name: &str, unit: Option<&str>, desc: Option<&str>) -> *mut raw::otel_instrument {
        let (n, u, d) = (cstr(name), cstr(unit.unwrap_or("")), cstr(desc.unwrap_or("")));
        let nt = if integer { raw::OTEL_NUMBER_INT64 } else { raw::OTEL_NUMBER_DOUBLE } as i32;
        let mut p = std::ptr::null_mut();
        // An invalid name leaves `p` NULL: the C core ignores and counts
        // measurements on NULL, the API's "instrument that does nothing".
        unsafe { raw::otel_meter_create_instrument(&mut p, self.raw, kind.to_c(), nt, n.as_ptr(), u.as_ptr(), d.as_ptr()) };
        p
    }

    fn sync(&self, kind: InstrumentKind, integer: bool, name: &str, unit: Option<&str>, desc: Option<&str>) -> Arc<Inst> {
        Arc::new(Inst { raw: self.create(kind, integer, name, unit, desc), _provider: self.provider.clone() })
    }

    fn histogram<T>(&self, b: &HistogramBuilder<'_, T>, integer: bool) -> Arc<Inst> {
        let inst = self.sync(InstrumentKind::Histogram, integer, &b.name, b.unit.as_deref(), b.description.as_deref());
        if let Some(bounds) = &b.boundaries {
            unsafe { raw::otel_instrument_set_bucket_boundaries(inst.raw, bounds.as_ptr(), bounds.len()) };
        }
        inst
    }

    fn observable<I, T: Observe>(&self, b: AsyncInstrumentBuilder<'_, I, T>, kind: InstrumentKind, integer: bool) {
        let inst = self.create(kind, integer, &b.name, b.unit.as_deref(), b.description.as_deref());
        if inst.is_null() || b.callbacks.is_empty() {
            return;
        }
        let mut boxed = Box::new(Callbacks { inst, callbacks: b.callbacks });
        let ud = (&mut *boxed as *mut Callbacks<T>).cast::<c_void>();
        let mut id = 0u64;
        let st = unsafe { raw::otel_meter_register_callback(self.raw, Some(observe_cb::<T>), ud, &inst, 1, &mut id) };
        if st == raw::OTEL_OK {
            let mut list = self.provider.callbacks.lock().unwrap_or_else(|e| e.into_inner());
            list.push((self.raw, id, boxed));
        }
    }
}

impl api::InstrumentProvider for CoreMeter {
    fn u64_counter(&self, b: InstrumentBuilder<'_, Counter<u64>>) -> Counter<u64> {
        Counter::new(self.sync(InstrumentKind::Counter, true, &b.name, b.unit.as_deref(), b.description.as_deref()))
    }
    fn f64_counter(&self, b: InstrumentBuilder<'_, Counter<f64>>) -> Counter<f64> {
        Counter::new(self.sync(InstrumentKind::Counter, false, &b.name, b.unit.as_deref(), b.description.as_deref()))
    }
    fn i64_up_down_counter(&self, b: InstrumentBuilder<'_, UpDownCounter<i64>>) -> UpDownCounter<i64> {
        UpDownCounter::new(self.sync(InstrumentKind::UpDownCounter, true, &b.name, b.unit.as_deref(), b.description.as_deref()))
    }
    fn f64_up_down_counter(&self, b: InstrumentBuilder<'_, UpDownCounter<f64>>) -> UpDownCounter<f64> {
        UpDownCounter::new(self.sync(InstrumentKind::UpDownCounter, false, &b.name, b.unit.as_deref(), b.description.as_deref()))
    }
    fn u64_gauge(&self, b: InstrumentBuilder<'_, Gauge<u64>>) -> Gauge<u64> {
        Gauge::new(self.sync(InstrumentKind::Gauge, true, &b.name, b.unit.as_deref(), b.description.as_deref()))
    }
    fn i64_gauge(&self, b: InstrumentBuilder<'_, Gauge<i64>>) -> Gauge<i64> {
        Gauge::new(self.sync(InstrumentKind::Gauge, true, &b.name, b.unit.as_deref(), b.description.as_deref()))
    }
    fn f64_gauge(&self, b: InstrumentBuilder<'_, Gauge<f64>>) -> Gauge<f64> {
        Gauge::new(self.sync(InstrumentKind::Gauge, false, &b.name, b.unit.as_deref(), b.description.as_deref()))
    }
    fn f64_histogram(&self, b: HistogramBuilder<'_, Histogram<f64>>) -> Histogram<f64> {
        Histogram::new(self.histogram(&b, false))
    }
    fn u64_histogram(&self, b: HistogramBuilder<'_, Histogram<u64>>) -> Histogram<u64> {
        Histogram::new(self.histogram(&b, true))
    }
    fn u64_observable_counter(&self, b: AsyncInstrumentBuilder<'_, ObservableCounter<u64>, u64>) -> ObservableCounter<u64> {
        self.observable(b, InstrumentKind::ObservableCounter, true);
        ObservableCounter::new()
    }
    fn f64_observable_counter(&self, b: AsyncInstrumentBuilder<'_, ObservableCounter<f64>, f64>) -> ObservableCounter<f64> {
        self.observable(b, InstrumentKind::ObservableCounter, false);
        ObservableCounter::new()
    }
    fn i64_observable_up_down_counter(&self, b: AsyncInstrumentBuilder<'_, ObservableUpDownCounter<i64>, i64>) -> ObservableUpDownCounter<i64> {
        self.observable(b, InstrumentKind::ObservableUpDownCounter, true);
        ObservableUpDownCounter::new()
    }
    fn f64_observable_up_down_counter(&self, b: AsyncInstrumentBuilder<'_, ObservableUpDownCounter<f64>, f64>) -> ObservableUpDownCounter<f64> {
        self.observable(b, InstrumentKind::ObservableUpDownCounter, false);
        ObservableUpDownCounter::new()
    }
    fn u64_observable_gauge(&self, b: AsyncInstrumentBuilder<'_, ObservableGauge<u64>, u64>) -> ObservableGauge<u64> {
        self.observable(b, InstrumentKind::ObservableGauge, true);
        ObservableGauge::new()
    }
    fn i64_observable_gauge(&self, b: AsyncInstrumentBuilder<'_, ObservableGauge<i64>, i64>) -> ObservableGauge<i64> {
        self.observable(b, InstrumentKind::ObservableGauge, true);
        ObservableGauge::new()
    }
    fn f64_observable_gauge(&self, b: AsyncInstrumentBuilder<'_, ObservableGauge<f64>, f64>) -> ObservableGauge<f64> {
        self.observable(b, InstrumentKind::ObservableGauge, false);
        ObservableGauge::new()
    }
}
