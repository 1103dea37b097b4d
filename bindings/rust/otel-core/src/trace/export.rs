//! Span exporters and processors: the C core's (OTLP, console, file,
//! in-memory, simple, batch) and custom ones in Rust.
use super::span_data::{self, SpanData};
use crate::error::{check, Error, Result};
use crate::options::Options;
use crate::raw;
use opentelemetry::trace::SpanContext;
use opentelemetry::KeyValue;
use std::os::raw::{c_int, c_void};

/// A span exporter, to hand to a processor.
pub struct Exporter {
    pub(crate) raw: *mut raw::otel_exporter,
}

// Exporters are reference-counted and safe from any thread (export.h).
unsafe impl Send for Exporter {}
unsafe impl Sync for Exporter {}

impl Clone for Exporter {
    fn clone(&self) -> Self {
        Exporter { raw: unsafe { raw::otel_exporter_retain(self.raw) } }
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        unsafe { raw::otel_exporter_release(self.raw) }
    }
}

fn made(st: raw::otel_status, p: *mut raw::otel_exporter) -> Result<Exporter> {
    check(st)?;
    Ok(Exporter { raw: p })
}

/// A custom exporter, called on the processor's thread (the batch worker,
/// or the ending thread for the simple processor), never concurrently.
/// The same shape as `opentelemetry_sdk::trace::SpanExporter`, synchronous.
pub trait SpanExporter: Send + 'static {
    fn export(&mut self, batch: Vec<SpanData>) -> Result<()>;
    fn force_flush(&mut self) -> Result<()> {
        Ok(())
    }
    fn shutdown(&mut self) -> Result<()> {
        Ok(())
    }
}

impl Exporter {
    /// OTLP (http/protobuf, http/json or gRPC) configured by
    /// `OTEL_EXPORTER_OTLP_*` names in `options`, then the environment.
    pub fn otlp(options: &[(&str, &str)]) -> Result<Exporter> {
        let o = Options::from_pairs(options)?;
        let mut p = std::ptr::null_mut();
        made(unsafe { raw::otel_exporter_otlp_new(&mut p, o.0) }, p)
    }

    /// One human-readable block per span on standard output.
    pub fn console() -> Result<Exporter> {
        let mut p = std::ptr::null_mut();
        made(unsafe { raw::otel_exporter_console_new(&mut p, -1) }, p)
    }

    /// OTLP/JSON lines appended to `path` (the Collector file exporter's layout).
    pub fn file(path: &str) -> Result<Exporter> {
        let mut p = std::ptr::null_mut();
        let (pp, pl) = raw::str_parts(path);
        made(unsafe { raw::otel_exporter_file_new_n(&mut p, pp, pl) }, p)
    }

    /// Accepts every batch and keeps nothing, without copying a span out of
    /// C: for benchmarks and load tests of everything but the wire.
    pub fn discard() -> Result<Exporter> {
        unsafe extern "C" fn accept(_: *const *const raw::otel_span_data, _: usize, _: *mut c_void) -> c_int {
            raw::OTEL_EXPORT_SUCCESS as c_int
        }
        let mut p = std::ptr::null_mut();
        made(unsafe { raw::otel_exporter_custom_new(&mut p, Some(accept), std::ptr::null_mut()) }, p)
    }

    /// An exporter written in Rust. A panic in it is caught (the batch
    /// counts as failed), counted and reported through the log handler.
    pub fn custom(exporter: impl SpanExporter) -> Result<Exporter> {
        let ud = Box::into_raw(Box::new(ExporterBox::new(Box::new(exporter)))).cast::<c_void>();
        let mut p = std::ptr::null_mut();
        let st = unsafe { raw::otel_exporter_custom_new(&mut p, Some(export_cb), ud) };
        if st != raw::OTEL_OK {
            unsafe { drop(Box::from_raw(ud.cast::<ExporterBox>())) };
            return Err(Error::last(st));
        }
        unsafe {
            raw::otel_exporter_set_free_fn(p, Some(free_exporter));
            raw::otel_exporter_set_force_flush_fn(p, Some(flush_cb));
            raw::otel_exporter_set_shutdown_fn(p, Some(shutdown_cb));
        }
        Ok(Exporter { raw: p })
    }
}

