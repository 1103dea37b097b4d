//! Meter providers of the C core: the builder, readers, collected data as
//! Rust structs, and this crate's own instrument API. The `opentelemetry`
//! `MeterProvider` trait is implemented in `api::metrics`.
use crate::attr::{self, kv_from_c, Attr};
use crate::error::{check, Result, Status};
use crate::options::{Deferred, Options};
use crate::raw;
use opentelemetry::KeyValue;
use std::sync::{Arc, Mutex};

pub(crate) struct MeterInner {
    pub(crate) raw: *mut raw::otel_meter_provider,
    /// Observable callbacks: (meter, id, user data). Unregistered before
    /// their user data is freed, so a C reference that outlives us (the C
    /// global) never calls freed memory.
    pub(crate) callbacks: Mutex<Vec<Registered>>,
}

/// An observable callback as registered in C: its meter, id and user data.
pub(crate) type Registered = (*mut raw::otel_meter, u64, Box<dyn std::any::Any + Send>);

// Meter providers, meters and instruments are safe from any thread
// (metrics.h); the callback list is behind a mutex.
unsafe impl Send for MeterInner {}
unsafe impl Sync for MeterInner {}

impl Drop for MeterInner {
    fn drop(&mut self) {
        let cbs = std::mem::take(self.callbacks.get_mut().unwrap_or_else(|e| e.into_inner()));
        for (m, id, _) in &cbs {
            unsafe { raw::otel_meter_unregister_callback(*m, *id) };
        }
        unsafe { raw::otel_meter_provider_release(self.raw) };
        drop(cbs);
    }
}

/// A meter provider of the C core; cheap to clone.
#[derive(Clone)]
pub struct MeterProvider {
    pub(crate) inner: Arc<MeterInner>,
}

impl std::fmt::Debug for MeterProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MeterProvider").field("raw", &self.inner.raw).finish()
    }
}

/// Aggregation temporality of a reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Temporality {
    Cumulative,
    Delta,
}

/// A reader you collect from yourself (tests, pull exporters).
#[derive(Clone)]
pub struct ManualReader {
    raw: Arc<ReaderRef>,
}

struct ReaderRef(*mut raw::otel_metric_reader);
// Readers are safe from any thread (collect is thread-safe in metrics.h).
unsafe impl Send for ReaderRef {}
unsafe impl Sync for ReaderRef {}
impl Drop for ReaderRef {
    fn drop(&mut self) {
        unsafe { raw::otel_metric_reader_release(self.0) }
    }
}

impl ManualReader {
    pub fn new(temporality: Temporality) -> Result<ManualReader> {
        let t = match temporality {
            Temporality::Cumulative => raw::OTEL_TEMPORALITY_CUMULATIVE,
            Temporality::Delta => raw::OTEL_TEMPORALITY_DELTA,
        };
        let mut p = std::ptr::null_mut();
        check(unsafe { raw::otel_metric_reader_manual_new(&mut p, t as i32) })?;
        Ok(ManualReader { raw: Arc::new(ReaderRef(p)) })
    }

    /// Collects now (runs observable callbacks) into Rust structs.
    pub fn collect(&self) -> Result<Vec<Metric>> {
        let mut d = std::ptr::null_mut();
        check(unsafe { raw::otel_metric_reader_collect(self.raw.0, &mut d) })?;
        let out = unsafe { metrics_from_c(d) };
        unsafe { raw::otel_metrics_data_free(d) };
        Ok(out)
    }
}

/// A view: how the streams of the instruments it selects differ.
pub struct View {
    raw: *mut raw::otel_view,
    err: Deferred,
}

impl View {
    /// Selects instruments by name pattern (`*`, `?`).
    pub fn new(instrument_name: &str) -> View {
        let name = std::ffi::CString::new(instrument_name).unwrap_or_default();
        let mut p = std::ptr::null_mut();
        let mut err = Deferred::default();
        err.keep(check(unsafe { raw::otel_view_new(&mut p, name.as_ptr()) }));
        View { raw: p, err }
    }

    /// Keeps only these attribute keys: a bound on the metric's cardinality.
    pub fn keep_attributes(mut self, keys: &[&str]) -> View {
        let owned: Vec<std::ffi::CString> = keys.iter().map(|k| std::ffi::CString::new(*k).unwrap_or_default()).collect();
        let ptrs: Vec<*const std::os::raw::c_char> = owned.iter().map(|c| c.as_ptr()).collect();
        self.err.keep(check(unsafe { raw::otel_view_set_attribute_keys(self.raw, ptrs.as_ptr(), ptrs.len(), 0) }));
        self
    }

