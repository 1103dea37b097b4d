//! The tracer provider and its builder, tracers, and `stats()`.
use super::export::{Exporter, Processor};
use super::sampler::Sampler;
use super::span::Span;
use crate::attr::{self, Attr};
use crate::error::{check, Result, Status};
use crate::options::{Deferred, Options};
use crate::raw;
use std::sync::Arc;

pub(crate) struct ProviderInner {
    pub(crate) raw: *mut raw::otel_tracer_provider,
}

// Providers are safe from any thread (trace.h: "providers and tracers are
// safe from any thread"), reference-counted atomically.
unsafe impl Send for ProviderInner {}
unsafe impl Sync for ProviderInner {}

impl Drop for ProviderInner {
    fn drop(&mut self) {
        unsafe { raw::otel_tracer_provider_release(self.raw) }
    }
}

/// A tracer provider of the C core. Cheap to clone (one shared provider).
/// The last clone to drop shuts the pipeline down (bounded by
/// `OTEL_BSP_EXPORT_TIMEOUT`); call [`TracerProvider::shutdown`] to choose
/// the deadline and see the outcome.
#[derive(Clone)]
pub struct TracerProvider {
    pub(crate) inner: Arc<ProviderInner>,
}

impl std::fmt::Debug for TracerProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TracerProvider").field("raw", &self.inner.raw).finish()
    }
}

/// Builds a [`TracerProvider`] from `OTEL_*` options (code wins over the
/// environment), a sampler, processors and a resource.
pub struct TracerProviderBuilder {
    opts: Option<Options>,
    err: Deferred,
}

impl TracerProvider {
    /// A builder; nothing set means the environment decides everything.
    pub fn builder() -> TracerProviderBuilder {
        let mut err = Deferred::default();
        let opts = match Options::new() {
            Ok(o) => {
                err.keep(o.strict());
                Some(o)
            }
            Err(e) => {
                err.keep(Err(e));
                None
            }
        };
        TracerProviderBuilder { opts, err }
    }

    /// The provider the environment describes (`OTEL_TRACES_EXPORTER`,
    /// `OTEL_TRACES_SAMPLER`, `OTEL_SERVICE_NAME`, ...).
    pub fn from_env() -> Result<TracerProvider> {
        TracerProvider::builder().build()
    }

    /// The C global provider (what C code and other bindings in this
    /// process use), if one was set.
    pub fn c_global() -> Option<TracerProvider> {
        let p = unsafe { raw::otel_tracer_provider_get_global() };
        (!p.is_null()).then(|| TracerProvider { inner: Arc::new(ProviderInner { raw: p }) })
    }

    /// Makes this provider the C global, so C code and the other bindings
    /// in the process export through it.
    pub fn set_c_global(&self) {
        unsafe { raw::otel_tracer_provider_set_global(self.inner.raw) }
    }

    /// A tracer for the scope `name` (the same signature as the API
    /// trait's `tracer`, so either resolves the same way).
    pub fn tracer(&self, name: impl Into<std::borrow::Cow<'static, str>>) -> Tracer {
        self.tracer_scope(&name.into(), None, None, &[])
    }

    /// A tracer with a full instrumentation scope.
    pub fn tracer_scope(&self, name: &str, version: Option<&str>, schema_url: Option<&str>, attrs: &[Attr<'_>]) -> Tracer {
        let (np, nl) = raw::str_parts(name);
        let (vp, vl) = raw::str_parts(version.unwrap_or(""));
        let (sp, sl) = raw::str_parts(schema_url.unwrap_or(""));
        let t = attr::with_attrs(attrs, |p, n| unsafe {
            raw::otel_tracer_provider_get_tracer_n(self.inner.raw, np, nl, vp, vl, sp, sl, p, n)
        });
        Tracer { raw: t, provider: self.clone() }
    }

    /// Exports every ended span, waiting at most `timeout_ms` (0: no limit).
    pub fn force_flush(&self, timeout_ms: u32) -> Result<()> {
        check(unsafe { raw::otel_tracer_provider_force_flush(self.inner.raw, timeout_ms) })
    }

    /// Flushes and stops the pipeline within `timeout_ms`. Idempotent:
    /// later calls return `Status::Shutdown`.
    pub fn shutdown(&self, timeout_ms: u32) -> Result<()> {
        check(unsafe { raw::otel_tracer_provider_shutdown(self.inner.raw, timeout_ms) })
    }

    /// The provider's counters, read in one lock-free call.
    pub fn stats(&self) -> Stats {
        let raw = self.inner.raw;
        Stats::read(
            |v, n| unsafe { raw::otel_tracer_provider_get_stats(raw, v, n) },
            |b, n| unsafe { raw::otel_tracer_provider_last_error(raw, b, n) },
        )
    }

    /// The raw handle (borrowed while `self` lives) for C code.
    pub fn as_ptr(&self) -> *mut raw::otel_tracer_provider {
        self.inner.raw
    }
}

impl TracerProviderBuilder {
    fn opts(&mut self) -> Option<&Options> {
        self.opts.as_ref()
    }