// A mutex although C never exports concurrently: flush and shutdown may come
// from other threads than the worker's export.
type ExporterBox = std::sync::Mutex<Box<dyn SpanExporter>>;

unsafe fn exporter<'a>(ud: *mut c_void) -> std::sync::MutexGuard<'a, Box<dyn SpanExporter>> {
    let m = &*ud.cast::<ExporterBox>();
    m.lock().unwrap_or_else(|e| e.into_inner())
}

unsafe extern "C" fn export_cb(spans: *const *const raw::otel_span_data, n: usize, ud: *mut c_void) -> c_int {
    crate::log::guard("span exporter", raw::OTEL_EXPORT_FAILURE as c_int, || {
        let batch = (0..n).map(|i| span_data::from_c(*spans.add(i))).collect();
        match exporter(ud).export(batch) {
            Ok(()) => raw::OTEL_EXPORT_SUCCESS as c_int,
            Err(_) => raw::OTEL_EXPORT_FAILURE as c_int,
        }
    })
}

fn status_of(r: Result<()>) -> c_int {
    match r {
        Ok(()) => raw::OTEL_OK as c_int,
        Err(e) => e.status().code(),
    }
}

unsafe extern "C" fn flush_cb(_timeout: u32, ud: *mut c_void) -> c_int {
    crate::log::guard("span exporter flush", raw::OTEL_ERR_INTERNAL as c_int, || status_of(exporter(ud).force_flush()))
}

unsafe extern "C" fn shutdown_cb(_timeout: u32, ud: *mut c_void) -> c_int {
    crate::log::guard("span exporter shutdown", raw::OTEL_ERR_INTERNAL as c_int, || status_of(exporter(ud).shutdown()))
}

unsafe extern "C" fn free_exporter(ud: *mut c_void) {
    crate::log::guard("span exporter free", (), || drop(Box::from_raw(ud.cast::<ExporterBox>())));
}

/// The in-memory exporter: keeps every exported span for tests to read
/// back as [`SpanData`].
#[derive(Clone)]
pub struct InMemoryExporter {
    exporter: Exporter,
}

impl InMemoryExporter {
    pub fn new() -> Result<InMemoryExporter> {
        let mut p = std::ptr::null_mut();
        Ok(InMemoryExporter { exporter: made(unsafe { raw::otel_exporter_in_memory_new(&mut p) }, p)? })
    }

    /// Every span exported so far, in export order.
    pub fn spans(&self) -> Vec<SpanData> {
        let e = self.exporter.raw;
        (0..unsafe { raw::otel_exporter_in_memory_count(e) })
            .filter_map(|i| unsafe {
                let d = raw::otel_exporter_in_memory_get(e, i);
                (!d.is_null()).then(|| {
                    let s = span_data::from_c(d);
                    raw::otel_span_data_release(d);
                    s
                })
            })
            .collect()
    }

    /// Forgets every span held.
    pub fn reset(&self) {
        unsafe { raw::otel_exporter_in_memory_reset(self.exporter.raw) }
    }
}

impl From<InMemoryExporter> for Exporter {
    fn from(m: InMemoryExporter) -> Exporter {
        m.exporter
    }
}
impl From<&InMemoryExporter> for Exporter {
    fn from(m: &InMemoryExporter) -> Exporter {
        m.exporter.clone()
    }
}

/// A span processor, to add to a provider builder.
pub struct Processor {
    pub(crate) raw: *mut raw::otel_processor,
}

// Processors are reference-counted and safe from any thread (export.h).
unsafe impl Send for Processor {}
unsafe impl Sync for Processor {}

impl Drop for Processor {
    fn drop(&mut self) {
        unsafe { raw::otel_processor_release(self.raw) }
    }
}

/// A span as a custom processor's `on_start`/`on_ending` sees it: still
/// writable.
pub struct ProcessorSpan {
    raw: *mut raw::otel_span,
}

