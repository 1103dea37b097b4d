//! One call to make this crate the process's SDK for Rust and C alike.
use crate::api::propagation::Propagator;
use crate::metrics::MeterProvider;
use crate::trace::provider::TracerProvider;

/// Installs `tp` as the global tracer provider of the `opentelemetry` API
/// and of the C core (so C code and other bindings share its exporter),
/// and the `OTEL_PROPAGATORS` composite as the global propagator of both.
pub fn install(tp: &TracerProvider) -> crate::Result<()> {
    tp.set_c_global();
    opentelemetry::global::set_tracer_provider(tp.clone());
    let p = Propagator::from_env()?;
    p.set_c_global();
    opentelemetry::global::set_text_map_propagator(p);
    Ok(())
}

/// Installs `mp` as the global meter provider of the API and of the C core.
pub fn install_meter_provider(mp: &MeterProvider) {
    mp.set_c_global();
    opentelemetry::global::set_meter_provider(mp.clone());
}
