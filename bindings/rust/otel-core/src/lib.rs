//! `otel-core`: the Rust binding of libotel_core, the OpenTelemetry SDK in
//! C that every language of a process can share.
//!
//! Two ways in:
//! - a drop-in SDK for the `opentelemetry` 0.31 API and for `tracing`
//!   (through `tracing-opentelemetry`): keep the instrumentation, change
//!   the initialisation to `otel_core::TracerProvider::from_env()?`;
//! - this crate's own API ([`Tracer::start_span`], [`Span::attr`], ...),
//!   which skips the API's allocations.
//!
//! `opentelemetry::Context` is the authority for the current span in Rust
//! code (it follows tokio tasks with `FutureExt::with_context`); the C core
//! receives the parent explicitly at each span start.
mod attr;
mod context;
mod error;
mod log;
mod options;
mod raw;

pub mod api;
pub mod global;
pub mod metrics;
pub mod trace;

pub use attr::{Attr, AttrValue};
pub use context::{CAttachGuard, CContext};
pub use error::{Error, Result, Status};
pub use log::{callback_panics, clear_log_handler, set_log_handler, set_log_level, Level};
pub use metrics::{ManualReader, MeterProvider, MeterProviderBuilder};
pub use options::{options, OptionInfo};
pub use trace::export::{Exporter, InMemoryExporter, Processor, ProcessorSpan, SpanExporter, SpanProcessor};
pub use trace::provider::{SpanKind, Stats, Tracer, TracerProvider, TracerProviderBuilder};
pub use trace::sampler::{Sampler, ShouldSample};
pub use trace::span::{Span, SpanGuard};
pub use trace::span_data::SpanData;
pub use api::propagation::Propagator;

/// The C library's version at run time, e.g. "1.0.0".
pub fn version() -> &'static str {
    unsafe { raw::cstr(raw::otel_version()) }
}