    /// Sets an option by its specification name, e.g.
    /// `with_option("OTEL_SERVICE_NAME", "shop")`. Unknown names and bad
    /// values fail `build()` with a message naming the option.
    pub fn with_option(mut self, name: &str, value: &str) -> Self {
        if let Some(o) = self.opts() {
            let r = o.set(name, value);
            self.err.keep(r);
        }
        self
    }

    /// Shorthand for `with_option("OTEL_SERVICE_NAME", name)`.
    pub fn with_service_name(self, name: &str) -> Self {
        self.with_option("OTEL_SERVICE_NAME", name)
    }

    /// Replaces the sampler (`OTEL_TRACES_SAMPLER` otherwise).
    pub fn with_sampler(mut self, sampler: Sampler) -> Self {
        if let Some(o) = self.opts() {
            let r = check(unsafe { raw::otel_options_set_sampler(o.0, sampler.raw) });
            self.err.keep(r);
        }
        self
    }

    /// Adds a span processor (in order). With none, `OTEL_TRACES_EXPORTER`
    /// decides (OTLP by default).
    pub fn with_processor(mut self, processor: Processor) -> Self {
        if let Some(o) = self.opts() {
            let r = check(unsafe { raw::otel_options_add_processor(o.0, processor.raw) });
            self.err.keep(r);
        }
        self
    }

    /// Adds a simple processor exporting each span as it ends.
    pub fn with_simple_exporter(self, exporter: impl Into<Exporter>) -> Self {
        match Processor::simple(exporter) {
            Ok(p) => self.with_processor(p),
            Err(e) => self.failed(Err(e)),
        }
    }

    /// Adds a batch processor (settings from `OTEL_BSP_*` options given to
    /// this builder, else the environment).
    pub fn with_batch_exporter(self, exporter: impl Into<Exporter>) -> Self {
        let r = match &self.opts {
            Some(o) => Processor::batch_with(exporter.into(), o),
            None => return self,
        };
        match r {
            Ok(p) => self.with_processor(p),
            Err(e) => self.failed(Err(e)),
        }
    }

    /// Resource attributes set in code (win over `OTEL_RESOURCE_ATTRIBUTES`).
    pub fn with_resource(mut self, attrs: &[opentelemetry::KeyValue]) -> Self {
        let Some(o) = self.opts() else { return self };
        let mut res = std::ptr::null_mut();
        let r = attr::with_kvs(attrs, |p, n| check(unsafe { raw::otel_resource_new(&mut res, p, n, std::ptr::null(), 0) }))
            .and_then(|_| {
                let r = check(unsafe { raw::otel_options_set_resource(o.0, res) });
                unsafe { raw::otel_resource_release(res) };
                r
            });
        self.err.keep(r);
        self
    }

    fn failed(mut self, r: Result<()>) -> Self {
        self.err.keep(r);
        self
    }

    /// Builds the provider; the first error of the chain, if any.
    pub fn build(self) -> Result<TracerProvider> {
        self.err.into_result()?;
        let Some(o) = self.opts else {
            return Err(crate::Error::new(Status::NoMemory, "options"));
        };
        let mut p = std::ptr::null_mut();
        check(unsafe { raw::otel_tracer_provider_new(&mut p, o.0) })?;
        Ok(TracerProvider { inner: Arc::new(ProviderInner { raw: p }) })
    }
}

/// A tracer: cheap to clone, safe from any thread.
#[derive(Clone)]
pub struct Tracer {
    pub(crate) raw: *mut raw::otel_tracer,
    pub(crate) provider: TracerProvider,
}

// C tracers are safe from any thread and live as long as their provider,
// which `provider` keeps alive.
unsafe impl Send for Tracer {}
unsafe impl Sync for Tracer {}

impl std::fmt::Debug for Tracer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tracer").field("raw", &self.raw).finish()
    }
}

/// The kind of a span (OTLP values).
pub use opentelemetry::trace::SpanKind;

pub(crate) fn kind_to_c(k: &SpanKind) -> i32 {
    (match k {
        SpanKind::Internal => raw::OTEL_SPAN_KIND_INTERNAL,
        SpanKind::Server => raw::OTEL_SPAN_KIND_SERVER,
        SpanKind::Client => raw::OTEL_SPAN_KIND_CLIENT,
        SpanKind::Producer => raw::OTEL_SPAN_KIND_PRODUCER,
        SpanKind::Consumer => raw::OTEL_SPAN_KIND_CONSUMER,
    }) as i32
}