impl ProcessorSpan {
    pub fn span_context(&self) -> SpanContext {
        unsafe { crate::context::span_context_of(self.raw) }
    }
    pub fn set_attribute(&self, kv: KeyValue) {
        crate::attr::with_kvs(std::slice::from_ref(&kv), |p, n| unsafe { raw::otel_span_set_attributes(self.raw, p, n) });
    }
}

/// A custom span processor, called in the thread that starts or ends the
/// span. `on_ending` may still change the span (redaction).
pub trait SpanProcessor: Send + Sync + 'static {
    fn on_start(&self, _span: &ProcessorSpan, _parent: &opentelemetry::Context) {}
    fn on_ending(&self, _span: &ProcessorSpan) {}
    fn on_end(&self, _span: SpanData) {}
}

impl Processor {
    /// Exports each span as it ends, in the ending thread.
    pub fn simple(exporter: impl Into<Exporter>) -> Result<Processor> {
        let e = exporter.into();
        let mut p = std::ptr::null_mut();
        check(unsafe { raw::otel_processor_simple_new(&mut p, e.raw) })?;
        Ok(Processor { raw: p })
    }

    /// Batches in a worker thread; `OTEL_BSP_*` settings from `options`,
    /// then the environment.
    pub fn batch(exporter: impl Into<Exporter>, options: &[(&str, &str)]) -> Result<Processor> {
        Processor::batch_with(exporter.into(), &Options::from_pairs(options)?)
    }

    pub(crate) fn batch_with(e: Exporter, o: &Options) -> Result<Processor> {
        let mut p = std::ptr::null_mut();
        check(unsafe { raw::otel_processor_batch_new(&mut p, e.raw, o.0) })?;
        Ok(Processor { raw: p })
    }

    /// A processor written in Rust (panics are caught and counted).
    pub fn custom(processor: impl SpanProcessor) -> Result<Processor> {
        let ud = Box::into_raw(Box::new(Box::new(processor) as Box<dyn SpanProcessor>)).cast::<c_void>();
        let mut p = std::ptr::null_mut();
        let st = unsafe { raw::otel_processor_custom_new(&mut p, Some(on_start_cb), Some(on_ending_cb), Some(on_end_cb), ud) };
        if st != raw::OTEL_OK {
            unsafe { drop(Box::from_raw(ud.cast::<Box<dyn SpanProcessor>>())) };
            return Err(Error::last(st));
        }
        unsafe { raw::otel_processor_set_free_fn(p, Some(free_processor)) };
        Ok(Processor { raw: p })
    }
}

unsafe fn processor<'a>(ud: *mut c_void) -> &'a dyn SpanProcessor {
    &**ud.cast::<Box<dyn SpanProcessor>>()
}

unsafe extern "C" fn on_start_cb(span: *mut raw::otel_span, parent: *mut raw::otel_context, ud: *mut c_void) {
    crate::log::guard("span processor on_start", (), || {
        use opentelemetry::trace::TraceContextExt;
        let ps = raw::otel_context_get_span(parent);
        let cx = if ps.is_null() {
            opentelemetry::Context::new()
        } else {
            opentelemetry::Context::new().with_remote_span_context(crate::context::span_context_of(ps))
        };
        processor(ud).on_start(&ProcessorSpan { raw: span }, &cx)
    })
}

unsafe extern "C" fn on_ending_cb(span: *mut raw::otel_span, ud: *mut c_void) {
    crate::log::guard("span processor on_ending", (), || processor(ud).on_ending(&ProcessorSpan { raw: span }))
}

unsafe extern "C" fn on_end_cb(d: *const raw::otel_span_data, ud: *mut c_void) {
    crate::log::guard("span processor on_end", (), || processor(ud).on_end(span_data::from_c(d)))
}

unsafe extern "C" fn free_processor(ud: *mut c_void) {
    crate::log::guard("span processor free", (), || drop(Box::from_raw(ud.cast::<Box<dyn SpanProcessor>>())));
}


macro_rules! opaque_debug {
    ($($t:ty),*) => {$(
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($t))
            }
        }
    )*};
}
opaque_debug!(Exporter, InMemoryExporter, Processor);