    /// Caps the number of series (the rest go to the overflow series).
    pub fn cardinality_limit(mut self, limit: usize) -> View {
        self.err.keep(check(unsafe { raw::otel_view_set_cardinality_limit(self.raw, limit) }));
        self
    }

    /// Explicit histogram bucket boundaries.
    pub fn histogram_boundaries(mut self, bounds: &[f64]) -> View {
        let agg = raw::OTEL_AGGREGATION_EXPLICIT_BUCKET_HISTOGRAM as i32;
        self.err.keep(check(unsafe { raw::otel_view_set_aggregation(self.raw, agg, bounds.as_ptr(), bounds.len()) }));
        self
    }

    /// Renames the stream.
    pub fn rename(mut self, name: &str) -> View {
        let c = std::ffi::CString::new(name).unwrap_or_default();
        self.err.keep(check(unsafe { raw::otel_view_set_stream(self.raw, c.as_ptr(), std::ptr::null()) }));
        self
    }
}

impl Drop for View {
    fn drop(&mut self) {
        unsafe { raw::otel_view_free(self.raw) }
    }
}

/// Builds a [`MeterProvider`].
pub struct MeterProviderBuilder {
    opts: Option<Options>,
    readers: Vec<*mut raw::otel_metric_reader>,
    /// Readers this builder made; the provider takes its own reference.
    owned: Vec<ReaderRef>,
    views: Vec<View>,
    /// OTEL_METRICS_EXPORTER was set in code.
    exporter_named: bool,
    err: Deferred,
}

impl MeterProvider {
    pub fn builder() -> MeterProviderBuilder {
        let mut err = Deferred::default();
        let opts = Options::new().map_err(|e| err.keep(Err(e))).ok();
        if let Some(o) = &opts {
            err.keep(o.strict());
        }
        MeterProviderBuilder { opts, readers: Vec::new(), owned: Vec::new(), views: Vec::new(), exporter_named: false, err }
    }

    /// The provider the environment describes (`OTEL_METRICS_EXPORTER`, ...).
    pub fn from_env() -> Result<MeterProvider> {
        MeterProvider::builder().build()
    }

    /// Makes this the C global meter provider.
    pub fn set_c_global(&self) {
        unsafe { raw::otel_meter_provider_set_global(self.inner.raw) }
    }

    pub fn force_flush(&self, timeout_ms: u32) -> Result<()> {
        check(unsafe { raw::otel_meter_provider_force_flush(self.inner.raw, timeout_ms) })
    }

    pub fn shutdown(&self, timeout_ms: u32) -> Result<()> {
        check(unsafe { raw::otel_meter_provider_shutdown(self.inner.raw, timeout_ms) })
    }

    /// The metrics export counters (export_batches, export_errors,
    /// export_retries, the last export and error times, last_error); the
    /// span counters stay 0.
    pub fn stats(&self) -> crate::Stats {
        let raw = self.inner.raw;
        crate::Stats::read(
            |v, n| unsafe { raw::otel_meter_provider_get_stats(raw, v, n) },
            |b, n| unsafe { raw::otel_meter_provider_last_error(raw, b, n) },
        )
    }

    /// Measurements dropped as invalid (NaN, negative counter values, ...).
    pub fn dropped(&self) -> u64 {
        unsafe { raw::otel_meter_provider_dropped(self.inner.raw) }
    }

    /// A meter of this crate's own API.
    pub fn own_meter(&self, name: &str) -> Meter {
        let (np, nl) = raw::str_parts(name);
        let m = unsafe { raw::otel_meter_provider_get_meter_n(self.inner.raw, np, nl, std::ptr::null(), 0, std::ptr::null(), 0, std::ptr::null(), 0) };
        Meter { raw: m, provider: self.clone() }
    }
}

impl MeterProviderBuilder {
    /// Sets an option by its specification name.
    pub fn with_option(mut self, name: &str, value: &str) -> Self {
        if let Some(o) = &self.opts {
            let r = o.set(name, value);
            self.err.keep(r);
        }
        self.exporter_named |= name == "OTEL_METRICS_EXPORTER";
        self
    }

    /// Adds a manual reader (no reader from `OTEL_METRICS_EXPORTER` then).
    pub fn with_reader(mut self, reader: &ManualReader) -> Self {
        self.readers.push(reader.raw.0);
        self
    }

