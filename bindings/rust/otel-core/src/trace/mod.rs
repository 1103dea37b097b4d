//! Tracing: providers, tracers, spans, samplers, processors, exporters.
pub mod export;
pub mod provider;
pub mod sampler;
pub mod span;
pub mod span_data;
