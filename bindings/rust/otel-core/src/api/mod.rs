//! Implementations of the `opentelemetry` API traits on this crate's types.
pub mod metrics;
pub mod propagation;
pub mod trace;