    /// Adds an OTLP periodic reader configured from the options given to
    /// this builder so far (`OTEL_EXPORTER_OTLP_*`,
    /// `OTEL_METRIC_EXPORT_INTERVAL`), then the environment.
    pub fn with_otlp_reader(mut self) -> Self {
        let Some(o) = &self.opts else { return self };
        let mut p = std::ptr::null_mut();
        match check(unsafe { raw::otel_metric_reader_otlp_new(&mut p, o.0) }) {
            Ok(()) => {
                self.readers.push(p);
                self.owned.push(ReaderRef(p));
            }
            Err(e) => self.err.keep(Err(e)),
        }
        self
    }

    /// Adds a view (applies to instruments created afterwards).
    pub fn with_view(mut self, view: View) -> Self {
        self.views.push(view);
        self
    }

    pub fn build(mut self) -> Result<MeterProvider> {
        for v in &mut self.views {
            std::mem::take(&mut v.err).into_result()?;
        }
        std::mem::take(&mut self.err).into_result()?;
        let Some(o) = self.opts.take() else { return Err(crate::Error::new(Status::NoMemory, "options")) };
        // The C provider adds the environment's reader even when readers
        // follow (metrics.h says otherwise): readers given here replace it,
        // unless OTEL_METRICS_EXPORTER was named in code too.
        if !self.readers.is_empty() && !self.exporter_named {
            o.set("OTEL_METRICS_EXPORTER", "none")?;
        }
        let mut p = std::ptr::null_mut();
        check(unsafe { raw::otel_meter_provider_new(&mut p, o.0) })?;
        let mp = MeterProvider { inner: Arc::new(MeterInner { raw: p, callbacks: Mutex::new(Vec::new()) }) };
        for r in &self.readers {
            check(unsafe { raw::otel_meter_provider_add_reader(p, *r) })?;
        }
        for v in &self.views {
            check(unsafe { raw::otel_meter_provider_add_view(p, v.raw) })?;
        }
        Ok(mp)
    }
}

/// A meter of the own API.
#[derive(Clone)]
pub struct Meter {
    pub(crate) raw: *mut raw::otel_meter,
    pub(crate) provider: MeterProvider,
}

// Meters are safe from any thread and live as long as the provider we hold.
unsafe impl Send for Meter {}
unsafe impl Sync for Meter {}

/// The kind of an instrument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstrumentKind {
    Counter,
    UpDownCounter,
    Histogram,
    Gauge,
    ObservableCounter,
    ObservableUpDownCounter,
    ObservableGauge,
}

impl InstrumentKind {
    pub(crate) fn to_c(self) -> i32 {
        (match self {
            InstrumentKind::Counter => raw::OTEL_INSTRUMENT_COUNTER,
            InstrumentKind::UpDownCounter => raw::OTEL_INSTRUMENT_UP_DOWN_COUNTER,
            InstrumentKind::Histogram => raw::OTEL_INSTRUMENT_HISTOGRAM,
            InstrumentKind::Gauge => raw::OTEL_INSTRUMENT_GAUGE,
            InstrumentKind::ObservableCounter => raw::OTEL_INSTRUMENT_OBSERVABLE_COUNTER,
            InstrumentKind::ObservableUpDownCounter => raw::OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER,
            InstrumentKind::ObservableGauge => raw::OTEL_INSTRUMENT_OBSERVABLE_GAUGE,
        }) as i32
    }
}

impl Meter {
    /// Creates (or finds) an instrument; `integer` picks int64 over double.
    pub fn instrument(&self, kind: InstrumentKind, integer: bool, name: &str, unit: &str, description: &str) -> Result<Instrument> {
        let c = |s: &str| std::ffi::CString::new(s).unwrap_or_default();
        let (n, u, d) = (c(name), c(unit), c(description));
        let nt = if integer { raw::OTEL_NUMBER_INT64 } else { raw::OTEL_NUMBER_DOUBLE } as i32;
        let mut p = std::ptr::null_mut();
        check(unsafe { raw::otel_meter_create_instrument(&mut p, self.raw, kind.to_c(), nt, n.as_ptr(), u.as_ptr(), d.as_ptr()) })?;
        Ok(Instrument { raw: p, _provider: self.provider.clone() })
    }
}

/// An instrument of the own API: `add`/`record` with borrowed attributes.
#[derive(Clone)]
pub struct Instrument {
    pub(crate) raw: *mut raw::otel_instrument,
    pub(crate) _provider: MeterProvider,
}