impl Tracer {
    /// Starts a span, child of this thread's current C context (see
    /// [`Span::enter`]); a root when nothing is current.
    #[inline]
    pub fn start_span(&self, name: &str) -> Span {
        self.start_span_with(name, SpanKind::Internal, None, &[])
    }

    /// Starts a span with a kind, an explicit parent (None: the current C
    /// context) and attributes the sampler sees.
    #[inline]
    pub fn start_span_with(&self, name: &str, kind: SpanKind, parent: Option<&Span>, attrs: &[Attr<'_>]) -> Span {
        let (np, nl) = raw::str_parts(name);
        let k = kind_to_c(&kind);
        let start = |ctx: *mut raw::otel_context| {
            attr::with_attrs(attrs, |p, n| unsafe {
                raw::otel_tracer_start_span_n(self.raw, np, nl, k, ctx, p, n, std::ptr::null(), 0, 0)
            })
        };
        let raw_span = match parent {
            None => start(std::ptr::null_mut()),
            Some(parent) => {
                let ctx = unsafe { raw::otel_context_with_span(raw::otel_context_root(), parent.raw) };
                let s = start(if ctx.is_null() { unsafe { raw::otel_context_root() } } else { ctx });
                unsafe { raw::otel_context_release(ctx) };
                s
            }
        };
        Span::from_raw(raw_span)
    }

    /// True when spans from this tracer may record.
    pub fn enabled(&self) -> bool {
        unsafe { raw::otel_tracer_enabled(self.raw) != 0 }
    }

    /// The provider that made this tracer.
    pub fn provider(&self) -> &TracerProvider {
        &self.provider
    }
}

/// The provider's counters (`otel_stat`), plus this crate's own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    pub spans_started: u64,
    pub spans_not_sampled: u64,
    pub spans_ended: u64,
    pub spans_queued: u64,
    pub queue_bytes: u64,
    pub spans_exported: u64,
    pub dropped_queue_full: u64,
    pub dropped_export_failed: u64,
    pub dropped_shutdown: u64,
    pub dropped_too_large: u64,
    pub dropped_rejected: u64,
    pub dropped_attributes: u64,
    pub dropped_events: u64,
    pub dropped_links: u64,
    pub truncated_values: u64,
    pub invalid_input: u64,
    pub export_batches: u64,
    pub export_errors: u64,
    pub export_retries: u64,
    /// Nanoseconds since the epoch of the last successful export (0: none).
    pub last_export_time_ns: u64,
    /// Nanoseconds since the epoch of the last export error (0: none).
    pub last_error_time_ns: u64,
    /// The last export error's message (no secrets).
    pub last_error: Option<String>,
    /// Panics caught in Rust callbacks, process-wide.
    pub callback_panics: u64,
}

impl Stats {
    /// Reads the counters and the last error through a provider's two C calls.
    pub(crate) fn read(
        get: impl FnOnce(*mut u64, usize) -> usize,
        last_error: impl FnOnce(*mut std::os::raw::c_char, usize) -> usize,
    ) -> Stats {
        let mut v = [0u64; raw::OTEL_STAT__COUNT as usize];
        get(v.as_mut_ptr(), v.len());
        let mut buf = [0u8; 512];
        let n = last_error(buf.as_mut_ptr().cast(), buf.len());
        let end = n.min(buf.len() - 1);
        let text = (n > 0).then(|| String::from_utf8_lossy(&buf[..end]).into_owned());
        Stats::from_array(&v, text)
    }

    fn from_array(v: &[u64], last_error: Option<String>) -> Stats {
        Stats {
            spans_started: v[0],
            spans_not_sampled: v[1],
            spans_ended: v[2],
            spans_queued: v[3],
            queue_bytes: v[4],
            spans_exported: v[5],
            dropped_queue_full: v[6],
            dropped_export_failed: v[7],
            dropped_shutdown: v[8],
            dropped_too_large: v[9],
            dropped_rejected: v[10],
            dropped_attributes: v[11],
            dropped_events: v[12],
            dropped_links: v[13],
            truncated_values: v[14],
            invalid_input: v[15],
            export_batches: v[16],
            export_errors: v[17],
            export_retries: v[18],
            last_export_time_ns: v[19],
            last_error_time_ns: v[20],
            last_error,
            callback_panics: crate::log::callback_panics(),
        }
    }

    /// Every span dropped, whatever the reason.
    pub fn dropped(&self) -> u64 {
        self.dropped_queue_full + self.dropped_export_failed + self.dropped_shutdown + self.dropped_too_large + self.dropped_rejected
    }
}