// Instruments are safe from any thread (metrics.h) and live as long as
// the provider we hold.
unsafe impl Send for Instrument {}
unsafe impl Sync for Instrument {}

impl Instrument {
    /// Adds (counters), records (histograms) or sets (gauges) an integer.
    #[inline]
    pub fn record_i64(&self, value: i64, attrs: &[Attr<'_>]) {
        attr::with_attrs(attrs, |p, n| unsafe { raw::otel_instrument_record_i64(self.raw, value, p, n) });
    }

    /// As `record_i64` for a double.
    #[inline]
    pub fn record_f64(&self, value: f64, attrs: &[Attr<'_>]) {
        attr::with_attrs(attrs, |p, n| unsafe { raw::otel_instrument_record_f64(self.raw, value, p, n) });
    }
}

/// A collected metric.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Metric {
    pub name: String,
    pub unit: String,
    pub description: String,
    pub scope: String,
    /// 1 gauge, 2 sum, 3 histogram, 4 exponential histogram (OTLP kinds).
    pub data_kind: i32,
    pub monotonic: bool,
    pub points: Vec<Point>,
}

/// A point of a collected metric.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Point {
    pub attributes: Vec<KeyValue>,
    /// Sums and gauges: the value (int64 instruments fill `int_value`).
    pub int_value: Option<i64>,
    pub double_value: Option<f64>,
    /// Histograms.
    pub count: u64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    pub bucket_counts: Vec<u64>,
}

impl Metric {
    /// The point whose attributes contain all of `attrs`.
    pub fn point(&self, attrs: &[KeyValue]) -> Option<&Point> {
        self.points.iter().find(|p| attrs.iter().all(|a| p.attributes.contains(a)))
    }
}

unsafe fn metrics_from_c(d: *const raw::otel_metrics_data) -> Vec<Metric> {
    let n = raw::otel_metrics_data_count(d);
    (0..n)
        .filter_map(|i| {
            let (mut name, mut unit, mut desc, mut scope) = (std::ptr::null(), std::ptr::null(), std::ptr::null(), std::ptr::null());
            let (mut kind, mut temp, mut mono, mut np) = (0, 0, 0, 0usize);
            if raw::otel_metrics_data_metric(d, i, &mut name, &mut unit, &mut desc, &mut kind, &mut temp, &mut mono, &mut np, &mut scope) != raw::OTEL_OK {
                return None;
            }
            let points = (0..np)
                .map(|p| {
                    let (mut s, mut t, mut is_int, mut iv, mut dv, mut count, mut sum, mut min, mut max) = (0, 0, 0, 0i64, 0f64, 0u64, 0f64, 0f64, 0f64);
                    raw::otel_metrics_data_point(d, i, p, &mut s, &mut t, &mut is_int, &mut iv, &mut dv, &mut count, &mut sum, &mut min, &mut max);
                    let (mut ap, mut an) = (std::ptr::null(), 0usize);
                    raw::otel_metrics_data_point_attrs(d, i, p, &mut ap, &mut an);
                    let attributes = (0..an).map(|k| kv_from_c(&*ap.add(k))).collect();
                    let (mut bp, mut bn, mut cp, mut cn) = (std::ptr::null(), 0usize, std::ptr::null(), 0usize);
                    let bucket_counts = if raw::otel_metrics_data_point_buckets(d, i, p, &mut bp, &mut bn, &mut cp, &mut cn) == raw::OTEL_OK && !cp.is_null() {
                        std::slice::from_raw_parts(cp, cn).to_vec()
                    } else {
                        Vec::new()
                    };
                    let hist = kind == raw::OTEL_METRIC_HISTOGRAM as i32 || kind == raw::OTEL_METRIC_EXPONENTIAL_HISTOGRAM as i32;
                    Point {
                        attributes,
                        int_value: (!hist && is_int != 0).then_some(iv),
                        double_value: (!hist && is_int == 0).then_some(dv),
                        count,
                        sum,
                        min,
                        max,
                        bucket_counts,
                    }
                })
                .collect();
            Some(Metric {
                name: raw::cstr(name).to_owned(),
                unit: raw::cstr(unit).to_owned(),
                description: raw::cstr(desc).to_owned(),
                scope: raw::cstr(scope).to_owned(),
                data_kind: kind,
                monotonic: mono != 0,
                points,
            })
        })
        .collect()
}
